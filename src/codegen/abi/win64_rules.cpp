#include "codegen/abi/win64_rules.h"

// Clang 19's WinX86_64ABIInfo::classify for C structs (no vectorcall, no
// __int128, no long double in the FFI whitelist).

namespace hako::codegen::abi::win64 {

namespace {

// The integer piece of a struct passed in one register: 1, 2, 4 or 8
// bytes (abi.max_register_struct at most), if `t` has such a size.
std::optional<Piece> register_piece(const TargetAbi& abi, const Layout& t) {
  uint64_t size = t.size();
  bool power_of_two = (size & (size - 1)) == 0;
  if (size > abi.max_register_struct || !power_of_two) return std::nullopt;
  return Piece{Piece::Kind::Int, static_cast<unsigned>(size * 8), 0};
}

}  // namespace

Passing struct_argument(const TargetAbi& abi, const Layout& t) {
  if (std::optional<Piece> piece = register_piece(abi, t)) return direct_pieces({*piece});
  return memory_argument(abi, t);
}

Passing struct_result(const TargetAbi& abi, const Layout& t) {
  if (std::optional<Piece> piece = register_piece(abi, t)) return direct_pieces({*piece});
  return sret_result(t);
}

}  // namespace hako::codegen::abi::win64
