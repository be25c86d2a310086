#include "rc/liveness.h"

namespace hako::rc {

using mir::BlockId;
using mir::Inst;
using mir::Op;
using mir::ValueId;
using region::RefSlotKind;

bool ValueSet::merge(const ValueSet& o) {
  bool changed = false;
  for (size_t w = 0; w < bits_.size(); ++w) {
    uint64_t next = bits_[w] | o.bits_[w];
    changed = changed || next != bits_[w];
    bits_[w] = next;
  }
  return changed;
}

ValueId owned_root(const region::ValueOwnership& own, ValueId v) {
  if (v >= own.root.size()) return mir::kNone;
  ValueId r = own.root[v];
  return own.kind[r] == RefSlotKind::StrongRoot ? r : mir::kNone;
}

Liveness compute_liveness(const mir::Function& f, const region::ValueOwnership& own) {
  const uint32_t n = f.value_count();
  const size_t nb = f.blocks.size();
  std::vector<ValueSet> upward(nb, ValueSet(n)), defs(nb, ValueSet(n)), edge_uses(nb, ValueSet(n));
  std::vector<std::vector<BlockId>> succs(nb);

  for (BlockId b = 0; b < nb; ++b) {
    const auto& insts = f.blocks[b].insts;
    // Backwards: a use before the definition in the block is live on entry.
    for (size_t k = insts.size(); k-- > 0;) {
      const Inst& in = insts[k];
      if (in.result != mir::kNone && owned_root(own, in.result) == in.result) {
        defs[b].add(in.result);
        upward[b].remove(in.result);
      }
      if (in.op == Op::Phi) {
        for (size_t a = 0; a < in.args.size(); ++a)
          if (ValueId r = owned_root(own, in.args[a]); r != mir::kNone) edge_uses[in.targets[a]].add(r);
        continue;
      }
      for (ValueId a : in.args)
        if (ValueId r = owned_root(own, a); r != mir::kNone) upward[b].add(r);
    }
    if (!insts.empty() && (mir::op_info(insts.back().op).flags & mir::TERM)) succs[b] = insts.back().targets;
  }

  Liveness live;
  live.live_in.assign(nb, ValueSet(n));
  live.live_out.assign(nb, ValueSet(n));
  for (bool changed = true; changed;) {
    changed = false;
    for (BlockId b = static_cast<BlockId>(nb); b-- > 0;) {
      ValueSet out = edge_uses[b];
      for (BlockId s : succs[b]) out.merge(live.live_in[s]);
      ValueSet in = out;
      defs[b].for_each([&](ValueId v) { in.remove(v); });
      in.merge(upward[b]);
      changed = live.live_out[b].merge(out) || changed;
      changed = live.live_in[b].merge(in) || changed;
    }
  }
  return live;
}

}  // namespace hako::rc
