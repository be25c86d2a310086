// Unit tests for programs of several files: the global offset space of
// base::SourceMap, diagnostics rendered in the right file, lexing at a
// file's base offset, and the driver following `using` lines (two levels,
// cycles, aliases, missing files, the order of declarations).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "base/source_map.h"
#include "diag/diag.h"
#include "driver/program_files.h"
#include "lex/lex.h"
#include "parse/parse.h"

namespace hako {
namespace {

namespace fs = std::filesystem;

TEST(SourceMap, GivesEachFileItsOwnRange) {
  base::SourceMap map;
  const base::SourceFile* a = map.add("a.hako", "ab\ncd");  // offsets 0..5 (5: its end)
  const base::SourceFile* b = map.add("lib/b.hako", "x\n");  // 6..8
  const base::SourceFile* c = map.add("empty.hako", "");     // 9..9
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->base(), 0u);
  EXPECT_EQ(a->end(), 5u);
  EXPECT_EQ(b->base(), 6u);
  EXPECT_EQ(b->end(), 8u);
  EXPECT_EQ(c->base(), 9u);
  EXPECT_EQ(c->end(), 9u);
  EXPECT_EQ(b->id(), 1u);
  EXPECT_EQ(map.size(), 3u);
  // Every offset, each end-of-file one included, belongs to one file.
  for (uint32_t off = 0; off <= 5; ++off) EXPECT_EQ(map.file_of(off), a) << off;
  for (uint32_t off = 6; off <= 8; ++off) EXPECT_EQ(map.file_of(off), b) << off;
  EXPECT_EQ(map.file_of(9), c);
  EXPECT_EQ(map.file_of(1000), c);  // past every range: the last file
  EXPECT_TRUE(b->contains(8));
  EXPECT_FALSE(b->contains(5));
  EXPECT_FALSE(b->contains(9));
  EXPECT_EQ(map.find("lib/b.hako"), b);
  EXPECT_EQ(map.find("b.hako"), nullptr);
  EXPECT_EQ(map.paths(), (std::vector<std::string>{"a.hako", "lib/b.hako", "empty.hako"}));
}

TEST(SourceMap, LocatesOffsetsInTheirFile) {
  base::SourceMap map;
  map.add("a.hako", "ab\ncd");
  const base::SourceFile* b = map.add("b.hako", "x\n  yz");
  std::optional<base::Location> at = map.locate(4);  // 'd'
  ASSERT_TRUE(at);
  EXPECT_EQ(at->file, 0u);
  EXPECT_EQ(at->line, 2u);
  EXPECT_EQ(at->col, 2u);
  at = map.locate(b->base() + 4);  // 'y'
  ASSERT_TRUE(at);
  EXPECT_EQ(at->file, 1u);
  EXPECT_EQ(at->line, 2u);
  EXPECT_EQ(at->col, 3u);
  EXPECT_EQ(b->slice(base::Span{b->base() + 4, b->base() + 6}), "yz");
  EXPECT_EQ(b->line_col(b->base()).line, 1u);
  EXPECT_EQ(b->line_col(0).col, 1u);  // before the file: its first position
  EXPECT_FALSE(base::SourceMap().locate(0));
  EXPECT_EQ(base::SourceMap().file_of(0), nullptr);
}

TEST(SourceMap, RefusesFilesPastTheOffsetSpace) {
  base::SourceMap map(20);
  ASSERT_NE(map.add("a.hako", std::string(10, 'a')), nullptr);  // 0..10
  EXPECT_EQ(map.add("b.hako", std::string(10, 'b')), nullptr);  // would need 11..21
  ASSERT_NE(map.add("c.hako", std::string(9, 'c')), nullptr);   // 11..20
  EXPECT_EQ(map.add("d.hako", ""), nullptr);                    // 21 is past the space
  EXPECT_EQ(map.size(), 2u);
}

TEST(SourceMap, LexesAtTheFilesBaseOffset) {
  base::SourceMap map;
  map.add("a.hako", "static box A {}\n");
  const base::SourceFile* b = map.add("b.hako", "box B { x }\n");
  diag::DiagEngine diags;
  std::vector<lex::Token> tokens = lex::lex(*b, diags);
  ASSERT_GE(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].span.begin, b->base());
  EXPECT_EQ(tokens[1].span.begin, b->base() + 4);
  EXPECT_EQ(b->slice(tokens[1].span), "B");
  EXPECT_EQ(tokens.back().span.begin, b->end());  // Eof
  EXPECT_EQ(map.file_of(tokens.back().span.begin), b);
}

