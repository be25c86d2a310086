// field_owners / method_owners (src/mir/field_owners.h): which user boxes
// declare a field name or a method name/arity, the candidates native code
// tests a Handle receiver's type tag against.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "base/source.h"
#include "diag/diag.h"
#include "mir/field_owners.h"
#include "mir/text_parser.h"

namespace hako::mir {
namespace {

BoxType box(const std::string& name, std::vector<Field> fields, std::vector<BoxType::Method> methods = {}) {
  BoxType b;
  b.name = name;
  b.fields = std::move(fields);
  b.methods = std::move(methods);
  return b;
}

BoxType::Method method(const std::string& name, uint32_t arity, uint32_t func) {
  return BoxType::Method{name, arity, FuncId{func}};
}

// Owners as "box:slot" (with "w" for a weak field), in the order returned.
std::vector<std::string> fields_of(const Module& m, const std::string& name) {
  std::vector<std::string> out;
  for (const FieldOwner& o : field_owners(m, name))
    out.push_back(m.boxes[o.box].name + ":" + std::to_string(o.slot) + (o.weak ? "w" : ""));
  return out;
}

// Owners as "box:func", in the order returned.
std::vector<std::string> methods_of(const Module& m, const std::string& name, uint32_t arity) {
  std::vector<std::string> out;
  for (const MethodOwner& o : method_owners(m, name, arity))
    out.push_back(m.boxes[o.box].name + ":" + std::to_string(o.func.index()));
  return out;
}

Module sample() {
  Module m;
  m.boxes.push_back(box("Vec", {{"x", false}, {"y", false}}, {method("len", 0, 3), method("scale", 1, 4)}));
  m.boxes.push_back(box("Node", {{"name", false}, {"parent", true}, {"x", false}}, {method("len", 0, 7)}));
  m.boxes.push_back(box("Main", {}, {method("scale", 2, 9)}));
  return m;
}

TEST(FieldOwners, EveryBoxDeclaringTheFieldWithItsSlot) {
  const Module m = sample();
  EXPECT_EQ(fields_of(m, "x"), (std::vector<std::string>{"Vec:0", "Node:2"}));
  EXPECT_EQ(fields_of(m, "y"), (std::vector<std::string>{"Vec:1"}));
}

TEST(FieldOwners, MarksWeakFields) {
  EXPECT_EQ(fields_of(sample(), "parent"), (std::vector<std::string>{"Node:1w"}));
}

TEST(FieldOwners, NoneForAnUndeclaredName) {
  EXPECT_TRUE(field_owners(sample(), "z").empty());
  EXPECT_TRUE(field_owners(sample(), "").empty());
  EXPECT_TRUE(field_owners(Module{}, "x").empty());
}

TEST(FieldOwners, TheFirstOfRepeatedNamesAsTheRuntimeLookup) {
  Module m;
  m.boxes.push_back(box("Odd", {{"a", false}, {"b", false}, {"a", true}}));
  EXPECT_EQ(fields_of(m, "a"), (std::vector<std::string>{"Odd:0"}));
}

TEST(MethodOwners, MatchesNameAndArity) {
  const Module m = sample();
  EXPECT_EQ(methods_of(m, "len", 0), (std::vector<std::string>{"Vec:3", "Node:7"}));
  EXPECT_EQ(methods_of(m, "scale", 1), (std::vector<std::string>{"Vec:4"}));
  EXPECT_EQ(methods_of(m, "scale", 2), (std::vector<std::string>{"Main:9"}));
  EXPECT_TRUE(method_owners(m, "len", 1).empty());
  EXPECT_TRUE(method_owners(m, "x", 0).empty());  // a field is no method
}

TEST(MethodOwners, TheFirstOfRepeatedMethodsAsTheDispatcher) {
  Module m;
  m.boxes.push_back(box("Twice", {}, {method("f", 1, 1), method("f", 1, 2)}));
  EXPECT_EQ(methods_of(m, "f", 1), (std::vector<std::string>{"Twice:1"}));
}

// Boxes A, B, C and Main with `functions` (MIR text), parsed; empty (and a
// failed expectation) when it does not parse.
std::optional<Module> with_functions(const std::string& functions) {
  const std::string text =
      "box A {\n  field a\n}\n"
      "box B {\n  field b\n}\n"
      "box C {\n  field c\n}\n"
      "box Main {\n}\n" +
      functions + "fn @Main.main/0() -> Void {\nbb0:\n  ret\n}\nentry @Main.main/0\n";
  base::SourceFile file("field_owners_test.mir", text);
  diag::DiagEngine diags;
  std::optional<Module> m = parse_module(file, diags);
  EXPECT_TRUE(diags.diagnostics().empty()) << diags.diagnostics()[0].message;
  return m;
}

const char* const kFiniOfA =
    "fn @A.fini/0(%0: Box(A)) -> Void method A {\n"
    "bb0:\n"
    "  %1: Handle = box %0\n"
    "  %2: Bool = call_rt reml_fini_begin(%1)\n"
    "  cond_br %2, bb1, bb2\n"
    "bb1:\n"
    "  %3: Handle = box %0\n"
    "  call_rt reml_fini_end(%3)\n"
    "  ret\n"
    "bb2:\n"
    "  ret\n"
    "}\n";

TEST(FinalisableBoxes, OnlyTheBoxWhoseReceiverFiniEndMarks) {
  std::optional<Module> m = with_functions(kFiniOfA);
  ASSERT_TRUE(m);
  EXPECT_EQ(finalisable_boxes(*m), (std::vector<bool>{true, false, false, false}));
}

TEST(FinalisableBoxes, NoneWithoutFiniEnd) {
  std::optional<Module> m = with_functions("");
  ASSERT_TRUE(m);
  EXPECT_EQ(finalisable_boxes(*m), (std::vector<bool>{false, false, false, false}));
}

TEST(FinalisableBoxes, EveryBoxWhenTheMarkedValueIsNotAKnownReceiver) {
  // A Handle parameter may hold an instance of any box.
  std::optional<Module> m = with_functions(
      "fn @F/1(%0: Handle) -> Void {\n"
      "bb0:\n"
      "  call_rt reml_fini_end(%0)\n"
      "  ret\n"
      "}\n");
  ASSERT_TRUE(m);
  EXPECT_EQ(finalisable_boxes(*m), (std::vector<bool>{true, true, true, true}));
  // A receiver of box B, but the value marked is another one.
  m = with_functions(
      "fn @B.g/1(%0: Box(B), %1: Handle) -> Void method B {\n"
      "bb0:\n"
      "  call_rt reml_fini_end(%1)\n"
      "  ret\n"
      "}\n");
  ASSERT_TRUE(m);
  EXPECT_EQ(finalisable_boxes(*m), (std::vector<bool>{true, true, true, true}));
}

}  // namespace
}  // namespace hako::mir
