// The AAPCS64 rules (aarch64-unknown-linux-gnu, arm64-apple-darwin) as
// Clang 19's AArch64ABIInfo applies them to C structs: homogeneous float
// aggregates in the floating-point registers, other composites up to 16
// bytes in general registers as 64-bit integers, larger ones in memory.
#pragma once

#include <optional>

#include "codegen/abi/classify.h"

namespace hako::codegen::abi::aapcs64 {

// A homogeneous float aggregate: `members` scalars, all of type `base`.
struct Hfa {
  Scalar base = Scalar::F32;
  unsigned members = 0;
  bool operator==(const Hfa&) const = default;
};

// `t` as an HFA of at most abi.hfa_max_members members (nested structs
// count by their members), if it is one.
std::optional<Hfa> homogeneous_aggregate(const TargetAbi& abi, const Layout& t);

// A struct argument: an HFA as [N x base] (alignstack per abi), up to 16
// bytes as i64 or [2 x i64] (16-byte aligned: i128, [N x i128]), else abi's
// memory argument.
Passing struct_argument(const TargetAbi& abi, const Layout& t);

// A struct result: an HFA as the struct's own type, up to 8 bytes as an
// integer of its size, up to 16 as [2 x i64] (16-byte aligned: i128),
// else through sret.
Passing struct_result(const TargetAbi& abi, const Layout& t);

}  // namespace hako::codegen::abi::aapcs64
