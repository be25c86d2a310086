// Callback trampolines (docs/ffi.md "Callbacks"): for each (static
// function, FnPtr signature) pair that `fn_ptr` names, one internal C
// function with exactly that C signature. It converts each C argument to
// its Hako value (boxed where the function takes a Handle), calls the Hako
// function and converts its result back to the C type as an argument would
// be; conversion errors name the callback, with `result` as the parameter.
// They, and a stack overflow, are reported at the extern call that passed
// the callback (the runtime location lower_ffi.cpp notes before it). The
// signature is lowered for the target's C convention (ffi_abi.h): a struct
// parameter is rebuilt in memory from its register pieces (or read where C
// left it: its byval copy, or the copy it passed by reference) and unpacked
// into a new instance, released after the call like a boxed parameter; a
// struct result is packed and returned through the sret pointer or as
// register pieces.
#include <llvm/IR/Constants.h>

#include "codegen/ffi_abi.h"
#include "codegen/ffi_convert.h"
#include "codegen/ffi_structs.h"
#include "codegen/llvm_lowering.h"

namespace hako::codegen {

namespace {

using mir::Kind;

// Whether a value of tag `t` holds a reference the trampoline must drop.
bool counted(mir::Tag t) { return t.kind == Kind::Handle || mir::is_object_kind(t.kind); }

// How errors name the callback: the method as the program writes it,
// `Sorter.compare`, without MIR's `/arity`.
std::string callback_name(const mir::Function& f) {
  const size_t slash = f.name.rfind('/');
  return slash == std::string::npos ? f.name : f.name.substr(0, slash);
}

// The Hako argument for parameter tag `want` from C argument `c` of C type
// `t`; `passed` gets the tag of the value passed.
llvm::Value* callback_argument(ModuleState& ms, llvm::IRBuilder<>& b, mir::CTypeId t, mir::Tag want, llvm::Value* c,
                               const FfiSite& site, mir::Tag& passed) {
  const std::optional<mir::Tag> natural = mir::hako_tag_of_ctype(ms.mir, t, mir::CSide::Result);
  if (!natural || natural->kind == Kind::Void) throw UnhandledMir{"a callback parameter of C type void"};
  llvm::Value* v = c_to_hako(ms, b, t, mir::Ownership::Borrowed, c, site);
  if (want == *natural) {
    passed = want;
    return v;
  }
  if (want.kind != Kind::Handle)
    throw UnhandledMir{"callback " + site.fn + " takes " + mir::tag_name(ms.mir, want) + " where C passes " +
                       mir::ctype_text(ms.mir, t)};
  passed = want;
  return to_handle(ms, b, *natural, v);
}

// The C result of the callback from Hako result `r` of tag `got`.
llvm::Value* callback_result(ModuleState& ms, llvm::IRBuilder<>& b, mir::CTypeId t, mir::Tag got, llvm::Value* r,
                             const FfiSite& site) {
  const std::optional<mir::Tag> want = mir::hako_tag_of_ctype(ms.mir, t, mir::CSide::Argument);
  if (!want) throw UnhandledMir{"a callback result of C type " + mir::ctype_text(ms.mir, t)};
  llvm::Value* v = r;
  if (got.kind == Kind::Handle && want->kind != Kind::Handle) {
    v = from_handle(ms, b, *want, r, site.loc);  // the runtime's kind check (a view: r keeps the reference)
  } else if (got != *want && !(got.kind == Kind::Ptr && want->kind == Kind::Ptr)) {
    throw UnhandledMir{"callback " + site.fn + " returns " + mir::tag_name(ms.mir, got) + " for C type " +
                       mir::ctype_text(ms.mir, t)};
  }
  const mir::CTypeKind kind = ms.mir.ctypes[t].kind;
  // No contract is written on an FnPtr, and C has no call during which a
  // borrowed result would stay valid once the Hako value is released: a
  // CStr result is a malloc()ed copy (C frees it), and a Handle result
  // hands C the function's reference (C releases it).
  const mir::Ownership own = kind == mir::CTypeKind::CStr ? mir::Ownership::Transferred : mir::Ownership::Borrowed;
  llvm::Value* c = hako_to_c(ms, b, t, own, got.kind == Kind::Handle ? *want : got, v, site, "result");
  if (counted(got) && kind != mir::CTypeKind::Handle) b.CreateCall(ms.rt.get(Rt::FpRelease), {to_handle(ms, b, got, r)});
  return c;
}

// The bytes of struct parameter `k` as C passed them: where C left them in
// memory (read in place), or a stack slot the register pieces are stored
// into.
llvm::Value* struct_parameter_bytes(ModuleState& ms, llvm::IRBuilder<>& b, const abi::LoweredSignature& sig,
                                    llvm::Function* fn, size_t k, mir::CTypeId t) {
  if (std::optional<llvm::Value*> in_memory = abi::struct_parameter_in_memory(fn, sig, k)) return *in_memory;
  const StructSlot slot = struct_slot(ms, b, t, 1, "struct.param");
  abi::store_struct_parameter(b, fn, sig, k, slot.ptr, slot.align);
  return slot.ptr;
}

// The Hako argument for struct parameter `k` of C type `t`: a new instance
// of its box (passed as the Handle when the function takes one).
llvm::Value* struct_callback_argument(ModuleState& ms, llvm::IRBuilder<>& b, const abi::LoweredSignature& sig,
                                      llvm::Function* fn, size_t k, mir::CTypeId t, mir::Tag want,
                                      const FfiSite& site) {
  const mir::Tag natural = *mir::hako_tag_of_ctype(ms.mir, t, mir::CSide::Result);
  llvm::Value* v = unpack_struct(ms, b, t, struct_parameter_bytes(ms, b, sig, fn, k, t), site);
  if (want == natural) return v;
  if (want.kind != Kind::Handle)
    throw UnhandledMir{"callback " + site.fn + " takes " + mir::tag_name(ms.mir, want) + " where C passes " +
                       mir::ctype_text(ms.mir, t)};
  return to_handle(ms, b, natural, v);
}

// Returns Hako result `r` of tag `got` as the callback's struct result of
// C type `t`: packed (errors name the callback and `result`) through the
// sret pointer or into a slot whose bytes are returned as register pieces;
// the trampoline's reference to `r` is dropped once the bytes are copied.
void return_struct(ModuleState& ms, llvm::IRBuilder<>& b, const abi::LoweredSignature& sig, llvm::Function* fn,
                   mir::CTypeId t, mir::Tag got, llvm::Value* r, const FfiSite& site) {
  const mir::Tag want = *mir::hako_tag_of_ctype(ms.mir, t, mir::CSide::Argument);
  if (got != want && got.kind != Kind::Handle)
    throw UnhandledMir{"callback " + site.fn + " returns " + mir::tag_name(ms.mir, got) + " for C type " +
                       mir::ctype_text(ms.mir, t)};
  llvm::Value* h = to_handle(ms, b, got, r);
  if (sig.abi.ret.kind == abi::Passing::Kind::Sret) {
    pack_struct(ms, b, t, h, fn->getArg(0), site, "result");
    b.CreateCall(ms.rt.get(Rt::FpRelease), {h});
    b.CreateRetVoid();
    return;
  }
  // Register pieces: packed into a slot, whose bytes are loaded as them.
  const StructSlot slot = struct_slot(ms, b, t, 1, "struct.result");
  pack_struct(ms, b, t, h, slot.ptr, site, "result");
  b.CreateCall(ms.rt.get(Rt::FpRelease), {h});
  abi::emit_struct_return(b, fn, sig, slot.ptr, slot.align);
}

}  // namespace

llvm::Function* ModuleState::callback(mir::FuncId f, mir::CTypeId sig) {
  const auto key = std::make_pair(f.index(), sig.index());
  if (auto it = callbacks_.find(key); it != callbacks_.end()) return it->second;
  if (f >= mir.functions.size() || f >= funcs.size()) throw UnhandledMir{"fn_ptr of a function that does not exist"};
  if (sig >= mir.ctypes.size() || mir::ctype_info(mir.ctypes[sig].kind).cls != mir::CClass::FnPointer)
    throw UnhandledMir{"fn_ptr whose tag is not an FnPtr type"};
  const mir::CType& fn_type = mir.ctypes[sig];
  const mir::Function& target = mir.functions[f];
  if (target.has_me || target.params.size() != fn_type.params.size())
    throw UnhandledMir{"fn_ptr of " + target.name + ", which does not take the FnPtr's parameters"};

  const abi::LoweredSignature c_sig = c_signature(*this, fn_type.params, fn_type.ret, false);
  const std::string name = "hako.callback." + target.name + "." + std::to_string(sig.index());
  auto* fn = llvm::Function::Create(c_sig.type, llvm::GlobalValue::InternalLinkage, name, mod);
  fn->setAttributes(c_sig.attributes);
  fn->setDoesNotThrow();
  callbacks_.emplace(key, fn);

  Glue g(*this, fn, name);
  llvm::IRBuilder<>& b = g.b;
  // Loaded once: the Hako code below may note other locations, and the
  // next call from C (qsort calls its comparator many times) must report
  // at the same extern call, so it is restored after the call.
  llvm::Value* loc = b.CreateLoad(ptr, runtime_loc(), "callback.loc");
  emit_stack_check(*this, b, stack_below_limit(*this, b), loc);
  const FfiSite site{callback_name(target), loc};

  std::vector<llvm::Value*> args;
  std::vector<std::pair<mir::Tag, llvm::Value*>> owned;  // references the trampoline made, dropped after the call
  for (size_t k = 0; k < fn_type.params.size(); ++k) {
    const mir::CTypeId t = fn_type.params[k];
    mir::Tag passed = target.params[k];
    llvm::Value* v = nullptr;
    if (is_struct_ctype(mir, t)) {
      v = struct_callback_argument(*this, b, c_sig, fn, k, t, passed, site);
    } else {
      v = callback_argument(*this, b, t, target.params[k], fn->getArg(c_sig.first_ir_arg[k]), site, passed);
    }
    args.push_back(v);
    if (counted(passed)) owned.emplace_back(passed, v);
  }
  llvm::Value* r = hako_call(b, funcs[f], args);
  b.CreateStore(loc, runtime_loc());
  for (const auto& [t, v] : owned) b.CreateCall(rt.get(Rt::FpRelease), {to_handle(*this, b, t, v)});

  if (fn_type.ret >= mir.ctypes.size()) throw UnhandledMir{"an FnPtr result outside the C type table"};
  if (mir::ctype_info(mir.ctypes[fn_type.ret].kind).cls == mir::CClass::Void) {
    if (counted(target.ret)) b.CreateCall(rt.get(Rt::FpRelease), {to_handle(*this, b, target.ret, r)});
    b.CreateRetVoid();
  } else if (target.ret.kind == Kind::Void) {
    throw UnhandledMir{"callback " + target.name + " returns no value for C"};
  } else if (is_struct_ctype(mir, fn_type.ret)) {
    return_struct(*this, b, c_sig, fn, fn_type.ret, target.ret, r, site);
  } else {
    b.CreateRet(callback_result(*this, b, fn_type.ret, target.ret, r, site));
  }
  return fn;
}

}  // namespace hako::codegen
