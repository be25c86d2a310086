// FunctionBuilder: appends blocks, values and instructions to a mir::Function.
// Used by src/lower and by the MIR text parser.
#pragma once

#include "mir/mir.h"

namespace hako::mir {

class FunctionBuilder {
 public:
  explicit FunctionBuilder(Function& f) : f_(f) {}

  Function& function() { return f_; }

  // Declares the parameters (values 0..n-1). Call once, before new_value.
  void set_params(std::vector<Tag> params);
  // A fresh SSA value of `tag`.
  ValueId new_value(Tag tag);
  BlockId new_block();
  void set_block(BlockId b) { cur_ = b; }
  BlockId block() const { return cur_; }
  // Whether the current block already ends with a terminator.
  bool terminated() const;

  // Appends `inst` to the current block; gives it a fresh result of `tag`
  // when `has_result`. Returns the result (or kNone).
  ValueId emit(Inst inst, bool has_result);

  // Convenience forms.
  ValueId const_i(int64_t v, Loc loc = {});
  ValueId const_f(double v, Loc loc = {});
  ValueId const_b(bool v, Loc loc = {});
  ValueId unary(Op op, Tag tag, ValueId a, Loc loc = {});
  ValueId binary(Op op, Tag tag, ValueId a, ValueId b, Loc loc = {});
  void br(BlockId target);
  void cond_br(ValueId cond, BlockId t, BlockId f);
  void ret(std::optional<ValueId> v);
  // An empty phi at the start of block `b`; fill with add_phi_incoming.
  ValueId phi(BlockId b, Tag tag);
  void add_phi_incoming(BlockId b, ValueId phi, ValueId v, BlockId pred);
  Inst* find_def_in_block(BlockId b, ValueId v);

 private:
  Function& f_;
  BlockId cur_ = kNoBlock;
  // Phis are added at the end of their block's phi group, so a phi keeps its
  // index; both tables make phi() and add_phi_incoming() constant time.
  std::vector<uint32_t> phi_count_;                 // per block
  std::unordered_map<ValueId, uint32_t> phi_index_;  // phi → its index in its block
};

}  // namespace hako::mir
