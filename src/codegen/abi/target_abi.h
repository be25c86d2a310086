// The C calling convention of each supported target as data: which family
// of rules classifies structs, and the facts that tune them (how large a
// struct still travels in registers, homogeneous float aggregates, which
// narrow integers are extended, how a struct in memory is passed, the
// register budget the LLVM signature must count out). One row per
// base::TargetInfo::abi; codegen picks the row once from the module's
// triple, and classify.h and lowering.h are driven by it alone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hako::codegen::abi {

// The family of rules that decides how a struct travels.
enum class AggregateRule : uint8_t {
  SysvEightbytes,  // x86_64 psABI: each eightbyte INTEGER or SSE (sysv_rules.h)
  Win64Sized,      // Win64: by size alone (win64_rules.h)
  Aapcs64,         // AAPCS64: HFAs, then by size (aapcs64_rules.h)
};

// Which integer scalars narrower than int carry signext/zeroext (on
// parameters and results alike), as Clang 19 marks them.
enum class NarrowIntExtension : uint8_t {
  All,       // i8/i16 signext, u8/u16 and _Bool zeroext
  BoolOnly,  // _Bool zeroext; the others as they are
  None,      // none: the receiver extends what it reads
};

// How a struct argument that the rules put in memory is passed.
enum class MemoryArgument : uint8_t {
  Byval,          // `ptr byval(T) align N`: the backend copies it onto the stack
  PointerToCopy,  // `ptr`: the caller makes a copy and passes its address
};

// The argument registers whose use changes the LLVM signature: a SysV
// struct that no longer fits them goes on the stack as a byval copy.
struct RegisterBudget {
  unsigned integer = 0;
  unsigned sse = 0;
};

// One target's C calling convention.
struct TargetAbi {
  const char* name;  // the base::TargetInfo::abi it models
  AggregateRule aggregates;
  NarrowIntExtension narrow_ints;
  // The largest struct (bytes) passed and returned in registers.
  uint64_t max_register_struct;
  // The most members of a homogeneous float aggregate (all float or all
  // double) passed as [N x float]/[N x double]; 0 where HFAs do not exist.
  unsigned hfa_max_members;
  // alignstack(N) on HFA arguments (their stack slots' alignment); nullopt
  // where the backend's own alignment applies.
  std::optional<uint64_t> hfa_stack_align;
  MemoryArgument memory_arguments;
  // Byval copies are aligned to at least this.
  uint64_t byval_min_align;
  // nullopt where the backend alone hands out registers.
  std::optional<RegisterBudget> budget;
};

// Every modelled convention.
const std::vector<TargetAbi>& target_abis();

// The convention named `abi` (a base::TargetInfo::abi); an internal error
// (std::logic_error) for one that is not modelled.
const TargetAbi& target_abi(std::string_view abi);

// The convention of supported target `triple`; an internal error for an
// unsupported triple.
const TargetAbi& target_abi_of_triple(const std::string& triple);

}  // namespace hako::codegen::abi
