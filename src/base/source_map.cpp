#include "base/source_map.h"

#include <algorithm>

namespace hako::base {

const SourceFile* SourceMap::add(std::string path, std::string text) {
  uint64_t base = files_.empty() ? 0 : uint64_t{files_.back()->end()} + 1;
  // The whole range, end offset included, must fit in 32 bits.
  if (base + text.size() > max_offset_) return nullptr;
  files_.push_back(std::make_unique<SourceFile>(std::move(path), std::move(text), static_cast<uint32_t>(base),
                                                static_cast<uint32_t>(files_.size())));
  return files_.back().get();
}

const SourceFile* SourceMap::file_of(uint32_t offset) const {
  if (files_.empty()) return nullptr;
  // The last file whose range starts at or before `offset`.
  auto it = std::upper_bound(files_.begin(), files_.end(), offset,
                             [](uint32_t off, const std::unique_ptr<SourceFile>& f) { return off < f->base(); });
  return it == files_.begin() ? files_.front().get() : std::prev(it)->get();
}

const SourceFile* SourceMap::find(const std::string& path) const {
  for (const auto& f : files_)
    if (f->path() == path) return f.get();
  return nullptr;
}

std::optional<Location> SourceMap::locate(uint32_t offset) const {
  const SourceFile* f = file_of(offset);
  if (f == nullptr) return std::nullopt;
  LineCol lc = f->line_col(offset);
  return Location{f->id(), lc.line, lc.col};
}

std::vector<std::string> SourceMap::paths() const {
  std::vector<std::string> out;
  out.reserve(files_.size());
  for (const auto& f : files_) out.push_back(f->path());
  return out;
}

}  // namespace hako::base
