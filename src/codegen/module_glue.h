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

// The REML_METHOD_* id of a built-in method name (reml_builtin_methods.def)
// that dispatchers pass to reml_call_builtin, or -1 (the runtime then reports
// an unknown method by name).
int32_t builtin_method_id(const std::string& name);

// Defines the box-type table, the to-string hook and the external
// `int main(int argc, char** argv)`.
void define_main(ModuleState& ms);

}  // namespace hako::codegen
