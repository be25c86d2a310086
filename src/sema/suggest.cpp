// Notes and "did you mean" suggestions attached to sema's diagnostics.
#include <algorithm>
#include <iterator>
#include <set>
#include <utility>

#include "base/spelling.h"
#include "lex/lex.h"
#include "sema/builtins.h"
#include "sema/checker.h"

namespace hako::sema {

void Checker::note(ast::Span span, std::string message) {
  if (recording_) diags_.note(sources_, span, std::move(message));
}

void Checker::did_you_mean(ast::Span span, const std::string& name, const std::vector<std::string>& candidates) {
  if (!recording_) return;
  std::optional<std::string> best = base::closest_name(name, candidates);
  if (!best) return;
  diags_.suggest_replacement(sources_, span, *best, "did you mean '" + *best + "'?");
}

std::vector<std::string> Checker::visible_names() const {
  // Innermost scope first: a closer declaration wins a tie.
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
    // In order of declaration (local ids grow), so ties are deterministic.
    std::vector<std::pair<uint32_t, std::string>> scope;
    for (const auto& [n, id] : *it) scope.emplace_back(id, n);
    std::sort(scope.begin(), scope.end());
    for (const auto& [id, n] : scope)
      if (seen.insert(n).second) out.push_back(n);
  }
  for (const BoxInfo& b : out_.boxes)
    if (b.is_static && seen.insert(b.name).second) out.push_back(b.name);
  return out;
}

std::vector<std::string> Checker::field_names(uint32_t box) const {
  std::vector<std::string> out;
  for (const FieldInfo& f : out_.boxes[box].fields) out.push_back(f.name);
  return out;
}

std::vector<std::string> Checker::static_field_names(uint32_t box) const {
  // Globals are named "Box.field".
  std::vector<std::string> out;
  size_t prefix = out_.boxes[box].name.size() + 1;
  for (uint32_t g : out_.boxes[box].globals) out.push_back(out_.globals[g].name.substr(prefix));
  return out;
}

std::vector<std::string> Checker::method_names(uint32_t box) const {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (uint32_t f : out_.boxes[box].methods) {
    const std::string& n = out_.funcs[f].decl->name;
    if (n != "birth" && n != "fini" && seen.insert(n).second) out.push_back(n);
  }
  return out;
}

std::vector<std::string> Checker::box_names() const {
  std::vector<std::string> out;
  for (const BoxInfo& b : out_.boxes) out.push_back(b.name);
  for (const std::string& n : builtin_box_names()) out.push_back(n);
  return out;
}

void Checker::method_arity_mismatch(uint32_t box, const std::string& method, const std::string& display,
                                    uint32_t given, ast::Span span) {
  std::set<size_t> arities;
  std::vector<const ast::MethodDecl*> decls;
  for (uint32_t f : out_.boxes[box].methods) {
    const ast::MethodDecl* d = out_.funcs[f].decl;
    if (d->name != method) continue;
    arities.insert(d->params.size());
    decls.push_back(d);
  }
  report(diag::Kind::ArityMismatch, span,
         "'" + display + "' takes " + arities_text(arities) + " but " + std::to_string(given) +
             (given == 1 ? " was" : " were") + " given.");
  for (const ast::MethodDecl* d : decls) note(d->name_span, "'" + method + "' declared here");
}

bool Checker::same_line(uint32_t a, uint32_t b) const {
  const base::SourceFile* fa = sources_.file_of(a);
  return fa && fa == sources_.file_of(b) && fa->line_col(a).line == fa->line_col(b).line;
}

bool Checker::suggest_keyword(ast::Span span, const std::string& name) {
  static const lex::TokenKind kStatementKeywords[] = {
      lex::TokenKind::KwLocal, lex::TokenKind::KwReturn,   lex::TokenKind::KwIf,    lex::TokenKind::KwWhile,
      lex::TokenKind::KwLoop,  lex::TokenKind::KwPrint,    lex::TokenKind::KwBreak, lex::TokenKind::KwContinue,
      lex::TokenKind::KwUnsafe};
  std::vector<std::string> words;
  for (lex::TokenKind k : kStatementKeywords) words.emplace_back(lex::token_kind_spelling(k));
  std::optional<std::string> best = base::closest_name(name, words);
  // Two edits at most, and never more than the name's own threshold allows.
  if (!best || base::edit_distance(name, *best) > 2) return false;
  if (recording_) diags_.suggest_replacement(sources_, span, *best, "did you mean the keyword '" + *best + "'?");
  return true;
}

void Checker::method_without_call(const ast::FieldGet& e, const std::string& owner) {
  report(diag::Kind::UnknownField, e.field_span,
         owner + " has no field '" + e.field + "'; '" + e.field + "' is a method.");
  if (recording_)
    diags_.suggest_replacement(sources_, base::Span{e.field_span.end, e.field_span.end}, "()",
                               "call it: '" + e.field + "()'");
}

}  // namespace hako::sema
