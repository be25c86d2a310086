// Unit tests of src/mir/operands: every opcode's letters decode, and every
// consumer of the decoder agrees on them. One instruction per opcode is
// synthesized from its decoded shape alone; the printer and the text parser
// must round-trip it, the JSON writer must show each of its operands, and
// the verifier's operand counts must accept exactly what
// OperandShape::fits (the VM translation's check) accepts.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "base/source.h"
#include "diag/diag.h"
#include "mir/mir.h"
#include "mir/operands.h"
#include "mir/printer.h"
#include "mir/text_parser.h"
#include "mir/verify.h"
#include "mir_ids.h"

namespace hako::mir {
namespace {

using namespace id_literals;

// Parameters of the test function: one value of every tag an operand may need.
const Tag kParams[] = {Tag::of(Kind::Int),    Tag::of(Kind::Float), Tag::of(Kind::Bool),
                       Tag::of(Kind::String), Tag::of(Kind::Handle), Tag::of(Kind::Array),
                       Tag::of(Kind::Map),    Tag::of(Kind::Console), Tag::user_box(0),
                       Tag::of(Kind::Weak)};
constexpr ValueId kIntParam{0};
constexpr ValueId kHandleParam{4};
constexpr ValueId kBoxParam{8};

// The parameter whose tag fits a Value operand.
ValueId value_for(const Operand& operand) {
  if (operand.user_box) return kBoxParam;
  if (!operand.tag) return kIntParam;  // X: any tag
  for (ValueId v{0}; v < std::size(kParams); ++v)
    if (kParams[v] == *operand.tag) return v;
  ADD_FAILURE() << "no parameter of the tag of letter " << operand.letter;
  return kIntParam;
}

// An instruction of `op` with one well-formed operand per letter.
Inst synthesize(Op op) {
  Inst inst;
  inst.op = op;
  for (const Operand& operand : operand_shape(op).operands) {
    switch (operand.kind) {
      case OperandKind::Value: inst.args.push_back(value_for(operand)); break;
      case OperandKind::Rest:
        inst.args.push_back(kIntParam);
        inst.args.push_back(kHandleParam);
        break;
      case OperandKind::Optional: inst.args.push_back(kIntParam); break;
      case OperandKind::IntImm: inst.imm = 0; break;
      case OperandKind::FloatImm: inst.fimm = 1.5; break;
      case OperandKind::String: inst.ref = 0; break;
      case OperandKind::Function: inst.ref = 0; break;
      case OperandKind::BoxType: inst.ref = 0; break;
      case OperandKind::Field: inst.ref = 0; inst.imm = 0; break;
      case OperandKind::Global: inst.ref = 0; break;
      case OperandKind::Runtime: inst.ref = 0; break;
      case OperandKind::Extern: inst.ref = 0; break;
      case OperandKind::Block: inst.targets.push_back(1_b); break;
      case OperandKind::PhiList:
        inst.args.push_back(kIntParam);
        inst.targets.push_back(0_b);
        break;
    }
  }
  return inst;
}

// A module whose one function holds `inst` (with a result of tag `tag` when
// the opcode has one) in bb0, then `unreachable`; bb1 is a branch target.
Module module_with(const Inst& inst) {
  Module m;
  m.boxes.push_back(BoxType{"P", {Field{"x", false}}, {}});
  m.globals.push_back(Global{"P.g"});
  m.intern("name");
  ExternFn ext;
  ext.name = "ext";
  ext.symbol = "ext";
  ext.params.push_back(ExternParam{"a", m.intern_ctype(CType::plain(CTypeKind::I64))});
  ext.params.push_back(ExternParam{"b", m.intern_ctype(CType::plain(CTypeKind::Handle))});
  ext.ret = m.intern_ctype(CType::plain(CTypeKind::Void));
  m.externs.push_back(ext);
  Function f;
  f.name = "T.f/0";
  for (Tag t : kParams) {
    f.params.push_back(t);
    f.value_tags.push_back(t);
  }
  Inst placed = inst;
  if (std::string_view(op_info(inst.op).result) != "-") {
    placed.result = ValueId{f.value_count()};
    placed.tag = Tag::of(Kind::Int);
    f.value_tags.push_back(placed.tag);
  }
  f.blocks.resize(2);
  f.blocks[0].insts.push_back(placed);
  Inst end;
  end.op = Op::Unreachable;
  if (!(op_info(inst.op).flags & TERM)) f.blocks[0].insts.push_back(end);
  f.blocks[1].insts.push_back(end);
  m.functions.push_back(std::move(f));
  m.entry = 0_f;
  return m;
}

// Whether the verifier complains about the operand or target counts of `m`.
bool count_error(const Module& m) {
  for (const VerifyError& e : verify_module(m))
    if (e.message.find(": expects ") != std::string::npos || e.message.find("incoming values but") != std::string::npos)
      return true;
  return false;
}

TEST(Operands, EveryOpcodeDecodes) {
  for (uint32_t op = 0; op < op_count(); ++op) {
    const OpInfo& info = op_info(static_cast<Op>(op));
    const OperandShape& shape = operand_shape(static_cast<Op>(op));
    EXPECT_EQ(shape.operands.size(), std::string_view(info.operands).size()) << info.mnemonic;
    for (size_t k = 0; k < shape.operands.size(); ++k) EXPECT_EQ(shape.operands[k].letter, info.operands[k]);
  }
  EXPECT_FALSE(decode_operand_letter('Z').has_value());
  EXPECT_EQ(decode_operand_letter('I')->tag, Tag::of(Kind::Int));
  EXPECT_TRUE(decode_operand_letter('U')->user_box);
}

TEST(Operands, PrintParsePrintRoundTripsOneInstructionPerOpcode) {
  for (uint32_t op = 0; op < op_count(); ++op) {
    const char* mnemonic = op_info(static_cast<Op>(op)).mnemonic;
    Module m = module_with(synthesize(static_cast<Op>(op)));
    std::string first = print_module(m);
    ASSERT_EQ(first.find("<bad"), std::string::npos) << mnemonic << "\n" << first;
    ASSERT_EQ(first.find("<missing"), std::string::npos) << mnemonic << "\n" << first;
    ASSERT_EQ(first.find("<extra"), std::string::npos) << mnemonic << "\n" << first;
    base::SourceFile file("roundtrip.mir", first);
    diag::DiagEngine diags;
    std::optional<Module> parsed = parse_module(file, diags);
    ASSERT_TRUE(parsed.has_value()) << mnemonic << "\n" << first << diags.render(diag::Format::Text);
    EXPECT_EQ(print_module(*parsed), first) << mnemonic;
    const Inst& back = parsed->functions[0].blocks[0].insts[0];
    EXPECT_EQ(back.op, static_cast<Op>(op)) << mnemonic;
    EXPECT_EQ(back.args, m.functions[0].blocks[0].insts[0].args) << mnemonic;
    EXPECT_EQ(back.targets, m.functions[0].blocks[0].insts[0].targets) << mnemonic;
  }
}

TEST(Operands, JsonShowsEveryOperand) {
  for (uint32_t op = 0; op < op_count(); ++op) {
    const char* mnemonic = op_info(static_cast<Op>(op)).mnemonic;
    std::string json = module_to_json(module_with(synthesize(static_cast<Op>(op))));
    for (const Operand& operand : operand_shape(static_cast<Op>(op)).operands) {
      const char* key = nullptr;
      switch (operand.kind) {
        case OperandKind::Value:
        case OperandKind::Rest:
        case OperandKind::Optional: key = "\"args\": ["; break;
        case OperandKind::IntImm: key = "\"imm\": 0"; break;
        case OperandKind::FloatImm: key = "\"fimm\": 1.5"; break;
        case OperandKind::String: key = "\"string\": \"name\""; break;
        case OperandKind::Function: key = "\"function\": \"T.f/0\""; break;
        case OperandKind::BoxType: key = "\"box\": \"P\""; break;
        case OperandKind::Field: key = "\"field\": \"x\""; break;
        case OperandKind::Global: key = "\"global\": \"P.g\""; break;
        case OperandKind::Runtime: key = "\"runtime\": \""; break;
        case OperandKind::Extern: key = "\"extern\": \"ext\""; break;
        case OperandKind::Block:
        case OperandKind::PhiList: key = "\"targets\": ["; break;
      }
      EXPECT_NE(json.find(key), std::string::npos) << mnemonic << " letter " << operand.letter << ": " << key;
    }
  }
}

// The verifier's count checks and OperandShape::fits (which the VM's
// translation uses) accept exactly the same argument and target counts.
TEST(Operands, VerifierCountsAgreeWithTheDecoder) {
  for (uint32_t op = 0; op < op_count(); ++op) {
    const char* mnemonic = op_info(static_cast<Op>(op)).mnemonic;
    const OperandShape& shape = operand_shape(static_cast<Op>(op));
    Inst base = synthesize(static_cast<Op>(op));
    EXPECT_TRUE(shape.fits(base.args.size(), base.targets.size())) << mnemonic;
    EXPECT_FALSE(count_error(module_with(base))) << mnemonic;
    for (int extra_args = -1; extra_args <= 2; ++extra_args) {
      for (int extra_targets = -1; extra_targets <= 1; ++extra_targets) {
        Inst inst = base;
        if (extra_args < 0 && inst.args.empty()) continue;
        if (extra_targets < 0 && inst.targets.empty()) continue;
        if (extra_args < 0) inst.args.pop_back();
        for (int k = 0; k < extra_args; ++k) inst.args.push_back(kIntParam);
        if (extra_targets < 0) inst.targets.pop_back();
        if (extra_targets > 0) inst.targets.push_back(1_b);
        bool fits = shape.fits(inst.args.size(), inst.targets.size());
        EXPECT_EQ(!fits, count_error(module_with(inst)))
            << mnemonic << " with " << inst.args.size() << " args and " << inst.targets.size() << " targets";
      }
    }
  }
}

}  // namespace
}  // namespace hako::mir
