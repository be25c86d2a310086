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

void FunctionLowerer::write_var(uint32_t local, BlockId block, ValueId value) {
  if (!program_.locals[local].reassigned) {
    // Its declaration; a fini body lowered once per exit declares it again
    // in each copy, and reads in a copy follow that copy's declaration.
    only_def_[local] = value;
    return;
  }
  defs_[block][local] = value;
}

ValueId FunctionLowerer::read_var(uint32_t local, BlockId block) {
  // A binding never assigned after its declaration has one value wherever it
  // is in scope (its declaration dominates its scope): no search, no phis.
  if (!program_.locals[local].reassigned) return only_def_.at(local);
  auto it = defs_[block].find(local);
  if (it == defs_[block].end()) return read_var_recursive(local, block);
  if (it->second != kPending) return it->second;
  // A cycle came back to a block whose operands are being read: it needs a
  // phi after all (read_var_recursive fills it in).
  ValueId phi = b_.phi(block, program_.locals[local].kind);
  phi_local_[phi] = local;
  it->second = phi;
  return phi;
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
    // Read the predecessors first and make a phi only when they disagree
    // or a cycle needs one (Braun et al. §3.2's trivial phis, never built):
    // a read at the end of a long function would otherwise leave a phi in
    // every join it passes.
    write_var(local, block, kPending);
    std::vector<BlockId> preds = preds_[block];  // reads may add blocks (never predecessors of `block`)
    std::vector<ValueId> ops;
    ops.reserve(preds.size());
    for (BlockId pred : preds) ops.push_back(read_var(local, pred));
    ValueId placed = defs_[block][local];
    bool same = placed == kPending && !ops.empty();  // a block no edge reaches keeps an empty phi
    for (ValueId op : ops) same = same && op == ops[0];
    if (same) {
      v = ops[0];
    } else {
      v = placed != kPending ? placed : b_.phi(block, tag);
      phi_local_[v] = local;
      for (size_t k = 0; k < preds.size(); ++k) b_.add_phi_incoming(block, v, ops[k], preds[k]);
    }
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
