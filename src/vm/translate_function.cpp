// The emitter: one MIR function's blocks, terminators and instructions as
// bytecode, using the facts gathered by FunctionFacts.
#include "vm/translate_function.h"

#include <cstring>

#include "vm/compare_codes.h"
#include "vm/dyn_paths.h"
#include "vm/ffi_call.h"
#include "vm/ffi_callback.h"
#include "vm/parallel_copy.h"
#include "vm/rt_table.h"
#include "vm/translate_facts.h"

namespace hako::vm {

namespace {

using mir::BlockId;
using mir::Inst;
using mir::Kind;
using mir::kNone;
using mir::Op;
using mir::ValueId;

constexpr OpCode kIntSet[] = {OpCode::EqI, OpCode::NeI, OpCode::LtI, OpCode::LeI, OpCode::GtI, OpCode::GeI};
constexpr OpCode kIntSetImm[] = {OpCode::EqIImm, OpCode::NeIImm, OpCode::LtIImm,
                                 OpCode::LeIImm, OpCode::GtIImm, OpCode::GeIImm};
constexpr OpCode kIntJump[] = {OpCode::JEqI, OpCode::JNeI, OpCode::JLtI, OpCode::JLeI, OpCode::JGtI, OpCode::JGeI};
constexpr OpCode kIntJumpImm[] = {OpCode::JEqIImm, OpCode::JNeIImm, OpCode::JLtIImm,
                                  OpCode::JLeIImm, OpCode::JGtIImm, OpCode::JGeIImm};
constexpr OpCode kFloatJump[] = {OpCode::JEqF, OpCode::JNeF, OpCode::JLtF, OpCode::JLeF, OpCode::JGtF, OpCode::JGeF};
// !(a op b) for Floats: NaN makes `<` and `>=` not each other's negation.
constexpr OpCode kFloatJumpNot[] = {OpCode::JNeF, OpCode::JEqF, OpCode::JNLtF,
                                    OpCode::JNLeF, OpCode::JNGtF, OpCode::JNGeF};

// A jump destination: a block, or the stub that holds one edge's moves.
struct Target {
  bool stub = false;
  uint32_t index = 0;
};

// A jump whose offset is known once every block and stub has its place.
struct Fixup {
  size_t at;
  Target target;
};

// The moves of a critical edge, emitted after the function's blocks.
struct Stub {
  BlockId from, to;
};

class FunctionTranslator {
 public:
  FunctionTranslator(const mir::Module& m, Program& p, const TranslateOptions& o, mir::FuncId id)
      : m_(m), p_(p), opt_(o), f_(m.functions[id]), out_(p.funcs[id]), facts_(m, p, o, f_) {
    need_.assign(f_.value_count(), false);
  }

  void run() {
    for (BlockId b{0}; b < f_.blocks.size(); ++b) emit_block(b);
    for (uint32_t s = 0; s < stubs_.size(); ++s) {
      stub_start_.push_back(body_.size());
      emit_moves(stubs_[s].from, stubs_[s].to);
      jump(OpCode::Jmp, Target{false, stubs_[s].to});
    }
    resolve_fixups();
    assemble();
  }

 private:
  // --- emission helpers -----------------------------------------------------------

  Code& emit(OpCode op, uint32_t a = 0, uint32_t b = 0, uint32_t c = 0, uint32_t d = 0) {
    Code code{};
    code.op = reinterpret_cast<const void*>(static_cast<uintptr_t>(op));
    code.a = a;
    code.b = b;
    code.c = c;
    code.d = d;
    body_.push_back(code);
    body_ops_.push_back(op);
    return body_.back();
  }

  void jump(OpCode op, Target t, uint32_t a = 0, uint32_t b = 0) {
    emit(op, a, b);
    fixups_.push_back(Fixup{body_.size() - 1, t});
  }

  // The register of `v` as an instruction operand; constants get loaded.
  uint32_t reg(ValueId v) {
    if (facts_.konst[v]) need_[v] = true;
    return facts_.reg_of[v];
  }

  // The constant `v` as an immediate, when immediates are on.
  std::optional<int64_t> imm(ValueId v) const {
    if (!opt_.immediates || !facts_.konst[v]) return std::nullopt;
    return static_cast<int64_t>(*facts_.konst[v]);
  }

  uint32_t dst(const Inst& in) const { return in.result != kNone ? facts_.reg_of[in.result] : facts_.sink; }

  uint32_t loc(const Inst& in) {
    p_.locs.push_back(reml_loc_t{p_.source_name(in.loc.file), in.loc.line, in.loc.col});
    return static_cast<uint32_t>(p_.locs.size() - 1);
  }

  uint32_t frame_offset() const { return out_.frame_size + kFrameHeader; }

  mir::Tag tag_of(ValueId v) const { return f_.value_tags[v]; }

