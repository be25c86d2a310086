// Foreign calls (docs/ffi.md): `call_c` calls the C symbol directly with the
// target's C convention (ffi_abi.h), every conversion inline around the
// call (so a call of `fn add(a: i64, b: i64) -> i64` is the bare call, as
// in C). Each struct argument is packed into a stack slot of its own and
// passed from there as the convention says (register pieces, a byval copy
// or the slot itself as the callee's copy); a struct result is stored into
// one and unpacked into a new instance (ffi_structs.h). And
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

// Struct argument `v` (tag Box(Name)) of parameter `k`: packed into a
// stack slot of its own, then passed as the ABI says (its bytes loaded as
// register pieces, or the slot itself as the byval copy or the callee's
// copy).
void struct_argument(FunctionState& fs, const abi::LoweredSignature& sig, size_t k, mir::CTypeId t, mir::Tag tag,
                     llvm::Value* v, const FfiSite& site, const std::string& param, std::vector<llvm::Value*>& args) {
  ModuleState& ms = fs.ms;
  if (tag != *mir::hako_tag_of_ctype(ms.mir, t, mir::CSide::Argument))
    throw UnhandledMir{"a value of tag " + mir::tag_name(ms.mir, tag) + " where C type " + mir::ctype_text(ms.mir, t) +
                       " takes its struct value"};
  const abi::Passing& p = sig.abi.params[k];
  const bool in_memory = p.kind == abi::Passing::Kind::Byval || p.kind == abi::Passing::Kind::Indirect;
  const StructSlot slot = struct_slot(ms, fs.b, t, in_memory ? p.align : 1, "struct.arg");
  pack_struct(ms, fs.b, t, to_handle(ms, fs.b, tag, v), slot.ptr, site, param);
  // The slot is this call's alone: the callee may write to it.
  abi::append_struct_argument(fs.b, sig.params[k], p, slot.ptr, slot.align, abi::ArgumentBytes::Disposable, args);
}

llvm::Value* call_c(FunctionState& fs, const mir::Inst& in) {
  ModuleState& ms = fs.ms;
  llvm::IRBuilder<>& b = fs.b;
  if (in.ref >= ms.mir.externs.size()) unhandled(fs, in, "call_c (no such extern function)");
  const mir::ExternFn& x = ms.mir.externs[in.ref];
  if (in.args.size() < x.params.size() || (!x.variadic && in.args.size() != x.params.size()))
    unhandled(fs, in, "call_c (an argument count the extern does not take)");
  const abi::LoweredSignature sig = extern_signature(ms, x);
  const llvm::FunctionCallee callee = declare_extern(ms, x, sig);
  const FfiSite site{x.name, fs.loc(in)};

  std::vector<llvm::Value*> args;
  // A struct result in memory: the callee writes it through a pointer to
  // a slot of its own (sret: it may assume nothing else points there).
  std::optional<StructSlot> result_slot;
  if (is_struct_ctype(ms.mir, x.ret)) {
    result_slot = struct_slot(ms, b, x.ret, 1, "struct.result");
    if (sig.abi.ret.kind == abi::Passing::Kind::Sret) args.push_back(result_slot->ptr);
  }
  for (size_t k = 0; k < in.args.size(); ++k) {
    const mir::ValueId v = in.args[k];
    const std::string param = mir::extern_param_name(x, k);
    if (k >= x.params.size()) {
      args.push_back(vararg_to_c(ms, b, fs.tag(v), fs.val(v), site, param));
    } else if (is_struct_ctype(ms.mir, x.params[k].type)) {
      struct_argument(fs, sig, k, x.params[k].type, fs.tag(v), fs.val(v), site, param, args);
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
    if (sig.abi.ret.kind == abi::Passing::Kind::Direct)
      abi::store_struct_result(b, *sig.ret, sig.abi.ret, call, result_slot->ptr, result_slot->align);
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
