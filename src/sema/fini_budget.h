// How much code a method's fini blocks expand into (private to src/sema).
// Lowering copies a fini body to every exit of its block (hako-core §8), so
// fini blocks nested inside the bodies of other fini blocks multiply: a few
// levels of loops with break and continue would otherwise make a small
// source compile for minutes into gigabytes. Sema bounds the expansion and
// rejects a method that exceeds it.
#pragma once

#include <cstdint>
#include <optional>

#include "ast/ast.h"

namespace hako::sema {

// The most statements the copies of fini bodies may add to one method.
inline constexpr uint64_t kMaxFiniCopiedStatements = 20000;

struct FiniExpansion {
  uint64_t copied = 0;              // statements added by the copies (an upper bound)
  std::optional<ast::Span> over_at;  // the fini block whose copies passed the limit
};

// Estimates the expansion of `body`, counting every exit a block could take:
// each `return` in it and each `break`/`continue` that leaves it, plus its end.
FiniExpansion fini_expansion(const ast::Block& body);

}  // namespace hako::sema
