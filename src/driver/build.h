// `hakoc build`: a compiled MIR module → LLVM IR, assembly, an object file
// or (by default) an executable linked with libreml_runtime.a.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "codegen/codegen.h"
#include "diag/diag.h"
#include "mir/mir.h"

namespace hako::driver {

struct BuildOptions {
  std::string output;  // -o; "" means the input's stem (+ .o/.ll/.s) in the current directory
  codegen::CodegenOptions codegen = default_codegen();
  std::optional<codegen::OutputKind> emit;  // --emit; unset: an executable (or an object with --no-link-runtime)
  bool link_runtime = true;                 // --link-runtime (default) / --no-link-runtime
  std::string runtime_path;                 // --runtime-path: libreml_runtime.a or its directory
  std::vector<std::string> lib_dirs;        // -L: where @library libraries are found (docs/ffi.md)

  // build optimises by default (-O2); the codegen library's default is -O0.
  static codegen::CodegenOptions default_codegen() {
    codegen::CodegenOptions o;
    o.opt = codegen::OptLevel::O2;
    return o;
  }
};

// Builds `m` (compiled from `input`) as `options` ask. Problems — an unknown
// target, an executable for a target that does not run here, a missing
// runtime library, an unwritable output, a failed link — are reported to
// `diags`; returns whether the output was written.
bool build(const mir::Module& m, const std::string& input, const BuildOptions& options, diag::DiagEngine& diags);

}  // namespace hako::driver
