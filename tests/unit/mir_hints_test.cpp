// Soft hints (src/mir/hints.def): what infer_hints computes on small MIR
// functions, how MIR text and JSON carry hints, and that hints.def is a
// consistent table. tests/hints_test.py checks that no hint changes what a
// program does; tests/mir_fail/hint_*.mir the diagnostics of bad hint lists.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "base/source.h"
#include "diag/diag.h"
#include "mir/infer_hints.h"
#include "mir/printer.h"
#include "mir/text_parser.h"
#include "rc/rc.h"

namespace hako::mir {
namespace {

// `text` followed by an empty main, parsed; nullopt (and the first message
// in `error`) when it does not parse.
std::optional<Module> parse(const std::string& text, std::string& error) {
  base::SourceFile file("hints_test.mir", text + "fn @Main.main/0() -> Void {\nbb0:\n  ret\n}\nentry @Main.main/0\n");
  diag::DiagEngine diags;
  std::optional<Module> m = parse_module(file, diags);
  if (!diags.diagnostics().empty()) error = diags.diagnostics()[0].message;
  return m;
}

// The functions of `text` (without the appended main) printed after infer_hints.
std::string inferred(const std::string& text) {
  std::string error;
  std::optional<Module> m = parse(text, error);
  if (!m) return "<parse error: " + error + ">";
  infer_hints(*m);
  std::string out;
  for (size_t f = 0; f + 1 < m->functions.size(); ++f) out += print_function(*m, m->functions[f]);
  return out;
}

TEST(HintInference, HandlesFromBoxedSmallIntsAndDynamicOperators) {
  EXPECT_EQ(inferred("fn @F/1(%0: Handle) -> Handle {\n"
                     "bb0:\n"
                     "  %1: Int = const_i 5\n"
                     "  %2: Handle = box %1\n"
                     "  %3: Handle = add_h %2, %0\n"
                     "  %4: Handle = const_void\n"
                     "  %5: Handle = copy %0\n"
                     "  %6: Int = const_i 4611686018427387904\n"
                     "  %7: Handle = box %6\n"
                     "  %8: Bool = eq_h %4, %7\n"
                     "  ret %3\n"
                     "}\n"),
            "fn @F/1(%0: Handle) -> Handle !{pure} {\n"
            "bb0:\n"
            "  %1: Int = const_i 5 !{nonneg}\n"
            "  %2: Handle = box %1 !{nonnull local small_int}\n"
            "  %3: Handle = add_h %2, %0 !{nonnull}\n"
            "  %4: Handle = const_void\n"
            "  %5: Handle = copy %0\n"
            "  %6: Int = const_i 4611686018427387904 !{nonneg}\n"
            "  %7: Handle = box %6 !{nonnull local}\n"
            "  %8: Bool = eq_h %4, %7\n"
            "  ret %3\n"
            "}\n");
}

TEST(HintInference, PhisKeepOnlyWhatEveryIncomingValueHas) {
  EXPECT_EQ(inferred("fn @P/1(%0: Bool) -> Handle {\n"
                     "bb0:\n"
                     "  %1: Int = const_i 1\n"
                     "  %2: Handle = box %1\n"
                     "  cond_br %0, bb1, bb2\n"
                     "bb1:\n"
                     "  %3: Int = const_i 2\n"
                     "  %4: Handle = box %3\n"
                     "  br bb3\n"
                     "bb2:\n"
                     "  br bb3\n"
                     "bb3:\n"
                     "  %5: Handle = phi [%4, bb1], [%2, bb2]\n"
                     "  ret %5\n"
                     "}\n"
                     "fn @L/0() -> Int {\n"
                     "bb0:\n"
                     "  %0: Int = const_i 0\n"
                     "  br bb1\n"
                     "bb1:\n"
                     "  %1: Int = phi [%0, bb0], [%2, bb1]\n"
                     "  %2: Int = add_i %1, %0\n"
                     "  %3: Bool = lt_i %2, %0\n"
                     "  cond_br %3, bb1, bb2\n"
                     "bb2:\n"
                     "  ret %1\n"
                     "}\n"),
            "fn @P/1(%0: Bool) -> Handle !{pure no_throw} {\n"
            "bb0:\n"
            "  %1: Int = const_i 1 !{nonneg}\n"
            "  %2: Handle = box %1 !{nonnull small_int}\n"
            "  cond_br %0, bb1, bb2\n"
            "bb1:\n"
            "  %3: Int = const_i 2 !{nonneg}\n"
            "  %4: Handle = box %3 !{nonnull small_int}\n"
            "  br bb3\n"
            "bb2:\n"
            "  br bb3\n"
            "bb3:\n"
            "  %5: Handle = phi [%4, bb1], [%2, bb2] !{nonnull small_int}\n"
            "  ret %5\n"
            "}\n"
            "fn @L/0() -> Int !{pure no_throw} {\n"
            "bb0:\n"
            "  %0: Int = const_i 0 !{nonneg}\n"
            "  br bb1\n"
            "bb1:\n"
            "  %1: Int = phi [%0, bb0], [%2, bb1]\n"
            "  %2: Int = add_i %1, %0\n"
            "  %3: Bool = lt_i %2, %0\n"
            "  cond_br %3, bb1, bb2\n"
            "bb2:\n"
            "  ret %1\n"
            "}\n");
}

TEST(HintInference, ObjectsEscapeThroughStoresReturnsAndCalls) {
  EXPECT_EQ(inferred("global Main.keep\n"
                     "fn @G/0() -> Int {\n"
                     "bb0:\n"
                     "  %0: Box(ArrayBox) = new_array\n"
                     "  %1: Box(ArrayBox) = new_array\n"
                     "  %2: String = const_s \"a\"\n"
                     "  %3: String = concat_s %2, %2\n"
                     "  %4: Bool = eq_s %3, %2\n"
                     "  %5: Int = call_rt reml_array_len(%1)\n"
                     "  %6: Box(MapBox) = new_map\n"
                     "  %7: Handle = box %6\n"
                     "  %8: Handle = copy %7\n"
                     "  set_global Main.keep, %8\n"
                     "  release %0\n"
                     "  release %3\n"
                     "  ret %5\n"
                     "}\n"),
            "fn @G/0() -> Int {\n"
            "bb0:\n"
            "  %0: Box(ArrayBox) = new_array !{local}\n"
            "  %1: Box(ArrayBox) = new_array\n"
            "  %2: String = const_s \"a\"\n"
            "  %3: String = concat_s %2, %2 !{local}\n"
            "  %4: Bool = eq_s %3, %2\n"
            "  %5: Int = call_rt reml_array_len(%1) !{nonneg}\n"
            "  %6: Box(MapBox) = new_map\n"
            "  %7: Handle = box %6 !{nonnull}\n"
            "  %8: Handle = copy %7 !{nonnull}\n"
            "  set_global Main.keep, %8\n"
            "  release %0\n"
            "  release %3\n"
            "  ret %5\n"
            "}\n");
}

TEST(HintInference, PureIsAFixpointOverCallsAndNoThrowCountsEveryCall) {
  EXPECT_EQ(inferred("fn @A/1(%0: Int) -> Int {\n"
                     "bb0:\n"
                     "  %1: Int = call @B/1(%0)\n"
                     "  ret %1\n"
                     "}\n"
                     "fn @B/1(%0: Int) -> Int {\n"
                     "bb0:\n"
                     "  %1: Int = call @B/1(%0)\n"
                     "  ret %1\n"
                     "}\n"
                     "fn @C/0() -> Int {\n"
                     "bb0:\n"
                     "  %0: Int = const_i -3\n"
                     "  call_rt print_i64(%0)\n"
                     "  %1: Int = call @A/1(%0)\n"
                     "  ret %1\n"
                     "}\n"
                     "fn @D/1(%0: Int) -> Int {\n"
                     "bb0:\n"
                     "  %1: Int = const_i 255\n"
                     "  %2: Int = and_i %0, %1\n"
                     "  %3: Int = add_i %2, %1\n"
                     "  %4: Int = div_i %3, %1\n"
                     "  ret %2\n"
                     "}\n"
                     "fn @E/0() -> Int {\n"
                     "bb0:\n"
                     "  %0: Int = call @C/0()\n"
                     "  ret %0\n"
                     "}\n"),
            "fn @A/1(%0: Int) -> Int !{pure} {\n"
            "bb0:\n"
            "  %1: Int = call @B/1(%0)\n"
            "  ret %1\n"
            "}\n"
            "fn @B/1(%0: Int) -> Int !{pure} {\n"
            "bb0:\n"
            "  %1: Int = call @B/1(%0)\n"
            "  ret %1\n"
            "}\n"
            "fn @C/0() -> Int {\n"
            "bb0:\n"
            "  %0: Int = const_i -3\n"
            "  call_rt print_i64(%0)\n"
            "  %1: Int = call @A/1(%0)\n"
            "  ret %1\n"
            "}\n"
            "fn @D/1(%0: Int) -> Int !{pure} {\n"
            "bb0:\n"
            "  %1: Int = const_i 255 !{nonneg}\n"
            "  %2: Int = and_i %0, %1 !{nonneg}\n"
            "  %3: Int = add_i %2, %1\n"
            "  %4: Int = div_i %3, %1\n"
            "  ret %2\n"
            "}\n"
            "fn @E/0() -> Int {\n"
            "bb0:\n"
            "  %0: Int = call @C/0()\n"
            "  ret %0\n"
            "}\n");
}

// --- text and JSON -------------------------------------------------------------

TEST(HintText, WeakValuesParseAsAbsentAndStrongOnesPrintInTableOrder) {
  std::string error;
  std::optional<Module> m = parse("fn @F/0() -> Handle !{no_throw impure pure} {\n"
                                  "bb0:\n"
                                  "  %0: Int = const_i 1 !{any_sign}\n"
                                  "  %1: Handle = box %0 @3:4 !{small_int escapes nonnull}\n"
                                  "  ret %1\n"
                                  "}\n",
                                  error);
  EXPECT_FALSE(m.has_value()) << "'impure' and 'pure' set one hint twice";
  EXPECT_EQ(error, "hint 'pure' is given twice");
  m = parse("fn @F/0() -> Handle !{no_throw pure} {\n"
            "bb0:\n"
            "  %0: Int = const_i 1 !{any_sign}\n"
            "  %1: Handle = box %0 @3:4 !{small_int escapes nonnull}\n"
            "  ret %1\n"
            "}\n",
            error);
  ASSERT_TRUE(m.has_value()) << error;
  EXPECT_EQ(print_function(*m, m->functions[0]),
            "fn @F/0() -> Handle !{pure no_throw} {\n"
            "bb0:\n"
            "  %0: Int = const_i 1\n"
            "  %1: Handle = box %0 @3:4 !{nonnull small_int}\n"
            "  ret %1\n"
            "}\n");
  const std::string json = module_to_json(*m);
  EXPECT_NE(json.find("\"hints\": [\"pure\", \"no_throw\"]"), std::string::npos) << json;
  EXPECT_NE(json.find("\"tag\": \"Handle\", \"hints\": [\"nonnull\", \"small_int\"]"), std::string::npos) << json;
  EXPECT_EQ(json.find("\"tag\": \"Int\", \"hints\""), std::string::npos) << "a value without hints lists none";
}

TEST(HintText, HintsOfTextSurviveInsertingReferenceCounts) {
  // run-mir inserts the counts of text without `rc explicit`; that adds
  // blocks and instructions but no values, so the side table stays valid.
  // Hints of text are kept as written, never recomputed: `pure` is a lie here.
  std::string error;
  std::optional<Module> m = parse("fn @F/0() -> Int !{pure} {\n"
                                  "bb0:\n"
                                  "  %0: Box(ArrayBox) = new_array !{local}\n"
                                  "  %1: Int = const_i 3 !{nonneg}\n"
                                  "  ret %1\n"
                                  "}\n",
                                  error);
  ASSERT_TRUE(m.has_value()) << error;
  rc::insert_rc(*m);
  EXPECT_EQ(print_function(*m, m->functions[0]),
            "fn @F/0() -> Int !{pure} {\n"
            "bb0:\n"
            "  %0: Box(ArrayBox) = new_array !{local}\n"
            "  release %0\n"
            "  %1: Int = const_i 3 !{nonneg}\n"
            "  ret %1\n"
            "}\n");
}

TEST(HintTable, NamesAreUniqueAndScopesConsistent) {
  std::set<std::string> names;
  for (uint32_t i = 0; i < hint_count(); ++i) {
    const HintInfo& h = hint_info(static_cast<Hint>(i));
    EXPECT_TRUE(names.insert(h.weak).second) << h.weak;
    EXPECT_TRUE(names.insert(h.strong).second) << h.strong;
    std::optional<HintValue> weak = hint_from_name(h.weak), strong = hint_from_name(h.strong);
    ASSERT_TRUE(weak && strong) << h.name;
    EXPECT_TRUE(weak->hint == static_cast<Hint>(i) && !weak->strong) << h.weak;
    EXPECT_TRUE(strong->hint == static_cast<Hint>(i) && strong->strong) << h.strong;
    // Value hints name the tags they apply to; function hints none.
    EXPECT_EQ(std::string(h.kinds).empty(), h.scope == HintScope::Function) << h.name;
  }
  EXPECT_TRUE(hint_applies(Hint::Nullability, Tag::of(Kind::Handle)));
  EXPECT_FALSE(hint_applies(Hint::Nullability, Tag::of(Kind::Int)));
  EXPECT_TRUE(hint_applies(Hint::Escape, Tag::user_box(0)));
  EXPECT_FALSE(hint_applies(Hint::Pure, Tag::of(Kind::Int)));
}

}  // namespace
}  // namespace hako::mir
