// The MIR verifier: SSA dominance, phi/predecessor agreement, one terminator
// per block, operand and result tags as instructions.def and
// runtime_calls.def require (phi/copy/call tag agreement), valid references.
// Run after lowering in debug builds and behind --verify-mir.
#pragma once

#include <string>
#include <vector>

#include "mir/mir.h"

namespace hako::mir {

// One problem, located as precisely as the verifier knows it.
struct VerifyError {
  std::string function;  // function name ("" for module-level problems)
  BlockId block = kNoBlock;
  uint32_t inst = kNone;  // index within the block
  std::string message;
  FuncId func = kNoFunc;      // the function's index (kNoFunc for module-level problems)
  uint32_t box = kNone;     // module level: the box declaration concerned, if any
  uint32_t method = kNone;  // module level: the method-table entry of `box`, if any
};

// Every problem found (empty when the module is well formed).
std::vector<VerifyError> verify_module(const Module& m);
// "fn @NAME bbB #I: message" (or "module: message"), for diagnostics.
std::string format_verify_error(const VerifyError& e);

}  // namespace hako::mir
