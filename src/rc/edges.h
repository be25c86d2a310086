// Critical-edge splitting for src/rc: a release that belongs to one edge of
// a conditional branch needs a block of its own on that edge.
#pragma once

#include "mir/mir.h"

namespace hako::rc {

// Gives every edge from a block with two different successors into a block
// with several predecessors or with phis a new block of its own (a single
// `br`), updating the phis of the target. Afterwards only single-successor
// blocks feed phis.
void split_critical_edges(mir::Function& f);

}  // namespace hako::rc
