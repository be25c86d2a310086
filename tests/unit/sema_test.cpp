// Kind inference and conversions recorded by sema, and their lowering.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "lower/lower.h"
#include "mir/printer.h"
#include "mir/verify.h"
#include "parse/parse.h"
#include "sema/kinds.h"
#include "sema/sema.h"

namespace hako {
namespace {

struct Checked {
  base::SourceMap sources;
  const base::SourceFile& file;
  diag::DiagEngine diags;
  ast::Program program;
  std::optional<sema::CheckedProgram> checked;

  explicit Checked(const std::string& src) : file(*sources.add("t.hako", src)) {
    program = parse::parse_program(file, diags);
    if (!diags.has_errors()) checked = sema::check(program, sources, diags, sema::CheckOptions{});
  }

  // The inferred kind of the local or parameter called `name`.
  std::string local_kind(const std::string& name) const {
    for (const auto& l : checked->locals)
      if (l.name == name) return sema::kind_name(*checked, l.kind);
    return "<none>";
  }
  std::string ret_kind(const std::string& func) const {
    for (const auto& f : checked->funcs)
      if (f.name == func) return sema::kind_name(*checked, f.ret);
    return "<none>";
  }
  std::string codes() const {
    std::string out;
    for (const auto& d : diags.diagnostics()) out += std::string(diag::info(d.kind).code) + " ";
    return out;
  }
};

// A binary plan names an instruction exactly when it runs one: the constant
// outcomes of == / != across kinds carry none, and operators Strings lack
// (String - String) are type errors rather than a placeholder instruction.
TEST(SemaKinds, BinaryPlansNameAnInstructionOnlyWhenTheyRunOne) {
  using sema::Kind;
  using sema::Tag;
  auto plan = sema::plan_binary(ast::BinaryOp::Eq, Tag::of(Kind::Void), Tag::of(Kind::Void));
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->impl, sema::BinaryImpl::ConstTrue);
  EXPECT_FALSE(plan->op);

  plan = sema::plan_binary(ast::BinaryOp::Ne, Tag::of(Kind::Int), Tag::of(Kind::String));
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->impl, sema::BinaryImpl::ConstTrue);
  EXPECT_FALSE(plan->op);

  plan = sema::plan_binary(ast::BinaryOp::Eq, Tag::of(Kind::Int), Tag::of(Kind::String));
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->impl, sema::BinaryImpl::ConstFalse);
  EXPECT_FALSE(plan->op);

  plan = sema::plan_binary(ast::BinaryOp::Lt, Tag::of(Kind::String), Tag::of(Kind::String));
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->impl, sema::BinaryImpl::Op);
  EXPECT_EQ(plan->op, mir::Op::LtS);

  plan = sema::plan_binary(ast::BinaryOp::Sub, Tag::of(Kind::Float), Tag::of(Kind::Int));
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->op, mir::Op::SubF);
  EXPECT_EQ(plan->rhs, sema::Coercion::IntToFloat);

  EXPECT_FALSE(sema::plan_binary(ast::BinaryOp::Sub, Tag::of(Kind::String), Tag::of(Kind::String)));
  EXPECT_FALSE(sema::plan_binary(ast::BinaryOp::Mod, Tag::of(Kind::String), Tag::of(Kind::Int)));
}

TEST(SemaKinds, IntegersStayInts) {
  Checked c(R"hako(static box Main {
    fib(n) { if n < 2 { return n } return me.fib(n - 1) + me.fib(n - 2) }
    main() { local i = 0; loop(i < 10) { i = i + 1 }; return me.fib(i) }
  })hako");
  ASSERT_TRUE(c.checked) << c.diags.render(diag::Format::Text);
  EXPECT_EQ(c.local_kind("n"), "Int");
  EXPECT_EQ(c.local_kind("i"), "Int");
  EXPECT_EQ(c.ret_kind("Main.fib/1"), "Int");
  EXPECT_EQ(c.ret_kind("Main.main/0"), "Int");
}

TEST(SemaKinds, DifferentKindsJoinToHandle) {
  Checked c(R"hako(static box Main {
    id(x) { return x }
    main() { local v = 1; v = "s"; me.id(1); me.id("a"); return 0 }
  })hako");
  ASSERT_TRUE(c.checked) << c.diags.render(diag::Format::Text);
  EXPECT_EQ(c.local_kind("v"), "a value of unknown kind");
  EXPECT_EQ(c.local_kind("x"), "a value of unknown kind");
  EXPECT_EQ(c.ret_kind("Main.id/1"), "a value of unknown kind");
}

TEST(SemaKinds, FallingOffTheEndJoinsVoid) {
  Checked c(R"hako(static box Main {
    maybe(b) { if b { return 1 } }
    main() { print(me.maybe(true)); return 0 }
  })hako");
  ASSERT_TRUE(c.checked) << c.diags.render(diag::Format::Text);
  EXPECT_EQ(c.ret_kind("Main.maybe/1"), "a value of unknown kind");
  EXPECT_EQ(c.local_kind("b"), "Bool");
}

