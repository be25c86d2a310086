// Codegen: verified MIR → LLVM IR (LLVM 19 C++ API) → optimised module →
// textual IR, assembly or an object file for a target triple. Linking the
// object with libreml_runtime.a into an executable is the driver's job
// (src/driver/link.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "diag/diag.h"
#include "mir/mir.h"

namespace hako::codegen {

enum class OptLevel { O0, O2 };
enum class OutputKind { LlvmIr, Asm, Obj };

struct CodegenOptions {
  std::string triple = "x86_64-unknown-linux-gnu";
  OptLevel opt = OptLevel::O0;
  bool debug_info = false;  // -g: DWARF/CodeView locations of .hako lines
};

// The target triples hakoc supports (the first is the default).
const std::vector<std::string>& supported_triples();

// Compiles `m` for `options.triple` and returns the output bytes. Problems
// (an unknown triple, a module the LLVM verifier rejects — an internal
// error) are reported to `diags`; the result is then empty.
std::optional<std::string> compile(const mir::Module& m, const CodegenOptions& options, OutputKind kind,
                                   diag::DiagEngine& diags);

}  // namespace hako::codegen
