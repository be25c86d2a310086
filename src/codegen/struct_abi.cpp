#include "codegen/struct_abi.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <llvm/IR/Constants.h>
#include <llvm/IR/Function.h>

// The classification and the choice of LLVM types follow Clang 19's
// X86_64ABIInfo (classify, postMerge, GetINTEGERTypeAtOffset,
// GetSSETypeAtOffset, GetX86_64ByValArgumentPair, getIndirectResult,
// computeInfo) and, for memory_type, CGRecordLowering: where the psABI
// leaves a choice (which LLVM type carries an eightbyte), Clang's choice is
// the ABI that matters, since C libraries are built by it or by GCC, which
// agrees at the machine level.

namespace hako::codegen::sysv {

namespace {

// An unhandled case: a bug of the caller or of this file, never user input.
[[noreturn]] void internal_error(const std::string& what) { throw std::logic_error("struct_abi: " + what); }

// `n` rounded up to a multiple of `a`.
uint64_t align_to(uint64_t n, uint64_t a) { return (n + a - 1) / a * a; }

// The byte size (= natural alignment) of a scalar.
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

// Floating-point scalars are SSE, all others INTEGER.
bool is_float(Scalar s) { return s == Scalar::F32 || s == Scalar::F64; }

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
  if (size > 16) lo = Class::Memory;
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
    if (t.size() > 16 || offset % f.align() != 0) {
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
  }
  internal_error("an unknown piece kind");
}

// The bytes of memory a piece's load or store touches.
uint64_t piece_store_size(const Piece& p) {
  if (p.kind == Piece::Kind::Int) return (p.bits + 7) / 8;
  return piece_alloc_size(p);
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
  switch (eb.lo) {
    case Class::Integer:
      p.pieces.push_back(int_piece_at(t, 0, t, 0));
      ++p.int_regs;
      break;
    case Class::Sse:
      p.pieces.push_back(sse_piece_at(t, 0));
      ++p.sse_regs;
      break;
    case Class::NoClass:
    case Class::Memory: internal_error("a struct whose first eightbyte is padding or memory passed directly");
  }
  switch (eb.hi) {
    case Class::NoClass: break;
    case Class::Integer:
      p.pieces.push_back(int_piece_at(t, 8, t, 8));
      ++p.int_regs;
      break;
    case Class::Sse:
      p.pieces.push_back(sse_piece_at(t, 8));
      ++p.sse_regs;
      break;
    case Class::Memory: internal_error("a second eightbyte of class memory after the post-merger");
  }
  if (p.pieces.size() == 2) widen_low_piece(p.pieces[0], p.pieces[1]);
  return p;
}

// A scalar parameter or result: one piece of its own type, extended to int
// when narrower (signed types sign-extended, unsigned and _Bool zero-extended).
Passing direct_scalar(Scalar s) {
  Passing p;
  p.kind = Passing::Kind::Direct;
  switch (s) {
    case Scalar::F32: p.pieces.push_back(Piece{Piece::Kind::Float, 0, 0}); return p;
    case Scalar::F64: p.pieces.push_back(Piece{Piece::Kind::Double, 0, 0}); return p;
    case Scalar::Ptr: p.pieces.push_back(Piece{Piece::Kind::Ptr, 0, 0}); return p;
    case Scalar::Bool:
      p.pieces.push_back(int_piece(1, 0));
      p.extension = Extension::Zero;
      return p;
    case Scalar::I8:
    case Scalar::I16:
      p.extension = Extension::Sign;
      break;
    case Scalar::U8:
    case Scalar::U16:
      p.extension = Extension::Zero;
      break;
    case Scalar::I32:
    case Scalar::U32:
    case Scalar::I64:
    case Scalar::U64: break;
  }
  p.pieces.push_back(int_piece(static_cast<unsigned>(scalar_size(s) * 8), 0));
  return p;
}

// A struct argument on the stack (Clang's getIndirectResult): a byval copy
// aligned to at least 8, except that with no INTEGER register left a struct
// that fits one eightbyte goes as an integer of its size, which lands in the
// same stack slot.
Passing stack_struct(const Layout& t, const Registers& free) {
  Passing p;
  uint64_t align = std::max<uint64_t>(t.align(), 8);
  if (free.integer == 0 && align == 8 && t.size() <= 8) {
    p.kind = Passing::Kind::Direct;
    p.pieces.push_back(int_piece(static_cast<unsigned>(t.size() * 8), 0));
    return p;
  }
  p.kind = Passing::Kind::Byval;
  p.align = align;
  return p;
}

// ---- LLVM helpers ----

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

// A stack slot of `type` in the entry block of the function being built,
// so a call in a loop does not grow the stack.
llvm::AllocaInst* entry_slot(llvm::IRBuilder<>& b, llvm::Type* type, llvm::Align align, const char* name) {
  llvm::Function* fn = b.GetInsertBlock()->getParent();
  llvm::BasicBlock& entry = fn->getEntryBlock();
  llvm::IRBuilder<> eb(&entry, entry.getFirstInsertionPt());
  llvm::AllocaInst* slot = eb.CreateAlloca(type, nullptr, name);
  slot->setAlignment(align);
  return slot;
}

// The address `offset` bytes into `base`.
llvm::Value* byte_address(llvm::IRBuilder<>& b, llvm::Value* base, uint64_t offset) {
  if (offset == 0) return base;
  return b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), base, offset);
}

