#include "codegen/ffi_abi.h"

#include "codegen/llvm_lowering.h"

namespace hako::codegen {

namespace {

using mir::CClass;

// The row of C type `t`, or an internal error for an id outside the table.
const mir::CTypeInfo& info_of(const mir::Module& m, mir::CTypeId t) {
  if (t >= m.ctypes.size()) throw UnhandledMir{"a C type id outside the module's C type table"};
  return mir::ctype_info(m.ctypes[t].kind);
}

// The scalar of an integer row: its width and signedness.
abi::Scalar int_scalar(const mir::CTypeInfo& info) {
  const bool is_signed = info.cls == CClass::Int;
  switch (info.size) {
    case 1: return is_signed ? abi::Scalar::I8 : abi::Scalar::U8;
    case 2: return is_signed ? abi::Scalar::I16 : abi::Scalar::U16;
    case 4: return is_signed ? abi::Scalar::I32 : abi::Scalar::U32;
    case 8: return is_signed ? abi::Scalar::I64 : abi::Scalar::U64;
    default: break;
  }
  throw UnhandledMir{std::string("an integer C type of ") + std::to_string(info.size) + " bytes"};
}

}  // namespace

abi::Layout c_layout(const mir::Module& m, mir::CTypeId t) {
  const mir::CTypeInfo& info = info_of(m, t);
  switch (info.cls) {
    case CClass::Int:
    case CClass::UInt: return abi::Layout::scalar(int_scalar(info));
    case CClass::Float: return abi::Layout::scalar(info.size == 4 ? abi::Scalar::F32 : abi::Scalar::F64);
    case CClass::Bool: return abi::Layout::scalar(abi::Scalar::Bool);
    case CClass::CStr:
    case CClass::Pointer:
    case CClass::FnPointer: return abi::Layout::scalar(abi::Scalar::Ptr);
    case CClass::Handle: return abi::Layout::scalar(abi::Scalar::U64);  // hako_handle_t is uint64_t
    case CClass::Struct: {
      const mir::CType& c = m.ctypes[t];
      std::vector<abi::Layout> fields;
      for (const mir::CField& f : c.fields) fields.push_back(c_layout(m, f.type));
      if (fields.empty()) throw UnhandledMir{"extern struct " + c.name + " without fields"};
      abi::Layout l = abi::Layout::record(std::move(fields));
      // Sema laid the struct out for the runtime's pack and unpack; the ABI
      // lowering must move exactly those bytes.
      bool same = l.size() == c.size && l.align() == c.align;
      for (size_t k = 0; same && k < c.fields.size(); ++k) same = l.offsets()[k] == c.fields[k].offset;
      if (!same) throw UnhandledMir{"extern struct " + c.name + " whose MIR layout is not its C layout"};
      return l;
    }
    case CClass::Void: break;
  }
  throw UnhandledMir{"a C value of type void"};
}

abi::LoweredSignature c_signature(ModuleState& ms, const std::vector<mir::CTypeId>& params, mir::CTypeId ret,
                                  bool variadic) {
  std::vector<abi::Layout> layouts;
  for (mir::CTypeId p : params) {
    if (info_of(ms.mir, p).cls == CClass::Void) throw UnhandledMir{"a C parameter of type void"};
    layouts.push_back(c_layout(ms.mir, p));
  }
  std::optional<abi::Layout> result;
  if (info_of(ms.mir, ret).cls != CClass::Void) result = c_layout(ms.mir, ret);
  return abi::lower_signature(ms.ctx, ms.c_abi, std::move(layouts), std::move(result), variadic);
}

abi::LoweredSignature extern_signature(ModuleState& ms, const mir::ExternFn& x) {
  std::vector<mir::CTypeId> params;
  for (const mir::ExternParam& p : x.params) params.push_back(p.type);
  return c_signature(ms, params, x.ret, x.variadic);
}

llvm::FunctionCallee declare_extern(ModuleState& ms, const mir::ExternFn& x, const abi::LoweredSignature& sig) {
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
