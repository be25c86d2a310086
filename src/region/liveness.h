// Liveness of chosen SSA values, shared by the region layer (the slots live
// into a region) and src/rc (owned references). Found by walking back from
// each use to the definition, one value at a time: the cost is the number of
// uses plus the total size of the live ranges, with no blocks × values table.
#pragma once

#include <vector>

#include "mir/mir.h"

namespace hako::region {

// The tracked values live on entry to and exit from each block, ascending.
struct Liveness {
  std::vector<std::vector<mir::ValueId>> live_in, live_out;
};

// Liveness where a use of value v counts as a use of key[v] (v itself, the
// value it is a view of, or kNone when untracked). A phi operand is used at
// the end of its predecessor; a phi is defined at the start of its block and
// a parameter on entry to bb0, so neither is live into its defining block.
// With `record`, the sets are kept only for the blocks it marks (the others
// stay empty), which bounds memory when few blocks are asked about.
Liveness value_liveness(const mir::Function& f, const std::vector<mir::ValueId>& key,
                        const std::vector<bool>* record = nullptr);

// Whether `v` is in an ascending set of Liveness.
bool is_live(const std::vector<mir::ValueId>& set, mir::ValueId v);

}  // namespace hako::region
