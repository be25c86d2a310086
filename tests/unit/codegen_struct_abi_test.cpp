// The x86_64 System V lowering of C structs passed and returned by value
// (codegen/struct_abi.h): C layouts, the psABI classification, the LLVM
// pieces Clang 19 chooses, the register budget of whole signatures, the
// LLVM function types and call code; then two tests against the real
// clang-19: the signatures of seeded random struct layouts and functions
// (HAKO_ABI_CASES of them, 200 by default) compared with Clang's `define`
// lines, and the same calls compiled by this library and linked with
// Clang-compiled callees that check every field they receive and return,
// both ways: LLVM code calling C, and C calling LLVM functions that pass
// their struct parameters and results on.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <llvm/IR/Constants.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include "codegen/optimize.h"
#include "codegen/abi/lowering.h"
#include "codegen/abi/sysv_rules.h"
#include "codegen/target.h"

namespace hako::codegen {

// The optimisation level in test names.
void PrintTo(OptLevel level, std::ostream* os) { *os << (level == OptLevel::O0 ? "O0" : "O2"); }

}  // namespace hako::codegen

namespace hako::codegen::abi::sysv {

// Readable classes in failure messages (found by GoogleTest through ADL).
void PrintTo(const Eightbytes& eb, std::ostream* os) {
  static const char* names[] = {"NO_CLASS", "INTEGER", "SSE", "MEMORY"};
  *os << "{" << names[static_cast<int>(eb.lo)] << ", " << names[static_cast<int>(eb.hi)] << "}";
}

}  // namespace hako::codegen::abi::sysv

