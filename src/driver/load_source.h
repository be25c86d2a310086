// Reading a source file with the checks every input gets before lexing:
// readable, a regular file, not empty, not too large, valid UTF-8.
#pragma once

#include <memory>
#include <string>

#include "base/source.h"
#include "base/source_map.h"
#include "diag/diag.h"

namespace hako::driver {

// Files above this size are refused (E0005) rather than read.
inline constexpr size_t kMaxSourceBytes = 64u << 20;

// Where a file is read for: the main file, given on the command line, or a
// file a `using` line names (its problems are reported at that line).
struct LoadSite {
  const base::SourceMap* sources = nullptr;  // the map holding the `using` line; null for the main file
  base::Span at;                             // the path of the `using` line
};

// A load's result. `file` may be set even when unusable: diagnostics point
// into it (it stays in the SourceMap, which the caller keeps alive until they
// are rendered).
struct LoadedSource {
  const base::SourceFile* file = nullptr;
  bool usable = false;
};

// Reads `path` into `sources`, reporting why it cannot be used when it
// cannot. An empty file is refused as the main file only (E0003): an
// imported empty file just declares nothing.
LoadedSource load_source(const std::string& path, base::SourceMap& sources, diag::DiagEngine& diags,
                         const LoadSite& site = LoadSite{});

// The offset of the first byte that is not valid UTF-8, or npos.
size_t first_invalid_utf8(const std::string& text);

}  // namespace hako::driver
