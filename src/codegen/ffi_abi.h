// How the C types of extern "C" declarations (mir/ctypes.def) travel in LLVM
// IR under the C calling convention of the module's target
// (ModuleState::c_abi, abi/target_abi.h): each C type as the ABI lowering
// sees it (abi::Layout), the lowered signature of an extern function or a
// callback, and the declaration of each C symbol a module calls.
// Conversions between these C values and Hako values are in ffi_convert.h,
// struct values in ffi_structs.h.
#pragma once

#include <vector>

#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/Function.h>

#include "codegen/abi/lowering.h"
#include "codegen/lower_state.h"

namespace hako::codegen {

// C type `t` of module `m` as the ABI lowering sees it: a struct as a
// record of its fields (checked against the module's C layout), any other
// non-void C type as the scalar it travels as (CStr, pointers and FnPtrs as
// Ptr, Handle as a 64-bit unsigned integer).
abi::Layout c_layout(const mir::Module& m, mir::CTypeId t);

// The signature of C parameters `params` returning `ret` under the
// module's convention: its LLVM type and the attributes (extension,
// byval/sret, alignstack) that both the declaration (or definition) and
// every call site carry, as clang emits them. `variadic`: further arguments
// follow the fixed ones, with C's default promotions.
abi::LoweredSignature c_signature(ModuleState& ms, const std::vector<mir::CTypeId>& params, mir::CTypeId ret,
                                  bool variadic);

// The signature of extern function `x`.
abi::LoweredSignature extern_signature(ModuleState& ms, const mir::ExternFn& x);

// The callee of extern function `x`: its C symbol declared once per module
// (the runtime's own declaration when the symbol is a runtime function),
// called with `x`'s signature.
llvm::FunctionCallee declare_extern(ModuleState& ms, const mir::ExternFn& x, const abi::LoweredSignature& sig);

}  // namespace hako::codegen