namespace hako::codegen::abi {
namespace {

using sysv::Class;
using sysv::classify;
using sysv::Eightbytes;

// The System V convention, which the tests before the comparison with
// clang exercise.
const TargetAbi& sysv_abi() { return target_abi("system_v"); }

// Every System V argument register free.
RegisterBudget all_registers() { return *sysv_abi().budget; }

Passing classify_return(const std::optional<Layout>& ret) { return sysv::classify_return(sysv_abi(), ret); }

Passing classify_argument(const Layout& t, RegisterBudget& free) {
  return sysv::classify_argument(sysv_abi(), t, free);
}

SignatureAbi classify_signature(const std::vector<Layout>& params, const std::optional<Layout>& ret) {
  return sysv::classify_signature(sysv_abi(), params, ret);
}

// The System V lowering (the multi-target tests call abi::lower_signature).
LoweredSignature lower_signature(llvm::LLVMContext& ctx, std::vector<Layout> params, std::optional<Layout> ret) {
  return abi::lower_signature(ctx, sysv_abi(), std::move(params), std::move(ret));
}

namespace fs = std::filesystem;


using enum Scalar;

Layout S(Scalar s) { return Layout::scalar(s); }
Layout R(std::vector<Layout> fields) { return Layout::record(std::move(fields)); }
Layout Packed(std::vector<Layout> fields) { return Layout::record(std::move(fields), true); }
// A struct of `n` fields of type `s`.
Layout Repeat(Scalar s, size_t n) { return R(std::vector<Layout>(n, S(s))); }

Piece Int(unsigned bits, uint64_t offset = 0) { return Piece{Piece::Kind::Int, bits, offset}; }
Piece Ptr_(uint64_t offset = 0) { return Piece{Piece::Kind::Ptr, 0, offset}; }
Piece Flt(uint64_t offset = 0) { return Piece{Piece::Kind::Float, 0, offset}; }
Piece Dbl(uint64_t offset = 0) { return Piece{Piece::Kind::Double, 0, offset}; }
Piece Flt2(uint64_t offset = 0) { return Piece{Piece::Kind::FloatPair, 0, offset}; }

// Readable pieces in failure messages.
std::string text(const Piece& p) {
  std::string kind;
  switch (p.kind) {
    case Piece::Kind::Int: kind = "i" + std::to_string(p.bits); break;
    case Piece::Kind::Ptr: kind = "ptr"; break;
    case Piece::Kind::Float: kind = "float"; break;
    case Piece::Kind::Double: kind = "double"; break;
    case Piece::Kind::FloatPair: kind = "<2 x float>"; break;
    case Piece::Kind::Whole: kind = "whole"; break;
  }
  if (p.array > 0) kind = "[" + std::to_string(p.array) + " x " + kind + "]";
  return kind + "@" + std::to_string(p.offset);
}

// Readable passings in failure messages.
std::string text(const Passing& p) {
  switch (p.kind) {
    case Passing::Kind::Void: return "void";
    case Passing::Kind::Byval: return "byval align " + std::to_string(p.align);
    case Passing::Kind::Sret: return "sret align " + std::to_string(p.align);
    case Passing::Kind::Indirect: return "indirect align " + std::to_string(p.align);
    case Passing::Kind::Direct: break;
  }
  std::string s = "direct";
  for (const Piece& piece : p.pieces) s += " " + text(piece);
  if (p.stack_align) s += " alignstack " + std::to_string(*p.stack_align);
  s += " int " + std::to_string(p.int_regs) + " sse " + std::to_string(p.sse_regs);
  return s;
}

// How `t` travels as the first argument of a call.
Passing first_arg(const Layout& t) {
  RegisterBudget free = all_registers();
  return classify_argument(t, free);
}

// Expected passings: in `pieces` taking those registers, byval, sret.
Passing direct(std::vector<Piece> pieces, unsigned int_regs, unsigned sse_regs) {
  Passing p;
  p.kind = Passing::Kind::Direct;
  p.pieces = std::move(pieces);
  p.int_regs = int_regs;
  p.sse_regs = sse_regs;
  return p;
}

Passing byval(uint64_t align) {
  Passing p;
  p.kind = Passing::Kind::Byval;
  p.align = align;
  return p;
}

Passing sret(uint64_t align) {
  Passing p;
  p.kind = Passing::Kind::Sret;
  p.align = align;
  p.int_regs = 1;
  return p;
}

// An LLVM type as LLVM prints it.
std::string type_text(llvm::Type* t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  t->print(os);
  return s;
}

// ---- layouts ----------------------------------------------------------------------------------

TEST(StructAbiLayout, ScalarsHaveTheirNaturalSizeAndAlignment) {
  const std::map<Scalar, uint64_t> sizes = {{I8, 1},  {U8, 1},  {Bool, 1}, {I16, 2}, {U16, 2}, {I32, 4},
                                            {U32, 4}, {F32, 4}, {I64, 8},  {U64, 8}, {F64, 8}, {Ptr, 8}};
  for (auto [s, size] : sizes) {
    EXPECT_EQ(S(s).size(), size);
    EXPECT_EQ(S(s).align(), size);
    EXPECT_FALSE(S(s).is_record());
    EXPECT_EQ(S(s).scalar_kind(), s);
  }
}

TEST(StructAbiLayout, FieldsSitAtTheirNaturalAlignment) {
  Layout t = R({S(I8), S(F64)});
  EXPECT_EQ(t.offsets(), (std::vector<uint64_t>{0, 8}));
  EXPECT_EQ(t.size(), 16u);
  EXPECT_EQ(t.align(), 8u);

  Layout u = R({S(I8), S(I16), S(I8)});
  EXPECT_EQ(u.offsets(), (std::vector<uint64_t>{0, 2, 4}));
  EXPECT_EQ(u.size(), 6u);  // rounded up to the alignment 2
  EXPECT_EQ(u.align(), 2u);

  Layout v = R({S(F32), S(F32), S(F32)});
  EXPECT_EQ(v.size(), 12u);
  EXPECT_EQ(v.align(), 4u);

  Layout bools = R({S(Bool), S(I32), S(Bool)});
  EXPECT_EQ(bools.offsets(), (std::vector<uint64_t>{0, 4, 8}));
  EXPECT_EQ(bools.size(), 12u);
}

TEST(StructAbiLayout, NestedStructsAreAlignedAsTheirStrictestField) {
  Layout inner = R({S(I32), S(I8)});  // size 8, align 4
  Layout t = R({S(I8), inner, S(I8)});
  EXPECT_EQ(t.offsets(), (std::vector<uint64_t>{0, 4, 12}));
  EXPECT_EQ(t.size(), 16u);
  EXPECT_EQ(t.align(), 4u);
  EXPECT_TRUE(t.is_record());
  EXPECT_EQ(t.fields().size(), 3u);
  EXPECT_EQ(t.fields()[1].size(), 8u);
}

TEST(StructAbiLayout, PackedStructsHaveNoPadding) {
  Layout t = Packed({S(I8), S(I32), S(I16)});
  EXPECT_EQ(t.offsets(), (std::vector<uint64_t>{0, 1, 5}));
  EXPECT_EQ(t.size(), 7u);
  EXPECT_EQ(t.align(), 1u);
  EXPECT_TRUE(t.packed());
  // A packed struct inside an ordinary one is aligned to 1.
  Layout outer = R({S(I8), t, S(I16)});
  EXPECT_EQ(outer.offsets(), (std::vector<uint64_t>{0, 1, 8}));
  EXPECT_EQ(outer.size(), 10u);
}

TEST(StructAbiLayout, AStructWithoutFieldsIsAnInternalError) {
  EXPECT_THROW(R({}), std::logic_error);
  EXPECT_THROW(R({S(I8)}).scalar_kind(), std::logic_error);
}

// ---- classification ---------------------------------------------------------------------------

TEST(StructAbiClassify, ClassicExamples) {
  const Eightbytes sse_sse{Class::Sse, Class::Sse};
  const Eightbytes sse{Class::Sse, Class::NoClass};
  const Eightbytes integer{Class::Integer, Class::NoClass};
  const Eightbytes memory{Class::Memory, Class::Memory};
  EXPECT_EQ(classify(R({S(F64), S(F64)})), sse_sse);
  EXPECT_EQ(classify(R({S(F32), S(F32)})), sse);
  EXPECT_EQ(classify(Repeat(F32, 3)), sse_sse);
  EXPECT_EQ(classify(R({S(I8), S(F64)})), (Eightbytes{Class::Integer, Class::Sse}));
  EXPECT_EQ(classify(Repeat(I64, 3)), memory);
  EXPECT_EQ(classify(R({S(F32), S(I32)})), integer);  // float + int in one eightbyte
  EXPECT_EQ(classify(R({S(F64), S(I32)})), (Eightbytes{Class::Sse, Class::Integer}));
  EXPECT_EQ(classify(R({S(Bool), S(Bool)})), integer);
  EXPECT_EQ(classify(R({S(Ptr)})), integer);
  EXPECT_EQ(classify(S(F32)), sse);
  EXPECT_EQ(classify(S(Ptr)), integer);
  // Nested structs classify by where their fields fall in the outer one.
  EXPECT_EQ(classify(R({R({S(F32)}), R({S(F32)}), S(F64)})), sse_sse);
  EXPECT_EQ(classify(R({R({S(F32)}), R({S(F32), S(F64)})})), memory);  // 24 bytes
  EXPECT_EQ(classify(R({S(F64), R({S(F32), S(I8)})})), (Eightbytes{Class::Sse, Class::Integer}));
  EXPECT_EQ(classify(R({S(I32), R({S(F32), S(F32)})})), (Eightbytes{Class::Integer, Class::Sse}));
  // Over two eightbytes: memory, even when all SSE.
  EXPECT_EQ(classify(Repeat(F32, 5)), memory);
  EXPECT_EQ(classify(R({R({S(F64), S(F64)}), S(F32)})), memory);
  // Exactly 16 bytes is still registers.
  EXPECT_EQ(classify(Repeat(I8, 16)), (Eightbytes{Class::Integer, Class::Integer}));
  EXPECT_EQ(classify(Repeat(I8, 17)), memory);
}

TEST(StructAbiClassify, UnalignedFieldsAreMemory) {
  EXPECT_EQ(classify(Packed({S(I8), S(I32)})).lo, Class::Memory);
  EXPECT_EQ(classify(Packed({S(I8), S(F32)})).lo, Class::Memory);
  // A packed struct with every field aligned anyway classifies as usual.
  EXPECT_EQ(classify(Packed({S(I32), S(I32)})), (Eightbytes{Class::Integer, Class::NoClass}));
  EXPECT_EQ(classify(Packed({S(F64), S(I32)})), (Eightbytes{Class::Sse, Class::Integer}));
  // A field of an ordinary struct nested at an odd offset of a packed one.
  EXPECT_EQ(classify(Packed({S(I8), R({S(I16)})})).lo, Class::Memory);
  EXPECT_EQ(classify(Packed({S(I8), R({S(I8), S(I8)})})), (Eightbytes{Class::Integer, Class::NoClass}));
}

// ---- one argument with every register free ------------------------------------------------------

TEST(StructAbiArgument, ClassicExamples) {
  struct Case {
    std::string name;
    Layout t;
    Passing want;
  };
  const std::vector<Case> cases = {
      {"{double x, y}", R({S(F64), S(F64)}), direct({Dbl(0), Dbl(8)}, 0, 2)},
      {"{float x, y}", R({S(F32), S(F32)}), direct({Flt2(0)}, 0, 1)},
      {"{float, float, float}", Repeat(F32, 3), direct({Flt2(0), Flt(8)}, 0, 2)},
      {"{float}", R({S(F32)}), direct({Flt(0)}, 0, 1)},
      {"{int8_t, double}", R({S(I8), S(F64)}), direct({Int(8, 0), Dbl(8)}, 1, 1)},
      {"{int64_t x3}", Repeat(I64, 3), byval(8)},
      {"{float, int32_t}", R({S(F32), S(I32)}), direct({Int(64)}, 1, 0)},
      {"{int32_t, float, float}", R({S(I32), S(F32), S(F32)}), direct({Int(64), Flt(8)}, 1, 1)},
      {"{double, int32_t}", R({S(F64), S(I32)}), direct({Dbl(0), Int(32, 8)}, 1, 1)},
      {"{int32_t x3}", Repeat(I32, 3), direct({Int(64), Int(32, 8)}, 2, 0)},
      {"{float, double}", R({S(F32), S(F64)}), direct({Flt(0), Dbl(8)}, 0, 2)},
      {"{int32_t, int64_t}", R({S(I32), S(I64)}), direct({Int(32), Int(64, 8)}, 2, 0)},
      {"{double, float, float}", R({S(F64), S(F32), S(F32)}), direct({Dbl(0), Flt2(8)}, 0, 2)},
      {"{void*, int32_t}", R({S(Ptr), S(I32)}), direct({Ptr_(0), Int(32, 8)}, 2, 0)},
      {"{void*}", R({S(Ptr)}), direct({Ptr_(0)}, 1, 0)},
      {"{int64_t, void*}", R({S(I64), S(Ptr)}), direct({Int(64), Ptr_(8)}, 2, 0)},
      {"{char, bool}", R({S(I8), S(Bool)}), direct({Int(16)}, 1, 0)},
      {"{bool}", R({S(Bool)}), direct({Int(8)}, 1, 0)},
      {"{int16_t}", R({S(I16)}), direct({Int(16)}, 1, 0)},
      {"{{int32_t}}", R({R({S(I32)})}), direct({Int(32)}, 1, 0)},
      {"{double, {int32_t}}", R({S(F64), R({S(I32)})}), direct({Dbl(0), Int(32, 8)}, 1, 1)},
      {"{int32_t, {int32_t, int32_t}}", R({S(I32), R({S(I32), S(I32)})}), direct({Int(64), Int(32, 8)}, 2, 0)},
      {"{float, {float}, double}", R({S(F32), R({S(F32)}), S(F64)}), direct({Flt2(0), Dbl(8)}, 0, 2)},
      {"packed {int8_t, int32_t}", Packed({S(I8), S(I32)}), byval(8)},
      {"packed {double, int32_t}", Packed({S(F64), S(I32)}), direct({Dbl(0), Int(32, 8)}, 1, 1)},
      {"packed {int16_t, int8_t}", Packed({S(I16), S(I8)}), direct({Int(24)}, 1, 0)},
  };
  for (const Case& c : cases) EXPECT_EQ(text(first_arg(c.t)), text(c.want)) << c.name;
}

TEST(StructAbiArgument, StructsOfOneToThirtyTwoBytes) {
  for (size_t n = 1; n <= 32; ++n) {
    Passing got = first_arg(Repeat(U8, n));
    if (n <= 8) {
      EXPECT_EQ(text(got), text(direct({Int(static_cast<unsigned>(n * 8))}, 1, 0))) << n;
    } else if (n <= 16) {
      EXPECT_EQ(text(got), text(direct({Int(64), Int(static_cast<unsigned>((n - 8) * 8), 8)}, 2, 0))) << n;
    } else {
      EXPECT_EQ(text(got), text(byval(8))) << n;
    }
  }
  // Wider fields: an i16 per two bytes, rounded as C rounds the size.
  EXPECT_EQ(text(first_arg(Repeat(I16, 3))), text(direct({Int(48)}, 1, 0)));
  EXPECT_EQ(text(first_arg(Repeat(I16, 7))), text(direct({Int(64), Int(48, 8)}, 2, 0)));
}

TEST(StructAbiArgument, ScalarsAreExtendedBelowInt) {
  EXPECT_EQ(first_arg(S(I8)).extension, Extension::Sign);
  EXPECT_EQ(first_arg(S(I16)).extension, Extension::Sign);
  EXPECT_EQ(first_arg(S(U8)).extension, Extension::Zero);
  EXPECT_EQ(first_arg(S(U16)).extension, Extension::Zero);
  EXPECT_EQ(first_arg(S(Bool)).extension, Extension::Zero);
  EXPECT_EQ(text(first_arg(S(Bool))), text(direct({Int(1)}, 1, 0)));
  EXPECT_EQ(first_arg(S(I32)).extension, Extension::None);
  EXPECT_EQ(first_arg(S(U64)).extension, Extension::None);
  EXPECT_EQ(text(first_arg(S(F64))), text(direct({Dbl()}, 0, 1)));
  EXPECT_EQ(text(first_arg(S(Ptr))), text(direct({Ptr_()}, 1, 0)));
  // Structs of one narrow integer are not extended.
  EXPECT_EQ(first_arg(R({S(I8)})).extension, Extension::None);
}

// ---- results ----------------------------------------------------------------------------------

TEST(StructAbiReturn, SmallStructsComeBackInRegisters) {
  EXPECT_EQ(text(classify_return(R({S(F64), S(F64)}))), text(direct({Dbl(0), Dbl(8)}, 0, 0)));
  EXPECT_EQ(text(classify_return(R({S(F32), S(F32)}))), text(direct({Flt2(0)}, 0, 0)));
  EXPECT_EQ(text(classify_return(R({S(I64), S(F64)}))), text(direct({Int(64), Dbl(8)}, 0, 0)));
  EXPECT_EQ(text(classify_return(Repeat(I8, 3))), text(direct({Int(24)}, 0, 0)));
  EXPECT_EQ(classify_return(S(I16)).extension, Extension::Sign);
  EXPECT_EQ(classify_return(S(Bool)).extension, Extension::Zero);
  EXPECT_EQ(classify_return(std::nullopt).kind, Passing::Kind::Void);
}

TEST(StructAbiReturn, LargeOrUnalignedStructsAreSret) {
  EXPECT_EQ(text(classify_return(Repeat(I64, 3))), text(sret(8)));
  EXPECT_EQ(text(classify_return(Repeat(F32, 5))), text(sret(4)));
  EXPECT_EQ(text(classify_return(Repeat(I8, 17))), text(sret(1)));
  // sret keeps the struct's own alignment (byval is at least 8).
  EXPECT_EQ(text(classify_return(Packed({S(I8), S(I32)}))), text(sret(1)));
  EXPECT_EQ(text(first_arg(Packed({S(I8), S(I32)}))), text(byval(8)));
}

// ---- whole signatures: the register budget ------------------------------------------------------

std::vector<Layout> repeat_layout(const Layout& t, size_t n) { return std::vector<Layout>(n, t); }

TEST(StructAbiSignature, AStructThatDoesNotFitGoesOnTheStackAndLaterOnesMayStillFit) {
  // Five i64 leave one INTEGER register: {i64, i64} needs two, so it goes
  // byval and the i64 after it still takes the last register.
  std::vector<Layout> params = repeat_layout(S(I64), 5);
  params.push_back(Repeat(I64, 2));
  params.push_back(S(I64));
  params.push_back(S(I64));
  SignatureAbi abi = classify_signature(params, std::nullopt);
  EXPECT_EQ(text(abi.params[5]), text(byval(8)));
  EXPECT_EQ(abi.params[6].int_regs, 1u);
  EXPECT_EQ(abi.params[7].int_regs, 0u);  // on the stack
}

TEST(StructAbiSignature, WithNoIntegerRegisterLeftSmallStructsBecomeIntegers) {
  // Six i64 take every INTEGER register; structs of up to eight bytes then
  // travel as an integer of their size, larger ones byval.
  std::vector<Layout> params = repeat_layout(S(I64), 6);
  params.push_back(R({S(I32)}));
  params.push_back(Repeat(I8, 3));
  params.push_back(R({S(I8), S(F64)}));
  params.push_back(Packed({S(I8), S(I32)}));  // memory class, 5 bytes
  // SSE registers are still free: two floats need only one of them.
  params.push_back(R({S(F32), S(F32)}));
  SignatureAbi abi = classify_signature(params, std::nullopt);
  EXPECT_EQ(text(abi.params[6]), text(direct({Int(32)}, 0, 0)));
  EXPECT_EQ(text(abi.params[7]), text(direct({Int(24)}, 0, 0)));
  EXPECT_EQ(text(abi.params[8]), text(byval(8)));
  EXPECT_EQ(text(abi.params[9]), text(direct({Int(40)}, 0, 0)));
  EXPECT_EQ(text(abi.params[10]), text(direct({Flt2(0)}, 0, 1)));
}

TEST(StructAbiSignature, WithNoSseRegisterLeftFloatStructsGoOnTheStack) {
  std::vector<Layout> params = repeat_layout(S(F64), 8);
  params.push_back(R({S(F32), S(F32)}));  // INTEGER registers free: byval
  params.push_back(R({S(I64), S(F64)}));  // needs one of each: byval
  params.push_back(R({S(I64)}));          // fits
  SignatureAbi abi = classify_signature(params, std::nullopt);
  EXPECT_EQ(text(abi.params[8]), text(byval(8)));
  EXPECT_EQ(text(abi.params[9]), text(byval(8)));
  EXPECT_EQ(text(abi.params[10]), text(direct({Int(64)}, 1, 0)));

  // With neither kind left, the float pair becomes an i64 on the stack.
  params = repeat_layout(S(F64), 8);
  for (int i = 0; i < 6; ++i) params.push_back(S(Ptr));
  params.push_back(R({S(F32), S(F32)}));
  params.push_back(S(F64));
  abi = classify_signature(params, std::nullopt);
  EXPECT_EQ(text(abi.params[14]), text(direct({Int(64)}, 0, 0)));
  EXPECT_EQ(text(abi.params[15]), text(direct({Dbl()}, 0, 0)));
}

TEST(StructAbiSignature, AnSretResultTakesTheFirstIntegerRegister) {
  std::vector<Layout> params = repeat_layout(R({S(I64)}), 6);
  SignatureAbi abi = classify_signature(params, Repeat(I64, 3));
  EXPECT_EQ(text(abi.ret), text(sret(8)));
  for (size_t k = 0; k < 5; ++k) EXPECT_EQ(text(abi.params[k]), text(direct({Int(64)}, 1, 0))) << k;
  EXPECT_EQ(text(abi.params[5]), text(direct({Int(64)}, 0, 0)));  // no register: an i64 on the stack

  // A direct struct result takes no argument register.
  abi = classify_signature(params, R({S(I64), S(I64)}));
  for (size_t k = 0; k < 6; ++k) EXPECT_EQ(abi.params[k].int_regs, 1u) << k;
}

TEST(StructAbiSignature, AStructSplitAcrossKindsNeedsBoth) {
  // Five i64 and {i64, i64}: byval; then {double, i32} needs one INTEGER
  // (free) and one SSE (free): registers.
  std::vector<Layout> params = repeat_layout(S(I64), 5);
  params.push_back(Repeat(I64, 2));
  params.push_back(R({S(F64), S(I32)}));
  params.push_back(R({S(F64), S(I32)}));
  SignatureAbi abi = classify_signature(params, std::nullopt);
  EXPECT_EQ(text(abi.params[5]), text(byval(8)));
  EXPECT_EQ(text(abi.params[6]), text(direct({Dbl(0), Int(32, 8)}, 1, 1)));
  // No INTEGER register is left for the second, and it is over 8 bytes.
  EXPECT_EQ(text(abi.params[7]), text(byval(8)));
}

// ---- LLVM types -------------------------------------------------------------------------------

TEST(StructAbiLlvm, MemoryTypesAreClangs) {
  llvm::LLVMContext ctx;
  EXPECT_EQ(type_text(memory_type(ctx, R({S(I8), S(I32)}))), "{ i8, i32 }");
  EXPECT_EQ(type_text(memory_type(ctx, R({S(Bool), S(Ptr), S(F32), S(F64)}))), "{ i8, ptr, float, double }");
  EXPECT_EQ(type_text(memory_type(ctx, R({S(U16), R({S(I64)})}))), "{ i16, { i64 } }");
  EXPECT_EQ(type_text(memory_type(ctx, Packed({S(I8), S(I32)}))), "<{ i8, i32 }>");
  EXPECT_EQ(type_text(memory_type(ctx, Packed({S(F64), S(I32)}))), "<{ double, i32 }>");
  // Aligned anyway: Clang's type is not packed.
  EXPECT_EQ(type_text(memory_type(ctx, Packed({S(I32), S(I32)}))), "{ i32, i32 }");
  // A packed struct more aligned in LLVM than in C packs its container,
  // which then needs explicit padding where C has it.
  EXPECT_EQ(type_text(memory_type(ctx, R({Packed({S(I32), S(I32)}), S(I8), S(I16), S(I8)}))),
            "<{ { i32, i32 }, i8, i8, i16, i8, i8 }>");
  EXPECT_EQ(type_text(memory_type(ctx, R({S(I8), S(I32), S(I8), Packed({S(I32), S(I32)})}))),
            "<{ i8, [3 x i8], i32, i8, { i32, i32 }, [3 x i8] }>");
  EXPECT_EQ(type_text(memory_type(ctx, R({Packed({S(I32), S(I32)}), S(I8), S(I64)}))), "{ { i32, i32 }, i8, i64 }");
  EXPECT_EQ(type_text(memory_type(ctx, S(Bool))), "i8");
}

// The text of LLVM parameter (or, with `index` = ReturnIndex, result)
// attributes this library sets, in a fixed order.
std::string attribute_text(const llvm::AttributeList& attrs, unsigned index) {
  llvm::AttributeSet set = attrs.getAttributes(index);
  std::string s;
  if (set.hasAttribute(llvm::Attribute::SExt)) s += " signext";
  if (set.hasAttribute(llvm::Attribute::ZExt)) s += " zeroext";
  if (set.hasAttribute(llvm::Attribute::NoAlias)) s += " noalias";
  if (llvm::Type* t = set.getStructRetType()) s += " sret(" + type_text(t) + ")";
  if (llvm::Type* t = set.getByValType()) s += " byval(" + type_text(t) + ")";
  if (llvm::MaybeAlign a = set.getAlignment()) s += " align " + std::to_string(a->value());
  if (llvm::MaybeAlign a = set.getStackAlignment()) s += " alignstack(" + std::to_string(a->value()) + ")";
  return s;
}

// A lowered signature as `ret(param, ...)` with attributes, in the form
// the Clang side of the differential test is normalised to.
std::string signature_text(const LoweredSignature& sig) {
  std::string s = attribute_text(sig.attributes, llvm::AttributeList::ReturnIndex);
  if (!s.empty()) s = s.substr(1) + " ";
  s += type_text(sig.type->getReturnType()) + "(";
  for (unsigned i = 0; i < sig.type->getNumParams(); ++i) {
    if (i > 0) s += ", ";
    s += type_text(sig.type->getParamType(i)) + attribute_text(sig.attributes, llvm::AttributeList::FirstArgIndex + i);
  }
  if (sig.type->isVarArg()) s += sig.type->getNumParams() > 0 ? ", ..." : "...";
  return s + ")";
}

TEST(StructAbiLlvm, FunctionTypesAndAttributes) {
  llvm::LLVMContext ctx;
  Layout db = R({S(F64), S(I32)});
  LoweredSignature sig = lower_signature(ctx, {db, S(I64), db}, db);
  EXPECT_EQ(signature_text(sig), "{ double, i32 }(double, i32, i64, double, i32)");
  EXPECT_EQ(sig.first_ir_arg, (std::vector<unsigned>{0, 2, 3}));

  Layout big = Repeat(I64, 3);
  sig = lower_signature(ctx, {big, S(I64), big}, big);
  EXPECT_EQ(signature_text(sig),
            "void(ptr noalias sret({ i64, i64, i64 }) align 8, ptr byval({ i64, i64, i64 }) align 8, i64, "
            "ptr byval({ i64, i64, i64 }) align 8)");
  EXPECT_EQ(sig.first_ir_arg, (std::vector<unsigned>{1, 2, 3}));

  sig = lower_signature(ctx, {S(Bool), S(I8), S(U16), S(F32)}, S(Bool));
  EXPECT_EQ(signature_text(sig), "zeroext i1(i1 zeroext, i8 signext, i16 zeroext, float)");

  sig = lower_signature(ctx, {R({S(F32), S(F32)})}, std::nullopt);
  EXPECT_EQ(signature_text(sig), "void(<2 x float>)");
}

// ---- emitted code -------------------------------------------------------------------------------

// A module with `void caller(ptr src, ptr dst)` calling extern `callee` of
// signature `sig` with the struct at `src` for each struct parameter (and
// zero for scalars), storing a struct result at `dst`.
struct CallerModule {
  llvm::LLVMContext ctx;
  llvm::Module mod{"abi", ctx};
  llvm::Function* caller = nullptr;
  llvm::CallInst* call = nullptr;

