// The VM: executes a verified MIR module. Heap objects come from the C
// runtime (runtime/include/reml_runtime.h), so the VM and native code share
// one object model; runtime errors exit through the runtime's panic path.
#pragma once

#include <string>
#include <vector>

#include "mir/mir.h"

namespace hako::vm {

// Runs `m.entry` (main) with `args` as main's ArrayBox argument when it takes
// one, flushes stdout and returns the process exit status of §2. A runtime
// error does not return: it exits with status 1. `externs[i]` is the C
// address of m.externs[i] (resolved by the caller); fewer addresses than
// externs is an internal error.
int run(const mir::Module& m, const std::vector<std::string>& args, const std::vector<void*>& externs);

}  // namespace hako::vm
