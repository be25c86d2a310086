#include "driver/program_files.h"

#include <filesystem>
#include <map>
#include <vector>

#include "driver/load_source.h"
#include "lex/lex.h"
#include "parse/parse.h"

namespace hako::driver {

namespace fs = std::filesystem;

std::string imported_path(const std::string& importer, const std::string& written) {
  fs::path w(written);
  if (w.is_absolute()) return w.lexically_normal().string();
  return (fs::path(importer).parent_path() / w).lexically_normal().string();
}

namespace {

// The identity of a file: its canonical path, so that two spellings of one
// file (`lib/a.hako`, `./lib/../lib/a.hako`, a symbolic link) load it once.
std::string identity(const std::string& path) {
  std::error_code ec;
  fs::path canonical = fs::canonical(path, ec);
  if (!ec) return canonical.string();
  // Unreachable for a file just read, but an identity is still needed.
  return fs::absolute(path, ec).lexically_normal().string();
}

// Moves the declarations of one parsed file to the end of the program.
void append(ast::Program& whole, ast::Program&& part) {
  for (auto& u : part.usings) whole.usings.push_back(std::move(u));
  for (auto& b : part.boxes) whole.boxes.push_back(std::move(b));
  for (auto& e : part.externs) whole.externs.push_back(std::move(e));
  for (auto& s : part.structs) whole.structs.push_back(std::move(s));
}

class Loader {
 public:
  Loader(base::SourceMap& sources, diag::DiagEngine& diags) : sources_(sources), diags_(diags) {}

  std::optional<ast::Program> run(const std::string& path) {
    LoadedSource main = load_source(path, sources_, diags_);
    if (!main.usable) return std::nullopt;
    files_.emplace(identity(path), main.file->id());
    start(*main.file);
    // Depth first without recursion, so a long chain of imports cannot
    // exhaust the stack: a file is appended once all its imports are.
    while (!frames_.empty()) {
      if (lex::diags_capped(diags_)) return std::nullopt;
      Frame& top = frames_.back();
      if (top.next < top.part.usings.size()) {
        ast::UsingDecl& u = top.part.usings[top.next++];
        std::optional<uint32_t> opened = resolve(u);
        if (opened) start(sources_.file(*opened));  // invalidates `top`
        continue;
      }
      append(whole_, std::move(top.part));
      frames_.pop_back();
    }
    whole_.expr_count = counts_.expr_count;
    whole_.local_count = counts_.local_count;
    return std::move(whole_);
  }

 private:
  // A file whose imports are being followed.
  struct Frame {
    ast::Program part;  // the file's own declarations
    size_t next = 0;    // the next of its `using` lines to follow
  };

  // Parses `file` (its ids after every file parsed so far) and makes it the
  // file whose imports are followed next.
  void start(const base::SourceFile& file) {
    Frame f;
    f.part.expr_count = counts_.expr_count;
    f.part.local_count = counts_.local_count;
    parse::parse_file(file, diags_, f.part);
    counts_.expr_count = f.part.expr_count;
    counts_.local_count = f.part.local_count;
    frames_.push_back(std::move(f));
  }

  // Sets u.file to the file `u` names, loading it when it is new; the index
  // of a newly loaded file whose imports are still to follow, else nullopt.
  std::optional<uint32_t> resolve(ast::UsingDecl& u) {
    if (u.is_module) {
      diags_.report(diag::Kind::UsingModuleName, sources_, u.path_span,
                    "Module names ('" + u.path +
                        "') are not supported: hakoc reads no module roots (hako.toml); write the file's path in "
                        "quotes, as in 'using \"" + module_as_path(u.path) + "\"'.");
      return std::nullopt;
    }
    const base::SourceFile* importer = sources_.file_of(u.path_span.begin);
    std::string path = imported_path(importer->path(), u.path);
    std::error_code ec;
    // A file already loaded (or being loaded, in a cycle) is not read again.
    if (fs::exists(path, ec)) {
      if (auto it = files_.find(identity(path)); it != files_.end()) {
        u.file = it->second;
        return std::nullopt;
      }
    }
    LoadedSource loaded = load_source(path, sources_, diags_, LoadSite{&sources_, u.path_span});
    if (loaded.file == nullptr) return std::nullopt;
    files_.emplace(identity(path), loaded.file->id());
    if (!loaded.usable) return std::nullopt;
    u.file = loaded.file->id();
    return loaded.file->id();
  }

  // `a.b.c` as the relative path `a/b/c.hako`, for the suggestion.
  static std::string module_as_path(std::string name) {
    for (char& c : name)
      if (c == '.') c = '/';
    return name + ".hako";
  }

  base::SourceMap& sources_;
  diag::DiagEngine& diags_;
  std::map<std::string, uint32_t> files_;  // canonical path -> SourceMap index
  std::vector<Frame> frames_;
  // The expression and local ids handed out so far, across all files.
  struct {
    uint32_t expr_count = 0;
    uint32_t local_count = 0;
  } counts_;
  ast::Program whole_;
};

}  // namespace

std::optional<ast::Program> load_program(const std::string& path, base::SourceMap& sources, diag::DiagEngine& diags) {
  return Loader(sources, diags).run(path);
}

}  // namespace hako::driver
