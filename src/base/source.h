// Source buffers and positions: the input of every front-end stage.
//
// Every position is a byte offset into one global offset space: each loaded
// file owns the range [base, base + size] of it (the end offset, where the
// end-of-file token sits, included), so a Span alone says which file it is
// in. A file made on its own (tests, MIR text) starts at offset 0; a program
// of several files gets its ranges from a SourceMap (base/source_map.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hako::base {

// A half-open byte range [begin, end) in the global offset space.
struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;
};

// A 1-based line and column (the column counts characters, not bytes).
struct LineCol {
  uint32_t line = 1;
  uint32_t col = 1;
};

// One loaded source file: its path as given by the user (or as resolved
// from a `using`), its bytes, and where its range of offsets starts.
class SourceFile {
 public:
  // A file whose offsets start at `base`; `id` is its index in the program's
  // SourceMap (0 for the main file and for a file on its own).
  SourceFile(std::string path, std::string text, uint32_t base = 0, uint32_t id = 0);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  // The global offset of the file's first byte.
  uint32_t base() const { return base_; }
  // The global offset just past its last byte (its end-of-file position).
  uint32_t end() const { return base_ + static_cast<uint32_t>(text_.size()); }
  uint32_t id() const { return id_; }
  // Whether global `offset` lies in this file's range (its end included).
  bool contains(uint32_t offset) const { return offset >= base_ && offset <= end(); }

  // The line and column of a global offset (offsets outside the file clamp
  // to its first or last position).
  LineCol line_col(uint32_t offset) const;
  // The text a global span covers (clamped to the file).
  std::string_view slice(Span span) const;
  // The global offset of the first byte of a 1-based line (0 when there
  // is no such line).
  uint32_t line_start(uint32_t line) const;
  // The text of a 1-based line, without its newline.
  std::string_view line_text(uint32_t line) const;
  uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }

 private:
  // The file-relative offset of global `offset`, clamped into the file.
  uint32_t local(uint32_t offset) const;

  std::string path_;
  std::string text_;
  uint32_t base_;
  uint32_t id_;
  std::vector<uint32_t> line_starts_;  // file-relative
};

}  // namespace hako::base
