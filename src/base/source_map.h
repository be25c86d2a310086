// The files of one program and the global offset space they share (as in
// Clang's SourceManager): every file gets its own range of offsets, so a
// Span names its file without carrying it, and every stage that turns an
// offset into file:line:col asks the map.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/source.h"

namespace hako::base {

// A resolved position: the file's index in the map and its line and column.
struct Location {
  uint32_t file = 0;
  uint32_t line = 1;
  uint32_t col = 1;
};

class SourceMap {
 public:
  // A map whose offsets go up to `max_offset` (the whole 32-bit space by
  // default; tests give a small one to reach the limit).
  explicit SourceMap(uint32_t max_offset = UINT32_MAX) : max_offset_(max_offset) {}

  // Adds a file after the last one: its range starts one past the previous
  // file's end offset, so every offset (each end-of-file one too) belongs
  // to exactly one file. nullptr when the offset space is used up.
  const SourceFile* add(std::string path, std::string text);

  // The file whose range holds `offset`; the last file for offsets past
  // every range, nullptr when the map is empty.
  const SourceFile* file_of(uint32_t offset) const;
  // The file with index `id` (the order of add; 0 is the main file).
  const SourceFile& file(uint32_t id) const { return *files_.at(id); }
  // The file loaded from `path` exactly as given, if any.
  const SourceFile* find(const std::string& path) const;
  uint32_t size() const { return static_cast<uint32_t>(files_.size()); }
  bool empty() const { return files_.empty(); }

  // The file, line and column of `offset` (nullopt when the map is empty).
  std::optional<Location> locate(uint32_t offset) const;
  // Every file's path, by index: the module's source list (mir::Module).
  std::vector<std::string> paths() const;

 private:
  uint32_t max_offset_;
  std::vector<std::unique_ptr<SourceFile>> files_;
};

}  // namespace hako::base
