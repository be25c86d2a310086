#include "driver/driver.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "base/targets.h"
#include "diag/diag.h"
#include "driver/audit.h"
#include "driver/build.h"
#include "driver/foreign.h"
#include "driver/pipeline.h"
#include "mir/printer.h"
#include "reml_runtime.h"
#include "vm/vm.h"

namespace hako::driver {

namespace {

constexpr const char* kVersion = "hakoc 0.1.0";

constexpr const char* kUsage =
    "usage: hakoc <command> [options] FILE [-- ARGS...]\n"
    "\n"
    "commands:\n"
    "  run FILE.hako [-- ARGS]     compile and run on the VM; exit status is main's\n"
    "  check FILE.hako             check only: diagnostics, no output when fine\n"
    "  emit-mir FILE               print the MIR of a .hako file (or re-print a .mir file)\n"
    "  run-mir FILE.mir [-- ARGS]  run MIR text on the VM\n"
    "  verify-mir FILE.mir         parse and verify MIR text as run-mir and build would:\n"
    "                              diagnostics, no output when fine\n"
    "  build FILE.hako [-o OUT]    compile to native code through LLVM; by default an\n"
    "                              executable linked with libreml_runtime.a\n"
    "\n"
    "options:\n"
    "  --diagnostics=text|json     diagnostic format on stderr (default text)\n"
    "  --emit=mir|mir-json|regions output format of emit-mir (default mir; regions: the JSON\n"
    "                              with each function's regions)\n"
    "  -o FILE                     emit-mir: write to FILE instead of stdout; build: the\n"
    "                              output (default: FILE's stem, with .o/.ll/.s if not an\n"
    "                              executable, in the current directory; - is stdout)\n"
    "  --verify-mir                run the MIR verifier after lowering\n"
    "  --dump-mir                  print the MIR after lowering to stderr\n"
    "  --dump-rc                   print the MIR after reference-count insertion to stderr\n"
    "  --leak-check                run, run-mir: track allocations and print the leak report\n"
    "                              at exit (native programs: REML_LEAK_CHECK=1)\n"
    "  -L DIR                      run, run-mir, check, build: look for @library libraries in\n"
    "                              DIR first (built executables search it at run time too)\n"
    "  --emit-audit=PATH           check, run, build: write one JSON line per extern function\n"
    "                              to PATH describing its C bridge (docs/ffi.md)\n"
    "  -W error, --deny-warnings   check, run, build, emit-mir: treat warnings as errors (exit\n"
    "                              status 1, nothing run, built or printed; also -Werror)\n"
    "  --help, --version\n"
    "\n"
    "build options:\n"
    "  -O0 | -O2                   optimisation level (default -O2)\n"
    "  -g                          debug info mapping machine code to .hako lines\n"
    "  --target TRIPLE             x86_64-unknown-linux-gnu (default), aarch64-unknown-linux-gnu,\n"
    "                              x86_64-w64-windows-gnu (executables for these three),\n"
    "                              x86_64-pc-windows-msvc or arm64-apple-darwin (objects)\n"
    "  --emit=llvm-ir|asm|obj      write LLVM IR, assembly or an object instead of an executable\n"
    "  --link-runtime              link an executable with libreml_runtime.a (default)\n"
    "  --no-link-runtime           write only the object file\n"
    "  --runtime-path PATH         libreml_runtime.a or its directory (default: next to\n"
    "                              hakoc: ../lib/ when installed, runtime/ in a build tree)\n"
    "\n"
    "environment:\n"
    "  HAKO_CC                     the C compiler driver build links with (default clang-19,\n"
    "                              else cc); may carry flags\n";

struct CommandLine {
  std::string command;
  std::string file;
  std::vector<std::string> program_args;
  std::string output;
  diag::Format diag_format = diag::Format::Text;
  std::string emit;  // --emit value, checked against the command
  PipelineOptions pipeline;
  BuildOptions build;
  std::string build_only_option;  // the first build option seen, for commands that do not take it
  bool leak_check = false;        // run/run-mir: debug mode and the leak report at exit
  std::vector<std::string> lib_dirs;  // -L
  std::string audit_path;             // --emit-audit
  bool deny_warnings = false;         // -W error, --deny-warnings
};

// The --emit values of each command.
bool emit_fits(const std::string& command, const std::string& emit, BuildOptions& build) {
  if (command == "emit-mir") return emit == "mir" || emit == "mir-json" || emit == "regions";
  if (command != "build") return false;
  if (emit == "llvm-ir") build.emit = codegen::OutputKind::LlvmIr;
  else if (emit == "asm") build.emit = codegen::OutputKind::Asm;
  else if (emit == "obj") build.emit = codegen::OutputKind::Obj;
  else return false;
  return true;
}

// Prints a usage error as a diagnostic without a position and returns 1.
int usage_error(diag::Format format, const std::string& message) {
  diag::DiagEngine diags;
  diags.report_path(diag::Kind::UsageError, "hakoc", message + " (see 'hakoc --help')");
  std::fputs(diags.render(format).c_str(), stderr);
  return 1;
}

// Parses argv into `cl`; returns an error message or "".
std::string parse_args(int argc, char** argv, CommandLine& cl) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      for (int k = i + 1; k < argc; ++k) cl.program_args.push_back(argv[k]);
      break;
    }
    if (a == "--help" || a == "-h" || a == "--version") {
      cl.command = a;
      return "";
    }
    if (a.rfind("--diagnostics=", 0) == 0) {
      std::string v = a.substr(14);
      if (v == "json") cl.diag_format = diag::Format::Json;
      else if (v == "text") cl.diag_format = diag::Format::Text;
      else return "Unknown diagnostics format '" + v + "'; use text or json.";
    } else if (a.rfind("--emit=", 0) == 0) {
      cl.emit = a.substr(7);
    } else if (a == "-O0" || a == "-O2") {
      cl.build.codegen.opt = a == "-O0" ? codegen::OptLevel::O0 : codegen::OptLevel::O2;
      if (cl.build_only_option.empty()) cl.build_only_option = a;
    } else if (a == "-g") {
      cl.build.codegen.debug_info = true;
      if (cl.build_only_option.empty()) cl.build_only_option = a;
    } else if (a == "--link-runtime" || a == "--no-link-runtime") {
      cl.build.link_runtime = a == "--link-runtime";
      if (cl.build_only_option.empty()) cl.build_only_option = a;
    } else if (a == "--target" || a == "--runtime-path" || a.rfind("--target=", 0) == 0 ||
               a.rfind("--runtime-path=", 0) == 0) {
      size_t eq = a.find('=');
      std::string name = a.substr(0, eq);
      if (eq == std::string::npos && i + 1 >= argc) return name + " needs a value.";
      std::string value = eq == std::string::npos ? argv[++i] : a.substr(eq + 1);
      (name == "--target" ? cl.build.codegen.triple : cl.build.runtime_path) = value;
      if (cl.build_only_option.empty()) cl.build_only_option = name;
    } else if (a == "-o") {
      if (i + 1 >= argc) return "-o needs a file name.";
      cl.output = argv[++i];
    } else if (a == "--verify-mir") {
      cl.pipeline.verify_mir = true;
    } else if (a == "--dump-mir") {
      cl.pipeline.dump_mir = true;
    } else if (a == "--dump-rc") {
      cl.pipeline.dump_rc = true;
    } else if (a == "--leak-check") {
      cl.leak_check = true;
    } else if (a == "--deny-warnings") {
      cl.deny_warnings = true;
    } else if (a == "-W" || (a.rfind("-W", 0) == 0 && a.size() > 2)) {
      if (a == "-W" && i + 1 >= argc) return "-W needs a value; use '-W error'.";
      std::string value = a == "-W" ? argv[++i] : a.substr(2);
      if (value != "error") return "Unknown -W value '" + value + "'; use '-W error'.";
      cl.deny_warnings = true;
    } else if (a.rfind("-L", 0) == 0) {
      if (a == "-L" && i + 1 >= argc) return "-L needs a directory.";
      cl.lib_dirs.push_back(a == "-L" ? argv[++i] : a.substr(2));
    } else if (a.rfind("--emit-audit=", 0) == 0) {
      cl.audit_path = a.substr(13);
      if (cl.audit_path.empty()) return "--emit-audit needs a file name.";
    } else if (a.size() > 1 && a[0] == '-') {
      return "Unknown option '" + a + "'.";
    } else if (cl.command.empty()) {
      cl.command = a;
    } else if (cl.file.empty()) {
      cl.file = a;
    } else {
      return "Unexpected argument '" + a + "'; program arguments go after '--'.";
    }
  }
  if (cl.command.empty()) return "No command given.";
  static const char* const kCommands[] = {"run", "check", "emit-mir", "run-mir", "verify-mir", "build"};
  bool known = false;
  for (const char* c : kCommands) known = known || cl.command == c;
  if (!known) return "Unknown command '" + cl.command + "'.";
  if (cl.file.empty()) return "'" + cl.command + "' needs a FILE.";
  if (cl.command != "build" && !cl.build_only_option.empty())
    return "'" + cl.build_only_option + "' applies to 'build' only.";
  if (cl.leak_check && cl.command != "run" && cl.command != "run-mir")
    return "'--leak-check' applies to 'run' and 'run-mir' only; native programs take REML_LEAK_CHECK=1.";
  if (!cl.lib_dirs.empty() && cl.command != "run" && cl.command != "run-mir" && cl.command != "check" &&
      cl.command != "build")
    return "'-L' applies to 'run', 'run-mir', 'check' and 'build' only.";
  if (!cl.audit_path.empty() && cl.command != "run" && cl.command != "check" && cl.command != "build")
    return "'--emit-audit' applies to 'check', 'run' and 'build' only.";
  if (cl.deny_warnings && cl.command != "run" && cl.command != "check" && cl.command != "build" &&
      cl.command != "emit-mir")
    return "'-W error' applies to 'check', 'run', 'build' and 'emit-mir' only.";
  cl.build.lib_dirs = cl.lib_dirs;
  if (!cl.emit.empty() && !emit_fits(cl.command, cl.emit, cl.build)) {
    if (cl.command == "build") return "Unknown --emit format '" + cl.emit + "' for build; use llvm-ir, asm or obj.";
    if (cl.command == "emit-mir") return "Unknown --emit format '" + cl.emit + "'; use mir, mir-json or regions.";
    return "'--emit' applies to 'emit-mir' and 'build' only.";
  }
  cl.build.output = cl.output;
  return "";
}

