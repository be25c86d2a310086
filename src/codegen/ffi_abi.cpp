#include "codegen/ffi_abi.h"

#include "codegen/llvm_lowering.h"

namespace hako::codegen {

namespace {

// The attribute set of one parameter or the result.
llvm::AttributeSet extension_attributes(llvm::LLVMContext& ctx, const CAbiType& t) {
  llvm::AttrBuilder ab(ctx);
  if (t.extension) ab.addAttribute(*t.extension);
  return llvm::AttributeSet::get(ctx, ab);
}

}  // namespace

CAbiType c_abi_type(ModuleState& ms, mir::CTypeId t) {
  if (t >= ms.mir.ctypes.size()) throw UnhandledMir{"a C type id outside the module's C type table"};
  const mir::CTypeInfo& info = mir::ctype_info(ms.mir.ctypes[t].kind);
  switch (info.cls) {
    case mir::CClass::Int:
    case mir::CClass::UInt: {
      // x86_64 System V: the caller extends char and short arguments to
      // int, and the callee extends such results (clang's signext/zeroext).
      llvm::Type* type = llvm::Type::getIntNTy(ms.ctx, info.size * 8);
      std::optional<llvm::Attribute::AttrKind> ext;
      if (info.size < 4) ext = info.cls == mir::CClass::Int ? llvm::Attribute::SExt : llvm::Attribute::ZExt;
      return {type, ext};
    }
    case mir::CClass::Float:
      return {info.size == 4 ? llvm::Type::getFloatTy(ms.ctx) : llvm::Type::getDoubleTy(ms.ctx), std::nullopt};
    case mir::CClass::Bool: return {ms.i1, llvm::Attribute::ZExt};  // C _Bool: 0 or 1, zero-extended
    case mir::CClass::Void: return {llvm::Type::getVoidTy(ms.ctx), std::nullopt};
    case mir::CClass::Handle: return {ms.i64, std::nullopt};  // hako_handle_t is uint64_t
    case mir::CClass::CStr:
    case mir::CClass::Pointer:
    case mir::CClass::FnPointer: return {ms.ptr, std::nullopt};
    case mir::CClass::Struct: break;
  }
  // Structs take the System V lowering of ffi_structs.h, never this one.
  throw UnhandledMir{"a struct by value in a scalar C signature"};
}

CSignature c_signature(ModuleState& ms, const std::vector<mir::CTypeId>& params, mir::CTypeId ret, bool variadic) {
  std::vector<llvm::Type*> types;
  std::vector<llvm::AttributeSet> param_attrs;
  for (mir::CTypeId p : params) {
    CAbiType t = c_abi_type(ms, p);
    if (t.type->isVoidTy()) throw UnhandledMir{"a C parameter of type void"};
    types.push_back(t.type);
    param_attrs.push_back(extension_attributes(ms.ctx, t));
  }
  CAbiType r = c_abi_type(ms, ret);
  CSignature sig;
  sig.type = llvm::FunctionType::get(r.type, types, variadic);
  sig.attributes = llvm::AttributeList::get(ms.ctx, llvm::AttributeSet(), extension_attributes(ms.ctx, r), param_attrs);
  return sig;
}

CSignature extern_signature(ModuleState& ms, const mir::ExternFn& x) {
  std::vector<mir::CTypeId> params;
  for (const mir::ExternParam& p : x.params) params.push_back(p.type);
  return c_signature(ms, params, x.ret, x.variadic);
}

llvm::FunctionCallee declare_extern(ModuleState& ms, const mir::ExternFn& x, const CSignature& sig) {
  // A symbol the runtime also declares (strlen) keeps the runtime's
  // declaration; a symbol two externs name (@link_name) is declared by the
  // first. Either way a call with another signature calls the one symbol
  // with its own function type, as a C cast of the function would.
  llvm::Function* fn = ms.rt.declaration_of(x.symbol);
  if (fn == nullptr) fn = ms.mod.getFunction(x.symbol);
  if (fn == nullptr) {
    fn = llvm::Function::Create(sig.type, llvm::GlobalValue::ExternalLinkage, x.symbol, ms.mod);
    fn->setAttributes(sig.attributes);
    // Nothing unwinds through Hako frames: runtime errors, in callbacks too,
    // exit the process.
    fn->setDoesNotThrow();
  }
  return llvm::FunctionCallee(sig.type, fn);
}

}  // namespace hako::codegen
