#include "codegen/abi/classify.h"

#include <algorithm>

#include "codegen/abi/aapcs64_rules.h"
#include "codegen/abi/sysv_rules.h"
#include "codegen/abi/win64_rules.h"

namespace hako::codegen::abi {

namespace {

// The store size of a scalar piece's LLVM type.
uint64_t element_size(const Piece& p) {
  switch (p.kind) {
    case Piece::Kind::Int: return (p.bits + 7) / 8;
    case Piece::Kind::Float: return 4;
    case Piece::Kind::Ptr:
    case Piece::Kind::Double:
    case Piece::Kind::FloatPair: return 8;
    case Piece::Kind::Whole: break;
  }
  internal_error("the element size of a whole-struct piece");
}

// A signature whose structs each travel by themselves (no register
// budget): scalars by direct_scalar, structs by the rule's `argument` and
// `result`.
template <class Argument, class Result>
SignatureAbi each_by_itself(const TargetAbi& abi, const std::vector<Layout>& params, const std::optional<Layout>& ret,
                            Argument argument, Result result) {
  SignatureAbi sig;
  if (!ret) sig.ret = Passing{};
  else if (!ret->is_record()) sig.ret = direct_scalar(abi, ret->scalar_kind());
  else sig.ret = result(abi, *ret);
  for (const Layout& t : params)
    sig.params.push_back(t.is_record() ? argument(abi, t) : direct_scalar(abi, t.scalar_kind()));
  return sig;
}

}  // namespace

uint64_t piece_size(const Piece& p, const Layout& whole) {
  if (p.kind == Piece::Kind::Whole) return whole.size();
  uint64_t element = element_size(p);
  if (p.array == 0) return element;
  // Array elements are laid out at their allocation size; the integer and
  // float pieces of arrays are all of power-of-two sizes.
  return element * p.array;
}

Passing direct_pieces(std::vector<Piece> pieces) {
  Passing p;
  p.kind = Passing::Kind::Direct;
  p.pieces = std::move(pieces);
  return p;
}

Passing direct_scalar(const TargetAbi& abi, Scalar s) {
  Passing p;
  p.kind = Passing::Kind::Direct;
  switch (s) {
    case Scalar::F32: p.pieces.push_back(Piece{Piece::Kind::Float, 0, 0}); return p;
    case Scalar::F64: p.pieces.push_back(Piece{Piece::Kind::Double, 0, 0}); return p;
    case Scalar::Ptr: p.pieces.push_back(Piece{Piece::Kind::Ptr, 0, 0}); return p;
    case Scalar::Bool:
      p.pieces.push_back(Piece{Piece::Kind::Int, 1, 0});
      if (abi.narrow_ints != NarrowIntExtension::None) p.extension = Extension::Zero;
      return p;
    case Scalar::I8:
    case Scalar::I16:
      if (abi.narrow_ints == NarrowIntExtension::All) p.extension = Extension::Sign;
      break;
    case Scalar::U8:
    case Scalar::U16:
      if (abi.narrow_ints == NarrowIntExtension::All) p.extension = Extension::Zero;
      break;
    case Scalar::I32:
    case Scalar::U32:
    case Scalar::I64:
    case Scalar::U64: break;
  }
  p.pieces.push_back(Piece{Piece::Kind::Int, static_cast<unsigned>(scalar_size(s) * 8), 0});
  return p;
}

Passing memory_argument(const TargetAbi& abi, const Layout& t) {
  Passing p;
  switch (abi.memory_arguments) {
    case MemoryArgument::Byval:
      p.kind = Passing::Kind::Byval;
      p.align = std::max(t.align(), abi.byval_min_align);
      return p;
    case MemoryArgument::PointerToCopy:
      p.kind = Passing::Kind::Indirect;
      p.align = t.align();
      return p;
  }
  internal_error("an unknown way of passing a struct in memory");
}

Passing sret_result(const Layout& t) {
  Passing p;
  p.kind = Passing::Kind::Sret;
  p.align = t.align();
  return p;
}

SignatureAbi classify_signature(const TargetAbi& abi, const std::vector<Layout>& params,
                                const std::optional<Layout>& ret) {
  switch (abi.aggregates) {
    case AggregateRule::SysvEightbytes: return sysv::classify_signature(abi, params, ret);
    case AggregateRule::Win64Sized:
      return each_by_itself(abi, params, ret, win64::struct_argument, win64::struct_result);
    case AggregateRule::Aapcs64:
      return each_by_itself(abi, params, ret, aapcs64::struct_argument, aapcs64::struct_result);
  }
  internal_error("an unknown aggregate rule");
}

}  // namespace hako::codegen::abi
