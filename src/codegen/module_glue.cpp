#include "codegen/module_glue.h"

#include <algorithm>

#include <cstring>

#include <llvm/IR/Constants.h>
#include <llvm/IR/GlobalVariable.h>
#include <llvm/IR/Intrinsics.h>

#include "codegen/llvm_lowering.h"
#include "codegen/ptr_values.h"
#include "mir/field_owners.h"
#include "reml_runtime.h"

namespace hako::codegen {

namespace {

using mir::Kind;

// The method `name`/`arity` of user box `box`, or kNoFunc.
mir::FuncId find_method(const mir::BoxType& box, const std::string& name, uint32_t arity) {
  for (const mir::BoxType::Method& m : box.methods)
    if (m.name == name && m.arity == arity) return m.func;
  return mir::kNoFunc;
}

// The receiver of a user method: the instance pointer behind the handle
// (the caller matched its type tag). `loc` (null: none) is for the kind
// check of a receiver parameter that is not the box itself.
llvm::Value* receiver(ModuleState& ms, llvm::IRBuilder<>& b, const mir::Function& callee, llvm::Value* recv,
                      llvm::Value* loc) {
  if (callee.params.empty()) return nullptr;
  if (callee.params[0].kind == Kind::Box) return b.CreateIntToPtr(recv, ms.ptr);
  return from_handle(ms, b, callee.params[0], recv, loc != nullptr ? loc : ms.loc(mir::Loc{}));
}

void define_dispatcher(ModuleState& ms, const std::string& name, uint32_t argc, llvm::Function* fn) {
  Glue g(ms, fn, fn->getName().str());
  llvm::IRBuilder<>& b = g.b;
  llvm::Value* recv = fn->getArg(0);
  llvm::Value* loc = fn->getArg(argc + 1);
  llvm::BasicBlock* entry = b.GetInsertBlock();
  auto* builtin = llvm::BasicBlock::Create(ms.ctx, "builtin", fn);

  // User instances (type tag >= REML_TAG_USER_BASE) whose box has the method;
  // every other receiver (numbers, strings, built-in boxes, Void, user boxes
  // without the method) goes to the runtime, as in the VM.
  const std::vector<mir::MethodOwner> owners = mir::method_owners(ms.mir, name, argc);
  if (owners.empty()) {
    b.CreateBr(builtin);
  } else {
    llvm::Value* tag = b.CreateCall(ms.rt.get(Rt::FpTag), {recv});
    llvm::SwitchInst* sw = b.CreateSwitch(tag, builtin, static_cast<unsigned>(owners.size()));
    std::vector<llvm::Value*> args;
    for (uint32_t k = 0; k < argc; ++k) args.push_back(fn->getArg(k + 1));
    for (const mir::MethodOwner& o : owners) {
      auto* bb = llvm::BasicBlock::Create(ms.ctx, ms.mir.boxes[o.box].name, fn);
      sw->addCase(llvm::ConstantInt::get(ms.i32, user_type_tag(o.box)), bb);
      b.SetInsertPoint(bb);
      b.CreateRet(call_user_method(ms, b, o.func, recv, args, loc));
    }
  }

  b.SetInsertPoint(builtin);
  llvm::Value* array = llvm::ConstantPointerNull::get(ms.ptr);
  if (argc > 0) {
    // A few words in this frame: the dispatcher is not recursive by itself.
    llvm::IRBuilder<> at_entry(entry, entry->begin());
    auto* type = llvm::ArrayType::get(ms.i64, argc);
    array = at_entry.CreateAlloca(type, nullptr, "args");
    for (uint32_t k = 0; k < argc; ++k)
      b.CreateStore(fn->getArg(k + 1), b.CreateConstInBoundsGEP2_32(type, array, 0, k));
  }
  note_runtime_loc(ms, b, loc);  // toString() and join() may run a user toString()
  llvm::Value* r = b.CreateCall(ms.rt.get(Rt::CallBuiltin),
                                {recv, llvm::ConstantInt::get(ms.i32, static_cast<uint64_t>(builtin_method_id(name))),
                                 ms.cstring(name), llvm::ConstantInt::get(ms.i64, argc), array, loc});
  b.CreateRet(r);
}

// The text of a toString() result `v` of tag `t`, which the call handed over
// owned; the text is owned too (the runtime releases what the hook returns):
// the VM's conversion.
llvm::Value* result_text(ModuleState& ms, llvm::IRBuilder<>& b, mir::Tag t, llvm::Value* v) {
  switch (t.kind) {
    case Kind::String: return v;
    case Kind::Int: return b.CreateCall(ms.rt.get(Rt::I64ToString), {v});
    case Kind::Float: return b.CreateCall(ms.rt.get(Rt::F64ToString), {v});
    case Kind::Bool: return b.CreateCall(ms.rt.get(Rt::BoolToString), {bool_to_i64(ms, b, v)});
    case Kind::Void:
      return b.CreateCall(ms.rt.get(Rt::StrNew), {ms.cstring("null"), llvm::ConstantInt::get(ms.i64, 4)});
    case Kind::Ptr: return pointer_text(ms, b, v);  // a raw address: nothing to release
    case Kind::Handle:
    case Kind::Array:
    case Kind::Map:
    case Kind::Console:
    case Kind::Box:
    case Kind::Weak: {
      llvm::Value* h = to_handle(ms, b, t, v);
      llvm::Value* text = b.CreateCall(ms.rt.get(mir::RtFn::HToString), {h});
      b.CreateCall(ms.rt.get(Rt::FpRelease), {h});
      return text;
    }
  }
  throw UnhandledMir{"toString() returning a value of an unknown kind"};
}

llvm::Function* define_hook(ModuleState& ms) {
  auto* fn = llvm::Function::Create(llvm::FunctionType::get(ms.ptr, {ms.i64}, false),
                                    llvm::GlobalValue::InternalLinkage, "hako.to_string_hook", ms.mod);
  fn->setDoesNotThrow();
  Glue g(ms, fn, "hako.to_string_hook");
  llvm::IRBuilder<>& b = g.b;
  llvm::Value* self = fn->getArg(0);
  // The runtime re-enters user code here, on the same C stack: a toString()
  // that converts itself overflows here, reported where it entered the runtime.
  emit_stack_check(ms, b, stack_below_limit(ms, b), b.CreateLoad(ms.ptr, ms.runtime_loc(), "runtime.loc"));
  auto* bad = llvm::BasicBlock::Create(ms.ctx, "bad", fn);
  llvm::Value* tag = b.CreateCall(ms.rt.get(Rt::FpTag), {self});
  llvm::SwitchInst* sw = b.CreateSwitch(tag, bad);
  for (uint32_t bx = 0; bx < ms.mir.boxes.size(); ++bx) {
    mir::FuncId fid = find_method(ms.mir.boxes[bx], "toString", 0);
    if (fid == mir::kNone) continue;
    auto* bb = llvm::BasicBlock::Create(ms.ctx, ms.mir.boxes[bx].name, fn);
    sw->addCase(llvm::ConstantInt::get(ms.i32, user_type_tag(bx)), bb);
    b.SetInsertPoint(bb);
    const mir::Function& callee = ms.mir.functions[fid];
    std::vector<llvm::Value*> args;
    if (llvm::Value* recv = receiver(ms, b, callee, self, nullptr)) args.push_back(recv);
    llvm::Value* r = hako_call(b, ms.funcs[fid], args);
    b.CreateRet(result_text(ms, b, callee.ret, r));
  }
  b.SetInsertPoint(bad);
  emit_internal_error(ms, b, "to-string hook called for a value without toString()");
  return fn;
}

// The reml_box_type_t table of the module's boxes (null when there are none).
llvm::Constant* box_table(ModuleState& ms) {
  if (ms.mir.boxes.empty()) return llvm::ConstantPointerNull::get(ms.ptr);
  // reml_box_type_t: {const char* name; uint32_t field_count;
  //                   const char* const* field_names; int has_to_string;
  //                   const uint8_t* field_weak; uint32_t method_count;
  //                   const char* const* method_names; const uint32_t* method_arities;}
  auto* type = llvm::StructType::get(ms.ctx, {ms.ptr, ms.i32, ms.ptr, ms.i32, ms.ptr, ms.i32, ms.ptr, ms.ptr});
  std::vector<llvm::Constant*> rows;
  for (const mir::BoxType& box : ms.mir.boxes) {
    llvm::Constant* names = llvm::ConstantPointerNull::get(ms.ptr);
    if (!box.fields.empty()) {
      std::vector<llvm::Constant*> fields;
      for (const mir::Field& f : box.fields) fields.push_back(ms.cstring(f.name));
      auto* arr_type = llvm::ArrayType::get(ms.ptr, fields.size());
      auto* gv = new llvm::GlobalVariable(ms.mod, arr_type, true, llvm::GlobalValue::PrivateLinkage,
                                          llvm::ConstantArray::get(arr_type, fields), "hako.fields." + box.name);
      gv->setAlignment(llvm::Align(8));
      names = gv;
    }
    llvm::Constant* weak = llvm::ConstantPointerNull::get(ms.ptr);
    if (std::any_of(box.fields.begin(), box.fields.end(), [](const mir::Field& f) { return f.is_weak; })) {
      std::vector<uint8_t> flags;
      for (const mir::Field& f : box.fields) flags.push_back(f.is_weak ? 1 : 0);
      auto* flags_init = llvm::ConstantDataArray::get(ms.ctx, flags);
      weak = new llvm::GlobalVariable(ms.mod, flags_init->getType(), true, llvm::GlobalValue::PrivateLinkage,
                                      flags_init, "hako.weak_fields." + box.name);
    }
    const bool has_to_string = find_method(box, "toString", 0) != mir::kNone;
    llvm::Constant* method_names = llvm::ConstantPointerNull::get(ms.ptr);
    llvm::Constant* method_arities = llvm::ConstantPointerNull::get(ms.ptr);
    if (!box.methods.empty()) {
      std::vector<llvm::Constant*> names_of;
      std::vector<uint32_t> arities;
      for (const mir::BoxType::Method& m : box.methods) {
        names_of.push_back(ms.cstring(m.name));
        arities.push_back(m.arity);
      }
      auto* arr_type = llvm::ArrayType::get(ms.ptr, names_of.size());
      auto* gv = new llvm::GlobalVariable(ms.mod, arr_type, true, llvm::GlobalValue::PrivateLinkage,
                                          llvm::ConstantArray::get(arr_type, names_of), "hako.methods." + box.name);
      gv->setAlignment(llvm::Align(8));
      method_names = gv;
      auto* arities_init = llvm::ConstantDataArray::get(ms.ctx, arities);
      method_arities = new llvm::GlobalVariable(ms.mod, arities_init->getType(), true,
                                                llvm::GlobalValue::PrivateLinkage, arities_init,
                                                "hako.method_arities." + box.name);
    }
    rows.push_back(llvm::ConstantStruct::get(
        type, {ms.cstring(box.name), llvm::ConstantInt::get(ms.i32, box.fields.size()), names,
               llvm::ConstantInt::get(ms.i32, has_to_string ? 1 : 0), weak,
               llvm::ConstantInt::get(ms.i32, box.methods.size()), method_names, method_arities}));
  }
  auto* table_type = llvm::ArrayType::get(type, rows.size());
  auto* gv = new llvm::GlobalVariable(ms.mod, table_type, true, llvm::GlobalValue::PrivateLinkage,
                                      llvm::ConstantArray::get(table_type, rows), "hako.box_types");
  gv->setAlignment(llvm::Align(8));
  return gv;
}

// main's ArrayBox of argv[1..] as Strings (the VM's main_argument).
llvm::Value* argument_array(ModuleState& ms, llvm::IRBuilder<>& b, llvm::Function* fn) {
  llvm::Value* array = b.CreateCall(ms.rt.get(Rt::ArrayNew));
  llvm::Value* argc = b.CreateSExt(fn->getArg(0), ms.i64);
  llvm::BasicBlock* pre = b.GetInsertBlock();
  auto* head = llvm::BasicBlock::Create(ms.ctx, "args.head", fn);
  auto* body = llvm::BasicBlock::Create(ms.ctx, "args.body", fn);
  auto* done = llvm::BasicBlock::Create(ms.ctx, "args.done", fn);
  b.CreateBr(head);
  b.SetInsertPoint(head);
  llvm::PHINode* i = b.CreatePHI(ms.i64, 2, "i");
  i->addIncoming(llvm::ConstantInt::get(ms.i64, 1), pre);
  b.CreateCondBr(b.CreateICmpSLT(i, argc), body, done);
  b.SetInsertPoint(body);
  llvm::Value* text = b.CreateLoad(ms.ptr, b.CreateInBoundsGEP(ms.ptr, fn->getArg(1), i));
  llvm::Value* len = b.CreateCall(ms.rt.get(Rt::Strlen), {text});
  llvm::Value* str = b.CreateCall(ms.rt.get(Rt::StrNew), {text, len});
  b.CreateCall(ms.rt.get(mir::RtFn::ArrayPush), {array, b.CreatePtrToInt(str, ms.i64)});  // the array retains it
  b.CreateCall(ms.rt.get(Rt::DecRef), {str});
  i->addIncoming(b.CreateAdd(i, llvm::ConstantInt::get(ms.i64, 1)), body);
  b.CreateBr(head);
  b.SetInsertPoint(done);
  return array;
}

// The process exit status of main's result (§2), as the VM computes it.
llvm::Value* exit_status(ModuleState& ms, llvm::IRBuilder<>& b, mir::Tag ret, llvm::Value* v) {
  switch (ret.kind) {
    case Kind::Int: {
      llvm::Constant* m = llvm::ConstantInt::get(ms.i64, 256);
      llvm::Value* r = b.CreateSRem(b.CreateAdd(b.CreateSRem(v, m), m), m);
      return b.CreateTrunc(r, ms.i32);
    }
    case Kind::Bool: return b.CreateZExt(v, ms.i32);
    case Kind::Handle: return b.CreateCall(ms.rt.get(Rt::ExitStatusOf), {v});
    // Every other kind, a C pointer value included, exits with 0 (as the VM).
    case Kind::Void:
    case Kind::Float:
    case Kind::String:
    case Kind::Array:
    case Kind::Map:
    case Kind::Console:
    case Kind::Box:
    case Kind::Weak:
    case Kind::Ptr: return llvm::ConstantInt::get(ms.i32, 0);
  }
  throw UnhandledMir{"main returning a value of an unknown kind"};
}

// How many bytes of C stack Hako calls may use below main's frame: three
// quarters of the stack's size as the runtime reports it for the platform
// (8 MiB when unknown, at most 64 MiB; the rest is headroom for the
// runtime's own frames), so deep recursion is the runtime error
// `Stack overflow` as in the VM, not a crash.
llvm::Value* stack_budget(ModuleState& ms, llvm::IRBuilder<>& b) {
  constexpr uint64_t kDefault = uint64_t{8} << 20;
  constexpr uint64_t kMax = uint64_t{64} << 20;
  llvm::Value* size = b.CreateCall(ms.rt.get(Rt::StackSize), {}, "stack.size");
  size = b.CreateSelect(b.CreateICmpEQ(size, llvm::ConstantInt::get(ms.i64, 0)),
                        llvm::ConstantInt::get(ms.i64, kDefault), size);
  llvm::Constant* max = llvm::ConstantInt::get(ms.i64, kMax);
  size = b.CreateSelect(b.CreateICmpULT(size, max), size, max);
  return b.CreateSub(size, b.CreateLShr(size, 2));
}

void set_stack_limit(ModuleState& ms, llvm::IRBuilder<>& b) {
  llvm::Function* frame_address = llvm::Intrinsic::getDeclaration(&ms.mod, llvm::Intrinsic::frameaddress, {ms.ptr});
  llvm::Value* here = b.CreatePtrToInt(b.CreateCall(frame_address, {llvm::ConstantInt::get(ms.i32, 0)}), ms.i64);
  llvm::Value* budget = stack_budget(ms, b);
  llvm::Value* limit = b.CreateSelect(b.CreateICmpUGT(here, budget), b.CreateSub(here, budget),
                                      llvm::ConstantInt::get(ms.i64, 0));
  b.CreateStore(limit, ms.stack_limit());
}

}  // namespace

int32_t builtin_method_id(const std::string& name) {
  static const char* const kNames[] = {
#define BUILTIN_NAME(id, text) text,
#include "reml_builtin_methods.def"
  };
  static_assert(std::size(kNames) == REML_METHOD_COUNT);
  for (size_t i = 0; i < std::size(kNames); ++i)
    if (name == kNames[i]) return static_cast<int32_t>(i);
  return -1;
}

uint32_t user_type_tag(uint32_t box) { return REML_TAG_USER_BASE + box; }

llvm::Value* call_user_method(ModuleState& ms, llvm::IRBuilder<>& b, mir::FuncId fid, llvm::Value* recv,
                              llvm::ArrayRef<llvm::Value*> args, llvm::Value* loc) {
  const mir::Function& callee = ms.mir.functions.at(fid);
  std::vector<llvm::Value*> call_args;
  if (llvm::Value* self = receiver(ms, b, callee, recv, loc)) call_args.push_back(self);
  for (size_t k = 0; k < args.size() && k + 1 < callee.params.size(); ++k) {
    llvm::Value* v = from_handle(ms, b, callee.params[k + 1], args[k], loc);
    if (v != nullptr) call_args.push_back(v);
  }
  llvm::Value* r = hako_call(b, ms.funcs[fid], call_args);
  return to_handle(ms, b, callee.ret, callee.ret.kind == Kind::Void ? nullptr : r);
}

void define_dispatchers(ModuleState& ms) {
  for (const auto& [key, fn] : ms.dispatchers()) define_dispatcher(ms, key.first, key.second, fn);
}

void define_main(ModuleState& ms) {
  llvm::Function* hook = define_hook(ms);
  llvm::Constant* table = box_table(ms);

  auto* fn = llvm::Function::Create(llvm::FunctionType::get(ms.i32, {ms.i32, ms.ptr}, false),
                                    llvm::GlobalValue::ExternalLinkage, "main", ms.mod);
  fn->setDoesNotThrow();
  Glue g(ms, fn, "main");
  llvm::IRBuilder<>& b = g.b;
  b.CreateCall(ms.rt.get(Rt::RuntimeInit));
  b.CreateCall(ms.rt.get(Rt::RegisterBoxTypes), {table, llvm::ConstantInt::get(ms.i32, ms.mir.boxes.size())});
  b.CreateCall(ms.rt.get(Rt::SetToStringHook), {hook});
  set_stack_limit(ms, b);

  const mir::Function& entry = ms.mir.functions.at(ms.mir.entry);
  std::vector<llvm::Value*> args;
  llvm::Value* array = nullptr;
  if (entry.params.size() == 1) {
    array = argument_array(ms, b, fn);
    // An ArrayBox pointer and its Handle are the same bits.
    args.push_back(entry.params[0].kind == Kind::Handle ? b.CreatePtrToInt(array, ms.i64) : array);
  }
  llvm::Value* result = b.CreateCall(ms.funcs[ms.mir.entry], args);
  llvm::Value* status = exit_status(ms, b, entry.ret, result);
  // main's argument and result and the static-box fields are references like
  // any other: released before the leak report, when something watches
  // (reml_exit_teardown_needed, docs/runtime.md); otherwise the process's
  // exit reclaims them for free, and releasing has no visible effect.
  llvm::Value* needed = b.CreateICmpNE(b.CreateCall(ms.rt.get(Rt::ExitTeardownNeeded)),
                                       llvm::ConstantInt::get(ms.i32, 0));
  llvm::BasicBlock* teardown = llvm::BasicBlock::Create(ms.ctx, "teardown", fn);
  llvm::BasicBlock* finish = llvm::BasicBlock::Create(ms.ctx, "finish", fn);
  b.CreateCondBr(needed, teardown, finish);
  b.SetInsertPoint(teardown);
  if (array != nullptr) b.CreateCall(ms.rt.get(Rt::DecRef), {array});
  if (mir::is_object_kind(entry.ret.kind) || entry.ret.kind == Kind::Handle)
    b.CreateCall(ms.rt.get(Rt::FpRelease), {to_handle(ms, b, entry.ret, result)});
  for (llvm::GlobalVariable* g : ms.globals) {
    llvm::Value* held = b.CreateLoad(ms.i64, g);
    b.CreateStore(llvm::ConstantInt::get(ms.i64, 0), g);  // nothing may reach a field being released
    b.CreateCall(ms.rt.get(Rt::FpRelease), {held});
  }
  b.CreateBr(finish);
  b.SetInsertPoint(finish);
  status = b.CreateCall(ms.rt.get(Rt::Finish),
                        {llvm::ConstantPointerNull::get(ms.ptr), llvm::ConstantInt::get(ms.i32, 0), status});
  b.CreateCall(ms.rt.get(Rt::Exit), {status});
  b.CreateUnreachable();
}

}  // namespace hako::codegen
