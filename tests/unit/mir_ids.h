// Literals for the typed MIR ids in unit tests: `3_v` is ValueId{3}, `1_b` is
// BlockId{1}, `0_f` is FuncId{0}. Tests that build MIR by hand name many ids;
// the literals keep them short while each stays of its own kind.
#pragma once

#include <cstdint>

#include "mir/ids.h"

namespace hako::mir::id_literals {

namespace detail {
// The index of a literal id; a literal that does not fit an index (or is the
// "none" index) does not compile, since consteval makes the throw an error.
consteval uint32_t literal_index(unsigned long long n) {
  if (n >= UINT32_MAX) throw "id literal out of range";
  return static_cast<uint32_t>(n);
}
}  // namespace detail

// The value with this index in its function (`0_v` is the first parameter).
consteval ValueId operator""_v(unsigned long long n) { return ValueId{detail::literal_index(n)}; }
// The block with this index in its function (`0_b` is the entry block).
consteval BlockId operator""_b(unsigned long long n) { return BlockId{detail::literal_index(n)}; }
// The function with this index in its module.
consteval FuncId operator""_f(unsigned long long n) { return FuncId{detail::literal_index(n)}; }

}  // namespace hako::mir::id_literals
