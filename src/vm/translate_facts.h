// What the translator learns about one MIR function before emitting it: use
// counts, constants, definitions, the conditions branches fuse with,
// predecessor counts, and which values share a phi's register.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mir/cfg.h"
#include "mir/mir.h"
#include "vm/bytecode.h"
#include "vm/translate.h"

namespace hako::vm {

// A malformed module: an internal error naming the function (exit 70).
[[noreturn]] void malformed(const std::string& where, const char* what);

// A branch condition after looking through single-use not_b and compares.
struct Cond {
  const mir::Inst* cmp = nullptr;  // fused compare, or null: test register `reg`
  mir::ValueId reg = mir::kNoValue;
  bool negate = false;
};

class FunctionFacts {
 public:
  // Checks the function's shape (operand counts, value and block references)
  // and analyses it. Creates the immortal strings of its const_s literals.
  FunctionFacts(const mir::Module& m, Program& p, const TranslateOptions& o, const mir::Function& f);

  // Whether block `b` is only `br X` (no phis, no code).
  bool forwarder(mir::BlockId b) const;

  uint32_t tmp = 0;   // parallel-copy scratch register
  uint32_t sink = 0;  // destination of results nobody reads
  std::vector<uint32_t> reg_of;                    // register of each value
  std::vector<uint32_t> uses;                      // operand uses (phis included)
  std::vector<std::optional<uint64_t>> konst;      // bits of constant values
  std::vector<const mir::Inst*> def;               // defining instruction
  std::vector<mir::BlockId> def_block;             // block of the definition
  std::vector<bool> absorbed;                      // compares/not_b folded into a branch
  std::vector<Cond> conds;                         // per block: its cond_br's condition
  std::vector<std::vector<mir::BlockId>> preds;    // distinct predecessors per block

 private:
  void scan();
  std::optional<uint64_t> constant_bits(const mir::Inst& in);
  Cond resolve_cond(mir::BlockId b, mir::ValueId v);
  bool only_path(mir::BlockId from, mir::BlockId to) const;
  void coalesce(mir::BlockId h);
  void alias_boxes();

  const mir::Module& m_;
  Program& p_;
  const TranslateOptions& opt_;
  const mir::Function& f_;
};

}  // namespace hako::vm
