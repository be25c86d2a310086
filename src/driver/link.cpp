#include "driver/link.h"

#include "codegen/target.h"
#include "driver/foreign.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <system_error>
#include <vector>

extern char** environ;

namespace hako::driver {

namespace fs = std::filesystem;

namespace {

constexpr const char* kRuntimeName = "libreml_runtime.a";
// How much of the linker's output a diagnostic quotes.
constexpr size_t kSummaryLines = 3;
constexpr size_t kSummaryChars = 400;

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

// The directory of the running executable ("" if unknown).
fs::path executable_dir() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : self.parent_path();
}

// `name` as found on PATH, or "".
std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path) return "";
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    fs::path candidate = fs::path(dir) / name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

// Up to `kSummaryLines` lines of the linker's output, joined by " | ":
// those that say what went wrong ("error", "undefined") when there are
// any, else the first non-empty ones.
std::string summarize(const std::string& text) {
  std::vector<std::string> all, errors;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    all.push_back(line);
    if (line.find("error") != std::string::npos || line.find("undefined") != std::string::npos)
      errors.push_back(line);
  }
  const std::vector<std::string>& pick = errors.empty() ? all : errors;
  std::string summary;
  for (size_t i = 0; i < pick.size() && i < kSummaryLines; ++i) summary += (i ? " | " : "") + pick[i];
  if (summary.size() > kSummaryChars) summary = summary.substr(0, kSummaryChars) + "...";
  return summary;
}

// Runs `argv` with stdout and stderr captured into `output`; returns the
// exit status, or -1 with `output` explaining why it could not run.
int run_captured(const std::vector<std::string>& argv, std::string& output) {
  int fds[2];
  if (pipe(fds) != 0) {
    output = std::string("cannot create a pipe: ") + std::strerror(errno);
    return -1;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    output = "cannot run '" + argv[0] + "': " + std::strerror(rc);
    return -1;
  }
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    output.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  output = "'" + argv[0] + "' was killed by signal " + std::to_string(WTERMSIG(status)) + "\n" + output;
  return 128 + WTERMSIG(status);
}

// Whether `target` is the machine hakoc runs on (its runtime is the one
// built with hakoc, not a cross-built copy).
bool is_host(const base::TargetInfo& target) { return codegen::runs_on_host(target.triple); }

bool is_windows(const base::TargetInfo& target) { return std::string(target.platform) == "windows"; }

}  // namespace

std::optional<std::string> find_runtime_library(const std::string& runtime_path, const base::TargetInfo& target,
                                                std::vector<std::string>& tried) {
  std::vector<fs::path> candidates;
  if (!runtime_path.empty()) {
    std::error_code ec;
    fs::path p(runtime_path);
    candidates.push_back(fs::is_directory(p, ec) ? p / kRuntimeName : p);
  } else {
    fs::path bin = executable_dir();
    if (!bin.empty() && is_host(target)) {
      candidates.push_back((bin / ".." / "lib" / kRuntimeName).lexically_normal());
      candidates.push_back(bin / "runtime" / kRuntimeName);
    } else if (!bin.empty()) {
      candidates.push_back((bin / ".." / "lib" / "hako" / target.triple / kRuntimeName).lexically_normal());
      candidates.push_back(bin / "runtime" / target.triple / kRuntimeName);
    }
  }
  for (const fs::path& c : candidates) {
    tried.push_back(c.string());
    if (is_file(c)) return c.string();
  }
  return std::nullopt;
}

std::optional<std::vector<std::string>> linker_driver(const base::TargetInfo& target, std::string& error) {
  std::vector<std::string> command;
  std::string clang = find_on_path("clang-19");
  if (!is_host(target)) {
    if (clang.empty()) {
      error = std::string("linking for ") + target.triple + " needs clang-19 and lld on PATH (tools/bootstrap.sh)";
      return std::nullopt;
    }
    return std::vector<std::string>{clang, std::string("--target=") + target.triple, "-fuse-ld=lld"};
  }
  if (const char* env = std::getenv("HAKO_CC")) {
    std::stringstream words(env);
    std::string word;
    while (words >> word) command.push_back(word);
  }
  if (command.empty()) command.push_back(clang.empty() ? "cc" : clang);
  return command;
}

bool link_executable(const std::string& object, const std::string& runtime_library, const std::string& output,
                     const ForeignLink& foreign, const base::TargetInfo& target, std::string& error) {
  std::optional<std::vector<std::string>> driver = linker_driver(target, error);
  if (!driver) {
    error = "Cannot link '" + output + "': " + error + ".";
    return false;
  }
  std::vector<std::string> argv = *driver;
  std::string cc = argv[0];
  const bool windows = is_windows(target);
  for (const char* a : {"-o", output.c_str(), object.c_str()}) argv.push_back(a);
  for (const std::string& dir : foreign.dirs) {
    argv.push_back("-L" + dir);
    if (windows) continue;  // PE executables have no run-time search path
    std::error_code ec;
    fs::path absolute = fs::absolute(dir, ec);
    argv.push_back("-Wl,-rpath," + (ec ? dir : absolute.lexically_normal().string()));
  }
  for (const std::string& lib : foreign.libraries) {
    // The C library is linked by default everywhere; Windows has no libc.a.
    if (windows && lib == "c") continue;
    argv.push_back(lib.find('/') != std::string::npos ? lib : "-l" + lib);
  }
  argv.push_back(runtime_library);
  argv.push_back("-lm");
  // The runtime's C API stays in the executable (-u pulls its archive
  // member in) and, on ELF targets, visible to the libraries it loads.
  for (const RuntimeExport& e : runtime_exports()) {
    argv.push_back(std::string("-Wl,-u,") + e.name);
    if (!windows) argv.push_back(std::string("-Wl,--export-dynamic-symbol=") + e.name);
  }
  if (windows) argv.push_back("-Wl,--stack," + std::to_string(base::kWindowsStackReserve));
  std::string messages;
  int status = run_captured(argv, messages);
  if (status == 0) return true;
  if (status < 0) {
    error = "Cannot link '" + output + "': " + messages + " (set HAKO_CC to a C compiler driver)";
    return false;
  }
  std::string summary = summarize(messages);
  error = "Linking '" + output + "' with " + cc + " failed (exit status " + std::to_string(status) + ")" +
          (summary.empty() ? "." : ": " + summary);
  return false;
}

}  // namespace hako::driver
