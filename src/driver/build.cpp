#include "driver/build.h"

#include "base/targets.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

#include "codegen/target.h"
#include "driver/foreign.h"
#include "driver/link.h"

namespace hako::driver {

namespace fs = std::filesystem;

namespace {

enum class Product { LlvmIr, Asm, Obj, Executable };

Product product_of(const BuildOptions& options) {
  if (options.emit) {
    switch (*options.emit) {
      case codegen::OutputKind::LlvmIr: return Product::LlvmIr;
      case codegen::OutputKind::Asm: return Product::Asm;
      case codegen::OutputKind::Obj: return Product::Obj;
    }
  }
  return options.link_runtime ? Product::Executable : Product::Obj;
}

// -o, or the input's stem in the current directory with the product's
// extension (`prog`, `prog.o`, `prog.ll`, `prog.s` for prog.hako; an
// executable for Windows is `prog.exe`, also for `-o prog`).
std::string output_path(const BuildOptions& options, const std::string& input, Product product,
                        const base::TargetInfo& target) {
  if (!options.output.empty()) {
    // As the Windows linkers do, an executable named without an extension
    // gets the platform's (and hakoc then knows the file it writes).
    if (product == Product::Executable && options.output != "-" && !fs::path(options.output).has_extension())
      return options.output + target.executable_suffix;
    return options.output;
  }
  static const char* const kExtensions[] = {".ll", ".s", ".o", ""};
  std::string stem = fs::path(input).stem().string();
  if (product == Product::Executable) return stem + target.executable_suffix;
  return stem + kExtensions[static_cast<int>(product)];
}

void report_unwritable(diag::DiagEngine& diags, const std::string& path, const std::string& why) {
  diags.report_path(diag::Kind::TargetError, path, "Cannot write the output '" + path + "': " + why + ".");
}

// Checks before any code generation that `path` can be written (and is not
// the input), so a typo costs no compile time. Leaves no file behind.
bool probe_writable(const std::string& path, const std::string& input, diag::DiagEngine& diags) {
  std::error_code ec;
  if (fs::equivalent(path, input, ec)) {
    report_unwritable(diags, path, "it is the input file");
    return false;
  }
  bool existed = fs::exists(path, ec);
  int fd = open(path.c_str(), O_WRONLY | O_CREAT, 0666);
  if (fd < 0) {
    report_unwritable(diags, path, std::strerror(errno));
    return false;
  }
  close(fd);
  if (!existed) unlink(path.c_str());
  return true;
}

bool write_file(const std::string& path, const std::string& bytes, diag::DiagEngine& diags) {
  if (path == "-") {
    std::fwrite(bytes.data(), 1, bytes.size(), stdout);
    return std::fflush(stdout) == 0;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    report_unwritable(diags, path, std::strerror(errno));
    return false;
  }
  return true;
}

// A new empty temporary file for the object ("" when none can be made).
std::string make_temp_object() {
  std::error_code ec;
  fs::path dir = fs::temp_directory_path(ec);
  if (ec) dir = "/tmp";
  std::string name = (dir / "hakoc-XXXXXX.o").string();
  std::vector<char> buf(name.begin(), name.end());
  buf.push_back('\0');
  int fd = mkstemps(buf.data(), 2);
  if (fd < 0) return "";
  close(fd);
  return buf.data();
}

bool link(const std::string& object_bytes, const std::string& runtime, const std::string& output,
          const ForeignLink& foreign, const base::TargetInfo& target, diag::DiagEngine& diags) {
  std::string object = make_temp_object();
  if (object.empty()) {
    diags.report_path(diag::Kind::TargetError, output,
                      std::string("Cannot create a temporary object file: ") + std::strerror(errno) + ".");
    return false;
  }
  bool ok = write_file(object, object_bytes, diags);
  std::string error;
  if (ok && !link_executable(object, runtime, output, foreign, target, error)) {
    diags.report_path(diag::Kind::LinkFailed, output, error);
    ok = false;
  }
  unlink(object.c_str());
  return ok;
}

}  // namespace

bool build(const mir::Module& m, const std::string& input, const BuildOptions& options, diag::DiagEngine& diags) {
  const std::string& triple = options.codegen.triple;
  if (!codegen::check_triple(triple, diags)) return false;
  const base::TargetInfo target = *base::find_target(triple);
  Product product = product_of(options);
  std::string output = output_path(options, input, product, target);

  std::string runtime;
  if (product == Product::Executable) {
    if (!target.links) {
      std::string linkable;
      for (const base::TargetInfo& t : base::targets())
        if (t.links) linkable += (linkable.empty() ? "" : ", ") + std::string(t.triple);
      diags.report_path(diag::Kind::LinkFailed, "hakoc",
                        "Cannot link an executable for '" + triple + "': hakoc links executables for " + linkable +
                            "; use --emit=obj, asm or llvm-ir and link with the target's tools.");
      return false;
    }
    if (output == "-") {
      report_unwritable(diags, output, "an executable cannot go to standard output");
      return false;
    }
    std::vector<std::string> tried;
    std::optional<std::string> found = find_runtime_library(options.runtime_path, target, tried);
    if (!found) {
      std::string where;
      for (const std::string& t : tried) where += (where.empty() ? "" : ", ") + t;
      diags.report_path(diag::Kind::RuntimeNotFound, "hakoc",
                        "Cannot find the runtime library libreml_runtime.a for " + triple + " (looked at " + where +
                            "); use --runtime-path or --no-link-runtime.");
      return false;
    }
    runtime = *found;
  }
  if (output != "-" && !probe_writable(output, input, diags)) return false;

  codegen::OutputKind kind = options.emit ? *options.emit : codegen::OutputKind::Obj;
  std::optional<std::string> bytes = codegen::compile(m, options.codegen, kind, diags);
  if (!bytes) return false;
  if (product != Product::Executable) return write_file(output, *bytes, diags);
  return link(*bytes, runtime, output, ForeignLink{extern_libraries(m), options.lib_dirs}, target, diags);
}

}  // namespace hako::driver
