// The code around the lowered functions: the call_method dispatchers, the
// to-string hook the runtime calls for user toString(), the table of user box
// types, and the C `main` that sets the runtime up, runs the entry function
// and exits with the status of its result.
#pragma once

#include "codegen/lower_state.h"

namespace hako::codegen {

// Defines every dispatcher requested through ModuleState::dispatcher. A
// dispatcher calls the user method of a user-box receiver (matched by name
// and arity, arguments unboxed to its parameter tags with the VM's kind
// check, result boxed), and reml_call_builtin for any other receiver.
void define_dispatchers(ModuleState& ms);

// The runtime type tag of the instances of user box `box` (its index in
// mir::Module::boxes), as reml_register_box_types assigns them.
uint32_t user_type_tag(uint32_t box);

// A direct call of user method `fid` on `recv`, a Handle whose type tag the
// caller matched to the method's box: the arguments (Handles) unboxed to the
// parameter tags with the VM's kind check at `loc`, the result as an owned
// Handle. What a dispatcher does for one box, and what a call_method site
// does inline when it tests the few boxes having the method itself.
llvm::Value* call_user_method(ModuleState& ms, llvm::IRBuilder<>& b, mir::FuncId fid, llvm::Value* recv,
                              llvm::ArrayRef<llvm::Value*> args, llvm::Value* loc);

// The REML_METHOD_* id of a built-in method name (reml_builtin_methods.def)
// that dispatchers pass to reml_call_builtin, or -1 (the runtime then reports
// an unknown method by name).
int32_t builtin_method_id(const std::string& name);

// Defines the box-type table, the to-string hook and the external
// `int main(int argc, char** argv)`.
void define_main(ModuleState& ms);

}  // namespace hako::codegen
