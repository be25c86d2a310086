// Unit tests for src/parse: the AST shape of every construct (through an
// S-expression dump), precedence and newline rules, dense ids, spans, every
// parse error, extern declarations, recovery, and robustness against deep
// nesting and garbage.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "lex/lex.h"
#include "parse/parse.h"

namespace hako::parse {
namespace {

using namespace hako::ast;

// --- an S-expression dump of the AST ------------------------------------------

std::string dump(const Expr& e);
std::string dump(const Stmt& s);

std::string dump(const Block& b) {
  std::string out = "{";
  for (size_t i = 0; i < b.stmts.size(); ++i) out += (i ? "; " : "") + dump(*b.stmts[i]);
  return out + "}";
}

std::string dump_args(const std::vector<ExprPtr>& args) {
  std::string out;
  for (const auto& a : args) out += " " + dump(*a);
  return out;
}

std::string dump(const Expr& e) {
  switch (e.kind) {
    case ExprKind::IntLit: return std::to_string(e.as<IntLit>().value);
    case ExprKind::FloatLit: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%gf", e.as<FloatLit>().value);
      return buf;
    }
    case ExprKind::StringLit: return "\"" + e.as<StringLit>().value + "\"";
    case ExprKind::BoolLit: return e.as<BoolLit>().value ? "true" : "false";
    case ExprKind::NullLit: return "null";
    case ExprKind::NameRef: return e.as<NameRef>().name;
    case ExprKind::MeRef: return "me";
    case ExprKind::Unary: {
      const auto& u = e.as<Unary>();
      const char* op = u.op == UnaryOp::Neg ? "neg" : unary_op_text(u.op);
      return std::string("(") + op + " " + dump(*u.operand) + ")";
    }
    case ExprKind::WeakExpr: return "(weak " + dump(*e.as<WeakExpr>().operand) + ")";
    case ExprKind::Binary: {
      const auto& b = e.as<Binary>();
      return std::string("(") + binary_op_text(b.op) + " " + dump(*b.lhs) + " " + dump(*b.rhs) + ")";
    }
    case ExprKind::Logical: {
      const auto& l = e.as<Logical>();
      return std::string(l.op == LogicalOp::And ? "(&& " : "(|| ") + dump(*l.lhs) + " " + dump(*l.rhs) + ")";
    }
    case ExprKind::Ternary: {
      const auto& t = e.as<Ternary>();
      return "(? " + dump(*t.cond) + " " + dump(*t.then_expr) + " " + dump(*t.else_expr) + ")";
    }
    case ExprKind::FieldGet: return "(. " + dump(*e.as<FieldGet>().object) + " " + e.as<FieldGet>().field + ")";
    case ExprKind::Call: return "(call " + e.as<Call>().name + dump_args(e.as<Call>().args) + ")";
    case ExprKind::MethodCall: {
      const auto& m = e.as<MethodCall>();
      return "(." + m.method + " " + dump(*m.receiver) + dump_args(m.args) + ")";
    }
    case ExprKind::New: return "(new " + e.as<New>().box + dump_args(e.as<New>().args) + ")";
    case ExprKind::ArrayLit: return "[" + dump_args(e.as<ArrayLit>().elements) + " ]";
    case ExprKind::MapLit: {
      std::string out = "%{";
      for (const auto& entry : e.as<MapLit>().entries) out += " " + dump(*entry.key) + "=>" + dump(*entry.value);
      return out + " }";
    }
    case ExprKind::BlockExpr: {
      const auto& b = e.as<BlockExpr>();
      return "(blockexpr " + dump(b.block) + " " + (b.result ? dump(*b.result) : "void") + ")";
    }
  }
  return "?";
}

const char* assign_text(AssignOp op) {
  switch (op) {
    case AssignOp::Assign: return "=";
    case AssignOp::Add: return "+=";
    case AssignOp::Sub: return "-=";
    case AssignOp::Mul: return "*=";
    case AssignOp::Div: return "/=";
    case AssignOp::Mod: return "%=";
  }
  return "?";
}

std::string dump(const Stmt& s) {
  switch (s.kind) {
    case StmtKind::LocalStmt: {
      const auto& l = s.as<LocalStmt>();
      std::string out = "(local";
      for (const auto& b : l.bindings) out += " " + b.name + (b.init ? "=" + dump(*b.init) : "");
      if (l.fini) out += " fini " + dump(*l.fini);
      return out + ")";
    }
    case StmtKind::AssignStmt: {
      const auto& a = s.as<AssignStmt>();
      return std::string("(") + assign_text(a.op) + " " + dump(*a.target) + " " + dump(*a.value) + ")";
    }
    case StmtKind::IfStmt: {
      const auto& i = s.as<IfStmt>();
      return "(if " + dump(*i.cond) + " " + dump(i.then_block) + (i.else_stmt ? " else " + dump(*i.else_stmt) : "") +
             ")";
    }
    case StmtKind::LoopStmt: {
      const auto& l = s.as<LoopStmt>();
      const char* style = l.style == LoopStyle::While ? "while" : l.style == LoopStyle::LoopCond ? "loop" : "forever";
      return std::string("(") + style + (l.cond ? " " + dump(*l.cond) : "") + " " + dump(l.body) + ")";
    }
    case StmtKind::BreakStmt: return "break";
    case StmtKind::ContinueStmt: return "continue";
    case StmtKind::ReturnStmt: {
      const auto& r = s.as<ReturnStmt>();
      return r.value ? "(return " + dump(*r.value) + ")" : "(return)";
    }
    case StmtKind::PrintStmt: return "(print " + dump(*s.as<PrintStmt>().value) + ")";
    case StmtKind::ExprStmt: return dump(*s.as<ExprStmt>().expr);
    case StmtKind::BlockStmt: return dump(s.as<BlockStmt>().block);
    case StmtKind::FiniStmt: return "(fini " + dump(s.as<FiniStmt>().block) + ")";
    case StmtKind::UnsafeStmt: return "(unsafe " + dump(s.as<UnsafeStmt>().block) + ")";
  }
  return "?";
}

// --- helpers ---------------------------------------------------------------------

struct Parsed {
  std::unique_ptr<base::SourceFile> file;
  Program program;
  std::vector<std::string> codes;
  std::vector<std::string> messages;
};

Parsed parse(const std::string& text, uint32_t max_errors = 100) {
  Parsed p;
  p.file = std::make_unique<base::SourceFile>("test.hako", text);
  diag::DiagEngine diags(max_errors);
  p.program = parse_program(*p.file, diags);
  for (const auto& d : diags.diagnostics()) {
    p.codes.push_back(diag::info(d.kind).code);
    p.messages.push_back(d.message);
  }
  return p;
}

std::string wrap(const std::string& body) { return "static box Main {\n  main() {\n" + body + "\n  }\n}\n"; }

// The dump of the statements of a main() whose body is `body`; fails the test
// on any diagnostic.
std::string body(const std::string& text) {
  Parsed p = parse(wrap(text));
  EXPECT_TRUE(p.codes.empty()) << text << "\n  -> " << (p.messages.empty() ? "" : p.messages[0]);
  if (p.program.boxes.size() != 1 || p.program.boxes[0].methods.size() != 1) return "<no main>";
  return dump(p.program.boxes[0].methods[0].body);
}

// The dump of one expression (as the only statement of main).
std::string expr(const std::string& text) {
  std::string b = body(text);
  return b.size() >= 2 ? b.substr(1, b.size() - 2) : b;
}

std::vector<std::string> codes(const std::string& text) { return parse(text).codes; }
std::vector<std::string> body_codes(const std::string& text) { return parse(wrap(text)).codes; }

// --- expressions ------------------------------------------------------------------

TEST(ParserExpr, Literals) {
  EXPECT_EQ(expr("42"), "42");
  EXPECT_EQ(expr("0x1F"), "31");
  EXPECT_EQ(expr("2.5e-3"), "0.0025f");
  EXPECT_EQ(expr("\"hi\\n\""), "\"hi\n\"");
  EXPECT_EQ(expr("'s'"), "\"s\"");
  EXPECT_EQ(expr("true"), "true");
  EXPECT_EQ(expr("false"), "false");
  EXPECT_EQ(expr("null"), "null");
  EXPECT_EQ(expr("void"), "null");
  EXPECT_EQ(expr("me"), "me");
  EXPECT_EQ(expr("this"), "me");
  EXPECT_EQ(expr("name"), "name");
}

TEST(ParserExpr, PrecedenceFollowsTheSpec) {
  EXPECT_EQ(expr("1 + 2 * 3"), "(+ 1 (* 2 3))");
  EXPECT_EQ(expr("1 * 2 + 3"), "(+ (* 1 2) 3)");
  EXPECT_EQ(expr("a % b / c * d"), "(* (/ (% a b) c) d)");
  EXPECT_EQ(expr("1 << 2 + 3"), "(<< 1 (+ 2 3))");
  EXPECT_EQ(expr("a & b ^ c | d"), "(| (^ (& a b) c) d)");
  EXPECT_EQ(expr("a | b ^ c & d"), "(| a (^ b (& c d)))");
  EXPECT_EQ(expr("a >> 1 & 3"), "(& (>> a 1) 3)");
  EXPECT_EQ(expr("a == b | c"), "(== a (| b c))");
  EXPECT_EQ(expr("a < b == c >= d"), "(>= (== (< a b) c) d)");
  EXPECT_EQ(expr("a != b && c <= d"), "(&& (!= a b) (<= c d))");
  EXPECT_EQ(expr("a || b && c"), "(|| a (&& b c))");
  EXPECT_EQ(expr("a or b and c"), "(|| a (&& b c))");
  EXPECT_EQ(expr("a && b || c > d"), "(|| (&& a b) (> c d))");
  EXPECT_EQ(expr("a || b ? c : d"), "(? (|| a b) c d)");
}

TEST(ParserExpr, Associativity) {
  EXPECT_EQ(expr("1 - 2 - 3"), "(- (- 1 2) 3)");
  EXPECT_EQ(expr("8 / 4 / 2"), "(/ (/ 8 4) 2)");
  EXPECT_EQ(expr("a || b || c"), "(|| (|| a b) c)");
  EXPECT_EQ(expr("a ? b : c ? d : e"), "(? a b (? c d e))");
  EXPECT_EQ(expr("a ? b ? c : d : e"), "(? a (? b c d) e)");
}

TEST(ParserExpr, UnaryOperators) {
  EXPECT_EQ(expr("-a * b"), "(* (neg a) b)");
  EXPECT_EQ(expr("!a && b"), "(&& (! a) b)");
  EXPECT_EQ(expr("not a"), "(! a)");
  EXPECT_EQ(expr("~x | 1"), "(| (~ x) 1)");
  EXPECT_EQ(expr("- - x"), "(neg (neg x))");
  EXPECT_EQ(expr("-x.f()"), "(neg (.f x))");
  EXPECT_EQ(expr("weak x"), "(weak x)");
  EXPECT_EQ(expr("weak me.parent"), "(weak (. me parent))");
  EXPECT_EQ(expr("-1.5"), "(neg 1.5f)");
}

TEST(ParserExpr, I64MinLiteral) {
  Parsed p = parse(wrap("local x = -9223372036854775808"));
  ASSERT_TRUE(p.codes.empty());
  const auto& local = p.program.boxes[0].methods[0].body.stmts[0]->as<LocalStmt>();
  const Expr& init = *local.bindings[0].init;
  ASSERT_EQ(init.kind, ExprKind::IntLit);
  EXPECT_EQ(init.as<IntLit>().value, INT64_MIN);
  EXPECT_EQ(p.file->text().substr(init.span.begin, init.span.end - init.span.begin), "-9223372036854775808");
  EXPECT_EQ(expr("- 9223372036854775808"), std::to_string(INT64_MIN));
  EXPECT_EQ(expr("--9223372036854775808"), "(neg " + std::to_string(INT64_MIN) + ")");
  EXPECT_EQ(expr("-0x8000000000000000"), std::to_string(INT64_MIN));
  // Anything but a minus directly on the literal is out of range.
  EXPECT_EQ(body_codes("local x = 9223372036854775808"), std::vector<std::string>{"E0106"});
  EXPECT_EQ(body_codes("local x = -(9223372036854775808)"), std::vector<std::string>{"E0106"});
  EXPECT_EQ(body_codes("local x = -9223372036854775808.toString()"), std::vector<std::string>{"E0106"});
  EXPECT_EQ(body_codes("local x = 1 - 9223372036854775808"), std::vector<std::string>{"E0106"});
  EXPECT_EQ(body_codes("local x = -9223372036854775809"), std::vector<std::string>{"E0106"});
  Parsed q = parse(wrap("local x = 0x8000000000000000"));
  ASSERT_EQ(q.messages.size(), 1u);
  EXPECT_NE(q.messages[0].find("'-0x8000000000000000'"), std::string::npos) << q.messages[0];
}

TEST(ParserExpr, PostfixCallsAndFields) {
  EXPECT_EQ(expr("a.b"), "(. a b)");
  EXPECT_EQ(expr("a.b.c"), "(. (. a b) c)");
  EXPECT_EQ(expr("a.m()"), "(.m a)");
  EXPECT_EQ(expr("a.m(1, 2).n(x).f"), "(. (.n (.m a 1 2) x) f)");
  EXPECT_EQ(expr("f()"), "(call f)");
  EXPECT_EQ(expr("f(1, g(2))"), "(call f 1 (call g 2))");
  EXPECT_EQ(expr("f(1, 2,)"), "(call f 1 2)");
  EXPECT_EQ(expr("Util.twice(3)"), "(.twice Util 3)");
  EXPECT_EQ(expr("me.x"), "(. me x)");
  EXPECT_EQ(expr("this.go()"), "(.go me)");
  // Any keyword may follow a dot as a member name.
  EXPECT_EQ(expr("c.print(1)"), "(.print c 1)");
  EXPECT_EQ(expr("x.fini()"), "(.fini x)");
  EXPECT_EQ(expr("w.weak_to_strong()"), "(.weak_to_strong w)");
  EXPECT_EQ(expr("1.toString()"), "(.toString 1)");
  EXPECT_EQ(expr("\"s\".length()"), "(.length \"s\")");
}

TEST(ParserExpr, NewArrayMapAndParens) {
  EXPECT_EQ(expr("new Foo()"), "(new Foo)");
  EXPECT_EQ(expr("new Point(1, 2)"), "(new Point 1 2)");
  EXPECT_EQ(expr("new ArrayBox().push(1)"), "(.push (new ArrayBox) 1)");
  EXPECT_EQ(expr("[]"), "[ ]");
  EXPECT_EQ(expr("[1, \"two\", null]"), "[ 1 \"two\" null ]");
  EXPECT_EQ(expr("[1, 2,]"), "[ 1 2 ]");
  EXPECT_EQ(expr("[[1], []]"), "[ [ 1 ] [ ] ]");
  EXPECT_EQ(expr("%{}"), "%{ }");
  EXPECT_EQ(expr("%{\"k\" => 1, 2 => \"v\"}"), "%{ \"k\"=>1 2=>\"v\" }");
  EXPECT_EQ(expr("%{\"a\" => [1], \"b\" => %{1 => 2},}"), "%{ \"a\"=>[ 1 ] \"b\"=>%{ 1=>2 } }");
  EXPECT_EQ(expr("(1 + 2) * 3"), "(* (+ 1 2) 3)");
  EXPECT_EQ(expr("((a))"), "a");
  EXPECT_EQ(expr("[1, 2].length()"), "(.length [ 1 2 ])");
}

TEST(ParserExpr, BlockExpressions) {
  EXPECT_EQ(body("local x = { local t = 10; t * 2 }"), "{(local x=(blockexpr {(local t=10)} (* t 2)))}");
  EXPECT_EQ(body("local x = {\n  local t = 10\n  t * 2\n}"), "{(local x=(blockexpr {(local t=10)} (* t 2)))}");
  // No final expression: the block yields Void.
  EXPECT_EQ(body("local x = { }"), "{(local x=(blockexpr {} void))}");
  EXPECT_EQ(body("local x = { print(1) }"), "{(local x=(blockexpr {(print 1)} void))}");
  EXPECT_EQ(body("local x = 1 + { 2 }"), "{(local x=(+ 1 (blockexpr {} 2)))}");
  EXPECT_EQ(body("if ({ true }) { }"), "{(if (blockexpr {} true) {})}");
  EXPECT_EQ(body("f({ 1 })"), "{(call f (blockexpr {} 1))}");
}

// --- newline rules ------------------------------------------------------------------

TEST(ParserNewlines, StatementsEndAtNewlineOrSemicolon) {
  EXPECT_EQ(body("a\nb"), "{a; b}");
  EXPECT_EQ(body("a; b;; c"), "{a; b; c}");
  EXPECT_EQ(body("\n\na\n\n\nb\n"), "{a; b}");
  EXPECT_EQ(body("print(1); print(2)"), "{(print 1); (print 2)}");
}

TEST(ParserNewlines, NoSeparatorNeededAfterAClosingBrace) {
  EXPECT_EQ(body("if a { return a } return b"), "{(if a {(return a)}); (return b)}");
  EXPECT_EQ(body("loop { break } print(1)"), "{(forever {break}); (print 1)}");
  EXPECT_EQ(body("{ x } y"), "{{x}; y}");
}

// A token that cannot continue a complete statement but can begin one
// begins the next statement on the same line.
TEST(ParserNewlines, StatementsFollowEachOtherOnOneLine) {
  EXPECT_EQ(body("a b"), "{a; b}");
  EXPECT_EQ(body("if c { i = i + 1  continue }"), "{(if c {(= i (+ i 1)); continue})}");
  EXPECT_EQ(body("if t { print(\"a\") print(b) }"), "{(if t {(print \"a\"); (print b)})}");
  EXPECT_EQ(body("x = 1 if x { break }"), "{(= x 1); (if x {break})}");
  EXPECT_EQ(body("local a = 1 local b = 2"), "{(local a=1); (local b=2)}");
  // A token that can begin no statement is still an error.
  EXPECT_EQ(body_codes("x = 1 )"), std::vector<std::string>{"E0201"});
  EXPECT_EQ(body_codes("x = 1 ,"), std::vector<std::string>{"E0201"});
}

// A line starting with a binary operator continues the expression before
// it, except `-`, which can begin an expression and so begins a statement.
TEST(ParserNewlines, LeadingBinaryOperatorContinues) {
  EXPECT_EQ(body("return a == 1\n  or a == 2"), "{(return (|| (== a 1) (== a 2)))}");
  EXPECT_EQ(body("x = a\n  && b\n  || c"), "{(= x (|| (&& a b) c))}");
  EXPECT_EQ(body("x = a\n  + b\n  * c"), "{(= x (+ a (* b c)))}");
  EXPECT_EQ(body("x = a\n  and b"), "{(= x (&& a b))}");
  EXPECT_EQ(body("x = a\n  - b"), "{(= x a); (neg b)}");
  EXPECT_EQ(body("x = a\n  (b)"), "{(= x a); b}");
  EXPECT_EQ(body("x = a\n  not b"), "{(= x a); (! b)}");
}

TEST(ParserNewlines, ContinuationsAfterOperatorsCommasAndDots) {
  EXPECT_EQ(body("local x = 1 +\n  2"), "{(local x=(+ 1 2))}");
  EXPECT_EQ(body("local x = a &&\n b ||\n c"), "{(local x=(|| (&& a b) c))}");
  EXPECT_EQ(body("local x = a ?\n b :\n c"), "{(local x=(? a b c))}");
  EXPECT_EQ(body("local x = a ? b\n : c"), "{(local x=(? a b c))}");
  EXPECT_EQ(body("local x = a.\n  b"), "{(local x=(. a b))}");
  EXPECT_EQ(body("local a,\n  b = 1"), "{(local a b=1)}");
  EXPECT_EQ(body("x =\n 5"), "{(= x 5)}");
  // A line starting with a binary operator continues too (see below).
  EXPECT_EQ(body("local x = 1\n + 2"), "{(local x=(+ 1 2))}");
}

TEST(ParserNewlines, InsideBrackets) {
  EXPECT_EQ(body("f(1,\n  2\n)"), "{(call f 1 2)}");
  EXPECT_EQ(body("local x = (1\n + 2)"), "{(local x=(+ 1 2))}");
  EXPECT_EQ(body("local a = [\n  1,\n  2,\n]"), "{(local a=[ 1 2 ])}");
  EXPECT_EQ(body("local m = %{\n  \"a\" => 1,\n  \"b\"\n  => 2\n}"), "{(local m=%{ \"a\"=>1 \"b\"=>2 })}");
  EXPECT_EQ(body("print(\n  x\n)"), "{(print x)}");
  EXPECT_EQ(body("obj.m(\n 1,\n 2)"), "{(.m obj 1 2)}");
  EXPECT_EQ(body("loop(\n i < 3\n) { }"), "{(loop (< i 3) {})}");
  // Inside a block inside parentheses, newlines separate statements again.
  EXPECT_EQ(body("f({\n  local t = 1\n  t\n})"), "{(call f (blockexpr {(local t=1)} t))}");
}

TEST(ParserNewlines, MethodChainsOnFollowingLines) {
  EXPECT_EQ(body("local s = a\n  .b()\n  .c(1)\n  .d"), "{(local s=(. (.c (.b a) 1) d))}");
  EXPECT_EQ(body("a\n.b()\nprint(1)"), "{(.b a); (print 1)}");
  EXPECT_EQ(body("a // comment\n  .b()"), "{(.b a)}");
}

TEST(ParserNewlines, ElseOnTheNextLine) {
  EXPECT_EQ(body("if a { x }\nelse { y }"), "{(if a {x} else {y})}");
  EXPECT_EQ(body("if a {\n x\n}\n\n// note\nelse if b {\n y\n}\nelse {\n z\n}"),
            "{(if a {x} else (if b {y} else {z}))}");
  EXPECT_EQ(body("if a\n{\n x\n}"), "{(if a {x})}");
}

TEST(ParserNewlines, ReturnWithoutValueAtLineEnd) {
  EXPECT_EQ(body("return\n5"), "{(return); 5}");
  EXPECT_EQ(body("return"), "{(return)}");
  EXPECT_EQ(body("if a { return }"), "{(if a {(return)})}");
  EXPECT_EQ(body("return; x"), "{(return); x}");
  EXPECT_EQ(body("return a + 1"), "{(return (+ a 1))}");
}

// --- statements -----------------------------------------------------------------------

TEST(ParserStmt, Locals) {
  EXPECT_EQ(body("local x"), "{(local x)}");
  EXPECT_EQ(body("local x = 1"), "{(local x=1)}");
  EXPECT_EQ(body("local a, b = 1, c"), "{(local a b=1 c)}");
  EXPECT_EQ(body("local a = 1, b = a + 1"), "{(local a=1 b=(+ a 1))}");
  EXPECT_EQ(body("local x: Int = 5"), "{(local x=5)}");
  EXPECT_EQ(body("local f = open() fini { f.close() }"), "{(local f=(call open) fini {(.close f)})}");
}

TEST(ParserStmt, Assignments) {
  EXPECT_EQ(body("x = 1"), "{(= x 1)}");
  EXPECT_EQ(body("obj.f = g(1)"), "{(= (. obj f) (call g 1))}");
  EXPECT_EQ(body("me.a.b = 2"), "{(= (. (. me a) b) 2)}");
  EXPECT_EQ(body("x += 1; x -= 2; x *= 3; x /= 4; x %= 5"), "{(+= x 1); (-= x 2); (*= x 3); (/= x 4); (%= x 5)}");
  EXPECT_EQ(body("me.count += 1"), "{(+= (. me count) 1)}");
  // `me = x` is left to sema, which has a dedicated error for it.
  EXPECT_EQ(body("me = x"), "{(= me x)}");
}

TEST(ParserStmt, IfAndLoops) {
  EXPECT_EQ(body("if x > 1 { print(1) }"), "{(if (> x 1) {(print 1)})}");
  EXPECT_EQ(body("if (x) { a } else { b }"), "{(if x {a} else {b})}");
  EXPECT_EQ(body("if a { } else if b { } else if c { } else { d }"),
            "{(if a {} else (if b {} else (if c {} else {d})))}");
  EXPECT_EQ(body("loop(i < 10) { i += 1 }"), "{(loop (< i 10) {(+= i 1)})}");
  EXPECT_EQ(body("loop { break }"), "{(forever {break})}");
  EXPECT_EQ(body("while i < 3 { continue }"), "{(while (< i 3) {continue})}");
  EXPECT_EQ(body("while (true) { }"), "{(while true {})}");
  EXPECT_EQ(body("loop(true) { if x { break } else { continue } }"),
            "{(loop true {(if x {break} else {continue})})}");
}

TEST(ParserStmt, PrintBlocksFiniUnsafeAndExpressions) {
  EXPECT_EQ(body("print(\"hi\")"), "{(print \"hi\")}");
  EXPECT_EQ(body("print(1 + 2)"), "{(print (+ 1 2))}");
  EXPECT_EQ(body("{ local t = 1; { t } }"), "{{(local t=1); {t}}}");
  EXPECT_EQ(body("fini { print(1) }"), "{(fini {(print 1)})}");
  EXPECT_EQ(body("unsafe { f() }"), "{(unsafe {(call f)})}");
  EXPECT_EQ(body("new Foo()"), "{(new Foo)}");
  EXPECT_EQ(body("x.go(1)"), "{(.go x 1)}");
  EXPECT_EQ(body("weak x"), "{(weak x)}");
}

// --- declarations -----------------------------------------------------------------------

TEST(ParserDecl, BoxesFieldsAndMethods) {
  Parsed p = parse(
      "box Point {\n"
      "  x\n"
      "  y: Int\n"
      "  weak owner\n"
      "  public { label, weak peer }\n"
      "  private { secret }\n"
      "  public weak p\n"
      "  public q: String\n"
      "  init { a, weak b }\n"
      "  c, d\n"
      "  birth(x, y: Int) { me.x = x; me.y = y }\n"
      "  norm2(): Int { return me.x * me.x + me.y * me.y }\n"
      "  fini() { print(\"closing\") }\n"
      "}\n"
      "static box Main {\n"
      "  main(args) { return 0 }\n"
      "}\n");
  ASSERT_TRUE(p.codes.empty()) << p.messages[0];
  ASSERT_EQ(p.program.boxes.size(), 2u);
  const BoxDecl& point = p.program.boxes[0];
  EXPECT_EQ(point.name, "Point");
  EXPECT_FALSE(point.is_static);
  std::string fields;
  for (const auto& f : point.fields) {
    fields += f.name;
    if (f.is_weak) fields += "~weak";
    if (f.visibility == Visibility::Public) fields += "~pub";
    if (f.visibility == Visibility::Private) fields += "~priv";
    if (!f.type_annotation.empty()) fields += ":" + f.type_annotation;
    fields += " ";
  }
  EXPECT_EQ(fields, "x y:Int owner~weak label~pub peer~weak~pub secret~priv p~weak~pub q~pub:String a b~weak c d ");
  ASSERT_EQ(point.methods.size(), 3u);
  EXPECT_EQ(point.methods[0].name, "birth");
  EXPECT_EQ(point.methods[0].kind, MethodKind::Birth);
  ASSERT_EQ(point.methods[0].params.size(), 2u);
  EXPECT_EQ(point.methods[0].params[1].name, "y");
  EXPECT_EQ(point.methods[0].params[1].type_annotation, "Int");
  EXPECT_EQ(dump(point.methods[0].body), "{(= (. me x) x); (= (. me y) y)}");
  EXPECT_EQ(point.methods[1].name, "norm2");
  EXPECT_EQ(point.methods[1].kind, MethodKind::Normal);
  EXPECT_EQ(point.methods[2].name, "fini");
  EXPECT_EQ(point.methods[2].kind, MethodKind::Fini);
  const BoxDecl& main = p.program.boxes[1];
  EXPECT_TRUE(main.is_static);
  EXPECT_EQ(main.methods[0].name, "main");
  EXPECT_EQ(main.methods[0].params[0].name, "args");
  EXPECT_EQ(p.file->text().substr(point.span.begin, 9), "box Point");
  EXPECT_EQ(p.file->text()[point.span.end - 1], '}');
  EXPECT_EQ(p.file->text().substr(main.span.begin, 10), "static box");
  EXPECT_EQ(p.file->text().substr(main.name_span.begin, main.name_span.end - main.name_span.begin), "Main");
}

TEST(ParserDecl, MultiLineFieldBlocksAndEmptyBoxes) {
  Parsed p = parse("box A {\n  public {\n    a\n    b,\n    weak c\n  }\n}\nbox B { }\nbox C {}\n");
  ASSERT_TRUE(p.codes.empty()) << p.messages[0];
  ASSERT_EQ(p.program.boxes.size(), 3u);
  ASSERT_EQ(p.program.boxes[0].fields.size(), 3u);
  EXPECT_TRUE(p.program.boxes[0].fields[2].is_weak);
  EXPECT_TRUE(p.program.boxes[1].fields.empty());
}

TEST(ParserDecl, DelegationIsReportedButTheBodyIsParsed) {
  Parsed p = parse("box Child from Parent {\n  x\n  go() { }\n}\n");
  EXPECT_EQ(p.codes, std::vector<std::string>{"E0206"});
  EXPECT_NE(p.messages[0].find("'from'"), std::string::npos);
  ASSERT_EQ(p.program.boxes.size(), 1u);
  EXPECT_EQ(p.program.boxes[0].fields.size(), 1u);
  EXPECT_EQ(p.program.boxes[0].methods.size(), 1u);
}

TEST(ParserDecl, DenseExpressionAndLocalIds) {
  Parsed p = parse(
      "box A {\n  f(a, b) { local c = a + b; return c * 2 }\n}\n"
      "static box Main {\n  main() { local x, y = 1; print(new A().f(x, y)) }\n}\n");
  ASSERT_TRUE(p.codes.empty());
  // Params and bindings share one counter, in source order.
  const auto& f = p.program.boxes[0].methods[0];
  EXPECT_EQ(f.params[0].id, 0u);
  EXPECT_EQ(f.params[1].id, 1u);
  EXPECT_EQ(f.body.stmts[0]->as<LocalStmt>().bindings[0].id, 2u);
  const auto& main_local = p.program.boxes[1].methods[0].body.stmts[0]->as<LocalStmt>();
  EXPECT_EQ(main_local.bindings[0].id, 3u);
  EXPECT_EQ(main_local.bindings[1].id, 4u);
  EXPECT_EQ(p.program.local_count, 5u);
  // Every expression id is used exactly once and below expr_count.
  std::set<uint32_t> ids;
  std::vector<const Expr*> stack;
  auto visit_block = [&](const Block& b, auto& self) -> void {
    for (const auto& s : b.stmts) {
      switch (s->kind) {
        case StmtKind::LocalStmt:
          for (const auto& bind : s->as<LocalStmt>().bindings)
            if (bind.init) stack.push_back(bind.init.get());
          break;
        case StmtKind::ReturnStmt: stack.push_back(s->as<ReturnStmt>().value.get()); break;
        case StmtKind::PrintStmt: stack.push_back(s->as<PrintStmt>().value.get()); break;
        default: break;
      }
    }
    (void)self;
  };
  for (const auto& box : p.program.boxes)
    for (const auto& m : box.methods) visit_block(m.body, visit_block);
  while (!stack.empty()) {
    const Expr* e = stack.back();
    stack.pop_back();
    EXPECT_TRUE(ids.insert(e->id).second) << "duplicate id " << e->id;
    EXPECT_LT(e->id, p.program.expr_count);
    if (e->kind == ExprKind::Binary) {
      stack.push_back(e->as<Binary>().lhs.get());
      stack.push_back(e->as<Binary>().rhs.get());
    } else if (e->kind == ExprKind::MethodCall) {
      stack.push_back(e->as<MethodCall>().receiver.get());
      for (const auto& a : e->as<MethodCall>().args) stack.push_back(a.get());
    }
  }
  // a + b, a, b, c * 2, c, 2, 1, new A(), x, y, the method call.
  EXPECT_EQ(ids.size(), 11u);
  EXPECT_EQ(p.program.expr_count, 11u);
}

// --- spans ---------------------------------------------------------------------------------

std::string text_of(const Parsed& p, base::Span s) { return p.file->text().substr(s.begin, s.end - s.begin); }

TEST(ParserSpans, NodesCoverTheirTextAndNameTheirTokens) {
  Parsed p = parse(wrap("local v = obj.list.get(i + 1) * new Foo(2)\nfoo(1)\nx.f = -y"));
  ASSERT_TRUE(p.codes.empty());
  const auto& stmts = p.program.boxes[0].methods[0].body.stmts;
  const auto& local = stmts[0]->as<LocalStmt>();
  EXPECT_EQ(text_of(p, local.span), "local v = obj.list.get(i + 1) * new Foo(2)");
  EXPECT_EQ(text_of(p, local.bindings[0].span), "v");
  const auto& mul = local.bindings[0].init->as<Binary>();
  EXPECT_EQ(text_of(p, mul.span), "obj.list.get(i + 1) * new Foo(2)");
  EXPECT_EQ(text_of(p, mul.op_span), "*");
  const auto& get = mul.lhs->as<MethodCall>();
  EXPECT_EQ(text_of(p, get.span), "obj.list.get(i + 1)");
  EXPECT_EQ(text_of(p, get.method_span), "get");
  const auto& list = get.receiver->as<FieldGet>();
  EXPECT_EQ(text_of(p, list.span), "obj.list");
  EXPECT_EQ(text_of(p, list.field_span), "list");
  EXPECT_EQ(text_of(p, get.args[0]->as<Binary>().op_span), "+");
  const auto& nw = mul.rhs->as<New>();
  EXPECT_EQ(text_of(p, nw.span), "new Foo(2)");
  EXPECT_EQ(text_of(p, nw.box_span), "Foo");
  const auto& call = stmts[1]->as<ExprStmt>().expr->as<Call>();
  EXPECT_EQ(text_of(p, call.span), "foo(1)");
  EXPECT_EQ(text_of(p, call.name_span), "foo");
  const auto& assign = stmts[2]->as<AssignStmt>();
  EXPECT_EQ(text_of(p, assign.span), "x.f = -y");
  EXPECT_EQ(text_of(p, assign.op_span), "=");
  EXPECT_EQ(text_of(p, assign.value->span), "-y");
  const auto& method = p.program.boxes[0].methods[0];
  EXPECT_EQ(text_of(p, method.name_span), "main");
  EXPECT_EQ(text_of(p, method.span).substr(0, 6), "main()");
}

TEST(ParserSpans, StatementsAndParenthesisedExpressions) {
  Parsed p = parse(wrap("if a { b } else { c }\nreturn (1 + 2)"));
  ASSERT_TRUE(p.codes.empty());
  const auto& stmts = p.program.boxes[0].methods[0].body.stmts;
  EXPECT_EQ(text_of(p, stmts[0]->span), "if a { b } else { c }");
  EXPECT_EQ(text_of(p, stmts[0]->as<IfStmt>().then_block.span), "{ b }");
  EXPECT_EQ(text_of(p, stmts[1]->span), "return (1 + 2)");
  EXPECT_EQ(text_of(p, stmts[1]->as<ReturnStmt>().value->span), "(1 + 2)");
}

// --- errors ---------------------------------------------------------------------------------

TEST(ParserErrors, ExpectedTokenNamesWhatWasFound) {
  Parsed p = parse(wrap("f(1, 2"));
  ASSERT_FALSE(p.codes.empty());
  EXPECT_EQ(p.codes[0], "E0201");
  EXPECT_EQ(p.messages[0], "Expected ',' or ')' in the argument list, found '}'.");
  Parsed q = parse(wrap("if x print(1)"));
  ASSERT_FALSE(q.codes.empty());
  EXPECT_EQ(q.messages[0], "Expected '{' to start the body of the 'if', found keyword 'print'.");
  EXPECT_EQ(body_codes("local x = new Foo"), std::vector<std::string>{"E0201"});
  EXPECT_EQ(body_codes("x = 1 )"), std::vector<std::string>{"E0201"});
  EXPECT_EQ(body_codes("local 5 = 1"), std::vector<std::string>{"E0201"});
  EXPECT_EQ(codes("box { }"), std::vector<std::string>{"E0201"});
  EXPECT_EQ(codes("static Main { }"), std::vector<std::string>{"E0201"});
  EXPECT_EQ(codes("box A {\n  f(a b) { }\n}"), std::vector<std::string>{"E0201"});
  Parsed r = parse(wrap("local x = new Foo"));
  EXPECT_NE(r.messages[0].find("new Foo()"), std::string::npos) << r.messages[0];
}

TEST(ParserErrors, ExpectedExpression) {
  Parsed p = parse(wrap("local x = )"));
  EXPECT_EQ(p.codes, std::vector<std::string>{"E0202"});
  EXPECT_EQ(p.messages[0], "Expected an expression, found ')'.");
  EXPECT_EQ(body_codes("x = * 2"), std::vector<std::string>{"E0202"});
  EXPECT_EQ(body_codes("print(1 + )"), std::vector<std::string>{"E0202"});
  EXPECT_EQ(body_codes("local a = [1, , 2]"), std::vector<std::string>{"E0202"});
}

TEST(ParserErrors, ExpectedDeclaration) {
  Parsed p = parse("print(1)\nstatic box Main { main() { } }");
  EXPECT_EQ(p.codes, std::vector<std::string>{"E0203"});
  EXPECT_NE(p.messages[0].find("found keyword 'print'"), std::string::npos);
  // The box after the junk is still parsed.
  ASSERT_EQ(p.program.boxes.size(), 1u);
  EXPECT_EQ(codes("local x = 1"), std::vector<std::string>{"E0203"});
  EXPECT_EQ(codes("}"), std::vector<std::string>{"E0203"});
}

TEST(ParserErrors, ExpectedMember) {
  Parsed p = parse("box A {\n  x\n  1 + 2\n  y\n  init(a) { }\n  go() { }\n}");
  EXPECT_EQ(p.codes, (std::vector<std::string>{"E0204", "E0204"}));
  ASSERT_EQ(p.program.boxes.size(), 1u);
  EXPECT_EQ(p.program.boxes[0].fields.size(), 2u);
  EXPECT_EQ(p.program.boxes[0].methods.size(), 1u);
  EXPECT_NE(p.messages[1].find("birth("), std::string::npos) << p.messages[1];
}

TEST(ParserErrors, WeakWithParentheses) {
  Parsed p = parse(wrap("local w = weak(x)"));
  EXPECT_EQ(p.codes, std::vector<std::string>{"E0205"});
  EXPECT_NE(p.messages[0].find("weak x"), std::string::npos);
}

TEST(ParserErrors, InvalidAssignTarget) {
  EXPECT_EQ(body_codes("1 = 2"), std::vector<std::string>{"E0207"});
  EXPECT_EQ(body_codes("f() = 2"), std::vector<std::string>{"E0207"});
  EXPECT_EQ(body_codes("a.m() += 2"), std::vector<std::string>{"E0207"});
  EXPECT_EQ(body_codes("a + b = c"), std::vector<std::string>{"E0207"});
}

TEST(ParserErrors, PrintArity) {
  EXPECT_EQ(body_codes("print()"), std::vector<std::string>{"E0208"});
  Parsed p = parse(wrap("print(1, 2)"));
  EXPECT_EQ(p.codes, std::vector<std::string>{"E0208"});
  EXPECT_NE(p.messages[0].find("2 were given"), std::string::npos) << p.messages[0];
  // The arguments are still parsed, so their own errors are reported too.
  EXPECT_EQ(body_codes("print(1, 2, 3)"), std::vector<std::string>{"E0208"});
  EXPECT_EQ(body("print(1, )"), "{(print 1)}");  // a trailing comma is fine
  EXPECT_EQ(body_codes("print(1, weak(x))"), (std::vector<std::string>{"E0205", "E0208"}));
}

TEST(ParserErrors, BlockAsCondition) {
  EXPECT_EQ(body_codes("if { true } { }"), std::vector<std::string>{"E0209"});
  EXPECT_EQ(body_codes("while { x } { }"), std::vector<std::string>{"E0209"});
  EXPECT_EQ(body_codes("loop({ x }) { }"), std::vector<std::string>{"E0209"});
  Parsed p = parse(wrap("if { true } { print(1) }"));
  EXPECT_NE(p.messages[0].find("if ({ ... })"), std::string::npos) << p.messages[0];
  EXPECT_TRUE(body_codes("if ({ true }) { }").empty());
  EXPECT_TRUE(body_codes("loop(({ x })) { }").empty());
}

TEST(ParserErrors, NestingTooDeep) {
  EXPECT_TRUE(body_codes("local x = " + std::string(200, '(') + "1" + std::string(200, ')')).empty());
  EXPECT_EQ(body_codes("local x = " + std::string(300, '(') + "1" + std::string(300, ')')),
            std::vector<std::string>{"E0210"});
  EXPECT_EQ(body_codes(std::string(300, '{') + std::string(300, '}')), std::vector<std::string>{"E0210"});
  EXPECT_EQ(body_codes("local x = " + std::string(300, '-') + "1"), std::vector<std::string>{"E0210"});
  EXPECT_EQ(body_codes("local x = " + std::string(300, '[') + std::string(300, ']')),
            std::vector<std::string>{"E0210"});
  std::string chain = "local x = 1";
  for (int i = 0; i < 2000; ++i) chain += " + 1";
  EXPECT_EQ(body_codes(chain), std::vector<std::string>{"E0210"});
  std::string calls = "local x = a";
  for (int i = 0; i < 2000; ++i) calls += ".f()";
  EXPECT_EQ(body_codes(calls), std::vector<std::string>{"E0210"});
  std::string elifs = "if a { }";
  for (int i = 0; i < 400; ++i) elifs += " else if a { }";
  EXPECT_EQ(body_codes(elifs), std::vector<std::string>{"E0210"});
  // After the report, parsing resumes at the next box.
  Parsed p = parse(wrap(std::string(5000, '(')) + "box After { }\n");
  EXPECT_EQ(p.codes, std::vector<std::string>{"E0210"});
  ASSERT_FALSE(p.program.boxes.empty());
  EXPECT_EQ(p.program.boxes.back().name, "After");
}

// --- extern declarations (docs/ffi.md) ----------------------------------------------

std::string dump(const CTypeExpr& t) {
  auto list = [](const std::vector<CTypeExpr>& ts) {
    std::string out;
    for (size_t i = 0; i < ts.size(); ++i) out += (i ? ", " : "") + dump(ts[i]);
    return out;
  };
  switch (t.form) {
    case CTypeForm::Named: return t.name;
    case CTypeForm::Ptr: return "Ptr<" + list(t.args) + ">";
    case CTypeForm::MutPtr: return "MutPtr<" + list(t.args) + ">";
    case CTypeForm::NonNullPtr: return "NonNullPtr<" + list(t.args) + ">";
    case CTypeForm::FnPtr: return "FnPtr<(" + list(t.args) + ") -> " + list(t.ret) + ">";
  }
  return "?";
}

std::string dump(const std::vector<Attribute>& attrs) {
  std::string out;
  for (const auto& a : attrs) out += "@" + a.name + "(" + a.value + ") ";
  return out;
}

std::string dump(const ExternFn& fn) {
  std::string out = dump(fn.attrs) + "fn " + fn.name + "(";
  for (size_t i = 0; i < fn.params.size(); ++i) {
    const auto& p = fn.params[i];
    out += (i ? ", " : "") + dump(p.attrs) + p.name + ": " + dump(p.type);
  }
  if (fn.variadic) out += fn.params.empty() ? "..." : ", ...";
  out += ")";
  if (fn.ret) out += " -> " + dump(*fn.ret);
  return out;
}

std::string dump(const ExternBlock& b) {
  std::string out = dump(b.attrs) + "extern \"" + b.abi + "\" {";
  for (const auto& fn : b.fns) out += " " + dump(fn) + ";";
  return out + " }";
}

std::string dump(const ExternStruct& s) {
  std::string out = dump(s.attrs) + "extern struct " + s.name + " {";
  for (size_t i = 0; i < s.fields.size(); ++i) out += (i ? ", " : " ") + s.fields[i].name + ": " + dump(s.fields[i].type);
  return out + " }";
}

// The dumps of every extern block and struct of `text`, one per line, blocks
// first; fails the test on any diagnostic.
std::string externs(const std::string& text) {
  Parsed p = parse(text);
  EXPECT_TRUE(p.codes.empty()) << text << "\n  -> " << (p.messages.empty() ? "" : p.messages[0]);
  std::string out;
  for (const auto& b : p.program.externs) out += dump(b) + "\n";
  for (const auto& s : p.program.structs) out += dump(s) + "\n";
  return out;
}

// The dump of the single C type `type`, as the result of an extern function.
std::string ctype(const std::string& type) {
  Parsed p = parse("extern \"C\" { fn f() -> " + type + " }");
  EXPECT_TRUE(p.codes.empty()) << type << "\n  -> " << (p.messages.empty() ? "" : p.messages[0]);
  if (p.program.externs.size() != 1 || p.program.externs[0].fns.size() != 1 || !p.program.externs[0].fns[0].ret) {
    return "<no type>";
  }
  return dump(*p.program.externs[0].fns[0].ret);
}

TEST(ParserExtern, TheExampleOfTheDesign) {
  Parsed p = parse(
      "@library(\"m\") extern \"C\" { fn cos(x: f64) -> f64 }\n"
      "\n"
      "extern \"C\" {\n"
      "    fn strlen(s: CStr) -> usize\n"
      "    @link_name(\"printf\") fn c_printf(fmt: CStr, ...) -> i32\n"
      "}\n"
      "\n"
      "static box Main {\n"
      "    main() {\n"
      "        unsafe {\n"
      "            print(strlen(\"hello\"))\n"
      "            c_printf(\"%s = %.3f\\n\", \"cos 0\", cos(0.0))\n"
      "        }\n"
      "        return 0\n"
      "    }\n"
      "}\n");
  ASSERT_TRUE(p.codes.empty()) << p.messages[0];
  ASSERT_EQ(p.program.externs.size(), 2u);
  EXPECT_EQ(dump(p.program.externs[0]), "@library(m) extern \"C\" { fn cos(x: f64) -> f64; }");
  EXPECT_EQ(dump(p.program.externs[1]),
            "extern \"C\" { fn strlen(s: CStr) -> usize; @link_name(printf) fn c_printf(fmt: CStr, ...) -> i32; }");
  const ExternFn& printf_fn = p.program.externs[1].fns[1];
  EXPECT_TRUE(printf_fn.variadic);
  EXPECT_FALSE(p.program.externs[1].fns[0].variadic);
  // The calls are ordinary calls to sema; the block is an ordinary statement.
  ASSERT_EQ(p.program.boxes.size(), 1u);
  EXPECT_EQ(dump(*p.program.boxes[0].methods[0].body.stmts[0]),
            "(unsafe {(print (call strlen \"hello\")); (call c_printf \"%s = %.3f\n\" \"cos 0\" (call cos 0f))})");
  EXPECT_TRUE(p.program.structs.empty());
}

TEST(ParserExtern, FunctionForms) {
  EXPECT_EQ(externs("extern \"C\" { }"), "extern \"C\" { }\n");
  EXPECT_EQ(externs("extern \"C\" {\n\n}"), "extern \"C\" { }\n");
  // No result type: `ret` is absent; `-> void` written out is kept.
  EXPECT_EQ(externs("extern \"C\" { fn exit(code: i32) }"), "extern \"C\" { fn exit(code: i32); }\n");
  EXPECT_EQ(externs("extern \"C\" { fn abort() -> void }"), "extern \"C\" { fn abort() -> void; }\n");
  // `...` alone, after parameters, after a trailing comma.
  EXPECT_EQ(externs("extern \"C\" { fn f(...) }"), "extern \"C\" { fn f(...); }\n");
  EXPECT_EQ(externs("extern \"C\" { fn f(a: i32, b: u8, ...) }"), "extern \"C\" { fn f(a: i32, b: u8, ...); }\n");
  EXPECT_EQ(externs("extern \"C\" { fn f(a: i32,) }"), "extern \"C\" { fn f(a: i32); }\n");
  // Items are separated by newlines, `;` or `,`, in any number.
  EXPECT_EQ(externs("extern \"C\" { fn a(); fn b(), fn c()\n\n fn d();; }"),
            "extern \"C\" { fn a(); fn b(); fn c(); fn d(); }\n");
  // Parameters may spread over lines; attributes may stand on their own line.
  EXPECT_EQ(externs("extern \"C\" {\n  @library(\"z\")\n  @link_name(\"zlib_crc\")\n  fn crc(\n    buf: Ptr<u8>,\n"
                    "    @ownership(\"transferred\") @x(\"y\") len: usize\n  ) -> u32\n}\n"),
            "extern \"C\" { @library(z) @link_name(zlib_crc) fn crc(buf: Ptr<u8>, @ownership(transferred) @x(y) len: "
            "usize) -> u32; }\n");
  // Attribute values are decoded strings, in either quote; names are not checked here.
  EXPECT_EQ(externs("@callconv('c') @target(\"x86_64\\u{2D}linux\") @nonsense(\"\") extern \"C\" { }"),
            "@callconv(c) @target(x86_64-linux) @nonsense() extern \"C\" { }\n");
  // The ABI string is stored, not judged: sema reports unsupported ones.
  EXPECT_EQ(externs("extern \"stdcall\" { fn f() }"), "extern \"stdcall\" { fn f(); }\n");
  // An extern function's name may reuse a box name or a built-in's: sema decides.
  EXPECT_EQ(externs("extern \"C\" { fn Main(x: Main) -> Handle }"), "extern \"C\" { fn Main(x: Main) -> Handle; }\n");
}

TEST(ParserExtern, CTypes) {
  EXPECT_EQ(ctype("i32"), "i32");
  EXPECT_EQ(ctype("void"), "void");
  EXPECT_EQ(ctype("CStr"), "CStr");
  EXPECT_EQ(ctype("SomeStruct"), "SomeStruct");
  EXPECT_EQ(ctype("Ptr<u8>"), "Ptr<u8>");
  EXPECT_EQ(ctype("MutPtr<void>"), "MutPtr<void>");
  EXPECT_EQ(ctype("NonNullPtr<Point>"), "NonNullPtr<Point>");
  // `>>` and `>> >`: the lexer's Shr token closes two types.
  EXPECT_EQ(ctype("Ptr<Ptr<u8>>"), "Ptr<Ptr<u8>>");
  EXPECT_EQ(ctype("Ptr<MutPtr<NonNullPtr<i8>>>"), "Ptr<MutPtr<NonNullPtr<i8>>>");
  EXPECT_EQ(ctype("Ptr<Ptr<Ptr<Ptr<u8>>>>"), "Ptr<Ptr<Ptr<Ptr<u8>>>>");
  EXPECT_EQ(ctype("Ptr< Ptr< u8 > >"), "Ptr<Ptr<u8>>");
  EXPECT_EQ(ctype("FnPtr<() -> void>"), "FnPtr<() -> void>");
  EXPECT_EQ(ctype("FnPtr<(i32, Ptr<u8>) -> i32>"), "FnPtr<(i32, Ptr<u8>) -> i32>");
  EXPECT_EQ(ctype("FnPtr<(Ptr<Ptr<u8>>) -> Ptr<Ptr<void>>>"), "FnPtr<(Ptr<Ptr<u8>>) -> Ptr<Ptr<void>>>");
  EXPECT_EQ(ctype("Ptr<FnPtr<(FnPtr<(i32) -> i32>) -> void>>"), "Ptr<FnPtr<(FnPtr<(i32) -> i32>) -> void>>");
  EXPECT_EQ(ctype("FnPtr<(\n  i32,\n  i64\n) -> i32>"), "FnPtr<(i32, i64) -> i32>");
  // The form decides; `name` is the written name of a Named type only.
  Parsed p = parse("extern \"C\" { fn f(a: Ptr<i32>, b: FnPtr<(u8) -> u16>) }");
  ASSERT_TRUE(p.codes.empty());
  const auto& params = p.program.externs.at(0).fns.at(0).params;
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].type.form, CTypeForm::Ptr);
  EXPECT_EQ(params[0].type.name, "");
  ASSERT_EQ(params[0].type.args.size(), 1u);
  EXPECT_EQ(params[0].type.args[0].form, CTypeForm::Named);
  EXPECT_EQ(params[0].type.args[0].name, "i32");
  EXPECT_TRUE(params[0].type.ret.empty());
  EXPECT_EQ(params[1].type.form, CTypeForm::FnPtr);
  ASSERT_EQ(params[1].type.args.size(), 1u);
  ASSERT_EQ(params[1].type.ret.size(), 1u);
  EXPECT_EQ(params[1].type.ret[0].name, "u16");
}