TEST(SourceMap, DiagnosticsNameTheFileOfTheirSpan) {
  base::SourceMap map;
  map.add("main.hako", "static box Main {}\n");
  const base::SourceFile* lib = map.add("lib/util.hako", "box Util {\n  oops\n}\n");
  diag::DiagEngine diags;
  diags.report(diag::Kind::ExpectedMember, map, base::Span{lib->base() + 13, lib->base() + 17}, "Bad member.");
  EXPECT_EQ(diags.render(diag::Format::Text),
            "lib/util.hako:2:3: error[E0204]: Bad member.\n"
            "    oops\n"
            "    ^^^^\n");
  // JSON byte offsets count from the start of the file, not of the map.
  std::string json = diags.render(diag::Format::Json);
  EXPECT_NE(json.find("\"file\":\"lib/util.hako\",\"line\":2,\"col\":3"), std::string::npos) << json;
  EXPECT_NE(json.find("\"span\":{\"begin\":13,\"end\":17,"), std::string::npos) << json;
}

TEST(Using, ParsesPathsAliasesAndModuleNames) {
  base::SourceFile file("t.hako",
                        "// imports\nusing \"a.hako\"\nusing 'lib/b.hako' as B; using x.y.z as Z\n\nstatic box Main { }\n");
  diag::DiagEngine diags;
  ast::Program program = parse::parse_program(file, diags);
  EXPECT_FALSE(diags.has_errors()) << diags.render(diag::Format::Text);
  ASSERT_EQ(program.usings.size(), 3u);
  const ast::UsingDecl& a = program.usings[0];
  EXPECT_EQ(a.path, "a.hako");
  EXPECT_FALSE(a.is_module);
  EXPECT_FALSE(a.alias);
  EXPECT_EQ(file.slice(a.span), "using \"a.hako\"");
  EXPECT_EQ(file.slice(a.path_span), "\"a.hako\"");
  const ast::UsingDecl& b = program.usings[1];
  EXPECT_EQ(b.path, "lib/b.hako");
  EXPECT_EQ(b.alias, "B");
  EXPECT_EQ(file.slice(b.alias_span), "B");
  EXPECT_EQ(file.slice(b.span), "using 'lib/b.hako' as B");
  const ast::UsingDecl& z = program.usings[2];
  EXPECT_TRUE(z.is_module);
  EXPECT_EQ(z.path, "x.y.z");
  EXPECT_EQ(file.slice(z.path_span), "x.y.z");
  EXPECT_EQ(z.alias, "Z");
  ASSERT_EQ(program.boxes.size(), 1u);
}

TEST(Using, RejectsMalformedLines) {
  for (const char* bad : {"using 42\nstatic box Main { }\n", "using \"a.hako\" as\nstatic box Main { }\n",
                          "using \"a.hako\" as A B\nstatic box Main { }\n", "using x.\nstatic box Main { }\n"}) {
    base::SourceFile file("t.hako", bad);
    diag::DiagEngine diags;
    ast::Program program = parse::parse_program(file, diags);
    ASSERT_EQ(diags.diagnostics().size(), 1u) << bad << diags.render(diag::Format::Text);
    EXPECT_STREQ(diag::info(diags.diagnostics()[0].kind).code, "E0201") << bad;
    EXPECT_TRUE(program.usings.empty()) << bad;
    // Recovery goes on with the next line.
    EXPECT_EQ(program.boxes.size(), 1u) << bad;
  }
}

// A directory of .hako files for the driver tests, removed afterwards.
class Files : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hako_using_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                        "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "lib");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

  // The diagnostics of `diags` as "file-name:line: CODE" lines.
  static std::string codes(const diag::DiagEngine& diags) {
    std::string out;
    for (const diag::Diagnostic& d : diags.diagnostics()) {
      out += fs::path(d.path).filename().string();
      if (d.file) out += ":" + std::to_string(d.file->line_col(d.span.begin).line);
      out += std::string(": ") + diag::info(d.kind).code + "\n";
    }
    return out;
  }

  fs::path dir_;
};

TEST_F(Files, FollowsImportsTwoLevelsDeepImportsFirst) {
  std::string main = write("main.hako", "using \"lib/a.hako\"\nstatic box Main { main() { return A.f() } }\n");
  write("lib/a.hako", "using \"b.hako\" as Bee\nstatic box A { f() { return Bee.g() } }\n");
  write("lib/b.hako", "static box B { g() { return 1 } }\n");
  base::SourceMap sources;
  diag::DiagEngine diags;
  std::optional<ast::Program> program = driver::load_program(main, sources, diags);
  ASSERT_TRUE(program);
  EXPECT_EQ(codes(diags), "");
  ASSERT_EQ(sources.size(), 3u);
  EXPECT_EQ(sources.file(0).path(), main);
  EXPECT_EQ(sources.file(1).path(), (dir_ / "lib/a.hako").string());
  EXPECT_EQ(sources.file(2).path(), (dir_ / "lib/b.hako").string());
  // The declarations of a file come after those of the files it imports.
  ASSERT_EQ(program->boxes.size(), 3u);
  EXPECT_EQ(program->boxes[0].name, "B");
  EXPECT_EQ(program->boxes[1].name, "A");
  EXPECT_EQ(program->boxes[2].name, "Main");
  ASSERT_EQ(program->usings.size(), 2u);
  EXPECT_EQ(program->usings[0].path, "b.hako");
  EXPECT_EQ(program->usings[0].alias, "Bee");
  EXPECT_EQ(program->usings[0].file, 2u);
  EXPECT_EQ(program->usings[1].file, 1u);
  // Expression and local ids are dense across the files.
  EXPECT_GT(program->expr_count, 0u);
}

