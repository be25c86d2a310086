// Extern structs at the C boundary (docs/ffi.md "Structs"). A struct value
// in Hako is an instance of its box (tag Box(Name), the object pointer);
// at a C call it is copied into C layout in a stack slot by the runtime's
// reml_ffi_struct_pack (each field converted and checked as an argument)
// and a C struct is copied out into a new instance by
// reml_ffi_struct_unpack. Both take the reml_cstruct_type_t descriptor of
// the type (ModuleState::cstruct_type). How the bytes travel in registers
// or memory is the System V lowering of struct_abi.h, which sees C types as
// sysv::Layout; this file builds those from the module's C types.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "codegen/ffi_convert.h"
#include "codegen/lower_state.h"
#include "codegen/struct_abi.h"

namespace hako::codegen {

// Whether C type `t` of the module is an extern struct.
bool is_struct_ctype(const mir::Module& m, mir::CTypeId t);

// Whether a C signature of `params` and `ret` passes or returns a struct
// by value (and so is lowered by struct_signature).
bool has_struct(const mir::Module& m, const std::vector<mir::CTypeId>& params, mir::CTypeId ret);

// C type `t` as the System V lowering sees it: a struct as a record of its
// fields (checked against the module's C layout), any other non-void C type
// as the scalar it travels as (CStr, pointers and FnPtrs as Ptr, Handle as
// a 64-bit integer).
sysv::Layout c_layout(const mir::Module& m, mir::CTypeId t);

// The System V signature (LLVM type, byval/sret and extension attributes,
// first LLVM argument of each parameter) of C parameters `params`
// returning `ret`, for signatures where has_struct holds.
sysv::LoweredSignature struct_signature(ModuleState& ms, const std::vector<mir::CTypeId>& params, mir::CTypeId ret);

// A stack slot in the entry block of the function `b` builds into, for the
// C bytes of struct type `t`, aligned to the struct and at least to
// `min_align`: one per call site, so a call in a loop reuses it.
struct StructSlot {
  llvm::Value* ptr = nullptr;
  llvm::Align align;
};
StructSlot struct_slot(ModuleState& ms, llvm::IRBuilder<>& b, mir::CTypeId t, uint64_t min_align, const char* name);

// Copies struct value `h` (a Handle; an instance of the struct's box, else
// the runtime's type error) into C bytes at `dst`; conversion errors name
// argument `param` of `site.fn` and the field.
void pack_struct(ModuleState& ms, llvm::IRBuilder<>& b, mir::CTypeId t, llvm::Value* h, llvm::Value* dst,
                 const FfiSite& site, const std::string& param);

// A new instance of struct type `t` (an owned reference, as the value of
// tag Box(Name)) holding the C bytes at `src`; a u64 field above Int's
// range is the result range error of `site.fn`.
llvm::Value* unpack_struct(ModuleState& ms, llvm::IRBuilder<>& b, mir::CTypeId t, llvm::Value* src,
                           const FfiSite& site);

}  // namespace hako::codegen