TEST(ParserExtern, Structs) {
  EXPECT_EQ(externs("extern struct Point { x: f64, y: f64 }"), "extern struct Point { x: f64, y: f64 }\n");
  EXPECT_EQ(externs("extern struct Opaque { }"), "extern struct Opaque { }\n");
  // Fields are separated by `,`, `;` or newlines, with a trailing one allowed.
  EXPECT_EQ(externs("extern struct S {\n  a: i32,\n  b: Ptr<Ptr<u8>>;\n  c: FnPtr<(i32) -> void>\n  d: u8,\n}"),
            "extern struct S { a: i32, b: Ptr<Ptr<u8>>, c: FnPtr<(i32) -> void>, d: u8 }\n");
  EXPECT_EQ(externs("extern struct S\n{ a: i32; }"), "extern struct S { a: i32 }\n");
  EXPECT_EQ(externs("@target(\"x86_64-unknown-linux-gnu\") extern struct Stat { size: i64 }"),
            "@target(x86_64-unknown-linux-gnu) extern struct Stat { size: i64 }\n");
  // `struct` is an ordinary name elsewhere.
  EXPECT_EQ(body("local struct = 1"), "{(local struct=1)}");
}

TEST(ParserExtern, OrderAmongBoxesAndUseBeforeDeclaration) {
  Parsed p = parse(
      "box A { }\n"
      "extern \"C\" { fn make() -> Point; fn take(p: Ptr<Point>) }\n"  // Point is declared below
      "static box Main { main() { return 0 } }\n"
      "extern struct Point { x: i32, y: i32 }\n"
      "@library(\"m\")\n"
      "extern \"C\" { fn sin(x: f64) -> f64 }\n"
      "box B { }\n"
      "extern struct Line { a: Point, b: Point }\n");
  ASSERT_TRUE(p.codes.empty()) << p.messages[0];
  ASSERT_EQ(p.program.boxes.size(), 3u);
  EXPECT_EQ(p.program.boxes[0].name, "A");
  EXPECT_EQ(p.program.boxes[1].name, "Main");
  EXPECT_EQ(p.program.boxes[2].name, "B");
  ASSERT_EQ(p.program.externs.size(), 2u);
  EXPECT_EQ(p.program.externs[0].fns.at(0).name, "make");
  EXPECT_EQ(p.program.externs[1].fns.at(0).name, "sin");
  EXPECT_EQ(dump(p.program.externs[1].attrs), "@library(m) ");
  ASSERT_EQ(p.program.structs.size(), 2u);
  EXPECT_EQ(p.program.structs[0].name, "Point");
  EXPECT_EQ(p.program.structs[1].name, "Line");
  // Expression and local ids stay dense across the declarations.
  EXPECT_EQ(p.program.expr_count, 1u);
}

