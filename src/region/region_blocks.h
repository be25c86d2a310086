// The block set of every region of a function (internal to src/region).
// A region is given by its entry and exits; its blocks are those reachable
// from the entry without going past an exit. Two refinements keep a region
// from leaking through jumps that do not pass its exits: a region other than
// the function's stays inside the blocks its entry dominates, and an If or
// Block region stops at the latch and exit of every loop around it (a
// `continue` or `break` leaves it).
#pragma once

#include <vector>

#include "mir/mir.h"
#include "mir/cfg.h"
#include "region/region.h"

namespace hako::region::detail {

// Where a region starts and ends, before its blocks are known.
struct RegionShape {
  RegionKind kind = RegionKind::Function;
  mir::BlockId entry = mir::kNoBlock;
  std::vector<mir::BlockId> exits;   // ascending, each once, all existing blocks
  mir::BlockId latch = mir::kNoBlock;   // Loop regions: the block that jumps back to the entry
};

// Whether the exits of a region of `kind` belong to it (Function and Block:
// their last blocks) or lie just outside it (Loop and If: where control goes next).
bool exits_inside(RegionKind kind);

// The blocks of each shape, ascending; shapes[0] must be the Function region.
// Cost: the sum of the region sizes plus, per If or Block region, the depth
// of the loops around it.
std::vector<std::vector<mir::BlockId>> region_blocks(const mir::Function& f, const mir::Cfg& cfg,
                                                     const std::vector<RegionShape>& shapes);

}  // namespace hako::region::detail
