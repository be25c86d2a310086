// The per-target C calling conventions (codegen/abi/): the table picked by
// triple, the Win64 and AAPCS64 rules on the cases their documents single
// out, and the code emit_call produces where those targets differ from
// System V (pieces reaching past a struct, pointers to caller copies).
// codegen_struct_abi_test compares whole signatures with clang-19.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include <llvm/IR/InstIterator.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include "base/targets.h"
#include "codegen/abi/aapcs64_rules.h"
#include "codegen/abi/lowering.h"
#include "codegen/abi/win64_rules.h"

namespace hako::codegen::abi {
namespace {

using enum Scalar;

Layout S(Scalar s) { return Layout::scalar(s); }
Layout R(std::vector<Layout> fields) { return Layout::record(std::move(fields)); }
Layout Repeat(Scalar s, size_t n) { return R(std::vector<Layout>(n, S(s))); }

const TargetAbi& win64() { return target_abi("msvc"); }
const TargetAbi& aapcs() { return target_abi("aapcs64"); }
const TargetAbi& apple() { return target_abi("darwin_aapcs64"); }

// An LLVM type as LLVM prints it.
std::string type_text(llvm::Type* t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  t->print(os);
  return s;
}

TEST(AbiTargets, EverySupportedTargetHasAConvention) {
  for (const base::TargetInfo& t : base::targets()) EXPECT_STREQ(target_abi_of_triple(t.triple).name, t.abi);
  EXPECT_EQ(target_abi_of_triple("x86_64-pc-windows-msvc").aggregates, AggregateRule::Win64Sized);
  EXPECT_EQ(target_abi_of_triple("arm64-apple-darwin").narrow_ints, NarrowIntExtension::All);
  EXPECT_THROW(target_abi_of_triple("riscv64-unknown-linux-gnu"), std::logic_error);
  EXPECT_THROW(target_abi("o32"), std::logic_error);
}

TEST(AbiTargets, NarrowIntegersAreExtendedAsEachTargetSays) {
  EXPECT_EQ(direct_scalar(win64(), I8).extension, Extension::None);
  EXPECT_EQ(direct_scalar(win64(), Bool).extension, Extension::Zero);
  EXPECT_EQ(direct_scalar(aapcs(), I16).extension, Extension::None);
  EXPECT_EQ(direct_scalar(aapcs(), Bool).extension, Extension::None);
  EXPECT_EQ(direct_scalar(apple(), I16).extension, Extension::Sign);
  EXPECT_EQ(direct_scalar(apple(), U8).extension, Extension::Zero);
  EXPECT_EQ(direct_scalar(apple(), I32).extension, Extension::None);
}

TEST(AbiWin64, PowerOfTwoSizesUpToEightAreIntegersAndTheRestByReference) {
  Passing p = win64::struct_argument(win64(), R({S(F32), S(F32)}));
  ASSERT_EQ(p.kind, Passing::Kind::Direct);
  EXPECT_EQ(p.pieces, (std::vector<Piece>{Piece{Piece::Kind::Int, 64, 0}}));
  EXPECT_EQ(win64::struct_argument(win64(), Repeat(U8, 3)).kind, Passing::Kind::Indirect);
  EXPECT_EQ(win64::struct_argument(win64(), Repeat(I64, 2)).kind, Passing::Kind::Indirect);
  EXPECT_EQ(win64::struct_argument(win64(), Repeat(I64, 2)).align, 8u);
  EXPECT_EQ(win64::struct_result(win64(), Repeat(U8, 2)).pieces[0].bits, 16u);
  EXPECT_EQ(win64::struct_result(win64(), Repeat(U8, 3)).kind, Passing::Kind::Sret);
  EXPECT_EQ(win64::struct_result(win64(), Repeat(U8, 3)).align, 1u);
}

TEST(AbiAapcs64, HomogeneousFloatAggregatesCountNestedMembers) {
  EXPECT_EQ(aapcs64::homogeneous_aggregate(aapcs(), R({R({S(F32), S(F32)}), S(F32)})), (aapcs64::Hfa{F32, 3}));
  EXPECT_EQ(aapcs64::homogeneous_aggregate(aapcs(), Repeat(F64, 4)), (aapcs64::Hfa{F64, 4}));
  EXPECT_FALSE(aapcs64::homogeneous_aggregate(aapcs(), Repeat(F32, 5)));
  EXPECT_FALSE(aapcs64::homogeneous_aggregate(aapcs(), R({S(F32), S(F64)})));
  EXPECT_FALSE(aapcs64::homogeneous_aggregate(aapcs(), R({S(F32), S(I32)})));
  EXPECT_FALSE(aapcs64::homogeneous_aggregate(win64(), Repeat(F32, 2)));
}

TEST(AbiAapcs64, ArgumentsAndResults) {
  llvm::LLVMContext ctx;
  Layout hfa3 = Repeat(F32, 3);
  LoweredSignature sig = lower_signature(ctx, aapcs(), {hfa3, Repeat(U8, 12), Repeat(U8, 3), Repeat(I64, 3)}, hfa3);
  EXPECT_EQ(type_text(sig.type), "{ float, float, float } ([3 x float], [2 x i64], i64, ptr)");
  EXPECT_EQ(sig.attributes.getParamStackAlignment(0), llvm::MaybeAlign(8));
  EXPECT_EQ(sig.abi.params[3].kind, Passing::Kind::Indirect);
  // Apple keeps the HFA's own alignment on the stack.
  sig = lower_signature(ctx, apple(), {hfa3}, Repeat(U8, 12));
  EXPECT_EQ(type_text(sig.type), "[2 x i64] ([3 x float])");
  EXPECT_FALSE(sig.attributes.getParamStackAlignment(0));
  sig = lower_signature(ctx, aapcs(), {}, Repeat(U8, 3));
  EXPECT_EQ(type_text(sig.type), "i24 ()");
  sig = lower_signature(ctx, aapcs(), {}, Repeat(I64, 3));
  EXPECT_EQ(sig.abi.ret.kind, Passing::Kind::Sret);
}

// `void caller(ptr src, ptr dst)` calling `callee` of `sig` with the struct
// at `src` (aligned to 8) for every parameter, its struct result stored at `dst`.
struct Caller {
  llvm::LLVMContext ctx;
  llvm::Module mod{"abi", ctx};
  llvm::Function* caller = nullptr;
  llvm::CallInst* call = nullptr;

