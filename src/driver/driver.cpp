#include "driver/driver.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "base/targets.h"
#include "base/spelling.h"
#include "diag/diag.h"
#include "diag/explain.h"
#include "driver/audit.h"
#include "driver/build.h"
#include "driver/foreign.h"
#include "driver/options.h"
#include "driver/pipeline.h"
#include "mir/printer.h"
#include "reml_runtime.h"
#include "vm/vm.h"

namespace hako::driver {

namespace {

constexpr const char* kVersion = "hakoc 0.1.0";

struct CommandLine {
  std::string command;
  std::vector<std::string> files;  // the FILE operands (several for check)
  std::string file;                // the one being compiled
  std::vector<std::string> program_args;
  std::string output;
  diag::Format diag_format = diag::Format::Text;
  std::string emit;  // --emit value, checked against the command
  PipelineOptions pipeline;
  BuildOptions build;
  bool leak_check = false;        // run/run-mir: debug mode and the leak report at exit
  std::vector<std::string> lib_dirs;  // -L
  std::string audit_path;             // --emit-audit
  bool deny_warnings = false;         // -W error, --deny-warnings
  bool colour = false;                // text diagnostics with ANSI colours (--color, NO_COLOR)
};

// Writes `diags` to stderr in the command line's format (nothing when empty).
void print_diagnostics(const CommandLine& cl, const diag::DiagEngine& diags) {
  if (!diags.diagnostics().empty()) std::fputs(diags.render(cl.diag_format, cl.colour).c_str(), stderr);
}

// Whether text diagnostics get colour: `always`, or `auto` (the default)
// when stderr is a terminal and NO_COLOR is unset or empty (no-color.org).
bool want_colour(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_colour = std::getenv("NO_COLOR");
  return isatty(STDERR_FILENO) && (no_colour == nullptr || no_colour[0] == '\0');
}

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

// Prints a usage error as a diagnostic without a position and returns 1;
// it points at the help of `command` when one was recognised.
int usage_error(diag::Format format, bool colour, const std::string& message, std::optional<Command> command) {
  diag::DiagEngine diags;
  std::string help = command ? "hakoc " + std::string(command_name(*command)) + " --help" : "hakoc --help";
  diags.report_path(diag::Kind::UsageError, "hakoc", message + " (see '" + help + "')");
  std::fputs(diags.render(format, colour).c_str(), stderr);
  return 1;
}

// Interprets the value of one option in `cl`; returns an error or "".
std::string apply_option(const OptionUse& use, CommandLine& cl) {
  const std::string& v = use.value;
  switch (use.option) {
    case Option::Diagnostics:
      if (v == "json") cl.diag_format = diag::Format::Json;
      else if (v == "text") cl.diag_format = diag::Format::Text;
      else return "Unknown diagnostics format '" + v + "'; use text or json.";
      return "";
    case Option::Emit: cl.emit = v; return "";
    case Option::Colour:
      if (v != "auto" && v != "always" && v != "never")
        return "Unknown --color value '" + v + "'; use auto, always or never.";
      cl.colour = want_colour(v);
      return "";
    case Option::Output: cl.output = v; return "";
    case Option::VerifyMirFlag: cl.pipeline.verify_mir = true; return "";
    case Option::DumpMir: cl.pipeline.dump_mir = true; return "";
    case Option::DumpRc: cl.pipeline.dump_rc = true; return "";
    case Option::LeakCheck: cl.leak_check = true; return "";
    case Option::LibDir:
      if (v.empty()) return "-L needs a directory.";
      cl.lib_dirs.push_back(v);
      return "";
    case Option::EmitAudit:
      if (v.empty()) return "--emit-audit needs a file name.";
      cl.audit_path = v;
      return "";
    case Option::Warnings:
      if (v != "error") return "Unknown -W value '" + v + "'; use '-W error'.";
      cl.deny_warnings = true;
      return "";
    case Option::DenyWarnings: cl.deny_warnings = true; return "";
    case Option::O0: cl.build.codegen.opt = codegen::OptLevel::O0; return "";
    case Option::O2: cl.build.codegen.opt = codegen::OptLevel::O2; return "";
    case Option::DebugInfo: cl.build.codegen.debug_info = true; return "";
    case Option::Target: cl.build.codegen.triple = v; return "";
    case Option::LinkRuntime: cl.build.link_runtime = true; return "";
    case Option::NoLinkRuntime: cl.build.link_runtime = false; return "";
    case Option::RuntimePath: cl.build.runtime_path = v; return "";
    case Option::Help:
    case Option::HelpShort:
    case Option::Version: break;  // parse_command_line keeps these out of the list
  }
  reml_internal_error("option %s reached apply_option", std::string(option_spelling(use.option)).c_str());
}

// Fills `cl` from the parsed command line; returns an error message or "".
std::string interpret_args(const ParsedArgs& args, CommandLine& cl) {
  if (!args.command) return "No command given.";
  cl.command = std::string(command_name(*args.command));
  cl.program_args = args.program_args;
  if (*args.command == Command::Explain) {
    if (args.operands.size() > 1) return "'explain' takes one diagnostic code.";
    cl.files = args.operands;
    return check_options_apply(args);
  }
  if (args.operands.empty()) return "'" + cl.command + "' needs a FILE.";
  if (args.operands.size() > 1 && !command_takes_many(*args.command))
    return "Unexpected argument '" + args.operands[1] + "'; program arguments go after '--'.";
  cl.files = args.operands;
  std::string err = check_options_apply(args);
  if (!err.empty()) return err;
  for (const OptionUse& use : args.options) {
    err = apply_option(use, cl);
    if (!err.empty()) return err;
  }
  cl.build.lib_dirs = cl.lib_dirs;
  if (!cl.emit.empty() && !emit_fits(cl.command, cl.emit, cl.build)) {
    if (cl.command == "build") return "Unknown --emit format '" + cl.emit + "' for build; use llvm-ir, asm or obj.";
    return "Unknown --emit format '" + cl.emit + "'; use mir, mir-json or regions.";
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
    print_diagnostics(cl, diags);
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
  print_diagnostics(cl, diags);
  if (!ok) return std::nullopt;
  return resolved;
}

// Compiles `cl.file` and runs the command on it; the process exit status.
int run_command(CommandLine& cl) {
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
  print_diagnostics(cl, diags);
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
    print_diagnostics(cl, build_diags);
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

// `hakoc explain [CODE]`: the explanation of CODE, or the list of codes.
int explain(const CommandLine& cl) {
  if (cl.files.empty()) {
    for (std::string_view code : diag::explained_codes()) {
      std::optional<std::string_view> title = diag::explanation_title(code);
      if (!title) reml_internal_error("explanation %.*s has no title", static_cast<int>(code.size()), code.data());
      std::printf("%.*s  %.*s\n", static_cast<int>(code.size()), code.data(), static_cast<int>(title->size()),
                  title->data());
    }
    return 0;
  }
  const std::string& code = cl.files[0];
  std::optional<std::string_view> text = diag::explanation(code);
  if (!text) {
    std::vector<std::string> codes;
    for (std::string_view c : diag::explained_codes()) codes.emplace_back(c);
    std::optional<std::string> near = base::closest_name(code, codes);
    return usage_error(cl.diag_format, cl.colour,
                       "No diagnostic code '" + code + "'" + (near ? "; did you mean '" + *near + "'?" : "."),
                       Command::Explain);
  }
  std::fputs(diag::without_markers(*text).c_str(), stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ParsedArgs args;
  std::string err = parse_command_line(argc, argv, args);
  if (args.help) {
    std::fputs((args.command ? command_help(*args.command) : usage_text()).c_str(), stdout);
    return 0;
  }
  if (args.version) {
    std::puts(kVersion);
    return 0;
  }
  CommandLine cl;
  cl.colour = want_colour("auto");
  // The diagnostics format and colour apply to the usage error too.
  for (const OptionUse& use : args.options) {
    if (use.option == Option::Diagnostics && use.value == "json") cl.diag_format = diag::Format::Json;
    if (use.option == Option::Colour) cl.colour = want_colour(use.value);
  }
  if (err.empty()) err = interpret_args(args, cl);
  if (!err.empty()) return usage_error(cl.diag_format, cl.colour, err, args.command);
  if (*args.command == Command::Explain) return explain(cl);
  if (cl.files.size() == 1) {
    cl.file = cl.files[0];
    return run_command(cl);  // for run and run-mir: the program's exit status
  }
  // `check` takes several files: each is checked on its own, and the exit
  // status is 1 if any of them has an error.
  int status = 0;
  for (const std::string& file : cl.files) {
    cl.file = file;
    if (run_command(cl) != 0) status = 1;
  }
  return status;
}

}  // namespace hako::driver
