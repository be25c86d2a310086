// MIR text → Module: reads what printer.h writes (for `hakoc run-mir`).
// Errors are reported as MirSyntax / MirUndefined diagnostics with the
// position in the .mir file; the result is empty when there were any.
#pragma once

#include <optional>
#include <vector>

#include "base/source.h"
#include "diag/diag.h"
#include "mir/mir.h"

namespace hako::mir {

// Where the items of a parsed module were written, so that problems found
// later (by the verifier) point into the text.
struct TextPositions {
  base::Span entry;                                  // the `entry` line ({0, 0} if none)
  std::vector<base::Span> functions;                 // each function's name in its `fn` line
  std::vector<std::vector<base::Span>> labels;       // [function][block]: the `bbN:` label
  std::vector<std::vector<std::vector<base::Span>>> insts;  // [function][block][index]: the line's start
  std::vector<base::Span> boxes;                     // each box's name in its `box` line
  std::vector<std::vector<base::Span>> methods;      // [box][method]: the `method` line
};

// Parses MIR text; fills `positions` (when given) for the parsed module.
std::optional<Module> parse_module(const base::SourceFile& file, diag::DiagEngine& diags,
                                   TextPositions* positions = nullptr);

}  // namespace hako::mir
