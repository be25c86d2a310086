#include "driver/foreign.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "reml_runtime.h"

namespace hako::driver {

namespace fs = std::filesystem;

namespace {

// Where the dynamic linker looks by default on the Debian-family hosts
// hakoc runs on (after LD_LIBRARY_PATH).
constexpr const char* kSystemDirs[] = {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64",
                                       "/lib", "/usr/lib", "/usr/local/lib"};

// Whether `p` is an ELF file (a linker script named like a library is not).
bool is_elf(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  return in.gcount() == 4 && std::memcmp(magic, "\x7f" "ELF", 4) == 0;
}

// The first ELF lib<name>.so or lib<name>.so.* in `dir`.
std::optional<std::string> library_in(const fs::path& dir, const std::string& name) {
  std::error_code ec;
  const std::string plain = "lib" + name + ".so";
  if (fs::is_regular_file(dir / plain, ec) && is_elf(dir / plain)) return (dir / plain).string();
  std::vector<std::string> versioned;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    std::string file = e.path().filename().string();
    if (file.rfind(plain + ".", 0) == 0 && is_elf(e.path())) versioned.push_back(e.path().string());
  }
  if (versioned.empty()) return std::nullopt;
  std::sort(versioned.begin(), versioned.end());  // deterministic: libx.so.1 before libx.so.1.2
  return versioned.front();
}

// A library handle, opened once per process and kept (the VM calls into it
// until exit).
void* open_library(const std::string& path, std::string& error) {
  static std::map<std::string, void*> opened;
  if (auto it = opened.find(path); it != opened.end()) return it->second;
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (!h) {
    const char* why = dlerror();
    error = why ? why : "unknown dlopen error";
    return nullptr;
  }
  opened.emplace(path, h);
  return h;
}

// libc, then libm, then the runtime's exports.
void* default_symbol(const std::string& symbol) {
  for (const RuntimeExport& e : runtime_exports())
    if (symbol == e.name) return e.address;
  for (const char* lib : {"libc.so.6", "libm.so.6"}) {
    std::string ignored;
    if (void* h = open_library(lib, ignored))
      if (void* p = dlsym(h, symbol.c_str())) return p;
  }
  return nullptr;
}

}  // namespace

std::span<const RuntimeExport> runtime_exports() {
  static const RuntimeExport kExports[] = {
      {"hako_handle_retain", reinterpret_cast<void*>(&hako_handle_retain)},
      {"hako_handle_release", reinterpret_cast<void*>(&hako_handle_release)},
  };
  return kExports;
}

std::optional<std::string> find_library(const std::string& name, const std::vector<std::string>& dirs) {
  if (name.find('/') != std::string::npos) {
    std::error_code ec;
    if (fs::is_regular_file(name, ec) && is_elf(name)) return name;
    return std::nullopt;
  }
  std::vector<std::string> search(dirs.begin(), dirs.end());
  if (const char* env = std::getenv("LD_LIBRARY_PATH")) {
    std::stringstream parts(env);
    std::string dir;
    while (std::getline(parts, dir, ':'))
      if (!dir.empty()) search.push_back(dir);
  }
  search.insert(search.end(), std::begin(kSystemDirs), std::end(kSystemDirs));
  for (const std::string& dir : search)
    if (std::optional<std::string> found = library_in(dir, name)) return found;
  return std::nullopt;
}

std::vector<ResolvedExtern> resolve_externs(const mir::Module& m, std::span<const sema::ExternDeclInfo> decls,
                                            const base::SourceMap& sources, const std::vector<std::string>& dirs,
                                            diag::DiagEngine& diags) {
  std::vector<ResolvedExtern> out(m.externs.size());
  // A library that cannot be found or opened is reported once, at the first
  // declaration naming it.
  std::map<std::string, std::optional<std::string>> libraries;
  auto report = [&](size_t i, diag::Kind kind, std::string message, std::string help) {
    out[i].problems.push_back(kind);
    if (i < decls.size() && decls.size() == m.externs.size())
      diags.report(kind, sources, decls[i].span, std::move(message), std::move(help));
    else
      diags.report_path(kind, sources.file(0).path(), message + " (" + help + ")");
  };
  for (size_t i = 0; i < m.externs.size(); ++i) {
    const mir::ExternFn& x = m.externs[i];
    void* handle = nullptr;
    if (!x.library.empty()) {
      auto [it, fresh] = libraries.try_emplace(x.library);
      if (fresh) {
        std::optional<std::string> path = find_library(x.library, dirs);
        std::string error;
        if (!path) {
          report(i, diag::Kind::FfiLibraryMissing, "The library '" + x.library + "' of '" + x.name + "' was not found.",
                 "add the directory holding lib" + x.library + ".so with -L DIR, or install the library");
        } else if (!open_library(*path, error)) {
          report(i, diag::Kind::FfiLibraryMissing, "The library '" + *path + "' of '" + x.name + "' cannot be loaded: " +
                     error + ".",
                 "check that it is a shared library for this machine");
          path.reset();
        }
        it->second = path;
      }
      if (!it->second) continue;
      std::string ignored;
      handle = open_library(*it->second, ignored);
      out[i].library_path = *it->second;
    }
    out[i].address = handle ? dlsym(handle, x.symbol.c_str()) : default_symbol(x.symbol);
    if (!out[i].address) {
      std::string where = x.library.empty() ? "the C library, the math library or the hakoc runtime"
                                            : "'" + out[i].library_path + "'";
      std::string what = x.symbol == x.name ? "The C function '" + x.name + "'"
                                            : "The C symbol '" + x.symbol + "' of '" + x.name + "'";
      report(i, diag::Kind::FfiSymbolMissing, what + " is not in " + where + ".",
             x.library.empty() ? "name the library that defines it with @library(\"name\"), or fix the name with "
                                 "@link_name(\"symbol\")"
                               : "check the spelling, or give the C name with @link_name(\"symbol\")");
    }
  }
  return out;
}

std::vector<std::string> extern_libraries(const mir::Module& m) {
  std::vector<std::string> out;
  for (const mir::ExternFn& x : m.externs)
    if (!x.library.empty() && std::find(out.begin(), out.end(), x.library) == out.end()) out.push_back(x.library);
  return out;
}

}  // namespace hako::driver
