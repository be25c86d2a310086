// src/rc/borrow.cpp: which field reads are borrowed (docs/ownership.md,
// "Borrowed field reads"). Each case reads `me.a` once in a method of box
// P and checks whether lowering's get_field became borrow_field.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "base/source_map.h"
#include "diag/diag.h"
#include "lower/lower.h"
#include "mir/mir.h"
#include "lowered_source.h"
#include "parse/parse.h"
#include "rc/borrow.h"
#include "sema/sema.h"

namespace hako::rc {
namespace {

// Hako source → MIR as lowering leaves it → borrowed field reads.
std::optional<mir::Module> borrowed(const std::string& src) {
  std::optional<mir::Module> lowered = testing::lowered_source(src);
  if (!lowered) return std::nullopt;
  mir::Module m = std::move(*lowered);
  borrow_field_reads(m);
  return m;
}

// How `fn` reads its fields: "B" for each borrow_field, "G" for each
// get_field, in order.
std::string reads(const mir::Module& m, const std::string& fn) {
  std::string out;
  for (const mir::Function& f : m.functions)
    if (f.name == fn)
      for (const mir::Block& b : f.blocks)
        for (const mir::Inst& in : b.insts) {
          if (in.op == mir::Op::BorrowField) out += "B";
          if (in.op == mir::Op::GetField) out += "G";
        }
  return out;
}

// A box P with fields a and w (weak), method `t` whose body is `body`, and
// `extra` further members of P; Main calls t.
std::string program(const std::string& body, const std::string& extra = "") {
  return "box Q { v\n birth() { me.v = 1 }\n get() { return me.v }\n take(x) { return me.v }\n }\n"
         "box P {\n a\n weak w\n birth() { me.a = new Q() }\n"
         "  set(x) { me.a = x }\n"
         "  t() {\n" + body + "\n }\n" + extra + "}\n"
         "static box Main { main() { local p = new P()\n p.t()\n return 0 } }\n";
}

TEST(RcBorrow, AReadUsedAtOnceIsBorrowed) {
  auto m = borrowed(program("if me.a == null { print(1) }"));
  ASSERT_TRUE(m);
  EXPECT_EQ(reads(*m, "P.t/0"), "B");
}

TEST(RcBorrow, AReadOfAFieldOfTheValueIsBorrowed) {
  auto m = borrowed(program("print(me.a.v)"));
  ASSERT_TRUE(m);
  EXPECT_EQ(reads(*m, "P.t/0"), "B");
}

TEST(RcBorrow, AStoreIntoTheSameFieldBeforeTheLastUseKeepsTheReference) {
  auto m = borrowed(program("local x = me.a  me.a = null  print(x.v)"));
  ASSERT_TRUE(m);
  EXPECT_EQ(reads(*m, "P.t/0"), "G");
}

TEST(RcBorrow, ACallAfterTheLastUseDoesNotMatter) {
  auto m = borrowed(program("print(me.a.v + me.set(new Q()))"));
  ASSERT_TRUE(m);
  EXPECT_EQ(reads(*m, "P.t/0"), "B");
}

TEST(RcBorrow, AStoreIntoAnotherFieldDoesNot) {
  auto m = borrowed(program("print(me.a.v + me.set2())", " b\n set2() { me.b = 2\n return 0 }\n"));
  ASSERT_TRUE(m);
  EXPECT_EQ(reads(*m, "P.t/0"), "B");
}

TEST(RcBorrow, ACallThatMayStoreIntoTheFieldKeepsTheReference) {
  // me.set(...) stores into P.a while the receiver read before it is in use.
  auto m = borrowed(program("print(me.a.take(me.set(new Q())))"));
  ASSERT_TRUE(m);
  EXPECT_EQ(reads(*m, "P.t/0"), "G");
}

TEST(RcBorrow, AStoreByNameThroughACallKeepsTheReference) {
  auto m = borrowed(program("print(me.a.take(me.poke(me)))", " poke(h) { h.a = null\n return 0 }\n"));
  ASSERT_TRUE(m);
  EXPECT_EQ(reads(*m, "P.t/0"), "G");
}

TEST(RcBorrow, AMethodCallOnTheValueIsBorrowedWhenNoCalleeStoresTheField) {
  auto m = borrowed(program("print(me.a.get())"));
  ASSERT_TRUE(m);
  EXPECT_EQ(reads(*m, "P.t/0"), "B");
}

TEST(RcBorrow, NoCallIsTrustedWhenABoxDefinesToString) {
  auto m = borrowed(program("print(me.a.get())", " toString() { return \"P\" }\n"));
  ASSERT_TRUE(m);
  EXPECT_EQ(reads(*m, "P.t/0"), "G");
}

TEST(RcBorrow, AValueUsedInAnotherBlockKeepsTheReference) {
  auto m = borrowed(program("local x = me.a  if x != null { print(x.v) }"));
  ASSERT_TRUE(m);
  EXPECT_EQ(reads(*m, "P.t/0"), "G");
}

TEST(RcBorrow, WeakFieldsAreNeverBorrowed) {
  auto m = borrowed(program("if me.w == null { print(1) }"));
  ASSERT_TRUE(m);
  EXPECT_EQ(reads(*m, "P.t/0"), "G");
}

}  // namespace
}  // namespace hako::rc
