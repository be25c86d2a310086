// classify_values: which SSA values own a reference, which borrow one, and
// which views share their root's reference. The rules follow what the back
// ends do for each instruction: runtime results and fresh objects are owned
// (+1); moves of the same bits (copy, box of an object, unbox to an object,
// to_str of a String) are views; parameters and literals are borrowed.
#include "region/region.h"

namespace hako::region {

using mir::Inst;
using mir::Kind;
using mir::Op;
using mir::ValueId;

const char* ref_slot_kind_name(RefSlotKind k) {
  switch (k) {
    case RefSlotKind::StrongRoot: return "StrongRoot";
    case RefSlotKind::WeakRoot: return "WeakRoot";
    case RefSlotKind::Borrowed: return "Borrowed";
    case RefSlotKind::NonRef: return "NonRef";
  }
  return "?";
}

namespace {

bool counted(Kind k) { return mir::is_object_kind(k) || k == Kind::Handle; }

// Whether `in` yields the same object as its first operand without a new reference.
bool is_view(const mir::Function& f, const Inst& in) {
  switch (in.op) {
    case Op::Copy: return true;
    case Op::Box: return counted(f.value_tags[in.args[0]].kind);
    case Op::Unbox: return counted(in.tag.kind);
    case Op::ToStr: return f.value_tags[in.args[0]].kind == Kind::String;
    default: return false;
  }
}

// Whether `in` yields a value no one owns: Void, or an immortal literal.
bool is_literal(const mir::Function& f, const Inst& in) {
  switch (in.op) {
    case Op::ConstS:
    case Op::ConstVoid: return true;
    case Op::Box: return f.value_tags[in.args[0]].kind == Kind::Void;
    case Op::ToStr: return f.value_tags[in.args[0]].kind == Kind::Void;
    default: return false;
  }
}

}  // namespace

ValueOwnership classify_values(const mir::Function& f) {
  const uint32_t n = f.value_count();
  ValueOwnership out;
  out.kind.assign(n, RefSlotKind::NonRef);
  out.root.resize(n);
  for (ValueId v = 0; v < n; ++v) out.root[v] = v;
  for (ValueId p = 0; p < f.params.size() && p < n; ++p)
    if (counted(f.params[p].kind)) out.kind[p] = RefSlotKind::Borrowed;

  // Views refer to values defined earlier in dominance order, so resolving
  // roots needs the definitions first; a worklist over views does it in any
  // block order.
  std::vector<const Inst*> views;
  for (const mir::Block& blk : f.blocks) {
    for (const Inst& in : blk.insts) {
      if (in.result == mir::kNone || in.result >= n || !counted(in.tag.kind)) continue;
      if (is_literal(f, in)) {
        out.kind[in.result] = RefSlotKind::Borrowed;
      } else if (is_view(f, in)) {
        out.kind[in.result] = RefSlotKind::Borrowed;
        views.push_back(&in);
      } else {
        out.kind[in.result] = RefSlotKind::StrongRoot;
      }
    }
  }
  // Chains of views (copy of a box of an unbox ...) settle in a few rounds.
  for (bool changed = true; changed;) {
    changed = false;
    for (const Inst* in : views) {
      ValueId src = in->args[0];
      ValueId r = src < n ? out.root[src] : src;
      if (out.root[in->result] != r) {
        out.root[in->result] = r;
        changed = true;
      }
    }
  }
  return out;
}

}  // namespace hako::region
