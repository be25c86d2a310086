// The value conversions at the C boundary (docs/ffi.md, "Types",
// "Ownership"), shared by foreign calls (Hako arguments to C, the C result
// to Hako) and callbacks (C arguments to Hako, the Hako result to C). A plan
// is chosen once per C type at load; the conversions themselves are inline
// so that a call site's loop over its arguments stays lean.
#pragma once

#include <ffi.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>

#include "mir/mir.h"
#include "reml_runtime.h"
#include "vm/bytecode.h"
#include "vm/struct_types.h"

namespace hako::vm {

// The conversions below read and write scalar C values (up to 8 bytes)
// through 8-byte storage, where a narrower value is the low bytes; a struct
// has storage of its own size.
static_assert(std::endian::native == std::endian::little, "the VM's FFI conversions assume a little-endian target");
static_assert(sizeof(ffi_arg) == 8, "the VM's FFI conversions assume 64-bit ffi_arg");

// How a Hako value becomes a C value.
enum class ToC : uint8_t {
  Raw,             // the slot's 8 bytes: i64, isize, f64, bool, Handle (borrowed, reference), pointers
  Range,           // an Int checked against [min, max] (narrower integers, u64, usize)
  F32,             // a Float rounded to float
  NonNull,         // a pointer that must not be null (NonNullPtr)
  CStrBorrow,      // a String's bytes and NUL, for the call (reml_ffi_cstr_arg)
  CStrTransfer,    // a malloc()ed copy the callee frees (reml_ffi_cstr_transfer)
  HandleTransfer,  // the Handle's bits, after one retain that C now owns
  Struct,          // a struct value (a box instance) packed into C layout (reml_ffi_struct_pack)
};

struct ToCPlan {
  ToC conv = ToC::Raw;
  int64_t min = 0, max = 0;  // Range: the Ints the C type takes
  const char* ctype = "";    // Range: the C type's spelling, for the error
  const reml_cstruct_type_t* cstruct = nullptr;  // Struct: its type
};

// How a C value becomes a Hako value.
enum class FromC : uint8_t {
  Void,          // nothing: Void
  I8, I16, I32, I64, U8, U16, U32,  // an integer, sign- or zero-extended to Int
  U64,           // u64, usize: above 2^63-1 is a runtime error
  F32, F64,      // a Float
  Bool,          // C _Bool: Bool
  CStr,          // a copy of the C string in a new String (Void for NULL)
  CStrFree,      // the same, then free() (a transferred result)
  Handle,        // the bits, adopted as they are (a transferred Handle result)
  HandleRetain,  // the bits, with a new reference for Hako (borrowed, reference)
  Ptr,           // a raw address
  NonNullPtr,    // a raw address that must not be null
  Struct,        // a new struct value (a box instance) unpacked from C layout (reml_ffi_struct_unpack)
};

struct FromCPlan {
  FromC conv = FromC::Void;
  const reml_cstruct_type_t* cstruct = nullptr;  // Struct: its type
};

// The libffi type of scalar C type `k` (every kind but Struct, whose type
// depends on its fields: StructTypes::ffi).
ffi_type* scalar_ffi_type(mir::CTypeKind k);

// The libffi type of C type `t` (argument or result), structs from
// `structs`; null for a type the module does not have.
ffi_type* ffi_type_of(const mir::Module& m, const StructTypes& structs, mir::CTypeId t);

// The plan for passing a Hako value as C type `t` under contract `own`, or
// nullopt when the type takes no argument (void) or the contract does not
// apply.
std::optional<ToCPlan> to_c_plan(const mir::Module& m, const StructTypes& structs, mir::CTypeId t,
                                 mir::Ownership own);

// The plan for receiving C type `t` under contract `own`, or nullopt when the
// contract does not apply.
std::optional<FromCPlan> from_c_plan(const mir::Module& m, const StructTypes& structs, mir::CTypeId t,
                                     mir::Ownership own);

// Converts Hako value `v` by `plan` into `out` (8 bytes; a struct's own
// size for ToC::Struct). Failures are the runtime errors of docs/ffi.md
// naming argument `param` of `fn`.
inline void to_c(const ToCPlan& plan, Slot v, void* out, const char* fn, const char* param, const reml_loc_t* loc) {
  uint64_t bits = v.u;
  switch (plan.conv) {
    case ToC::Raw: break;
    case ToC::Range:
      if (v.i < plan.min || v.i > plan.max) reml_ffi_range_error(fn, param, plan.ctype, v.i, loc);
      break;
    case ToC::F32: {
      const float f = static_cast<float>(v.f);
      bits = 0;
      std::memcpy(&bits, &f, sizeof f);
      break;
    }
    case ToC::NonNull:
      if (v.p == nullptr) reml_ffi_null_arg_error(fn, param, loc);
      break;
    case ToC::CStrBorrow:
      bits = reinterpret_cast<uintptr_t>(reml_ffi_cstr_arg(static_cast<reml_string_t*>(v.p), fn, param, loc));
      break;
    case ToC::CStrTransfer:
      bits = reinterpret_cast<uintptr_t>(reml_ffi_cstr_transfer(static_cast<reml_string_t*>(v.p), fn, param, loc));
      break;
    case ToC::HandleTransfer: reml_h_retain(v.u); break;
    case ToC::Struct:  // the value's bits are its Handle
      reml_ffi_struct_pack(v.u, plan.cstruct, out, fn, param, loc);
      return;
  }
  std::memcpy(out, &bits, sizeof bits);
}

// Reads a C value of type T at `in` (memcpy: C storage need not be aligned for T).
template <typename T>
inline T read_c(const void* in) {
  T v;
  std::memcpy(&v, in, sizeof v);
  return v;
}

// Converts the C value at `in` (its own size, or widened to ffi_arg: the low
// bytes are read) by `plan` into a Hako value. Failures are the runtime
// errors of docs/ffi.md naming `fn`.
inline Slot from_c(const FromCPlan& plan, const void* in, const char* fn, const reml_loc_t* loc) {
  Slot s{};
  switch (plan.conv) {
    case FromC::Void: s.u = REML_VOID; break;
    case FromC::I8: s.i = read_c<int8_t>(in); break;
    case FromC::I16: s.i = read_c<int16_t>(in); break;
    case FromC::I32: s.i = read_c<int32_t>(in); break;
    case FromC::I64: s.i = read_c<int64_t>(in); break;
    case FromC::U8: s.i = read_c<uint8_t>(in); break;
    case FromC::U16: s.i = read_c<uint16_t>(in); break;
    case FromC::U32: s.i = read_c<uint32_t>(in); break;
    case FromC::U64: {
      const uint64_t u = read_c<uint64_t>(in);
      if (!reml_ffi_unsigned_fits_int(u)) reml_ffi_result_range_error(fn, u, loc);
      s.u = u;
      break;
    }
    case FromC::F32: s.f = read_c<float>(in); break;
    case FromC::F64: s.f = read_c<double>(in); break;
    case FromC::Bool: s.i = read_c<uint8_t>(in) != 0 ? 1 : 0; break;
    case FromC::CStr: s.u = reml_ffi_cstr_result(read_c<const char*>(in), 0); break;
    case FromC::CStrFree: s.u = reml_ffi_cstr_result(read_c<const char*>(in), 1); break;
    case FromC::Handle: s.u = read_c<uint64_t>(in); break;
    case FromC::HandleRetain:
      s.u = read_c<uint64_t>(in);
      reml_h_retain(s.u);
      break;
    case FromC::Ptr: s.p = read_c<void*>(in); break;
    case FromC::NonNullPtr:
      s.p = read_c<void*>(in);
      if (s.p == nullptr) reml_ffi_null_result_error(fn, loc);
      break;
    case FromC::Struct: s.u = reml_ffi_struct_unpack(in, plan.cstruct, fn, loc); break;
  }
  return s;
}

}  // namespace hako::vm
