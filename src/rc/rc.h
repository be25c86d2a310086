// Reference-count insertion: makes every strong reference of a function
// explicit. Input: a verified MIR module as lowering leaves it (binding
// lifetimes marked by `keep`, rc_explicit false) and the value ownership of
// each function from the region layer. Output: the same module with
// `retain`/`release` where references are created and dropped, no `keep`,
// and rc_explicit true. The rules are in docs/ownership.md.
#pragma once

#include <vector>

#include "mir/mir.h"
#include "region/region.h"

namespace hako::rc {

// `ownership[i]` classifies the values of `m.functions[i]` (region::classify_values).
void insert_rc(mir::Module& m, const std::vector<region::ValueOwnership>& ownership);

// The same, classifying the values itself.
void insert_rc(mir::Module& m);

}  // namespace hako::rc
