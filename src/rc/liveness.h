// Owned references for src/rc: the owned root each value stands for, and
// their liveness (region::value_liveness with uses of views counted for
// their roots; `keep` is a use like any other).
#pragma once

#include "mir/mir.h"
#include "region/liveness.h"
#include "region/region.h"

namespace hako::rc {

// The owned root `v` stands for, or kNoValue when `v` holds no reference of its own
// to manage (scalars, borrowed values and views of them).
inline mir::ValueId owned_root(const region::ValueOwnership& own, mir::ValueId v) {
  if (v >= own.root.size()) return mir::kNoValue;
  mir::ValueId r = own.root[v];
  const region::RefSlotKind k = own.kind[r];
  return k == region::RefSlotKind::StrongRoot || k == region::RefSlotKind::WeakRoot ? r : mir::kNoValue;
}

// Which owned roots are live on entry to and exit from each block.
inline region::Liveness owned_liveness(const mir::Function& f, const region::ValueOwnership& own) {
  std::vector<mir::ValueId> key(f.value_count());
  for (mir::ValueId v{0}; v < key.size(); ++v) key[v] = owned_root(own, v);
  return region::value_liveness(f, key);
}

}  // namespace hako::rc
