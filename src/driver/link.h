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

// Links `object` with `runtime_library` and libm into the executable
// `output`. On failure returns false with `error` set to one line: what
// failed and a summary of the linker's messages.
bool link_executable(const std::string& object, const std::string& runtime_library, const std::string& output,
                     std::string& error);

}  // namespace hako::driver
