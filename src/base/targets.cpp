#include "base/targets.h"

namespace hako::base {

const std::vector<TargetInfo>& targets() {
  static const std::vector<TargetInfo> table = {
      {"x86_64-unknown-linux-gnu", "x86_64", "system_v", "linux", "sysv64", "", true},
      {"aarch64-unknown-linux-gnu", "aarch64", "aapcs64", "linux", "aapcs64", "", true},
      {"x86_64-w64-windows-gnu", "x86_64", "msvc", "windows", "win64", ".exe", true},
      {"x86_64-pc-windows-msvc", "x86_64", "msvc", "windows", "win64", ".exe", false},
      {"arm64-apple-darwin", "arm64", "darwin_aapcs64", "macos", "aapcs64", "", false},
  };
  return table;
}

std::optional<TargetInfo> find_target(const std::string& triple) {
  for (const TargetInfo& t : targets())
    if (triple == t.triple) return t;
  return std::nullopt;
}

const char* default_triple() { return targets().front().triple; }

}  // namespace hako::base
