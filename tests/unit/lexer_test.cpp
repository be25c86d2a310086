// Unit tests for src/lex: every token kind, escape and number form, each
// lexer error, and robustness against arbitrary bytes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "lex/lex.h"

namespace hako::lex {
namespace {

using K = TokenKind;

struct Lexed {
  std::vector<Token> tokens;
  std::vector<std::string> codes;
  std::vector<std::string> messages;
};

Lexed run(const std::string& text, uint32_t max_errors = 100) {
  base::SourceFile file("test.hako", text);
  diag::DiagEngine diags(max_errors);
  Lexed out;
  out.tokens = lex(file, diags);
  for (const auto& d : diags.diagnostics()) {
    out.codes.push_back(diag::info(d.kind).code);
    out.messages.push_back(d.message);
  }
  return out;
}

// The kinds of the tokens of `text`, without the final Eof; fails the test
// if anything was reported.
std::vector<K> kinds(const std::string& text) {
  Lexed l = run(text);
  EXPECT_TRUE(l.codes.empty()) << text << ": " << (l.messages.empty() ? "" : l.messages[0]);
  EXPECT_FALSE(l.tokens.empty());
  EXPECT_EQ(l.tokens.back().kind, K::Eof);
  std::vector<K> ks;
  for (size_t i = 0; i + 1 < l.tokens.size(); ++i) ks.push_back(l.tokens[i].kind);
  return ks;
}

// The single token `text` lexes to (besides Eof), with no diagnostics.
Token single(const std::string& text) {
  Lexed l = run(text);
  EXPECT_TRUE(l.codes.empty()) << text;
  EXPECT_EQ(l.tokens.size(), 2u) << text;
  return l.tokens.empty() ? Token{} : l.tokens.front();
}

std::vector<std::string> codes(const std::string& text) { return run(text).codes; }

TEST(Lexer, EmptyInputIsJustEof) {
  Lexed l = run("");
  ASSERT_EQ(l.tokens.size(), 1u);
  EXPECT_EQ(l.tokens[0].kind, K::Eof);
  EXPECT_EQ(l.tokens[0].span.begin, 0u);
  EXPECT_TRUE(l.codes.empty());
  EXPECT_EQ(kinds("   \t  \n\n  // only a comment\n"), std::vector<K>{});
}

TEST(Lexer, EveryKeywordLexesToItsKind) {
  int count = 0;
#define KEYWORD(name, spelling)                                         \
  {                                                                     \
    Token t = single(spelling);                                         \
    EXPECT_EQ(t.kind, K::Kw##name) << spelling;                         \
    EXPECT_TRUE(is_keyword(t.kind));                                    \
    EXPECT_EQ(keyword_kind(spelling), K::Kw##name);                     \
    EXPECT_STREQ(token_kind_spelling(K::Kw##name), spelling);           \
    EXPECT_STREQ(token_kind_name(K::Kw##name), "Kw" #name);             \
    ++count;                                                            \
  }
#include "lex/tokens.def"
  EXPECT_EQ(count, 32);  // the keyword list of §1
}

TEST(Lexer, EveryPunctuationLexesToItsKind) {
  int count = 0;
#define PUNCT(name, spelling)                                  \
  {                                                            \
    Token t = single(spelling);                                \
    EXPECT_EQ(t.kind, K::name) << spelling;                    \
    EXPECT_FALSE(is_keyword(t.kind));                          \
    EXPECT_EQ(t.span.end - t.span.begin, sizeof(spelling) - 1); \
    ++count;                                                   \
  }
#include "lex/tokens.def"
  EXPECT_EQ(count, 42);
}

TEST(Lexer, MarkerKindsHaveDescriptions) {
  EXPECT_STREQ(token_kind_spelling(K::Eof), "end of file");
  EXPECT_STREQ(token_kind_spelling(K::Newline), "end of line");
  EXPECT_STREQ(token_kind_spelling(K::Ident), "identifier");
  EXPECT_STREQ(token_kind_spelling(K::Int), "integer literal");
  EXPECT_STREQ(token_kind_spelling(K::Float), "float literal");
  EXPECT_STREQ(token_kind_spelling(K::String), "string literal");
  EXPECT_STREQ(token_kind_name(K::PercentLBrace), "PercentLBrace");
}

TEST(Lexer, LongestMatchForOperators) {
  EXPECT_EQ(kinds("a+=b"), (std::vector<K>{K::Ident, K::PlusAssign, K::Ident}));
  EXPECT_EQ(kinds("a++b"), (std::vector<K>{K::Ident, K::Plus, K::Plus, K::Ident}));
  EXPECT_EQ(kinds("==="), (std::vector<K>{K::EqEq, K::Assign}));
  EXPECT_EQ(kinds("<<="), (std::vector<K>{K::Shl, K::Assign}));
  EXPECT_EQ(kinds(">>>"), (std::vector<K>{K::Shr, K::Gt}));
  EXPECT_EQ(kinds("!=="), (std::vector<K>{K::NotEq, K::Assign}));
  EXPECT_EQ(kinds("&&&"), (std::vector<K>{K::AmpAmp, K::Amp}));
  EXPECT_EQ(kinds("|||"), (std::vector<K>{K::PipePipe, K::Pipe}));
  EXPECT_EQ(kinds("%{ % { %="), (std::vector<K>{K::PercentLBrace, K::Percent, K::LBrace, K::PercentAssign}));
  EXPECT_EQ(kinds("k => v"), (std::vector<K>{K::Ident, K::FatArrow, K::Ident}));
  EXPECT_EQ(kinds("a-=-1"), (std::vector<K>{K::Ident, K::MinusAssign, K::Minus, K::Int}));
  EXPECT_EQ(kinds("x/=2*=3%4"),
            (std::vector<K>{K::Ident, K::SlashAssign, K::Int, K::StarAssign, K::Int, K::Percent, K::Int}));
}

// The tokens of extern declarations (docs/ffi.md): none of them takes apart
// text that lexed differently and meant something before.
TEST(Lexer, ArrowAtAndEllipsis) {
  EXPECT_EQ(kinds("@link_name(\"puts\") fn f(s: CStr, ...) -> i32"),
            (std::vector<K>{K::At, K::Ident, K::LParen, K::String, K::RParen, K::KwFn, K::Ident, K::LParen, K::Ident,
                            K::Colon, K::Ident, K::Comma, K::Ellipsis, K::RParen, K::Arrow, K::Ident}));
  Lexed l = run("a->b ... @");
  ASSERT_EQ(l.tokens.size(), 6u);
  EXPECT_EQ(l.tokens[1].kind, K::Arrow);
  EXPECT_EQ(l.tokens[1].span.begin, 1u);
  EXPECT_EQ(l.tokens[1].span.end, 3u);
  EXPECT_EQ(l.tokens[3].kind, K::Ellipsis);
  EXPECT_EQ(l.tokens[3].span.begin, 5u);
  EXPECT_EQ(l.tokens[3].span.end, 8u);
  EXPECT_EQ(l.tokens[4].kind, K::At);
  // Minus keeps its other forms; `->` needs the two bytes together.
  EXPECT_EQ(kinds("a - > b"), (std::vector<K>{K::Ident, K::Minus, K::Gt, K::Ident}));
  EXPECT_EQ(kinds("a-->b"), (std::vector<K>{K::Ident, K::Minus, K::Arrow, K::Ident}));
  EXPECT_EQ(kinds("a-=-1"), (std::vector<K>{K::Ident, K::MinusAssign, K::Minus, K::Int}));
  EXPECT_EQ(kinds("->="), (std::vector<K>{K::Arrow, K::Assign}));
  EXPECT_EQ(kinds("=>->"), (std::vector<K>{K::FatArrow, K::Arrow}));
  // Only three dots in a row are an ellipsis; fields and numbers are as before.
  EXPECT_EQ(kinds("x.y"), (std::vector<K>{K::Ident, K::Dot, K::Ident}));
  EXPECT_EQ(kinds("a..b"), (std::vector<K>{K::Ident, K::Dot, K::Dot, K::Ident}));
  EXPECT_EQ(kinds("...."), (std::vector<K>{K::Ellipsis, K::Dot}));
  EXPECT_EQ(kinds(". .."), (std::vector<K>{K::Dot, K::Dot, K::Dot}));
  EXPECT_EQ(kinds("1."), (std::vector<K>{K::Int, K::Dot}));
  EXPECT_EQ(kinds("1.5.x"), (std::vector<K>{K::Float, K::Dot, K::Ident}));
  EXPECT_EQ(kinds("1...2"), (std::vector<K>{K::Int, K::Ellipsis, K::Int}));
  EXPECT_EQ(kinds("1.5...2.5"), (std::vector<K>{K::Float, K::Ellipsis, K::Float}));
  EXPECT_EQ(kinds("a@b"), (std::vector<K>{K::Ident, K::At, K::Ident}));
  // `>>` stays one token: splitting it in `Ptr<Ptr<u8>>` is the parser's job.
  EXPECT_EQ(kinds("Ptr<Ptr<u8>>"), (std::vector<K>{K::Ident, K::Lt, K::Ident, K::Lt, K::Ident, K::Shr}));
}

TEST(Lexer, IdentifiersAndKeywordPrefixes) {
  Token t = single("_foo_Bar9");
  EXPECT_EQ(t.kind, K::Ident);
  EXPECT_EQ(t.text, "_foo_Bar9");
  EXPECT_EQ(single("boxes").kind, K::Ident);
  EXPECT_EQ(single("iffy").text, "iffy");
  EXPECT_EQ(single("Box").kind, K::Ident);  // keywords are case-sensitive
  EXPECT_EQ(single("this").kind, K::KwThis);
  EXPECT_EQ(keyword_kind("notakeyword"), K::Ident);
}

TEST(Lexer, NewlinesCollapseAndCommentsVanish) {
  EXPECT_EQ(kinds("\n\na\n\n\n b \r\n c"), (std::vector<K>{K::Ident, K::Newline, K::Ident, K::Newline, K::Ident}));
  EXPECT_EQ(kinds("a // x\n# y\n// z\nb"), (std::vector<K>{K::Ident, K::Newline, K::Ident}));
  EXPECT_EQ(kinds("a /* one line */ b"), (std::vector<K>{K::Ident, K::Ident}));
  // A comment spanning lines separates like the newline it contains.
  EXPECT_EQ(kinds("a /* two\nlines */ b"), (std::vector<K>{K::Ident, K::Newline, K::Ident}));
  // Block comments do not nest: the first */ ends the comment.
  EXPECT_EQ(kinds("/* /* */ x"), (std::vector<K>{K::Ident}));
  EXPECT_EQ(kinds("a#b\nc"), (std::vector<K>{K::Ident, K::Newline, K::Ident}));
  Lexed l = run("x\n\ny");
  ASSERT_EQ(l.tokens.size(), 4u);
  EXPECT_EQ(l.tokens[1].span.begin, 1u);
  EXPECT_EQ(l.tokens[1].span.end, 2u);
}

TEST(Lexer, IntegerForms) {
  EXPECT_EQ(single("0").int_value, 0);
  EXPECT_EQ(single("42").int_value, 42);
  EXPECT_EQ(single("007").int_value, 7);
  EXPECT_EQ(single("0x1F").int_value, 31);
  EXPECT_EQ(single("0XfF").int_value, 255);
  EXPECT_EQ(single("1_000").int_value, 1000);
  EXPECT_EQ(single("0xFF_FF").int_value, 65535);
  Token max = single("9223372036854775807");
  EXPECT_EQ(max.int_value, INT64_MAX);
  EXPECT_FALSE(max.is_i64_min_magnitude);
  EXPECT_EQ(single("0x7FFFFFFFFFFFFFFF").int_value, INT64_MAX);
  // One past i64 max lexes cleanly, marked for the parser to accept under `-`.
  Token min = single("9223372036854775808");
  EXPECT_EQ(min.kind, K::Int);
  EXPECT_TRUE(min.is_i64_min_magnitude);
  EXPECT_EQ(min.int_value, INT64_MIN);
  EXPECT_TRUE(single("0x8000000000000000").is_i64_min_magnitude);
  Token t = single("1_000_000");
  EXPECT_EQ(t.span.begin, 0u);
  EXPECT_EQ(t.span.end, 9u);
}

TEST(Lexer, FloatForms) {
  Token a = single("1.5");
  EXPECT_EQ(a.kind, K::Float);
  EXPECT_DOUBLE_EQ(a.float_value, 1.5);
  EXPECT_DOUBLE_EQ(single("0.25").float_value, 0.25);
  EXPECT_DOUBLE_EQ(single("1e9").float_value, 1e9);
  EXPECT_DOUBLE_EQ(single("2.5e-3").float_value, 2.5e-3);
  EXPECT_DOUBLE_EQ(single("1E+2").float_value, 100.0);
  EXPECT_DOUBLE_EQ(single("1_000.5").float_value, 1000.5);
  EXPECT_EQ(single("1e9").kind, K::Float);
  EXPECT_TRUE(std::isinf(single("1e999").float_value));
  EXPECT_EQ(single("1e-999").float_value, 0.0);
  // The dot only joins the number when a digit follows: `1.foo()` is a call.
  EXPECT_EQ(kinds("1.foo()"), (std::vector<K>{K::Int, K::Dot, K::Ident, K::LParen, K::RParen}));
  EXPECT_EQ(kinds("1..2"), (std::vector<K>{K::Int, K::Dot, K::Dot, K::Int}));
}

TEST(Lexer, StringsAndEveryEscape) {
  EXPECT_EQ(single("\"hello\"").text, "hello");
  EXPECT_EQ(single("'single'").text, "single");
  EXPECT_EQ(single("'say \"hi\"'").text, "say \"hi\"");
  EXPECT_EQ(single("\"it's\"").text, "it's");
  EXPECT_EQ(single("\"\"").text, "");
  EXPECT_EQ(single(R"("\n")").text, "\n");
  EXPECT_EQ(single(R"("\t")").text, "\t");
  EXPECT_EQ(single(R"("\r")").text, "\r");
  EXPECT_EQ(single(R"("\b")").text, "\b");
  EXPECT_EQ(single(R"("\f")").text, "\f");
  EXPECT_EQ(single(R"("a\0b")").text, std::string("a\0b", 3));
  EXPECT_EQ(single(R"("\\")").text, "\\");
  EXPECT_EQ(single(R"("\"")").text, "\"");
  EXPECT_EQ(single(R"('\'')").text, "'");
  EXPECT_EQ(single(R"("\'")").text, "'");
  EXPECT_EQ(single(R"("\/")").text, "/");
  EXPECT_EQ(single(R"("\u{41}")").text, "A");
  EXPECT_EQ(single(R"("\u{e9}")").text, "\xC3\xA9");
  EXPECT_EQ(single(R"("\u{20AC}")").text, "\xE2\x82\xAC");
  EXPECT_EQ(single(R"("\u{1F600}")").text, "\xF0\x9F\x98\x80");
  EXPECT_EQ(single(R"("\u{10FFFF}")").text, "\xF4\x8F\xBF\xBF");
  EXPECT_EQ(single(R"("\u{0}")").text, std::string("\0", 1));
  // Raw UTF-8 passes through untouched.
  EXPECT_EQ(single("\"h\xC3\xA9llo \xF0\x9F\x98\x80\"").text, "h\xC3\xA9llo \xF0\x9F\x98\x80");
  Token t = single("  \"ab\"  ");
  EXPECT_EQ(t.span.begin, 2u);
  EXPECT_EQ(t.span.end, 6u);
}

TEST(Lexer, UnexpectedCharacterOncePerRun) {
  EXPECT_EQ(codes("$"), std::vector<std::string>{"E0101"});
  EXPECT_EQ(codes("a $$$`` b"), std::vector<std::string>{"E0101"});
  EXPECT_EQ(codes("a ` b $ c"), (std::vector<std::string>{"E0101", "E0101"}));
  // `@` is a token now, so a bad run stops before it.
  Lexed at = run("$$@x");
  EXPECT_EQ(at.codes, std::vector<std::string>{"E0101"});
  ASSERT_EQ(at.tokens.size(), 3u);
  EXPECT_EQ(at.tokens[0].kind, K::At);
  EXPECT_EQ(at.tokens[0].span.begin, 2u);
  EXPECT_EQ(codes("x = \xC3\xA9t\xC3\xA9"), (std::vector<std::string>{"E0101", "E0101"}));
  Lexed l = run("a ` b");
  ASSERT_EQ(l.codes.size(), 1u);
  EXPECT_EQ(l.messages[0], "Unexpected character '`'; it cannot start a token.");
  // The good tokens around the bad run survive.
  ASSERT_EQ(l.tokens.size(), 3u);
  EXPECT_EQ(l.tokens[1].text, "b");
  Lexed u = run("\xE2\x82\xAC");
  ASSERT_EQ(u.messages.size(), 1u);
  EXPECT_NE(u.messages[0].find("U+20AC"), std::string::npos) << u.messages[0];
}

TEST(Lexer, UnterminatedString) {
  EXPECT_EQ(codes("\"abc"), std::vector<std::string>{"E0102"});
  EXPECT_EQ(codes("'abc"), std::vector<std::string>{"E0102"});
  EXPECT_EQ(codes("\"abc\\"), std::vector<std::string>{"E0102"});
  // A newline ends the string, stays a Newline token, and lexing goes on.
  Lexed l = run("x = \"abc\ny = 1");
  EXPECT_EQ(l.codes, std::vector<std::string>{"E0102"});
  std::vector<K> ks;
  for (const Token& t : l.tokens) ks.push_back(t.kind);
  EXPECT_EQ(ks, (std::vector<K>{K::Ident, K::Assign, K::String, K::Newline, K::Ident, K::Assign, K::Int, K::Eof}));
  EXPECT_EQ(l.tokens[2].text, "abc");
  EXPECT_EQ(codes("\"a\\\nb\""), (std::vector<std::string>{"E0102", "E0102"}));
}

TEST(Lexer, UnknownEscapeIsReportedAndLexingContinues) {
  Lexed l = run(R"(x = "a\qb" + 'c\d')");
  EXPECT_EQ(l.codes, (std::vector<std::string>{"E0103", "E0103"}));
  ASSERT_EQ(l.tokens.size(), 6u);
  EXPECT_EQ(l.tokens[2].kind, K::String);
  EXPECT_EQ(l.tokens[4].kind, K::String);
  EXPECT_NE(l.messages[0].find("'\\q'"), std::string::npos) << l.messages[0];
  EXPECT_EQ(codes(R"("\x41")"), std::vector<std::string>{"E0103"});
  EXPECT_EQ(codes("\"\\\xC3\xA9\""), std::vector<std::string>{"E0103"});
}

TEST(Lexer, InvalidUnicodeEscapes) {
  for (const char* bad : {R"("\u{110000}")", R"("\u{D800}")", R"("\u{DFFF}")", R"("\u{}")", R"("\u{1234567}")",
                          R"("\u0041")", R"("\u{12")", R"("\u{12G}")", R"("\u")"}) {
    Lexed l = run(bad);
    ASSERT_FALSE(l.codes.empty()) << bad;
    EXPECT_EQ(l.codes[0], "E0104") << bad;
    EXPECT_EQ(l.tokens.front().kind, K::String) << bad;
  }
  Lexed l = run(R"("\u{D83D}")");
  ASSERT_EQ(l.messages.size(), 1u);
  EXPECT_NE(l.messages[0].find("surrogate"), std::string::npos);
}

TEST(Lexer, UnterminatedComment) {
  Lexed l = run("a /* never closed\n b c");
  EXPECT_EQ(l.codes, std::vector<std::string>{"E0105"});
  EXPECT_EQ(l.tokens.back().kind, K::Eof);
}

TEST(Lexer, IntegerTooLarge) {
  EXPECT_EQ(codes("9223372036854775809"), std::vector<std::string>{"E0106"});
  EXPECT_EQ(codes("18446744073709551616"), std::vector<std::string>{"E0106"});
  EXPECT_EQ(codes("99999999999999999999999999999999999"), std::vector<std::string>{"E0106"});
  EXPECT_EQ(codes("0x8000000000000001"), std::vector<std::string>{"E0106"});
  EXPECT_EQ(codes("0x10000000000000000"), std::vector<std::string>{"E0106"});
  // The bad literal still becomes one Int token, so the parser does not cascade.
  Lexed l = run("x = 99999999999999999999 + 1");
  EXPECT_EQ(l.tokens.size(), 6u);
  EXPECT_EQ(l.tokens[2].kind, K::Int);
}

TEST(Lexer, MalformedNumbers) {
  for (const char* bad : {"0x", "0x_1", "1__0", "1_", "1e", "1e+", "1.5e", "12px", "0x1G", "1_000_", "3.14abc"}) {
    Lexed l = run(bad);
    EXPECT_EQ(l.codes, std::vector<std::string>{"E0107"}) << bad;
    EXPECT_EQ(l.tokens.size(), 2u) << bad;  // one token, then Eof
  }
}

TEST(Lexer, DescribeToken) {
  base::SourceFile file("t.hako", "foo box + 42 1.5 \"s\"\n");
  diag::DiagEngine diags;
  std::vector<Token> toks = lex(file, diags);
  ASSERT_EQ(toks.size(), 8u);
  EXPECT_EQ(describe_token(toks[0], file), "identifier 'foo'");
  EXPECT_EQ(describe_token(toks[1], file), "keyword 'box'");
  EXPECT_EQ(describe_token(toks[2], file), "'+'");
  EXPECT_EQ(describe_token(toks[3], file), "integer literal '42'");
  EXPECT_EQ(describe_token(toks[4], file), "float literal '1.5'");
  EXPECT_EQ(describe_token(toks[5], file), "string literal \"s\"");
  EXPECT_EQ(describe_token(toks[6], file), "end of line");
  EXPECT_EQ(describe_token(toks[7], file), "end of file");
  base::SourceFile ffi("t.hako", "@ -> ...");
  std::vector<Token> more = lex(ffi, diags);
  ASSERT_EQ(more.size(), 4u);
  EXPECT_EQ(describe_token(more[0], ffi), "'@'");
  EXPECT_EQ(describe_token(more[1], ffi), "'->'");
  EXPECT_EQ(describe_token(more[2], ffi), "'...'");
}

std::string random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xFF);
  return s;
}

TEST(Lexer, RandomBytesTerminateAndReportErrors) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    std::string text = random_bytes(1 << 20, seed);
    Lexed l = run(text);
    EXPECT_FALSE(l.codes.empty());
    // The engine caps at 100 errors plus one TooManyErrors notice.
    EXPECT_LE(l.codes.size(), 101u);
    EXPECT_EQ(l.tokens.back().kind, K::Eof);
  }
}

TEST(Lexer, StopsAtTheErrorCap) {
  // Ten megabytes of bad characters: the lexer must stop once the engine is
  // capped rather than scan (and allocate for) the rest.
  std::string text;
  for (int i = 0; i < 1000000; ++i) text += "` x $ y ";
  Lexed l = run(text, 5);
  EXPECT_EQ(l.codes.size(), 6u);
  EXPECT_EQ(l.codes.back(), "E0006");
  EXPECT_LT(l.tokens.size(), 100u);
  EXPECT_EQ(l.tokens.back().kind, K::Eof);
}

// Speed is make bench's business; here a large input must simply come out
// whole: every line's tokens, in order, nothing dropped or merged.
TEST(Lexer, LargeValidInputLexesCompletely) {
  std::string text;
  for (int i = 0; i < 200000; ++i) text += "local x_" + std::to_string(i) + " = 0x1F + 2.5 * \"s\\n\" // c\n";
  Lexed l = run(text);
  EXPECT_TRUE(l.codes.empty());
  ASSERT_EQ(l.tokens.size(), 200000u * 9 + 1);  // 8 tokens and a Newline per line
  EXPECT_EQ(l.tokens[9 * 123456 + 1].kind, K::Ident);  // x_123456
  EXPECT_EQ(l.tokens.back().kind, K::Eof);
}

}  // namespace
}  // namespace hako::lex
