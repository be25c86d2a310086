#include "driver/pipeline.h"

#include <cstdio>

#include "driver/load_source.h"
#include "driver/program_files.h"
#include "lower/lower.h"
#include "mir/infer_hints.h"
#include "mir/printer.h"
#include "mir/text_parser.h"
#include "mir/verify.h"
#include "rc/borrow.h"
#include "rc/rc.h"
#include "rc/reuse.h"
#include "region/region.h"
#include "sema/sema.h"

namespace hako::driver {

namespace {

#ifdef HAKO_VERIFY_AFTER_LOWERING
constexpr bool kAlwaysVerify = true;
#else
constexpr bool kAlwaysVerify = false;
#endif

// The place in MIR text a verifier finding is about: its instruction, else
// its block label, its function's name, its method or box declaration, or
// the `entry` line.
base::Span locate(const mir::VerifyError& e, const mir::TextPositions& at) {
  if (e.func != mir::kNone && e.func < at.functions.size()) {
    if (e.block != mir::kNone && e.block < at.labels[e.func].size()) {
      const std::vector<base::Span>& insts = at.insts[e.func][e.block];
      return e.inst != mir::kNone && e.inst < insts.size() ? insts[e.inst] : at.labels[e.func][e.block];
    }
    return at.functions[e.func];
  }
  if (e.box != mir::kNone && e.box < at.boxes.size()) {
    const std::vector<base::Span>& methods = at.methods[e.box];
    return e.method != mir::kNone && e.method < methods.size() ? methods[e.method] : at.boxes[e.box];
  }
  return at.entry;
}

// Reports verifier findings, at their place in the text when `positions`
// describes the module; `internal` marks them as compiler bugs.
bool verify(const mir::Module& m, const base::SourceFile* file, bool internal, diag::DiagEngine& diags,
            const mir::TextPositions* positions = nullptr) {
  auto errors = mir::verify_module(m);
  for (const auto& e : errors) {
    std::string msg = mir::format_verify_error(e);
    if (internal) msg = "internal compiler error: the lowered MIR is invalid: " + msg;
    diags.report(diag::Kind::MirVerify, file, positions ? locate(e, *positions) : base::Span{0, 0}, msg);
  }
  return errors.empty();
}

// f's regions, traced, when they are traced or kept (none otherwise: the
// full region tree is not needed to insert reference counts).
std::optional<region::FunctionRegions> observe_regions(const mir::Module& m, const mir::Function& f,
                                                        const PipelineOptions& options) {
  bool traced = region::trace_enabled(f.name);
  if (!traced && !options.keep_regions) return std::nullopt;
  region::FunctionRegions r = region::build_regions(f, &m.boxes);
  if (traced) region::trace(r);
  return r;
}

// Borrowed field reads, regions and value ownership, then explicit
// reference counts.
void make_rc_explicit(mir::Module& m, const PipelineOptions& options, Compilation& c) {
  rc::borrow_field_reads(m);
  std::vector<region::ValueOwnership> ownership;
  ownership.reserve(m.functions.size());
  for (const mir::Function& f : m.functions) {
    std::optional<region::FunctionRegions> r = observe_regions(m, f, options);
    ownership.push_back(r ? r->values : region::classify_values(f, &m.boxes));
    if (r && options.keep_regions) c.regions.push_back(std::move(*r));
  }
  rc::insert_rc(m, ownership);
  rc::reuse_dying_boxes(m);
  if (options.dump_rc) std::fputs(mir::print_module(m).c_str(), stderr);
}

}  // namespace

Compilation compile_source(const std::string& path, const PipelineOptions& options, diag::DiagEngine& diags) {
  Compilation c;
  std::optional<ast::Program> program = load_program(path, c.sources, diags);
  if (!program || diags.has_errors()) return c;

  std::optional<sema::CheckedProgram> checked =
      sema::check(*program, c.sources, diags, sema::CheckOptions{options.target});
  if (!checked) return c;
  c.extern_decls = checked->extern_decls;

  mir::Module module = lower::lower_program(*checked);
  if (options.dump_mir) std::fputs(mir::print_module(module).c_str(), stderr);
  const bool check = options.verify_mir || kAlwaysVerify;
  if (check && !verify(module, &c.sources.file(0), /*internal=*/true, diags)) return c;

  make_rc_explicit(module, options, c);
  if (check && !verify(module, &c.sources.file(0), /*internal=*/true, diags)) return c;

  // Soft hints for the back ends: optional, never checked (mir/hints.def).
  mir::infer_hints(module);

  c.module = std::move(module);
  return c;
}

Compilation load_mir(const std::string& path, const PipelineOptions& options, diag::DiagEngine& diags) {
  Compilation c;
  LoadedSource loaded = load_source(path, c.sources, diags);
  if (!loaded.usable) return c;
  const base::SourceFile* file = loaded.file;
  mir::TextPositions positions;
  std::optional<mir::Module> module = mir::parse_module(*file, diags, &positions);
  if (!module || diags.has_errors()) return c;
  if (!verify(*module, file, /*internal=*/false, diags, &positions)) return c;
  if (!module->rc_explicit) {
    make_rc_explicit(*module, options, c);
    if (!verify(*module, file, /*internal=*/true, diags)) return c;
  } else {
    // Counts already explicit: the regions are observed as the text has them.
    for (const mir::Function& f : module->functions)
      if (std::optional<region::FunctionRegions> r = observe_regions(*module, f, options); r && options.keep_regions)
        c.regions.push_back(std::move(*r));
  }
  c.module = std::move(module);
  return c;
}

}  // namespace hako::driver
