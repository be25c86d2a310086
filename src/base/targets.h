// The targets hakoc compiles for, and the facts about each that several
// stages need: sema (which extern declarations apply, which calling
// conventions are valid), the audit records and codegen. The one table of
// supported triples.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace hako::base {

// One supported target.
struct TargetInfo {
  const char* triple;    // "x86_64-unknown-linux-gnu"
  const char* arch;      // "x86_64", "aarch64", "arm64"
  const char* abi;       // the C ABI: "system_v", "aapcs64", "msvc", "darwin_aapcs64"
  const char* platform;  // "linux", "windows", "macos"
  const char* callconv;  // the name @callconv may give the C convention besides "c"
  const char* executable_suffix;  // what an executable's name ends with: "" or ".exe"
  // Whether `hakoc build` links executables for it (with clang-19, lld and
  // the target's C library; docs/platforms.md). The others get objects only.
  bool links;
};

// Every supported target; the first is the default (and the host's).
const std::vector<TargetInfo>& targets();

// The target with this triple, if supported.
std::optional<TargetInfo> find_target(const std::string& triple);

// The default target triple: what `hakoc run` and `check` compile for.
const char* default_triple();

// The stack Windows executables reserve for their main thread, set at link
// time (other platforms take theirs from the system's limit): the same 8 MiB
// as Linux's default, so a program recurses as deep on every platform.
constexpr unsigned long long kWindowsStackReserve = 8ull << 20;

}  // namespace hako::base
