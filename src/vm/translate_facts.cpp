#include "vm/translate_facts.h"

#include <algorithm>
#include <bit>

#include "mir/operands.h"
#include "vm/compare_codes.h"

namespace hako::vm {

using mir::BlockId;
using mir::Inst;
using mir::Kind;
using mir::kNone;
using mir::Op;
using mir::ValueId;

void malformed(const std::string& where, const char* what) {
  reml_internal_error("malformed MIR in %s: %s", where.c_str(), what);
}

namespace {

// Whether the instruction's argument and target counts fit its operand letters.
bool shape_ok(const Inst& in) { return mir::operand_shape(in.op).fits(in.args.size(), in.targets.size()); }

}  // namespace

FunctionFacts::FunctionFacts(const mir::Module& m, Program& p, const TranslateOptions& o, const mir::Function& f)
    : m_(m), p_(p), opt_(o), f_(f) {
  scan();
  conds.resize(f_.blocks.size());
  for (BlockId b{0}; b < f_.blocks.size(); ++b) {
    for (const Inst& in : f_.blocks[b].insts) {
      if (in.op != Op::CondBr) continue;
      conds[b] = resolve_cond(b, in.args[0]);
      break;
    }
  }
  preds = mir::predecessors(f_);
  if (opt_.coalesce) {
    for (BlockId h{0}; h < f_.blocks.size(); ++h) coalesce(h);
    alias_boxes();
  }
}

// `box` of an object pointer is the same 64 bits: its result shares the
// pointer's register instead of being a Mov. Safe because a register changes
// only where its value is defined, or on an edge into a phi's block; a box
// of a phi is recomputed each time that block runs, so both agree wherever
// the result is live.
void FunctionFacts::alias_boxes() {
  for (const mir::Block& b : f_.blocks)
    for (const Inst& in : b.insts) {
      if (in.op != Op::Box || in.result == kNone || konst[in.result] || reg_of[in.result] != in.result) continue;
      const ValueId src = in.args[0];
      if (konst[src] || !mir::object_type_tag(f_.value_tags[src])) continue;
      reg_of[in.result] = reg_of[src];
    }
}

// Validates references and records uses, definitions and constants.
void FunctionFacts::scan() {
  const uint32_t n = f_.value_count();
  if (f_.params.size() > n) malformed(f_.name, "more parameters than values");
  if (f_.blocks.empty()) malformed(f_.name, "function without blocks");
  tmp = n;
  sink = n + 1;
  uses.assign(n, 0);
  konst.assign(n, std::nullopt);
  def.assign(n, nullptr);
  def_block.assign(n, mir::kNoBlock);
  absorbed.assign(n, false);
  reg_of.resize(n);
  for (ValueId v{0}; v < n; ++v) reg_of[v] = v;
  std::vector<bool> defined(n, false);
  for (size_t i = 0; i < f_.params.size(); ++i) defined[i] = true;
  for (BlockId b{0}; b < f_.blocks.size(); ++b) {
    for (const Inst& in : f_.blocks[b].insts) {
      if (static_cast<uint32_t>(in.op) >= mir::op_count()) malformed(f_.name, "unknown opcode");
      if (!shape_ok(in)) malformed(f_.name, "operand count does not match the opcode");
      for (BlockId t : in.targets)
        if (t >= f_.blocks.size()) malformed(f_.name, "branch to a missing block");
      for (ValueId a : in.args) {
        if (a >= n) malformed(f_.name, "operand is not a value of the function");
        ++uses[a];
      }
      if (in.result == kNone) continue;
      if (in.result >= n) malformed(f_.name, "result is not a value of the function");
      defined[in.result] = true;
      def[in.result] = &in;
      def_block[in.result] = b;
      konst[in.result] = constant_bits(in);
    }
  }
  for (ValueId v{0}; v < n; ++v)
    if (uses[v] > 0 && !defined[v]) malformed(f_.name, "value used but never defined");
}

// The bits of a constant instruction's value, or nullopt.
std::optional<uint64_t> FunctionFacts::constant_bits(const Inst& in) {
  switch (in.op) {
    case Op::ConstI: return static_cast<uint64_t>(in.imm);
    case Op::ConstB: return in.imm != 0 ? 1u : 0u;
    case Op::ConstF: return std::bit_cast<uint64_t>(in.fimm);
    case Op::ConstVoid: return 0u;
    case Op::ConstS: {
      if (in.ref >= m_.strings.size()) malformed(f_.name, "string index out of range");
      reml_string_t*& s = p_.strings[in.ref];
      if (s == nullptr) {
        const std::string& text = m_.strings[in.ref];
        s = reml_str_new_immortal(text.data(), static_cast<int64_t>(text.size()));
      }
      return reinterpret_cast<uint64_t>(s);
    }
    case Op::Box: {
      // Boxing a constant that needs no allocation gives a constant handle.
      const ValueId a = in.args[0];
      if (!konst[a]) return std::nullopt;
      const auto bits = *konst[a];
      switch (f_.value_tags[a].kind) {
        case Kind::Int: {
          const auto v = static_cast<int64_t>(bits);
          if (v < REML_SMALL_INT_MIN || v > REML_SMALL_INT_MAX) return std::nullopt;
          return reml_box_i64(v);
        }
        case Kind::Bool: return reml_box_bool(static_cast<int64_t>(bits));
        case Kind::String: case Kind::Void: return bits;  // immortal literal / null
        default: return std::nullopt;
      }
    }
    default: return std::nullopt;
  }
}

// Looks through single-use not_b and compares defined in the branch's own
// block; those get absorbed into the jump (SSA operands stay valid there).
Cond FunctionFacts::resolve_cond(BlockId b, ValueId v) {
  Cond c;
  c.reg = v;
  if (!opt_.fuse_branches) return c;
  for (;;) {
    const Inst* d = def[v];
    if (d == nullptr || def_block[v] != b || uses[v] != 1) return c;
    if (d->op == Op::NotB) {
      absorbed[v] = true;
      c.negate = !c.negate;
      v = d->args[0];
      c.reg = v;
      continue;
    }
    if (compare_of(d->op)) {
      absorbed[v] = true;
      c.cmp = d;
    }
    return c;
  }
}

bool FunctionFacts::forwarder(BlockId b) const {
  const auto& insts = f_.blocks[b].insts;
  return insts.size() == 1 && insts[0].op == Op::Br;
}

// Whether control leaving `from` can only reach the end of `to` through
// `br`s into single-predecessor forwarders (`from` == `to` included).
bool FunctionFacts::only_path(BlockId from, BlockId to) const {
  BlockId cur = from;
  for (int step = 0; step < 16; ++step) {
    const auto& insts = f_.blocks[cur].insts;
    if (insts.empty() || insts.back().op != Op::Br) return false;
    if (cur == to) return true;
    const BlockId next = insts.back().targets[0];
    if (!forwarder(next) || preds[next].size() != 1) return false;
    cur = next;
  }
  return false;
}

// For a phi p of `h` taking v on the edge from L, where v is computed in B
// and B reaches L's `br h` only through forwarders: compute v directly into
// p's register when nothing needs p's old value after v's definition (later
// instructions of B, or other phis on this edge) and nothing but p and later
// instructions of B read v (B only leads to h, so every such read happens
// before the edge's moves, while p's register still holds v). Saves the edge
// move, e.g. for `i = i + 1` in a loop, or `x = f(x)` with x used again.
void FunctionFacts::coalesce(BlockId h) {
  std::vector<BlockId> pred_list;
  for (const Inst& in : f_.blocks[h].insts)
    if (in.op == Op::Phi)
      for (BlockId t : in.targets)
        if (std::find(pred_list.begin(), pred_list.end(), t) == pred_list.end()) pred_list.push_back(t);
  for (BlockId l : pred_list) {
    std::vector<std::pair<ValueId, ValueId>> edge;  // (phi, incoming from l)
    for (const Inst& in : f_.blocks[h].insts) {
      if (in.op != Op::Phi || in.result == kNone) continue;
      for (size_t k = 0; k < in.targets.size(); ++k) {
        if (in.targets[k] != l) continue;
        edge.emplace_back(in.result, in.args[k]);
        break;
      }
    }
    for (const auto& [p, v] : edge) {
      if (v == p || konst[v] || def[v] == nullptr || def[v]->op == Op::Phi || reg_of[v] != v ||
          !only_path(def_block[v], l))
        continue;
      bool p_needed = false;
      for (const auto& [q, w] : edge) p_needed = p_needed || (q != p && w == p);
      bool after_def = false;
      uint32_t later_uses = 0;  // reads of v after its definition in B: they read p's register, still v
      for (const Inst& in : f_.blocks[def_block[v]].insts) {
        if (after_def)
          for (ValueId a : in.args) {
            p_needed = p_needed || a == p;
            later_uses += a == v ? 1 : 0;
          }
        after_def = after_def || &in == def[v];
      }
      // Any other use (another phi's input on this edge) keeps v's own register.
      if (!p_needed && uses[v] == 1 + later_uses) reg_of[v] = p;
    }
  }
}

}  // namespace hako::vm
