// Sema: AST → checked program. Resolves names, checks arity and members on
// statically known boxes, and infers a kind for every expression, local,
// parameter, return and field over the whole program (seed 003's
// front-checked typing). Where kinds meet it records explicit conversions,
// so lowering never guesses.
#pragma once

#include <memory>
#include <optional>

#include "ast/ast.h"
#include "base/source.h"
#include "diag/diag.h"
#include "sema/checked.h"

namespace hako::sema {

// The checked program, or nullopt when errors were reported.
std::optional<CheckedProgram> check(const ast::Program& program, const base::SourceFile& file,
                                    diag::DiagEngine& diags);

}  // namespace hako::sema
