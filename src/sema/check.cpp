// The inference driver: repeated walks to a fixpoint, then the recording walk.
#include "sema/checker.h"
#include "sema/fini_budget.h"
#include "sema/sema.h"

namespace hako::sema {

namespace {
// Kind joins only ever move up a lattice of height 3, so inference settles
// in a few walks; this bound only guards against a bug looping forever.
constexpr int kMaxWalks = 64;
}  // namespace

std::optional<CheckedProgram> check(const ast::Program& program, const base::SourceMap& sources,
                                    diag::DiagEngine& diags, const CheckOptions& options) {
  return Checker(program, sources, diags, options).run();
}

std::optional<CheckedProgram> Checker::run() {
  uint32_t errors_before = diags_.error_count();
  recording_ = true;
  declare_boxes();
  declare_aliases();
  declare_externs();
  find_main();
  if (out_.main_func != kNone) {
    // main(args) receives an ArrayBox.
    const FuncInfo& main = out_.funcs[out_.main_func];
    if (!main.params.empty()) local_kinds_[main.params[0]] = Tag::of(Kind::Array);
  }

  for (const FuncInfo& fn : out_.funcs) returns_value_.push_back(has_value_return(fn.decl->body));

  recording_ = false;
  // Settle, give what nothing flowed into its default, and settle again (the
  // defaults flow on).
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < kMaxWalks; ++i) {
      changed_ = false;
      walk_all();
      if (!changed_) break;
    }
    finalize_kinds();
  }
  recording_ = true;
  walk_all();

  for (uint32_t i = 0; i < out_.locals.size(); ++i)
    out_.locals[i].kind = local_kinds_[i] ? *local_kinds_[i] : Tag::of(Kind::Void);
  for (uint32_t f = 0; f < out_.funcs.size(); ++f)
    out_.funcs[f].ret = ret_kinds_[f] ? *ret_kinds_[f] : Tag::of(Kind::Void);

  report_unused_locals(diags_.error_count() > errors_before);
  if (diags_.error_count() > errors_before) return std::nullopt;
  return std::move(out_);
}

void Checker::walk_all() {
  for (uint32_t f = 0; f < out_.funcs.size(); ++f) walk_function(f);
}

void Checker::walk_function(uint32_t func) {
  FuncInfo& fn = out_.funcs[func];
  cur_func_ = func;
  cur_box_ = fn.box;
  scopes_.clear();
  scopes_.emplace_back();
  loop_depth_ = 0;
  unsafe_depth_ = 0;
  barriers_.clear();
  declared_locals_.clear();
  // A method some call_method may reach receives Handles.
  if (fn.has_me && dynamic_calls_.count({fn.decl->name, static_cast<uint32_t>(fn.params.size())})) {
    if (!fn.dynamically_callable) changed_ = true;
    fn.dynamically_callable = true;
    for (uint32_t p : fn.params) join_local(p, Tag::of(Kind::Handle));
  }
  for (const ast::Param& p : fn.decl->params) {
    scopes_.back()[p.name] = p.id;
    local_spans_[p.id] = p.span;
  }
  block(fn.decl->body, /*new_scope=*/false);
  if (!always_exits(fn.decl->body)) join_ret(func, Tag::of(Kind::Void));
  // A repeated fini() call does nothing and gives null.
  if (fn.has_me && out_.boxes[fn.box].fini_func == func) join_ret(func, Tag::of(Kind::Void));
  if (recording_) {
    note_unused_locals();
    FiniExpansion x = fini_expansion(fn.decl->body);
    if (x.over_at)
      report(diag::Kind::FiniTooLarge, *x.over_at,
             "The fini blocks of this method would add more than " + std::to_string(kMaxFiniCopiedStatements) +
                 " statements: each fini block is compiled once for every exit of its block, so fini blocks inside "
                 "the bodies of others multiply. Move the cleanup into a method and call that from the fini block.");
  }
  cur_func_ = kNone;
}

void Checker::finalize_kinds() {
  // Parameters nothing was passed to may receive anything; locals and returns
  // nothing flowed into hold Void.
  for (FuncInfo& fn : out_.funcs)
    for (uint32_t p : fn.params)
      if (!local_kinds_[p]) local_kinds_[p] = Tag::of(Kind::Handle);
  for (auto& k : local_kinds_)
    if (!k) k = Tag::of(Kind::Void);
  for (auto& k : ret_kinds_)
    if (!k) k = Tag::of(Kind::Void);
}

void Checker::report(diag::Kind kind, ast::Span span, std::string message) {
  if (recording_) diags_.report(kind, sources_, span, std::move(message));
}

void Checker::report(diag::Kind kind, ast::Span span, std::string message, std::string help) {
  if (recording_) diags_.report(kind, sources_, span, std::move(message), std::move(help));
}

void Checker::join_local(uint32_t local, KindOpt kind) {
  KindOpt joined = join(local_kinds_[local], kind);
  if (joined != local_kinds_[local]) {
    local_kinds_[local] = joined;
    changed_ = true;
  }
}

void Checker::join_ret(uint32_t func, KindOpt kind) {
  KindOpt joined = join(ret_kinds_[func], kind);
  if (joined != ret_kinds_[func]) {
    ret_kinds_[func] = joined;
    changed_ = true;
  }
}

}  // namespace hako::sema
