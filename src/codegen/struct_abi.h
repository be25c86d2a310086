// C structs passed and returned by value under the x86_64 System V ABI
// (psABI §3.2.3), exactly as Clang 19 lowers them for
// x86_64-unknown-linux-gnu: the layout of a struct (docs/ffi.md "Structs"),
// the classification of its eightbytes, how each parameter and the result
// of a C signature travel once the registers are handed out, the LLVM
// function type with its byval/sret attributes, and the code that moves a
// struct between memory and a call. Self-contained: it knows nothing of the
// MIR, so the extern struct lowering and the tests both describe C types
// with sysv::Layout.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <llvm/IR/Attributes.h>
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Instructions.h>
#include <llvm/Support/Alignment.h>

namespace hako::codegen::sysv {

// The scalar C types a struct field (or a parameter) may have.
enum class Scalar : uint8_t { I8, I16, I32, I64, U8, U16, U32, U64, F32, F64, Bool, Ptr };

// A C type as the ABI sees it: a scalar, or a struct of fields in order,
// each at its natural alignment (or at the next byte when `packed`, GCC's
// __attribute__((packed))), its size rounded up to its alignment.
class Layout {
 public:
  static Layout scalar(Scalar s);
  // Throws std::logic_error for a struct without fields (not C).
  static Layout record(std::vector<Layout> fields, bool packed = false);

  bool is_record() const { return !scalar_.has_value(); }
  // Throws std::logic_error on a struct.
  Scalar scalar_kind() const;
  const std::vector<Layout>& fields() const { return fields_; }
  // Byte offset of each field, parallel to fields().
  const std::vector<uint64_t>& offsets() const { return offsets_; }
  bool packed() const { return packed_; }
  uint64_t size() const { return size_; }
  uint64_t align() const { return align_; }

 private:
  Layout() = default;
  std::optional<Scalar> scalar_;
  std::vector<Layout> fields_;
  std::vector<uint64_t> offsets_;
  bool packed_ = false;
  uint64_t size_ = 0;
  uint64_t align_ = 1;
};

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

// One LLVM value of a value passed directly: the part of its bytes at
// `offset` as iN (N = bits), ptr, float, double or <2 x float>.
struct Piece {
  enum class Kind : uint8_t { Int, Ptr, Float, Double, FloatPair };
  Kind kind = Kind::Int;
  unsigned bits = 0;    // Int: the width (1 for a _Bool scalar)
  uint64_t offset = 0;  // 0, or 8 for the second eightbyte
  bool operator==(const Piece&) const = default;
};

// The extension the ABI requires of a narrow integer or _Bool scalar.
enum class Extension : uint8_t { None, Sign, Zero };

// How one parameter or the result travels.
struct Passing {
  enum class Kind : uint8_t {
    Direct,  // in `pieces` (one LLVM argument or result each; a result of two is { a, b })
    Byval,   // a pointer to a copy on the stack: byval(<memory type>) align `align`
    Sret,    // the result, written through a hidden first pointer: sret(<memory type>) align `align`
    Void,    // no result
  };
  Kind kind = Kind::Void;
  std::vector<Piece> pieces;
  Extension extension = Extension::None;
  uint64_t align = 0;
  unsigned int_regs = 0;  // registers it takes (parameters; a Sret result takes one INTEGER register)
  unsigned sse_regs = 0;
  bool operator==(const Passing&) const = default;
};

// The argument registers still free: %rdi..%r9 and %xmm0..%xmm7.
struct Registers {
  unsigned integer = 6;
  unsigned sse = 8;
};

// How a result of type `ret` (nullopt: void) travels.
Passing classify_return(const std::optional<Layout>& ret);

// How the next parameter of type `t` travels given the registers still
// `free`, which it takes from. A struct whose eightbytes do not all fit
// goes on the stack, as a byval copy or, with no INTEGER register left, as
// an iN of its size when it fits in one aligned eightbyte (Clang's choice).
Passing classify_argument(const Layout& t, Registers& free);

// Every parameter and the result of a (non-variadic) C signature, the
// registers handed out left to right after a Sret result took %rdi.
struct SignatureAbi {
  Passing ret;
  std::vector<Passing> params;
};
SignatureAbi classify_signature(const std::vector<Layout>& params, const std::optional<Layout>& ret);

// ---- LLVM ----

// Clang's LLVM type of `t` in memory: iN/float/double/ptr for a scalar (i8
// for _Bool), for a struct a literal struct of its fields' memory types,
// packed (<{ }>) and with [N x i8] padding where C's offsets need it.
llvm::Type* memory_type(llvm::LLVMContext& ctx, const Layout& t);

// The LLVM type of a directly passed piece.
llvm::Type* piece_type(llvm::LLVMContext& ctx, const Piece& p);

// A C function type in LLVM: the sret pointer first when the result is
// Sret, then each parameter's LLVM arguments (a Direct struct of two pieces
// is two arguments); the attributes Clang gives them (signext/zeroext,
// byval(T) align N, sret(T) noalias align N).
struct LoweredSignature {
  std::vector<Layout> params;
  std::optional<Layout> ret;
  SignatureAbi abi;
  llvm::FunctionType* type = nullptr;
  llvm::AttributeList attributes;
  std::vector<unsigned> first_ir_arg;  // per C parameter: its first LLVM argument
};
LoweredSignature lower_signature(llvm::LLVMContext& ctx, std::vector<Layout> params, std::optional<Layout> ret);

// Appends to `ir_args` the LLVM arguments of a struct of type `t` passed
// as `p`, whose bytes are at `src` (known aligned to `src_align`). A byval
// struct less aligned than the ABI asks is first copied to an aligned
// stack slot of the function.
void append_struct_argument(llvm::IRBuilder<>& b, const Layout& t, const Passing& p, llvm::Value* src,
                            llvm::Align src_align, std::vector<llvm::Value*>& ir_args);

// Stores `result`, the value of a call whose struct result is Direct `p`,
// as the struct's bytes at `dst` (known aligned to `dst_align`). Writes
// only bytes of the struct.
void store_struct_result(llvm::IRBuilder<>& b, const Passing& p, llvm::Value* result, llvm::Value* dst,
                         llvm::Align dst_align);

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

// A call of `callee` (of signature `sig`) with `args`, one per C parameter;
// a struct result is stored at `result` (which must then be given; a Sret
// result goes through a stack slot of its own, so `result` may alias the
// arguments). Returns the call; its value is the C result when the result
// is a scalar.
llvm::CallInst* emit_call(llvm::IRBuilder<>& b, llvm::FunctionCallee callee, const LoweredSignature& sig,
                          const std::vector<CallArg>& args, std::optional<ResultSlot> result);

// The callee side, for C-callable functions (callbacks) defined in LLVM
// with signature `sig`: parameter `k` of `fn`, a struct, stored as its
// bytes at `dst` (known aligned to `dst_align`); and the return of the
// struct whose bytes are at `src` (known aligned to `src_align`) as `fn`'s
// result, ending the current block.
void store_struct_parameter(llvm::IRBuilder<>& b, llvm::Function* fn, const LoweredSignature& sig, size_t k,
                            llvm::Value* dst, llvm::Align dst_align);
llvm::ReturnInst* emit_struct_return(llvm::IRBuilder<>& b, llvm::Function* fn, const LoweredSignature& sig,
                                     llvm::Value* src, llvm::Align src_align);

}  // namespace hako::codegen::sysv
