#include "codegen/lower_state.h"

#include <algorithm>
#include <llvm/IR/Constants.h>
#include <llvm/IR/GlobalVariable.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>

#include "codegen/abi/target_abi.h"
#include "codegen/llvm_lowering.h"
#include "codegen/ptr_values.h"
#include "mir/field_owners.h"
#include "reml_runtime.h"

namespace hako::codegen {

ModuleState::ModuleState(const mir::Module& m, llvm::Module& mod_, DebugInfo* di_)
    : mir(m),
      ctx(mod_.getContext()),
      mod(mod_),
      rt(mod_),
      di(di_),
      c_abi(abi::target_abi_of_triple(mod_.getTargetTriple())),
      i1(llvm::Type::getInt1Ty(ctx)),
      i32(llvm::Type::getInt32Ty(ctx)),
      i64(llvm::Type::getInt64Ty(ctx)),
      f64(llvm::Type::getDoubleTy(ctx)),
      ptr(llvm::PointerType::get(ctx, 0)),
      has_callbacks(std::any_of(m.functions.begin(), m.functions.end(), [](const mir::Function& f) {
        return std::any_of(f.blocks.begin(), f.blocks.end(), [](const mir::Block& b) {
          return std::any_of(b.insts.begin(), b.insts.end(), [](const mir::Inst& i) { return i.op == mir::Op::FnPtr; });
        });
      })),
      finalisable(mir::finalisable_boxes(m)) {}

llvm::Type* ModuleState::type_of(mir::Tag t) const {
  switch (t.kind) {
    case mir::Kind::Void: return nullptr;
    case mir::Kind::Int: return i64;
    case mir::Kind::Float: return f64;
    case mir::Kind::Bool: return i1;
    case mir::Kind::Handle: return i64;
    case mir::Kind::Ptr: return ptr;  // the raw C address (ptr_values.h)
    case mir::Kind::String:
    case mir::Kind::Array:
    case mir::Kind::Map:
    case mir::Kind::Console:
    case mir::Kind::Box:
    case mir::Kind::Weak: return ptr;  // the object's payload
  }
  throw UnhandledMir{"a value of an unknown kind"};
}

llvm::Constant* ModuleState::void_value() const { return llvm::ConstantInt::get(i64, REML_VOID); }

llvm::Constant* ModuleState::loc(mir::Loc l) {
  auto key = std::make_tuple(l.file, l.line, l.col);
  if (auto it = locs_.find(key); it != locs_.end()) return it->second;
  // The verifier allows file 0 without sources: no path then, as in the VM.
  llvm::Constant* file_name = cstring(l.file < mir.sources.size() ? mir.sources[l.file] : std::string());
  // reml_loc_t: {const char* file; uint32_t line; uint32_t col;}
  auto* type = llvm::StructType::get(ctx, {ptr, i32, i32});
  auto* init = llvm::ConstantStruct::get(
      type, {file_name, llvm::ConstantInt::get(i32, l.line), llvm::ConstantInt::get(i32, l.col)});
  auto* gv = new llvm::GlobalVariable(mod, type, /*isConstant=*/true, llvm::GlobalValue::PrivateLinkage, init,
                                      "hako.loc." + (l.file != 0 ? std::to_string(l.file) + "." : std::string()) +
                                          std::to_string(l.line) + "." + std::to_string(l.col));
  gv->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  gv->setAlignment(llvm::Align(8));
  locs_.emplace(key, gv);
  return gv;
}

llvm::Constant* ModuleState::string_literal(uint32_t index) { return immortal_string(mir.strings.at(index)); }

llvm::Constant* ModuleState::immortal_string(const std::string& text) {
  if (auto it = strings_.find(text); it != strings_.end()) return it->second;
  // The object as the runtime lays it out: reml_object_header_t {refcount,
  // type_tag}, then the reml_string_t payload {len, bytes, NUL}. The
  // immortal refcount means no runtime call ever writes to it, so it can
  // live in read-only memory.
  auto* header = llvm::ConstantStruct::getAnon(
      {llvm::ConstantInt::get(i32, REML_RC_IMMORTAL), llvm::ConstantInt::get(i32, REML_TAG_STRING)});
  auto* init = llvm::ConstantStruct::getAnon(
      {header, llvm::ConstantInt::get(i64, text.size()), llvm::ConstantDataArray::getString(ctx, text, true)});
  auto* gv = new llvm::GlobalVariable(mod, init->getType(), /*isConstant=*/true, llvm::GlobalValue::PrivateLinkage,
                                      init, "hako.str");
  gv->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  gv->setAlignment(llvm::Align(8));
  llvm::Constant* idx[] = {llvm::ConstantInt::get(i32, 0), llvm::ConstantInt::get(i32, 1)};
  llvm::Constant* payload = llvm::ConstantExpr::getInBoundsGetElementPtr(init->getType(), gv, idx);
  strings_.emplace(text, payload);
  return payload;
}

llvm::Constant* ModuleState::cstring(const std::string& text) {
  if (auto it = cstrings_.find(text); it != cstrings_.end()) return it->second;
  llvm::Constant* init = llvm::ConstantDataArray::getString(ctx, text, true);
  auto* gv = new llvm::GlobalVariable(mod, init->getType(), /*isConstant=*/true, llvm::GlobalValue::PrivateLinkage,
                                      init, "hako.cstr");
  gv->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  gv->setAlignment(llvm::Align(1));
  cstrings_.emplace(text, gv);
  return gv;
}

llvm::Function* ModuleState::dispatcher(const std::string& name, uint32_t argc) {
  auto key = std::make_pair(name, argc);
  if (auto it = dispatchers_.find(key); it != dispatchers_.end()) return it->second;
  std::vector<llvm::Type*> params(argc + 1, i64);
  params.push_back(ptr);
  auto* fn = llvm::Function::Create(llvm::FunctionType::get(i64, params, false), llvm::GlobalValue::InternalLinkage,
                                    "hako.dispatch." + name + "/" + std::to_string(argc), mod);
  fn->setDoesNotThrow();
  dispatchers_.emplace(key, fn);
  return fn;
}

llvm::GlobalVariable* ModuleState::stack_limit() {
  if (stack_limit_ == nullptr) {
    stack_limit_ = new llvm::GlobalVariable(mod, i64, false, llvm::GlobalValue::InternalLinkage,
                                            llvm::ConstantInt::get(i64, 0), "hako.stack_limit");
    stack_limit_->setAlignment(llvm::Align(8));
  }
  return stack_limit_;
}

llvm::GlobalVariable* ModuleState::runtime_loc() {
  if (runtime_loc_ == nullptr) {
    runtime_loc_ = new llvm::GlobalVariable(mod, ptr, false, llvm::GlobalValue::InternalLinkage,
                                            llvm::ConstantPointerNull::get(ptr), "hako.runtime_loc");
    runtime_loc_->setAlignment(llvm::Align(8));
  }
  return runtime_loc_;
}

llvm::Function* ModuleState::stack_overflow() {
  if (stack_overflow_ != nullptr) return stack_overflow_;
  // One out-of-line report keeps each call site's check to a compare and a
  // branch.
  stack_overflow_ = llvm::Function::Create(llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr}, false),
                                           llvm::GlobalValue::InternalLinkage, "hako.stack_overflow", mod);
  stack_overflow_->setDoesNotThrow();
  stack_overflow_->setDoesNotReturn();
  stack_overflow_->addFnAttr(llvm::Attribute::Cold);
  stack_overflow_->addFnAttr(llvm::Attribute::NoInline);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", stack_overflow_));
  if (di != nullptr) {
    llvm::DISubprogram* sp = di->attach(stack_overflow_, "hako.stack_overflow", 0, 0, true);
    b.SetCurrentDebugLocation(di->location(sp, 0, 0, 0));
  }
  b.CreateCall(rt.get(Rt::StackOverflow), {stack_overflow_->getArg(0)});
  b.CreateUnreachable();
  return stack_overflow_;
}