  // --- blocks and terminators -------------------------------------------------------

  void emit_block(BlockId b) {
    cur_block_ = b;
    block_start_.push_back(body_.size());
    const auto& insts = f_.blocks[b].insts;
    for (size_t k = 0; k < insts.size(); ++k) {
      const Inst& in = insts[k];
      if (mir::op_info(in.op).flags & mir::TERM) {
        terminator(b, in);
        return;
      }
      if (in.op == Op::Phi) continue;
      if (size_t n = fused_map_update(insts, k)) {
        k += n - 1;
        continue;
      }
      instruction(in);
    }
    emit(OpCode::Unreachable);  // a block without terminator: never fall into the next
  }

  // Whether entering `b` moves values into phis (any edge into it does).
  bool has_live_phis(BlockId b) const {
    for (const Inst& in : f_.blocks[b].insts)
      if (in.op == Op::Phi && in.result != kNone && facts_.uses[in.result] > 0) return true;
    return false;
  }

  // The parallel copy of edge from -> to: each live phi of `to` takes its
  // incoming value for `from`; registers first, then constants.
  void emit_moves(BlockId from, BlockId to) {
    std::vector<Move> regs;
    std::vector<std::pair<uint32_t, uint64_t>> consts;
    for (const Inst& in : f_.blocks[to].insts) {
      if (in.op != Op::Phi || in.result == kNone || facts_.uses[in.result] == 0) continue;
      size_t k = 0;
      while (k < in.targets.size() && in.targets[k] != from) ++k;
      if (k == in.targets.size()) malformed(f_.name, "phi without a value for a predecessor");
      ValueId src = in.args[k];
      if (facts_.konst[src]) {
        consts.emplace_back(in.result, *facts_.konst[src]);
      } else {
        regs.push_back(Move{in.result, facts_.reg_of[src]});
      }
    }
    for (const Move& mv : sequentialize(std::move(regs), facts_.tmp)) emit(OpCode::Mov, mv.dst, mv.src);
    for (const auto& [d, bits] : consts) emit(OpCode::LoadImm, d).x.u = bits;
  }

  Target edge_target(BlockId from, BlockId to) {
    if (!has_live_phis(to)) return Target{false, to};
    stubs_.push_back(Stub{from, to});
    return Target{true, static_cast<uint32_t>(stubs_.size() - 1)};
  }

  void terminator(BlockId b, const Inst& in) {
    const BlockId next{b + 1};
    switch (in.op) {
      case Op::Br: {
        BlockId t = in.targets[0];
        emit_moves(b, t);
        // Take empty forwarding blocks' edges here (their moves included).
        for (int step = 0; opt_.thread_jumps && t != next && facts_.forwarder(t) && step < 16; ++step) {
          const BlockId after = f_.blocks[t].insts[0].targets[0];
          emit_moves(t, after);
          t = after;
        }
        if (t == next) return;
        if (const Inst* branch = branch_only(t)) {
          cond_br(t, *branch, next);  // t's own branch, taken here without jumping to t first
        } else {
          jump(OpCode::Jmp, Target{false, t});
        }
        return;
      }
      case Op::CondBr:
        cond_br(b, in, next);
        return;
      case Op::Ret: {
        if (in.args.empty()) {
          emit(OpCode::RetVoid);
        } else if (facts_.konst[in.args[0]]) {
          emit(OpCode::RetImm).x.u = *facts_.konst[in.args[0]];
        } else {
          emit(OpCode::Ret, reg(in.args[0]));
        }
        return;
      }
      default:
        emit(OpCode::Unreachable);
        return;
    }
  }

  // The branch of block `owner` (its condition and edges) emitted where
  // `next` follows in the layout.
  void cond_br(BlockId owner, const Inst& in, BlockId next) {
    BlockId t = in.targets[0], e = in.targets[1];
    if (t == e) {
      emit_moves(owner, t);
      if (t != next) jump(OpCode::Jmp, Target{false, t});
      return;
    }
    const Cond& c = facts_.conds[owner];
    const bool t_direct = !has_live_phis(t), e_direct = !has_live_phis(e);
    if (e_direct && e == next) {
      jump_if(c, false, edge_target(owner, t));
    } else if (t_direct && t == next) {
      jump_if(c, true, edge_target(owner, e));
    } else {
      jump_if(c, false, edge_target(owner, t));
      jump(OpCode::Jmp, edge_target(owner, e));
    }
  }

  // The cond_br of block `b` when that is all the code b emits (phis,
  // constants and absorbed compares emit nothing), else null. Its condition
  // reads only b's phis, values defined before b and constants, so it can be
  // evaluated at the end of a predecessor, after that edge's moves.
  const Inst* branch_only(BlockId b) const {
    if (!opt_.thread_jumps) return nullptr;
    const auto& insts = f_.blocks[b].insts;
    if (insts.empty() || insts.back().op != Op::CondBr) return nullptr;
    for (size_t k = 0; k + 1 < insts.size(); ++k) {
      const Inst& in = insts[k];
      if (in.op == Op::Phi) continue;
      if (in.result == kNone || !(facts_.absorbed[in.result] || facts_.konst[in.result])) return nullptr;
    }
    return &insts.back();
  }

