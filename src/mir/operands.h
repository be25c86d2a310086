// The operand letters of instructions.def decoded once per opcode into a
// typed description. The printer, the text parser, the JSON writer, the
// verifier and the VM's translation all read operands through this one
// decoder, so that no two of them can interpret a letter differently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "mir/mir.h"

namespace hako::mir {

// What one operand letter stands for, and where it lives in an Inst.
enum class OperandKind : uint8_t {
  Value,     // I F B S H A M C U X: one entry of `args`
  Rest,      // *: any number of further `args` (any tag), written "(...)"
  Optional,  // ?: at most one further `args` entry (any tag)
  IntImm,    // i: `imm`
  FloatImm,  // f: `fimm`
  String,    // s: `ref`, an index into the module's string pool
  Function,  // @: `ref`, a function index
  BoxType,   // T: `ref`, a user box index
  Field,     // K: `ref` the box, `imm` the field index
  Global,    // G: `ref`, a global index
  Runtime,   // R: `ref`, a runtime function (runtime_calls.def)
  Extern,    // E: `ref`, an extern "C" function of the module (docs/ffi.md)
  Block,     // b: one entry of `targets`
  PhiList,   // P: pairs of `args` and `targets` ([%v, bbN] ...)
};

// One decoded operand letter.
struct Operand {
  OperandKind kind;
  char letter;              // the letter as instructions.def writes it
  std::optional<Tag> tag;   // Value: the exact tag the letter requires (I F B S H A M C)
  bool user_box = false;    // Value: the letter is U (any user box)
};

// The decoded operand letters of one opcode, and the counts they imply.
struct OperandShape {
  std::vector<Operand> operands;  // in the order of the letters
  uint32_t values = 0;            // Value operands: the fixed part of `args`
  uint32_t blocks = 0;            // Block operands: the size of `targets` (without P)
  bool rest = false;              // a * letter: more values may follow
  bool optional = false;          // a ? letter: one more value may follow
  bool phi = false;               // a P letter: `args` and `targets` are pairs

  // Whether `args` and `targets` of these sizes fit the letters.
  bool fits(size_t args, size_t targets) const;
};

// The decoded operand letters of `op` (decoded once, on first use).
const OperandShape& operand_shape(Op op);

// The decoding of one letter; nullopt for a letter instructions.def does not define.
std::optional<Operand> decode_operand_letter(char letter);

}  // namespace hako::mir
