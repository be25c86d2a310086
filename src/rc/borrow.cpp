// A field value may be borrowed when, from the read to the last use of the
// value (and of views of it), all in one block:
//  - nothing stores into that field: no set_field of the same box type and
//    index, no set_field_h of the same name;
//  - no user code runs that may store into it: no call_c (its callbacks
//    are not followed), no call or call_method of a function that may
//    (directly or through its own calls), and, when some box defines
//    toString(), no call at all and none of the instructions through which
//    the runtime calls it (to_str, add_h and call_rt); releasing never runs
//    user code (docs/language.md).
// The field then keeps its reference for the whole range, and the instance
// holding the field outlives the value because the value counts as a view of
// it. Weak fields are read as weak references and are never borrowed.
#include "rc/borrow.h"

#include "mir/field_owners.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace hako::rc {

using mir::BlockId;
using mir::Inst;
using mir::Op;
using mir::ValueId;

namespace {

// Where a value is used: its block and index there, or a use that rules the
// value out (a phi, another block).
struct Use {
  BlockId block;
  size_t index;
  bool is_phi;
};

// Whether the result of `in` is the same reference as one of its operands
// (a view, in the region layer's terms), so that its uses are uses of it.
bool may_be_view(const Inst& in) {
  switch (mir::op_info(in.op).ref) {
    case mir::ResultRef::View:
    case mir::ResultRef::Boxed:
    case mir::ResultRef::Printed: return true;
    case mir::ResultRef::None:
    case mir::ResultRef::New:
    case mir::ResultRef::Literal: return false;
  }
  return true;
}

// The fields a function may store into, itself or through the functions it
// calls: by box type and index (set_field) and by name (set_field_h).
struct Stores {
  std::set<std::pair<uint32_t, int64_t>> fields;
  std::set<std::string> names;
  bool unknown = false;  // calls C, whose callbacks are not followed

  bool merge(const Stores& o) {
    size_t before = fields.size() + names.size();
    bool was = unknown;
    fields.insert(o.fields.begin(), o.fields.end());
    names.insert(o.names.begin(), o.names.end());
    unknown = unknown || o.unknown;
    return fields.size() + names.size() != before || unknown != was;
  }
  bool may_store(const Inst& read, const std::string& name) const {
    return unknown || fields.count({read.ref, read.imm}) > 0 || names.count(name) > 0;
  }
};

// The user methods a call_method may run: the first box method of that
// name and arity in each box (built-in methods store into no user box).
std::vector<mir::MethodOwner> method_targets(const mir::Module& m, const Inst& call) {
  return mir::method_owners(m, m.strings.at(call.ref), static_cast<uint32_t>(call.args.size() - 1));
}

// Stores of every function, to a fixed point over calls.
std::vector<Stores> function_stores(const mir::Module& m) {
  std::vector<Stores> out(m.functions.size());
  std::vector<std::vector<mir::FuncId>> callees(m.functions.size());
  for (size_t f = 0; f < m.functions.size(); ++f)
    for (const mir::Block& blk : m.functions[f].blocks)
      for (const Inst& in : blk.insts) {
        if (in.op == Op::SetField) out[f].fields.insert({in.ref, in.imm});
        else if (in.op == Op::SetFieldH) out[f].names.insert(m.strings.at(in.ref));
        else if (in.op == Op::CallC) out[f].unknown = true;
        else if (in.op == Op::Call) callees[f].push_back(in.func());
        else if (in.op == Op::CallMethod)
          for (const mir::MethodOwner& t : method_targets(m, in)) callees[f].push_back(t.func);
      }
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t f = 0; f < m.functions.size(); ++f)
      for (mir::FuncId c : callees[f])
        if (c != f) changed = out[f].merge(out[c]) || changed;
  }
  return out;
}

class Borrower {
 public:
  Borrower(const mir::Module& m, mir::Function& f, const std::vector<Stores>& stores)
      : m_(m), f_(f), stores_(stores), hooks_(!mir::method_owners(m, "toString", 0).empty()) {
    uses_.resize(f.value_count());
    for (BlockId b{0}; b < f.blocks.size(); ++b)
      for (size_t i = 0; i < f.blocks[b].insts.size(); ++i) {
        const Inst& in = f.blocks[b].insts[i];
        for (ValueId a : in.args)
          if (a < uses_.size()) uses_[a].push_back(Use{b, i, in.op == Op::Phi});
      }
  }

  void run() {
    for (BlockId b{0}; b < f_.blocks.size(); ++b)
      for (size_t i = 0; i < f_.blocks[b].insts.size(); ++i) {
        Inst& in = f_.blocks[b].insts[i];
        if (in.op == Op::GetField && qualifies(b, i)) in.op = Op::BorrowField;
      }
  }

 private:
  bool qualifies(BlockId b, size_t def) const {
    const Inst& read = f_.blocks[b].insts[def];
    const mir::BoxType& box = m_.boxes.at(read.ref);
    const mir::Field& field = box.fields.at(static_cast<size_t>(read.imm));
    if (field.is_weak) return false;
    // The last use of the value and of its views, all in block b.
    size_t last = def;
    std::vector<ValueId> work{read.result};
    while (!work.empty()) {
      ValueId v = work.back();
      work.pop_back();
      for (const Use& u : uses_[v]) {
        if (u.is_phi || u.block != b || u.index <= def) return false;
        last = std::max(last, u.index);
        const Inst& user = f_.blocks[b].insts[u.index];
        if (user.result != mir::kNoValue && may_be_view(user)) work.push_back(user.result);
      }
    }
    for (size_t j = def + 1; j <= last; ++j)
      if (may_replace(f_.blocks[b].insts[j], read, field)) return false;
    return true;
  }

  // Whether `in` may store into the field `read` reads, or run user code
  // that may. An instruction with an effect not listed here counts as one.
  bool may_replace(const Inst& in, const Inst& read, const mir::Field& field) const {
    if ((mir::op_info(in.op).flags & mir::EFFECT) == 0) return (in.op == Op::ToStr || in.op == Op::AddH) && hooks_;
    switch (in.op) {
      case Op::SetField: return in.ref == read.ref && in.imm == read.imm;
      case Op::SetFieldH: return m_.strings.at(in.ref) == field.name;
      case Op::CallRt: return hooks_;
      case Op::Call: return hooks_ || stores_.at(in.func()).may_store(read, field.name);
      case Op::CallMethod: {
        if (hooks_) return true;
        for (const mir::MethodOwner& t : method_targets(m_, in))
          if (stores_.at(t.func).may_store(read, field.name)) return true;
        return false;
      }
      case Op::SetGlobal:
      case Op::NewBox:
      case Op::NewArray:
      case Op::NewMap:
      case Op::NewConsole:
      case Op::Keep:
      case Op::Retain:
      case Op::Release:
      case Op::WeakRetain:
      case Op::WeakDrop: return false;
      default: return true;
    }
  }

  const mir::Module& m_;
  mir::Function& f_;
  const std::vector<Stores>& stores_;
  const bool hooks_;  // some box defines toString(), which the runtime may call
  std::vector<std::vector<Use>> uses_;
};

}  // namespace

void borrow_field_reads(mir::Module& m) {
  const std::vector<Stores> stores = function_stores(m);
  for (mir::Function& f : m.functions) Borrower(m, f, stores).run();
}

}  // namespace hako::rc