// The attributes of one LLVM parameter or the result: its extension.
llvm::AttributeSet extension_attributes(llvm::LLVMContext& ctx, Extension e) {
  llvm::AttrBuilder ab(ctx);
  if (e == Extension::Sign) ab.addAttribute(llvm::Attribute::SExt);
  if (e == Extension::Zero) ab.addAttribute(llvm::Attribute::ZExt);
  return llvm::AttributeSet::get(ctx, ab);
}

// Checks that a Direct struct's pieces stay within its `size` bytes, which
// the loads and stores below rely on.
void check_pieces_fit(const Passing& p, uint64_t size) {
  for (const Piece& piece : p.pieces)
    if (piece.offset + piece_store_size(piece) > size) internal_error("a piece reaching past its struct's bytes");
}

}  // namespace

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

Eightbytes classify(const Layout& t) {
  Eightbytes eb;
  classify_at(t, 0, eb.lo, eb.hi);
  if (eb.lo == Class::Memory) eb.hi = Class::Memory;
  return eb;
}

Passing classify_return(const std::optional<Layout>& ret) {
  if (!ret) return Passing{};
  if (!ret->is_record()) return direct_scalar(ret->scalar_kind());
  Eightbytes eb = classify(*ret);
  if (eb.lo == Class::Memory) {
    // Clang's getNaturalAlignIndirect: the struct's own alignment.
    Passing p;
    p.kind = Passing::Kind::Sret;
    p.align = ret->align();
    p.int_regs = 1;
    return p;
  }
  Passing p = direct_struct(*ret, eb);
  // Results come back in %rax/%rdx and %xmm0/%xmm1, not argument registers.
  p.int_regs = p.sse_regs = 0;
  return p;
}

Passing classify_argument(const Layout& t, Registers& free) {
  Passing p;
  if (!t.is_record()) {
    p = direct_scalar(t.scalar_kind());
    unsigned& pool = is_float(t.scalar_kind()) ? free.sse : free.integer;
    // A scalar with no register left goes on the stack as the same value.
    if (pool > 0) {
      --pool;
      (is_float(t.scalar_kind()) ? p.sse_regs : p.int_regs) = 1;
    }
    return p;
  }
  Eightbytes eb = classify(t);
  if (eb.lo == Class::Memory) return stack_struct(t, free);
  p = direct_struct(t, eb);
  // psABI: when some eightbyte finds no register, the whole struct goes on
  // the stack and takes none.
  if (p.int_regs > free.integer || p.sse_regs > free.sse) return stack_struct(t, free);
  free.integer -= p.int_regs;
  free.sse -= p.sse_regs;
  return p;
}

