#include "codegen/abi/sysv_rules.h"

#include <algorithm>

// The classification and the choice of LLVM types follow Clang 19's
// X86_64ABIInfo (classify, postMerge, GetINTEGERTypeAtOffset,
// GetSSETypeAtOffset, GetX86_64ByValArgumentPair, getIndirectResult,
// computeInfo): where the psABI leaves a choice (which LLVM type carries an
// eightbyte), Clang's choice is the ABI that matters, since C libraries are
// built by it or by GCC, which agrees at the machine level.

namespace hako::codegen::abi::sysv {

namespace {

// The most bytes passed in registers: two eightbytes.
constexpr uint64_t kTwoEightbytes = 16;

// `n` rounded up to a multiple of `a`.
uint64_t align_to(uint64_t n, uint64_t a) { return (n + a - 1) / a * a; }

// ---- classification (psABI §3.2.3) ----

// The psABI merge of the class of an eightbyte with a field's class in it.
Class merge(Class accum, Class field) {
  if (accum == field) return accum;
  if (accum == Class::NoClass) return field;
  if (field == Class::NoClass) return accum;
  if (accum == Class::Memory || field == Class::Memory) return Class::Memory;
  if (accum == Class::Integer || field == Class::Integer) return Class::Integer;
  return Class::Sse;
}

// The post-merger cleanup of an aggregate of `size` bytes: a Memory
// eightbyte makes the whole aggregate Memory, and so does a size over two
// eightbytes (with no SSEUP classes here).
void post_merge(uint64_t size, Class& lo, Class& hi) {
  if (hi == Class::Memory) lo = Class::Memory;
  if (size > kTwoEightbytes) lo = Class::Memory;
}

// Classifies `t`, lying at byte `base` of the value being classified, into
// the two eightbytes of that value (Clang's classify: fields are placed by
// their offset in the outermost value).
void classify_at(const Layout& t, uint64_t base, Class& lo, Class& hi) {
  lo = hi = Class::NoClass;
  Class& current = base < 8 ? lo : hi;
  if (!t.is_record()) {
    current = is_float(t.scalar_kind()) ? Class::Sse : Class::Integer;
    return;
  }
  if (t.size() > 64) {
    current = Class::Memory;
    return;
  }
  for (size_t i = 0; i < t.fields().size(); ++i) {
    const Layout& f = t.fields()[i];
    uint64_t offset = base + t.offsets()[i];
    // Over two eightbytes (no vectors here), or an unaligned field: memory.
    if (t.size() > kTwoEightbytes || offset % f.align() != 0) {
      lo = Class::Memory;
      post_merge(t.size(), lo, hi);
      return;
    }
    Class field_lo, field_hi;
    classify_at(f, offset, field_lo, field_hi);
    lo = merge(lo, field_lo);
    hi = merge(hi, field_hi);
    if (lo == Class::Memory || hi == Class::Memory) break;
  }
  post_merge(t.size(), lo, hi);
}

// ---- the LLVM types of the eightbytes ----

// Whether bits [start, end) of `t` hold no field (only padding or nothing).
bool bits_contain_no_user_data(const Layout& t, uint64_t start, uint64_t end) {
  if (t.size() * 8 <= start) return true;
  if (!t.is_record()) return false;
  for (size_t i = 0; i < t.fields().size(); ++i) {
    uint64_t field_bit = t.offsets()[i] * 8;
    if (field_bit >= end) break;
    uint64_t field_start = field_bit < start ? start - field_bit : 0;
    if (!bits_contain_no_user_data(t.fields()[i], field_start, end - field_bit)) return false;
  }
  return true;
}

// The field of struct `t` whose bytes start at or last before `offset`
// (LLVM's StructLayout::getElementContainingOffset on Clang's type; the
// padding arrays Clang adds never change the answers below).
size_t field_containing(const Layout& t, uint64_t offset) {
  const std::vector<uint64_t>& offs = t.offsets();
  auto it = std::upper_bound(offs.begin(), offs.end(), offset);
  if (it == offs.begin()) internal_error("an offset before a struct's first field");
  return static_cast<size_t>(it - offs.begin()) - 1;
}

// An iN piece at `offset`.
Piece int_piece(unsigned bits, uint64_t offset) { return Piece{Piece::Kind::Int, bits, offset}; }

// The LLVM type of the INTEGER eightbyte at `source_offset` of `source`,
// looking at `ir` at `ir_offset` (Clang's GetINTEGERTypeAtOffset): a
// pointer or 64-bit integer field there as itself, a narrower integer
// field as itself when nothing follows it in the eightbyte, otherwise an
// integer as wide as the eightbyte's bytes within the struct.
Piece int_piece_at(const Layout& ir, uint64_t ir_offset, const Layout& source, uint64_t source_offset) {
  if (ir_offset == 0 && !ir.is_record()) {
    Scalar s = ir.scalar_kind();
    if (s == Scalar::Ptr) return Piece{Piece::Kind::Ptr, 0, source_offset};
    if (!is_float(s)) {
      auto width = static_cast<unsigned>(scalar_size(s) * 8);
      if (width == 64) return int_piece(64, source_offset);
      if (bits_contain_no_user_data(source, source_offset * 8 + width, source_offset * 8 + 64))
        return int_piece(width, source_offset);
    }
  }
  if (ir.is_record() && ir_offset < ir.size()) {
    size_t i = field_containing(ir, ir_offset);
    return int_piece_at(ir.fields()[i], ir_offset - ir.offsets()[i], source, source_offset);
  }
  return int_piece(static_cast<unsigned>(std::min<uint64_t>(source.size() - source_offset, 8) * 8), source_offset);
}

// The floating-point scalar that starts exactly at `offset` of `t`, if any
// (Clang's getFPTypeAtOffset).
std::optional<Scalar> fp_at(const Layout& t, uint64_t offset) {
  if (!t.is_record()) {
    if (offset == 0 && is_float(t.scalar_kind())) return t.scalar_kind();
    return std::nullopt;
  }
  size_t i = field_containing(t, offset);
  return fp_at(t.fields()[i], offset - t.offsets()[i]);
}

// The LLVM type of the SSE eightbyte at `offset` of `t` (Clang's
// GetSSETypeAtOffset): <2 x float> for two floats, float for a float
// alone, double otherwise.
Piece sse_piece_at(const Layout& t, uint64_t offset) {
  uint64_t source_size = t.size() - offset;
  std::optional<Scalar> first = fp_at(t, offset);
  if (!first || *first == Scalar::F64) return Piece{Piece::Kind::Double, 0, offset};
  std::optional<Scalar> second;
  if (source_size > 4) second = fp_at(t, offset + 4);
  if (!second) return Piece{Piece::Kind::Float, 0, offset};
  if (*second == Scalar::F32) return Piece{Piece::Kind::FloatPair, 0, offset};
  return Piece{Piece::Kind::Double, 0, offset};
}

// LLVM's allocation size of a piece's type (x86_64 data layout).
uint64_t piece_alloc_size(const Piece& p) {
  switch (p.kind) {
    case Piece::Kind::Int:
      if (p.bits <= 8) return 1;
      if (p.bits <= 16) return 2;
      if (p.bits <= 32) return 4;
      return 8;
    case Piece::Kind::Float: return 4;
    case Piece::Kind::Ptr:
    case Piece::Kind::Double:
    case Piece::Kind::FloatPair: return 8;
    case Piece::Kind::Whole: break;
  }
  internal_error("a piece kind System V never uses");
}

// Clang's GetX86_64ByValArgumentPair: the second piece must sit at byte 8
// of the { lo, hi } pair, so a low piece too small for that (float, or an
// integer narrower than 8 bytes) widens to double or i64.
void widen_low_piece(Piece& lo, const Piece& hi) {
  // LLVM's ABI alignment of these types equals their allocation size.
  if (align_to(piece_alloc_size(lo), piece_alloc_size(hi)) == 8) return;
  if (lo.kind == Piece::Kind::Float) {
    lo.kind = Piece::Kind::Double;
  } else if (lo.kind == Piece::Kind::Int || lo.kind == Piece::Kind::Ptr) {
    lo = int_piece(64, 0);
  } else {
    internal_error("an unexpected low piece of a pair");
  }
}

// The pieces of struct `t` of classes `eb` (neither Memory), counting the
// registers they take.
Passing direct_struct(const Layout& t, const Eightbytes& eb) {
  Passing p;
  p.kind = Passing::Kind::Direct;
  // The eightbyte at `offset`, of class INTEGER or SSE.
  auto take = [&](Class c, uint64_t offset) {
    if (c == Class::Integer) {
      p.pieces.push_back(int_piece_at(t, offset, t, offset));
      ++p.int_regs;
    } else {
      p.pieces.push_back(sse_piece_at(t, offset));
      ++p.sse_regs;
    }
  };
  if (eb.lo != Class::Integer && eb.lo != Class::Sse)
    internal_error("a struct whose first eightbyte is padding or memory passed directly");
  take(eb.lo, 0);
  if (eb.hi == Class::Memory) internal_error("a second eightbyte of class memory after the post-merger");
  if (eb.hi != Class::NoClass) take(eb.hi, 8);
  if (p.pieces.size() == 2) widen_low_piece(p.pieces[0], p.pieces[1]);
  return p;
}

// A struct argument on the stack (Clang's getIndirectResult): a byval copy
// aligned to at least 8, except that with no INTEGER register left a struct
// that fits one eightbyte goes as an integer of its size, which lands in the
// same stack slot.
Passing stack_struct(const TargetAbi& abi, const Layout& t, const RegisterBudget& free) {
  Passing p = memory_argument(abi, t);
  if (free.integer == 0 && p.kind == Passing::Kind::Byval && p.align == 8 && t.size() <= 8)
    return direct_pieces({int_piece(static_cast<unsigned>(t.size() * 8), 0)});
  return p;
}

// The registers of `abi`'s budget; an internal error for a target without one.
RegisterBudget budget_of(const TargetAbi& abi) {
  if (!abi.budget) internal_error("the System V rules for a convention without a register budget");
  return *abi.budget;
}

}  // namespace

Eightbytes classify(const Layout& t) {
  Eightbytes eb;
  classify_at(t, 0, eb.lo, eb.hi);
  if (eb.lo == Class::Memory) eb.hi = Class::Memory;
  return eb;
}

Passing classify_return(const TargetAbi& abi, const std::optional<Layout>& ret) {
  if (!ret) return Passing{};
  if (!ret->is_record()) return direct_scalar(abi, ret->scalar_kind());
  Eightbytes eb = classify(*ret);
  if (eb.lo == Class::Memory) {
    Passing p = sret_result(*ret);
    p.int_regs = 1;  // the sret pointer goes in %rdi
    return p;
  }
  Passing p = direct_struct(*ret, eb);
  // Results come back in %rax/%rdx and %xmm0/%xmm1, not argument registers.
  p.int_regs = p.sse_regs = 0;
  return p;
}

Passing classify_argument(const TargetAbi& abi, const Layout& t, RegisterBudget& free) {
  Passing p;
  if (!t.is_record()) {
    p = direct_scalar(abi, t.scalar_kind());
    unsigned& pool = is_float(t.scalar_kind()) ? free.sse : free.integer;
    // A scalar with no register left goes on the stack as the same value.
    if (pool > 0) {
      --pool;
      (is_float(t.scalar_kind()) ? p.sse_regs : p.int_regs) = 1;
    }
    return p;
  }
  Eightbytes eb = classify(t);
  if (eb.lo == Class::Memory) return stack_struct(abi, t, free);
  p = direct_struct(t, eb);
  // psABI: when some eightbyte finds no register, the whole struct goes on
  // the stack and takes none.
  if (p.int_regs > free.integer || p.sse_regs > free.sse) return stack_struct(abi, t, free);
  free.integer -= p.int_regs;
  free.sse -= p.sse_regs;
  return p;
}

SignatureAbi classify_signature(const TargetAbi& abi, const std::vector<Layout>& params,
                                const std::optional<Layout>& ret) {
  SignatureAbi sig;
  sig.ret = classify_return(abi, ret);
  RegisterBudget free = budget_of(abi);
  free.integer -= sig.ret.int_regs;  // the sret pointer in %rdi
  for (const Layout& t : params) sig.params.push_back(classify_argument(abi, t, free));
  return sig;
}

}  // namespace hako::codegen::abi::sysv