TEST(ParserExtern, Spans) {
  Parsed p = parse(
      "@library(\"m\")  extern \"C\" {\n"
      "  @link_name(\"printf\") fn c_printf(@ownership(\"borrowed\") fmt: CStr, ...) -> i32\n"
      "  fn free(p: MutPtr<Ptr<u8>>)\n"
      "}\n"
      "extern struct P { cb: FnPtr<(i32) -> Ptr<Ptr<void>>>, n: i32 }\n");
  ASSERT_TRUE(p.codes.empty()) << p.messages[0];
  const ExternBlock& b = p.program.externs.at(0);
  EXPECT_EQ(text_of(p, b.span).substr(0, 28), "@library(\"m\")  extern \"C\" {\n");
  EXPECT_EQ(text_of(p, b.span).back(), '}');
  EXPECT_EQ(text_of(p, b.abi_span), "\"C\"");
  EXPECT_EQ(text_of(p, b.attrs.at(0).span), "@library(\"m\")");
  EXPECT_EQ(text_of(p, b.attrs.at(0).value_span), "\"m\"");
  const ExternFn& f = b.fns.at(0);
  EXPECT_EQ(text_of(p, f.span),
            "@link_name(\"printf\") fn c_printf(@ownership(\"borrowed\") fmt: CStr, ...) -> i32");
  EXPECT_EQ(text_of(p, f.name_span), "c_printf");
  EXPECT_EQ(text_of(p, f.variadic_span), "...");
  EXPECT_EQ(text_of(p, f.ret->span), "i32");
  const ExternParam& fmt = f.params.at(0);
  EXPECT_EQ(text_of(p, fmt.span), "fmt: CStr");  // attributes are not part of it
  EXPECT_EQ(text_of(p, fmt.attrs.at(0).span), "@ownership(\"borrowed\")");
  EXPECT_EQ(text_of(p, fmt.type.span), "CStr");
  const ExternFn& free_fn = b.fns.at(1);
  EXPECT_EQ(text_of(p, free_fn.span), "fn free(p: MutPtr<Ptr<u8>>)");  // no result: ends at ')'
  const CTypeExpr& mut = free_fn.params.at(0).type;
  EXPECT_EQ(text_of(p, free_fn.params[0].span), "p: MutPtr<Ptr<u8>>");
  EXPECT_EQ(text_of(p, mut.span), "MutPtr<Ptr<u8>>");
  EXPECT_EQ(text_of(p, mut.args.at(0).span), "Ptr<u8>");  // ends inside the `>>`
  EXPECT_EQ(text_of(p, mut.args[0].args.at(0).span), "u8");
  const ExternStruct& s = p.program.structs.at(0);
  EXPECT_EQ(text_of(p, s.span), "extern struct P { cb: FnPtr<(i32) -> Ptr<Ptr<void>>>, n: i32 }");
  EXPECT_EQ(text_of(p, s.name_span), "P");
  const CTypeExpr& cb = s.fields.at(0).type;
  EXPECT_EQ(text_of(p, s.fields[0].span), "cb: FnPtr<(i32) -> Ptr<Ptr<void>>>");
  EXPECT_EQ(text_of(p, cb.span), "FnPtr<(i32) -> Ptr<Ptr<void>>>");
  EXPECT_EQ(text_of(p, cb.args.at(0).span), "i32");
  EXPECT_EQ(text_of(p, cb.ret.at(0).span), "Ptr<Ptr<void>>");
  EXPECT_EQ(text_of(p, cb.ret[0].args.at(0).span), "Ptr<void>");
  EXPECT_EQ(text_of(p, s.fields.at(1).span), "n: i32");
}

