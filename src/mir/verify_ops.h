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
  // Errors of function `func` named `function` (kNoFunc and "" for the module).
  Reporter(std::vector<VerifyError>& out, std::string function, FuncId func)
      : out_(out), function_(std::move(function)), func_(func) {}

  // Records a problem at `block` / `inst` (kNoBlock / kNone for a wider scope).
  void error(BlockId block, uint32_t inst, std::string message) {
    out_.push_back(VerifyError{function_, block, inst, std::move(message), func_});
  }

  // Records a module-level problem about method `method` of box `box`
  // (method kNone: the box itself).
  void box_error(uint32_t box, uint32_t method, std::string message) {
    out_.push_back(VerifyError{function_, kNoBlock, kNone, std::move(message), func_, box, method});
  }

 private:
  std::vector<VerifyError>& out_;
  std::string function_;
  FuncId func_;
};

// Advice appended to a tag mismatch: the instruction that converts a value
// of tag `from` into one of tag `to` ("; insert `box` ..."), or that none does.
std::string conversion_hint(const Module& m, Tag from, Tag to);

// Whether `name` can name a box, field, method, global or function: not
// empty and without a NUL byte (C strings in both back ends end there).
bool valid_name(const std::string& name);

// Checks `inst` (instruction `index` of block `block` in `f`) against its
// opcode's operand and result letters and the op-specific tag rules. Value
// ids are only looked at when in range; out-of-range ids are reported by the
// caller's SSA checks.
void check_inst(const Module& m, const Function& f, BlockId block, uint32_t index, const Inst& inst,
                Reporter& report);

}  // namespace hako::mir::verify_detail
