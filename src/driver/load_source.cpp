#include "driver/load_source.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>

namespace hako::driver {

size_t first_invalid_utf8(const std::string& text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are invalid.
    static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string::npos;
}

namespace {

// Adds `text` to `sources`, or reports that the program's offset space is full.
const base::SourceFile* add_file(const std::string& path, std::string text, base::SourceMap& sources,
                                 const std::function<void(diag::Kind, std::string)>& refuse) {
  const base::SourceFile* file = sources.add(path, std::move(text));
  if (file == nullptr)
    refuse(diag::Kind::FileTooLarge, "The program's files together are larger than 4 GiB; '" + path +
                                         "' does not fit in.");
  return file;
}

}  // namespace

LoadedSource load_source(const std::string& path, base::SourceMap& sources, diag::DiagEngine& diags,
                         const LoadSite& site) {
  // The main file's problems have no position; an imported file's are
  // reported at the `using` line that names it.
  auto refuse = [&](diag::Kind kind, std::string message) {
    if (site.sources != nullptr)
      diags.report(kind, *site.sources, site.at, std::move(message));
    else
      diags.report_path(kind, path, std::move(message));
  };
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    refuse(diag::Kind::FileNotReadable, "Cannot read '" + path + "': " + std::strerror(errno) + ".");
    return {};
  }
  if (S_ISDIR(st.st_mode)) {
    refuse(diag::Kind::FileIsDirectory, "'" + path + "' is a directory, not a source file.");
    return {};
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxSourceBytes) {
    refuse(diag::Kind::FileTooLarge, "'" + path + "' is larger than " + std::to_string(kMaxSourceBytes >> 20) + " MiB.");
    return {};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    refuse(diag::Kind::FileNotReadable, "Cannot open '" + path + "' for reading.");
    return {};
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  if (text.size() > kMaxSourceBytes) {
    refuse(diag::Kind::FileTooLarge, "'" + path + "' is larger than " + std::to_string(kMaxSourceBytes >> 20) + " MiB.");
    return {};
  }
  if (text.empty() && site.sources == nullptr) {
    refuse(diag::Kind::FileEmpty, "'" + path + "' is empty; a program needs a 'static box Main' with main().");
    return {};
  }
  size_t bad = first_invalid_utf8(text);
  if (bad != std::string::npos) {
    // Keep the offsets, but show no raw invalid bytes in the report.
    std::string shown = text;
    for (char& c : shown)
      if (static_cast<unsigned char>(c) >= 0x80 || (c < 0x20 && c != '\n' && c != '\t')) c = '?';
    const base::SourceFile* file = add_file(path, std::move(shown), sources, refuse);
    if (file != nullptr)
      diags.report(diag::Kind::InvalidUtf8, file,
                   base::Span{file->base() + static_cast<uint32_t>(bad), file->base() + static_cast<uint32_t>(bad + 1)},
                   "The file is not valid UTF-8 (first bad byte at offset " + std::to_string(bad) + ").");
    return LoadedSource{file, false};
  }
  const base::SourceFile* file = add_file(path, std::move(text), sources, refuse);
  return LoadedSource{file, file != nullptr};
}

}  // namespace hako::driver