  CallerModule(std::vector<Layout> params, std::optional<Layout> ret, llvm::Align src_align) {
    LoweredSignature sig = lower_signature(ctx, std::move(params), std::move(ret));
    llvm::Function* callee = llvm::Function::Create(sig.type, llvm::Function::ExternalLinkage, "callee", mod);
    callee->setAttributes(sig.attributes);
    llvm::Type* ptr = llvm::PointerType::get(ctx, 0);
    caller = llvm::Function::Create(llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr, ptr}, false),
                                    llvm::Function::ExternalLinkage, "caller", mod);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", caller));
    std::vector<CallArg> args;
    for (size_t k = 0; k < sig.params.size(); ++k) {
      if (sig.params[k].is_record()) args.push_back(CallArg{caller->getArg(0), src_align});
      else args.push_back(CallArg{llvm::Constant::getNullValue(sig.type->getParamType(sig.first_ir_arg[k])), llvm::Align(1)});
    }
    std::optional<ResultSlot> slot;
    if (sig.ret && sig.ret->is_record()) slot = ResultSlot{caller->getArg(1), llvm::Align(sig.ret->align())};
    call = emit_call(b, llvm::FunctionCallee(sig.type, callee), sig, args, slot);
    b.CreateRetVoid();
  }

  std::string verify() {
    std::string report;
    llvm::raw_string_ostream os(report);
    if (llvm::verifyModule(mod, &os)) {
      os << "\n";
      mod.print(os, nullptr);
    }
    return report;
  }

