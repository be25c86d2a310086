// Region block sets by bounded depth-first walks. Marks are stamped with the
// region's index instead of being cleared, so a function with thousands of
// regions and blocks costs the sum of the region sizes, not their product.
#include "region/region_blocks.h"

#include <algorithm>
#include <cstdint>

namespace hako::region::detail {

using mir::BlockId;
using mir::kNone;

bool exits_inside(RegionKind kind) { return kind == RegionKind::Function || kind == RegionKind::Block; }

namespace {

class Walker {
 public:
  Walker(const mir::Cfg& cfg, size_t n) : cfg_(cfg), seen_(n, 0), stop_(n, 0), last_(n, 0) {}

  // A fresh stamp: marks left by earlier walks no longer count.
  void begin() { ++stamp_; }
  // `b` is not entered by the current walk.
  void stop_at(BlockId b) {
    if (b < stop_.size()) stop_[b] = stamp_;
  }
  // `b` is entered by the current walk but its successors are not followed.
  void end_at(BlockId b) {
    if (b < last_.size()) last_[b] = stamp_;
  }

  // The blocks reachable from `entry` under the current marks, ascending.
  // With `dominated`, only blocks `entry` dominates (when it is reachable at all).
  std::vector<BlockId> walk(BlockId entry, bool dominated) {
    std::vector<BlockId> out;
    if (entry >= seen_.size()) return out;
    const bool restrict = dominated && cfg_.reachable(entry);
    std::vector<BlockId> stack{entry};
    seen_[entry] = stamp_;
    while (!stack.empty()) {
      BlockId b = stack.back();
      stack.pop_back();
      out.push_back(b);
      if (last_[b] == stamp_) continue;
      for (BlockId s : cfg_.succs(b)) {
        if (seen_[s] == stamp_ || stop_[s] == stamp_) continue;
        if (restrict && !cfg_.dominates(entry, s)) continue;
        seen_[s] = stamp_;
        stack.push_back(s);
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  const mir::Cfg& cfg_;
  std::vector<uint32_t> seen_, stop_, last_;
  uint32_t stamp_ = 0;
};

}  // namespace

std::vector<std::vector<BlockId>> region_blocks(const mir::Function& f, const mir::Cfg& cfg,
                                                const std::vector<RegionShape>& shapes) {
  const size_t n = f.blocks.size();
  std::vector<std::vector<BlockId>> blocks(shapes.size());
  Walker w(cfg, n);

  auto walk = [&](size_t r) {
    const RegionShape& s = shapes[r];
    for (BlockId e : s.exits) {
      if (exits_inside(s.kind)) {
        w.end_at(e);
      } else {
        w.stop_at(e);
      }
    }
    blocks[r] = w.walk(s.entry, s.kind != RegionKind::Function);
  };

  // Loops first: nothing but their exit (and `return`) leaves a loop, since
  // break and continue only reach the innermost loop's exit and latch.
  std::vector<size_t> loops;
  for (size_t r = 0; r < shapes.size(); ++r) {
    if (shapes[r].kind == RegionKind::Function || shapes[r].kind == RegionKind::Loop) {
      w.begin();
      walk(r);
    }
    if (shapes[r].kind == RegionKind::Loop) loops.push_back(r);
  }

  // The innermost loop around each block, and each loop's enclosing loop:
  // painting loops from the largest down leaves the smallest on top.
  std::stable_sort(loops.begin(), loops.end(), [&](size_t a, size_t b) { return blocks[a].size() > blocks[b].size(); });
  std::vector<size_t> innermost(n, SIZE_MAX);
  std::vector<size_t> outer(shapes.size(), SIZE_MAX);
  for (size_t l : loops) {
    if (shapes[l].entry < n) outer[l] = innermost[shapes[l].entry];
    for (BlockId b : blocks[l]) innermost[b] = l;
  }

  for (size_t r = 0; r < shapes.size(); ++r) {
    RegionKind k = shapes[r].kind;
    if (k != RegionKind::If && k != RegionKind::Block) continue;
    w.begin();
    if (shapes[r].entry < n) {
      for (size_t l = innermost[shapes[r].entry]; l != SIZE_MAX; l = outer[l]) {
        w.stop_at(shapes[l].latch);
        for (BlockId e : shapes[l].exits) w.stop_at(e);
      }
    }
    walk(r);
  }
  return blocks;
}

}  // namespace hako::region::detail
