// The whole compiler as a list of calls: source → tokens/AST → checked
// program → MIR (verified) — and MIR text → MIR. Each stage reads the
// previous stage's output only.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/source.h"
#include "diag/diag.h"
#include "mir/mir.h"

namespace hako::driver {

struct PipelineOptions {
  bool verify_mir = false;  // run the verifier after lowering (always on in debug builds)
  bool dump_mir = false;    // print the MIR after lowering to stderr
};

// Keeps the source alive while diagnostics point into it.
struct Compilation {
  std::unique_ptr<base::SourceFile> file;
  std::optional<mir::Module> module;
};

// .hako source → verified MIR module (module empty when errors were reported).
Compilation compile_source(const std::string& path, const PipelineOptions& options, diag::DiagEngine& diags);

// .mir text → MIR module, always verified (the text is untrusted input).
Compilation load_mir(const std::string& path, diag::DiagEngine& diags);

}  // namespace hako::driver
