// Borrowed field reads (docs/ownership.md, "Borrowed field reads"): a
// `get_field` whose value is used only while nothing can replace the field
// becomes `borrow_field`, which takes no reference of its own, so reference
// counting emits neither the read's retain nor the release after its last
// use. Input: a verified module as lowering leaves it (`keep` markers,
// reference counts not yet explicit). Output: the same module with some
// `get_field` rewritten; the region layer then classifies each borrowed value
// as a view of the instance it was read from, which keeps the instance alive
// until the value's last use.
#pragma once

#include "mir/mir.h"

namespace hako::rc {

// Rewrites every qualifying `get_field` of `m` into `borrow_field`.
void borrow_field_reads(mir::Module& m);

}  // namespace hako::rc