  // Jumps to `t` when the condition holds (or fails, with `negate`).
  void jump_if(const Cond& c, bool negate, Target t) {
    negate = negate != c.negate;
    if (c.cmp == nullptr) {
      if (facts_.konst[c.reg]) {  // a constant condition: the branch is decided now
        if ((*facts_.konst[c.reg] != 0) != negate) jump(OpCode::Jmp, t);
        return;
      }
      jump(negate ? OpCode::Jz : OpCode::Jnz, t, reg(c.reg));
      return;
    }
    auto [cc, is_float] = *compare_of(c.cmp->op);
    ValueId l = c.cmp->args[0], r = c.cmp->args[1];
    if (is_float) {
      jump(negate ? kFloatJumpNot[cc_index(cc)] : kFloatJump[cc_index(cc)], t, reg(l), reg(r));
      return;
    }
    if (negate) cc = negated(cc);
    if (auto k = imm(r); k && cc == CC::Lt && fuse_increment(reg(l))) {
      body_.back().x.i = *k;
      fixups_.push_back(Fixup{body_.size() - 1, t});
    } else if (auto k = imm(r)) {
      jump(kIntJumpImm[cc_index(cc)], t, reg(l));
      body_.back().x.i = *k;
    } else if (auto k = imm(l)) {
      jump(kIntJumpImm[cc_index(swapped(cc))], t, reg(r));
      body_.back().x.i = *k;
    } else {
      jump(kIntJump[cc_index(cc)], t, reg(l), reg(r));
    }
  }

  // Turns the instruction just emitted into IncJLtIImm when it is `r += k`
  // (k fitting 32 bits) and the jump about to follow, on r, would not start a
  // block (nothing jumps between the two). Like Lua's FORLOOP: a counting
  // loop's latch is one dispatch. The caller sets the bound and the target.
  bool fuse_increment(uint32_t r) {
    if (!opt_.fuse_branches || body_.empty() || body_ops_.back() != OpCode::AddIImm) return false;
    Code& add = body_.back();
    if (add.a != r || add.b != r || add.x.i < INT32_MIN || add.x.i > INT32_MAX) return false;
    if (!block_start_.empty() && block_start_.back() == body_.size() && !entered_by_fall_through_only(cur_block_))
      return false;
    add.c = static_cast<uint32_t>(static_cast<int32_t>(add.x.i));
    add.op = reinterpret_cast<const void*>(static_cast<uintptr_t>(OpCode::IncJLtIImm));
    body_ops_.back() = OpCode::IncJLtIImm;
    return true;
  }

  // Whether `b` is a forwarder reached only by falling through from the
  // block before it (so nothing jumps to its first instruction), as the
  // `continue` block after a loop body is.
  bool entered_by_fall_through_only(BlockId b) const {
    if (b == 0 || !facts_.forwarder(b) || facts_.preds[b].size() != 1 || facts_.preds[b][0] != BlockId{b - 1})
      return false;
    const auto& prev = f_.blocks[b - 1].insts;
    return !prev.empty() && prev.back().op == Op::Br && prev.back().targets[0] == b;
  }

  // --- instructions -------------------------------------------------------------------

  void binary(OpCode op, const Inst& in) { emit(op, dst(in), reg(in.args[0]), reg(in.args[1])); }
  void unary(OpCode op, const Inst& in) { emit(op, dst(in), reg(in.args[0])); }
  void binary_loc(OpCode op, const Inst& in) {
    emit(op, dst(in), reg(in.args[0]), reg(in.args[1]), loc(in));
  }
  void unary_loc(OpCode op, const Inst& in) { emit(op, dst(in), reg(in.args[0]), 0, loc(in)); }

  // add/mul: either operand may be the immediate.
  void commutative(OpCode rr, OpCode ri, const Inst& in) {
    ValueId l = in.args[0], r = in.args[1];
    if (auto k = imm(r)) {
      emit(ri, dst(in), reg(l)).x.i = *k;
    } else if (auto k = imm(l)) {
      emit(ri, dst(in), reg(r)).x.i = *k;
    } else {
      binary(rr, in);
    }
  }

  void int_compare(CC cc, const Inst& in) {
    ValueId l = in.args[0], r = in.args[1];
    if (auto k = imm(r)) {
      emit(kIntSetImm[cc_index(cc)], dst(in), reg(l)).x.i = *k;
    } else if (auto k = imm(l)) {
      emit(kIntSetImm[cc_index(swapped(cc))], dst(in), reg(r)).x.i = *k;
    } else {
      binary(kIntSet[cc_index(cc)], in);
    }
  }

