// Parse: tokens (src/lex) → AST (src/ast). Reports every syntax error it can
// recover from; the returned Program holds what could be parsed.
#pragma once

#include "ast/ast.h"
#include "base/source.h"
#include "diag/diag.h"

namespace hako::parse {

ast::Program parse_program(const base::SourceFile& file, diag::DiagEngine& diags);

}  // namespace hako::parse
