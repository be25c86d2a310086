// The reference-count and runtime-path columns of src/mir/instructions.def
// against the stages that read them: src/region's value classification,
// src/rc's insertion, the VM's dynamic-operator functions and the native
// runtime declarations. Every opcode is walked, so a new instruction whose
// handlers disagree with its table row fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "codegen/runtime_decls.h"
#include "mir/builder.h"
#include "mir/mir.h"
#include "mir_ids.h"
#include "rc/rc.h"
#include "region/region.h"
#include "reml_runtime.h"
#include "vm/dyn_paths.h"

namespace hako {
namespace {

using mir::Kind;
using mir::Op;
using mir::Tag;
using mir::ValueId;
using namespace mir::id_literals;
using region::RefSlotKind;

const Tag kString = Tag::of(Kind::String);

// The value-operand letters of `op` (immediates, blocks and the optional
// `*` / `?` tails left out): the positions of Inst::args.
std::string value_letters(Op op) {
  std::string out;
  for (const char* p = mir::op_info(op).operands; *p; ++p)
    if (std::strchr("IFBSHAMCUX", *p)) out += *p;
  return out;
}

// The tag a result letter gives the test instruction; nullopt for none.
std::optional<Tag> result_tag(Op op) {
  char r = mir::op_info(op).result[0];
  if (r == '-') return std::nullopt;
  if (std::optional<Tag> t = mir::tag_of_letter(r)) return t;
  return Tag::of(Kind::Handle);  // X, U: the written tag; a Handle is counted
}

TEST(InstructionTable, ScalarResultsCarryNoReference) {
  for (uint32_t k = 0; k < mir::op_count(); ++k) {
    const Op op = static_cast<Op>(k);
    const mir::OpInfo& info = mir::op_info(op);
    // fn_ptr's result is written X (an FnPtr pointer tag): a C address, not counted.
    const bool scalar = std::strchr("IFB-", info.result[0]) != nullptr || op == Op::FnPtr;
    EXPECT_EQ(info.ref == mir::ResultRef::None, scalar) << info.mnemonic;
  }
}

TEST(InstructionTable, ConsumedOperandsExist) {
  for (uint32_t k = 0; k < mir::op_count(); ++k) {
    const Op op = static_cast<Op>(k);
    const mir::OpInfo& info = mir::op_info(op);
    EXPECT_EQ(info.consumes == mir::Consumes::PhiIncoming, op == Op::Phi) << info.mnemonic;
    if (std::optional<size_t> c = mir::consumed_operand(op)) {
      // Ret's operand is optional ("?"); every other consumed operand is a value letter.
      if (op != Op::Ret) {
        EXPECT_LT(*c, value_letters(op).size()) << info.mnemonic;
      }
    }
  }
}

// One function f(%0: String, %1: Int, %2: Bool) whose bb0 holds `setup`
// instructions, then `in`, then `ret`.
struct Probe {
  mir::Function f;
  mir::FunctionBuilder b{f};
  Probe() {
    f.name = "Main.probe/3";
    f.ret = Tag::of(Kind::Void);
    b.set_params({kString, Tag::of(Kind::Int), Tag::of(Kind::Bool)});
    b.set_block(b.new_block());
  }
  // Appends `op` with `args` and the result tag of its letter; its result.
  ValueId add(Op op, std::vector<ValueId> args, std::optional<Tag> tag) {
    mir::Inst in;
    in.op = op;
    in.args = std::move(args);
    if (tag) in.tag = *tag;
    return b.emit(in, tag.has_value());
  }
};

// What classify_values gives the result of `op` applied to `arg` (one value
// operand slot per letter), as kind and root.
std::pair<RefSlotKind, ValueId> classify(Op op, ValueId arg, Probe& p) {
  std::vector<ValueId> args(std::max<size_t>(value_letters(op).size(), op == Op::Phi || op == Op::Ret ? 1 : 0), arg);
  ValueId r = p.add(op, args, result_tag(op));
  region::ValueOwnership own = region::classify_values(p.f);
  return {own.kind[r], own.root[r]};
}

TEST(InstructionTable, RegionClassificationFollowsTheRefColumn) {
  for (uint32_t k = 0; k < mir::op_count(); ++k) {
    const Op op = static_cast<Op>(k);
    const mir::OpInfo& info = mir::op_info(op);
    if (!result_tag(op)) continue;
    Probe p;
    auto [kind, root] = classify(op, 0_v, p);  // operand: the String parameter, an object
    const ValueId self{p.f.value_count() - 1};
    SCOPED_TRACE(info.mnemonic);
    switch (info.ref) {
      case mir::ResultRef::None: EXPECT_EQ(kind, RefSlotKind::NonRef); break;
      case mir::ResultRef::New:
        // A new WeakRef owns a weak reference; every other new result a strong one.
        EXPECT_EQ(kind, result_tag(op)->kind == Kind::Weak ? RefSlotKind::WeakRoot : RefSlotKind::StrongRoot);
        EXPECT_EQ(root, self);
        break;
      case mir::ResultRef::Literal: EXPECT_EQ(kind, RefSlotKind::Borrowed); EXPECT_EQ(root, self); break;
      case mir::ResultRef::View:
      case mir::ResultRef::Boxed:    // of an object: a view
      case mir::ResultRef::Printed:  // of a String: a view
        EXPECT_EQ(kind, RefSlotKind::Borrowed);
        EXPECT_EQ(root, 0u);
        break;
    }
  }
}

// The conditional cases of Boxed and Printed, by operand.
TEST(InstructionTable, BoxedAndPrintedDependOnTheOperand) {
  auto box_of = [](auto make_operand) {
    Probe p;
    ValueId a = make_operand(p);
    return classify(Op::Box, a, p).first;
  };
  auto const_i = [](int64_t v) {
    return [v](Probe& p) { return p.b.const_i(v); };
  };
  EXPECT_EQ(box_of([](Probe&) { return ValueId{1}; }), RefSlotKind::StrongRoot);  // an Int parameter
  EXPECT_EQ(box_of([](Probe&) { return ValueId{2}; }), RefSlotKind::Borrowed);    // a Bool
  EXPECT_EQ(box_of(const_i(REML_SMALL_INT_MAX)), RefSlotKind::Borrowed);
  EXPECT_EQ(box_of(const_i(REML_SMALL_INT_MIN)), RefSlotKind::Borrowed);
  EXPECT_EQ(box_of(const_i(REML_SMALL_INT_MAX + 1)), RefSlotKind::StrongRoot);
  EXPECT_EQ(box_of(const_i(REML_SMALL_INT_MIN - 1)), RefSlotKind::StrongRoot);
  EXPECT_EQ(box_of([](Probe& p) { return p.add(Op::ConstF, {}, Tag::of(Kind::Float)); }), RefSlotKind::StrongRoot);
  EXPECT_EQ(box_of([](Probe& p) { return p.add(Op::ConstVoid, {}, Tag::of(Kind::Void)); }), RefSlotKind::Borrowed);

  auto str_of = [](auto make_operand) {
    Probe p;
    ValueId a = make_operand(p);
    return classify(Op::ToStr, a, p).first;
  };
  EXPECT_EQ(str_of([](Probe&) { return ValueId{1}; }), RefSlotKind::StrongRoot);  // a new String
  EXPECT_EQ(str_of([](Probe& p) { return p.add(Op::ConstVoid, {}, Tag::of(Kind::Void)); }), RefSlotKind::Borrowed);
}

// For every value operand of every instruction: a fresh String dying there
// is moved into the instruction when the table says it consumes that
// operand (no release, no retain), and released after it otherwise.
TEST(InstructionTable, RcMovesExactlyTheConsumedOperands) {
  for (uint32_t k = 0; k < mir::op_count(); ++k) {
    const Op op = static_cast<Op>(k);
    const mir::OpInfo& info = mir::op_info(op);
    if (op == Op::Phi || op == Op::Retain || op == Op::Release) continue;  // phis: PhiIncoming, tested in rc_test
    if ((info.flags & mir::TERM) && op != Op::Ret) continue;               // branches take no references
    const size_t slots = op == Op::Ret ? 1 : value_letters(op).size();
    for (size_t slot = 0; slot < slots; ++slot) {
      SCOPED_TRACE(std::string(info.mnemonic) + " operand " + std::to_string(slot));
      Probe p;
      if (op == Op::Ret) p.f.ret = kString;
      ValueId fresh = p.add(Op::ConcatS, {0_v, 0_v}, kString);
      std::vector<ValueId> args(slots, 0_v);
      args[slot] = fresh;
      p.add(op, args, op == Op::Ret ? std::nullopt : result_tag(op));
      if (op != Op::Ret) p.add(Op::Ret, {}, std::nullopt);
      mir::Module m;
      m.functions.push_back(p.f);
      rc::insert_rc(m);
      size_t releases = 0, retains = 0;
      for (const mir::Inst& in : m.functions[0].blocks[0].insts) {
        if (in.args.empty() || in.args[0] != fresh) continue;
        releases += in.op == Op::Release;
        retains += in.op == Op::Retain;
      }
      const bool consumed = mir::consumed_operand(op) == slot;
      EXPECT_EQ(releases, consumed ? 0u : 1u);
      EXPECT_EQ(retains, 0u);
    }
  }
}

// Native code calls the `dyn` column's symbol through a declared runtime
// entry of the operator's arity (plus an optional location pointer); the VM
// has a function for every DYN_CALL operator and none for the others.
TEST(InstructionTable, DynamicOperatorsHaveTheirRuntimeFunctions) {
  size_t fast = 0, call = 0;
  for (uint32_t k = 0; k < mir::op_count(); ++k) {
    const Op op = static_cast<Op>(k);
    const mir::OpInfo& info = mir::op_info(op);
    SCOPED_TRACE(info.mnemonic);
    EXPECT_EQ(vm::dyn_call_fn(op) != nullptr, info.dyn == mir::DynPath::Call);
    if (info.dyn == mir::DynPath::None) {
      EXPECT_EQ(info.dyn_native, nullptr);
      continue;
    }
    (info.dyn == mir::DynPath::Fast ? fast : call)++;
    std::optional<codegen::Rt> rt = codegen::RuntimeDecls::by_symbol(info.dyn_native);
    ASSERT_TRUE(rt.has_value()) << info.dyn_native << " is not in HAKO_RUNTIME_ENTRIES";
    const std::string params = codegen::RuntimeDecls::params(*rt);
    const std::string handles(std::strlen(info.operands), 'l');
    EXPECT_TRUE(params == handles || params == handles + "p") << params;
  }
  EXPECT_GT(fast, 0u);
  EXPECT_GT(call, 0u);
}

// The one Kind -> REML_TAG_* mapping, used by the VM's and native unboxing.
TEST(ObjectTypeTag, ObjectKindsOnly) {
  EXPECT_EQ(mir::object_type_tag(Tag::of(Kind::String)), uint32_t{REML_TAG_STRING});
  EXPECT_EQ(mir::object_type_tag(Tag::of(Kind::Array)), uint32_t{REML_TAG_ARRAY});
  EXPECT_EQ(mir::object_type_tag(Tag::of(Kind::Map)), uint32_t{REML_TAG_MAP});
  EXPECT_EQ(mir::object_type_tag(Tag::of(Kind::Console)), uint32_t{REML_TAG_CONSOLE});
  EXPECT_EQ(mir::object_type_tag(Tag::user_box(3)), uint32_t{REML_TAG_USER_BASE + 3});
  for (Kind k : {Kind::Void, Kind::Int, Kind::Float, Kind::Bool, Kind::Handle}) {
    EXPECT_FALSE(mir::object_type_tag(Tag::of(k)).has_value());
    EXPECT_FALSE(mir::is_object_kind(k));
  }
}

}  // namespace
}  // namespace hako