  // div/mod: a constant divisor other than 0 and -1 cannot fail.
  void division(OpCode rr, OpCode ri, const Inst& in) {
    auto k = imm(in.args[1]);
    if (k && *k != 0 && *k != -1) {
      emit(ri, dst(in), reg(in.args[0])).x.i = *k;
    } else {
      binary_loc(rr, in);
    }
  }

  // A DYN_CALL operator of instructions.def: HUn or HBin with its function.
  void dynamic_call(const Inst& in) {
    const void* fn = dyn_call_fn(in.op);
    if (fn == nullptr) malformed(f_.name, "a dynamic operator without a runtime function");
    if (std::strlen(mir::op_info(in.op).operands) == 1) {
      unary_loc(OpCode::HUn, in);
    } else {
      binary_loc(OpCode::HBin, in);
    }
    body_.back().x.p = fn;
  }


  void to_str(const Inst& in) {
    switch (tag_of(in.args[0]).kind) {
      case Kind::Int: unary(OpCode::ToStrI, in); return;
      case Kind::Float: unary(OpCode::ToStrF, in); return;
      case Kind::Bool: unary(OpCode::ToStrB, in); return;
      case Kind::String: unary(OpCode::Mov, in); return;
      case Kind::Void: emit(OpCode::LoadImm, dst(in)).x.p = p_.null_text; return;
      case Kind::Ptr: unary(OpCode::ToStrPtr, in); return;
      default: unary_loc(OpCode::ToStrH, in); return;  // Handle, or an object pointer
    }
  }

  void box(const Inst& in) {
    switch (tag_of(in.args[0]).kind) {
      case Kind::Int: unary(OpCode::BoxI, in); return;
      case Kind::Float: unary(OpCode::BoxF, in); return;
      case Kind::Bool: unary(OpCode::BoxB, in); return;
      case Kind::Void: emit(OpCode::LoadImm, dst(in)).x.u = REML_VOID; return;
      case Kind::Ptr: unary(OpCode::BoxPtr, in); body_.back().x.p = p_.ptr_type(tag_of(in.args[0])); return;
      default:  // object pointers are their handles
        if (dst(in) != reg(in.args[0])) unary(OpCode::Mov, in);  // else FunctionFacts aliased them
        return;
    }
  }

  void unbox(const Inst& in) {
    switch (in.tag.kind) {
      case Kind::Int: unary_loc(OpCode::UnboxI, in); return;
      case Kind::Float: unary_loc(OpCode::UnboxF, in); return;
      case Kind::Bool: unary_loc(OpCode::UnboxB, in); return;
      case Kind::Handle: unary(OpCode::Mov, in); return;
      case Kind::Void: unary_loc(OpCode::UnboxVoid, in); return;
      case Kind::Ptr: unary_loc(OpCode::UnboxPtr, in); body_.back().x.p = p_.ptr_type(in.tag); return;
      case Kind::Box:
        if (in.tag.box >= m_.boxes.size()) malformed(f_.name, "unbox to an unknown box");
        [[fallthrough]];
      default:
        if (!mir::object_type_tag(in.tag)) malformed(f_.name, "unbox to a kind without a type tag");
        unary_loc(OpCode::UnboxObj, in);
        body_.back().c = *mir::object_type_tag(in.tag);
        return;
    }
  }

  void truthy(const Inst& in) {
    switch (tag_of(in.args[0]).kind) {
      case Kind::Int: emit(OpCode::NeIImm, dst(in), reg(in.args[0])).x.i = 0; return;
      case Kind::Float: unary(OpCode::TruthyF, in); return;
      case Kind::Bool: unary(OpCode::Mov, in); return;
      case Kind::String: unary(OpCode::TruthyS, in); return;
      case Kind::Ptr: malformed(f_.name, "truthy of a C pointer (compare it with null)");
      default: unary_loc(OpCode::TruthyH, in); return;  // the runtime names the kind
    }
  }

  void call(const Inst& in) {
    if (in.ref >= m_.functions.size()) malformed(f_.name, "call of a missing function");
    const FuncCode& callee = p_.funcs[in.ref];
    if (in.args.size() != callee.params.size()) malformed(f_.name, "call with the wrong number of arguments");
    Code* c;
    if (in.args.size() == 1) {
      c = &emit(OpCode::Call1, dst(in), reg(in.args[0]), frame_offset(), loc(in));
    } else {
      uint32_t at = static_cast<uint32_t>(p_.pool.size());
      p_.pool.push_back(static_cast<uint32_t>(in.args.size()));
      for (ValueId a : in.args) p_.pool.push_back(reg(a));
      c = &emit(OpCode::Call, dst(in), at, frame_offset(), loc(in));
    }
    c->x.p = &callee;
  }

