#include "mir/cfg.h"

#include <algorithm>

namespace hako::mir {

namespace {

std::vector<std::vector<BlockId>> all_successors(const Function& f) {
  std::vector<std::vector<BlockId>> succs(f.blocks.size());
  for (BlockId b{0}; b < f.blocks.size(); ++b) succs[b] = successors(f, b);
  return succs;
}

std::vector<std::vector<BlockId>> invert(const std::vector<std::vector<BlockId>>& succs) {
  std::vector<std::vector<BlockId>> preds(succs.size());
  // Blocks are visited in ascending order, so every list comes out ascending.
  for (BlockId b{0}; b < succs.size(); ++b)
    for (BlockId s : succs[b]) preds[s].push_back(b);
  return preds;
}

// Postorder by an explicit stack: deep CFGs must not overflow the C stack.
std::vector<BlockId> rpo_of(const std::vector<std::vector<BlockId>>& succs) {
  std::vector<BlockId> order;
  if (succs.empty()) return order;
  std::vector<uint8_t> seen(succs.size(), 0);
  std::vector<std::pair<BlockId, size_t>> stack{{BlockId{0}, 0}};
  seen[0] = 1;
  while (!stack.empty()) {
    auto& [b, next] = stack.back();
    if (next < succs[b].size()) {
      BlockId s = succs[b][next++];
      if (!seen[s]) {
        seen[s] = 1;
        stack.emplace_back(s, 0);
      }
    } else {
      order.push_back(b);
      stack.pop_back();
    }
  }
  std::reverse(order.begin(), order.end());
  return order;
}

}  // namespace

std::vector<BlockId> successors(const Function& f, BlockId b) {
  std::vector<BlockId> out;
  if (b >= f.blocks.size() || f.blocks[b].insts.empty()) return out;
  const Inst& last = f.blocks[b].insts.back();
  if (last.op != Op::Br && last.op != Op::CondBr) return out;
  for (BlockId t : last.targets)
    if (t < f.blocks.size() && std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  return out;
}

std::vector<std::vector<BlockId>> predecessors(const Function& f) { return invert(all_successors(f)); }

std::vector<BlockId> reverse_postorder(const Function& f) { return rpo_of(all_successors(f)); }

Cfg::Cfg(const Function& f) : succs_(all_successors(f)), preds_(invert(succs_)), rpo_(rpo_of(succs_)) {
  const size_t n = f.blocks.size();
  rpo_index_.assign(n, kNone);
  idom_.assign(n, kNoBlock);
  pre_.assign(n, 0);
  post_.assign(n, 0);
  if (n == 0) return;
  for (size_t i = 0; i < rpo_.size(); ++i) rpo_index_[rpo_[i]] = static_cast<uint32_t>(i);

  auto intersect = [&](BlockId a, BlockId b) {
    while (a != b) {
      while (rpo_index_[a] > rpo_index_[b]) a = idom_[a];
      while (rpo_index_[b] > rpo_index_[a]) b = idom_[b];
    }
    return a;
  };
  idom_[0] = BlockId{0};
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 1; i < rpo_.size(); ++i) {
      BlockId b = rpo_[i];
      BlockId best = kNoBlock;
      for (BlockId p : preds_[b]) {
        if (!reachable(p) || idom_[p] == kNone) continue;
        best = best == kNone ? p : intersect(p, best);
      }
      if (best != idom_[b]) {
        idom_[b] = best;
        changed = true;
      }
    }
  }

  // Interval numbering of the dominator tree makes each dominance query O(1).
  std::vector<std::vector<BlockId>> children(n);
  for (BlockId b : rpo_)
    if (b != 0 && idom_[b] != kNone) children[idom_[b]].push_back(b);
  uint32_t clock = 0;
  std::vector<std::pair<BlockId, size_t>> walk{{BlockId{0}, 0}};
  pre_[0] = clock++;
  while (!walk.empty()) {
    auto& [b, next] = walk.back();
    if (next < children[b].size()) {
      BlockId c = children[b][next++];
      pre_[c] = clock++;
      walk.emplace_back(c, 0);
    } else {
      post_[b] = clock++;
      walk.pop_back();
    }
  }
}

bool Cfg::dominates(BlockId a, BlockId b) const {
  if (!reachable(a) || !reachable(b)) return false;
  return pre_[a] <= pre_[b] && post_[b] <= post_[a];
}

}  // namespace hako::mir