// The message of the only diagnostic of `text`, which must have code `code`.
std::string only_error(const std::string& text, const std::string& code) {
  Parsed p = parse(text);
  EXPECT_EQ(p.codes, std::vector<std::string>{code}) << text;
  return p.messages.empty() ? "" : p.messages[0];
}

TEST(ParserExternErrors, TheAbiString) {
  EXPECT_EQ(only_error("extern { fn f() }\nstatic box Main { }", "E0201"),
            "Expected a string literal naming the ABI after 'extern', as in 'extern \"C\" { ... }' (or 'struct', as in "
            "'extern struct Name { ... }'), found '{'.");
  EXPECT_EQ(codes("extern C { }"), std::vector<std::string>{"E0201"});
  EXPECT_EQ(codes("extern"), std::vector<std::string>{"E0201"});
  EXPECT_EQ(only_error("extern \"C\" fn f()", "E0201"), "Expected '{' to start the extern block, found keyword 'fn'.");
  // The recovery goes to the next declaration, which is parsed.
  Parsed p = parse("extern { fn f() }\nstatic box Main { main() { } }\nextern \"C\" { fn g() }");
  EXPECT_EQ(p.codes, std::vector<std::string>{"E0201"});
  ASSERT_EQ(p.program.boxes.size(), 1u);
  ASSERT_EQ(p.program.externs.size(), 1u);
  EXPECT_EQ(p.program.externs[0].fns.at(0).name, "g");
}

