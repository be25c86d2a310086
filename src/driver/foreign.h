// Foreign symbols: where the C functions of a program's extern declarations
// come from (docs/ffi.md, "Symbols and libraries"). `hakoc run` resolves
// them to addresses for the VM; `check` and `build` resolve them the same
// way so a missing symbol or library is a diagnostic at its declaration
// before anything runs or links.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/source_map.h"
#include "diag/diag.h"
#include "mir/mir.h"
#include "sema/checked.h"

namespace hako::driver {

// A runtime function C code may call by name (the Handle API). This list is
// the one source of what the runtime exports to C: the VM's lookup, the
// flags of every native link and hakoc's own exports follow it.
struct RuntimeExport {
  const char* name;
  void* address;
};
std::span<const RuntimeExport> runtime_exports();

// The shared library `@library(name)` names: `name` itself when it contains
// a '/', else the first ELF file `lib<name>.so` or `lib<name>.so.*` in the
// -L directories, then LD_LIBRARY_PATH, then the system library directories.
// (`libm.so` is often a linker script; the ELF file next to it is taken.)
std::optional<std::string> find_library(const std::string& name, const std::vector<std::string>& dirs);

// What resolve_externs found for one extern function.
struct ResolvedExtern {
  void* address = nullptr;      // null when not found
  std::string library_path;     // the library file it came from ("" for libc, libm and the runtime)
  std::vector<diag::Kind> problems;  // E0611 / E0601 reported for it
};

// Every extern function of `m` looked up on this host: the named library
// when it has one, else the C library, the math library and the runtime's
// exports. Problems are reported at the declarations (`decls[i]` describes
// m.externs[i]; for MIR input, where there are none, at the file). The
// libraries stay loaded for the rest of the process. One entry per extern.
std::vector<ResolvedExtern> resolve_externs(const mir::Module& m, std::span<const sema::ExternDeclInfo> decls,
                                            const base::SourceMap& sources, const std::vector<std::string>& dirs,
                                            diag::DiagEngine& diags);

// The distinct @library names of `m`, in declaration order (for the linker).
std::vector<std::string> extern_libraries(const mir::Module& m);

}  // namespace hako::driver