SignatureAbi classify_signature(const std::vector<Layout>& params, const std::optional<Layout>& ret) {
  SignatureAbi abi;
  abi.ret = classify_return(ret);
  Registers free;
  free.integer -= abi.ret.int_regs;  // the sret pointer in %rdi
  for (const Layout& t : params) abi.params.push_back(classify_argument(t, free));
  return abi;
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

llvm::Type* piece_type(llvm::LLVMContext& ctx, const Piece& p) {
  switch (p.kind) {
    case Piece::Kind::Int: return llvm::Type::getIntNTy(ctx, p.bits);
    case Piece::Kind::Ptr: return llvm::PointerType::get(ctx, 0);
    case Piece::Kind::Float: return llvm::Type::getFloatTy(ctx);
    case Piece::Kind::Double: return llvm::Type::getDoubleTy(ctx);
    case Piece::Kind::FloatPair: return llvm::FixedVectorType::get(llvm::Type::getFloatTy(ctx), 2);
  }
  internal_error("an unknown piece kind");
}

LoweredSignature lower_signature(llvm::LLVMContext& ctx, std::vector<Layout> params, std::optional<Layout> ret) {
  LoweredSignature sig;
  sig.abi = classify_signature(params, ret);
  sig.params = std::move(params);
  sig.ret = std::move(ret);

  std::vector<llvm::Type*> types;
  std::vector<llvm::AttributeSet> attrs;
  llvm::Type* ptr = llvm::PointerType::get(ctx, 0);
  // A pointer to a struct in memory: byval(T) or sret(T), with its alignment.
  auto memory_param = [&](const Layout& t, const Passing& p, bool sret) {
    llvm::AttrBuilder ab(ctx);
    llvm::Type* mt = memory_type(ctx, t);
    if (sret) {
      ab.addStructRetAttr(mt);
      ab.addAttribute(llvm::Attribute::NoAlias);
    } else {
      ab.addByValAttr(mt);
    }
    ab.addAlignmentAttr(llvm::Align(p.align));
    types.push_back(ptr);
    attrs.push_back(llvm::AttributeSet::get(ctx, ab));
  };

  const Passing& r = sig.abi.ret;
  llvm::Type* ret_type = llvm::Type::getVoidTy(ctx);
  switch (r.kind) {
    case Passing::Kind::Void: break;
    case Passing::Kind::Sret: memory_param(*sig.ret, r, true); break;
    case Passing::Kind::Direct:
      if (r.pieces.size() == 1) {
        ret_type = piece_type(ctx, r.pieces[0]);
      } else {
        ret_type = llvm::StructType::get(ctx, {piece_type(ctx, r.pieces[0]), piece_type(ctx, r.pieces[1])});
      }
      break;
    case Passing::Kind::Byval: internal_error("a byval result");
  }

  for (size_t k = 0; k < sig.params.size(); ++k) {
    const Passing& p = sig.abi.params[k];
    sig.first_ir_arg.push_back(static_cast<unsigned>(types.size()));
    switch (p.kind) {
      case Passing::Kind::Byval: memory_param(sig.params[k], p, false); break;
      case Passing::Kind::Direct:
        for (const Piece& piece : p.pieces) {
          types.push_back(piece_type(ctx, piece));
          attrs.push_back(extension_attributes(ctx, p.extension));
        }
        break;
      case Passing::Kind::Sret:
      case Passing::Kind::Void: internal_error("a parameter passed as a result");
    }
  }
  sig.type = llvm::FunctionType::get(ret_type, types, false);
  sig.attributes = llvm::AttributeList::get(ctx, llvm::AttributeSet(), extension_attributes(ctx, r.extension), attrs);
  return sig;
}

void append_struct_argument(llvm::IRBuilder<>& b, const Layout& t, const Passing& p, llvm::Value* src,
                            llvm::Align src_align, std::vector<llvm::Value*>& ir_args) {
  switch (p.kind) {
    case Passing::Kind::Byval: {
      llvm::Align want(p.align);
      if (src_align >= want) {
        ir_args.push_back(src);
        return;
      }
      // byval's alignment is also a promise about the pointer passed.
      llvm::AllocaInst* copy = entry_slot(b, memory_type(b.getContext(), t), want, "byval.copy");
      b.CreateMemCpy(copy, want, src, src_align, t.size());
      ir_args.push_back(copy);
      return;
    }
    case Passing::Kind::Direct:
      check_pieces_fit(p, t.size());
      for (const Piece& piece : p.pieces) {
        llvm::Value* at = byte_address(b, src, piece.offset);
        ir_args.push_back(
            b.CreateAlignedLoad(piece_type(b.getContext(), piece), at, llvm::commonAlignment(src_align, piece.offset)));
      }
      return;
    case Passing::Kind::Sret:
    case Passing::Kind::Void: break;
  }
  internal_error("a struct argument passed as a result");
}

void store_struct_result(llvm::IRBuilder<>& b, const Passing& p, llvm::Value* result, llvm::Value* dst,
                         llvm::Align dst_align) {
  if (p.kind != Passing::Kind::Direct) internal_error("storing a result that is not direct");
  if (p.pieces.size() == 1) {
    b.CreateAlignedStore(result, dst, dst_align);
    return;
  }
  for (unsigned i = 0; i < p.pieces.size(); ++i) {
    llvm::Value* part = b.CreateExtractValue(result, {i});
    b.CreateAlignedStore(part, byte_address(b, dst, p.pieces[i].offset),
                         llvm::commonAlignment(dst_align, p.pieces[i].offset));
  }
}

llvm::CallInst* emit_call(llvm::IRBuilder<>& b, llvm::FunctionCallee callee, const LoweredSignature& sig,
                          const std::vector<CallArg>& args, std::optional<ResultSlot> result) {
  if (args.size() != sig.params.size()) internal_error("a call with the wrong number of arguments");
  bool struct_result = sig.ret && sig.ret->is_record();
  if (struct_result && !result) internal_error("a struct result with nowhere to store it");
  const Passing& r = sig.abi.ret;

  std::vector<llvm::Value*> ir_args;
  llvm::AllocaInst* sret_slot = nullptr;
  if (r.kind == Passing::Kind::Sret) {
    // A slot of its own: the callee may assume the sret pointer aliases
    // nothing else it can reach.
    sret_slot = entry_slot(b, memory_type(b.getContext(), *sig.ret), llvm::Align(r.align), "sret.slot");
    ir_args.push_back(sret_slot);
  }
  for (size_t k = 0; k < args.size(); ++k) {
    if (sig.params[k].is_record()) {
      append_struct_argument(b, sig.params[k], sig.abi.params[k], args[k].value, args[k].align, ir_args);
    } else {
      ir_args.push_back(args[k].value);
    }
  }
  llvm::CallInst* call = b.CreateCall(callee, ir_args);
  call->setAttributes(sig.attributes);
  if (struct_result) {
    check_pieces_fit(r, sig.ret->size());
    if (sret_slot != nullptr) {
      b.CreateMemCpy(result->ptr, result->align, sret_slot, llvm::Align(r.align), sig.ret->size());
    } else {
      store_struct_result(b, r, call, result->ptr, result->align);
    }
  }
  return call;
}

void store_struct_parameter(llvm::IRBuilder<>& b, llvm::Function* fn, const LoweredSignature& sig, size_t k,
                            llvm::Value* dst, llvm::Align dst_align) {
  if (k >= sig.params.size() || !sig.params[k].is_record()) internal_error("storing a parameter that is no struct");
  const Layout& t = sig.params[k];
  const Passing& p = sig.abi.params[k];
  unsigned first = sig.first_ir_arg[k];
  switch (p.kind) {
    case Passing::Kind::Byval:
      b.CreateMemCpy(dst, dst_align, fn->getArg(first), llvm::Align(p.align), t.size());
      return;
    case Passing::Kind::Direct:
      check_pieces_fit(p, t.size());
      for (unsigned i = 0; i < p.pieces.size(); ++i)
        b.CreateAlignedStore(fn->getArg(first + i), byte_address(b, dst, p.pieces[i].offset),
                             llvm::commonAlignment(dst_align, p.pieces[i].offset));
      return;
    case Passing::Kind::Sret:
    case Passing::Kind::Void: break;
  }
  internal_error("a struct parameter passed as a result");
}

llvm::ReturnInst* emit_struct_return(llvm::IRBuilder<>& b, llvm::Function* fn, const LoweredSignature& sig,
                                     llvm::Value* src, llvm::Align src_align) {
  if (!sig.ret || !sig.ret->is_record()) internal_error("returning a struct from a function of another result");
  const Passing& r = sig.abi.ret;
  if (r.kind == Passing::Kind::Sret) {
    b.CreateMemCpy(fn->getArg(0), llvm::Align(r.align), src, src_align, sig.ret->size());
    return b.CreateRetVoid();
  }
  std::vector<llvm::Value*> parts;
  append_struct_argument(b, *sig.ret, r, src, src_align, parts);
  if (parts.size() == 1) return b.CreateRet(parts[0]);
  llvm::Value* agg = llvm::PoisonValue::get(sig.type->getReturnType());
  for (unsigned i = 0; i < parts.size(); ++i) agg = b.CreateInsertValue(agg, parts[i], {i});
  return b.CreateRet(agg);
}

}  // namespace hako::codegen::sysv
