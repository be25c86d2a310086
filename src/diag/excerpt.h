// The source excerpt under a text diagnostic: the line of the span and a
// caret line under it, placed by display width (wide characters take two
// columns, combining marks none, a tab four spaces), with a window around
// the span when the line is too long to show whole.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hako::diag {

// The widest line shown whole, in display columns; a longer line is shown
// as a window of about this width around the span, with `...` at a cut.
inline constexpr uint32_t kMaxExcerptWidth = 120;

// Two lines, each starting with two spaces and ending with a newline: `line`
// (the text of one source line, without its newline) and carets under its
// bytes [begin, end) (clamped to the line; at least one caret).
// `caret_on`/`caret_off` wrap the carets (colour escapes, or empty).
std::string source_excerpt(std::string_view line, uint32_t begin, uint32_t end, std::string_view caret_on,
                           std::string_view caret_off);

}  // namespace hako::diag