  void call_method(const Inst& in) {
    if (in.ref >= m_.strings.size()) malformed(f_.name, "method name index out of range");
    auto site = std::make_unique<MethodSite>();
    site->name_key = p_.canonical[in.ref];
    site->name = p_.pool_cstr[in.ref];
    site->builtin = reml_builtin_method_id(site->name);
    site->recv = reg(in.args[0]);
    for (size_t k = 1; k < in.args.size(); ++k) {
      site->args.push_back(reg(in.args[k]));
      site->arg_tags.push_back(tag_of(in.args[k]));
    }
    emit(OpCode::CallMethod, dst(in), 0, frame_offset(), loc(in)).x.p = site.get();
    p_.sites.push_back(std::move(site));
  }

  void call_rt(const Inst& in) {
    if (in.ref >= mir::rt_count()) malformed(f_.name, "call_rt of an unknown runtime function");
    const auto fn = static_cast<mir::RtFn>(in.ref);
    if (in.args.size() != std::strlen(mir::rt_info(fn).params))
      malformed(f_.name, "call_rt with the wrong number of arguments");
    if (opt_.collection_ops && collection_op(fn, in)) return;
    uint32_t at = static_cast<uint32_t>(p_.pool.size());
    for (ValueId a : in.args) p_.pool.push_back(reg(a));
    emit(OpCode::CallRt, dst(in), 0, at, loc(in)).x.p = reinterpret_cast<const void*>(rt_thunk(fn));
  }

  // The ArrayBox and MapBox entry points with an opcode of their own
  // (ops.def): b the receiver, c the index or key, a the result or the
  // stored value. False for every other runtime function.
  bool collection_op(mir::RtFn fn, const Inst& in) {
    const auto& x = in.args;
    switch (fn) {
      case mir::RtFn::ArrayGet: emit(OpCode::ArrGet, dst(in), reg(x[0]), reg(x[1])); return true;
      case mir::RtFn::ArraySet: emit(OpCode::ArrSet, reg(x[2]), reg(x[0]), reg(x[1]), loc(in)); return true;
      case mir::RtFn::ArraySetI: emit(OpCode::ArrSetI, reg(x[2]), reg(x[0]), reg(x[1]), loc(in)); return true;
      case mir::RtFn::ArrayLen: emit(OpCode::ArrLen, dst(in), reg(x[0])); return true;
      case mir::RtFn::ArrayPush: emit(OpCode::ArrPush, 0, reg(x[0]), reg(x[1])); return true;
      case mir::RtFn::ArrayPushI: emit(OpCode::ArrPushI, 0, reg(x[0]), reg(x[1])); return true;
      case mir::RtFn::MapGetH: emit(OpCode::MapGetI, dst(in), reg(x[0]), reg(x[1])); return true;
      case mir::RtFn::MapGetHH: emit(OpCode::MapGetH, dst(in), reg(x[0]), reg(x[1])); return true;
      case mir::RtFn::MapSetH: emit(OpCode::MapSetII, reg(x[2]), reg(x[0]), reg(x[1])); return true;
      case mir::RtFn::MapSetHA: emit(OpCode::MapSetIH, reg(x[2]), reg(x[0]), reg(x[1])); return true;
      case mir::RtFn::MapSetAH: emit(OpCode::MapSetHI, reg(x[2]), reg(x[0]), reg(x[1])); return true;
      case mir::RtFn::MapSetHH: emit(OpCode::MapSetHH, reg(x[2]), reg(x[0]), reg(x[1])); return true;
      case mir::RtFn::MapHas: emit(OpCode::MapHas, dst(in), reg(x[0]), reg(x[1]), loc(in)); return true;
      case mir::RtFn::MapSize: emit(OpCode::MapSize, dst(in), reg(x[0])); return true;
      case mir::RtFn::MapHasH: emit(OpCode::MapHasI, dst(in), reg(x[0]), reg(x[1])); return true;
      default: return false;
    }
  }

  // Whether Int values x and y are the same value: one SSA value, or two
  // constants with the same bits (`m.set(1, m.get(1) + 1)` has two `1`s).
  bool same_int(ValueId x, ValueId y) const {
    return x == y || (facts_.konst[x] && facts_.konst[y] && *facts_.konst[x] == *facts_.konst[y]);
  }

