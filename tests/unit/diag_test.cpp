// Rendering of diagnostics with notes and suggestions, as text and JSON.
#include <gtest/gtest.h>

#include <string>

#include "base/source_map.h"
#include "diag/diag.h"

namespace hako::diag {
namespace {

// A two-line file; offsets are global, so they start at the file's base.
struct Fixture {
  base::SourceMap sources;
  const base::SourceFile& file;
  DiagEngine engine;
  Fixture() : file(*sources.add("t.hako", "local total = 1\nprint(totl)\n")) {}
  base::Span at(uint32_t begin, uint32_t end) const { return base::Span{file.base() + begin, file.base() + end}; }
};

TEST(DiagRender, TextShowsSuggestionsThenNotesWithTheirSource) {
  Fixture f;
  f.engine.report(Kind::UndefinedName, f.sources, f.at(22, 26), "Unknown name 'totl'.");
  f.engine.suggest_replacement(f.sources, f.at(22, 26), "total", "did you mean 'total'?");
  f.engine.note(f.sources, f.at(6, 11), "'total' declared here");
  EXPECT_EQ(f.engine.render(Format::Text),
            "t.hako:2:7: error[E0301]: Unknown name 'totl'.\n"
            "  print(totl)\n"
            "        ^^^^\n"
            "  help: did you mean 'total'?\n"
            "t.hako:1:7: note: 'total' declared here\n"
            "  local total = 1\n"
            "        ^^^^^\n");
}

TEST(DiagRender, JsonCarriesChildrenWithSpansAndReplacements) {
  Fixture f;
  f.engine.report(Kind::UndefinedName, f.sources, f.at(22, 26), "Unknown name 'totl'.");
  f.engine.suggest_replacement(f.sources, f.at(22, 26), "total", "did you mean 'total'?");
  f.engine.note(f.sources, f.at(6, 11), "'total' declared here");
  f.engine.suggest("rename it");
  EXPECT_EQ(f.engine.render(Format::Json),
            "{\"code\":\"E0301\",\"name\":\"sema.undefined_name\",\"severity\":\"error\","
            "\"message\":\"Unknown name 'totl'.\",\"help\":null,\"file\":\"t.hako\",\"line\":2,\"col\":7,"
            "\"span\":{\"begin\":22,\"end\":26,\"end_line\":2,\"end_col\":11},\"children\":["
            "{\"level\":\"note\",\"message\":\"'total' declared here\",\"spans\":[{\"file\":\"t.hako\",\"line\":1,"
            "\"col\":7,\"span\":{\"begin\":6,\"end\":11,\"end_line\":1,\"end_col\":12},\"suggested_replacement\":null}]},"
            "{\"level\":\"help\",\"message\":\"did you mean 'total'?\",\"spans\":[{\"file\":\"t.hako\",\"line\":2,"
            "\"col\":7,\"span\":{\"begin\":22,\"end\":26,\"end_line\":2,\"end_col\":11},"
            "\"suggested_replacement\":\"total\"}]},"
            "{\"level\":\"help\",\"message\":\"rename it\",\"spans\":[]}]}\n");
}

TEST(DiagRender, JsonWithoutNotesHasEmptyChildren) {
  Fixture f;
  f.engine.report(Kind::UndefinedName, f.sources, f.at(22, 26), "Unknown name 'totl'.");
  std::string json = f.engine.render(Format::Json);
  EXPECT_NE(json.find(",\"children\":[]}"), std::string::npos) << json;
}

TEST(DiagRender, NotesOfADroppedReportAreDropped) {
  Fixture f;
  DiagEngine engine(1);
  engine.report(Kind::UndefinedName, f.sources, f.at(22, 26), "first");
  engine.report(Kind::UndefinedName, f.sources, f.at(22, 26), "second");  // becomes TooManyErrors
  engine.note(f.sources, f.at(6, 11), "lost");
  engine.report(Kind::UndefinedName, f.sources, f.at(22, 26), "third");   // dropped
  engine.suggest("lost too");
  ASSERT_EQ(engine.diagnostics().size(), 2u);
  EXPECT_TRUE(engine.diagnostics()[0].notes.empty());
  EXPECT_TRUE(engine.diagnostics()[1].notes.empty());
  EXPECT_TRUE(engine.diagnostics()[1].suggestions.empty());
}

}  // namespace
}  // namespace hako::diag
