// Extern structs at the C boundary (docs/ffi.md "Structs"). A struct value
// in Hako is an instance of its box (tag Box(Name), the object pointer);
// at a C call it is copied into C layout in a stack slot by the runtime's
// reml_ffi_struct_pack (each field converted and checked as an argument)
// and a C struct is copied out into a new instance by
// reml_ffi_struct_unpack. Both take the reml_cstruct_type_t descriptor of
// the type (ModuleState::cstruct_type). How the bytes travel in registers
// or memory is the target's C convention (abi/lowering.h, through
// ffi_abi.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "codegen/ffi_convert.h"
#include "codegen/lower_state.h"

namespace hako::codegen {

// Whether C type `t` of the module is an extern struct.
bool is_struct_ctype(const mir::Module& m, mir::CTypeId t);

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
