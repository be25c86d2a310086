// Liveness of owned references for src/rc: which owned roots (values that
// hold a strong reference of their own) are still needed on entry to and
// exit from each block. A use of a view counts as a use of its root; a phi
// operand is a use at the end of the edge's predecessor; `keep` is a use.
//
// Computed root by root, walking backwards from each use to the definition
// (no blocks × values table): the cost is the total size of the live ranges.
#pragma once

#include <cstdint>
#include <vector>

#include "mir/mir.h"
#include "region/region.h"

namespace hako::rc {

// The owned roots live at one block boundary, in increasing order.
class RootSet {
 public:
  bool has(mir::ValueId v) const;
  const std::vector<mir::ValueId>& values() const { return values_; }
  // Appends `v`, which must be greater than every member (roots are added in order).
  void push(mir::ValueId v) { values_.push_back(v); }

 private:
  std::vector<mir::ValueId> values_;
};

struct Liveness {
  std::vector<RootSet> live_in, live_out;  // per block, owned roots only
};

// The distinct successors of block `b` (none without a terminator).
std::vector<mir::BlockId> block_successors(const mir::Function& f, mir::BlockId b);

// The owned root `v` stands for, or kNone when `v` holds no reference of its own
// to manage (scalars, borrowed values and views of them).
mir::ValueId owned_root(const region::ValueOwnership& own, mir::ValueId v);

Liveness compute_liveness(const mir::Function& f, const region::ValueOwnership& own);

}  // namespace hako::rc
