// Constants and the typed operators. Int arithmetic wraps (no nsw/nuw flags:
// the VM computes through unsigned arithmetic); division goes to the runtime
// only for the divisors that need its checks, exactly like the VM.
#include <cstring>

#include <llvm/IR/Constants.h>
#include <llvm/IR/MDBuilder.h>

#include "codegen/lower_ops.h"

namespace hako::codegen {

namespace {

using mir::Op;

llvm::Value* int_div(FunctionState& fs, const mir::Inst& in, bool is_mod) {
  llvm::IRBuilder<>& b = fs.b;
  llvm::Value* a = fs.val(in.args[0]);
  llvm::Value* d = fs.val(in.args[1]);
  // A constant divisor other than 0 and -1 cannot fail or overflow.
  if (auto* k = llvm::dyn_cast<llvm::ConstantInt>(d); k != nullptr && !k->isZero() && !k->isMinusOne())
    return is_mod ? b.CreateSRem(a, d) : b.CreateSDiv(a, d);
  // d + 1 > 1 (unsigned) exactly when d is neither 0 nor -1.
  llvm::Value* safe =
      b.CreateICmpUGT(b.CreateAdd(d, llvm::ConstantInt::get(fs.ms.i64, 1)), llvm::ConstantInt::get(fs.ms.i64, 1));
  auto* fast = llvm::BasicBlock::Create(fs.ms.ctx, is_mod ? "mod.fast" : "div.fast", fs.fn);
  auto* slow = llvm::BasicBlock::Create(fs.ms.ctx, is_mod ? "mod.slow" : "div.slow", fs.fn);
  auto* done = llvm::BasicBlock::Create(fs.ms.ctx, is_mod ? "mod.done" : "div.done", fs.fn);
  llvm::MDBuilder md(fs.ms.ctx);
  b.CreateCondBr(safe, fast, slow, md.createLikelyBranchWeights());
  b.SetInsertPoint(fast);
  llvm::Value* quick = is_mod ? b.CreateSRem(a, d) : b.CreateSDiv(a, d);
  b.CreateBr(done);
  b.SetInsertPoint(slow);
  // Division by zero (an error at the instruction's location), MIN / -1, % -1.
  llvm::Value* checked = b.CreateCall(fs.ms.rt.get(is_mod ? Rt::I64Mod : Rt::I64Div), {a, d, fs.loc(in)});
  b.CreateBr(done);
  b.SetInsertPoint(done);
  llvm::PHINode* phi = b.CreatePHI(fs.ms.i64, 2);
  phi->addIncoming(quick, fast);
  phi->addIncoming(checked, slow);
  return phi;
}

// A shift count taken modulo 64, as the VM does.
llvm::Value* shift_count(FunctionState& fs, llvm::Value* v) {
  return fs.b.CreateAnd(v, llvm::ConstantInt::get(fs.ms.i64, 63));
}

// A String comparison through reml_str_cmp's three-way result.
llvm::Value* str_compare(FunctionState& fs, const mir::Inst& in, llvm::CmpInst::Predicate pred) {
  llvm::Value* c = fs.b.CreateCall(fs.ms.rt.get(Rt::StrCmp), {fs.val(in.args[0]), fs.val(in.args[1])});
  return fs.b.CreateICmp(pred, c, llvm::ConstantInt::get(fs.ms.i64, 0));
}

llvm::Value* str_equal(FunctionState& fs, const mir::Inst& in) {
  return i64_to_bool(fs.ms, fs.b, fs.b.CreateCall(fs.ms.rt.get(Rt::StrEq), {fs.val(in.args[0]), fs.val(in.args[1])}));
}

}  // namespace

void lower_arith(FunctionState& fs, const mir::Inst& in) {
  ModuleState& ms = fs.ms;
  llvm::IRBuilder<>& b = fs.b;
  auto arg = [&](size_t k) { return fs.val(in.args[k]); };
  llvm::Value* r = nullptr;
  switch (in.op) {
    case Op::ConstI: r = llvm::ConstantInt::get(ms.i64, in.imm, true); break;
    case Op::ConstF: {  // by bit pattern: NaN payloads and -0.0 survive
      uint64_t bits = 0;
      std::memcpy(&bits, &in.fimm, sizeof bits);
      r = llvm::ConstantFP::get(ms.ctx, llvm::APFloat(llvm::APFloat::IEEEdouble(), llvm::APInt(64, bits)));
      break;
    }
    case Op::ConstB: r = llvm::ConstantInt::get(ms.i1, in.imm != 0); break;
    case Op::ConstS: r = ms.string_literal(in.ref); break;
    case Op::ConstVoid:
      // Void and the null Handle are the word 0; a pointer tag's is the null pointer.
      r = in.tag.kind == mir::Kind::Ptr ? llvm::ConstantPointerNull::get(ms.ptr) : ms.void_value();
      break;
    case Op::Copy: r = arg(0); break;

    case Op::AddI: r = b.CreateAdd(arg(0), arg(1)); break;
    case Op::SubI: r = b.CreateSub(arg(0), arg(1)); break;
    case Op::MulI: r = b.CreateMul(arg(0), arg(1)); break;
    case Op::DivI: r = int_div(fs, in, false); break;
    case Op::ModI: r = int_div(fs, in, true); break;
    case Op::NegI: r = b.CreateSub(llvm::ConstantInt::get(ms.i64, 0), arg(0)); break;
    case Op::AndI: r = b.CreateAnd(arg(0), arg(1)); break;
    case Op::OrI: r = b.CreateOr(arg(0), arg(1)); break;
    case Op::XorI: r = b.CreateXor(arg(0), arg(1)); break;
    case Op::ShlI: r = b.CreateShl(arg(0), shift_count(fs, arg(1))); break;
    case Op::ShrI: r = b.CreateAShr(arg(0), shift_count(fs, arg(1))); break;
    case Op::NotI: r = b.CreateNot(arg(0)); break;
    case Op::EqI: r = b.CreateICmpEQ(arg(0), arg(1)); break;
    case Op::NeI: r = b.CreateICmpNE(arg(0), arg(1)); break;
    case Op::LtI: r = b.CreateICmpSLT(arg(0), arg(1)); break;
    case Op::LeI: r = b.CreateICmpSLE(arg(0), arg(1)); break;
    case Op::GtI: r = b.CreateICmpSGT(arg(0), arg(1)); break;
    case Op::GeI: r = b.CreateICmpSGE(arg(0), arg(1)); break;

    case Op::AddF: r = b.CreateFAdd(arg(0), arg(1)); break;
    case Op::SubF: r = b.CreateFSub(arg(0), arg(1)); break;
    case Op::MulF: r = b.CreateFMul(arg(0), arg(1)); break;
    case Op::DivF: r = b.CreateFDiv(arg(0), arg(1)); break;
    case Op::ModF: r = b.CreateCall(ms.rt.get(Rt::F64Mod), {arg(0), arg(1)}); break;
    case Op::NegF: r = b.CreateFNeg(arg(0)); break;
    // C's comparisons: ordered, except != which is true for NaN.
    case Op::EqF: r = b.CreateFCmpOEQ(arg(0), arg(1)); break;
    case Op::NeF: r = b.CreateFCmpUNE(arg(0), arg(1)); break;
    case Op::LtF: r = b.CreateFCmpOLT(arg(0), arg(1)); break;
    case Op::LeF: r = b.CreateFCmpOLE(arg(0), arg(1)); break;
    case Op::GtF: r = b.CreateFCmpOGT(arg(0), arg(1)); break;
    case Op::GeF: r = b.CreateFCmpOGE(arg(0), arg(1)); break;
    case Op::EqIF: r = i64_to_bool(ms, b, b.CreateCall(ms.rt.get(Rt::EqI64F64), {arg(0), arg(1)})); break;
    case Op::IToF: r = b.CreateSIToFP(arg(0), ms.f64); break;

    case Op::NotB: r = b.CreateNot(arg(0)); break;
    case Op::EqB: r = b.CreateICmpEQ(arg(0), arg(1)); break;
    case Op::NeB: r = b.CreateICmpNE(arg(0), arg(1)); break;
    case Op::ConcatS: r = b.CreateCall(ms.rt.get(Rt::StrConcat), {arg(0), arg(1)}); break;
    case Op::EqS: r = str_equal(fs, in); break;
    case Op::NeS: r = b.CreateNot(str_equal(fs, in)); break;
    case Op::LtS: r = str_compare(fs, in, llvm::CmpInst::ICMP_SLT); break;
    case Op::LeS: r = str_compare(fs, in, llvm::CmpInst::ICMP_SLE); break;
    case Op::GtS: r = str_compare(fs, in, llvm::CmpInst::ICMP_SGT); break;
    case Op::GeS: r = str_compare(fs, in, llvm::CmpInst::ICMP_SGE); break;
    // Identity: both operands have one tag, so one LLVM type.
    case Op::EqRef: r = b.CreateICmpEQ(arg(0), arg(1)); break;
    case Op::NeRef: r = b.CreateICmpNE(arg(0), arg(1)); break;
    default: unhandled(fs, in, "lower_arith");
  }
  fs.set(in, r);
}

}  // namespace hako::codegen
