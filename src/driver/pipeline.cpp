#include "driver/pipeline.h"

#include <cstdio>

#include "driver/load_source.h"
#include "lower/lower.h"
#include "mir/printer.h"
#include "mir/text_parser.h"
#include "mir/verify.h"
#include "parse/parse.h"
#include "sema/sema.h"

namespace hako::driver {

namespace {

#ifdef HAKO_VERIFY_AFTER_LOWERING
constexpr bool kAlwaysVerify = true;
#else
constexpr bool kAlwaysVerify = false;
#endif

// Reports verifier findings; `internal` marks them as compiler bugs.
bool verify(const mir::Module& m, const base::SourceFile* file, bool internal, diag::DiagEngine& diags) {
  auto errors = mir::verify_module(m);
  for (const auto& e : errors) {
    std::string msg = mir::format_verify_error(e);
    if (internal) msg = "internal compiler error: the lowered MIR is invalid: " + msg;
    diags.report(diag::Kind::MirVerify, file, base::Span{0, 0}, msg);
  }
  return errors.empty();
}

}  // namespace

Compilation compile_source(const std::string& path, const PipelineOptions& options, diag::DiagEngine& diags) {
  Compilation c;
  LoadedSource loaded = load_source(path, diags);
  c.file = std::move(loaded.file);
  if (!loaded.usable) return c;

  ast::Program program = parse::parse_program(*c.file, diags);
  if (diags.has_errors()) return c;

  std::optional<sema::CheckedProgram> checked = sema::check(program, *c.file, diags);
  if (!checked) return c;

  mir::Module module = lower::lower_program(*checked);
  if (options.dump_mir) std::fputs(mir::print_module(module).c_str(), stderr);
  if ((options.verify_mir || kAlwaysVerify) && !verify(module, c.file.get(), /*internal=*/true, diags)) return c;

  c.module = std::move(module);
  return c;
}

Compilation load_mir(const std::string& path, diag::DiagEngine& diags) {
  Compilation c;
  LoadedSource loaded = load_source(path, diags);
  c.file = std::move(loaded.file);
  if (!loaded.usable) return c;
  std::optional<mir::Module> module = mir::parse_module(*c.file, diags);
  if (!module || diags.has_errors()) return c;
  if (!verify(*module, c.file.get(), /*internal=*/false, diags)) return c;
  c.module = std::move(module);
  return c;
}

}  // namespace hako::driver
