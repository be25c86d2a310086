// Condition codes of MIR compares, for fusing a compare into a branch and
// for negating or swapping it.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

#include "mir/mir.h"

namespace hako::vm {

// The six comparisons, in the order of the opcode tables indexed by them.
enum class CC : uint8_t { Eq, Ne, Lt, Le, Gt, Ge };

// The code that holds exactly when `c` does not (Int operands only: with
// Float NaN, `<` and `>=` are not each other's negation).
inline CC negated(CC c) {
  switch (c) {
    case CC::Eq: return CC::Ne;
    case CC::Ne: return CC::Eq;
    case CC::Lt: return CC::Ge;
    case CC::Le: return CC::Gt;
    case CC::Gt: return CC::Le;
    case CC::Ge: return CC::Lt;
  }
  return c;
}

// The code that compares (b, a) the way `c` compares (a, b).
inline CC swapped(CC c) {
  switch (c) {
    case CC::Lt: return CC::Gt;
    case CC::Le: return CC::Ge;
    case CC::Gt: return CC::Lt;
    case CC::Ge: return CC::Le;
    default: return c;
  }
}

// The position of `c` in an opcode table.
inline size_t cc_index(CC c) { return static_cast<size_t>(c); }

// The condition code of a fusable MIR compare, and whether it is on Floats.
inline std::optional<std::pair<CC, bool>> compare_of(mir::Op op) {
  using mir::Op;
  switch (op) {
    case Op::EqI: return std::pair{CC::Eq, false};
    case Op::NeI: return std::pair{CC::Ne, false};
    case Op::LtI: return std::pair{CC::Lt, false};
    case Op::LeI: return std::pair{CC::Le, false};
    case Op::GtI: return std::pair{CC::Gt, false};
    case Op::GeI: return std::pair{CC::Ge, false};
    case Op::EqF: return std::pair{CC::Eq, true};
    case Op::NeF: return std::pair{CC::Ne, true};
    case Op::LtF: return std::pair{CC::Lt, true};
    case Op::LeF: return std::pair{CC::Le, true};
    case Op::GtF: return std::pair{CC::Gt, true};
    case Op::GeF: return std::pair{CC::Ge, true};
    default: return std::nullopt;
  }
}

}  // namespace hako::vm
