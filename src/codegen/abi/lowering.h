// C signatures in LLVM IR under a target's convention (classify.h): the
// LLVM function type with the attributes Clang 19 gives it, and the code
// that moves struct bytes between memory and a call, on the caller's side
// (emit_call) and on the callee's (store_struct_parameter,
// emit_struct_return, for C-callable functions defined in LLVM).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <llvm/IR/Attributes.h>
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Instructions.h>
#include <llvm/Support/Alignment.h>

#include "codegen/abi/classify.h"

namespace hako::codegen::abi {

// The LLVM type of a directly passed piece of struct `whole` (the struct
// whose bytes it carries; a scalar's own layout for a scalar).
llvm::Type* piece_type(llvm::LLVMContext& ctx, const Piece& p, const Layout& whole);

// A C function type in LLVM: the sret pointer first when the result is
// Sret, then each parameter's LLVM arguments (a Direct struct of two pieces
// is two arguments); the attributes Clang gives them (signext/zeroext,
// byval(T) align N, sret(T) noalias align N, alignstack(N)).
struct LoweredSignature {
  std::vector<Layout> params;
  std::optional<Layout> ret;
  SignatureAbi abi;
  llvm::FunctionType* type = nullptr;
  llvm::AttributeList attributes;
  std::vector<unsigned> first_ir_arg;  // per C parameter: its first LLVM argument
};

// The signature of C `params` returning `ret` (nullopt: void) under `abi`;
// `variadic` makes the type take further arguments after these.
LoweredSignature lower_signature(llvm::LLVMContext& ctx, const TargetAbi& abi, std::vector<Layout> params,
                                 std::optional<Layout> ret, bool variadic = false);

// Whether the bytes given for a struct argument may become the callee's
// copy: a pointer to a copy (Indirect) is then passed as it is, since the
// callee may write to its copy.
enum class ArgumentBytes : uint8_t { Borrowed, Disposable };

// Appends to `ir_args` the LLVM arguments of a struct of type `t` passed
// as `p`, whose bytes are at `src` (known aligned to `src_align`). A byval
// struct less aligned than the ABI asks, and a Borrowed Indirect one, is
// first copied to a stack slot of the function.
void append_struct_argument(llvm::IRBuilder<>& b, const Layout& t, const Passing& p, llvm::Value* src,
                            llvm::Align src_align, ArgumentBytes bytes, std::vector<llvm::Value*>& ir_args);

// Stores `result`, the value of a call whose struct result of type `t` is
// Direct `p`, as the struct's bytes at `dst` (known aligned to
// `dst_align`). Writes only bytes of the struct.
void store_struct_result(llvm::IRBuilder<>& b, const Layout& t, const Passing& p, llvm::Value* result,
                         llvm::Value* dst, llvm::Align dst_align);

// One C argument of emit_call: a scalar as its LLVM value (i1 for _Bool,
// i8 for int8_t, ...), or a struct as the pointer to its bytes and their
// known alignment.
struct CallArg {
  llvm::Value* value = nullptr;
  llvm::Align align;  // structs only
};

// Where emit_call stores a struct result.
struct ResultSlot {
  llvm::Value* ptr = nullptr;
  llvm::Align align;
};

// A call of `callee` (of signature `sig`) with `args`, one per C parameter
// (struct bytes are Borrowed); a struct result is stored at `result`
// (which must then be given; a Sret result goes through a stack slot of
// its own, so `result` may alias the arguments). Returns the call; its
// value is the C result when the result is a scalar.
llvm::CallInst* emit_call(llvm::IRBuilder<>& b, llvm::FunctionCallee callee, const LoweredSignature& sig,
                          const std::vector<CallArg>& args, std::optional<ResultSlot> result);

// The bytes of struct parameter `k` of `fn` (signature `sig`) where C
// left them in memory (Byval or Indirect: the pointer argument, aligned
// to the Passing's `align`), else nullopt.
std::optional<llvm::Value*> struct_parameter_in_memory(llvm::Function* fn, const LoweredSignature& sig, size_t k);

// The callee side, for C-callable functions (callbacks) defined in LLVM
// with signature `sig`: parameter `k` of `fn`, a struct, stored as its
// bytes at `dst` (known aligned to `dst_align`); and the return of the
// struct whose bytes are at `src` (known aligned to `src_align`) as `fn`'s
// result, ending the current block.
void store_struct_parameter(llvm::IRBuilder<>& b, llvm::Function* fn, const LoweredSignature& sig, size_t k,
                            llvm::Value* dst, llvm::Align dst_align);
llvm::ReturnInst* emit_struct_return(llvm::IRBuilder<>& b, llvm::Function* fn, const LoweredSignature& sig,
                                     llvm::Value* src, llvm::Align src_align);

}  // namespace hako::codegen::abi
