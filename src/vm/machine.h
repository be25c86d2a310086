// The VM's execution state: the translated program, one contiguous register
// stack shared by all frames (nested to-string runs included), the module's
// globals, and the entry points that start a run loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "mir/mir.h"
#include "vm/bytecode.h"
#include "vm/translate.h"

namespace hako::vm {

// Register stack size in slots (8 bytes each); pages are touched only as
// frames reach them. Deeper recursion is the runtime error `Stack overflow`.
inline constexpr size_t kStackSlots = size_t{1} << 23;

struct Machine {
  // Translates and links `m`, gives its extern functions their C addresses
  // (`externs[i]` is that of m.externs[i]; fewer is an internal error),
  // registers its box types with the runtime and installs the to-string
  // hook. The runtime must be initialised.
  Machine(const mir::Module& m, const TranslateOptions& options, const std::vector<void*>& externs);
  // Uninstalls the hook.
  ~Machine();
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;

  // Runs `f` with `n` raw argument slots to completion above the innermost
  // active frame and returns its raw result (re-entrant: used by the hook).
  Slot invoke(const FuncCode& f, const Slot* args, size_t n);

  // The runtime error `Stack overflow` at `loc`.
  [[noreturn]] static void stack_overflow(const reml_loc_t* loc);

  // The location of the instruction that last called out of the run loop
  // (published with cur_pc), if any.
  const reml_loc_t* current_loc() const;

  // Stops with `Stack overflow` when nested runs (to-string hooks, callbacks)
  // have used up the C stack budget.
  void check_c_stack() const;

  std::unique_ptr<Program> prog;
  std::unique_ptr<Slot[]> stack;
  Slot* stack_base = nullptr;
  // Highest frame base a call may create: a frame of any function (plus the
  // next call's header) still fits below the end of the stack.
  Slot* stack_limit = nullptr;
  // Innermost frame and instruction, published before runtime calls that may
  // re-enter the VM through the to-string hook (null before the first run).
  Slot* cur_fp = nullptr;
  const Code* cur_pc = nullptr;
  std::vector<reml_handle_t> globals;  // one handle per module global, Void at start
  Code halt{};                         // return address of every invocation's base frame
  // The C stack is used only by nested runs (to-string, callbacks); past this many bytes
  // below the first run's frame they stop with `Stack overflow`.
  uintptr_t c_stack_start = 0;
  size_t c_stack_budget = 0;
};

// Runs the bytecode at `pc` in frame `fp` until it reaches a Halt.
void execute(Machine& vm, const Code* pc, Slot* fp);

// The handler address of each opcode (direct threading), for link().
const void* const* handler_table();

}  // namespace hako::vm
