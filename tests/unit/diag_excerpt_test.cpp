// The source excerpt of text diagnostics: columns in characters, carets by
// display width, tabs, long lines, and colour.
#include <gtest/gtest.h>

#include <string>

#include "base/source_map.h"
#include "diag/diag.h"
#include "diag/excerpt.h"

namespace hako::diag {
namespace {

TEST(DiagExcerpt, AsciiLineHasCaretsUnderTheSpan) {
  EXPECT_EQ(source_excerpt("print(totl)", 6, 10, "", ""), "  print(totl)\n        ^^^^\n");
}

TEST(DiagExcerpt, MultiByteCharactersTakeOneColumnEach) {
  // "é" and "ö" are two bytes each but one column wide.
  std::string line = "s = \"h\xC3\xA9ll\xC3\xB6\" + x";
  uint32_t x = static_cast<uint32_t>(line.find('x'));
  EXPECT_EQ(source_excerpt(line, x, x + 1, "", ""), "  " + line + "\n" + "  " + std::string(14, ' ') + "^\n");
}

TEST(DiagExcerpt, WideCharactersTakeTwoColumns) {
  // Each of the three CJK characters is three bytes and two columns wide.
  std::string line = "\"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\" + y";
  uint32_t y = static_cast<uint32_t>(line.find('y'));
  EXPECT_EQ(source_excerpt(line, y, y + 1, "", ""), "  " + line + "\n" + "  " + std::string(11, ' ') + "^\n");
}

TEST(DiagExcerpt, CaretsSpanAWideCharacterByItsWidth) {
  std::string line = "a\xE6\x97\xA5";
  EXPECT_EQ(source_excerpt(line, 1, 4, "", ""), "  " + line + "\n   ^^\n");
}

TEST(DiagExcerpt, TabsAreShownAsFourSpaces) {
  EXPECT_EQ(source_excerpt("\tx = y", 5, 6, "", ""), "      x = y\n          ^\n");
}

TEST(DiagExcerpt, EmptyLineGetsOneCaret) { EXPECT_EQ(source_excerpt("", 0, 0, "", ""), "  \n  ^\n"); }

TEST(DiagExcerpt, SpanPastTheLineEndStopsAtTheEnd) {
  EXPECT_EQ(source_excerpt("loop {", 5, 40, "", ""), "  loop {\n       ^\n");
}

TEST(DiagExcerpt, LongLineIsShownAsAWindowAroundTheSpan) {
  std::string line = std::string(300, 'a') + "BAD" + std::string(300, 'b');
  std::string out = source_excerpt(line, 300, 303, "", "");
  size_t nl = out.find('\n');
  std::string shown = out.substr(0, nl);
  std::string carets = out.substr(nl + 1);
  // Cut on both sides, with the span 40 columns into the window.
  EXPECT_EQ(shown.substr(0, 5), "  ...");
  EXPECT_EQ(shown.substr(shown.size() - 3), "...");
  EXPECT_EQ(shown.size(), 2 + 3 + kMaxExcerptWidth + 3);
  EXPECT_EQ(shown.find("BAD"), 2 + 3 + 40);
  EXPECT_EQ(carets, std::string(2 + 3 + 40, ' ') + "^^^\n");
}

TEST(DiagExcerpt, LongLineWithTheSpanAtItsEndKeepsAFullWindow) {
  std::string line = std::string(300, 'a') + "Z";
  std::string out = source_excerpt(line, 300, 301, "", "");
  std::string shown = out.substr(0, out.find('\n'));
  EXPECT_EQ(shown, "  ..." + std::string(kMaxExcerptWidth - 1, 'a') + "Z");
  EXPECT_EQ(out.substr(out.find('\n') + 1), std::string(2 + 3 + kMaxExcerptWidth - 1, ' ') + "^\n");
}

TEST(DiagExcerpt, CaretColourWrapsTheCarets) {
  EXPECT_EQ(source_excerpt("ab", 1, 2, "<", ">"), "  ab\n   <^>\n");
}

TEST(DiagRenderColumns, ColumnCountsCharactersNotBytes) {
  base::SourceMap sources;
  const base::SourceFile& file = *sources.add("t.hako", "local s = \"\xC3\xA9\xC3\xA9\" + q\n");
  uint32_t q = static_cast<uint32_t>(file.text().find('q'));
  DiagEngine engine;
  engine.report(Kind::UndefinedName, sources, base::Span{file.base() + q, file.base() + q + 1}, "Unknown name 'q'.");
  // 'q' is the 18th character and the 20th byte.
  std::string text = engine.render(Format::Text);
  EXPECT_EQ(text.substr(0, text.find('\n')), "t.hako:1:18: error[E0301]: Unknown name 'q'.");
  EXPECT_NE(engine.render(Format::Json).find("\"line\":1,\"col\":18"), std::string::npos);
}

TEST(DiagRenderColumns, ColourMarksSeverityLocationAndCaretsOnly) {
  base::SourceMap sources;
  const base::SourceFile& file = *sources.add("t.hako", "x\n");
  DiagEngine engine;
  engine.report(Kind::UndefinedName, sources, base::Span{file.base(), file.base() + 1}, "Unknown name 'x'.");
  EXPECT_EQ(engine.render(Format::Text, true),
            "\x1b[1mt.hako:1:1: \x1b[0m\x1b[1;31merror[E0301]\x1b[0m\x1b[1m: Unknown name 'x'.\x1b[0m\n"
            "  x\n  \x1b[1;31m^\x1b[0m\n");
  // JSON never carries escapes.
  EXPECT_EQ(engine.render(Format::Json, true).find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace hako::diag
