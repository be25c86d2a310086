// C types as every C calling convention hakoc targets sees them: scalars
// and structs of them with C layout (docs/ffi.md "Structs"), and Clang's
// LLVM type of such a value in memory. The layout is the same on all
// supported targets (LP64/LLP64 differ only in `long`, which the FFI
// whitelist does not name); how values travel is in classify.h.
// Self-contained: it knows nothing of the MIR, so the extern struct
// lowering and the tests both describe C types with abi::Layout.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/LLVMContext.h>

namespace hako::codegen::abi {

// The scalar C types a struct field (or a parameter) may have.
enum class Scalar : uint8_t { I8, I16, I32, I64, U8, U16, U32, U64, F32, F64, Bool, Ptr };

// The byte size (= natural alignment) of a scalar.
uint64_t scalar_size(Scalar s);

// Whether `s` is float or double (the floating-point registers' types).
bool is_float(Scalar s);

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

// Clang's LLVM type of `t` in memory: iN/float/double/ptr for a scalar (i8
// for _Bool), for a struct a literal struct of its fields' memory types,
// packed (<{ }>) and with [N x i8] padding where C's offsets need it.
llvm::Type* memory_type(llvm::LLVMContext& ctx, const Layout& t);

// An unhandled case of the ABI lowering: a bug of its caller or of these
// files, never user input (std::logic_error naming `what`).
[[noreturn]] void internal_error(const std::string& what);

}  // namespace hako::codegen::abi
