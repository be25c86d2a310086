// The table the build generates from docs/explain/*.md
// (cmake/embed_explain.cmake writes its definition); read through
// diag/explain.h only.
#pragma once

#include <cstddef>

namespace hako::diag::detail {

// One explanation: the code and the whole text of docs/explain/CODE.md.
struct Explanation {
  const char* code;  // "E0312"
  const char* text;  // Markdown, starting with "# E0312: ..."
};

// Sorted by code (the file names' order).
extern const Explanation kExplanations[];
// The number of rows of kExplanations.
extern const size_t kExplanationCount;

}  // namespace hako::diag::detail
