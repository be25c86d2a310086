// insert_rc: from value ownership and liveness to explicit retain/release.
//
// Every owned root is released exactly once on every path: right after its
// last use in a block when it is not live out of the block, or at the start
// of a successor reached over an edge it dies on. `ret`, phi operands and the
// value stored by set_field / set_global are the consuming uses: they move
// the reference when it dies there and retain it otherwise (borrowed values
// are always retained, literals never). `keep` is a use that ends a
// binding's lifetime; it is dropped once the releases are placed.
#include <algorithm>
#include <optional>

#include "mir/cfg.h"
#include "rc/edges.h"
#include "rc/liveness.h"
#include "rc/rc.h"

namespace hako::rc {

using mir::BlockId;
using mir::Inst;
using mir::Kind;
using mir::Op;
using mir::ValueId;
using region::RefSlotKind;

namespace {

Inst rc_inst(Op op, ValueId v) {
  Inst i;
  i.op = op;
  i.args = {v};
  return i;
}

class Inserter {
 public:
  Inserter(mir::Function& f, const region::ValueOwnership& own) : f_(f), own_(own) {}

  void run() {
    split_critical_edges(f_);
    live_ = owned_liveness(f_, own_);
    preds_ = mir::predecessors(f_);
    succs_.resize(f_.blocks.size());
    for (BlockId b{0}; b < f_.blocks.size(); ++b) succs_[b] = mir::successors(f_, b);
    for (BlockId b{0}; b < f_.blocks.size(); ++b) rewrite(b);
  }

 private:
  // One reference more / less to `v`: the weak rows for a WeakRef or a view
  // of a weak reference (a weak field read as a Handle), retain and release
  // otherwise.
  Inst retain(ValueId v) const { return rc_inst(mir::retain_op(f_.value_tags[v].kind, is_weak_ref(v)), v); }
  Inst release(ValueId v) const { return rc_inst(mir::release_op(f_.value_tags[v].kind, is_weak_ref(v)), v); }
  bool is_weak_ref(ValueId v) const { return own_.kind[own_.root[v]] == RefSlotKind::WeakRoot; }

  // Whether `v` carries a reference at all (an object or Handle tag).
  bool counted(ValueId v) const {
    Kind k = f_.value_tags[v].kind;
    return mir::is_object_kind(k) || k == Kind::Handle;
  }

  // Whether handing out `v` needs no new reference: its root is borrowed but
  // not a parameter, so it is a literal (Void, an immortal object, a small Int).
  bool is_literal(ValueId v) const {
    ValueId r = own_.root[v];
    return own_.kind[r] == RefSlotKind::Borrowed && r >= f_.params.size() && !own_.of_field[v];
  }