TEST(ParserExternErrors, Attributes) {
  EXPECT_EQ(only_error("@library extern \"C\" { }", "E0201"),
            "Expected '(' after attribute '@library': an attribute takes one string argument, as in "
            "'@library(\"...\")', found keyword 'extern'.");
  EXPECT_EQ(only_error("@library() extern \"C\" { }", "E0201"),
            "Expected a string literal as the argument of attribute '@library', as in '@library(\"...\")', found ')'.");
  EXPECT_EQ(only_error("@library(m) extern \"C\" { }", "E0201"),
            "Expected a string literal as the argument of attribute '@library', as in '@library(\"...\")', found "
            "identifier 'm'.");
  EXPECT_EQ(only_error("@library(\"m\", \"n\") extern \"C\" { }", "E0201"),
            "Expected ')' after the argument of attribute '@library' (it takes exactly one string), found ','.");
  EXPECT_EQ(only_error("@ extern \"C\" { }", "E0201"),
            "Expected an attribute name after '@', as in '@link_name(\"puts\")', found keyword 'extern'.");
  // A broken attribute loses itself only: the block it stood before is parsed.
  Parsed p = parse("@library extern \"C\" { fn f() }");
  ASSERT_EQ(p.program.externs.size(), 1u);
  EXPECT_TRUE(p.program.externs[0].attrs.empty());
  EXPECT_EQ(p.program.externs[0].fns.size(), 1u);
  // Inside a block, the function the attribute belongs to is skipped, not the next one.
  Parsed q = parse("extern \"C\" {\n  @link_name fn f()\n  fn g()\n}");
  EXPECT_EQ(q.codes, std::vector<std::string>{"E0201"});
  EXPECT_EQ(dump(q.program.externs.at(0)), "extern \"C\" { fn g(); }");
  // On a parameter.
  EXPECT_EQ(codes("extern \"C\" { fn f(@ownership x: Handle) }"), std::vector<std::string>{"E0201"});
  EXPECT_EQ(only_error("extern \"C\" { fn f(@ownership(\"transferred\")) }", "E0201"),
            "Expected a parameter name after its attributes, found ')'.");
}

