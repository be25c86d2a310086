// Per-instruction checks of the MIR verifier: operand counts and tags by the
// letters of instructions.def, result tags, references into the module, and
// the signatures of calls (module functions and runtime_calls.def).
#pragma once

#include <string>
#include <vector>

#include "mir/verify.h"

namespace hako::mir::verify_detail {

// Appends errors for one function, located by block and instruction.
class Reporter {
 public:
  Reporter(std::vector<VerifyError>& out, std::string function) : out_(out), function_(std::move(function)) {}

  // Records a problem at `block` / `inst` (kNone for a wider scope).
  void error(BlockId block, uint32_t inst, std::string message) {
    out_.push_back(VerifyError{function_, block, inst, std::move(message)});
  }

 private:
  std::vector<VerifyError>& out_;
  std::string function_;
};

// Checks `inst` (instruction `index` of block `block` in `f`) against its
// opcode's operand and result letters and the op-specific tag rules. Value
// ids are only looked at when in range; out-of-range ids are reported by the
// caller's SSA checks.
void check_inst(const Module& m, const Function& f, BlockId block, uint32_t index, const Inst& inst,
                Reporter& report);

}  // namespace hako::mir::verify_detail
