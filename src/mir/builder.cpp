#include "mir/builder.h"

namespace hako::mir {

void FunctionBuilder::set_params(std::vector<Tag> params) {
  f_.params = params;
  f_.value_tags = std::move(params);
}

ValueId FunctionBuilder::new_value(Tag tag) {
  f_.value_tags.push_back(tag);
  return static_cast<ValueId>(f_.value_tags.size() - 1);
}

BlockId FunctionBuilder::new_block() {
  f_.blocks.emplace_back();
  return static_cast<BlockId>(f_.blocks.size() - 1);
}

bool FunctionBuilder::terminated() const {
  const Block& b = f_.blocks[cur_];
  return !b.insts.empty() && (op_info(b.insts.back().op).flags & TERM);
}

ValueId FunctionBuilder::emit(Inst inst, bool has_result) {
  if (has_result) {
    inst.result = new_value(inst.tag);
  } else {
    inst.result = kNoValue;
  }
  ValueId r = inst.result;
  f_.blocks[cur_].insts.push_back(std::move(inst));
  return r;
}

ValueId FunctionBuilder::const_i(int64_t v, Loc loc) {
  Inst i;
  i.op = Op::ConstI;
  i.tag = Tag::of(Kind::Int);
  i.imm = v;
  i.loc = loc;
  return emit(std::move(i), true);
}

ValueId FunctionBuilder::const_f(double v, Loc loc) {
  Inst i;
  i.op = Op::ConstF;
  i.tag = Tag::of(Kind::Float);
  i.fimm = v;
  i.loc = loc;
  return emit(std::move(i), true);
}

ValueId FunctionBuilder::const_b(bool v, Loc loc) {
  Inst i;
  i.op = Op::ConstB;
  i.tag = Tag::of(Kind::Bool);
  i.imm = v ? 1 : 0;
  i.loc = loc;
  return emit(std::move(i), true);
}

ValueId FunctionBuilder::unary(Op op, Tag tag, ValueId a, Loc loc) {
  Inst i;
  i.op = op;
  i.tag = tag;
  i.args = {a};
  i.loc = loc;
  return emit(std::move(i), true);
}

ValueId FunctionBuilder::binary(Op op, Tag tag, ValueId a, ValueId b, Loc loc) {
  Inst i;
  i.op = op;
  i.tag = tag;
  i.args = {a, b};
  i.loc = loc;
  return emit(std::move(i), true);
}

void FunctionBuilder::br(BlockId target) {
  Inst i;
  i.op = Op::Br;
  i.targets = {target};
  emit(std::move(i), false);
}

void FunctionBuilder::cond_br(ValueId cond, BlockId t, BlockId f) {
  Inst i;
  i.op = Op::CondBr;
  i.args = {cond};
  i.targets = {t, f};
  emit(std::move(i), false);
}

void FunctionBuilder::ret(std::optional<ValueId> v) {
  Inst i;
  i.op = Op::Ret;
  if (v) i.args = {*v};
  emit(std::move(i), false);
}

ValueId FunctionBuilder::phi(BlockId b, Tag tag) {
  Inst i;
  i.op = Op::Phi;
  i.tag = tag;
  i.result = new_value(tag);
  ValueId r = i.result;
  auto& insts = f_.blocks[b].insts;
  if (phi_count_.size() < f_.blocks.size()) phi_count_.resize(f_.blocks.size(), 0);
  uint32_t pos = phi_count_[b]++;
  insts.insert(insts.begin() + static_cast<std::ptrdiff_t>(pos), std::move(i));
  phi_index_[r] = pos;
  return r;
}

void FunctionBuilder::add_phi_incoming(BlockId b, ValueId phi, ValueId v, BlockId pred) {
  auto it = phi_index_.find(phi);
  Inst* p = it != phi_index_.end() ? &f_.blocks[b].insts[it->second] : find_def_in_block(b, phi);
  p->args.push_back(v);
  p->targets.push_back(pred);
}

Inst* FunctionBuilder::find_def_in_block(BlockId b, ValueId v) {
  for (Inst& i : f_.blocks[b].insts)
    if (i.result == v) return &i;
  return nullptr;
}

}  // namespace hako::mir
