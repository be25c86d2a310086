#include "rc/edges.h"

#include "mir/cfg.h"

namespace hako::rc {

using mir::BlockId;
using mir::Inst;
using mir::Op;

void split_critical_edges(mir::Function& f) {
  const std::vector<std::vector<BlockId>> preds = mir::predecessors(f);

  const BlockId original = static_cast<BlockId>(f.blocks.size());
  for (BlockId p{0}; p < original; ++p) {
    if (f.blocks[p].insts.empty()) continue;
    const Inst& term = f.blocks[p].insts.back();
    if (term.op != Op::CondBr || term.targets[0] == term.targets[1]) continue;
    for (size_t k = 0; k < 2; ++k) {
      BlockId target = f.blocks[p].insts.back().targets[k];
      if (preds[target].size() < 2 && (f.blocks[target].insts.empty() || f.blocks[target].insts[0].op != Op::Phi))
        continue;
      BlockId middle = static_cast<BlockId>(f.blocks.size());
      mir::Block blk;
      Inst br;
      br.op = Op::Br;
      br.targets = {target};
      blk.insts.push_back(std::move(br));
      f.blocks.push_back(std::move(blk));
      for (Inst& phi : f.blocks[target].insts) {
        if (phi.op != Op::Phi) break;
        for (BlockId& from : phi.targets)
          if (from == p) from = middle;
      }
      f.blocks[p].insts.back().targets[k] = middle;
    }
  }
}

}  // namespace hako::rc
