// C pointer values in native code (docs/ffi.md "Pointers"). A Ptr-tagged
// SSA value is the raw address as an LLVM `ptr` (null for the null
// pointer); it holds no Hako reference, so nothing counts it. As a Handle
// it becomes a REML_TAG_PTR object carrying the address and the static
// description of its C type (a reml_ptr_type_t emitted once per C type).
#pragma once

#include "codegen/lower_state.h"

namespace hako::codegen {

// The Handle of pointer `addr` of tag `t` (reml_ptr_box_new: a new reference).
llvm::Value* box_pointer(ModuleState& ms, llvm::IRBuilder<>& b, mir::Tag t, llvm::Value* addr);
// The address in Handle `h` for pointer tag `t`, with the runtime's type
// and null checks at `loc` (reml_ptr_unbox).
llvm::Value* unbox_pointer(ModuleState& ms, llvm::IRBuilder<>& b, mir::Tag t, llvm::Value* h, llvm::Value* loc);
// The text `Ptr(0x…)` of address `addr`, a new String (reml_ptr_to_string).
llvm::Value* pointer_text(ModuleState& ms, llvm::IRBuilder<>& b, llvm::Value* addr);

}  // namespace hako::codegen
