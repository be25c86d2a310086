// The control-flow graph of a MIR function, the one place every stage gets
// successors, predecessors, reverse postorder and dominators from (the
// verifier, src/region, src/rc, src/vm and src/codegen). Built defensively:
// edges to blocks that do not exist are ignored (the verifier reports them).
#pragma once

#include <cstdint>
#include <vector>

#include "mir/mir.h"

namespace hako::mir {

// The distinct existing blocks the terminator of `b` can jump to, in target
// order (a cond_br with both targets equal has one successor). None when the
// block is empty or ends in ret or unreachable.
std::vector<BlockId> successors(const Function& f, BlockId b);

// The distinct predecessor blocks of every block (reachable or not), ascending.
std::vector<std::vector<BlockId>> predecessors(const Function& f);

// The blocks reachable from bb0 in reverse postorder: every block comes
// before its successors except along loop back edges. Empty for a function
// without blocks.
std::vector<BlockId> reverse_postorder(const Function& f);

// Successors, predecessors, reachability and the dominator tree of one
// function, computed once (Cooper, Harvey and Kennedy's iterative algorithm
// over reverse postorder). The function must not change while this is used.
class Cfg {
 public:
  // Analyses `f`; cost is linear in its blocks and edges apart from the
  // dominator iteration, which converges in a few passes on MIR's graphs.
  explicit Cfg(const Function& f);

  // The successors of `b` as successors() gives them.
  const std::vector<BlockId>& succs(BlockId b) const { return succs_[b]; }
  // The predecessors of `b` as predecessors() gives them.
  const std::vector<BlockId>& preds(BlockId b) const { return preds_[b]; }
  // The reachable blocks in reverse postorder, as reverse_postorder() gives them.
  const std::vector<BlockId>& rpo() const { return rpo_; }
  // Whether `b` can be reached from bb0.
  bool reachable(BlockId b) const { return b < rpo_index_.size() && rpo_index_[b] != kNone; }
  // The immediate dominator of a reachable block other than bb0; kNoBlock for
  // bb0 and for unreachable blocks.
  BlockId idom(BlockId b) const { return reachable(b) && b != 0 ? idom_[b] : kNoBlock; }
  // Whether every path from bb0 to `b` passes through `a` (both reachable;
  // a block dominates itself). False when either is unreachable.
  bool dominates(BlockId a, BlockId b) const;

 private:
  std::vector<std::vector<BlockId>> succs_, preds_;
  std::vector<BlockId> rpo_;
  std::vector<uint32_t> rpo_index_;  // position in reverse postorder, kNone when unreachable
  std::vector<BlockId> idom_;
  std::vector<uint32_t> pre_, post_;  // dominator-tree DFS interval of each reachable block
};

}  // namespace hako::mir
