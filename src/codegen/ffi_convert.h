// The conversions at the C boundary (docs/ffi.md "Types", "Ownership"),
// emitted inline: Hako values to C arguments with their range, NUL and null
// checks, C results to Hako values, and C's default promotions of variadic
// arguments. A failed check branches to a cold block that calls the
// runtime's noreturn error (the same messages as the VM); the builder goes
// on in the success path. extern calls (lower_ffi.cpp) and callback
// trampolines (ffi_callbacks.cpp) both use them.
#pragma once

#include <string>

#include "codegen/lower_state.h"

namespace hako::codegen {

// What a conversion error names and where it is reported.
struct FfiSite {
  std::string fn;    // the extern's Hako name, or the callback's function
  llvm::Value* loc;  // const reml_loc_t*
};

// Hako value `v` of tag `t` as an argument of C type `c` under contract
// `own`, for parameter `param` of `site.fn`. `t` is the Hako tag of `c`
// (mir::hako_tag_of_ctype, argument side), or any pointer tag for a
// pointer type.
llvm::Value* hako_to_c(ModuleState& ms, llvm::IRBuilder<>& b, mir::CTypeId c, mir::Ownership own, mir::Tag t,
                       llvm::Value* v, const FfiSite& site, const std::string& param);

// A variadic argument `v` of tag `t` with C's default promotions: Int as
// int64_t, Float as double, Bool as int, String as a borrowed char*, a
// pointer as is.
llvm::Value* vararg_to_c(ModuleState& ms, llvm::IRBuilder<>& b, mir::Tag t, llvm::Value* v, const FfiSite& site,
                         const std::string& param);

// C value `r` of C type `c`, received under contract `own` (a result, or an
// argument a callback receives), as the Hako value of tag
// mir::hako_tag_of_ctype(c, Result); null for void. A counted result (a
// Handle) carries a new reference.
llvm::Value* c_to_hako(ModuleState& ms, llvm::IRBuilder<>& b, mir::CTypeId c, mir::Ownership own, llvm::Value* r,
                       const FfiSite& site);

}  // namespace hako::codegen
