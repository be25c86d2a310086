#include "region/liveness.h"

#include <algorithm>

#include "mir/cfg.h"

namespace hako::region {

using mir::BlockId;
using mir::Inst;
using mir::kNone;
using mir::Op;
using mir::ValueId;

bool is_live(const std::vector<ValueId>& set, ValueId v) { return std::binary_search(set.begin(), set.end(), v); }

namespace {

void add_once(std::vector<BlockId>& list, BlockId b) {
  if (list.empty() || list.back() != b) list.push_back(b);
}

}  // namespace

Liveness value_liveness(const mir::Function& f, const std::vector<ValueId>& key, const std::vector<bool>* record) {
  const size_t nb = f.blocks.size();
  const uint32_t n = f.value_count();
  auto key_of = [&](ValueId v) { return v < key.size() && key[v] < n ? key[v] : mir::kNoValue; };
  auto kept = [&](BlockId b) { return record == nullptr || (b < record->size() && (*record)[b]); };

  const std::vector<std::vector<BlockId>> preds = mir::predecessors(f);

  // Where each tracked value is defined, used inside a block, and used at
  // the end of a block (phi operands).
  std::vector<BlockId> def(n, mir::kNoBlock);
  std::vector<std::vector<BlockId>> inside(n), at_end_of(n);
  for (ValueId p{0}; p < f.params.size() && p < n && nb > 0; ++p) def[p] = BlockId{0};
  for (BlockId b{0}; b < nb; ++b) {
    for (const Inst& in : f.blocks[b].insts) {
      if (in.result < n) def[in.result] = b;
      for (size_t a = 0; a < in.args.size(); ++a) {
        ValueId k = key_of(in.args[a]);
        if (k == kNone) continue;
        if (in.op == Op::Phi) {
          if (a < in.targets.size() && in.targets[a] < nb) add_once(at_end_of[k], in.targets[a]);
        } else {
          add_once(inside[k], b);
        }
      }
    }
  }

  Liveness live;
  live.live_in.resize(nb);
  live.live_out.resize(nb);
  // The value whose walk last entered each block's sets: every value enters
  // a set at most once, and nothing needs clearing between values. Values
  // are walked in increasing order, so every set comes out sorted.
  std::vector<ValueId> in_stamp(nb, mir::kNoValue), out_stamp(nb, mir::kNoValue);
  std::vector<BlockId> work;
  for (ValueId v{0}; v < n; ++v) {
    const BlockId d = def[v];
    if (d == kNone || (inside[v].empty() && at_end_of[v].empty())) continue;
    auto live_in_of = [&](BlockId b) {
      if (b == d || in_stamp[b] == v) return;
      in_stamp[b] = v;
      if (kept(b)) live.live_in[b].push_back(v);
      work.push_back(b);
    };
    auto live_out_of = [&](BlockId b) {
      if (out_stamp[b] == v) return;
      out_stamp[b] = v;
      if (kept(b)) live.live_out[b].push_back(v);
      live_in_of(b);
    };
    for (BlockId b : inside[v]) live_in_of(b);
    for (BlockId b : at_end_of[v]) live_out_of(b);
    while (!work.empty()) {
      BlockId b = work.back();
      work.pop_back();
      for (BlockId p : preds[b]) live_out_of(p);
    }
  }
  return live;
}

}  // namespace hako::region
