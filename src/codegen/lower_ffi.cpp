// Foreign calls (docs/ffi.md): `call_c` calls the C symbol directly with the
// platform's C convention, every conversion inline around the call (so a
// call of `fn add(a: i64, b: i64) -> i64` is the bare call, as in C). A
// signature with a struct by value is declared and called as System V
// lowers it (ffi_structs.h): each struct argument packed into a stack slot,
// a struct result stored into one and unpacked into a new instance. And
// `fn_ptr` yields the address of the callback trampoline of its function
// and FnPtr signature (ffi_callbacks.cpp).
#include "codegen/ffi_abi.h"
#include "codegen/ffi_convert.h"
#include "codegen/ffi_structs.h"
#include "codegen/llvm_lowering.h"
#include "codegen/lower_ops.h"

namespace hako::codegen {

namespace {

using mir::Kind;
using mir::Op;

// Whether C code may call back into Hako during a foreign call: whenever the
// program makes callbacks at all, since C may keep one and call it during a
// later call that passes none. (The VM reports at the running call_c too.)
bool may_call_back(const FunctionState& fs) { return fs.ms.has_callbacks; }

// The LLVM signature of a call of `x`: the exact declaration of a scalar
// signature, or the System V lowering of one with a struct (`lowered`);
// with varargs the fixed part is the same and further arguments follow.
CSignature call_signature(ModuleState& ms, const mir::ExternFn& x, std::optional<sysv::LoweredSignature>& lowered) {
  std::vector<mir::CTypeId> params;
  for (const mir::ExternParam& p : x.params) params.push_back(p.type);
  if (!has_struct(ms.mir, params, x.ret)) return extern_signature(ms, x);
  lowered = struct_signature(ms, params, x.ret);
  llvm::FunctionType* type = lowered->type;
  if (x.variadic) type = llvm::FunctionType::get(type->getReturnType(), type->params(), true);
  return CSignature{type, lowered->attributes};
}

// Struct argument `v` (tag Box(Name)) of parameter `k`: packed into a
// stack slot of its own, then passed as the ABI says (its bytes loaded as
// register pieces, or the slot itself as the byval copy).
void struct_argument(FunctionState& fs, const sysv::LoweredSignature& sig, size_t k, mir::CTypeId t, mir::Tag tag,
                     llvm::Value* v, const FfiSite& site, const std::string& param, std::vector<llvm::Value*>& args) {
  ModuleState& ms = fs.ms;
  if (tag != *mir::hako_tag_of_ctype(ms.mir, t, mir::CSide::Argument))
    throw UnhandledMir{"a value of tag " + mir::tag_name(ms.mir, tag) + " where C type " + mir::ctype_text(ms.mir, t) +
                       " takes its struct value"};
  const sysv::Passing& p = sig.abi.params[k];
  const StructSlot slot = struct_slot(ms, fs.b, t, p.kind == sysv::Passing::Kind::Byval ? p.align : 1, "struct.arg");
  pack_struct(ms, fs.b, t, to_handle(ms, fs.b, tag, v), slot.ptr, site, param);
  sysv::append_struct_argument(fs.b, sig.params[k], p, slot.ptr, slot.align, args);
}

llvm::Value* call_c(FunctionState& fs, const mir::Inst& in) {
  ModuleState& ms = fs.ms;
  llvm::IRBuilder<>& b = fs.b;
  if (in.ref >= ms.mir.externs.size()) unhandled(fs, in, "call_c (no such extern function)");
  const mir::ExternFn& x = ms.mir.externs[in.ref];
  if (in.args.size() < x.params.size() || (!x.variadic && in.args.size() != x.params.size()))
    unhandled(fs, in, "call_c (an argument count the extern does not take)");
  std::optional<sysv::LoweredSignature> lowered;
  const CSignature sig = call_signature(ms, x, lowered);
  const llvm::FunctionCallee callee = declare_extern(ms, x, sig);
  const FfiSite site{x.name, fs.loc(in)};

  std::vector<llvm::Value*> args;
  // A struct result in memory: the callee writes it through a pointer to
  // a slot of its own (sret: it may assume nothing else points there).
  std::optional<StructSlot> result_slot;
  if (is_struct_ctype(ms.mir, x.ret)) {
    result_slot = struct_slot(ms, b, x.ret, 1, "struct.result");
    if (lowered->abi.ret.kind == sysv::Passing::Kind::Sret) args.push_back(result_slot->ptr);
  }
  for (size_t k = 0; k < in.args.size(); ++k) {
    const mir::ValueId v = in.args[k];
    const std::string param = mir::extern_param_name(x, k);
    if (k >= x.params.size()) {
      args.push_back(vararg_to_c(ms, b, fs.tag(v), fs.val(v), site, param));
    } else if (is_struct_ctype(ms.mir, x.params[k].type)) {
      struct_argument(fs, *lowered, k, x.params[k].type, fs.tag(v), fs.val(v), site, param, args);
    } else {
      args.push_back(hako_to_c(ms, b, x.params[k].type, x.params[k].own, fs.tag(v), fs.val(v), site, param));
    }
  }
  // A callback's errors and stack overflow are reported at this call.
  if (may_call_back(fs)) note_runtime_loc(ms, b, site.loc);
  llvm::CallInst* call = b.CreateCall(callee, args);
  call->setAttributes(sig.attributes);

  llvm::Value* r = nullptr;
  if (result_slot) {
    if (lowered->abi.ret.kind == sysv::Passing::Kind::Direct)
      sysv::store_struct_result(b, lowered->abi.ret, call, result_slot->ptr, result_slot->align);
    r = unpack_struct(ms, b, x.ret, result_slot->ptr, site);
  } else {
    r = c_to_hako(ms, b, x.ret, x.ret_own, call, site);
  }
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
