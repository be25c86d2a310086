// The whole compiler as a list of calls: source → tokens/AST → checked
// program → MIR (verified) — and MIR text → MIR. Each stage reads the
// previous stage's output only.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/source_map.h"
#include "base/targets.h"
#include "diag/diag.h"
#include "mir/mir.h"
#include "region/region.h"
#include "sema/checked.h"

namespace hako::driver {

struct PipelineOptions {
  bool verify_mir = false;    // run the verifier after lowering (always on in debug builds)
  bool dump_mir = false;      // print the MIR after lowering to stderr
  bool dump_rc = false;       // print the MIR after reference-count insertion to stderr
  bool keep_regions = false;  // keep every function's regions in Compilation::regions
  // The target the program is compiled for: extern declarations are chosen
  // by it (docs/ffi.md, "Targets").
  std::string target = base::default_triple();
};

// Keeps the sources alive while diagnostics point into them.
struct Compilation {
  // The program's files (the main file first; one file for MIR text).
  base::SourceMap sources;
  std::optional<mir::Module> module;
  std::vector<region::FunctionRegions> regions;  // with PipelineOptions::keep_regions
  // The checked program's extern declarations (for the audit records);
  // empty for MIR input.
  std::vector<sema::ExternDeclInfo> extern_decls;
};

// .hako source (the main file and the files its `using` lines name) → lowered MIR → regions (traced when NYASH_REGION_TRACE=1) →
// explicit reference counts → verified MIR module (module empty when errors
// were reported).
Compilation compile_source(const std::string& path, const PipelineOptions& options, diag::DiagEngine& diags);

// .mir text → MIR module, always verified (the text is untrusted input);
// reference counts are made explicit unless the text says they are.
Compilation load_mir(const std::string& path, const PipelineOptions& options, diag::DiagEngine& diags);

}  // namespace hako::driver
