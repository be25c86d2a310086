#include "rc/liveness.h"

#include <algorithm>

namespace hako::rc {

using mir::BlockId;
using mir::Inst;
using mir::Op;
using mir::ValueId;
using region::RefSlotKind;

bool RootSet::has(ValueId v) const { return std::binary_search(values_.begin(), values_.end(), v); }

ValueId owned_root(const region::ValueOwnership& own, ValueId v) {
  if (v >= own.root.size()) return mir::kNone;
  ValueId r = own.root[v];
  return own.kind[r] == RefSlotKind::StrongRoot ? r : mir::kNone;
}

std::vector<BlockId> block_successors(const mir::Function& f, BlockId b) {
  const auto& insts = f.blocks[b].insts;
  if (insts.empty() || !(mir::op_info(insts.back().op).flags & mir::TERM)) return {};
  std::vector<BlockId> out = insts.back().targets;
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

// Where each owned root is defined and used.
struct RootUses {
  std::vector<BlockId> def_block;                  // per value (kNone: not an owned root)
  std::vector<std::vector<BlockId>> inside;        // per value: blocks with an ordinary use
  std::vector<std::vector<BlockId>> at_end_of;     // per value: predecessors whose edge feeds it to a phi
};

void add_once(std::vector<BlockId>& list, BlockId b) {
  if (list.empty() || list.back() != b) list.push_back(b);
}

RootUses collect_uses(const mir::Function& f, const region::ValueOwnership& own) {
  const uint32_t n = f.value_count();
  RootUses u;
  u.def_block.assign(n, mir::kNone);
  u.inside.resize(n);
  u.at_end_of.resize(n);
  for (BlockId b = 0; b < f.blocks.size(); ++b) {
    for (const Inst& in : f.blocks[b].insts) {
      if (in.result != mir::kNone && owned_root(own, in.result) == in.result) u.def_block[in.result] = b;
      for (size_t a = 0; a < in.args.size(); ++a) {
        ValueId r = owned_root(own, in.args[a]);
        if (r == mir::kNone) continue;
        if (in.op == Op::Phi) {
          add_once(u.at_end_of[r], in.targets[a]);
        } else {
          add_once(u.inside[r], b);
        }
      }
    }
  }
  return u;
}

}  // namespace

Liveness compute_liveness(const mir::Function& f, const region::ValueOwnership& own) {
  const size_t nb = f.blocks.size();
  std::vector<std::vector<BlockId>> preds(nb);
  for (BlockId b = 0; b < nb; ++b)
    for (BlockId s : block_successors(f, b)) preds[s].push_back(b);

  RootUses uses = collect_uses(f, own);
  Liveness live;
  live.live_in.resize(nb);
  live.live_out.resize(nb);
  // The root whose walk last entered each block's sets: every root enters a
  // set at most once, and nothing needs clearing between roots. Roots are
  // walked in increasing order, so every set comes out sorted.
  std::vector<ValueId> in_stamp(nb, mir::kNone), out_stamp(nb, mir::kNone);
  std::vector<BlockId> work;

  for (ValueId r = 0; r < uses.def_block.size(); ++r) {
    const BlockId def = uses.def_block[r];
    if (def == mir::kNone) continue;
    auto live_in_of = [&](BlockId b) {
      if (b == def || in_stamp[b] == r) return;
      in_stamp[b] = r;
      live.live_in[b].push(r);
      work.push_back(b);
    };
    auto live_out_of = [&](BlockId b) {
      if (out_stamp[b] == r) return;
      out_stamp[b] = r;
      live.live_out[b].push(r);
      live_in_of(b);
    };
    for (BlockId b : uses.inside[r]) live_in_of(b);
    for (BlockId b : uses.at_end_of[r]) live_out_of(b);
    while (!work.empty()) {
      BlockId b = work.back();
      work.pop_back();
      for (BlockId p : preds[b]) live_out_of(p);
    }
  }
  return live;
}

}  // namespace hako::rc