Glue::Glue(ModuleState& ms, llvm::Function* fn, const std::string& name) : b(ms.ctx) {
  auto* entry = llvm::BasicBlock::Create(ms.ctx, "entry", fn);
  b.SetInsertPoint(entry);
  if (ms.di != nullptr) {
    llvm::DISubprogram* sp = ms.di->attach(fn, name, 0, 0, true);
    b.SetCurrentDebugLocation(ms.di->location(sp, 0, 0, 0));
  }
}

FunctionState::FunctionState(ModuleState& ms_, mir::FuncId id)
    : ms(ms_),
      f(ms_.mir.functions[id]),
      fn(ms_.funcs[id]),
      b(ms_.ctx),
      vals(f.value_count(), nullptr),
      blocks(f.blocks.size(), nullptr),
      exits(f.blocks.size(), nullptr) {}

llvm::Value* FunctionState::stack_exhausted() {
  if (stack_exhausted_ == nullptr) {
    llvm::IRBuilder<> at_entry(entry);  // `entry` gets its branch to bb0 last
    at_entry.SetCurrentDebugLocation(b.getCurrentDebugLocation());
    stack_exhausted_ = stack_below_limit(ms, at_entry);
  }
  return stack_exhausted_;
}

void FunctionState::set(const mir::Inst& in, llvm::Value* v) {
  if (in.result == mir::kNone) return;
  if (in.tag.kind == mir::Kind::Void) {
    vals[in.result] = ms.void_value();
    return;
  }
  if (v == nullptr) throw UnhandledMir{std::string("`") + mir::op_info(in.op).mnemonic + "` in " + f.name +
                                      " was lowered to no value"};
  vals[in.result] = v;
}

void unhandled(const FunctionState& fs, const mir::Inst& in, const char* handler) {
  throw UnhandledMir{std::string(handler) + " does not handle `" + mir::op_info(in.op).mnemonic + "` (in " + fs.f.name +
                     ")"};
}

llvm::Value* bool_to_i64(ModuleState& ms, llvm::IRBuilder<>& b, llvm::Value* v) { return b.CreateZExt(v, ms.i64); }

