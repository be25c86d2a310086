// How the C types of extern "C" declarations (mir/ctypes.def) travel in LLVM
// IR under the target's C calling convention (x86_64 System V): the LLVM
// type of each C type, the sign or zero extension the ABI requires of
// narrow integers and _Bool, and the declaration of each C symbol a module
// calls. Conversions between these C values and Hako values are in
// ffi_convert.h.
#pragma once

#include <optional>
#include <vector>

#include <llvm/IR/Attributes.h>
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/InstrTypes.h>

#include "codegen/lower_state.h"

namespace hako::codegen {

// One C parameter or result as LLVM sees it.
struct CAbiType {
  llvm::Type* type;  // void for the C `void` result
  // signext / zeroext for integers narrower than int and for _Bool.
  std::optional<llvm::Attribute::AttrKind> extension;
};

// The LLVM form of C type `t` of the module.
CAbiType c_abi_type(ModuleState& ms, mir::CTypeId t);

// A C function type: its LLVM type and the extension attributes of its
// parameters and result, which both the declaration (or definition) and
// every call site carry, as clang emits them.
struct CSignature {
  llvm::FunctionType* type = nullptr;
  llvm::AttributeList attributes;
};

// The signature of C parameters `params` returning `ret` (variadic: further
// arguments after the fixed ones, with C's default promotions).
CSignature c_signature(ModuleState& ms, const std::vector<mir::CTypeId>& params, mir::CTypeId ret, bool variadic);

// The signature of extern function `x`.
CSignature extern_signature(ModuleState& ms, const mir::ExternFn& x);

// The callee of extern function `x`: its C symbol declared once per module
// (the runtime's own declaration when the symbol is a runtime function),
// called with `x`'s signature.
llvm::FunctionCallee declare_extern(ModuleState& ms, const mir::ExternFn& x, const CSignature& sig);

}  // namespace hako::codegen
