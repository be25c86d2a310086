// Tail recursion at -O2: LLVM's tail recursion elimination (including its
// accumulator form, `return f(n - 1) + f(n - 2)`) turns a function's calls of
// itself into a loop, and a depth counter keeps `Stack overflow` for a
// recursion that never ends (docs/codegen.md, "Stack overflow").
#pragma once

#include <cstdint>

#include <llvm/IR/PassManager.h>

namespace hako::codegen {

// How many rounds a recursion turned into a loop may make before the check
// of the call it replaced reports `Stack overflow`: more frames than the
// VM's 64 MiB register stack holds (every VM frame takes at least one 8-byte
// register), so a finite recursion the VM completes completes here too.
inline constexpr uint64_t kTailRounds = uint64_t{1} << 23;

// Adds to `fpm`: LLVM's tail recursion elimination, then, in each function
// where it removed a call of the function itself, a count of the loop's
// rounds that makes the stack check of every call site in the function fail
// after kTailRounds rounds; afterwards every remaining call of a
// function by itself is `notail` again, so later passes keep its frame.
// Lowered Hako functions are the ones with the stack test
// `llvm.frameaddress(0) < hako.stack_limit` in their entry block; their self
// calls are left without `notail` (all other Hako calls have it). A
// transformed one whose test is not in the loop header is an internal error
// (UnhandledMir).
void add_tail_recursion_passes(llvm::FunctionPassManager& fpm);

}  // namespace hako::codegen
