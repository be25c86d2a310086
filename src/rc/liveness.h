// Liveness of owned references for src/rc: which owned roots (values that
// hold a strong reference of their own) are still needed on entry to and
// exit from each block. A use of a view counts as a use of its root; a phi
// operand is a use at the end of the edge's predecessor; `keep` is a use.
#pragma once

#include <cstdint>
#include <vector>

#include "mir/mir.h"
#include "region/region.h"

namespace hako::rc {

// A set of value ids.
class ValueSet {
 public:
  explicit ValueSet(uint32_t n = 0) : bits_((n + 63) / 64, 0) {}
  bool has(mir::ValueId v) const { return (bits_[v / 64] >> (v % 64)) & 1u; }
  void add(mir::ValueId v) { bits_[v / 64] |= uint64_t{1} << (v % 64); }
  void remove(mir::ValueId v) { bits_[v / 64] &= ~(uint64_t{1} << (v % 64)); }
  // Adds every member of `o`; returns whether anything was new.
  bool merge(const ValueSet& o);
  template <typename F>
  void for_each(F f) const {
    for (size_t w = 0; w < bits_.size(); ++w)
      for (uint64_t b = bits_[w]; b != 0; b &= b - 1)
        f(static_cast<mir::ValueId>(w * 64 + static_cast<unsigned>(__builtin_ctzll(b))));
  }

 private:
  std::vector<uint64_t> bits_;
};

struct Liveness {
  std::vector<ValueSet> live_in, live_out;  // per block, owned roots only
};

// The owned root `v` stands for, or kNone when `v` holds no reference of its own
// to manage (scalars, borrowed values and views of them).
mir::ValueId owned_root(const region::ValueOwnership& own, mir::ValueId v);

Liveness compute_liveness(const mir::Function& f, const region::ValueOwnership& own);

}  // namespace hako::rc
