// The hint pass: computes the soft hints of hints.def that are cheap to
// know (nullability, shape, signedness, escape of values; pure and no_throw
// of functions) for a whole module. Run by the driver after reference counts
// are explicit, so the hints describe the code the back ends receive; no
// stage requires them (docs/mir.md, "Soft hints").
#pragma once

#include "mir/mir.h"

namespace hako::mir {

// Replaces the value and function hints of every function of `m` with the
// computed ones. Every strong hint it sets is true of the module.
void infer_hints(Module& m);

}  // namespace hako::mir
