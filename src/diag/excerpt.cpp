#include "diag/excerpt.h"

#include <utf8proc.h>

#include <algorithm>
#include <vector>

namespace hako::diag {

namespace {

// How a tab is shown (as rustc does: four spaces, whatever the column).
constexpr std::string_view kTab = "    ";
// Display columns kept before the span when a long line is cut.
constexpr uint32_t kContextBefore = 40;

// One character of the line as shown: its bytes, where they start in the
// line, and its display columns.
struct Glyph {
  uint32_t byte;      // offset of its first byte in the line
  std::string text;   // what is printed for it
  uint32_t col;       // its first display column
  uint32_t width;     // display columns
};

std::vector<Glyph> glyphs_of(std::string_view line) {
  std::vector<Glyph> out;
  uint32_t col = 0;
  size_t i = 0;
  while (i < line.size()) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(line.data() + i),
                                          static_cast<utf8proc_ssize_t>(line.size() - i), &cp);
    Glyph g{static_cast<uint32_t>(i), "", col, 1};
    if (n <= 0) {  // not UTF-8 (input is checked, but stay total): one byte as '?'
      g.text = "?";
      n = 1;
    } else if (cp == '\t') {
      g.text = kTab;
      g.width = static_cast<uint32_t>(kTab.size());
    } else if (cp < 0x20 || cp == 0x7f) {  // other control characters would move the cursor
      g.text = "?";
    } else {
      g.text = std::string(line.substr(i, static_cast<size_t>(n)));
      g.width = static_cast<uint32_t>(std::max(0, utf8proc_charwidth(cp)));
    }
    col += g.width;
    out.push_back(std::move(g));
    i += static_cast<size_t>(n);
  }
  return out;
}

// The display column where byte offset `byte` of the line starts (the end
// of the line for an offset past it).
uint32_t column_at(const std::vector<Glyph>& glyphs, uint32_t byte) {
  for (const Glyph& g : glyphs)
    if (g.byte >= byte) return g.col;
  return glyphs.empty() ? 0 : glyphs.back().col + glyphs.back().width;
}

}  // namespace

std::string source_excerpt(std::string_view line, uint32_t begin, uint32_t end, std::string_view caret_on,
                           std::string_view caret_off) {
  std::vector<Glyph> glyphs = glyphs_of(line);
  uint32_t total = column_at(glyphs, static_cast<uint32_t>(line.size()));
  uint32_t from = column_at(glyphs, begin);
  uint32_t to = std::max(column_at(glyphs, std::max(begin, end)), from + 1);

  // The window of display columns shown: the whole line when it fits, else
  // about kMaxExcerptWidth columns starting a little before the span.
  uint32_t first = 0;
  uint32_t last = total;
  if (total > kMaxExcerptWidth) {
    first = from > kContextBefore ? from - kContextBefore : 0;
    last = std::min(total, first + kMaxExcerptWidth);
    if (last - first < kMaxExcerptWidth) first = last > kMaxExcerptWidth ? last - kMaxExcerptWidth : 0;
  }
  std::string text = "  ";
  uint32_t shown_first = first;  // the first column of the first glyph shown
  bool started = false;
  for (const Glyph& g : glyphs) {
    if (g.col < first || g.col + g.width > last) continue;
    if (!started) shown_first = g.col;
    started = true;
    text += g.text;
  }
  std::string lead = first > 0 ? "..." : "";
  if (last < total) text += "...";
  text.insert(2, lead);

  // Carets under the span's columns that are shown.
  uint32_t caret_from = std::max(from, shown_first);
  uint32_t caret_to = std::min(std::max(to, caret_from + 1), std::max(last, caret_from + 1));
  std::string carets = "  " + std::string(lead.size() + (caret_from - shown_first), ' ');
  carets += std::string(caret_on) + std::string(caret_to - caret_from, '^') + std::string(caret_off);
  return text + "\n" + carets + "\n";
}

}  // namespace hako::diag
