// The notes and "did you mean" suggestions sema attaches to its diagnostics
// (docs/language.md, "Diagnostics: notes and suggestions").
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "parse/parse.h"
#include "sema/sema.h"

namespace hako {
namespace {

struct Checked {
  base::SourceMap sources;
  const base::SourceFile& file;
  diag::DiagEngine diags;

  explicit Checked(const std::string& src) : file(*sources.add("t.hako", src)) {
    ast::Program program = parse::parse_program(file, diags);
    if (!diags.has_errors()) sema::check(program, sources, diags, sema::CheckOptions{});
  }
  std::string text() const { return diags.render(diag::Format::Text); }
  // The one diagnostic of `code`; fails the test when there is not exactly one.
  const diag::Diagnostic& only(const char* code) const {
    const diag::Diagnostic* found = nullptr;
    int n = 0;
    for (const auto& d : diags.diagnostics())
      if (std::string(diag::info(d.kind).code) == code) {
        found = &d;
        ++n;
      }
    EXPECT_EQ(n, 1) << text();
    if (!found) throw std::runtime_error(std::string("no ") + code);
    return *found;
  }
  // The text a replacement's span covers.
  std::string covered(const diag::Replacement& r) const {
    return std::string(file.text().substr(r.span.begin - file.base(), r.span.end - r.span.begin));
  }
};

std::string main_box(const std::string& body) {
  return "static box Main {\n  main() {\n" + body + "\n    return 0\n  }\n}\n";
}

// The single machine-applicable suggestion of `d`: (covered text, replacement).
std::pair<std::string, std::string> edit(const Checked& c, const diag::Diagnostic& d) {
  EXPECT_EQ(d.suggestions.size(), 1u) << c.text();
  if (d.suggestions.empty() || !d.suggestions[0].replacement) return {"<none>", "<none>"};
  return {c.covered(*d.suggestions[0].replacement), d.suggestions[0].replacement->text};
}

TEST(SemaSuggest, UnknownLocalSuggestsTheClosestVisibleName) {
  Checked c(main_box("    local total = 1\n    local count = 2\n    print(totl + count)"));
  const auto& d = c.only("E0301");
  EXPECT_EQ(edit(c, d), std::make_pair(std::string("totl"), std::string("total")));
  EXPECT_NE(c.text().find("help: did you mean 'total'?"), std::string::npos) << c.text();
}

TEST(SemaSuggest, FarNamesGetNoSuggestion) {
  Checked c(main_box("    local total = 1\n    print(zzz)"));
  EXPECT_TRUE(c.only("E0301").suggestions.empty());
}

TEST(SemaSuggest, UnknownFieldSuggestsAField) {
  Checked c("box P {\n  width\n  birth() { me.width = 1 }\n  w() { return me.widht }\n}\n" +
            main_box("    print(new P().w())"));
  EXPECT_EQ(edit(c, c.only("E0303")), std::make_pair(std::string("widht"), std::string("width")));
}

TEST(SemaSuggest, UnknownMethodSuggestsAUserOrBuiltinMethod) {
  Checked user("static box Util {\n  compute(n) { return n }\n}\n" + main_box("    print(Util.compte(1))"));
  EXPECT_EQ(edit(user, user.only("E0304")), std::make_pair(std::string("compte"), std::string("compute")));
  Checked builtin(main_box("    local s = \"abc\"\n    print(s.lenght())"));
  EXPECT_EQ(edit(builtin, builtin.only("E0304")), std::make_pair(std::string("lenght"), std::string("length")));
  Checked array(main_box("    local a = new ArrayBox()\n    a.psuh(1)"));
  EXPECT_EQ(edit(array, array.only("E0304")), std::make_pair(std::string("psuh"), std::string("push")));
}

TEST(SemaSuggest, UnknownBoxSuggestsABox) {
  Checked c("box Point {\n}\n" + main_box("    local p = new Pont()\n    local a = new ArryBox()"));
  std::vector<std::pair<std::string, std::string>> edits;
  for (const auto& d : c.diags.diagnostics())
    if (std::string(diag::info(d.kind).code) == "E0302") edits.push_back(edit(c, d));
  std::vector<std::pair<std::string, std::string>> want = {{"Pont", "Point"}, {"ArryBox", "ArrayBox"}};
  EXPECT_EQ(edits, want) << c.text();
}

TEST(SemaSuggest, MisspelledStatementKeywordSuggestsTheKeyword) {
  Checked c("static box Main {\n  main() {\n    local x = 1\n    retrun x\n  }\n}\n");
  const auto& d = c.only("E0301");
  EXPECT_EQ(edit(c, d), std::make_pair(std::string("retrun"), std::string("return")));
  EXPECT_NE(c.text().find("did you mean the keyword 'return'?"), std::string::npos) << c.text();
}

TEST(SemaSuggest, ArityErrorSaysWhatTheCalleeTakesAndWhereItIs) {
  Checked c("static box Util {\n  add(a, b) { return a + b }\n}\n" + main_box("    print(Util.add(1))"));
  const auto& d = c.only("E0305");
  EXPECT_EQ(d.message, "'Util.add' takes 2 arguments but 1 was given.");
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].message, "'add' declared here");
  EXPECT_NE(c.text().find("t.hako:2:3: note: 'add' declared here"), std::string::npos) << c.text();
}

TEST(SemaSuggest, BuiltinArityErrorSaysWhatTheMethodTakes) {
  Checked c(main_box("    print(\"abc\".substring())"));
  EXPECT_EQ(c.only("E0305").message, "'String.substring' takes 1 or 2 arguments but 0 were given.") << c.text();
}

TEST(SemaSuggest, DuplicateNotesTheFirstDefinition) {
  Checked local(main_box("    local x = 1\n    local x = 2"));
  const auto& d = local.only("E0308");
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].message, "first defined here");
  EXPECT_NE(local.text().find("t.hako:3:11: note: first defined here"), std::string::npos) << local.text();
  Checked param("static box Util {\n  f(a) {\n    local a = 1\n    return a\n  }\n}\n" + main_box(""));
  ASSERT_EQ(param.only("E0308").notes.size(), 1u) << param.text();
  EXPECT_NE(param.text().find("t.hako:2:5: note: first defined here"), std::string::npos) << param.text();
  Checked method("static box Util {\n  f() { return 1 }\n  f() { return 2 }\n}\n" + main_box(""));
  const auto& m = method.only("E0308");
  ASSERT_EQ(m.notes.size(), 1u);
  EXPECT_NE(method.text().find("t.hako:2:3: note: first defined here"), std::string::npos) << method.text();
}

TEST(SemaSuggest, MethodWithoutParenthesesSuggestsTheCall) {
  Checked c(main_box("    local s = \"abc\"\n    print(s.length)"));
  const auto& d = c.only("E0303");
  ASSERT_EQ(d.suggestions.size(), 1u);
  ASSERT_TRUE(d.suggestions[0].replacement);
  const diag::Replacement& r = *d.suggestions[0].replacement;
  EXPECT_EQ(r.span.begin, r.span.end);  // an insertion
  EXPECT_EQ(r.text, "()");
  EXPECT_EQ(c.file.text().substr(r.span.begin - c.file.base() - 6, 6), "length");
  Checked user("box P {\n  size() { return 1 }\n}\n" + main_box("    local p = new P()\n    print(p.size)"));
  EXPECT_EQ(user.only("E0303").suggestions.size(), 1u) << user.text();
}

}  // namespace
}  // namespace hako
