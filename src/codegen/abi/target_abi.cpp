#include "codegen/abi/target_abi.h"

#include "base/targets.h"
#include "codegen/abi/layout.h"

// Each row is what Clang 19 does for the target (clang/lib/CodeGen/Targets
// X86.cpp and AArch64.cpp), checked against clang-19 by
// tests/unit/codegen_struct_abi_test.cpp.

namespace hako::codegen::abi {

const std::vector<TargetAbi>& target_abis() {
  static const std::vector<TargetAbi> table = {
      // x86_64 System V: structs up to two eightbytes in %rdi..%r9 and
      // %xmm0..%xmm7, the rest byval on the stack.
      {"system_v", AggregateRule::SysvEightbytes, NarrowIntExtension::All, 16, 0, std::nullopt,
       MemoryArgument::Byval, 8, RegisterBudget{6, 8}},
      // Win64 (MSVC and MinGW): structs of 1, 2, 4 or 8 bytes as an
      // integer, all others by reference to a copy; only _Bool extended.
      {"msvc", AggregateRule::Win64Sized, NarrowIntExtension::BoolOnly, 8, 0, std::nullopt,
       MemoryArgument::PointerToCopy, 0, std::nullopt},
      // AAPCS64: HFAs in v0-v7 (8-byte aligned stack slots when spilled),
      // other structs up to 16 bytes in x0-x7, larger ones by reference;
      // the callee extends narrow integers.
      {"aapcs64", AggregateRule::Aapcs64, NarrowIntExtension::None, 16, 4, 8, MemoryArgument::PointerToCopy, 0,
       std::nullopt},
      // Apple arm64: AAPCS64, but the caller extends narrow integers (its
      // stack arguments take their natural size) and HFAs keep their own
      // alignment on the stack. (Variadic arguments all go on the stack:
      // the backend's doing, the LLVM signature is the same.)
      {"darwin_aapcs64", AggregateRule::Aapcs64, NarrowIntExtension::All, 16, 4, std::nullopt,
       MemoryArgument::PointerToCopy, 0, std::nullopt},
  };
  return table;
}

const TargetAbi& target_abi(std::string_view abi) {
  for (const TargetAbi& t : target_abis())
    if (abi == t.name) return t;
  internal_error("no C calling convention is modelled for ABI " + std::string(abi));
}

const TargetAbi& target_abi_of_triple(const std::string& triple) {
  std::optional<base::TargetInfo> target = base::find_target(triple);
  if (!target) internal_error("the C calling convention of unsupported target " + triple);
  return target_abi(target->abi);
}

}  // namespace hako::codegen::abi
