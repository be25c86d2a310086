// The control-flow graph and dominator tree the MIR verifier checks SSA
// dominance against. Built defensively: edges to blocks that do not exist
// are ignored here (the verifier reports them separately).
#pragma once

#include <vector>

#include "mir/mir.h"

namespace hako::mir::verify_detail {

class Cfg {
 public:
  // Builds successors from each block's final br/cond_br, predecessors, the
  // blocks reachable from bb0 and their dominator tree (Cooper, Harvey and
  // Kennedy's iterative algorithm over reverse postorder).
  explicit Cfg(const Function& f);

  // Distinct existing successor blocks of `b`, in target order.
  const std::vector<BlockId>& succs(BlockId b) const { return succs_[b]; }
  // Distinct predecessor blocks of `b` (reachable or not), ascending.
  const std::vector<BlockId>& preds(BlockId b) const { return preds_[b]; }
  // Whether `b` can be reached from bb0.
  bool reachable(BlockId b) const { return b < rpo_index_.size() && rpo_index_[b] != kNone; }
  // Whether every path from bb0 to `b` passes through `a` (both reachable;
  // a block dominates itself). False when either is unreachable.
  bool dominates(BlockId a, BlockId b) const;

 private:
  std::vector<std::vector<BlockId>> succs_, preds_;
  std::vector<uint32_t> rpo_index_;  // position in reverse postorder, kNone when unreachable
  std::vector<BlockId> idom_;
  std::vector<uint32_t> pre_, post_;  // dominator-tree DFS interval of each reachable block
};

}  // namespace hako::mir::verify_detail