  // Every instruction of `caller` of type T.
  template <typename T>
  std::vector<T*> all() {
    std::vector<T*> out;
    for (llvm::Instruction& i : llvm::instructions(*caller))
      if (auto* x = llvm::dyn_cast<T>(&i)) out.push_back(x);
    return out;
  }
};

// The constant byte offset of address `p` from `base` (0 for `base`).
std::optional<int64_t> offset_from(llvm::Value* p, llvm::Value* base) {
  if (p == base) return 0;
  auto* gep = llvm::dyn_cast<llvm::GetElementPtrInst>(p);
  if (gep == nullptr || gep->getPointerOperand() != base || gep->getNumIndices() != 1) return std::nullopt;
  auto* c = llvm::dyn_cast<llvm::ConstantInt>(gep->getOperand(1));
  if (c == nullptr || !gep->getSourceElementType()->isIntegerTy(8)) return std::nullopt;
  return c->getSExtValue();
}

TEST(StructAbiEmit, DirectPiecesAreLoadedAndStoredAtTheirOffsets) {
  Layout t = R({S(F64), S(I32)});
  CallerModule m({t}, t, llvm::Align(8));
  EXPECT_EQ(m.verify(), "");
  std::vector<llvm::LoadInst*> loads = m.all<llvm::LoadInst>();
  ASSERT_EQ(loads.size(), 2u);
  EXPECT_EQ(type_text(loads[0]->getType()), "double");
  EXPECT_EQ(offset_from(loads[0]->getPointerOperand(), m.caller->getArg(0)), 0);
  EXPECT_EQ(type_text(loads[1]->getType()), "i32");
  EXPECT_EQ(offset_from(loads[1]->getPointerOperand(), m.caller->getArg(0)), 8);
  EXPECT_EQ(loads[1]->getAlign().value(), 8u);
  EXPECT_EQ(m.call->getArgOperand(0), loads[0]);
  EXPECT_EQ(m.call->getArgOperand(1), loads[1]);
  std::vector<llvm::StoreInst*> stores = m.all<llvm::StoreInst>();
  ASSERT_EQ(stores.size(), 2u);
  EXPECT_EQ(offset_from(stores[0]->getPointerOperand(), m.caller->getArg(1)), 0);
  EXPECT_EQ(offset_from(stores[1]->getPointerOperand(), m.caller->getArg(1)), 8);
  EXPECT_EQ(type_text(stores[1]->getValueOperand()->getType()), "i32");
}

TEST(StructAbiEmit, ByvalPassesTheStructsOwnMemoryWhenAlignedEnough) {
  Layout big = Repeat(I64, 3);
  CallerModule m({big}, std::nullopt, llvm::Align(8));
  EXPECT_EQ(m.verify(), "");
  EXPECT_EQ(m.call->getArgOperand(0), m.caller->getArg(0));
  EXPECT_TRUE(m.all<llvm::AllocaInst>().empty());
}

TEST(StructAbiEmit, ByvalCopiesALessAlignedStructToAnAlignedSlot) {
  Layout packed = Packed({S(I8), S(I32)});
  CallerModule m({packed}, std::nullopt, llvm::Align(1));
  EXPECT_EQ(m.verify(), "");
  std::vector<llvm::AllocaInst*> slots = m.all<llvm::AllocaInst>();
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots[0]->getAlign().value(), 8u);
  EXPECT_EQ(slots[0]->getParent(), &m.caller->getEntryBlock());
  EXPECT_EQ(m.call->getArgOperand(0), slots[0]);
  auto copies = m.all<llvm::MemCpyInst>();
  ASSERT_EQ(copies.size(), 1u);
  EXPECT_EQ(llvm::cast<llvm::ConstantInt>(copies[0]->getLength())->getZExtValue(), 5u);
}

