#include "base/source.h"

#include <algorithm>

namespace hako::base {

SourceFile::SourceFile(std::string path, std::string text, uint32_t base, uint32_t id)
    : path_(std::move(path)), text_(std::move(text)), base_(base), id_(id) {
  line_starts_.push_back(0);
  for (uint32_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

uint32_t SourceFile::local(uint32_t offset) const {
  if (offset < base_) return 0;
  return std::min<uint32_t>(offset - base_, static_cast<uint32_t>(text_.size()));
}

LineCol SourceFile::line_col(uint32_t offset) const {
  uint32_t at = local(offset);
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), at);
  uint32_t line = static_cast<uint32_t>(it - line_starts_.begin());
  // Columns count characters: every byte but a UTF-8 continuation byte
  // starts one (the input was checked to be UTF-8 when it was read).
  uint32_t col = 1;
  for (uint32_t i = line_starts_[line - 1]; i < at; ++i) col += (static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80;
  return LineCol{line, col};
}

uint32_t SourceFile::line_start(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return 0;
  return base_ + line_starts_[line - 1];
}

std::string_view SourceFile::slice(Span span) const {
  uint32_t begin = local(span.begin);
  uint32_t end = std::max(begin, local(span.end));
  return std::string_view(text_).substr(begin, end - begin);
}

std::string_view SourceFile::line_text(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  uint32_t begin = line_starts_[line - 1];
  uint32_t end = line < line_starts_.size() ? line_starts_[line] : static_cast<uint32_t>(text_.size());
  std::string_view view(text_.data() + begin, end - begin);
  while (!view.empty() && (view.back() == '\n' || view.back() == '\r')) view.remove_suffix(1);
  return view;
}

}  // namespace hako::base