TEST(SemaKinds, DynamicallyCalledMethodsTakeHandles) {
  Checked c(R"hako(box P { birth() { } add(k) { return k + 1 } }
  static box Main {
    main() { local a = [new P()]; local p = new P(); print(p.add(2)); print(a.get(0).add(3)); return 0 }
  })hako");
  ASSERT_TRUE(c.checked) << c.diags.render(diag::Format::Text);
  EXPECT_EQ(c.local_kind("k"), "a value of unknown kind");
  EXPECT_EQ(c.local_kind("p"), "P");
  EXPECT_EQ(c.local_kind("a"), "ArrayBox");
}

TEST(SemaKinds, StaticTypeErrorsAreCompileErrors) {
  Checked c(R"hako(static box Main {
    main() { local a = true * 2; if [1] { }; local s = "a" < 1; local n = true * null; return 0 }
  })hako");
  EXPECT_FALSE(c.checked);
  EXPECT_EQ(c.codes(), "E0312 E0312 E0312 E0312 ");
}

// An operand that is always Void may sit in code that never runs: a warning
// each, and the program checks, its Void boxed into the Handle the run-time
// check takes (docs/language.md, "Kinds and type errors").
TEST(SemaKinds, AlwaysVoidOperandsAreWarnings) {
  Checked c(R"hako(static box Main {
    main() {
      local s; local i = 0
      if i < 0 && s.get(0) == 1 { print(1) }
      if i < 0 { if s { }; print(s + 1); print(s.x); print("abc".substring(s)) }
      return 0
    }
  })hako");
  ASSERT_TRUE(c.checked) << c.diags.render(diag::Format::Text);
  EXPECT_EQ(c.codes(), "W0303 W0302 W0304 W0305 W0306 ");
  EXPECT_EQ(c.local_kind("s"), "Void");
  // Each use of s: the call's receiver, the field's object and the operand
  // of + are boxed; the condition takes truthiness, the argument an unbox.
  std::vector<std::pair<sema::Coercion, std::string>> uses;
  for (const sema::ExprInfo& e : c.checked->exprs)
    if (e.res == sema::ResKind::Local && e.kind.kind == sema::Kind::Void)
      uses.push_back({e.coercion, sema::kind_name(*c.checked, e.target)});
  std::vector<std::pair<sema::Coercion, std::string>> want = {{sema::Coercion::Box, "a value of unknown kind"},
                                                              {sema::Coercion::Truthy, "Bool"},
                                                              {sema::Coercion::None, "Void"},
                                                              {sema::Coercion::Box, "a value of unknown kind"},
                                                              {sema::Coercion::Unbox, "Int"}};
  EXPECT_EQ(uses, want);
  // Lowered, the module verifies: no instruction gets a Void where it needs
  // a value of a kind.
  mir::Module m = lower::lower_program(*c.checked);
  auto errors = mir::verify_module(m);
  std::string all;
  for (const auto& e : errors) all += mir::format_verify_error(e) + "\n";
  EXPECT_TRUE(errors.empty()) << all << mir::print_module(m);
}

TEST(SemaKinds, UnknownMembersOnKnownBoxes) {
  Checked c(R"hako(box P { x }
  static box Main {
    main() { local p = new P(); p.y = 1; p.nope(); "s".nope(); new Q(); return 0 }
  })hako");
  EXPECT_FALSE(c.checked);
  EXPECT_EQ(c.codes(), "E0303 E0304 E0304 E0302 ");
}

// An unread local is W0308 in a program that checks, and left out next to
// an error (its initialiser is often the erroneous part); a call discarded
// by an expression statement is no use of its value (W0310).
TEST(SemaLints, UnreadLocalsOnlyInProgramsWithoutErrors) {
  Checked fine(R"hako(static box Main {
    f() { print(1) }
    main() { local a = 1; local _b = 2; local c = 0; c = 3; me.f(); local d = me.f(); print(d); return 0 }
  })hako");
  ASSERT_TRUE(fine.checked) << fine.diags.render(diag::Format::Text);
  EXPECT_EQ(fine.codes(), "W0310 W0308 W0308 ");
  Checked broken(R"hako(static box Main {
    main() { local a = true * 2; return 0 }
  })hako");
  EXPECT_FALSE(broken.checked);
  EXPECT_EQ(broken.codes(), "E0312 ");
}

TEST(SemaLowering, LoweredModulesVerify) {
  Checked c(R"hako(box P { x; birth(v) { me.x = v }; toString() { return "P(" + me.x + ")" } }
  static box Main {
    main(args) {
      local i = 0; local s = ""; local m = %{"a" => 1}
      loop(i < 5) {
        if i % 2 == 0 { s = s + i } else if i == 3 { continue } else { s = s + "-" }
        i += 1
        local t = i > 2 && s.length() > 1 ? "y" : "n"
        print(t)
      }
      print(new P(i)); print(m.get("a")); return args.length()
    }
  })hako");
  ASSERT_TRUE(c.checked) << c.diags.render(diag::Format::Text);
  mir::Module m = lower::lower_program(*c.checked);
  auto errors = mir::verify_module(m);
  std::string all;
  for (const auto& e : errors) all += mir::format_verify_error(e) + "\n";
  EXPECT_TRUE(errors.empty()) << all << mir::print_module(m);
  // One LoopForm and the if/else-if chain plus the ternary as IfForms.
  const mir::Function& main = m.functions[m.entry];
  EXPECT_EQ(main.loops.size(), 1u);
  EXPECT_EQ(main.ifs.size(), 3u);
}

}  // namespace
}  // namespace hako