TEST(StructAbiEmit, SretGoesThroughASlotOfItsOwn) {
  Layout big = Repeat(I64, 3);
  CallerModule m({big}, big, llvm::Align(8));
  EXPECT_EQ(m.verify(), "");
  std::vector<llvm::AllocaInst*> slots = m.all<llvm::AllocaInst>();
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(m.call->getArgOperand(0), slots[0]);
  EXPECT_EQ(m.call->getArgOperand(1), m.caller->getArg(0));
  auto copies = m.all<llvm::MemCpyInst>();
  ASSERT_EQ(copies.size(), 1u);
  EXPECT_EQ(copies[0]->getDest(), m.caller->getArg(1));
  EXPECT_EQ(copies[0]->getSource(), slots[0]);
}

TEST(StructAbiEmit, AStructResultNeedsASlot) {
  llvm::LLVMContext ctx;
  llvm::Module mod("abi", ctx);
  Layout t = R({S(I32)});
  LoweredSignature sig = lower_signature(ctx, {}, t);
  llvm::Function* callee = llvm::Function::Create(sig.type, llvm::Function::ExternalLinkage, "callee", mod);
  llvm::Function* caller = llvm::Function::Create(llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), false),
                                                  llvm::Function::ExternalLinkage, "caller", mod);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", caller));
  EXPECT_THROW(emit_call(b, llvm::FunctionCallee(sig.type, callee), sig, {}, std::nullopt), std::logic_error);
}

// ---- against clang-19 -------------------------------------------------------------------------------

// clang-19 on PATH, if any.
std::optional<std::string> find_clang() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  std::stringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    fs::path candidate = fs::path(dir) / "clang-19";
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return std::nullopt;
}

// Environment variable `name` as a number, or `fallback`.
uint64_t env_number(const char* name, uint64_t fallback) {
  const char* env = std::getenv(name);
  if (env == nullptr || *env == '\0') return fallback;
  return std::strtoull(env, nullptr, 10);
}

// The number of random cases: HAKO_ABI_CASES, or 200.
size_t case_count() { return static_cast<size_t>(env_number("HAKO_ABI_CASES", 200)); }

// The seed of the random cases: HAKO_ABI_SEED, or a fixed one.
uint64_t case_seed() { return env_number("HAKO_ABI_SEED", 20240610); }

// Runs shell command `cmd`; its standard output (and error), and whether
// it exited with status 0.
std::pair<std::string, bool> run(const std::string& cmd) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return {"popen failed", false};
  std::string out;
  char buf[65536];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  int status = pclose(p);
  return {out, status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0};
}

// A directory of its own for one test's files, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(test.begin(), test.end(), '/', '_');
    path = fs::temp_directory_path() / ("hako_struct_abi_" + std::to_string(getpid()) + "_" + test);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// The C spelling of a scalar.
const char* c_scalar(Scalar s) {
  switch (s) {
    case I8: return "int8_t";
    case I16: return "int16_t";
    case I32: return "int32_t";
    case I64: return "int64_t";
    case U8: return "uint8_t";
    case U16: return "uint16_t";
    case U32: return "uint32_t";
    case U64: return "uint64_t";
    case F32: return "float";
    case F64: return "double";
    case Bool: return "bool";
    case Ptr: return "void*";
  }
  return "?";
}

// A C type and its spelling.
struct CType {
  Layout layout;
  std::string c;
};

// The C definitions of the structs of the generated cases, each struct
// named T<n> so that Clang's %struct.T<n> names it.
class CStructs {
 public:
  // `t` with its C spelling, defining it (and the structs it nests).
  CType declare(const Layout& t) {
    if (!t.is_record()) return CType{t, c_scalar(t.scalar_kind())};
    std::string body;
    for (size_t i = 0; i < t.fields().size(); ++i)
      body += "  " + declare(t.fields()[i]).c + " f" + std::to_string(i) + ";\n";
    std::string name = "struct T" + std::to_string(next_++);
    defs_ += name + " {\n" + body + "}" + (t.packed() ? " __attribute__((packed))" : "") + ";\n";
    return CType{t, name};
  }
  const std::string& definitions() const { return defs_; }

 private:
  int next_ = 0;
  std::string defs_;
};

// Seeded random layouts: mostly small structs (the interesting ones),
// some all-float or all-narrow-integer, a few packed or nested.
class LayoutGen {
 public:
  explicit LayoutGen(uint64_t seed) : rng_(seed) {}

  uint64_t pick(uint64_t n) { return rng_() % n; }

  Scalar scalar(int flavor) {
    static const Scalar any[] = {I8, I16, I32, I64, U8, U16, U32, U64, F32, F64, Bool, Ptr};
    static const Scalar floats[] = {F32, F32, F64};
    static const Scalar narrow[] = {I8, U8, Bool, I16, U16, I32};
    switch (flavor) {
      case 1: return floats[pick(3)];
      case 2: return narrow[pick(6)];
      case 3: return pick(2) == 0 ? F32 : narrow[pick(6)];
      default: return any[pick(12)];
    }
  }

  // Flavor 5: every scalar of one float type, nested structs too (AAPCS64
  // HFAs while there are at most four of them).
  Layout record(int depth = 0, std::optional<Scalar> homogeneous = std::nullopt) {
    int flavor = static_cast<int>(pick(6));  // 0 and 4: any scalar
    if (depth == 0 && flavor == 5) homogeneous = pick(2) == 0 ? F32 : F64;
    size_t n = 1 + pick(pick(4) == 0 ? 8 : 4);
    std::vector<Layout> fields;
    for (size_t i = 0; i < n; ++i) {
      if (depth < 2 && pick(6) == 0) fields.push_back(record(depth + 1, homogeneous));
      else fields.push_back(S(homogeneous ? *homogeneous : scalar(flavor == 5 ? 0 : flavor)));
    }
    return Layout::record(std::move(fields), pick(10) == 0);
  }

 private:
  std::mt19937_64 rng_;
};

// A generated C function.
struct CFunction {
  std::string name;
  std::vector<CType> params;
  std::optional<CType> ret;
  bool variadic = false;  // `...` after the (at least one) parameters

  std::string prototype() const {
    std::string s = (ret ? ret->c : "void") + " " + name + "(";
    for (size_t k = 0; k < params.size(); ++k) s += (k ? ", " : "") + params[k].c + " p" + std::to_string(k);
    if (variadic) s += ", ...";
    return s + (params.empty() ? "void)" : ")");
  }
  std::vector<Layout> param_layouts() const {
    std::vector<Layout> out;
    for (const CType& p : params) out.push_back(p.layout);
    return out;
  }
  std::optional<Layout> ret_layout() const { return ret ? std::optional<Layout>(ret->layout) : std::nullopt; }
};

// The generated cases: for struct S<n>, `S f<n>(S, int64_t, S)`, a random
// signature g<n> over the structs so far and scalars, h<n> passing eight S
// after integer and float arguments that use up registers, and, every
// fourth struct, a variadic v<n>(S, int32_t, ...) returning S.
struct Cases {
  CStructs structs;
  std::vector<CFunction> functions;
};

// `count` random cases from `seed`, after the fixed ones.
Cases generate_cases(size_t count, uint64_t seed) {
  Cases out;
  LayoutGen gen(seed);
  std::vector<CType> pool;
  // The unit cases above as well, first.
  const std::vector<Layout> fixed = {
      R({S(F64), S(F64)}), R({S(F32), S(F32)}), Repeat(F32, 3), R({S(I8), S(F64)}), Repeat(I64, 3),
      R({S(F32), S(I32)}), R({S(F64), S(I32)}), R({S(F32), S(F64)}), R({S(Ptr), S(I32)}), R({S(I8), S(Bool)}),
      Packed({S(I8), S(I32)}), Packed({S(F64), S(I32)}), Packed({S(I16), S(I8)}),
      R({Packed({S(I32), S(I32)}), S(I8), S(I16), S(I8)}), R({S(I8), S(I32), S(I8), Packed({S(I32), S(I32)})}),
      R({Packed({S(I32), S(I32)}), S(I8), S(I64)}), R({S(I32), R({S(F32), S(F32)})}),
      Repeat(U8, 1), Repeat(U8, 7), Repeat(U8, 9), Repeat(U8, 15), Repeat(U8, 16), Repeat(U8, 17), Repeat(U8, 32),
      // Win64's sizes and AAPCS64's HFAs and rounding to doublewords.
      Repeat(U8, 2), Repeat(U8, 3), Repeat(U8, 4), Repeat(U8, 5), Repeat(U8, 12), Repeat(I16, 3), Repeat(I64, 8),
      Repeat(F32, 1), Repeat(F64, 1), Repeat(F32, 4), Repeat(F64, 4), Repeat(F32, 5), Repeat(F64, 5),
      R({R({S(F32), S(F32)}), R({S(F32), S(F32)})}), R({S(F64), R({S(F64), R({S(F64)})})}),
      R({R({S(F32), S(F32)}), R({S(F32), S(F32)}), S(F32)}), Packed({S(F32), S(F32)}), R({S(F32), S(F64)}),
      R({S(F64), S(F32)}), R({S(F32), S(I32)})};
  auto scalar_type = [&](Scalar s) { return CType{S(s), c_scalar(s)}; };
  for (size_t n = 0; n < fixed.size() + count; ++n) {
    CType s = out.structs.declare(n < fixed.size() ? fixed[n] : gen.record());
    pool.push_back(s);
    std::string id = std::to_string(n);
    out.functions.push_back(CFunction{"f" + id, {s, scalar_type(I64), s}, s});

    CFunction g{"g" + id, {}, std::nullopt};
    size_t arity = gen.pick(13);
    for (size_t k = 0; k < arity; ++k) {
      if (gen.pick(5) < 2) g.params.push_back(scalar_type(gen.scalar(0)));
      else g.params.push_back(pool[pool.size() - 1 - gen.pick(std::min<size_t>(pool.size(), 8))]);
    }
    switch (gen.pick(4)) {
      case 0: break;
      case 1: g.ret = scalar_type(gen.scalar(0)); break;
      default: g.ret = pool[pool.size() - 1 - gen.pick(std::min<size_t>(pool.size(), 4))];
    }
    out.functions.push_back(g);

    CFunction h{"h" + id, {}, s};
    size_t ints = gen.pick(6), floats = gen.pick(8);
    for (size_t k = 0; k < ints; ++k) h.params.push_back(scalar_type(I64));
    for (size_t k = 0; k < floats; ++k) h.params.push_back(scalar_type(F64));
    for (int k = 0; k < 8; ++k) h.params.push_back(s);
    h.params.push_back(scalar_type(I32));
    h.params.push_back(scalar_type(F32));
    out.functions.push_back(h);

    if (n % 4 == 0) out.functions.push_back(CFunction{"v" + id, {s, scalar_type(I32)}, s, true});
  }
  return out;
}

