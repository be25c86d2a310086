// The entry function of a program whose Main is an instance box.
#pragma once

#include "mir/mir.h"
#include "sema/checked.h"

namespace hako::lower {

// Appends to `m` the entry for `box Main { main() { ... } }`: it makes
// `new Main()` (fields null, then birth/0 when Main has one), calls main on it
// with the command-line arguments when main takes them, and returns main's
// result. Returns the new function's id.
mir::FuncId add_instance_entry(const sema::CheckedProgram& program, mir::Module& m);

}  // namespace hako::lower