  Caller(const TargetAbi& abi, std::vector<Layout> params, std::optional<Layout> ret) {
    LoweredSignature sig = lower_signature(ctx, abi, std::move(params), std::move(ret));
    llvm::Function* callee = llvm::Function::Create(sig.type, llvm::Function::ExternalLinkage, "callee", mod);
    llvm::Type* ptr = llvm::PointerType::get(ctx, 0);
    caller = llvm::Function::Create(llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr, ptr}, false),
                                    llvm::Function::ExternalLinkage, "caller", mod);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", caller));
    std::vector<CallArg> args(sig.params.size(), CallArg{caller->getArg(0), llvm::Align(8)});
    std::optional<ResultSlot> slot;
    if (sig.ret) slot = ResultSlot{caller->getArg(1), llvm::Align(8)};
    call = emit_call(b, llvm::FunctionCallee(sig.type, callee), sig, args, slot);
    b.CreateRetVoid();
  }

  std::string verify() {
    std::string report;
    llvm::raw_string_ostream os(report);
    llvm::verifyModule(mod, &os);
    return report;
  }

  // The lengths of the memcpys in `caller`, in order.
  std::vector<uint64_t> copies() {
    std::vector<uint64_t> out;
    for (llvm::Instruction& i : llvm::instructions(*caller))
      if (auto* c = llvm::dyn_cast<llvm::MemCpyInst>(&i))
        out.push_back(llvm::cast<llvm::ConstantInt>(c->getLength())->getZExtValue());
    return out;
  }
};

TEST(AbiEmit, APieceReachingPastItsStructGoesThroughASlotOfThePiecesSize) {
  // AAPCS64: a 12-byte struct travels as [2 x i64]; only its 12 bytes are
  // copied in, and only 12 bytes of the [2 x i64] result are stored.
  Caller m(aapcs(), {Repeat(U8, 12)}, Repeat(U8, 12));
  EXPECT_EQ(m.verify(), "");
  EXPECT_EQ(m.copies(), (std::vector<uint64_t>{12, 12}));
  EXPECT_EQ(type_text(m.call->getArgOperand(0)->getType()), "[2 x i64]");
}

TEST(AbiEmit, AStructByReferenceIsACopyTheCalleeMayWrite) {
  Layout big = Repeat(I64, 3);
  Caller m(win64(), {big}, std::nullopt);
  EXPECT_EQ(m.verify(), "");
  EXPECT_EQ(m.copies(), (std::vector<uint64_t>{24}));
  EXPECT_NE(m.call->getArgOperand(0), m.caller->getArg(0));
  EXPECT_TRUE(llvm::isa<llvm::AllocaInst>(m.call->getArgOperand(0)));

  // Bytes made for this call are passed as they are.
  std::vector<llvm::Value*> args;
  llvm::IRBuilder<> b(&m.caller->getEntryBlock(), m.caller->getEntryBlock().begin());
  append_struct_argument(b, big, memory_argument(win64(), big), m.caller->getArg(0), llvm::Align(8),
                         ArgumentBytes::Disposable, args);
  EXPECT_EQ(args, (std::vector<llvm::Value*>{m.caller->getArg(0)}));
}

}  // namespace
}  // namespace hako::codegen::abi
