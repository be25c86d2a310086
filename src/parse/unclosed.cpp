// Which `{` was never closed, guessed by indentation (as rustc does): a `}`
// that starts its line closes the nearest open `{` whose line has the same
// indentation, and the blocks opened after that one, which it skips, are
// the ones missing their `}`.
#include <vector>

#include "parse/parser.h"

namespace hako::parse {

namespace {

// The indentation of the line holding byte `offset` of `file` (a tab counts
// as four columns, as diagnostics show it), and whether the token at
// `offset` is the first thing on its line.
struct LineIndent {
  uint32_t columns = 0;
  bool first_on_line = false;
};

LineIndent indent_at(const base::SourceFile& file, uint32_t offset) {
  uint32_t line = file.line_col(offset).line;
  std::string_view text = file.line_text(line);
  LineIndent li;
  size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) li.columns += text[i++] == '\t' ? 4 : 1;
  li.first_on_line = file.line_start(line) + i == offset;
  return li;
}

}  // namespace

std::optional<base::Span> Parser::unclosed_by_indentation(base::Span open) const {
  struct Opener {
    base::Span span;
    uint32_t indent;
  };
  std::vector<Opener> stack;
  std::optional<base::Span> skipped;  // the first `{` a `}` of another indentation left open
  uint32_t first = 0;
  while (first < pos_ && toks_[first].span.begin != open.begin) ++first;
  for (uint32_t i = first; i < pos_ && i < toks_.size(); ++i) {
    const Token& t = toks_[i];
    if (t.kind == TokenKind::LBrace || t.kind == TokenKind::PercentLBrace) {
      stack.push_back(Opener{t.span, indent_at(file_, t.span.begin).columns});
      continue;
    }
    if (t.kind != TokenKind::RBrace || stack.empty()) continue;
    LineIndent li = indent_at(file_, t.span.begin);
    size_t match = stack.size() - 1;
    if (li.first_on_line) {
      for (size_t k = stack.size(); k-- > 0;) {
        if (stack[k].indent == li.columns) {
          match = k;
          break;
        }
      }
    }
    // The openers above the match are left without their `}`.
    if (match + 1 < stack.size() && !skipped) skipped = stack[match + 1].span;
    stack.resize(match);
  }
  return skipped;
}

}  // namespace hako::parse
