// How each parameter and the result of a C signature travel under a
// target's convention (target_abi.h), as Clang 19 lowers them: directly as
// one or more LLVM values (register pieces), as a byval copy, by reference
// to a caller's copy, or (results) through an sret pointer. The rules of
// each family are in sysv_rules.h, win64_rules.h and aapcs64_rules.h; this
// is their shared vocabulary and the one entry point.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "codegen/abi/layout.h"
#include "codegen/abi/target_abi.h"

namespace hako::codegen::abi {

// One LLVM value of a value passed directly: the part of its bytes at
// `offset` as iN (N = bits), ptr, float, double, <2 x float>, or the
// struct's own memory type (Whole); `array` > 0 makes it [array x element]
// (AAPCS64: HFAs and composites up to 16 bytes), its elements one after the
// other from `offset`.
struct Piece {
  enum class Kind : uint8_t { Int, Ptr, Float, Double, FloatPair, Whole };
  Kind kind = Kind::Int;
  unsigned bits = 0;    // Int: the width (1 for a _Bool scalar)
  uint64_t offset = 0;  // 0, or 8 for the second SysV eightbyte
  unsigned array = 0;   // > 0: an array of this many elements
  bool operator==(const Piece&) const = default;
};

// The bytes a piece's LLVM value occupies (its store size; for Whole, the
// size of struct `whole`).
uint64_t piece_size(const Piece& p, const Layout& whole);

// The extension the ABI requires of a narrow integer or _Bool scalar.
enum class Extension : uint8_t { None, Sign, Zero };

// How one parameter or the result travels.
struct Passing {
  enum class Kind : uint8_t {
    Direct,    // in `pieces` (one LLVM argument or result each; a result of two is { a, b })
    Byval,     // a pointer to a copy on the stack: byval(<memory type>) align `align`
    Indirect,  // a pointer to a copy the caller made, aligned to `align`
    Sret,      // the result, written through a hidden first pointer: sret(<memory type>) align `align`
    Void,      // no result
  };
  Kind kind = Kind::Void;
  std::vector<Piece> pieces;
  Extension extension = Extension::None;
  uint64_t align = 0;
  std::optional<uint64_t> stack_align;  // Direct: alignstack(N)
  unsigned int_regs = 0;  // SysV registers it takes (parameters; a Sret result takes one INTEGER register)
  unsigned sse_regs = 0;
  bool operator==(const Passing&) const = default;
};

// Every parameter and the result of a C signature.
struct SignatureAbi {
  Passing ret;
  std::vector<Passing> params;
};

// How a C signature's parameters and result travel under `abi`. Variadic
// arguments after these are the caller's (C's default promotions; where
// they go is the backend's choice from the call being variadic).
SignatureAbi classify_signature(const TargetAbi& abi, const std::vector<Layout>& params,
                                const std::optional<Layout>& ret);

// ---- shared by the rules ----

// A scalar parameter or result: one piece of its own type, with the
// extension `abi` gives narrow integers and _Bool.
Passing direct_scalar(const TargetAbi& abi, Scalar s);

// A struct argument that the rules put in memory, passed as `abi` passes
// those (byval or by reference to a copy).
Passing memory_argument(const TargetAbi& abi, const Layout& t);

// A struct result returned through an sret pointer (all targets: aligned
// as the struct, Clang's getNaturalAlignIndirect).
Passing sret_result(const Layout& t);

// Direct `pieces`.
Passing direct_pieces(std::vector<Piece> pieces);

}  // namespace hako::codegen::abi