// Splits `s` at each `sep` outside brackets ((), {}, <>, []).
std::vector<std::string> split_top(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char ch : s) {
    if (ch == '(' || ch == '{' || ch == '<' || ch == '[') ++depth;
    if (ch == ')' || ch == '}' || ch == '>' || ch == ']') --depth;
    if (ch == sep && depth == 0) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  out.push_back(cur);
  return out;
}

// The words of `s` (bracketed text is one word).
std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  for (const std::string& w : split_top(s, ' '))
    if (!w.empty()) out.push_back(w);
  return out;
}

// Clang's named struct types, to spell byval/sret types as literal ones.
class NamedTypes {
 public:
  explicit NamedTypes(const std::string& ir) {
    std::stringstream lines(ir);
    for (std::string line; std::getline(lines, line);) {
      size_t eq = line.find(" = type ");
      if (line.rfind("%struct.", 0) == 0 && eq != std::string::npos)
        bodies_[line.substr(0, eq)] = line.substr(eq + 8);
    }
  }

  // `type` with every %struct.X replaced by its body.
  std::string expand(const std::string& type) const {
    std::string out;
    for (size_t i = 0; i < type.size();) {
      if (type.compare(i, 8, "%struct.") == 0) {
        size_t j = i + 8;
        while (j < type.size() && (std::isalnum(static_cast<unsigned char>(type[j])) || type[j] == '_')) ++j;
        auto it = bodies_.find(type.substr(i, j - i));
        out += it == bodies_.end() ? "<unknown " + type.substr(i, j - i) + ">" : expand(it->second);
        i = j;
      } else {
        out += type[i++];
      }
    }
    return out;
  }

 private:
  std::map<std::string, std::string> bodies_;
};

// The attributes of one Clang parameter or result that this library
// models, in attribute_text's order.
std::string clang_attributes(const std::vector<std::string>& ws, size_t from, size_t to, const NamedTypes& named) {
  std::string ext, noalias, sret, byval, align, alignstack;
  for (size_t i = from; i < to; ++i) {
    const std::string& w = ws[i];
    if (w == "signext" || w == "zeroext") ext = " " + w;
    else if (w == "noalias") noalias = " noalias";
    else if (w.rfind("sret(", 0) == 0) sret = " sret(" + named.expand(w.substr(5, w.size() - 6)) + ")";
    else if (w.rfind("byval(", 0) == 0) byval = " byval(" + named.expand(w.substr(6, w.size() - 7)) + ")";
    else if (w == "align" && i + 1 < to) align = " align " + ws[++i];
    else if (w.rfind("alignstack(", 0) == 0) alignstack = " " + w;
  }
  return ext + noalias + sret + byval + align + alignstack;
}

// Clang's `define` lines by function name, as signature_text spells them.
std::map<std::string, std::string> clang_signatures(const std::string& ir) {
  NamedTypes named(ir);
  std::map<std::string, std::string> out;
  std::stringstream lines(ir);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("define ", 0) != 0) continue;
    size_t at = line.find(" @");
    size_t open = line.find('(', at);
    if (at == std::string::npos || open == std::string::npos) continue;
    std::string name = line.substr(at + 2, open - at - 2);
    int depth = 0;
    size_t close = open;
    for (; close < line.size(); ++close) {
      if (line[close] == '(') ++depth;
      if (line[close] == ')' && --depth == 0) break;
    }
    std::vector<std::string> head = words(line.substr(7, at - 7));
    std::string sig = clang_attributes(head, 0, head.size() - 1, named);
    if (!sig.empty()) sig = sig.substr(1) + " ";
    // AAPCS64 returns an HFA as its own (named) struct type.
    sig += named.expand(head.back()) + "(";
    std::string params = line.substr(open + 1, close - open - 1);
    if (!params.empty()) {
      std::vector<std::string> parts = split_top(params, ',');
      for (size_t k = 0; k < parts.size(); ++k) {
        std::vector<std::string> ws = words(parts[k]);
        // type, attributes..., %name
        sig += (k ? ", " : "") + named.expand(ws[0]) + clang_attributes(ws, 1, ws.size() - 1, named);
      }
    }
    out[name] = sig + ")";
  }
  return out;
}

// A C definition of `f` whose body does nothing of interest.
std::string trivial_definition(const CFunction& f) {
  std::string s = f.prototype() + " {";
  if (f.ret) s += " " + f.ret->c + " r; __builtin_memset(&r, 0, sizeof r); return r;";
  return s + " }\n";
}

const char* kCPrelude = "#include <stdbool.h>\n#include <stdint.h>\n#include <stdio.h>\n#include <string.h>\n";

// For signatures alone, with clang's own headers (-ffreestanding): no C
// library of the target is needed.
const char* kFreestandingPrelude = "#include <stdbool.h>\n#include <stdint.h>\n";

// A target of the comparisons: the triple clang compiles for and the
// convention (a base::TargetInfo::abi) hakoc models it with.
struct TargetCase {
  const char* triple;
  const char* abi;
};

void PrintTo(const TargetCase& t, std::ostream* os) { *os << t.triple; }

