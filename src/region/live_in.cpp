// Liveness by walking backwards from each use to the definition (path
// exploration), one value at a time. Only values bound to a slot are asked
// about, and only the blocks where some region starts are recorded, so no
// block × value table is ever built.
#include "region/live_in.h"

namespace hako::region::detail {

using mir::BlockId;
using mir::kNone;
using mir::ValueId;

namespace {

// A use of a value: in `block` itself, or at the end of `block` for a phi operand.
struct Use {
  ValueId value;
  BlockId block;
};

bool has_slot(const mir::Function& f, ValueId v) {
  return v < f.value_slot.size() && f.value_slot[v] != kNone && f.value_slot[v] < f.slot_names.size();
}

}  // namespace

std::vector<std::vector<ValueId>> slot_values_live_in(const mir::Function& f, const mir::verify_detail::Cfg& cfg,
                                                      const std::vector<bool>& wanted) {
  const size_t nblocks = f.blocks.size();
  const ValueId nvalues = f.value_count();
  std::vector<std::vector<ValueId>> live(nblocks);
  if (nblocks == 0) return live;

  // Definition blocks (parameters are defined on entry to bb0) and uses,
  // grouped by value in one array (counting sort) to stay linear.
  std::vector<BlockId> def(nvalues, kNone);
  for (ValueId p = 0; p < f.params.size() && p < nvalues; ++p) def[p] = 0;
  std::vector<uint32_t> first(nvalues + 1, 0);
  for (BlockId b = 0; b < nblocks; ++b)
    for (const mir::Inst& in : f.blocks[b].insts) {
      if (in.result < nvalues) def[in.result] = b;
      for (ValueId a : in.args)
        if (has_slot(f, a) && a < nvalues) ++first[a + 1];
    }
  for (ValueId v = 0; v < nvalues; ++v) first[v + 1] += first[v];
  std::vector<Use> uses(first[nvalues]);
  std::vector<uint32_t> fill(first.begin(), first.end() - 1);
  for (BlockId b = 0; b < nblocks; ++b)
    for (const mir::Inst& in : f.blocks[b].insts)
      for (size_t k = 0; k < in.args.size(); ++k) {
        ValueId a = in.args[k];
        if (!has_slot(f, a) || a >= nvalues) continue;
        // A phi reads its operand on the edge, i.e. at the end of the predecessor.
        BlockId at = in.op == mir::Op::Phi ? (k < in.targets.size() ? in.targets[k] : kNone) : b;
        uses[fill[a]++] = Use{a, at};
      }

  // seen[b] == v + 1: v is already known to be live into b.
  std::vector<ValueId> seen(nblocks, 0);
  std::vector<BlockId> stack;
  for (ValueId v = 0; v < nvalues; ++v) {
    const BlockId d = def[v];
    auto reach = [&](BlockId b) {
      if (b >= nblocks || b == d || seen[b] == v + 1) return;
      seen[b] = v + 1;
      stack.push_back(b);
    };
    for (uint32_t u = first[v]; u < first[v + 1]; ++u) {
      const Use& use = uses[u];
      // A use in the defining block itself is preceded by the definition
      // (phis excepted, which are edge uses and already moved to the predecessor).
      reach(use.block);
      while (!stack.empty()) {
        BlockId b = stack.back();
        stack.pop_back();
        if (wanted[b]) live[b].push_back(v);
        for (BlockId p : cfg.preds(b)) reach(p);
      }
    }
  }
  return live;
}

}  // namespace hako::region::detail
