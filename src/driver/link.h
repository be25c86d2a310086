// Linking: finding libreml_runtime.a for a target and turning an object
// file into an executable through a C compiler driver: the system's for the
// host (which knows its crt files, libc and default PIE settings), clang-19
// with lld and the target's cross C library for the other targets that link
// (docs/platforms.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/targets.h"

namespace hako::driver {

// Where libreml_runtime.a for `target` is: `runtime_path` (from
// --runtime-path: the library file itself or a directory holding it) when
// given, else next to the running hakoc — for the host `<bindir>/../lib/`
// (installed) or `<bindir>/runtime/` (build tree), for another target
// `<bindir>/../lib/hako/<triple>/` or `<bindir>/runtime/<triple>/`. Every
// place looked at is appended to `tried`.
std::optional<std::string> find_runtime_library(const std::string& runtime_path, const base::TargetInfo& target,
                                                std::vector<std::string>& tried);

// The C compiler driver that links for `target`, as a command: for the host
// $HAKO_CC (split at spaces, so it may carry flags such as
// -fsanitize=address), else clang-19 on PATH, else cc; for another target
// clang-19 --target=<triple> -fuse-ld=lld. nullopt with `error` set when
// clang-19 is needed and not on PATH.
std::optional<std::vector<std::string>> linker_driver(const base::TargetInfo& target, std::string& error);

// What a program's extern declarations add to its link (docs/ffi.md,
// "Symbols and libraries").
struct ForeignLink {
  std::vector<std::string> libraries;  // @library names (-l), or paths when they hold a '/'
  std::vector<std::string> dirs;       // -L directories, also recorded as the run-time search path
};

// Links `object` with `runtime_library`, libm and `foreign` into the
// executable `output` for `target`, which keeps the runtime's C API
// (runtime_exports()) and, on ELF targets, exports it to the shared
// libraries it loads. On failure returns false with `error` set to one line:
// what failed and a summary of the linker's messages.
bool link_executable(const std::string& object, const std::string& runtime_library, const std::string& output,
                     const ForeignLink& foreign, const base::TargetInfo& target, std::string& error);

}  // namespace hako::driver
