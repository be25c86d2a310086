// src/rc/reuse.cpp: which releases become part of an allocation
// (docs/ownership.md, "Reuse of dying boxes"). Each case compiles a Main
// whose body is given, with reference counts explicit, and checks the
// `new_box_reuse` rows of main and the releases they replaced.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "base/source_map.h"
#include "diag/diag.h"
#include "lower/lower.h"
#include "mir/mir.h"
#include "mir/text_parser.h"
#include "mir/verify.h"
#include "lowered_source.h"
#include "parse/parse.h"
#include "rc/borrow.h"
#include "rc/rc.h"
#include "rc/reuse.h"
#include "sema/sema.h"

namespace hako::rc {
namespace {

// Hako source → MIR with explicit reference counts → reuse of dying boxes.
std::optional<mir::Module> reused(const std::string& src) {
  std::optional<mir::Module> lowered = testing::lowered_source(src);
  if (!lowered) return std::nullopt;
  mir::Module m = std::move(*lowered);
  borrow_field_reads(m);
  insert_rc(m);
  reuse_dying_boxes(m);
  std::vector<mir::VerifyError> errors = mir::verify_module(m);
  if (!errors.empty()) ADD_FAILURE() << "the module no longer verifies: " << errors[0].message;
  return m;
}

// The allocations of `fn`, in order: "N" for each new_box, "R" for each
// new_box_reuse.
std::string allocations(const mir::Module& m, const std::string& fn) {
  std::string out;
  for (const mir::Function& f : m.functions)
    if (f.name == fn)
      for (const mir::Block& b : f.blocks)
        for (const mir::Inst& in : b.insts) {
          if (in.op == mir::Op::NewBox) out += "N";
          if (in.op == mir::Op::NewBoxReuse) out += "R";
        }
  return out;
}

// Whether some instruction of `fn` after its new_box_reuse of %x uses %x:
// the reuse must have taken over the value's last use.
bool used_after_reuse(const mir::Module& m, const std::string& fn) {
  for (const mir::Function& f : m.functions) {
    if (f.name != fn) continue;
    for (const mir::Block& b : f.blocks) {
      std::vector<mir::ValueId> gone;
      for (const mir::Inst& in : b.insts) {
        for (mir::ValueId a : in.args)
          for (mir::ValueId g : gone)
            if (a == g) return true;
        if (in.op == mir::Op::NewBoxReuse) gone.push_back(in.args[0]);
      }
    }
  }
  return false;
}

// Boxes Vec and Pair (two fields), One (one field) and Obs, whose birth
// upgrades a WeakRef, then `extra`; Main's main runs `body`.
std::string program(const std::string& body, const std::string& extra = "") {
  return "box Vec { x\n y\n birth(x, y) { me.x = x\n me.y = y }\n }\n"
         "box Pair { a\n b\n birth(a, b) { me.a = a\n me.b = b }\n }\n"
         "box One { v\n birth(v) { me.v = v }\n }\n"
         "box Obs { x\n y\n birth(w, y) { me.x = w.weak_to_strong()\n me.y = y }\n }\n" +
         extra + "static box Main { main() {\n" + body + "\n return 0 } }\n";
}

TEST(RcReuse, AReassignedBindingReusesItsOldBox) {
  auto m = reused(program("local p = new Vec(0, 0)\n local i = 0\n"
                          "loop(i < 10) { p = new Vec(p.x + 1, 0)\n i = i + 1 }\n print(p.x)"));
  ASSERT_TRUE(m);
  EXPECT_EQ(allocations(*m, "Main.main/0"), "NR");
  EXPECT_FALSE(used_after_reuse(*m, "Main.main/0"));
}

TEST(RcReuse, ATemporaryThatDiesBeforeTheNextAllocationIsReused) {
  auto m = reused(program("print(new Vec(1, 2).x)\n local q = new Pair(3, 4)\n print(q.a)"));
  ASSERT_TRUE(m);
  EXPECT_EQ(allocations(*m, "Main.main/0"), "NR");
}

TEST(RcReuse, ABoxWithAnotherNumberOfFieldsIsNotReused) {
  auto m = reused(program("print(new Vec(1, 2).x)\n local q = new One(3)\n print(q.v)"));
  ASSERT_TRUE(m);
  EXPECT_EQ(allocations(*m, "Main.main/0"), "NN");
}

TEST(RcReuse, AFieldOfTheDyingBoxHandedToTheNewOneHasItsOwnReference) {
  // p.y goes to birth, so it is read with a reference of its own before
  // the reuse releases the old Vec's fields.
  auto m = reused(program("local p = new Vec(0, new One(1))\n p = new Vec(1, p.y)\n print(p.x)"));
  ASSERT_TRUE(m);
  EXPECT_EQ(allocations(*m, "Main.main/0"), "NNR");
  EXPECT_FALSE(used_after_reuse(*m, "Main.main/0"));
  bool read_before = false;
  for (const mir::Function& f : m->functions)
    if (f.name == "Main.main/0")
      for (const mir::Inst& in : f.blocks[0].insts) {
        if (in.op == mir::Op::GetField) read_before = true;
        if (in.op == mir::Op::NewBoxReuse) break;
      }
  EXPECT_TRUE(read_before);
}

TEST(RcReuse, ABirthThatMayUpgradeAWeakRefBlocksTheReuse) {
  // Obs's birth could see the old box alive through a WeakRef.
  auto m = reused(program("local p = new Obs(null, 0)\n local w = weak p\n p = new Obs(w, 1)\n print(p.y)"));
  ASSERT_TRUE(m);
  EXPECT_EQ(allocations(*m, "Main.main/0"), "NN");
}

TEST(RcReuse, AWeakUpgradeBetweenTheReleaseAndTheAllocationBlocksTheReuse) {
  // The temporary of `weak new Vec(1, 2)` dies at once and the print's
  // temporary takes its memory (the WeakRef is detached either way); the
  // print's temporary dies before `weak_to_strong()`, which could tell
  // whether it is still alive, so q is a fresh allocation.
  auto m = reused(program("local w = weak new Vec(1, 2)\n print(new Vec(1, 2).x)\n"
                          "local alive = w.weak_to_strong()\n local q = new Vec(3, 4)\n print(q.x)"));
  ASSERT_TRUE(m);
  EXPECT_EQ(allocations(*m, "Main.main/0"), "NRN");
}

TEST(RcReuse, ABirthThatCallsAMethodBlocksTheReuse) {
  // A call_method may run any method of that name, or a built-in one.
  auto m = reused(program("local a = new ArrayBox()\n local p = new Calls(a, 0)\n p = new Calls(a, 1)\n print(p.y)",
                          "box Calls { x\n y\n birth(a, y) { me.x = a.length()\n me.y = y }\n }\n"));
  ASSERT_TRUE(m);
  EXPECT_EQ(allocations(*m, "Main.main/0"), "NN");
}

// MIR text with explicit counts whose main allocates %4 while %0 dies;
// `between` goes after %4's first use, before %0's release.
std::optional<mir::Module> from_text(const std::string& between) {
  std::string text =
      "box Vec {\n  field x\n  field y\n}\nbox Main {\n}\nentry @Main.main/0\nrc explicit\n"
      "fn @Main.main/0() -> Int {\nbb0:\n"
      "  %0: Box(Vec) = new_box Vec\n"
      "  %3: Handle = borrow_field %0, Vec.x\n"
      "  %4: Box(Vec) = new_box Vec\n"
      "  %5: Handle = const_void\n"
      "  set_field %4, Vec.x, %5\n" +
      between +
      "  release %0\n"
      "  release %4\n"
      "  %7: Int = const_i 0\n"
      "  ret %7\n}\n";
  base::SourceFile file("reuse_test.mir", text);
  diag::DiagEngine diags;
  std::optional<mir::Module> m = mir::parse_module(file, diags);
  if (!m || !diags.diagnostics().empty()) {
    ADD_FAILURE() << diags.render(diag::Format::Text);
    return std::nullopt;
  }
  reuse_dying_boxes(*m);
  return m;
}

TEST(RcReuse, AFieldBorrowedFromTheDyingBoxUsedAfterTheAllocationBlocksTheReuse) {
  auto m = from_text("  %6: Bool = eq_h %3, %3\n");
  ASSERT_TRUE(m);
  EXPECT_EQ(allocations(*m, "Main.main/0"), "NN");
  auto control = from_text("");
  ASSERT_TRUE(control);
  EXPECT_EQ(allocations(*control, "Main.main/0"), "NR");
}

TEST(RcReuse, AQuietCallBetweenDoesNotBlock) {
  // Vec's birth only stores: the release may move up across it.
  auto m = reused(program("local p = new Vec(0, 0)\n p = new Vec(5, 6)\n print(p.y)"));
  ASSERT_TRUE(m);
  EXPECT_EQ(allocations(*m, "Main.main/0"), "NR");
}

}  // namespace
}  // namespace hako::rc
