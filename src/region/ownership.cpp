// classify_values: which SSA values own a reference, which borrow one, and
// which views share their root's reference, by the `ref` column of
// instructions.def; parameters are borrowed.
#include "region/region.h"

#include "reml_runtime.h"

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

// Small Ints live in the Handle itself (reml_runtime.h): boxing one makes no object.
bool fits_small_int(int64_t v) { return v >= REML_SMALL_INT_MIN && v <= REML_SMALL_INT_MAX; }

// How a result holds its reference, once the conditional cases of the
// `ref` column of instructions.def are decided by the operand.
enum class Holding : uint8_t { NoRef, Owned, Literal, View };

// `small_consts` holds the values defined by const_i within the small-Int range.
Holding holding_of(const mir::Function& f, const Inst& in, const std::vector<bool>& small_consts) {
  if (!counted(in.tag.kind)) return Holding::NoRef;
  auto operand_kind = [&] { return f.value_tags[in.args[0]].kind; };
  switch (mir::op_info(in.op).ref) {
    case mir::ResultRef::None: return Holding::NoRef;  // the verifier rejects a counted tag here
    case mir::ResultRef::New: return Holding::Owned;
    case mir::ResultRef::Literal: return Holding::Literal;
    case mir::ResultRef::View: return Holding::View;
    case mir::ResultRef::Boxed: {
      const Kind k = operand_kind();
      if (counted(k)) return Holding::View;
      const ValueId a = in.args[0];
      const bool small = k == Kind::Int && a < small_consts.size() && small_consts[a];
      return k == Kind::Void || k == Kind::Bool || small ? Holding::Literal : Holding::Owned;
    }
    case mir::ResultRef::Printed: {
      const Kind k = operand_kind();
      if (k == Kind::String) return Holding::View;
      return k == Kind::Void ? Holding::Literal : Holding::Owned;
    }
  }
  return Holding::Owned;
}

// Whether the owned result of `in` is a weak reference: a WeakRef, or a
// Handle read from a weak field (which holds a WeakRef or Void).
bool holds_weak_ref(const Inst& in, const std::vector<mir::BoxType>* boxes) {
  if (in.tag.kind == Kind::Weak) return true;
  if (in.op != Op::GetField || boxes == nullptr || in.ref >= boxes->size()) return false;
  const std::vector<mir::Field>& fields = (*boxes)[in.ref].fields;
  return in.imm >= 0 && static_cast<size_t>(in.imm) < fields.size() && fields[in.imm].is_weak;
}

}  // namespace

ValueOwnership classify_values(const mir::Function& f, const std::vector<mir::BoxType>* boxes) {
  const uint32_t n = f.value_count();
  ValueOwnership out;
  out.kind.assign(n, RefSlotKind::NonRef);
  out.root.resize(n);
  out.of_field.assign(n, false);
  for (ValueId v{0}; v < n; ++v) out.root[v] = v;
  for (ValueId p{0}; p < f.params.size() && p < n; ++p)
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
      switch (holding_of(f, in, small_consts)) {
        case Holding::NoRef: break;
        case Holding::Owned:
          out.kind[in.result] = holds_weak_ref(in, boxes) ? RefSlotKind::WeakRoot : RefSlotKind::StrongRoot;
          break;
        case Holding::Literal: out.kind[in.result] = RefSlotKind::Borrowed; break;
        case Holding::View:
          out.kind[in.result] = RefSlotKind::Borrowed;
          views.push_back(&in);
          break;
      }
    }
  }
  // Chains of views (copy of a box of an unbox ...) settle in a few rounds.
  for (bool changed = true; changed;) {
    changed = false;
    for (const Inst* in : views) {
      ValueId src = in->args[0];
      ValueId r = src < n ? out.root[src] : src;
      bool of_field = in->op == Op::BorrowField || (src < n && out.of_field[src]);
      if (out.root[in->result] != r || out.of_field[in->result] != of_field) {
        out.root[in->result] = r;
        out.of_field[in->result] = of_field;
        changed = true;
      }
    }
  }
  return out;
}

}  // namespace hako::region
