// Kind conversions, the dynamic Handle operators, allocation, fields and
// globals. Field and global access is emitted inline (an instance is
// `flags` then one handle per field), on a Handle too when few boxes declare
// the field (guarded by the type tag, the lookup by name as the fallback);
// reference counts go through the reml_fp_retain/release fast paths, with
// the VM's rule: a read retains what it returns, a store takes over the new
// value's reference and releases the old.
#include <cstring>
#include <vector>

#include <llvm/IR/Constants.h>
#include <llvm/IR/MDBuilder.h>

#include "codegen/lower_ops.h"
#include "codegen/module_glue.h"
#include "codegen/ptr_values.h"
#include "mir/field_owners.h"
#include "reml_runtime.h"

namespace hako::codegen {

namespace {

using mir::Kind;
using mir::Op;

// The runtime function of a dynamic operator (the `dyn` column of
// instructions.def: the reml_fp_* copy of a fast path, two small Ints inline
// at -O2, or the reml_dyn_* function), and whether it takes a location.
struct Dynamic {
  Rt fn;
  bool unary;
  bool compare;  // returns a 0/1 truth value
  bool has_loc;
};

Dynamic dynamic_of(FunctionState& fs, const mir::Inst& in) {
  const mir::OpInfo& info = mir::op_info(in.op);
  std::optional<Rt> fn = info.dyn_native ? RuntimeDecls::by_symbol(info.dyn_native) : std::nullopt;
  if (!fn) unhandled(fs, in, "the dynamic operators (no runtime entry for its `dyn` column)");
  const size_t arity = std::strlen(info.operands);
  return {*fn, arity == 1, info.result[0] == 'B', std::strlen(RuntimeDecls::params(*fn)) > arity};
}

llvm::Value* to_str(FunctionState& fs, const mir::Inst& in) {
  ModuleState& ms = fs.ms;
  llvm::IRBuilder<>& b = fs.b;
  const mir::Tag t = fs.tag(in.args[0]);
  llvm::Value* v = fs.val(in.args[0]);
  switch (t.kind) {
    case Kind::Int: return b.CreateCall(ms.rt.get(Rt::I64ToString), {v});
    case Kind::Float: return b.CreateCall(ms.rt.get(Rt::F64ToString), {v});
    case Kind::Bool: return b.CreateCall(ms.rt.get(Rt::BoolToString), {bool_to_i64(ms, b, v)});
    case Kind::String: return v;
    case Kind::Void: return ms.immortal_string("null");
    case Kind::Ptr: return pointer_text(ms, b, v);
    case Kind::Handle:
    case Kind::Array:
    case Kind::Map:
    case Kind::Console:
    case Kind::Box:
    case Kind::Weak:  // a Handle, or an object pointer (its own handle); may run a user toString()
      note_runtime_loc(ms, b, fs.loc(in));
      return b.CreateCall(ms.rt.get(mir::RtFn::HToString), {to_handle(ms, b, t, v)});
  }
  unhandled(fs, in, "to_str (a value of an unknown kind)");
}

llvm::Value* truthy(FunctionState& fs, const mir::Inst& in) {
  ModuleState& ms = fs.ms;
  llvm::IRBuilder<>& b = fs.b;
  const mir::Tag t = fs.tag(in.args[0]);
  llvm::Value* v = fs.val(in.args[0]);
  switch (t.kind) {
    case Kind::Int: return b.CreateICmpNE(v, llvm::ConstantInt::get(ms.i64, 0));
    case Kind::Float: return b.CreateFCmpUNE(v, llvm::ConstantFP::get(ms.f64, 0.0));  // NaN is true, as in C
    case Kind::Bool: return v;
    case Kind::String:  // reml_string_t.len, the payload's first word
      return b.CreateICmpSGT(b.CreateLoad(ms.i64, v, "len"), llvm::ConstantInt::get(ms.i64, 0));
    case Kind::Void:
    case Kind::Handle:
    case Kind::Array:
    case Kind::Map:
    case Kind::Console:
    case Kind::Box:
    case Kind::Weak:
    case Kind::Ptr:  // boxed (Ptr: a pointer value) so that the runtime names the kind in its error
      return i64_to_bool(ms, b, b.CreateCall(ms.rt.get(dynamic_of(fs, in).fn), {to_handle(ms, b, t, v), fs.loc(in)}));
  }
  unhandled(fs, in, "truthy (a value of an unknown kind)");
}

llvm::Value* dynamic(FunctionState& fs, const mir::Inst& in) {
  const Dynamic d = dynamic_of(fs, in);
  std::vector<llvm::Value*> args{fs.val(in.args[0])};
  if (!d.unary) args.push_back(fs.val(in.args[1]));
  if (d.has_loc) args.push_back(fs.loc(in));
  // Binary operators may convert a user box with its toString() (as the VM,
  // which publishes its pc for exactly these).
  if (!d.unary && !d.compare) note_runtime_loc(fs.ms, fs.b, fs.loc(in));
  llvm::Value* r = fs.b.CreateCall(fs.ms.rt.get(d.fn), args);
  return d.compare ? i64_to_bool(fs.ms, fs.b, r) : r;
}

// The address of handle slot `index` of an instance: after the 8-byte flags.
llvm::Value* field_address(FunctionState& fs, llvm::Value* obj, int64_t index) {
  return fs.b.CreateConstInBoundsGEP1_64(fs.ms.i64, obj, static_cast<uint64_t>(1 + index), "field");
}

llvm::Value* load_retained(FunctionState& fs, llvm::Value* slot) {
  llvm::Value* h = fs.b.CreateLoad(fs.ms.i64, slot);
  fs.b.CreateCall(fs.ms.rt.get(Rt::FpRetain), {h});  // every SSA value holds an owned reference
  return h;
}

// Stores take over the reference `v` carries (MIR set_field / set_global).
void store_replacing(FunctionState& fs, llvm::Value* slot, llvm::Value* v) {
  llvm::Value* old = fs.b.CreateLoad(fs.ms.i64, slot);
  fs.b.CreateStore(v, slot);
  fs.b.CreateCall(fs.ms.rt.get(Rt::FpRelease), {old});
}

// A field access of Handle `h` by slot where at most mir::kMaxGuardedOwners
// boxes declare the field (`owners`): a switch on the type tag, and per box
// the test of the instance's FINALISED bit (for boxes whose instances can be
// finalised), then `at_slot` with the address of the field's slot. Every
// other receiver (Void, numbers, strings, built-in boxes, instances of other
// boxes, a finalised instance) takes `by_name`, the runtime's lookup by
// name, which also reports the errors (`use after fini`, `Unknown field`)
// the VM reports. Each callback returns the access's value, or null when it
// has none; so does this.
template <class AtSlot, class ByName>
llvm::Value* guarded_field(FunctionState& fs, llvm::Value* h, const std::vector<mir::FieldOwner>& owners,
                           AtSlot at_slot, ByName by_name) {
  ModuleState& ms = fs.ms;
  llvm::IRBuilder<>& b = fs.b;
  if (owners.empty() || owners.size() > mir::kMaxGuardedOwners) return by_name();
  auto* other = llvm::BasicBlock::Create(ms.ctx, "field.by_name", fs.fn);
  auto* done = llvm::BasicBlock::Create(ms.ctx, "field.done", fs.fn);
  llvm::SwitchInst* sw = b.CreateSwitch(b.CreateCall(ms.rt.get(Rt::FpTag), {h}), other,
                                        static_cast<unsigned>(owners.size()));
  llvm::MDBuilder md(ms.ctx);
  std::vector<std::pair<llvm::Value*, llvm::BasicBlock*>> results;
  for (const mir::FieldOwner& o : owners) {
    auto* matched = llvm::BasicBlock::Create(ms.ctx, "field." + ms.mir.boxes[o.box].name, fs.fn, other);
    sw->addCase(llvm::ConstantInt::get(ms.i32, user_type_tag(o.box)), matched);
    b.SetInsertPoint(matched);
    llvm::Value* obj = b.CreateIntToPtr(h, ms.ptr);
    if (ms.finalisable.at(o.box)) {
      // reml_instance_t.flags, the instance's first word (hako-core §8: no
      // field access after fini()).
      auto* live = llvm::BasicBlock::Create(ms.ctx, "field.live", fs.fn, other);
      llvm::Value* flags = b.CreateLoad(ms.i64, obj, "flags");
      llvm::Value* finalised =
          b.CreateICmpNE(b.CreateAnd(flags, llvm::ConstantInt::get(ms.i64, REML_INSTANCE_FINALISED)),
                         llvm::ConstantInt::get(ms.i64, 0));
      b.CreateCondBr(finalised, other, live, md.createUnlikelyBranchWeights());
      b.SetInsertPoint(live);
    }
    llvm::Value* r = at_slot(field_address(fs, obj, o.slot));
    results.emplace_back(r, b.GetInsertBlock());
    b.CreateBr(done);
  }
  b.SetInsertPoint(other);
  llvm::Value* r = by_name();
  results.emplace_back(r, b.GetInsertBlock());
  b.CreateBr(done);
  b.SetInsertPoint(done);
  if (r == nullptr) return nullptr;
  llvm::PHINode* phi = b.CreatePHI(ms.i64, static_cast<unsigned>(results.size()), "field.value");
  for (auto [v, bb] : results) phi->addIncoming(v, bb);
  return phi;
}

llvm::Value* get_field_h(FunctionState& fs, const mir::Inst& in) {
  const std::string& name = fs.ms.mir.strings.at(in.ref);
  llvm::Value* h = fs.val(in.args[0]);
  return guarded_field(
      fs, h, mir::field_owners(fs.ms.mir, name), [&](llvm::Value* slot) { return load_retained(fs, slot); },
      [&] { return fs.b.CreateCall(fs.ms.rt.get(Rt::DynGetField), {h, fs.ms.cstring(name), fs.loc(in)}); });
}

void set_field_h(FunctionState& fs, const mir::Inst& in) {
  const std::string& name = fs.ms.mir.strings.at(in.ref);
  llvm::Value* h = fs.val(in.args[0]);
  llvm::Value* v = fs.val(in.args[1]);
  // A weak field takes only a WeakRef or Void (§7): the by-name path checks
  // that, so stores into weak fields keep it.
  std::vector<mir::FieldOwner> owners = mir::field_owners(fs.ms.mir, name);
  std::erase_if(owners, [](const mir::FieldOwner& o) { return o.weak; });
  guarded_field(
      fs, h, owners,
      [&](llvm::Value* slot) -> llvm::Value* {
        fs.b.CreateCall(fs.ms.rt.get(Rt::FpRetain), {v});  // set_field_h leaves the caller its reference
        store_replacing(fs, slot, v);
        return nullptr;
      },
      [&]() -> llvm::Value* {
        fs.b.CreateCall(fs.ms.rt.get(Rt::DynSetField), {h, fs.ms.cstring(name), v, fs.loc(in)});
        return nullptr;
      });
}

// A reference count on a Handle its soft hints call nonnull: the test for
// Void (which has no count) that the fast path makes anyway, made first with
// the non-Void side marked likely. Skipping the call for Void is right
// whatever the hint says, so a wrong hint only mispredicts the branch.
void count_unless_void(FunctionState& fs, Rt fn, llvm::Value* h) {
  ModuleState& ms = fs.ms;
  llvm::IRBuilder<>& b = fs.b;
  auto* counted = llvm::BasicBlock::Create(ms.ctx, "rc.counted", fs.fn);
  auto* done = llvm::BasicBlock::Create(ms.ctx, "rc.done", fs.fn);
  llvm::MDBuilder md(ms.ctx);
  b.CreateCondBr(b.CreateICmpNE(h, ms.void_value()), counted, done, md.createLikelyBranchWeights());
  b.SetInsertPoint(counted);
  b.CreateCall(ms.rt.get(fn), {h});
  b.CreateBr(done);
  b.SetInsertPoint(done);
}

}  // namespace

void lower_object_op(FunctionState& fs, const mir::Inst& in) {
  ModuleState& ms = fs.ms;
  llvm::IRBuilder<>& b = fs.b;
  llvm::Value* r = nullptr;
  switch (in.op) {
    case Op::ToStr: r = to_str(fs, in); break;
    case Op::Box: r = to_handle(ms, b, fs.tag(in.args[0]), fs.val(in.args[0])); break;
    case Op::Unbox: r = from_handle(ms, b, in.tag, fs.val(in.args[0]), fs.loc(in)); break;
    case Op::Truthy: r = truthy(fs, in); break;

    case Op::AddH: case Op::SubH: case Op::MulH: case Op::DivH: case Op::ModH: case Op::NegH:
    case Op::AndH: case Op::OrH: case Op::XorH: case Op::ShlH: case Op::ShrH: case Op::NotH:
    case Op::EqH: case Op::NeH: case Op::LtH: case Op::LeH: case Op::GtH: case Op::GeH:
      r = dynamic(fs, in);
      break;

    case Op::NewBox: {
      // The field count is the one the box table registers (module_glue.cpp):
      // with it known, -O2 code allocates from the size-class cache inline.
      const auto fields = static_cast<uint64_t>(ms.mir.boxes.at(in.ref).fields.size());
      r = b.CreateCall(ms.rt.get(Rt::InstanceNewN),
                       {llvm::ConstantInt::get(ms.i32, in.ref), llvm::ConstantInt::get(ms.i32, fields)});
      break;
    }
    case Op::NewBoxReuse:
      r = b.CreateCall(ms.rt.get(Rt::InstanceReuse), {fs.val(in.args[0]), llvm::ConstantInt::get(ms.i32, in.ref)});
      break;
    case Op::GetField: r = load_retained(fs, field_address(fs, fs.val(in.args[0]), in.imm)); break;
    case Op::BorrowField: r = b.CreateLoad(ms.i64, field_address(fs, fs.val(in.args[0]), in.imm)); break;
    case Op::SetField: store_replacing(fs, field_address(fs, fs.val(in.args[0]), in.imm), fs.val(in.args[1])); break;
    case Op::GetFieldH: r = get_field_h(fs, in); break;
    case Op::SetFieldH: set_field_h(fs, in); break;
    case Op::GetGlobal: r = load_retained(fs, ms.globals.at(in.ref)); break;
    case Op::SetGlobal: store_replacing(fs, ms.globals.at(in.ref), fs.val(in.args[0])); break;
    case Op::NewArray: r = b.CreateCall(ms.rt.get(Rt::ArrayNew)); break;
    case Op::NewMap: r = b.CreateCall(ms.rt.get(Rt::MapNew)); break;
    case Op::NewConsole: r = b.CreateCall(ms.rt.get(Rt::ConsoleNew)); break;
    case Op::WeakNew: {
      llvm::Value* v = fs.val(in.args[0]);
      if (fs.tag(in.args[0]).kind == Kind::Handle)
        r = b.CreateCall(ms.rt.get(Rt::WeakNewChecked), {v, fs.loc(in)});
      else
        r = b.CreateCall(ms.rt.get(Rt::WeakNew), {b.CreatePtrToInt(v, ms.i64)});
      r = b.CreateIntToPtr(r, ms.ptr);  // a WeakRef value is its cell's pointer
      break;
    }
    case Op::WeakLoad:
      r = b.CreateCall(ms.rt.get(mir::RtFn::WeakToStrong), {b.CreatePtrToInt(fs.val(in.args[0]), ms.i64)});
      break;
    case Op::CheckWeak:
      b.CreateCall(ms.rt.get(Rt::WeakFieldCheck), {b.CreatePtrToInt(fs.val(in.args[0]), ms.i64), fs.val(in.args[1]),
                                                   llvm::ConstantInt::get(ms.i64, in.imm), fs.loc(in)});
      break;
    case Op::Retain:
    case Op::Release:
    case Op::WeakRetain:
    case Op::WeakDrop: {
      // Object pointers are their own handles, so one fast path serves both;
      // a weak reference is a counted reference to its cell, dropped by
      // nyrt_weak_drop.
      // A C pointer value is not counted (mir::Kind::Ptr): src/rc never
      // emits these for one.
      if (fs.tag(in.args[0]).kind == Kind::Ptr) unhandled(fs, in, "reference counting (a C pointer value)");
      llvm::Value* v = fs.val(in.args[0]);
      if (v->getType()->isPointerTy()) v = b.CreatePtrToInt(v, ms.i64);
      Rt count_fn = in.op == Op::Release ? Rt::FpRelease : in.op == Op::WeakDrop ? Rt::WeakDrop : Rt::FpRetain;
      if (fs.tag(in.args[0]).kind == Kind::Handle && fs.f.hints_of(in.args[0]).has(mir::Hint::Nullability)) {
        count_unless_void(fs, count_fn, v);
      } else {
        b.CreateCall(ms.rt.get(count_fn), {v});
      }
      break;
    }
    default: unhandled(fs, in, "lower_object_op");
  }
  fs.set(in, r);
}

}  // namespace hako::codegen
