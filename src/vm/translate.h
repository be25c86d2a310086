// MIR → VM bytecode: each function is translated once, at load.
#pragma once

#include <memory>
#include <string>

#include "mir/mir.h"
#include "vm/bytecode.h"

namespace hako::vm {

// Translation switches; the defaults are what `hakoc run` uses. Turning the
// optimisations off exists for measuring them and for differential tests.
struct TranslateOptions {
  bool fuse_branches = true;  // compare (+ not_b) + cond_br -> one conditional jump
  bool immediates = true;     // Int constants as instruction immediates
  bool coalesce = true;       // a phi's value computed in its predecessor goes straight into the phi's register
  bool thread_jumps = true;   // a jump to a block that only branches takes that branch itself
  bool collection_ops = true; // ArrayBox/MapBox call_rt -> their own opcodes (ArrGet, MapGetI, ...)
};

// Translates every function of `m` (a malformed module is an internal error).
// Creates the immortal strings of its literals, so the runtime must be
// initialised. The result is unlinked: `op` fields hold opcode numbers.
std::unique_ptr<Program> translate(const mir::Module& m, const TranslateOptions& options);

// Replaces opcode numbers by handler addresses (`labels[opcode]`).
void link(Program& p, const void* const* labels);

// A readable listing of a translated function, for tests and debugging.
std::string disassemble(const Program& p, const FuncCode& f);

}  // namespace hako::vm
