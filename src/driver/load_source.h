// Reading a source file with the checks every input gets before lexing:
// readable, a regular file, not empty, not too large, valid UTF-8.
#pragma once

#include <memory>
#include <string>

#include "base/source.h"
#include "diag/diag.h"

namespace hako::driver {

// Files above this size are refused (E0005) rather than read.
inline constexpr size_t kMaxSourceBytes = 64u << 20;

// A load's result. `file` may be set even when unusable: diagnostics point
// into it, so the caller keeps it alive until they are rendered.
struct LoadedSource {
  std::unique_ptr<base::SourceFile> file;
  bool usable = false;
};

// Reads `path`, reporting why it cannot be used when it cannot.
LoadedSource load_source(const std::string& path, diag::DiagEngine& diags);

// The offset of the first byte that is not valid UTF-8, or npos.
size_t first_invalid_utf8(const std::string& text);

}  // namespace hako::driver