// A test name for a target case.
std::string target_name(const ::testing::TestParamInfo<TargetCase>& info) {
  std::string name = info.param.triple;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

// How a struct parameter (or `result`) travels under `abi`, for the
// coverage counts of the comparison.
std::string passing_kind(const TargetAbi& abi, const Passing& p, bool result) {
  switch (p.kind) {
    case Passing::Kind::Byval: return "byval";
    case Passing::Kind::Indirect: return "by reference";
    case Passing::Kind::Sret: return "sret";
    case Passing::Kind::Void: return "void";
    case Passing::Kind::Direct: break;
  }
  const Piece& first = p.pieces.front();
  bool hfa = first.kind == Piece::Kind::Whole ||
             (first.array > 0 && (first.kind == Piece::Kind::Float || first.kind == Piece::Kind::Double));
  if (hfa) return result ? "HFA result" : "HFA";
  if (result) return "result in registers";
  // System V: a struct that found no register but went as an integer.
  if (abi.budget && p.int_regs + p.sse_regs == 0) return "iN on the stack";
  return "registers";
}

// What the comparison must have seen for each convention.
std::vector<std::string> expected_kinds(const TargetAbi& abi) {
  switch (abi.aggregates) {
    case AggregateRule::SysvEightbytes: return {"byval", "iN on the stack", "registers", "sret", "result in registers"};
    case AggregateRule::Win64Sized: return {"by reference", "registers", "sret", "result in registers"};
    case AggregateRule::Aapcs64:
      return {"HFA", "HFA result", "by reference", "registers", "sret", "result in registers"};
  }
  return {};
}

class StructAbiClang : public ::testing::TestWithParam<TargetCase> {};

TEST_P(StructAbiClang, SignaturesMatchClang) {
  std::optional<std::string> clang = find_clang();
  if (!clang) GTEST_SKIP() << "clang-19 is not on PATH";
  const TargetAbi& abi = target_abi(GetParam().abi);
  TempDir dir;
  Cases cases = generate_cases(case_count(), case_seed());
  std::string c = std::string(kFreestandingPrelude) + cases.structs.definitions();
  for (const CFunction& f : cases.functions) c += trivial_definition(f);
  fs::path source = dir.path / "cases.c";
  std::ofstream(source) << c;
  auto [ir, ok] = run(*clang + " --target=" + GetParam().triple + " -ffreestanding -S -emit-llvm -O0 -o - " +
                      source.string());
  ASSERT_TRUE(ok) << ir.substr(0, 4000);
  std::map<std::string, std::string> theirs = clang_signatures(ir);

  llvm::LLVMContext ctx;
  size_t compared = 0, mismatches = 0;
  // How often each way of passing a struct came up, to show what was covered.
  std::map<std::string, size_t> seen;
  for (const CFunction& f : cases.functions) {
    auto it = theirs.find(f.name);
    ASSERT_NE(it, theirs.end()) << f.name << " has no define line";
    LoweredSignature sig = abi::lower_signature(ctx, abi, f.param_layouts(), f.ret_layout(), f.variadic);
    std::string ours = signature_text(sig);
    for (size_t k = 0; k < sig.params.size(); ++k)
      if (sig.params[k].is_record()) ++seen[passing_kind(abi, sig.abi.params[k], false)];
    if (sig.ret && sig.ret->is_record()) ++seen[passing_kind(abi, sig.abi.ret, true)];
    if (f.variadic) ++seen["variadic"];
    ++compared;
    if (ours != it->second && ++mismatches <= 20)
      ADD_FAILURE() << f.prototype() << "\n  clang: " << it->second << "\n  ours:  " << ours;
  }
  EXPECT_EQ(mismatches, 0u) << "of " << compared << " signatures";
  EXPECT_EQ(compared, cases.functions.size());
  std::printf("%s: compared %zu signatures with clang-19; struct parameters and results:", GetParam().triple,
              compared);
  for (const auto& [what, n] : seen) std::printf(" %s %zu,", what.c_str(), n);
  std::printf("\n");
  std::vector<std::string> kinds = expected_kinds(abi);
  kinds.push_back("variadic");
  for (const std::string& what : kinds) EXPECT_GT(seen[what], 0u) << what;
}

INSTANTIATE_TEST_SUITE_P(Targets, StructAbiClang,
                         ::testing::Values(TargetCase{"x86_64-unknown-linux-gnu", "system_v"},
                                           TargetCase{"x86_64-pc-windows-msvc", "msvc"},
                                           TargetCase{"x86_64-w64-windows-gnu", "msvc"},
                                           TargetCase{"aarch64-unknown-linux-gnu", "aapcs64"},
                                           TargetCase{"arm64-apple-darwin", "darwin_aapcs64"}),
                         target_name);

// ---- calls into Clang-compiled code -----------------------------------------------------------------

// A deterministic value for a scalar of type `s` from `h`, as C source
// text and as an LLVM constant.
struct ScalarValue {
  std::string c;
  std::function<llvm::Constant*(llvm::LLVMContext&)> ir;
};

uint64_t mix(uint64_t x) {  // splitmix64's finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The value of a scalar of type `s` derived from hash `h`: integers
// truncated to their width, floats exact in binary and decimal.
ScalarValue value_of(Scalar s, uint64_t h) {
  auto integer = [](unsigned bits, uint64_t v, std::string c) {
    return ScalarValue{std::move(c), [bits, v](llvm::LLVMContext& ctx) -> llvm::Constant* {
                         return llvm::ConstantInt::get(llvm::Type::getIntNTy(ctx, bits), v);
                       }};
  };
  auto fp = [](bool single, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return ScalarValue{std::string(single ? "(float)" : "(double)") + buf,
                       [single, v](llvm::LLVMContext& ctx) -> llvm::Constant* {
                         return llvm::ConstantFP::get(single ? llvm::Type::getFloatTy(ctx) : llvm::Type::getDoubleTy(ctx),
                                                      v);
                       }};
  };
  std::string u = std::to_string(h);
  switch (s) {
    case I8: return integer(8, h & 0xff, "(int8_t)" + std::to_string(h & 0xff));
    case U8: return integer(8, h & 0xff, "(uint8_t)" + std::to_string(h & 0xff));
    case I16: return integer(16, h & 0xffff, "(int16_t)" + std::to_string(h & 0xffff));
    case U16: return integer(16, h & 0xffff, "(uint16_t)" + std::to_string(h & 0xffff));
    case I32: return integer(32, h & 0xffffffff, "(int32_t)" + std::to_string(h & 0xffffffff) + "u");
    case U32: return integer(32, h & 0xffffffff, "(uint32_t)" + std::to_string(h & 0xffffffff) + "u");
    case I64: return integer(64, h, "(int64_t)" + u + "ull");
    case U64: return integer(64, h, "(uint64_t)" + u + "ull");
    case Bool: return integer(1, h & 1, (h & 1) ? "true" : "false");
    case F32: return fp(true, static_cast<double>(static_cast<int64_t>(h % 4001) - 2000) / 8);
    case F64: return fp(false, static_cast<double>(static_cast<int64_t>(h % 400001) - 200000) / 64);
    case Ptr: {
      uint64_t addr = 0x10000 + (h % 0xffffff) * 16;
      return ScalarValue{"(void*)(uintptr_t)" + std::to_string(addr) + "ull",
                         [addr](llvm::LLVMContext& ctx) -> llvm::Constant* {
                           return llvm::ConstantExpr::getIntToPtr(llvm::ConstantInt::get(llvm::Type::getInt64Ty(ctx), addr),
                                                                  llvm::PointerType::get(ctx, 0));
                         }};
    }
  }
  return ScalarValue{};
}

// The scalar fields of `t` (itself when a scalar) with their C access
// paths after `prefix`.
void leaves(const Layout& t, const std::string& prefix, std::vector<std::pair<std::string, Scalar>>& out) {
  if (!t.is_record()) {
    out.emplace_back(prefix, t.scalar_kind());
    return;
  }
  for (size_t i = 0; i < t.fields().size(); ++i) leaves(t.fields()[i], prefix + ".f" + std::to_string(i), out);
}

// A C initializer of `t` with the values of its leaves from `next`.
std::string initializer(const Layout& t, const std::function<std::string(Scalar)>& next) {
  if (!t.is_record()) return next(t.scalar_kind());
  std::string s = "{";
  for (size_t i = 0; i < t.fields().size(); ++i) s += (i ? ", " : "") + initializer(t.fields()[i], next);
  return s + "}";
}

// For function `f` (number `n`): the C callee checking each argument
// field and returning known values, the C globals holding its struct
// arguments and a check of its result; the LLVM function `<name>_call`
// making the call through emit_call; and the LLVM function `<name>_fwd`
// of f's C signature, which C calls and which passes its parameters on
// to f and returns f's result (store_struct_parameter,
// emit_struct_return). `main_body` gets the C statements making both
// calls.
void add_call_case(const TargetAbi& abi, const CFunction& f, size_t n, std::string& c, std::string& main_body,
                   llvm::Module& mod) {
  llvm::LLVMContext& ctx = mod.getContext();
  uint64_t counter = n * 1000;
  // Values: argument k's leaves, then the result's leaves.
  std::vector<std::vector<std::pair<std::string, Scalar>>> arg_leaves(f.params.size());
  std::vector<std::vector<ScalarValue>> arg_values(f.params.size());
  for (size_t k = 0; k < f.params.size(); ++k) {
    leaves(f.params[k].layout, "p" + std::to_string(k), arg_leaves[k]);
    for (auto& [path, s] : arg_leaves[k]) arg_values[k].push_back(value_of(s, mix(counter++)));
  }
  std::vector<std::pair<std::string, Scalar>> ret_leaves;
  std::vector<ScalarValue> ret_values;
  if (f.ret) {
    leaves(f.ret->layout, "r", ret_leaves);
    for (auto& [path, s] : ret_leaves) ret_values.push_back(value_of(s, mix(counter++)));
  }

  // The callee.
  c += f.prototype() + " {\n";
  for (size_t k = 0; k < f.params.size(); ++k)
    for (size_t i = 0; i < arg_leaves[k].size(); ++i)
      c += "  if (" + arg_leaves[k][i].first + " != " + arg_values[k][i].c + ") bad(\"" + f.name + "\", \"" +
           arg_leaves[k][i].first + "\");\n";
  if (f.ret) {
    c += "  " + f.ret->c + " r;\n  memset(&r, 0, sizeof r);\n";
    for (size_t i = 0; i < ret_leaves.size(); ++i) c += "  " + ret_leaves[i].first + " = " + ret_values[i].c + ";\n";
    c += "  return r;\n";
  }
  c += "}\n";
  // The struct arguments, and the check of the result.
  for (size_t k = 0; k < f.params.size(); ++k) {
    if (!f.params[k].layout.is_record()) continue;
    size_t i = 0;
    c += f.params[k].c + " " + f.name + "_a" + std::to_string(k) + " = " +
         initializer(f.params[k].layout, [&](Scalar) { return arg_values[k][i++].c; }) + ";\n";
  }
  if (f.ret) {
    c += "void " + f.name + "_check(" + f.ret->c + "* got) {\n  " + f.ret->c + " r = *got;\n";
    for (size_t i = 0; i < ret_leaves.size(); ++i)
      c += "  if (" + ret_leaves[i].first + " != " + ret_values[i].c + ") bad(\"" + f.name + " result\", \"" +
           ret_leaves[i].first + "\");\n";
    c += "}\n";
  }
  c += "void " + f.name + "_call(void);\n";

  // The caller, through this library.
  LoweredSignature sig = abi::lower_signature(ctx, abi, f.param_layouts(), f.ret_layout(), f.variadic);
  llvm::Function* callee = llvm::Function::Create(sig.type, llvm::Function::ExternalLinkage, f.name, mod);
  callee->setAttributes(sig.attributes);
  llvm::Function* caller = llvm::Function::Create(llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), false),
                                                  llvm::Function::ExternalLinkage, f.name + "_call", mod);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", caller));
  std::vector<CallArg> args;
  for (size_t k = 0; k < f.params.size(); ++k) {
    const Layout& t = f.params[k].layout;
    if (!t.is_record()) {
      args.push_back(CallArg{arg_values[k][0].ir(ctx), llvm::Align(1)});
      continue;
    }
    auto* global = new llvm::GlobalVariable(mod, memory_type(ctx, t), false, llvm::GlobalValue::ExternalLinkage,
                                            nullptr, f.name + "_a" + std::to_string(k));
    global->setAlignment(llvm::Align(t.align()));
    args.push_back(CallArg{global, llvm::Align(t.align())});
  }
  std::optional<ResultSlot> slot;
  llvm::AllocaInst* result = nullptr;
  if (f.ret) {
    const Layout& t = f.ret->layout;
    result = b.CreateAlloca(memory_type(ctx, t));
    result->setAlignment(llvm::Align(t.align()));
    if (t.is_record()) slot = ResultSlot{result, llvm::Align(t.align())};
  }
  llvm::CallInst* call = emit_call(b, llvm::FunctionCallee(sig.type, callee), sig, args, slot);
  if (f.ret) {
    if (!f.ret->layout.is_record()) {
      llvm::Value* v = call;
      if (f.ret->layout.scalar_kind() == Bool) v = b.CreateZExt(v, b.getInt8Ty());
      b.CreateStore(v, result);
    }
    llvm::FunctionCallee check = mod.getOrInsertFunction(
        f.name + "_check", llvm::FunctionType::get(b.getVoidTy(), {b.getPtrTy()}, false));
    b.CreateCall(check, {result});
  }
  b.CreateRetVoid();

  // The forwarder, called from C.
  CFunction fwd = f;
  fwd.name = f.name + "_fwd";
  c += fwd.prototype() + ";\n";
  llvm::Function* forwarder = llvm::Function::Create(sig.type, llvm::Function::ExternalLinkage, fwd.name, mod);
  forwarder->setAttributes(sig.attributes);
  b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", forwarder));
  std::vector<CallArg> passed;
  for (size_t k = 0; k < f.params.size(); ++k) {
    const Layout& t = f.params[k].layout;
    if (!t.is_record()) {
      passed.push_back(CallArg{forwarder->getArg(sig.first_ir_arg[k]), llvm::Align(1)});
      continue;
    }
    llvm::AllocaInst* copy = b.CreateAlloca(memory_type(ctx, t));
    copy->setAlignment(llvm::Align(t.align()));
    store_struct_parameter(b, forwarder, sig, k, copy, llvm::Align(t.align()));
    passed.push_back(CallArg{copy, llvm::Align(t.align())});
  }
  if (f.ret && f.ret->layout.is_record()) {
    const Layout& t = f.ret->layout;
    llvm::AllocaInst* got = b.CreateAlloca(memory_type(ctx, t));
    got->setAlignment(llvm::Align(t.align()));
    emit_call(b, llvm::FunctionCallee(sig.type, callee), sig, passed, ResultSlot{got, llvm::Align(t.align())});
    emit_struct_return(b, forwarder, sig, got, llvm::Align(t.align()));
  } else {
    llvm::CallInst* value = emit_call(b, llvm::FunctionCallee(sig.type, callee), sig, passed, std::nullopt);
    if (f.ret) b.CreateRet(value);
    else b.CreateRetVoid();
  }

  // main: the call from LLVM, and the call from C through the forwarder.
  main_body += "  " + f.name + "_call();\n  ";
  std::string fwd_call = fwd.name + "(";
  for (size_t k = 0; k < f.params.size(); ++k) {
    fwd_call += k ? ", " : "";
    fwd_call += f.params[k].layout.is_record() ? f.name + "_a" + std::to_string(k) : arg_values[k][0].c;
  }
  fwd_call += ")";
  if (f.ret) main_body += "{ " + f.ret->c + " r = " + fwd_call + "; " + f.name + "_check(&r); }\n";
  else main_body += fwd_call + ";\n";
}

