#include "codegen/abi/layout.h"

#include <algorithm>
#include <stdexcept>

// memory_type follows Clang 19's CGRecordLowering (determinePacked,
// insertPadding): the LLVM type of a struct matters wherever it appears in
// a signature (byval/sret types, AAPCS64 HFA results).

namespace hako::codegen::abi {

namespace {

// `n` rounded up to a multiple of `a`.
uint64_t align_to(uint64_t n, uint64_t a) { return (n + a - 1) / a * a; }

// LLVM's ABI alignment of memory_type(t).
uint64_t llvm_align(const Layout& t);

// Whether Clang's LLVM type of struct `t` is packed (CGRecordLowering's
// determinePacked): some field sits off its LLVM type's alignment, or the
// size is no multiple of the largest one.
bool llvm_packed(const Layout& t) {
  uint64_t largest = 1;
  for (size_t i = 0; i < t.fields().size(); ++i) {
    uint64_t a = llvm_align(t.fields()[i]);
    if (t.offsets()[i] % a != 0) return true;
    largest = std::max(largest, a);
  }
  return t.size() % largest != 0;
}

uint64_t llvm_align(const Layout& t) {
  if (!t.is_record()) return scalar_size(t.scalar_kind());
  if (llvm_packed(t)) return 1;
  uint64_t largest = 1;
  for (const Layout& f : t.fields()) largest = std::max(largest, llvm_align(f));
  return largest;
}

}  // namespace

void internal_error(const std::string& what) { throw std::logic_error("C ABI lowering: " + what); }

uint64_t scalar_size(Scalar s) {
  switch (s) {
    case Scalar::I8:
    case Scalar::U8:
    case Scalar::Bool: return 1;
    case Scalar::I16:
    case Scalar::U16: return 2;
    case Scalar::I32:
    case Scalar::U32:
    case Scalar::F32: return 4;
    case Scalar::I64:
    case Scalar::U64:
    case Scalar::F64:
    case Scalar::Ptr: return 8;
  }
  internal_error("an unknown scalar");
}

bool is_float(Scalar s) { return s == Scalar::F32 || s == Scalar::F64; }

Layout Layout::scalar(Scalar s) {
  Layout t;
  t.scalar_ = s;
  t.size_ = t.align_ = scalar_size(s);
  return t;
}

Layout Layout::record(std::vector<Layout> fields, bool packed) {
  if (fields.empty()) internal_error("a struct without fields");
  Layout t;
  t.packed_ = packed;
  uint64_t end = 0;
  for (const Layout& f : fields) {
    uint64_t a = packed ? 1 : f.align();
    uint64_t offset = align_to(end, a);
    t.offsets_.push_back(offset);
    end = offset + f.size();
    t.align_ = std::max(t.align_, a);
  }
  t.size_ = align_to(end, t.align_);
  t.fields_ = std::move(fields);
  return t;
}

Scalar Layout::scalar_kind() const {
  if (!scalar_) internal_error("the scalar kind of a struct");
  return *scalar_;
}

llvm::Type* memory_type(llvm::LLVMContext& ctx, const Layout& t) {
  if (!t.is_record()) {
    switch (t.scalar_kind()) {
      case Scalar::F32: return llvm::Type::getFloatTy(ctx);
      case Scalar::F64: return llvm::Type::getDoubleTy(ctx);
      case Scalar::Ptr: return llvm::PointerType::get(ctx, 0);
      default: return llvm::Type::getIntNTy(ctx, static_cast<unsigned>(scalar_size(t.scalar_kind()) * 8));
    }
  }
  // CGRecordLowering::insertPadding: padding bytes (an i8, or an [N x i8])
  // wherever the LLVM layout would put the next field (or the end) before
  // C's offset.
  bool packed = llvm_packed(t);
  std::vector<llvm::Type*> elements;
  uint64_t end = 0;
  uint64_t largest = 1;
  auto pad_to = [&](uint64_t offset, uint64_t align) {
    if (offset == align_to(end, packed ? 1 : align)) return;
    llvm::Type* byte = llvm::Type::getInt8Ty(ctx);
    elements.push_back(offset - end == 1 ? byte : llvm::ArrayType::get(byte, offset - end));
  };
  for (size_t i = 0; i < t.fields().size(); ++i) {
    const Layout& f = t.fields()[i];
    uint64_t a = llvm_align(f);
    largest = std::max(largest, a);
    pad_to(t.offsets()[i], a);
    elements.push_back(memory_type(ctx, f));
    end = t.offsets()[i] + f.size();
  }
  pad_to(t.size(), largest);
  return llvm::StructType::get(ctx, elements, packed);
}

}  // namespace hako::codegen::abi