bool ends_with(const std::string& s, const char* suffix) {
  size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

int write_output(const CommandLine& cl, const std::string& text) {
  if (cl.output.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  std::ofstream out(cl.output, std::ios::binary);
  out << text;
  if (!out) {
    diag::DiagEngine diags;
    diags.report_path(diag::Kind::OutputNotWritable, cl.output, "Cannot write '" + cl.output + "'.");
    std::fputs(diags.render(cl.diag_format).c_str(), stderr);
    return 1;
  }
  return 0;
}

// The module's JSON with the regions of every function (built before
// reference counts were inserted) as a further top-level "regions" array.
std::string regions_json(const mir::Module& m, const std::vector<region::FunctionRegions>& regions) {
  std::string json = mir::module_to_json(m);
  size_t end = json.find_last_of('}');
  std::string out = json.substr(0, end) + ",\n  \"regions\": [";
  for (size_t i = 0; i < regions.size(); ++i) out += (i ? ",\n    " : "\n    ") + region::to_json(regions[i]);
  out += regions.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

// Whether the command runs or links the program on this machine, so its
// extern functions must be found here (docs/ffi.md, "Symbols and libraries").
bool resolves_here(const CommandLine& cl) {
  if (cl.command == "run" || cl.command == "run-mir" || cl.command == "check") return true;
  return cl.command == "build" && !cl.build.emit && cl.build.link_runtime &&
         cl.build.codegen.triple == base::default_triple();
}

// Finds the program's C functions where this command needs them and writes
// the audit records when asked; nullopt (after reporting) when a symbol or
// library is missing or the audit cannot be written.
std::optional<std::vector<ResolvedExtern>> bridge_externs(const CommandLine& cl, const Compilation& c) {
  diag::DiagEngine diags;
  std::vector<ResolvedExtern> resolved;
  if (resolves_here(cl)) resolved = resolve_externs(*c.module, c.extern_decls, c.sources, cl.lib_dirs, diags);
  bool ok = !diags.has_errors();
  if (!cl.audit_path.empty()) {
    std::optional<base::TargetInfo> target = base::find_target(cl.pipeline.target);
    std::string records = audit_records(*c.module, c.extern_decls, resolved, c.sources,
                                        target ? *target : base::targets().front(), utc_timestamp());
    std::ofstream out(cl.audit_path, std::ios::binary);
    out << records;
    if (!out) {
      diags.report_path(diag::Kind::OutputNotWritable, cl.audit_path, "Cannot write '" + cl.audit_path + "'.");
      ok = false;
    }
  }
  diags.sort_by_position();
  if (!diags.diagnostics().empty()) std::fputs(diags.render(cl.diag_format).c_str(), stderr);
  if (!ok) return std::nullopt;
  return resolved;
}

}  // namespace

int main(int argc, char** argv) {
  CommandLine cl;
  std::string err = parse_args(argc, argv, cl);
  if (cl.command == "--help" || cl.command == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (cl.command == "--version") {
    std::puts(kVersion);
    return 0;
  }
  if (!err.empty()) return usage_error(cl.diag_format, err);

  diag::DiagEngine diags;
  bool mir_input = cl.command == "run-mir" || cl.command == "verify-mir" ||
                   ((cl.command == "emit-mir" || cl.command == "build") && ends_with(cl.file, ".mir"));
  cl.pipeline.keep_regions = cl.command == "emit-mir" && cl.emit == "regions";
  // A build for another target checks the extern declarations of that
  // target (an unknown triple is reported by the build itself).
  if (cl.command == "build" && base::find_target(cl.build.codegen.triple)) cl.pipeline.target = cl.build.codegen.triple;
  Compilation c = mir_input ? load_mir(cl.file, cl.pipeline, diags) : compile_source(cl.file, cl.pipeline, diags);
  diags.sort_by_position();
  // Last, after the warnings it is about.
  if (cl.deny_warnings && !diags.has_errors() && diags.warning_count() > 0) {
    uint32_t n = diags.warning_count();
    diags.report_path(diag::Kind::WarningsDenied, cl.file,
                      std::to_string(n) + (n == 1 ? " warning" : " warnings") +
                          " and warnings are denied (-W error / --deny-warnings); nothing was run or written.");
    c.module.reset();
  }
  if (!diags.diagnostics().empty()) std::fputs(diags.render(cl.diag_format).c_str(), stderr);
  if (!c.module) return 1;

  std::optional<std::vector<ResolvedExtern>> foreign = bridge_externs(cl, c);
  if (!foreign) return 1;
  if (cl.command == "check" || cl.command == "verify-mir") return 0;
  if (cl.command == "emit-mir") {
    if (cl.emit == "regions") return write_output(cl, regions_json(*c.module, c.regions));
    return write_output(cl, cl.emit == "mir-json" ? mir::module_to_json(*c.module) : mir::print_module(*c.module));
  }
  if (cl.command == "build") {
    diag::DiagEngine build_diags;
    bool ok = build(*c.module, cl.file, cl.build, build_diags);
    if (!build_diags.diagnostics().empty()) std::fputs(build_diags.render(cl.diag_format).c_str(), stderr);
    return ok ? 0 : 1;
  }
  std::fflush(stdout);
  std::fflush(stderr);
  if (cl.leak_check && !reml_debug_enable())
    reml_internal_error("--leak-check: objects were allocated before the run started");
  std::vector<void*> addresses;
  for (const ResolvedExtern& r : *foreign) addresses.push_back(r.address);
  return vm::run(*c.module, cl.program_args, addresses);
}

}  // namespace hako::driver