TEST(ParserExternErrors, AttributesBeforeOtherDeclarations) {
  Parsed p = parse("@library(\"m\")\nstatic box Main { main() { } }\n");
  EXPECT_EQ(p.codes, std::vector<std::string>{"E0203"});
  EXPECT_EQ(p.messages.at(0),
            "Expected 'extern' after these attributes, found keyword 'static'; attributes belong to extern "
            "declarations, extern functions and their parameters, not to boxes.");
  // The box is still parsed.
  ASSERT_EQ(p.program.boxes.size(), 1u);
  EXPECT_EQ(p.program.boxes[0].name, "Main");
  EXPECT_EQ(codes("@x(\"y\") box A { }"), std::vector<std::string>{"E0203"});
  EXPECT_EQ(only_error("@link_name(\"puts\") fn puts(s: CStr) -> i32", "E0203"),
            "Expected an extern declaration ('extern \"C\" { ... }' or 'extern struct Name { ... }') after the "
            "attributes, found keyword 'fn'.");
  EXPECT_EQ(codes("@x(\"y\")"), std::vector<std::string>{"E0203"});
}

TEST(ParserExternErrors, Parameters) {
  EXPECT_EQ(only_error("extern \"C\" { fn f(x i32) }", "E0201"),
            "Expected ':' and a C type after parameter 'x' (extern parameters are typed, as in 'x: i32'), found "
            "identifier 'i32'.");
  EXPECT_EQ(only_error("extern \"C\" { fn f(x) }", "E0201"),
            "Expected ':' and a C type after parameter 'x' (extern parameters are typed, as in 'x: i32'), found ')'.");
  EXPECT_EQ(only_error("extern \"C\" { fn f(..., x: i32) }", "E0201"),
            "Expected ')' after '...', found ','; '...' must be the last parameter.");
  EXPECT_EQ(only_error("extern \"C\" { fn f(x: i32, ...,) }", "E0201"),
            "Expected ')' after '...', found ','; '...' must be the last parameter.");
  EXPECT_EQ(only_error("extern \"C\" { fn f(x: i32 ...) }", "E0201"),
            "Expected ',' or ')' after the parameter, found '...'.");
  EXPECT_EQ(only_error("extern \"C\" { fn f(,) }", "E0201"), "Expected a parameter name or '...', found ','.");
  EXPECT_EQ(codes("extern \"C\" { fn f(x: i32, y: ) }"), std::vector<std::string>{"E0201"});
  EXPECT_EQ(codes("extern \"C\" { fn f(from: i32) }"), std::vector<std::string>{"E0201"});
  EXPECT_EQ(only_error("extern \"C\" { fn f }", "E0201"),
            "Expected '(' to start the parameters of extern function 'f', found '}'.");
  EXPECT_EQ(only_error("extern \"C\" { fn (x: i32) }", "E0201"), "Expected a function name after 'fn', found '('.");
  EXPECT_EQ(only_error("extern \"C\" { fn f() -> }", "E0201"),
            "Expected a C type (such as 'i32', 'CStr', 'Ptr<u8>' or the name of an extern struct), found '}'.");
  EXPECT_EQ(only_error("extern \"C\" { fn f() -> i32 { return 0 } }", "E0201"),
            "Expected a newline, ';' or ',' after the declaration of extern function 'f', found '{'; extern "
            "functions are declared without a body.");
  EXPECT_EQ(only_error("extern \"C\" { fn f() i32 }", "E0201"),
            "Expected a newline, ';' or ',' after the declaration of extern function 'f', found identifier 'i32'.");
}

