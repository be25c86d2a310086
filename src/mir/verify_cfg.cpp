#include "mir/verify_cfg.h"

#include <algorithm>

namespace hako::mir::verify_detail {

Cfg::Cfg(const Function& f) {
  const size_t n = f.blocks.size();
  succs_.resize(n);
  preds_.resize(n);
  rpo_index_.assign(n, kNone);
  idom_.assign(n, kNone);
  pre_.assign(n, 0);
  post_.assign(n, 0);
  if (n == 0) return;

  for (size_t b = 0; b < n; ++b) {
    const std::vector<Inst>& insts = f.blocks[b].insts;
    if (insts.empty()) continue;
    const Inst& last = insts.back();
    if (last.op != Op::Br && last.op != Op::CondBr) continue;
    for (BlockId t : last.targets) {
      if (t >= n || std::find(succs_[b].begin(), succs_[b].end(), t) != succs_[b].end()) continue;
      succs_[b].push_back(t);
      preds_[t].push_back(static_cast<BlockId>(b));
    }
  }

  // Postorder by an explicit stack: deep CFGs must not overflow the C stack.
  std::vector<BlockId> postorder;
  std::vector<uint8_t> seen(n, 0);
  std::vector<std::pair<BlockId, size_t>> stack{{0, 0}};
  seen[0] = 1;
  while (!stack.empty()) {
    auto& [b, next] = stack.back();
    if (next < succs_[b].size()) {
      BlockId s = succs_[b][next++];
      if (!seen[s]) {
        seen[s] = 1;
        stack.emplace_back(s, 0);
      }
    } else {
      postorder.push_back(b);
      stack.pop_back();
    }
  }
  std::vector<BlockId> rpo(postorder.rbegin(), postorder.rend());
  for (size_t i = 0; i < rpo.size(); ++i) rpo_index_[rpo[i]] = static_cast<uint32_t>(i);

  auto intersect = [&](BlockId a, BlockId b) {
    while (a != b) {
      while (rpo_index_[a] > rpo_index_[b]) a = idom_[a];
      while (rpo_index_[b] > rpo_index_[a]) b = idom_[b];
    }
    return a;
  };
  idom_[0] = 0;
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 1; i < rpo.size(); ++i) {
      BlockId b = rpo[i];
      BlockId best = kNone;
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
  for (BlockId b : rpo)
    if (b != 0 && idom_[b] != kNone) children[idom_[b]].push_back(b);
  uint32_t clock = 0;
  std::vector<std::pair<BlockId, size_t>> walk{{0, 0}};
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
  for (auto& p : preds_) std::sort(p.begin(), p.end());
}

bool Cfg::dominates(BlockId a, BlockId b) const {
  if (!reachable(a) || !reachable(b)) return false;
  return pre_[a] <= pre_[b] && post_[b] <= post_[a];
}

}  // namespace hako::mir::verify_detail
