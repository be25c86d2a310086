#include "codegen/abi/aapcs64_rules.h"

// Clang 19's AArch64ABIInfo (classifyArgumentType, classifyReturnType,
// isHomogeneousAggregate) for C structs of the FFI whitelist (no vectors,
// no bit-fields, no empty structs, no arrays).

namespace hako::codegen::abi::aapcs64 {

namespace {

// The largest alignment (bytes) of a composite passed as 64-bit pieces;
// above it the pieces are 128-bit.
constexpr uint64_t kDoublewordAlign = 8;

// Adds the scalars of `t` to `hfa` while they are all of one float type;
// false as soon as one is not.
bool collect_members(const Layout& t, std::optional<Hfa>& hfa) {
  if (t.is_record()) {
    for (const Layout& f : t.fields())
      if (!collect_members(f, hfa)) return false;
    return true;
  }
  Scalar s = t.scalar_kind();
  if (!is_float(s)) return false;
  if (!hfa) hfa = Hfa{s, 0};
  if (hfa->base != s) return false;
  ++hfa->members;
  return true;
}

// The LLVM type of a float scalar as a piece.
Piece::Kind float_piece_kind(Scalar s) { return s == Scalar::F32 ? Piece::Kind::Float : Piece::Kind::Double; }

// `n` rounded up to a multiple of `a`.
uint64_t align_to(uint64_t n, uint64_t a) { return (n + a - 1) / a * a; }

}  // namespace

std::optional<Hfa> homogeneous_aggregate(const TargetAbi& abi, const Layout& t) {
  if (!t.is_record() || abi.hfa_max_members == 0) return std::nullopt;
  std::optional<Hfa> hfa;
  if (!collect_members(t, hfa) || !hfa || hfa->members > abi.hfa_max_members) return std::nullopt;
  // Padding between or after the members (a packed struct never has any,
  // an ordinary one of equal members neither) would make it no HFA.
  if (t.size() != hfa->members * scalar_size(hfa->base)) return std::nullopt;
  return hfa;
}

Passing struct_argument(const TargetAbi& abi, const Layout& t) {
  if (std::optional<Hfa> hfa = homogeneous_aggregate(abi, t)) {
    Passing p = direct_pieces({Piece{float_piece_kind(hfa->base), 0, 0, hfa->members}});
    // Clang caps the slot alignment of an HFA at 16 and raises it to 8.
    if (abi.hfa_stack_align) p.stack_align = t.align() >= 16 ? 16 : *abi.hfa_stack_align;
    return p;
  }
  if (t.size() > abi.max_register_struct) return memory_argument(abi, t);
  // Rounded up to whole doublewords (or quadwords when 16-byte aligned):
  // one integer of that width, or an array of them.
  uint64_t unit = t.align() > kDoublewordAlign ? 16 : 8;
  uint64_t units = align_to(t.size(), unit) / unit;
  auto bits = static_cast<unsigned>(unit * 8);
  return direct_pieces({Piece{Piece::Kind::Int, bits, 0, units == 1 ? 0u : static_cast<unsigned>(units)}});
}

Passing struct_result(const TargetAbi& abi, const Layout& t) {
  if (homogeneous_aggregate(abi, t)) return direct_pieces({Piece{Piece::Kind::Whole, 0, 0}});
  if (t.size() > abi.max_register_struct) return sret_result(t);
  // In the low bits of x0: an integer exactly as wide as the struct.
  if (t.size() <= 8) return direct_pieces({Piece{Piece::Kind::Int, static_cast<unsigned>(t.size() * 8), 0}});
  if (t.align() > kDoublewordAlign) return direct_pieces({Piece{Piece::Kind::Int, 128, 0}});
  return direct_pieces({Piece{Piece::Kind::Int, 64, 0, 2}});
}

}  // namespace hako::codegen::abi::aapcs64
