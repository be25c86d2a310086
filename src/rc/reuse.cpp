// A `release %x` and a `new_box` of its block become one `new_box_reuse`.
// The allocation is taken to happen at its first use (nothing before can
// tell), and the release moves there, up or down, which is invisible to the
// program when every instruction it crosses
//  - uses no %x nor any view of it (a field borrowed from it included):
//    the reuse releases %x's fields;
//  - cannot observe when a box dies: no weak_load, no user code or runtime
//    call that might (call_rt, call_method, call_c, and to_str / add_h,
//    through which the runtime may run a user toString()), a `call` only of
//    a function that is quiet itself (a fixed point over the calls).
// Releasing never runs user code (fini() runs only when called), and the
// leak report is printed only at the normal end. The two boxes need the same
// number of fields so that the memory fits.
#include "rc/reuse.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "region/region.h"

namespace hako::rc {

using mir::Inst;
using mir::Kind;
using mir::Op;
using mir::ValueId;

namespace {

// Whether `in` cannot observe the death of a box, given which functions
// cannot (`quiet`). A row with an effect or a failure is taken to observe
// unless it is listed here, so that a row added later errs on the safe side.
bool quiet_inst(const Inst& in, const std::vector<bool>& quiet) {
  switch (in.op) {
    case Op::Call: return in.ref < quiet.size() && quiet[in.ref];
    // The runtime may run a user toString() here, or print whether a
    // WeakRef's target lives; weak_load asks it.
    case Op::ToStr:
    case Op::AddH:
    case Op::WeakLoad: return false;
    // Errors name kinds only; stores, allocations and counts run no code.
    case Op::DivI: case Op::ModI: case Op::Unbox: case Op::Truthy:
    case Op::SubH: case Op::MulH: case Op::DivH: case Op::ModH: case Op::NegH:
    case Op::AndH: case Op::OrH: case Op::XorH: case Op::ShlH: case Op::ShrH: case Op::NotH:
    case Op::LtH: case Op::LeH: case Op::GtH: case Op::GeH:
    case Op::NewBox: case Op::NewBoxReuse: case Op::SetField: case Op::GetFieldH: case Op::SetFieldH:
    case Op::SetGlobal: case Op::NewArray: case Op::NewMap: case Op::NewConsole:
    case Op::Keep: case Op::Retain: case Op::Release: case Op::WeakNew: case Op::WeakRetain:
    case Op::CheckWeak: case Op::WeakDrop: return true;
    // call_method, call_rt, call_c and whatever comes later.
    default: return (mir::op_info(in.op).flags & (mir::EFFECT | mir::FAILS)) == 0;
  }
}

// The functions that cannot observe the death of a box: the greatest fixed
// point over the calls (a recursive function is quiet if nothing else in it
// observes).
std::vector<bool> quiet_functions(const mir::Module& m) {
  std::vector<bool> quiet(m.functions.size(), true);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t f = 0; f < m.functions.size(); ++f) {
      if (!quiet[f]) continue;
      for (const mir::Block& b : m.functions[f].blocks)
        for (const Inst& in : b.insts)
          if (quiet[f] && !quiet_inst(in, quiet)) {
            quiet[f] = false;
            changed = true;
          }
    }
  }
  return quiet;
}

class Reuser {
 public:
  Reuser(const mir::Module& m, mir::Function& f, const std::vector<bool>& quiet)
      : m_(m), f_(f), quiet_(quiet), own_(region::classify_values(f, &m.boxes)) {}

  void run() {
    for (mir::Block& b : f_.blocks) rewrite(b);
  }

 private:
  void rewrite(mir::Block& b) {
    for (size_t j = 0; j < b.insts.size(); ++j) {
      if (b.insts[j].op != Op::Release) continue;
      const ValueId x = b.insts[j].args[0];
      const mir::Tag& t = f_.value_tags[x];
      if (t.kind != Kind::Box || t.box >= m_.boxes.size()) continue;
      const ValueId root = own_.root[x];
      // The release may move anywhere in [low, high]: the instructions it
      // would cross neither touch %x nor observe a death.
      size_t low = j, high = j;
      while (low > 0 && may_cross(b.insts[low - 1], root)) --low;
      while (high + 1 < b.insts.size() && may_cross(b.insts[high + 1], root)) ++high;
      // An allocation takes effect at its first use (nothing before that can
      // tell when it happened): the first that fits and whose first use is
      // within reach, nearest before the release, else nearest after it.
      std::optional<std::pair<size_t, size_t>> pick;  // new_box index, first use
      for (size_t i = j; i-- > 0 && !pick;)
        if (std::optional<size_t> u = first_use(b, i, t.box); u && *u >= low && *u <= high + 1) pick = {{i, *u}};
      for (size_t i = j + 1; i < b.insts.size() && !pick; ++i)
        if (std::optional<size_t> u = first_use(b, i, t.box); u && *u <= high + 1) pick = {{i, *u}};
      if (!pick) continue;
      auto [i, u] = *pick;
      Inst made = b.insts[i];
      made.op = Op::NewBoxReuse;
      made.args = {x};
      std::vector<Inst> out;
      out.reserve(b.insts.size());
      for (size_t k = 0; k < b.insts.size(); ++k) {
        if (k == u) out.push_back(made);
        if (k != i && k != j) out.push_back(std::move(b.insts[k]));
      }
      b.insts = std::move(out);
      j = std::min(i, j);  // everything from there on may have moved
      --j;                 // (the loop's ++j)
    }
  }

  // Whether a release of `root` may move across `in`.
  bool may_cross(const Inst& in, ValueId root) const {
    return in.op != Op::Phi && !(mir::op_info(in.op).flags & mir::TERM) && !touches(in, root) &&
           quiet_inst(in, quiet_);
  }

  // For a `new_box` at `i` of a box with as many fields as box `dying`: the
  // index of the first instruction of the block that uses its result.
  std::optional<size_t> first_use(const mir::Block& b, size_t i, uint32_t dying) const {
    const Inst& in = b.insts[i];
    if (!fits(in, dying)) return std::nullopt;
    for (size_t k = i + 1; k < b.insts.size(); ++k)
      for (ValueId a : b.insts[k].args)
        if (a == in.result) return k;
    return std::nullopt;
  }

  // Whether `in` allocates a box with as many fields as box `dying`.
  bool fits(const Inst& in, uint32_t dying) const {
    return in.op == Op::NewBox && in.ref < m_.boxes.size() &&
           m_.boxes[in.ref].fields.size() == m_.boxes[dying].fields.size();
  }

  // Whether `in` uses or defines `root` or a view of it.
  bool touches(const Inst& in, ValueId root) const {
    if (in.result != mir::kNone && own_.root[in.result] == root) return true;
    for (ValueId a : in.args)
      if (own_.root[a] == root) return true;
    return false;
  }

  const mir::Module& m_;
  mir::Function& f_;
  const std::vector<bool>& quiet_;
  const region::ValueOwnership own_;
};

}  // namespace

void reuse_dying_boxes(mir::Module& m) {
  const std::vector<bool> quiet = quiet_functions(m);
  for (mir::Function& f : m.functions) Reuser(m, f, quiet).run();
}

}  // namespace hako::rc