TEST_F(Files, LoadsEachFileOnceThroughCycles) {
  std::string main = write("main.hako", "using \"lib/a.hako\"\nusing \"./lib/../lib/a.hako\"\nstatic box Main { main() { } }\n");
  write("lib/a.hako", "using \"b.hako\"\nbox A { }\n");
  write("lib/b.hako", "using \"a.hako\"\nusing \"../main.hako\"\nbox B { }\n");
  base::SourceMap sources;
  diag::DiagEngine diags;
  std::optional<ast::Program> program = driver::load_program(main, sources, diags);
  ASSERT_TRUE(program);
  EXPECT_EQ(codes(diags), "");
  EXPECT_EQ(sources.size(), 3u);
  ASSERT_EQ(program->boxes.size(), 3u);
  EXPECT_EQ(program->boxes[0].name, "B");
  EXPECT_EQ(program->boxes[1].name, "A");
  EXPECT_EQ(program->boxes[2].name, "Main");
  for (const ast::UsingDecl& u : program->usings) EXPECT_TRUE(u.file.has_value()) << u.path;
}

TEST_F(Files, ReportsAMissingFileAtItsUsingLine) {
  std::string main = write("main.hako", "// header\nusing \"lib/nope.hako\"\nstatic box Main { main() { } }\n");
  base::SourceMap sources;
  diag::DiagEngine diags;
  std::optional<ast::Program> program = driver::load_program(main, sources, diags);
  ASSERT_TRUE(program);
  EXPECT_EQ(codes(diags), "main.hako:2: E0001\n");
  EXPECT_NE(diags.diagnostics()[0].message.find("lib/nope.hako"), std::string::npos);
  EXPECT_FALSE(program->usings[0].file.has_value());
}

TEST_F(Files, ReportsADirectoryAndAModuleNameAtTheirUsingLines) {
  std::string main = write("main.hako", "using \"lib\"\nusing lib.util as U\nstatic box Main { main() { } }\n");
  base::SourceMap sources;
  diag::DiagEngine diags;
  ASSERT_TRUE(driver::load_program(main, sources, diags));
  EXPECT_EQ(codes(diags), "main.hako:1: E0002\nmain.hako:2: E0704\n");
  EXPECT_NE(diags.diagnostics()[1].message.find("using \"lib/util.hako\""), std::string::npos);
}

TEST_F(Files, AnImportedFileMayBeEmptyButNotTheMainFile) {
  std::string main = write("main.hako", "using \"lib/empty.hako\"\nstatic box Main { main() { } }\n");
  std::string empty = write("lib/empty.hako", "");
  base::SourceMap sources;
  diag::DiagEngine diags;
  ASSERT_TRUE(driver::load_program(main, sources, diags));
  EXPECT_EQ(codes(diags), "");
  base::SourceMap other;
  EXPECT_FALSE(driver::load_program(empty, other, diags));
  EXPECT_EQ(codes(diags), "empty.hako: E0003\n");
}

TEST_F(Files, UsingAfterADeclarationIsAnError) {
  std::string main = write("main.hako", "static box Main { main() { } }\nusing \"lib/a.hako\"\n");
  write("lib/a.hako", "box A { }\n");
  base::SourceMap sources;
  diag::DiagEngine diags;
  std::optional<ast::Program> program = driver::load_program(main, sources, diags);
  ASSERT_TRUE(program);
  EXPECT_EQ(codes(diags), "main.hako:2: E0701\n");
  EXPECT_TRUE(program->usings.empty());
  EXPECT_EQ(sources.size(), 1u);
}

TEST(ImportedPath, JoinsTheImportersDirectoryAndNormalizes) {
  EXPECT_EQ(driver::imported_path("tests/run/main.hako", "modules/a.hako"), "tests/run/modules/a.hako");
  EXPECT_EQ(driver::imported_path("tests/run/main.hako", "./lib/../b.hako"), "tests/run/b.hako");
  EXPECT_EQ(driver::imported_path("main.hako", "lib/a.hako"), "lib/a.hako");
  EXPECT_EQ(driver::imported_path("a/b/c.hako", "../../d.hako"), "d.hako");
  EXPECT_EQ(driver::imported_path("a/main.hako", "/abs/x/../y.hako"), "/abs/y.hako");
}

}  // namespace
}  // namespace hako
