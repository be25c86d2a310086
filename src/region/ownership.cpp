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

// Whether `in` yields a value no one owns: Void, an immortal literal, or a
// Handle that can hold no object (a boxed Bool is one of two immortal
// objects; a boxed Int constant that fits a small Int is not an object).
// `small_consts` holds the values defined by const_i within the small range.
bool is_literal(const mir::Function& f, const Inst& in, const std::vector<bool>& small_consts) {
  switch (in.op) {
    case Op::ConstS:
    case Op::ConstVoid: return true;
    case Op::Box: {
      ValueId a = in.args[0];
      Kind k = f.value_tags[a].kind;
      return k == Kind::Void || k == Kind::Bool || (k == Kind::Int && a < small_consts.size() && small_consts[a]);
    }
    case Op::ToStr: return f.value_tags[in.args[0]].kind == Kind::Void;
    default: return false;
  }
}

// Small Ints are (v << 1) | 1 in a Handle (reml_runtime.h): -2^62 <= v < 2^62.
bool fits_small_int(int64_t v) { return v >= -(int64_t{1} << 62) && v < (int64_t{1} << 62); }

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
  std::vector<bool> small_consts(n, false);
  for (const mir::Block& blk : f.blocks)
    for (const Inst& in : blk.insts)
      if (in.op == Op::ConstI && in.result < n && fits_small_int(in.imm)) small_consts[in.result] = true;

  std::vector<const Inst*> views;
  for (const mir::Block& blk : f.blocks) {
    for (const Inst& in : blk.insts) {
      if (in.result == mir::kNone || in.result >= n || !counted(in.tag.kind)) continue;
      if (is_literal(f, in, small_consts)) {
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
