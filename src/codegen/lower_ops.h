// The per-instruction-group handlers, called by the function walk
// (lower_function.cpp) for each non-phi, non-terminator instruction.
#pragma once

#include "codegen/lower_state.h"

namespace hako::codegen {

// Constants, copy, Int/Float/Bool arithmetic and compares, String operators,
// eq_ref/ne_ref (lower_arith.cpp).
void lower_arith(FunctionState& fs, const mir::Inst& in);

// Kind conversions (to_str, box, unbox, truthy), the dynamic Handle
// operators, allocation, fields and globals (lower_objects.cpp).
void lower_object_op(FunctionState& fs, const mir::Inst& in);

// call, call_method and call_rt (lower_calls.cpp).
void lower_call(FunctionState& fs, const mir::Inst& in);

// call_c and fn_ptr: foreign calls and callbacks (lower_ffi.cpp).
void lower_ffi(FunctionState& fs, const mir::Inst& in);

// Lowers the body of MIR function `id` into its declared LLVM function
// (lower_function.cpp).
void lower_function(ModuleState& ms, mir::FuncId id);

}  // namespace hako::codegen
