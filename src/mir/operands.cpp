// Decodes the operand letters of instructions.def (see operands.h). A letter
// the decoder does not know is a defect of the table: it aborts with the
// opcode's name on first use, and tests/unit/operands_test.cpp decodes every
// opcode so that such a table never passes the tests.
#include "mir/operands.h"

#include <cstdio>
#include <cstdlib>

namespace hako::mir {

std::optional<Operand> decode_operand_letter(char letter) {
  switch (letter) {
    case 'I': case 'F': case 'B': case 'S': case 'H': case 'A': case 'M': case 'C': case 'W':
      return Operand{OperandKind::Value, letter, tag_of_letter(letter), false};
    case 'U': return Operand{OperandKind::Value, letter, std::nullopt, true};
    case 'X': return Operand{OperandKind::Value, letter, std::nullopt, false};
    case '*': return Operand{OperandKind::Rest, letter, std::nullopt, false};
    case '?': return Operand{OperandKind::Optional, letter, std::nullopt, false};
    case 'i': return Operand{OperandKind::IntImm, letter, std::nullopt, false};
    case 'f': return Operand{OperandKind::FloatImm, letter, std::nullopt, false};
    case 's': return Operand{OperandKind::String, letter, std::nullopt, false};
    case '@': return Operand{OperandKind::Function, letter, std::nullopt, false};
    case 'T': return Operand{OperandKind::BoxType, letter, std::nullopt, false};
    case 'K': return Operand{OperandKind::Field, letter, std::nullopt, false};
    case 'G': return Operand{OperandKind::Global, letter, std::nullopt, false};
    case 'R': return Operand{OperandKind::Runtime, letter, std::nullopt, false};
    case 'E': return Operand{OperandKind::Extern, letter, std::nullopt, false};
    case 'b': return Operand{OperandKind::Block, letter, std::nullopt, false};
    case 'P': return Operand{OperandKind::PhiList, letter, std::nullopt, false};
    default: return std::nullopt;
  }
}

bool OperandShape::fits(size_t args, size_t targets) const {
  if (phi) return args == targets;
  if (targets != blocks) return false;
  if (rest) return args >= values;
  if (optional) return args == values || args == values + 1;
  return args == values;
}

namespace {

OperandShape decode(Op op) {
  const OpInfo& info = op_info(op);
  OperandShape shape;
  for (const char* p = info.operands; *p; ++p) {
    std::optional<Operand> operand = decode_operand_letter(*p);
    if (!operand) {
      std::fprintf(stderr, "internal compiler error: instructions.def: %s has the unknown operand letter '%c'\n",
                   info.mnemonic, *p);
      std::abort();
    }
    switch (operand->kind) {
      case OperandKind::Value: ++shape.values; break;
      case OperandKind::Block: ++shape.blocks; break;
      case OperandKind::Rest: shape.rest = true; break;
      case OperandKind::Optional: shape.optional = true; break;
      case OperandKind::PhiList: shape.phi = true; break;
      default: break;
    }
    shape.operands.push_back(*operand);
  }
  return shape;
}

std::vector<OperandShape> decode_all() {
  std::vector<OperandShape> shapes;
  shapes.reserve(op_count());
  for (uint32_t op = 0; op < op_count(); ++op) shapes.push_back(decode(static_cast<Op>(op)));
  return shapes;
}

}  // namespace

const OperandShape& operand_shape(Op op) {
  static const std::vector<OperandShape> shapes = decode_all();
  return shapes.at(static_cast<uint32_t>(op));
}

}  // namespace hako::mir