// Object code for `mod`, optimised at `level`, written to `path`.
std::string emit_object(llvm::Module& mod, const std::string& triple, OptLevel level, const fs::path& path) {
  std::string error;
  std::unique_ptr<llvm::TargetMachine> tm = create_target_machine(triple, level == OptLevel::O2, error);
  if (!tm) return "no target machine: " + error;
  mod.setTargetTriple(triple);
  mod.setDataLayout(tm->createDataLayout());
  std::string report;
  llvm::raw_string_ostream ros(report);
  if (llvm::verifyModule(mod, &ros)) return "invalid module: " + report;
  optimize_module(mod, *tm, level);
  std::error_code ec;
  llvm::raw_fd_ostream os(path.string(), ec);
  if (ec) return ec.message();
  llvm::legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::ObjectFile)) return "cannot emit objects";
  pm.run(mod);
  return "";
}

// A target whose executables this machine runs: the triple, its
// convention, the clang flags that build for it and the command prefix
// that runs the result ("" for the host).
struct RunTarget {
  const char* triple;
  const char* abi;
  const char* clang_flags;
  const char* runner;
  const char* needs;  // a file that must exist to run it
};

const RunTarget kRunTargets[] = {
    {"x86_64-unknown-linux-gnu", "system_v", "", "", "/"},
    {"aarch64-unknown-linux-gnu", "aapcs64", "--target=aarch64-linux-gnu", "qemu-aarch64 -L /usr/aarch64-linux-gnu ",
     "/usr/aarch64-linux-gnu/lib"},
};

void PrintTo(const RunTarget& t, std::ostream* os) { *os << t.triple; }

class StructAbiRun : public ::testing::TestWithParam<std::tuple<RunTarget, OptLevel>> {};

TEST_P(StructAbiRun, CallsToAndFromClangCompiledCodePassEveryField) {
  const auto& [target, level] = GetParam();
  std::optional<std::string> clang = find_clang();
  if (!clang) GTEST_SKIP() << "clang-19 is not on PATH";
  if (!fs::exists(target.needs)) GTEST_SKIP() << target.triple << " cannot run here: no " << target.needs;
  if (*target.runner != '\0' && !run("command -v " + std::string(target.runner).substr(0, std::string(target.runner).find(' '))).second)
    GTEST_SKIP() << target.triple << " cannot run here: no " << target.runner;
  const TargetAbi& abi = target_abi(target.abi);
  TempDir dir;
  Cases cases = generate_cases(case_count(), case_seed() + 1);
  std::string c = std::string(kCPrelude) +
                  "static int failures;\n"
                  "static void bad(const char* fn, const char* what) {\n"
                  "  if (failures++ < 20) printf(\"%s: %s\\n\", fn, what);\n"
                  "}\n" +
                  cases.structs.definitions();
  llvm::LLVMContext ctx;
  llvm::Module mod("struct_abi_calls", ctx);
  std::string main_body;
  for (size_t n = 0; n < cases.functions.size(); ++n) add_call_case(abi, cases.functions[n], n, c, main_body, mod);
  c += "int main(void) {\n" + main_body;
  c += "  printf(\"%d failures in " + std::to_string(2 * cases.functions.size()) +
       " calls\\n\", failures);\n  return failures != 0;\n}\n";

  fs::path source = dir.path / "callees.c", object = dir.path / "callers.o", exe = dir.path / "calls";
  std::ofstream(source) << c;
  ASSERT_EQ(emit_object(mod, target.triple, level, object), "");
  auto [build_out, built] = run(*clang + " " + target.clang_flags + " -O1 -w -o " + exe.string() + " " +
                                source.string() + " " + object.string());
  ASSERT_TRUE(built) << build_out.substr(0, 4000);
  auto [out, passed] = run(target.runner + exe.string());
  EXPECT_TRUE(passed) << out;
  EXPECT_EQ(out, "0 failures in " + std::to_string(2 * cases.functions.size()) + " calls\n");
}

INSTANTIATE_TEST_SUITE_P(Targets, StructAbiRun,
                         ::testing::Combine(::testing::ValuesIn(kRunTargets),
                                            ::testing::Values(OptLevel::O0, OptLevel::O2)),
                         [](const ::testing::TestParamInfo<std::tuple<RunTarget, OptLevel>>& info) {
                           std::string name = std::get<0>(info.param).triple;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name + (std::get<1>(info.param) == OptLevel::O0 ? "_O0" : "_O2");
                         });

}  // namespace
}  // namespace hako::codegen::abi
