// A program of several files (docs/language.md, "Multi-file programs
// (using)"): the main file and every file its `using` lines name, followed
// transitively, each read once and parsed on its own into one Program.
#pragma once

#include <optional>
#include <string>

#include "ast/ast.h"
#include "base/source_map.h"
#include "diag/diag.h"

namespace hako::driver {

// Reads the main file `path` and every file reachable from it through
// `using` lines into `sources` (the main file is file 0), and parses them
// into one Program: each file's declarations come after those of the files
// it imports (depth first, as if their text came before it), and every
// `using` gets the index of the file it names. A file is loaded once, by
// its canonical path, so import cycles are harmless. Nullopt when the main
// file cannot be read or `diags` reached its error cap; other problems are
// reported to `diags` (the caller checks it for errors).
std::optional<ast::Program> load_program(const std::string& path, base::SourceMap& sources, diag::DiagEngine& diags);

// How hakoc shows the file a `using` line of `importer` names: the
// importer's directory joined with the written path, lexically normalized
// ("tests/run/main.hako" + "lib/../util.hako" = "tests/run/util.hako"); an
// absolute written path stays as it is, normalized.
std::string imported_path(const std::string& importer, const std::string& written);

}  // namespace hako::driver
