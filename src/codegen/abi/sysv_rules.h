// The x86_64 System V rules (psABI §3.2.3) as Clang 19 applies them for
// x86_64-unknown-linux-gnu: a struct's eightbytes classified INTEGER or
// SSE, the LLVM piece carrying each, and the register budget of a whole
// signature (a struct whose eightbytes no longer all fit goes on the stack).
#pragma once

#include <optional>
#include <vector>

#include "codegen/abi/classify.h"

namespace hako::codegen::abi::sysv {

// psABI classes of an eightbyte (X87 and SSEUP never arise from these
// types).
enum class Class : uint8_t { NoClass, Integer, Sse, Memory };

// The classes of the first and second eightbyte after the post-merger
// cleanup; lo == Memory means the whole value is in memory.
struct Eightbytes {
  Class lo = Class::NoClass;
  Class hi = Class::NoClass;
  bool operator==(const Eightbytes&) const = default;
};

// The psABI classification of `t` (a scalar is one eightbyte).
Eightbytes classify(const Layout& t);

// How a result of type `ret` (nullopt: void) travels.
Passing classify_return(const TargetAbi& abi, const std::optional<Layout>& ret);

// How the next parameter of type `t` travels given the registers still
// `free`, which it takes from. A struct whose eightbytes do not all fit
// goes on the stack, as a byval copy or, with no INTEGER register left, as
// an iN of its size when it fits in one aligned eightbyte (Clang's choice).
Passing classify_argument(const TargetAbi& abi, const Layout& t, RegisterBudget& free);

// Every parameter and the result, the registers of abi.budget handed out
// left to right after a Sret result took %rdi.
SignatureAbi classify_signature(const TargetAbi& abi, const std::vector<Layout>& params,
                                const std::optional<Layout>& ret);

}  // namespace hako::codegen::abi::sysv
