// For unit tests: Hako source through parse, sema and lowering, as the
// driver's pipeline starts, so a test of a later pass can begin from a
// program instead of hand-written MIR.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "base/source_map.h"
#include "diag/diag.h"
#include "lower/lower.h"
#include "mir/mir.h"
#include "parse/parse.h"
#include "sema/sema.h"

namespace hako::testing {

// The MIR lowering makes of `src` (one file, t.hako), or nullopt after
// reporting the diagnostics as a test failure.
inline std::optional<mir::Module> lowered_source(const std::string& src) {
  base::SourceMap sources;
  const base::SourceFile& file = *sources.add("t.hako", src);
  diag::DiagEngine diags;
  ast::Program program = parse::parse_program(file, diags);
  std::optional<sema::CheckedProgram> checked;
  if (!diags.has_errors()) checked = sema::check(program, sources, diags, sema::CheckOptions{});
  if (!checked) {
    ADD_FAILURE() << diags.render(diag::Format::Text);
    return std::nullopt;
  }
  return lower::lower_program(*checked);
}

}  // namespace hako::testing
