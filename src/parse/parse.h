// Parse: tokens (src/lex) → AST (src/ast). Reports every syntax error it can
// recover from; the returned Program holds what could be parsed.
#pragma once

#include "ast/ast.h"
#include "base/source.h"
#include "diag/diag.h"

namespace hako::parse {

// Parses one file on its own into a program.
ast::Program parse_program(const base::SourceFile& file, diag::DiagEngine& diags);

// Parses `file` and appends its `using` lines and declarations to `program`,
// numbering its expressions and locals after those already there (a program
// of several files is parsed file by file into one Program).
void parse_file(const base::SourceFile& file, diag::DiagEngine& diags, ast::Program& program);

}  // namespace hako::parse
