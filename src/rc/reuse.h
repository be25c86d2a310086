// Reuse of dying boxes (docs/ownership.md, "Reuse of dying boxes"): a
// `release` of a user-box value that follows, in the same block, a
// `new_box` of a box with as many fields becomes part of that allocation,
// `new_box_reuse`, which builds the new instance in the released box's memory
// when its reference is the last one. Input: a verified module whose reference
// counts are explicit (src/rc/insert.cpp). Output: the same module with some
// `release` / `new_box` pairs fused; the release moves up to the allocation,
// which nothing in between can tell (the rules are in the docs).
#pragma once

#include "mir/mir.h"

namespace hako::rc {

// Fuses every qualifying release / new_box pair of `m` into `new_box_reuse`.
void reuse_dying_boxes(mir::Module& m);

}  // namespace hako::rc