  void rewrite(BlockId b) {
    std::vector<Inst> old = std::move(f_.blocks[b].insts);
    std::vector<Inst>& out = f_.blocks[b].insts;
    out.clear();

    size_t k = 0;
    for (; k < old.size() && old[k].op == Op::Phi; ++k) out.push_back(old[k]);

    // Roots that die on the edge into this block (its only predecessor
    // branches elsewhere too), minus those a phi here takes over.
    if (preds_[b].size() == 1) {
      BlockId p = preds_[b][0];
      std::vector<ValueId> taken;  // by this block's phis on that edge
      for (size_t i = 0; i < k; ++i)
        for (size_t a = 0; a < old[i].args.size(); ++a)
          if (old[i].targets[a] == p)
            if (ValueId r = owned_root(own_, old[i].args[a]); r != mir::kNone) taken.push_back(r);
      const std::vector<ValueId>& out_of_p = live_.live_out[p];
      for (size_t j = out_of_p.size(); j-- > 0;) {
        ValueId r = out_of_p[j];
        if (!region::is_live(live_.live_in[b], r) && std::find(taken.begin(), taken.end(), r) == taken.end())
          out.push_back(release(r));
      }
    }

    // The last use in this block of each root not live out of it.
    std::unordered_map<ValueId, size_t> last_use;
    for (size_t i = k; i < old.size(); ++i)
      for (ValueId a : old[i].args)
        if (ValueId r = owned_root(own_, a); r != mir::kNone && !region::is_live(live_.live_out[b], r)) last_use[r] = i;

    for (size_t i = k; i < old.size(); ++i) {
      const Inst& in = old[i];
      const std::optional<size_t> consumed = mir::consumed_operand(in.op);
      if (mir::op_info(in.op).flags & mir::TERM) {
        // Nothing is used after a terminator: a consumed operand (ret's) is all it takes.
        ValueId moved = mir::kNoValue;
        if (consumed && *consumed < in.args.size()) moved = consume(in.args[*consumed], last_use, i, out);
        // Returning a borrowed field value retained it instead of moving the
        // instance it was read from, which dies here.
        for (ValueId a : in.args)
          if (ValueId r = owned_root(own_, a); r != mir::kNone && r != moved && own_.of_field[a])
            if (auto it = last_use.find(r); it != last_use.end() && it->second == i) out.push_back(release(r));
        outgoing_phi_operands(b, out);
        out.push_back(in);
        continue;
      }
      // Operands whose last use this is, latest binding first; a consumed
      // operand that dies here moves into the store instead.
      std::vector<ValueId> done;
      if (consumed && *consumed < in.args.size())
        if (ValueId moved = consume(in.args[*consumed], last_use, i, out); moved != mir::kNone) done.push_back(moved);
      if (in.op != Op::Keep) out.push_back(in);
      for (size_t a = in.args.size(); a-- > 0;) {
        ValueId r = owned_root(own_, in.args[a]);
        if (r == mir::kNone || std::find(done.begin(), done.end(), r) != done.end()) continue;
        auto it = last_use.find(r);
        if (it != last_use.end() && it->second == i) {
          out.push_back(release(r));
          done.push_back(r);
        }
      }
      // A fresh reference nothing uses later.
      if (in.result != mir::kNone && owned_root(own_, in.result) == in.result && !region::is_live(live_.live_out[b], in.result) &&
          !last_use.count(in.result))
        out.push_back(release(in.result));
    }
  }

  // `v` handed over by the instruction at `index` (ret, a store): the owned
  // root that moves because this is its last use, or kNone after a retain
  // (a value still needed, or a borrowed one; literals need neither).
  ValueId consume(ValueId v, const std::unordered_map<ValueId, size_t>& last_use, size_t index,
                  std::vector<Inst>& out) const {
    if (!counted(v)) return mir::kNoValue;
    ValueId r = own_.of_field[v] ? mir::kNoValue : owned_root(own_, v);
    auto it = r == mir::kNone ? last_use.end() : last_use.find(r);
    if (it != last_use.end() && it->second == index) return r;
    if (!is_literal(v)) out.push_back(retain(v));
    return mir::kNoValue;
  }

  // Before the jump: each phi operand of the successor gets its own
  // reference, moved from an owned root that dies on the edge or retained.
  // Only single-successor blocks reach phis (split_critical_edges).
  void outgoing_phi_operands(BlockId b, std::vector<Inst>& out) {
    std::vector<ValueId> moved;
    for (BlockId s : succs_[b]) {
      for (const Inst& phi : f_.blocks[s].insts) {
        if (phi.op != Op::Phi) break;
        if (!counted(phi.result)) continue;
        for (size_t a = 0; a < phi.args.size(); ++a) {
          if (phi.targets[a] != b) continue;
          ValueId v = phi.args[a];
          ValueId r = own_.of_field[v] ? mir::kNoValue : owned_root(own_, v);
          bool moves = r != mir::kNone && !region::is_live(live_.live_in[s], r) &&
                       std::find(moved.begin(), moved.end(), r) == moved.end();
          if (moves) {
            moved.push_back(r);
          } else if (!is_literal(v)) {
            out.push_back(retain(v));
          }
        }
      }
    }
  }

  mir::Function& f_;
  const region::ValueOwnership& own_;
  region::Liveness live_;
  std::vector<std::vector<BlockId>> preds_, succs_;  // before rewriting (rewrite moves instructions out)
};

}  // namespace

void insert_rc(mir::Module& m, const std::vector<region::ValueOwnership>& ownership) {
  for (size_t i = 0; i < m.functions.size(); ++i) Inserter(m.functions[i], ownership[i]).run();
  m.rc_explicit = true;
}

void insert_rc(mir::Module& m) {
  std::vector<region::ValueOwnership> ownership;
  for (const mir::Function& f : m.functions) ownership.push_back(region::classify_values(f, &m.boxes));
  insert_rc(m, ownership);
}

}  // namespace hako::rc
