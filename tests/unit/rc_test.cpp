// src/rc: reference counts inserted into small MIR functions, checked
// instruction by instruction (docs/ownership.md has the rules).
#include <gtest/gtest.h>

#include <string>

#include "base/source.h"
#include "diag/diag.h"
#include "mir/printer.h"
#include "mir/text_parser.h"
#include "mir/verify.h"
#include "rc/rc.h"

namespace hako::rc {
namespace {

// `text` followed by an empty main (the verifier wants a program), parsed.
std::optional<mir::Module> parse_with_main(const std::string& text, std::string& error) {
  base::SourceFile file("rc_test.mir", text + "fn @Main.main/0() -> Void {\nbb0:\n  ret\n}\nentry @Main.main/0\n");
  diag::DiagEngine diags;
  std::optional<mir::Module> m = mir::parse_module(file, diags);
  if (!diags.diagnostics().empty()) error = diags.diagnostics()[0].message;
  return m;
}

// The body (blocks only) of the first function of `text` after insert_rc.
std::string after_rc(const std::string& text) {
  std::string error;
  std::optional<mir::Module> m = parse_with_main(text, error);
  if (!m) return "<parse error: " + error + ">";
  insert_rc(*m);
  std::string problems;
  for (const mir::VerifyError& e : mir::verify_module(*m)) problems += mir::format_verify_error(e) + "\n";
  if (!problems.empty()) return "<invalid after rc: " + problems + ">";
  std::string out = mir::print_function(*m, m->functions[0]);
  return out.substr(out.find("bb0:"));
}

TEST(RcInsert, ReleasesATemporaryAfterItsLastUse) {
  EXPECT_EQ(after_rc("fn @F/1(%0: String) -> Void {\n"
                     "bb0:\n"
                     "  %1: String = concat_s %0, %0\n"
                     "  call_rt reml_print_str(%1)\n"
                     "  call_rt reml_print_str(%0)\n"
                     "  ret\n"
                     "}\n"),
            "bb0:\n"
            "  %1: String = concat_s %0, %0\n"
            "  call_rt reml_print_str(%1)\n"
            "  release %1\n"
            "  call_rt reml_print_str(%0)\n"
            "  ret\n"
            "}\n");
}

TEST(RcInsert, ReleasesAnUnusedFreshReferenceAtOnce) {
  EXPECT_EQ(after_rc("fn @F/0() -> Void {\n"
                     "bb0:\n"
                     "  %0: Box(ArrayBox) = new_array\n"
                     "  ret\n"
                     "}\n"),
            "bb0:\n"
            "  %0: Box(ArrayBox) = new_array\n"
            "  release %0\n"
            "  ret\n"
            "}\n");
}

TEST(RcInsert, ReturnMovesAnOwnedRootAndRetainsABorrowedOne) {
  EXPECT_EQ(after_rc("fn @F/0() -> Box(ArrayBox) {\n"
                     "bb0:\n"
                     "  %0: Box(ArrayBox) = new_array\n"
                     "  ret %0\n"
                     "}\n"),
            "bb0:\n"
            "  %0: Box(ArrayBox) = new_array\n"
            "  ret %0\n"
            "}\n");
  EXPECT_EQ(after_rc("fn @F/1(%0: Handle) -> Handle {\n"
                     "bb0:\n"
                     "  ret %0\n"
                     "}\n"),
            "bb0:\n"
            "  retain %0\n"
            "  ret %0\n"
            "}\n");
  // Literals are immortal: returned as they are.
  EXPECT_EQ(after_rc("fn @F/0() -> String {\n"
                     "bb0:\n"
                     "  %0: String = const_s \"x\"\n"
                     "  ret %0\n"
                     "}\n"),
            "bb0:\n"
            "  %0: String = const_s \"x\"\n"
            "  ret %0\n"
            "}\n");
}

TEST(RcInsert, AViewKeepsItsRootAliveAndSharesItsReference) {
  // %1 boxes the String %0: the same object, so one release of the root
  // after the view's last use, and none of the view.
  EXPECT_EQ(after_rc("fn @F/1(%0: Box(ArrayBox)) -> Void {\n"
                     "bb0:\n"
                     "  %1: String = const_s \"a\"\n"
                     "  %2: String = concat_s %1, %1\n"
                     "  %3: Handle = box %2\n"
                     "  call_rt reml_array_push(%0, %3)\n"
                     "  ret\n"
                     "}\n"),
            "bb0:\n"
            "  %1: String = const_s \"a\"\n"
            "  %2: String = concat_s %1, %1\n"
            "  %3: Handle = box %2\n"
            "  call_rt reml_array_push(%0, %3)\n"
            "  release %2\n"
            "  ret\n"
            "}\n");
}

TEST(RcInsert, KeepExtendsABindingToItsScopeExitAndReleasesLifo) {
  EXPECT_EQ(after_rc("fn @F/0() -> Void {\n"
                     "  scope entry=bb0 parent=none\n"
                     "bb0:\n"
                     "  %0: Box(ArrayBox) = new_array\n"
                     "  %1: Box(MapBox) = new_map\n"
                     "  %2: Int = call_rt reml_array_len(%0)\n"
                     "  call_rt print_i64(%2)\n"
                     "  keep 0 (%0, %1)\n"
                     "  ret\n"
                     "}\n"),
            "bb0:\n"
            "  %0: Box(ArrayBox) = new_array\n"
            "  %1: Box(MapBox) = new_map\n"
            "  %2: Int = call_rt reml_array_len(%0)\n"
            "  call_rt print_i64(%2)\n"
            "  release %1\n"
            "  release %0\n"
            "  ret\n"
            "}\n");
}

TEST(RcInsert, AValueDyingOnOneEdgeIsReleasedOnThatEdge) {
  // %1 is used only on the then-path: the else edge releases it in a block
  // of its own, split from the critical edge bb0 -> bb2.
  EXPECT_EQ(after_rc("fn @F/1(%0: Bool) -> Void {\n"
                     "bb0:\n"
                     "  %1: Box(ArrayBox) = new_array\n"
                     "  cond_br %0, bb1, bb2\n"
                     "bb1:\n"
                     "  %2: Int = call_rt reml_array_len(%1)\n"
                     "  br bb2\n"
                     "bb2:\n"
                     "  ret\n"
                     "}\n"),
            "bb0:\n"
            "  %1: Box(ArrayBox) = new_array\n"
            "  cond_br %0, bb1, bb3\n"
            "bb1:\n"
            "  %2: Int = call_rt reml_array_len(%1)\n"
            "  release %1\n"
            "  br bb2\n"
            "bb2:\n"
            "  ret\n"
            "bb3:\n"
            "  release %1\n"
            "  br bb2\n"
            "}\n");
}

TEST(RcInsert, PhiOperandsMoveOrRetain) {
  // Around a loop: the fresh String of each iteration moves into the phi;
  // the parameter entering it is borrowed and so retained; the phi's old
  // value dies in the body once the new one exists.
  EXPECT_EQ(after_rc("fn @F/2(%0: String, %1: Int) -> Void {\n"
                     "bb0:\n"
                     "  br bb1\n"
                     "bb1:\n"
                     "  %2: String = phi [%0, bb0], [%5, bb2]\n"
                     "  %3: Int = call_rt reml_str_len(%2)\n"
                     "  %4: Bool = lt_i %3, %1\n"
                     "  cond_br %4, bb2, bb3\n"
                     "bb2:\n"
                     "  %5: String = concat_s %2, %2\n"
                     "  br bb1\n"
                     "bb3:\n"
                     "  call_rt reml_print_str(%2)\n"
                     "  ret\n"
                     "}\n"),
            "bb0:\n"
            "  retain %0\n"
            "  br bb1\n"
            "bb1:\n"
            "  %2: String = phi [%0, bb0], [%5, bb2]\n"
            "  %3: Int = call_rt reml_str_len(%2)\n"
            "  %4: Bool = lt_i %3, %1\n"
            "  cond_br %4, bb2, bb3\n"
            "bb2:\n"
            "  %5: String = concat_s %2, %2\n"
            "  release %2\n"
            "  br bb1\n"
            "bb3:\n"
            "  call_rt reml_print_str(%2)\n"
            "  release %2\n"
            "  ret\n"
            "}\n");
}

TEST(RcInsert, OneRootInTwoPhisOfAnEdgeIsMovedOnceAndRetainedOnce) {
  std::string out = after_rc("fn @F/1(%0: Bool) -> Void {\n"
                             "bb0:\n"
                             "  %1: Box(ArrayBox) = new_array\n"
                             "  br bb1\n"
                             "bb1:\n"
                             "  %2: Box(ArrayBox) = phi [%1, bb0]\n"
                             "  %3: Box(ArrayBox) = phi [%1, bb0]\n"
                             "  %4: Int = call_rt reml_array_len(%2)\n"
                             "  %5: Int = call_rt reml_array_len(%3)\n"
                             "  ret\n"
                             "}\n");
  EXPECT_NE(out.find("  %1: Box(ArrayBox) = new_array\n  retain %1\n  br bb1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("release %2"), std::string::npos) << out;
  EXPECT_NE(out.find("release %3"), std::string::npos) << out;
}

TEST(RcInsert, AStoreTakesOverADyingReferenceAndRetainsALiveOne) {
  // %2 dies at the first store: it moves into the field. %0 (a borrowed
  // parameter) is retained for the second store. The literal needs nothing.
  EXPECT_EQ(after_rc("box P {\n  field x\n}\n"
                     "fn @F/2(%0: Box(P), %1: Handle) -> Void {\n"
                     "bb0:\n"
                     "  %2: Handle = add_h %1, %1\n"
                     "  set_field %0, P.x, %2\n"
                     "  set_field %0, P.x, %1\n"
                     "  %3: String = const_s \"s\"\n"
                     "  %4: Handle = box %3\n"
                     "  set_field %0, P.x, %4\n"
                     "  ret\n"
                     "}\n"),
            "bb0:\n"
            "  %2: Handle = add_h %1, %1\n"
            "  set_field %0, P.x, %2\n"
            "  retain %1\n"
            "  set_field %0, P.x, %1\n"
            "  %3: String = const_s \"s\"\n"
            "  %4: Handle = box %3\n"
            "  set_field %0, P.x, %4\n"
            "  ret\n"
            "}\n");
}

TEST(RcInsert, MarksTheModuleAndRemovesKeep) {
  std::string error;
  std::optional<mir::Module> m = parse_with_main(
      "fn @F/1(%0: Handle) -> Void {\n"
      "  scope entry=bb0 parent=none\n"
      "bb0:\n"
      "  keep 0 (%0)\n"
      "  ret\n"
      "}\n",
      error);
  ASSERT_TRUE(m) << error;
  EXPECT_FALSE(m->rc_explicit);
  insert_rc(*m);
  EXPECT_TRUE(m->rc_explicit);
  for (const mir::Block& b : m->functions[0].blocks)
    for (const mir::Inst& in : b.insts) EXPECT_NE(in.op, mir::Op::Keep);
  EXPECT_NE(mir::print_module(*m).find("rc explicit\n"), std::string::npos);
}

}  // namespace
}  // namespace hako::rc