  // `m.set(k, m.get(k) + c)` with an Int key, as lowering and reference
  // counting leave it: get → a; add_h a, c → r; release a; set(m, k, r);
  // release r, where a and r have no other use. Emits MapAddI (one lookup,
  // docs/vm.md) and returns how many instructions it stands for; else 0.
  size_t fused_map_update(const std::vector<Inst>& insts, size_t k) {
    if (!opt_.collection_ops) return 0;
    // The five, past instructions that emit nothing (constants such as the
    // boxed 1 of `+ 1`, loaded in the prologue).
    std::vector<size_t> at;
    size_t j = k;
    for (; j < insts.size() && at.size() < 5; ++j) {
      const Inst& in = insts[j];
      if (mir::op_info(in.op).flags & mir::TERM) return 0;
      const bool silent = in.op != Op::Phi && in.result != kNone && (facts_.absorbed[in.result] || facts_.konst[in.result]);
      if (!silent) at.push_back(j);
    }
    if (at.size() < 5) return 0;
    const Inst& get = insts[at[0]];
    const Inst& add = insts[at[1]];
    const Inst& rel_a = insts[at[2]];
    const Inst& set = insts[at[3]];
    const Inst& rel_r = insts[at[4]];
    auto is_rt = [](const Inst& in, mir::RtFn fn) {
      return in.op == Op::CallRt && in.ref == static_cast<uint32_t>(fn);
    };
    if (!is_rt(get, mir::RtFn::MapGetH) || get.result == kNone || get.args.size() != 2) return 0;
    const ValueId a = get.result;
    if (add.op != Op::AddH || add.result == kNone || add.args.size() != 2 || add.args[0] != a || add.args[1] == a)
      return 0;
    const ValueId r = add.result;
    if (rel_a.op != Op::Release || rel_a.args.size() != 1 || rel_a.args[0] != a) return 0;
    if (!is_rt(set, mir::RtFn::MapSetHA) || set.args.size() != 3 || set.args[0] != get.args[0] ||
        !same_int(set.args[1], get.args[1]) || set.args[2] != r)
      return 0;
    if (rel_r.op != Op::Release || rel_r.args.size() != 1 || rel_r.args[0] != r) return 0;
    if (facts_.uses[a] != 2 || facts_.uses[r] != 2 || facts_.absorbed[a] || facts_.absorbed[r] || facts_.konst[a] ||
        facts_.konst[r])
      return 0;
    emit(OpCode::MapAddI, reg(add.args[1]), reg(get.args[0]), reg(get.args[1]), loc(add));
    return j - k;
  }

  // A foreign call: its site holds the argument registers and conversions.
  void call_c(const Inst& in) {
    std::vector<uint32_t> regs;
    std::vector<mir::Tag> tags;
    for (ValueId a : in.args) {
      regs.push_back(reg(a));
      tags.push_back(tag_of(a));
    }
    const ForeignSite* site = add_foreign_site(m_, *p_.ffi, f_.name, in, regs, tags);
    emit(OpCode::CallC, dst(in), 0, 0, loc(in)).x.p = site;
  }

  // A callback's C function pointer is a constant of the program.
  void fn_ptr(const Inst& in) {
    if (in.tag.kind != Kind::Ptr) malformed(f_.name, "fn_ptr without a pointer tag");
    emit(OpCode::LoadImm, dst(in)).x.p = callback_code(m_, p_, in.func(), in.tag.ctype());
  }

  const mir::BoxType& box_type(uint32_t index) {
    if (index >= m_.boxes.size()) malformed(f_.name, "unknown box type");
    return m_.boxes[index];
  }

  uint32_t field_index(const Inst& in) {
    const mir::BoxType& bt = box_type(in.ref);
    if (in.imm < 0 || static_cast<uint64_t>(in.imm) >= bt.fields.size()) malformed(f_.name, "field index out of range");
    return static_cast<uint32_t>(in.imm);
  }

  const char* field_name(const Inst& in) {
    if (in.ref >= m_.strings.size()) malformed(f_.name, "field name index out of range");
    return p_.pool_cstr[in.ref];
  }

  // A by-name field access site with an empty cache, owned by the program.
  const FieldSite* field_site(const Inst& in) {
    auto site = std::make_unique<FieldSite>();
    site->name = field_name(in);
    p_.field_sites.push_back(std::move(site));
    return p_.field_sites.back().get();
  }

  uint32_t global_index(const Inst& in) {
    if (in.ref >= m_.globals.size()) malformed(f_.name, "global index out of range");
    return in.ref;
  }

