// Linking: finding libreml_runtime.a and turning an object file into an
// executable through the system C compiler driver (which knows the host's
// crt files, libc and default PIE settings).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace hako::driver {

// Where libreml_runtime.a is: `runtime_path` (from --runtime-path: the
// library file itself or a directory holding it) when given, else next to
// the running hakoc — `<bindir>/../lib/` (installed) or `<bindir>/runtime/`
// (build tree). Every place looked at is appended to `tried`.
std::optional<std::string> find_runtime_library(const std::string& runtime_path, std::vector<std::string>& tried);

// The C compiler driver used to link, as a command: $HAKO_CC (split at
// spaces, so it may carry flags such as -fsanitize=address), else clang-19
// on PATH, else cc.
std::vector<std::string> linker_driver();

// What a program's extern declarations add to its link (docs/ffi.md,
// "Symbols and libraries").
struct ForeignLink {
  std::vector<std::string> libraries;  // @library names (-l), or paths when they hold a '/'
  std::vector<std::string> dirs;       // -L directories, also recorded as the run-time search path
};

// Links `object` with `runtime_library`, libm and `foreign` into the
// executable `output`, which exports the runtime's C API (runtime_exports())
// to the C libraries it loads. On failure returns false with `error` set to
// one line: what failed and a summary of the linker's messages.
bool link_executable(const std::string& object, const std::string& runtime_library, const std::string& output,
                     const ForeignLink& foreign, std::string& error);

}  // namespace hako::driver