TEST(ParserExternErrors, Types) {
  EXPECT_EQ(only_error("extern \"C\" { fn f(cb: FnPtr<i32>) }", "E0201"),
            "Expected '(' and the parameter types after 'FnPtr<', as in 'FnPtr<(i32, i32) -> i32>', found "
            "identifier 'i32'.");
  EXPECT_EQ(only_error("extern \"C\" { fn f(cb: FnPtr<(i32)>) }", "E0201"),
            "Expected '->' and the result type after the parameter types of 'FnPtr', as in 'FnPtr<(i32) -> void>', "
            "found '>'.");
  EXPECT_EQ(only_error("extern \"C\" { fn f(cb: FnPtr<(i32) -> i32) }", "E0201"),
            "Expected '>' to close 'FnPtr<', found ')'.");
  EXPECT_EQ(only_error("extern \"C\" { fn f(cb: FnPtr(i32) -> i32) }", "E0201"),
            "Expected '<' after 'FnPtr', as in 'FnPtr<(i32, i32) -> i32>', found '('.");
  EXPECT_EQ(codes("extern \"C\" { fn f(cb: FnPtr<(i32 i32) -> i32>) }"), std::vector<std::string>{"E0201"});
  EXPECT_EQ(codes("extern \"C\" { fn f(cb: FnPtr<(i32) -> >) }"), std::vector<std::string>{"E0201"});
  EXPECT_EQ(only_error("extern \"C\" { fn f(p: Ptr u8) }", "E0201"),
            "Expected '<' after 'Ptr': a pointer type names what it points to, as in 'Ptr<u8>', found identifier "
            "'u8'.");
  EXPECT_EQ(only_error("extern \"C\" { fn f(p: MutPtr<u8) }", "E0201"), "Expected '>' to close 'MutPtr<', found ')'.");
  EXPECT_EQ(only_error("extern \"C\" { fn f(p: Ptr<>) }", "E0201"),
            "Expected a C type (such as 'i32', 'CStr', 'Ptr<u8>' or the name of an extern struct), found '>'.");
  // One `>` too many: the second half of the `>>` is left over.
  EXPECT_EQ(only_error("extern \"C\" { fn f(p: Ptr<u8>>) }", "E0201"),
            "Expected ',' or ')' after the parameter, found '>'.");
  EXPECT_EQ(codes("extern \"C\" { fn f(p: 42) }"), std::vector<std::string>{"E0201"});
  EXPECT_EQ(codes("extern \"C\" { fn f(p: box) }"), std::vector<std::string>{"E0201"});
}

TEST(ParserExternErrors, ItemsAndFields) {
  EXPECT_EQ(only_error("extern \"C\" { local x = 1 }", "E0204"),
            "Expected an extern function declaration ('fn name(params) -> type') in the extern block, found keyword "
            "'local'.");
  EXPECT_EQ(codes("extern \"C\" { @link_name(\"f\") }"), std::vector<std::string>{"E0204"});
  EXPECT_EQ(only_error("extern struct P { x i32 }", "E0201"),
            "Expected ':' and a C type after field 'x' of extern struct 'P', found identifier 'i32'.");
  EXPECT_EQ(only_error("extern struct P { 1 }", "E0204"),
            "Expected a field 'name: type' in extern struct 'P', found integer literal '1'.");
  EXPECT_EQ(only_error("extern struct P { @x(\"y\") a: i32 }", "E0204"),
            "Expected a field 'name: type' in extern struct 'P', found '@'; struct fields take no attributes.");
  EXPECT_EQ(only_error("extern struct P { a: i32 b: i32 }", "E0201"),
            "Expected a newline, ';' or ',' after field 'a', found identifier 'b'.");
  EXPECT_EQ(only_error("extern struct { a: i32 }", "E0201"),
            "Expected a struct name after 'extern struct', found '{'.");
  EXPECT_EQ(only_error("extern struct P a: i32", "E0201"),
            "Expected '{' to start the fields of extern struct 'P', found identifier 'a'.");
}

TEST(ParserExternErrors, UnterminatedBlocks) {
  Parsed p = parse("extern \"C\" {\n  fn f()\n");
  EXPECT_EQ(p.codes, std::vector<std::string>{"E0201"});
  EXPECT_EQ(p.messages.at(0), "Expected '}' to close the extern block opened at line 1, found end of file.");
  // What was parsed is kept.
  EXPECT_EQ(dump(p.program.externs.at(0)), "extern \"C\" { fn f(); }");
  // A declaration ends the block left open before it, and is parsed.
  Parsed q = parse("extern \"C\" {\n  fn f()\n\nstatic box Main { main() { } }\n");
  EXPECT_EQ(q.codes, std::vector<std::string>{"E0201"});
  EXPECT_EQ(q.messages.at(0),
            "Expected '}' to close the extern block opened at line 1, found keyword 'static'.");
  EXPECT_EQ(q.program.boxes.size(), 1u);
  Parsed r = parse("extern struct P {\n  x: i32\n@library(\"m\") extern \"C\" { fn g() }\n");
  EXPECT_EQ(r.codes, std::vector<std::string>{"E0201"});
  EXPECT_EQ(r.messages.at(0),
            "Expected '}' to close the extern struct 'P' opened at line 1, found '@'.");
  ASSERT_EQ(r.program.externs.size(), 1u);
  EXPECT_EQ(dump(r.program.externs[0]), "@library(m) extern \"C\" { fn g(); }");
  EXPECT_EQ(dump(r.program.structs.at(0)), "extern struct P { x: i32 }");
  // An extern declaration also ends a box or a method left open before it.
  Parsed s = parse("static box Main {\n  main() {\n    return 0\n\n@library(\"m\")\nextern \"C\" { fn g() }\n");
  EXPECT_EQ(s.codes, std::vector<std::string>{"E0201"});
  EXPECT_EQ(s.program.boxes.size(), 1u);
  EXPECT_EQ(s.program.externs.size(), 1u);
}