  void instruction(const Inst& in) {
    const uint8_t flags = mir::op_info(in.op).flags;
    if (in.result != kNone) {
      if (facts_.absorbed[in.result] || facts_.konst[in.result]) return;
      if ((flags & mir::PURE) && facts_.uses[in.result] == 0) return;  // dead pure value
    } else if ((flags & mir::PURE) && !(flags & mir::EFFECT) && in.op != Op::Phi) {
      return;  // a pure instruction without result computes nothing
    }
    switch (in.op) {
      case Op::CallC: call_c(in); return;
      case Op::FnPtr: fn_ptr(in); return;
      case Op::ConstI: case Op::ConstF: case Op::ConstB: case Op::ConstS: case Op::ConstVoid:
        return;  // loaded in the prologue when a register needs them
      case Op::Copy:
        if (facts_.konst[in.args[0]]) {
          emit(OpCode::LoadImm, dst(in)).x.u = *facts_.konst[in.args[0]];
        } else {
          unary(OpCode::Mov, in);
        }
        return;

      case Op::AddI: commutative(OpCode::AddI, OpCode::AddIImm, in); return;
      case Op::SubI:
        if (auto k = imm(in.args[1])) {
          emit(OpCode::AddIImm, dst(in), reg(in.args[0])).x.u = 0u - static_cast<uint64_t>(*k);
        } else {
          binary(OpCode::SubI, in);
        }
        return;
      case Op::MulI: commutative(OpCode::MulI, OpCode::MulIImm, in); return;
      case Op::DivI: division(OpCode::DivI, OpCode::DivIImm, in); return;
      case Op::ModI: division(OpCode::ModI, OpCode::ModIImm, in); return;
      case Op::NegI: unary(OpCode::NegI, in); return;
      case Op::AndI: binary(OpCode::AndI, in); return;
      case Op::OrI: binary(OpCode::OrI, in); return;
      case Op::XorI: binary(OpCode::XorI, in); return;
      case Op::ShlI: binary(OpCode::ShlI, in); return;
      case Op::ShrI: binary(OpCode::ShrI, in); return;
      case Op::NotI: unary(OpCode::NotI, in); return;
      case Op::EqI: int_compare(CC::Eq, in); return;
      case Op::NeI: int_compare(CC::Ne, in); return;
      case Op::LtI: int_compare(CC::Lt, in); return;
      case Op::LeI: int_compare(CC::Le, in); return;
      case Op::GtI: int_compare(CC::Gt, in); return;
      case Op::GeI: int_compare(CC::Ge, in); return;

      case Op::AddF: binary(OpCode::AddF, in); return;
      case Op::SubF: binary(OpCode::SubF, in); return;
      case Op::MulF: binary(OpCode::MulF, in); return;
      case Op::DivF: binary(OpCode::DivF, in); return;
      case Op::ModF: binary(OpCode::ModF, in); return;
      case Op::NegF: unary(OpCode::NegF, in); return;
      case Op::EqF: binary(OpCode::EqF, in); return;
      case Op::NeF: binary(OpCode::NeF, in); return;
      case Op::LtF: binary(OpCode::LtF, in); return;
      case Op::LeF: binary(OpCode::LeF, in); return;
      case Op::GtF: binary(OpCode::GtF, in); return;
      case Op::GeF: binary(OpCode::GeF, in); return;
      case Op::EqIF: binary(OpCode::EqIF, in); return;
      case Op::IToF: unary(OpCode::IToF, in); return;

      case Op::NotB: unary(OpCode::NotB, in); return;
      case Op::EqB: case Op::EqRef: binary(OpCode::EqI, in); return;
      case Op::NeB: case Op::NeRef: binary(OpCode::NeI, in); return;
      case Op::ConcatS: binary(OpCode::ConcatS, in); return;
      case Op::EqS: binary(OpCode::EqS, in); return;
      case Op::NeS: binary(OpCode::NeS, in); return;
      case Op::LtS: binary(OpCode::LtS, in); return;
      case Op::LeS: binary(OpCode::LeS, in); return;
      case Op::GtS: binary(OpCode::GtS, in); return;
      case Op::GeS: binary(OpCode::GeS, in); return;

      case Op::ToStr: to_str(in); return;
      case Op::Box: box(in); return;
      case Op::Unbox: unbox(in); return;
      case Op::Truthy: truthy(in); return;

      case Op::AddH: binary_loc(OpCode::AddH, in); return;
      case Op::SubH: binary_loc(OpCode::SubH, in); return;
      case Op::MulH: binary_loc(OpCode::MulH, in); return;
      case Op::DivH: binary_loc(OpCode::DivH, in); return;
      case Op::ModH: binary_loc(OpCode::ModH, in); return;
      case Op::AndH: case Op::OrH: case Op::XorH: case Op::ShlH: case Op::ShrH: case Op::NegH: case Op::NotH:
        dynamic_call(in);
        return;
      case Op::LtH: binary_loc(OpCode::LtH, in); return;
      case Op::LeH: binary_loc(OpCode::LeH, in); return;
      case Op::GtH: binary_loc(OpCode::GtH, in); return;
      case Op::GeH: binary_loc(OpCode::GeH, in); return;
      case Op::EqH: binary(OpCode::EqH, in); return;
      case Op::NeH: binary(OpCode::NeH, in); return;

      case Op::Call: call(in); return;
      case Op::CallMethod: call_method(in); return;
      case Op::CallRt: call_rt(in); return;

      case Op::NewBox:
        box_type(in.ref);
        emit(OpCode::NewBox, dst(in), in.ref);
        return;
      case Op::NewBoxReuse:
        box_type(in.ref);
        emit(OpCode::NewBoxReuse, dst(in), reg(in.args[0]), in.ref);
        return;
      case Op::GetField: emit(OpCode::GetField, dst(in), reg(in.args[0]), field_index(in)); return;
      case Op::BorrowField: emit(OpCode::BorrowField, dst(in), reg(in.args[0]), field_index(in)); return;
      case Op::SetField:
        emit(OpCode::SetField, 0, reg(in.args[0]), reg(in.args[1]), field_index(in));
        return;
      case Op::GetFieldH: unary_loc(OpCode::GetFieldH, in); body_.back().x.p = field_site(in); return;
      case Op::SetFieldH:
        emit(OpCode::SetFieldH, 0, reg(in.args[0]), reg(in.args[1]), loc(in)).x.p = field_site(in);
        return;
      case Op::GetGlobal: emit(OpCode::GetGlobal, dst(in), global_index(in)); return;
      case Op::SetGlobal: emit(OpCode::SetGlobal, 0, global_index(in), reg(in.args[0])); return;
      case Op::NewArray: emit(OpCode::NewArray, dst(in)); return;
      case Op::NewMap: emit(OpCode::NewMap, dst(in)); return;
      case Op::NewConsole: emit(OpCode::NewConsole, dst(in)); return;

      case Op::Retain:
      case Op::Release:
      case Op::WeakRetain: {
        // A weak reference is a counted reference to its cell: retaining it
        // is retaining the cell.
        const Kind kind = f_.value_tags[in.args[0]].kind;
        if (kind == Kind::Ptr) malformed(f_.name, "a reference count on a C pointer, which has none");
        bool handle = kind == Kind::Handle;
        OpCode op = in.op != Op::Release ? (handle ? OpCode::RetainH : OpCode::RetainP)
                                         : (handle ? OpCode::ReleaseH : OpCode::ReleaseP);
        emit(op, 0, reg(in.args[0]));
        return;
      }
      case Op::WeakDrop: emit(OpCode::WeakDrop, 0, reg(in.args[0])); return;
      case Op::WeakNew:
        if (f_.value_tags[in.args[0]].kind == Kind::Handle)
          unary_loc(OpCode::WeakNewH, in);
        else
          emit(OpCode::WeakNew, dst(in), reg(in.args[0]));
        return;
      case Op::WeakLoad: emit(OpCode::WeakLoad, dst(in), reg(in.args[0])); return;
      case Op::CheckWeak:
        emit(OpCode::CheckWeak, 0, reg(in.args[0]), reg(in.args[1]), loc(in)).x.i = field_index(in);
        return;
      case Op::Keep: return;  // only a marker for src/rc; nothing to run

      case Op::Phi: case Op::Br: case Op::CondBr: case Op::Ret: case Op::Unreachable:
        return;  // handled by the block walk
    }
  }

