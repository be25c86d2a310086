// SSA construction: variables, phis, sealing and CFG edges.
#include "lower/function_lowerer.h"

namespace hako::lower {

BlockId FunctionLowerer::new_block() {
  BlockId b = b_.new_block();
  defs_.emplace_back();
  preds_.emplace_back();
  sealed_.push_back(false);
  incomplete_.emplace_back();
  return b;
}

void FunctionLowerer::jump(BlockId target) {
  BlockId from = b_.block();
  b_.br(target);
  preds_[target].push_back(from);
}

void FunctionLowerer::branch(ValueId cond, BlockId if_true, BlockId if_false) {
  BlockId from = b_.block();
  b_.cond_br(cond, if_true, if_false);
  preds_[if_true].push_back(from);
  if (if_false != if_true) preds_[if_false].push_back(from);
}

void FunctionLowerer::start_dead_block() {
  BlockId dead = new_block();
  seal(dead);
  b_.set_block(dead);
}

void FunctionLowerer::write_var(uint32_t local, BlockId block, ValueId value) { defs_[block][local] = value; }

ValueId FunctionLowerer::read_var(uint32_t local, BlockId block) {
  auto it = defs_[block].find(local);
  if (it != defs_[block].end()) return it->second;
  return read_var_recursive(local, block);
}

ValueId FunctionLowerer::read_var_recursive(uint32_t local, BlockId block) {
  sema::Tag tag = program_.locals[local].kind;
  ValueId v;
  if (!sealed_[block]) {
    v = b_.phi(block, tag);
    phi_local_[v] = local;
    incomplete_[block].emplace_back(local, v);
  } else if (preds_[block].size() == 1) {
    v = read_var(local, preds_[block][0]);
  } else {
    v = b_.phi(block, tag);
    phi_local_[v] = local;
    write_var(local, block, v);
    add_phi_operands(local, v, block);
  }
  write_var(local, block, v);
  return v;
}

void FunctionLowerer::add_phi_operands(uint32_t local, ValueId phi, BlockId block) {
  // Copy: reading operands may add blocks (never predecessors of `block`).
  std::vector<BlockId> preds = preds_[block];
  for (BlockId pred : preds) b_.add_phi_incoming(block, phi, read_var(local, pred), pred);
}

void FunctionLowerer::seal(BlockId block) {
  auto pending = std::move(incomplete_[block]);
  incomplete_[block].clear();
  for (auto& [local, phi] : pending) add_phi_operands(local, phi, block);
  sealed_[block] = true;
}

}  // namespace hako::lower