llvm::Value* i64_to_bool(ModuleState& ms, llvm::IRBuilder<>& b, llvm::Value* v) {
  return b.CreateICmpNE(v, llvm::ConstantInt::get(ms.i64, 0));
}

uint32_t required_type_tag(mir::Tag t) {
  std::optional<uint32_t> tag = mir::object_type_tag(t);
  if (!tag) throw UnhandledMir{"no object type tag for a value of a non-object kind"};
  return *tag;
}

llvm::Value* to_handle(ModuleState& ms, llvm::IRBuilder<>& b, mir::Tag t, llvm::Value* v) {
  switch (t.kind) {
    case mir::Kind::Int: return b.CreateCall(ms.rt.get(Rt::FpBoxI64), {v});
    case mir::Kind::Float: return b.CreateCall(ms.rt.get(Rt::BoxF64), {v});
    case mir::Kind::Bool: return b.CreateCall(ms.rt.get(Rt::BoxBool), {bool_to_i64(ms, b, v)});
    case mir::Kind::Void: return ms.void_value();
    case mir::Kind::Handle: return v;
    case mir::Kind::Ptr: return box_pointer(ms, b, t, v);  // a raw address is no object: boxed
    case mir::Kind::String:
    case mir::Kind::Array:
    case mir::Kind::Map:
    case mir::Kind::Console:
    case mir::Kind::Box:
    case mir::Kind::Weak: return b.CreatePtrToInt(v, ms.i64);  // an object pointer is its own handle
  }
  throw UnhandledMir{"a value of an unknown kind"};
}

llvm::Value* from_handle(ModuleState& ms, llvm::IRBuilder<>& b, mir::Tag t, llvm::Value* h, llvm::Value* loc) {
  switch (t.kind) {
    case mir::Kind::Int: return b.CreateCall(ms.rt.get(Rt::FpUnboxI64), {h, loc});
    case mir::Kind::Float: return b.CreateCall(ms.rt.get(Rt::UnboxF64), {h, loc});
    case mir::Kind::Bool: return i64_to_bool(ms, b, b.CreateCall(ms.rt.get(Rt::UnboxBool), {h, loc}));
    case mir::Kind::Handle: return h;
    case mir::Kind::Void: {
      // Only Void passes; the runtime raises the error the VM raises too.
      b.CreateCall(ms.rt.get(Rt::UnboxVoid), {h, loc});
      return nullptr;
    }
    case mir::Kind::Ptr: return unbox_pointer(ms, b, t, h, loc);
    case mir::Kind::String:
    case mir::Kind::Array:
    case mir::Kind::Map:
    case mir::Kind::Console:
    case mir::Kind::Box:
    case mir::Kind::Weak:
      return b.CreateCall(ms.rt.get(Rt::UnboxObject), {h, llvm::ConstantInt::get(ms.i32, required_type_tag(t)), loc});
  }
  throw UnhandledMir{"a value of an unknown kind"};
}

llvm::Value* stack_below_limit(ModuleState& ms, llvm::IRBuilder<>& b) {
  llvm::Function* frame_address = llvm::Intrinsic::getDeclaration(&ms.mod, llvm::Intrinsic::frameaddress, {ms.ptr});
  llvm::Value* here = b.CreatePtrToInt(b.CreateCall(frame_address, {llvm::ConstantInt::get(ms.i32, 0)}), ms.i64);
  llvm::Value* limit = b.CreateLoad(ms.i64, ms.stack_limit(), "stack.limit");
  return b.CreateICmpULT(here, limit, "stack.exhausted");
}

void emit_stack_check(ModuleState& ms, llvm::IRBuilder<>& b, llvm::Value* exhausted, llvm::Value* loc) {
  llvm::Function* fn = b.GetInsertBlock()->getParent();
  auto* overflow = llvm::BasicBlock::Create(ms.ctx, "stack.overflow", fn);
  auto* ok = llvm::BasicBlock::Create(ms.ctx, "stack.ok", fn);
  llvm::MDBuilder md(ms.ctx);
  b.CreateCondBr(exhausted, overflow, ok, md.createUnlikelyBranchWeights());
  b.SetInsertPoint(overflow);
  b.CreateCall(ms.stack_overflow(), {loc});
  b.CreateUnreachable();
  b.SetInsertPoint(ok);
}

llvm::CallInst* hako_call(llvm::IRBuilder<>& b, llvm::Function* callee, llvm::ArrayRef<llvm::Value*> args) {
  llvm::CallInst* c = b.CreateCall(callee, args);
  c->setTailCallKind(llvm::CallInst::TCK_NoTail);
  return c;
}

void note_runtime_loc(ModuleState& ms, llvm::IRBuilder<>& b, llvm::Value* loc) { b.CreateStore(loc, ms.runtime_loc()); }

void emit_internal_error(ModuleState& ms, llvm::IRBuilder<>& b, const std::string& message) {
  b.CreateCall(ms.rt.get(Rt::InternalError), {ms.cstring("%s"), ms.cstring(message)});
  b.CreateUnreachable();
}

}  // namespace hako::codegen
