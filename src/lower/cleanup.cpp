// Clean-up after construction: empty the blocks no path reaches, drop the
// phis that merge a single value, number values densely.
#include <unordered_map>

#include "lower/function_lowerer.h"

namespace hako::lower {

using mir::Inst;
using mir::Op;

namespace {

std::vector<bool> reachable_blocks(const mir::Function& f) {
  std::vector<bool> seen(f.blocks.size(), false);
  std::vector<BlockId> work{BlockId{0}};
  seen[0] = true;
  while (!work.empty()) {
    BlockId b = work.back();
    work.pop_back();
    const Inst& term = f.blocks[b].insts.back();
    if (term.op != Op::Br && term.op != Op::CondBr) continue;
    for (BlockId t : term.targets)
      if (!seen[t]) {
        seen[t] = true;
        work.push_back(t);
      }
  }
  return seen;
}

}  // namespace

void FunctionLowerer::remove_trivial_phis() {
  // Unreachable blocks keep their ids (LoopForm/IfForm refer to them) but hold
  // only `unreachable`; phis forget the edges that came from them.
  std::vector<bool> live = reachable_blocks(f_);
  for (BlockId b{0}; b < f_.blocks.size(); ++b) {
    if (live[b]) continue;
    f_.blocks[b].insts.clear();
    Inst u;
    u.op = Op::Unreachable;
    f_.blocks[b].insts.push_back(std::move(u));
  }
  for (BlockId b{0}; b < f_.blocks.size(); ++b) {
    if (!live[b]) continue;
    for (Inst& i : f_.blocks[b].insts) {
      if (i.op != Op::Phi) break;
      std::vector<ValueId> args;
      std::vector<BlockId> preds;
      for (size_t k = 0; k < i.args.size(); ++k)
        if (live[i.targets[k]]) {
          args.push_back(i.args[k]);
          preds.push_back(i.targets[k]);
        }
      i.args = std::move(args);
      i.targets = std::move(preds);
    }
  }

  // A phi whose operands are itself and one other value v is v (Braun et
  // al. §3.2); removing one may make others trivial, so iterate.
  std::unordered_map<ValueId, ValueId> replaced;
  auto resolve = [&](ValueId v) {
    while (true) {
      auto it = replaced.find(v);
      if (it == replaced.end()) return v;
      v = it->second;
    }
  };
  bool changed = true;
  while (changed) {
    changed = false;
    for (mir::Block& blk : f_.blocks) {
      for (Inst& i : blk.insts) {
        if (i.op != Op::Phi || replaced.count(i.result)) continue;
        ValueId same = mir::kNoValue;
        bool trivial = true;
        for (ValueId a : i.args) {
          ValueId r = resolve(a);
          if (r == i.result || r == same) continue;
          if (same != mir::kNone) {
            trivial = false;
            break;
          }
          same = r;
        }
        if (trivial && same != mir::kNone) {
          replaced[i.result] = same;
          changed = true;
        }
      }
    }
  }
  for (mir::Block& blk : f_.blocks) {
    std::vector<Inst> kept;
    kept.reserve(blk.insts.size());
    for (Inst& i : blk.insts) {
      if (i.op == Op::Phi && replaced.count(i.result)) continue;
      for (ValueId& a : i.args) a = resolve(a);
      kept.push_back(std::move(i));
    }
    blk.insts = std::move(kept);
  }
}

void FunctionLowerer::remove_dead_values() {
  // Pure instructions whose result nothing uses (e.g. the Void of a call
  // whose value is discarded); removing one may free its operands, so repeat.
  bool changed = true;
  while (changed) {
    changed = false;
    std::vector<uint32_t> uses(f_.value_tags.size(), 0);
    for (const mir::Block& blk : f_.blocks)
      for (const Inst& i : blk.insts)
        for (ValueId a : i.args) ++uses[a];
    for (mir::Block& blk : f_.blocks) {
      size_t before = blk.insts.size();
      std::erase_if(blk.insts, [&](const Inst& i) {
        return i.result != mir::kNone && uses[i.result] == 0 && (mir::op_info(i.op).flags & mir::PURE) &&
               !(mir::op_info(i.op).flags & mir::FAILS);
      });
      changed = changed || blk.insts.size() != before;
    }
  }
}

void FunctionLowerer::remove_dead_blocks() {
  // Blocks no path reaches and no LoopForm/IfForm names are dropped; the
  // others are renumbered in order.
  std::vector<bool> keep = reachable_blocks(f_);
  auto mark = [&](BlockId b) {
    if (b != mir::kNone) keep[b] = true;
  };
  for (const mir::LoopForm& l : f_.loops) {
    mark(l.header);
    mark(l.body);
    mark(l.latch);
    mark(l.exit);
  }
  for (const mir::ScopeForm& s : f_.scopes) mark(s.entry);
  for (const mir::IfForm& i : f_.ifs) {
    mark(i.cond);
    mark(i.then_entry);
    mark(i.else_entry);
    mark(i.merge);
  }
  std::vector<BlockId> map(f_.blocks.size(), mir::kNoBlock);
  std::vector<mir::Block> blocks;
  for (BlockId b{0}; b < f_.blocks.size(); ++b) {
    if (!keep[b]) continue;
    map[b] = BlockId::from_size(blocks.size());
    blocks.push_back(std::move(f_.blocks[b]));
  }
  for (mir::Block& blk : blocks)
    for (Inst& i : blk.insts)
      for (BlockId& t : i.targets) t = map[t];
  for (mir::LoopForm& l : f_.loops) {
    l.header = map[l.header];
    l.body = map[l.body];
    l.latch = map[l.latch];
    l.exit = map[l.exit];
  }
  for (mir::ScopeForm& s : f_.scopes) s.entry = map[s.entry];
  for (mir::IfForm& i : f_.ifs) {
    i.cond = map[i.cond];
    i.then_entry = map[i.then_entry];
    i.else_entry = map[i.else_entry];
    i.merge = map[i.merge];
  }
  f_.blocks = std::move(blocks);
}

void FunctionLowerer::renumber_values() {
  std::vector<ValueId> map(f_.value_tags.size(), mir::kNoValue);
  std::vector<mir::Tag> tags;
  for (ValueId p{0}; p < f_.params.size(); ++p) {
    map[p] = p;
    tags.push_back(f_.params[p]);
  }
  for (mir::Block& blk : f_.blocks)
    for (Inst& i : blk.insts)
      if (i.result != mir::kNone) {
        map[i.result] = static_cast<ValueId>(tags.size());
        tags.push_back(i.tag);
      }
  for (mir::Block& blk : f_.blocks)
    for (Inst& i : blk.insts) {
      if (i.result != mir::kNone) i.result = map[i.result];
      for (ValueId& a : i.args) a = map[a];
    }
  f_.value_tags = std::move(tags);
  // Slots of values that survived; a value bound twice keeps its first slot.
  f_.value_slot.assign(f_.value_tags.size(), mir::kNone);
  for (const auto& [v, slot] : slot_of_value_)
    if (v < map.size() && map[v] != mir::kNone) f_.value_slot[map[v]] = slot;
  for (const auto& [phi, local] : phi_local_)
    if (phi < map.size() && map[phi] != mir::kNone && f_.value_slot[map[phi]] == mir::kNone)
      f_.value_slot[map[phi]] = slot_for(local, program_.locals[local].name);
}

}  // namespace hako::lower
