// Foreign calls (docs/ffi.md): `call_c` calls the C symbol directly with the
// platform's C convention, every conversion inline around the call (so a
// call of `fn add(a: i64, b: i64) -> i64` is the bare call, as in C), and
// `fn_ptr` yields the address of the callback trampoline of its function
// and FnPtr signature (ffi_callbacks.cpp).
#include "codegen/ffi_abi.h"
#include "codegen/ffi_convert.h"
#include "codegen/llvm_lowering.h"
#include "codegen/lower_ops.h"

namespace hako::codegen {

namespace {

using mir::Kind;
using mir::Op;

// Whether C code may call back into Hako during a call of `x` with `in`'s
// arguments: a function pointer among them.
bool may_call_back(const FunctionState& fs, const mir::ExternFn& x, const mir::Inst& in) {
  const mir::Module& m = fs.ms.mir;
  auto is_fn_pointer = [&](mir::CTypeId t) {
    return t < m.ctypes.size() && mir::ctype_info(m.ctypes[t].kind).cls == mir::CClass::FnPointer;
  };
  for (const mir::ExternParam& p : x.params)
    if (is_fn_pointer(p.type)) return true;
  for (size_t k = x.params.size(); k < in.args.size(); ++k) {
    const mir::Tag t = fs.tag(in.args[k]);
    if (t.kind == Kind::Ptr && is_fn_pointer(t.ctype())) return true;
  }
  return false;
}

llvm::Value* call_c(FunctionState& fs, const mir::Inst& in) {
  ModuleState& ms = fs.ms;
  llvm::IRBuilder<>& b = fs.b;
  if (in.ref >= ms.mir.externs.size()) unhandled(fs, in, "call_c (no such extern function)");
  const mir::ExternFn& x = ms.mir.externs[in.ref];
  if (in.args.size() < x.params.size() || (!x.variadic && in.args.size() != x.params.size()))
    unhandled(fs, in, "call_c (an argument count the extern does not take)");
  const CSignature sig = extern_signature(ms, x);
  const llvm::FunctionCallee callee = declare_extern(ms, x, sig);
  const FfiSite site{x.name, fs.loc(in)};

  std::vector<llvm::Value*> args;
  for (size_t k = 0; k < in.args.size(); ++k) {
    const mir::ValueId v = in.args[k];
    const std::string param = mir::extern_param_name(x, k);
    if (k < x.params.size()) {
      args.push_back(hako_to_c(ms, b, x.params[k].type, x.params[k].own, fs.tag(v), fs.val(v), site, param));
    } else {
      args.push_back(vararg_to_c(ms, b, fs.tag(v), fs.val(v), site, param));
    }
  }
  // A callback's errors and stack overflow are reported at this call.
  if (may_call_back(fs, x, in)) note_runtime_loc(ms, b, site.loc);
  llvm::CallInst* call = b.CreateCall(callee, args);
  call->setAttributes(sig.attributes);

  llvm::Value* r = c_to_hako(ms, b, x.ret, x.ret_own, call, site);
  const std::optional<mir::Tag> want = mir::hako_tag_of_ctype(ms.mir, x.ret, mir::CSide::Result);
  if (!want || (in.result != mir::kNoValue && in.tag != *want))
    unhandled(fs, in, "call_c (a result tag other than its C type's)");
  return r;
}

}  // namespace

void lower_ffi(FunctionState& fs, const mir::Inst& in) {
  llvm::Value* r = nullptr;
  switch (in.op) {
    case Op::CallC: r = call_c(fs, in); break;
    case Op::FnPtr:
      if (in.tag.kind != Kind::Ptr) unhandled(fs, in, "fn_ptr (a result without an FnPtr tag)");
      r = fs.ms.callback(in.func(), in.tag.ctype());
      break;
    default: unhandled(fs, in, "lower_ffi");
  }
  fs.set(in, r);
}

}  // namespace hako::codegen