  // --- finishing ------------------------------------------------------------------------

  void resolve_fixups() {
    for (const Fixup& fx : fixups_) {
      size_t to = fx.target.stub ? stub_start_[fx.target.index] : block_start_[fx.target.index];
      auto off = static_cast<int64_t>(to) - static_cast<int64_t>(fx.at);
      if (off < INT32_MIN || off > INT32_MAX) malformed(f_.name, "function too large");
      body_[fx.at].d = static_cast<uint32_t>(static_cast<int32_t>(off));
    }
  }

  // Prologue (constants some register needs, loaded once per call: SSA
  // registers are never overwritten) then the body. Jumps are relative, so
  // prepending does not move them.
  void assemble() {
    for (ValueId v{0}; v < need_.size(); ++v) {
      if (!need_[v]) continue;
      Code c{};
      c.op = reinterpret_cast<const void*>(static_cast<uintptr_t>(OpCode::LoadImm));
      c.a = v;
      c.x.u = *facts_.konst[v];
      out_.code.push_back(c);
      out_.ops.push_back(OpCode::LoadImm);
    }
    out_.code.insert(out_.code.end(), body_.begin(), body_.end());
    out_.ops.insert(out_.ops.end(), body_ops_.begin(), body_ops_.end());
  }

  const mir::Module& m_;
  Program& p_;
  const TranslateOptions& opt_;
  const mir::Function& f_;
  FuncCode& out_;
  FunctionFacts facts_;

  std::vector<bool> need_;  // constants some register operand reads: loaded in the prologue
  std::vector<Code> body_;
  std::vector<OpCode> body_ops_;
  BlockId cur_block_{0};  // the block being emitted
  std::vector<size_t> block_start_;
  std::vector<size_t> stub_start_;
  std::vector<Fixup> fixups_;
  std::vector<Stub> stubs_;
};

}  // namespace

void translate_function(const mir::Module& m, Program& p, const TranslateOptions& options, mir::FuncId id) {
  FunctionTranslator(m, p, options, id).run();
}

}  // namespace hako::vm
