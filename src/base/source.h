// Source buffers and positions: the input of every front-end stage.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hako::base {

// A half-open byte range [begin, end) in one source file.
struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;
};

// A 1-based line and column (the column counts bytes).
struct LineCol {
  uint32_t line = 1;
  uint32_t col = 1;
};

// One loaded source file: its path as given by the user and its bytes.
class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }

  // The line and column of a byte offset (offsets past the end clamp).
  LineCol line_col(uint32_t offset) const;
  // The text of a 1-based line, without its newline.
  std::string_view line_text(uint32_t line) const;
  uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }

 private:
  std::string path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

}  // namespace hako::base
