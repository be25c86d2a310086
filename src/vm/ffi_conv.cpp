// Conversion plans and libffi types from the rows of src/mir/ctypes.def
// (and, for structs, from the module's StructTypes).
#include "vm/ffi_conv.h"

namespace hako::vm {

ffi_type* scalar_ffi_type(mir::CTypeKind k) {
  switch (k) {
    case mir::CTypeKind::I8: return &ffi_type_sint8;
    case mir::CTypeKind::I16: return &ffi_type_sint16;
    case mir::CTypeKind::I32: return &ffi_type_sint32;
    case mir::CTypeKind::I64: return &ffi_type_sint64;
    case mir::CTypeKind::U8: return &ffi_type_uint8;
    case mir::CTypeKind::U16: return &ffi_type_uint16;
    case mir::CTypeKind::U32: return &ffi_type_uint32;
    case mir::CTypeKind::U64: return &ffi_type_uint64;
    case mir::CTypeKind::ISize: return &ffi_type_sint64;  // 64-bit targets only (ctypes.def)
    case mir::CTypeKind::USize: return &ffi_type_uint64;
    case mir::CTypeKind::F32: return &ffi_type_float;
    case mir::CTypeKind::F64: return &ffi_type_double;
    case mir::CTypeKind::Bool: return &ffi_type_uint8;  // C _Bool: one byte, 0 or 1
    case mir::CTypeKind::Void: return &ffi_type_void;
    case mir::CTypeKind::CStr: return &ffi_type_pointer;
    case mir::CTypeKind::Handle: return &ffi_type_uint64;  // hako_handle_t
    case mir::CTypeKind::Ptr:
    case mir::CTypeKind::MutPtr:
    case mir::CTypeKind::NonNullPtr:
    case mir::CTypeKind::FnPtr: return &ffi_type_pointer;
    case mir::CTypeKind::Struct: return nullptr;  // laid out per struct: StructTypes
  }
  return nullptr;
}

ffi_type* ffi_type_of(const mir::Module& m, const StructTypes& structs, mir::CTypeId t) {
  if (t >= m.ctypes.size()) return nullptr;
  const mir::CTypeKind k = m.ctypes[t].kind;
  return k == mir::CTypeKind::Struct ? structs.ffi(t) : scalar_ffi_type(k);
}

std::optional<ToCPlan> to_c_plan(const mir::Module& m, const StructTypes& structs, mir::CTypeId t,
                                 mir::Ownership own) {
  if (t >= m.ctypes.size()) return std::nullopt;
  const mir::CTypeKind kind = m.ctypes[t].kind;
  const mir::CTypeInfo& info = mir::ctype_info(kind);
  const bool borrowed = own == mir::Ownership::Borrowed;
  switch (info.cls) {
    case mir::CClass::Int:
    case mir::CClass::UInt:
      if (!borrowed) return std::nullopt;
      if (info.arg_min == INT64_MIN && info.arg_max == INT64_MAX) return ToCPlan{};
      return ToCPlan{ToC::Range, info.arg_min, info.arg_max, info.spelling};
    case mir::CClass::Float:
      if (!borrowed) return std::nullopt;
      return kind == mir::CTypeKind::F32 ? ToCPlan{ToC::F32} : ToCPlan{};
    case mir::CClass::Bool:
    case mir::CClass::FnPointer:
      if (!borrowed) return std::nullopt;
      return ToCPlan{};
    case mir::CClass::Void: return std::nullopt;
    case mir::CClass::CStr:
      switch (own) {
        case mir::Ownership::Borrowed: return ToCPlan{ToC::CStrBorrow};
        case mir::Ownership::Transferred: return ToCPlan{ToC::CStrTransfer};
        case mir::Ownership::Reference: return std::nullopt;  // ffi.contract.ownership_mismatch
      }
      return std::nullopt;
    case mir::CClass::Handle:
      return own == mir::Ownership::Transferred ? ToCPlan{ToC::HandleTransfer} : ToCPlan{};
    case mir::CClass::Struct: {
      // Copied, not shared: no contract applies (sema refuses one).
      const reml_cstruct_type_t* desc = structs.find(t);
      if (!borrowed || desc == nullptr) return std::nullopt;
      ToCPlan plan{ToC::Struct};
      plan.cstruct = desc;
      return plan;
    }
    case mir::CClass::Pointer:
      // Every contract passes the address as is: who frees the memory is
      // recorded in the audit, not acted on.
      return kind == mir::CTypeKind::NonNullPtr ? ToCPlan{ToC::NonNull} : ToCPlan{};
  }
  return std::nullopt;
}

namespace {

// The conversion of a C result of kind `kind` under contract `own` (which
// applies: from_c_plan checked), or nullopt when the contract does not fit.
std::optional<FromC> conversion_of(mir::CTypeKind kind, mir::Ownership own) {
  switch (kind) {
    case mir::CTypeKind::I8: return FromC::I8;
    case mir::CTypeKind::I16: return FromC::I16;
    case mir::CTypeKind::I32: return FromC::I32;
    case mir::CTypeKind::I64:
    case mir::CTypeKind::ISize: return FromC::I64;
    case mir::CTypeKind::U8: return FromC::U8;
    case mir::CTypeKind::U16: return FromC::U16;
    case mir::CTypeKind::U32: return FromC::U32;
    case mir::CTypeKind::U64:
    case mir::CTypeKind::USize: return FromC::U64;
    case mir::CTypeKind::F32: return FromC::F32;
    case mir::CTypeKind::F64: return FromC::F64;
    case mir::CTypeKind::Bool: return FromC::Bool;
    case mir::CTypeKind::Void: return FromC::Void;
    case mir::CTypeKind::CStr:
      switch (own) {
        case mir::Ownership::Borrowed: return FromC::CStr;
        case mir::Ownership::Transferred: return FromC::CStrFree;
        case mir::Ownership::Reference: return std::nullopt;  // ffi.contract.ownership_mismatch
      }
      return std::nullopt;
    case mir::CTypeKind::Handle:
      return own == mir::Ownership::Transferred ? FromC::Handle : FromC::HandleRetain;
    case mir::CTypeKind::Ptr:
    case mir::CTypeKind::MutPtr:
    case mir::CTypeKind::FnPtr: return FromC::Ptr;
    case mir::CTypeKind::NonNullPtr: return FromC::NonNullPtr;
    case mir::CTypeKind::Struct: return FromC::Struct;
  }
  return std::nullopt;
}

}  // namespace

std::optional<FromCPlan> from_c_plan(const mir::Module& m, const StructTypes& structs, mir::CTypeId t,
                                     mir::Ownership own) {
  if (t >= m.ctypes.size()) return std::nullopt;
  const mir::CTypeKind kind = m.ctypes[t].kind;
  const mir::CClass cls = mir::ctype_info(kind).cls;
  const bool carries = cls == mir::CClass::CStr || cls == mir::CClass::Handle || cls == mir::CClass::Pointer;
  if (own != mir::Ownership::Borrowed && !carries) return std::nullopt;
  std::optional<FromC> conv = conversion_of(kind, own);
  if (!conv) return std::nullopt;
  if (*conv != FromC::Struct) return FromCPlan{*conv};
  const reml_cstruct_type_t* desc = structs.find(t);
  if (desc == nullptr) return std::nullopt;
  return FromCPlan{FromC::Struct, desc};
}

}  // namespace hako::vm
