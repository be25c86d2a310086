// Sema: AST → checked program. Resolves names, checks arity and members on
// statically known boxes, and infers a kind for every expression, local,
// parameter, return and field over the whole program (seed 003's
// front-checked typing). Where kinds meet it records explicit conversions,
// so lowering never guesses.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "ast/ast.h"
#include "base/source_map.h"
#include "base/targets.h"
#include "diag/diag.h"
#include "sema/checked.h"

namespace hako::sema {

// What the program is checked for.
struct CheckOptions {
  // A supported triple (base/targets.h); extern declarations are chosen by it.
  std::string target = base::default_triple();
};

// The checked program, or nullopt when errors were reported.
// `sources` holds the program's files (reports name the file of each span).
std::optional<CheckedProgram> check(const ast::Program& program, const base::SourceMap& sources,
                                    diag::DiagEngine& diags, const CheckOptions& options);

}  // namespace hako::sema