TEST(ParserExternErrors, RecoveryKeepsTheOtherItems) {
  Parsed p = parse(
      "extern \"C\" {\n"
      "  fn a(x i32) -> i32\n"          // E0201
      "  fn b(p: Ptr<u8>) -> i32\n"
      "  fn c(x: i32\n"                 // E0201: the unclosed `(` does not eat the next line
      "  fn d() -> FnPtr<(i32)>\n"      // E0201
      "  fn e(...) { body(1, 2) }\n"    // E0201: kept, its body skipped
      "  fn f(q: CStr); junk; fn g()\n" // E0204, g parsed
      "  42\n"                          // E0204
      "}\n"
      "extern struct S { a: i32, b, c: Ptr<u8> }\n"  // E0201
      "static box Main { main() { return 0 } }\n");
  EXPECT_EQ(p.codes, (std::vector<std::string>{"E0201", "E0201", "E0201", "E0201", "E0204", "E0204", "E0201"}));
  ASSERT_EQ(p.program.externs.size(), 1u);
  EXPECT_EQ(dump(p.program.externs[0]),
            "extern \"C\" { fn b(p: Ptr<u8>) -> i32; fn e(...); fn f(q: CStr); fn g(); }");
  EXPECT_EQ(dump(p.program.structs.at(0)), "extern struct S { a: i32, c: Ptr<u8> }");
  EXPECT_EQ(p.program.boxes.size(), 1u);
}

TEST(ParserExternErrors, DeepTypesAndLongAttributeRuns) {
  std::string deep;
  for (int i = 0; i < 300; ++i) deep += "Ptr<";
  deep += "u8";
  for (int i = 0; i < 150; ++i) deep += ">>";
  Parsed p = parse("extern \"C\" { fn f(p: " + deep + ") }\nstatic box Main { main() { } }\n");
  EXPECT_EQ(p.codes, std::vector<std::string>{"E0210"});
  EXPECT_EQ(p.program.boxes.size(), 1u);  // parsing resumed at the next declaration
  std::string ok;
  for (int i = 0; i < 200; ++i) ok += "Ptr<";
  ok += "u8";
  for (int i = 0; i < 100; ++i) ok += ">>";
  EXPECT_EQ(ctype(ok), ok);
  // Recovery after junk stops at attributes that lead to `extern`, so the
  // block keeps them; a run that leads elsewhere is skipped.
  Parsed r = parse("junk\n@library(\"m\")\n@x(\"y\") extern \"C\" { fn f() }\n");
  EXPECT_EQ(r.codes, std::vector<std::string>{"E0203"});
  ASSERT_EQ(r.program.externs.size(), 1u);
  EXPECT_EQ(dump(r.program.externs[0]), "@library(m) @x(y) extern \"C\" { fn f(); }");
  Parsed t = parse("junk @a(\"b\") @c(\"d\") box A { }\n@e(\"f\") extern \"C\" { }");
  EXPECT_EQ(t.codes, std::vector<std::string>{"E0203"});
  EXPECT_EQ(t.program.boxes.size(), 1u);
  ASSERT_EQ(t.program.externs.size(), 1u);
  EXPECT_EQ(dump(t.program.externs[0]), "@e(f) extern \"C\" { }");
  // Recovery over a long run of attributes that lead to no `extern` stays
  // linear (each would otherwise rescan the rest of the run).
  std::string run = "junk\n";
  for (int i = 0; i < 200000; ++i) run += "@a(\"b\")\n";
  run += "static box Main { main() { } }\n";
  Parsed q = parse(run);
  EXPECT_EQ(q.codes, std::vector<std::string>{"E0203"});
  EXPECT_EQ(q.program.boxes.size(), 1u);
}

// --- recovery -----------------------------------------------------------------------------

TEST(ParserRecovery, ReportsEveryErrorInTheFile) {
  Parsed p = parse(
      "box A {\n"
      "  x\n"
      "  + y\n"                            // E0204
      "  go() {\n"
      "    local = 5\n"                    // E0201
      "    print(1, 2)\n"                  // E0208
      "    x = = 3\n"                      // E0202
      "    local ok = 1\n"
      "    f() = 3\n"                      // E0207
      "  }\n"
      "}\n"
      "garbage here\n"                     // E0203
      "static box Main {\n"
      "  main() {\n"
      "    if { true } { }\n"              // E0209
      "    local w = weak(me)\n"           // E0205
      "    return %{ \"a\" => , 1 => 2 }\n"  // E0202
      "    print(\"still parsed\")\n"
      "  }\n"
      "}\n");
  EXPECT_EQ(p.codes,
            (std::vector<std::string>{"E0204", "E0201", "E0208", "E0202", "E0207", "E0203", "E0209", "E0205", "E0202"}));
  ASSERT_EQ(p.program.boxes.size(), 2u);
  const auto& go = p.program.boxes[0].methods.at(0);
  EXPECT_EQ(dump(go.body), "{(print 1); (local ok=1); 3}");
  const auto& main = p.program.boxes[1].methods.at(0);
  EXPECT_EQ(dump(*main.body.stmts.back()), "(print \"still parsed\")");
}

TEST(ParserRecovery, MissingClosingBraces) {
  Parsed p = parse("static box Main {\n  main() {\n    print(1)\n\nstatic box Other {\n  f() { }\n}\n");
  EXPECT_EQ(p.codes, std::vector<std::string>{"E0201"});
  EXPECT_NE(p.messages[0].find("Expected '}' to close the block opened at line 2"), std::string::npos)
      << p.messages[0];
  ASSERT_EQ(p.program.boxes.size(), 2u);
  EXPECT_EQ(p.program.boxes[1].name, "Other");
  EXPECT_EQ(codes("box A {\n  x\n"), std::vector<std::string>{"E0201"});
  // `static` not followed by `box` is a bad member, not the end of the box.
  Parsed q = parse("static box Main {\n  static main() { }\n  other() { }\n}\n");
  EXPECT_EQ(q.codes, std::vector<std::string>{"E0204"});
  ASSERT_EQ(q.program.boxes.size(), 1u);
  EXPECT_EQ(q.program.boxes[0].methods.size(), 1u);
  EXPECT_EQ(codes("box A { f() { if x {"), std::vector<std::string>{"E0201"});
}

TEST(ParserRecovery, ErrorsInsideBracketsDoNotEatTheBlock) {
  Parsed p = parse(wrap("local m = %{ \"a\" => , \"b\" => 2 }\nprint(1)\nlocal a = f(1, (2 +), 3)\nprint(2)"));
  EXPECT_EQ(p.codes, (std::vector<std::string>{"E0202", "E0202"}));
  EXPECT_EQ(dump(p.program.boxes.at(0).methods.at(0).body), "{(print 1); (print 2)}");
}

TEST(ParserRecovery, UnclosedParenthesisStopsAtTheNextStatementLine) {
  Parsed p = parse(wrap("local y = (1 + 2\nprint(y)\nfoo(1 2)\nlocal a = [1,\n  2\nreturn a"));
  EXPECT_EQ(p.codes, (std::vector<std::string>{"E0201", "E0201", "E0201"}));
  EXPECT_EQ(dump(p.program.boxes.at(0).methods.at(0).body), "{(print y); (return a)}");
  // A multi-line argument list with an error skips its own lines only.
  Parsed q = parse(wrap("f(1,\n  2 3,\n  4)\nprint(5)"));
  EXPECT_EQ(q.codes, std::vector<std::string>{"E0201"});
  EXPECT_EQ(dump(q.program.boxes.at(0).methods.at(0).body), "{(print 5)}");
}

TEST(ParserRecovery, LexerErrorsAndParseErrorsTogether) {
  Parsed p = parse(wrap("local s = \"abc\\q\"\nlocal t = 0x\nlocal u = $ 1\nlocal = 2"));
  EXPECT_EQ(p.codes, (std::vector<std::string>{"E0103", "E0107", "E0101", "E0201"}));
}

// --- robustness -------------------------------------------------------------------------------

TEST(ParserRobustness, PseudoRandomBytes) {
  std::mt19937 rng(12345);
  std::string text(1 << 20, '\0');
  for (char& c : text) c = static_cast<char>(rng() & 0xFF);
  Parsed p = parse(text);
  EXPECT_FALSE(p.codes.empty());
  EXPECT_LE(p.codes.size(), 101u);
}

TEST(ParserRobustness, RandomTokenSoup) {
  const char* vocab[] = {"box ", "static ", "Main ", "{", "}", "(", ")", "[", "]", "%{", "=>", ",", ";", "\n",
                         ".", "x ", "1 ", "\"s\" ", "+", "-", "=", "if ", "else ", "loop ", "while ", "local ",
                         "return ", "print", "new ", "weak ", "?", ":", "me ", "fini ", "extern ", "from ", "init ",
                         "public ", "&&", "not ", "1.5 ", "@", "->", "...", "fn ", "struct ", "Ptr<", ">>", ">",
                         "@a(\"b\") ", "extern \"C\" { "};
  for (uint32_t seed = 0; seed < 20; ++seed) {
    std::mt19937 rng(seed);
    std::string text;
    while (text.size() < (64u << 10)) text += vocab[rng() % (sizeof vocab / sizeof vocab[0])];
    Parsed p = parse(text);
    EXPECT_FALSE(p.codes.empty()) << "seed " << seed;
    EXPECT_LE(p.codes.size(), 101u);
  }
}

TEST(ParserRobustness, HugeNestingAndHugeFiles) {
  for (std::string open : {"(", "[", "{", "-", "!", "weak ", "%{1=>", "f(", "a ? b : "}) {
    std::string text = wrap("local x = ");
    for (int i = 0; i < 100000; ++i) text += open;
    Parsed p = parse(text);
    EXPECT_FALSE(p.codes.empty()) << open;
    EXPECT_LE(p.codes.size(), 101u);
  }
  // Many valid boxes: all of them, no errors.
  std::string many;
  for (int i = 0; i < 20000; ++i) {
    many += "box B" + std::to_string(i) + " {\n  x\n  f(a) { local t = a * 2 + 1\n if t > 3 { return t } }\n}\n";
  }
  Parsed p = parse(many);
  EXPECT_TRUE(p.codes.empty());
  EXPECT_EQ(p.program.boxes.size(), 20000u);
}

TEST(ParserRobustness, ErrorsPerLineStopAtTheCap) {
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "box A { ) }\n";
  Parsed p = parse(text, 10);
  EXPECT_EQ(p.codes.size(), 11u);
  EXPECT_EQ(p.codes.back(), "E0006");
}

}  // namespace
}  // namespace hako::parse
