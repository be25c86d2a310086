// MIR text → Module: reads what printer.h writes (for `hakoc run-mir`).
// Errors are reported as MirSyntax / MirUndefined diagnostics with the
// position in the .mir file; the result is empty when there were any.
#pragma once

#include <optional>

#include "base/source.h"
#include "diag/diag.h"
#include "mir/mir.h"

namespace hako::mir {

std::optional<Module> parse_module(const base::SourceFile& file, diag::DiagEngine& diags);

}  // namespace hako::mir
