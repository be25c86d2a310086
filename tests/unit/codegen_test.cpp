// MIR → LLVM IR lowering: Hako source through the real front end, lowered
// with lower_to_llvm, checked with the LLVM verifier and for the properties
// the native backend promises (runtime declarations, immortal literals, the
// dispatcher, inline field access, wrapping arithmetic, debug info).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <llvm/Analysis/LoopInfo.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/Dominators.h>
#include <llvm/IR/DebugInfoMetadata.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Operator.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/ModRef.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include "base/targets.h"
#include "codegen/codegen.h"
#include "codegen/fast_paths.h"
#include "codegen/llvm_lowering.h"
#include "codegen/optimize.h"
#include "codegen/runtime_decls.h"
#include "codegen/tail_recursion.h"
#include "codegen/target.h"
#include "driver/pipeline.h"
#include "lower/lower.h"
#include "mir/verify.h"
#include "parse/parse.h"
#include "reml_runtime.h"
#include "sema/sema.h"

namespace hako {
namespace {

constexpr const char* kHost = "x86_64-unknown-linux-gnu";

// The data layout LLVM's target machine gives `triple`.
llvm::DataLayout layout_of(const std::string& triple) {
  std::string error;
  std::unique_ptr<llvm::TargetMachine> tm = codegen::create_target_machine(triple, false, error);
  EXPECT_TRUE(tm) << error;
  return tm ? tm->createDataLayout() : llvm::DataLayout("");
}

// Whether `mod` passes the LLVM verifier; the report goes to the failure.
::testing::AssertionResult verifies(const llvm::Module& mod) {
  std::string report;
  llvm::raw_string_ostream os(report);
  if (llvm::verifyModule(mod, &os)) return ::testing::AssertionFailure() << report;
  return ::testing::AssertionSuccess();
}

// Hako source → verified MIR → LLVM module.
struct Lowered {
  llvm::LLVMContext ctx;
  std::unique_ptr<llvm::Module> mod;
  std::optional<mir::Module> mir;

  explicit Lowered(const std::string& src, bool debug_info = false, const std::string& triple = kHost) {
    base::SourceMap sources;
    const base::SourceFile& file = *sources.add("t.hako", src);
    diag::DiagEngine diags;
    ast::Program program = parse::parse_program(file, diags);
    EXPECT_FALSE(diags.has_errors()) << diags.render(diag::Format::Text);
    if (diags.has_errors()) return;
    std::optional<sema::CheckedProgram> checked = sema::check(program, sources, diags, sema::CheckOptions{});
    EXPECT_TRUE(checked) << diags.render(diag::Format::Text);
    if (!checked) return;
    mir = lower::lower_program(*checked);
    EXPECT_TRUE(mir::verify_module(*mir).empty());
    mod = codegen::lower_to_llvm(*mir, ctx, triple, layout_of(triple), debug_info);
  }

  llvm::Function* fn(const std::string& name) const { return mod->getFunction(name); }

  // Every call in `f` to a function named `callee`.
  static std::vector<llvm::CallInst*> calls_to(llvm::Function& f, const std::string& callee) {
    std::vector<llvm::CallInst*> out;
    for (llvm::Instruction& i : llvm::instructions(f))
      if (auto* c = llvm::dyn_cast<llvm::CallInst>(&i))
        if (c->getCalledFunction() != nullptr && c->getCalledFunction()->getName() == callee) out.push_back(c);
    return out;
  }

  // Calls to `callee` from any function of the module.
  size_t count_calls(const std::string& callee) const {
    size_t n = 0;
    for (llvm::Function& f : *mod) n += calls_to(f, callee).size();
    return n;
  }

  std::string ir() const {
    std::string s;
    llvm::raw_string_ostream os(s);
    mod->print(os, nullptr);
    return s;
  }
};

constexpr const char* kHello = R"hako(static box Main {
  main() { print("hi"); return 0 }
})hako";

TEST(CodegenRuntimeDecls, SeedApiIsDeclaredWithItsAttributes) {
  Lowered l(kHello);
  ASSERT_TRUE(l.mod);
  ASSERT_TRUE(verifies(*l.mod));

  llvm::Function* panic = l.fn("panic");
  ASSERT_NE(panic, nullptr);
  EXPECT_TRUE(panic->isDeclaration());
  EXPECT_TRUE(panic->getReturnType()->isVoidTy());
  ASSERT_EQ(panic->arg_size(), 2u);
  EXPECT_TRUE(panic->getFunctionType()->getParamType(0)->isPointerTy());
  EXPECT_TRUE(panic->getFunctionType()->getParamType(1)->isIntegerTy(64));
  EXPECT_TRUE(panic->doesNotReturn());
  EXPECT_TRUE(panic->hasFnAttribute(llvm::Attribute::Cold));
  EXPECT_TRUE(panic->doesNotThrow());

  llvm::Function* alloc = l.fn("mem_alloc");
  ASSERT_NE(alloc, nullptr);
  EXPECT_TRUE(alloc->hasRetAttribute(llvm::Attribute::NoAlias));
  EXPECT_EQ(alloc->getAttributes().getRetAlignment().valueOrOne().value(), 8u);
  EXPECT_TRUE(alloc->doesNotThrow());

  for (const char* name : {"inc_ref", "dec_ref", "print_i64"}) {
    llvm::Function* f = l.fn(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_TRUE(f->doesNotThrow()) << name;
    EXPECT_FALSE(f->doesNotReturn()) << name;
  }
}

TEST(CodegenRuntimeDecls, EveryDeclarationIsNounwind) {
  Lowered l(R"hako(static box Main {
    main(args) { local a = args.length(); local x = 10 / a; local h = a; h = "s"; print(h + x); return x }
  })hako");
  ASSERT_TRUE(l.mod);
  ASSERT_TRUE(verifies(*l.mod));
  size_t declarations = 0;
  for (llvm::Function& f : *l.mod) {
    if (!f.isDeclaration()) continue;
    ++declarations;
    EXPECT_TRUE(f.doesNotThrow()) << f.getName().str();
  }
  EXPECT_GE(declarations, 8u);
  // Re-enters user code through the to-string hook (its slow path is
  // reml_dyn_add): may write memory.
  ASSERT_NE(l.fn("reml_fp_add"), nullptr);
  EXPECT_FALSE(l.fn("reml_fp_add")->onlyReadsMemory());
}

// HAKO_RT_CALL_ATTRIBUTES is where runtime_calls.def entries get memory
// effects: the listed pure queries read only their arguments, and entries
// that allocate, mutate or can fail keep the default (may write anything).
TEST(CodegenRuntimeDecls, CallAttributesComeFromTheirTable) {
  llvm::LLVMContext ctx;
  llvm::Module mod("t", ctx);
  codegen::RuntimeDecls rt(mod);
  for (mir::RtFn fn : {mir::RtFn::StrLen, mir::RtFn::StrIndexOf, mir::RtFn::StrContains, mir::RtFn::StrEndsWith,
                       mir::RtFn::ArrayLen, mir::RtFn::MapSize}) {
    llvm::Function* f = rt.get(fn);
    EXPECT_EQ(codegen::RuntimeDecls::attributes(fn), codegen::RT_ARGREAD) << f->getName().str();
    EXPECT_TRUE(f->onlyReadsMemory()) << f->getName().str();
    EXPECT_TRUE(f->onlyAccessesArgMemory()) << f->getName().str();
    EXPECT_TRUE(f->doesNotThrow()) << f->getName().str();
  }
  for (mir::RtFn fn : {mir::RtFn::StrSubstring, mir::RtFn::StrConcat, mir::RtFn::ArrayPush, mir::RtFn::ArrayGet,
                       mir::RtFn::MapGet, mir::RtFn::MapSet, mir::RtFn::PrintStr, mir::RtFn::FiniBegin}) {
    llvm::Function* f = rt.get(fn);
    EXPECT_EQ(codegen::RuntimeDecls::attributes(fn), codegen::RT_NONE) << f->getName().str();
    EXPECT_FALSE(f->onlyReadsMemory()) << f->getName().str();
    EXPECT_FALSE(f->onlyAccessesArgMemory()) << f->getName().str();
  }
  // Every declaration carries exactly what the table says.
  for (uint32_t i = 0; i < mir::rt_count(); ++i) {
    const auto fn = static_cast<mir::RtFn>(i);
    llvm::Function* f = rt.get(fn);
    const bool argread = codegen::RuntimeDecls::attributes(fn) == codegen::RT_ARGREAD;
    EXPECT_EQ(f->onlyReadsMemory(), argread) << f->getName().str();
    EXPECT_EQ(f->getMemoryEffects() == llvm::MemoryEffects::argMemOnly(llvm::ModRefInfo::Ref), argread)
        << f->getName().str();
  }
  EXPECT_TRUE(verifies(mod));
}

TEST(CodegenRuntimeDecls, TablesGiveEverySymbolOneSignature) {
  llvm::LLVMContext ctx;
  llvm::Module mod("t", ctx);
  codegen::RuntimeDecls rt(mod);
  for (uint32_t i = 0; i < mir::rt_count(); ++i) {
    const auto fn = static_cast<mir::RtFn>(i);
    const mir::RtInfo& info = mir::rt_info(fn);
    llvm::Function* f = rt.get(fn);
    EXPECT_EQ(f->getName(), info.symbol);
    EXPECT_EQ(f->arg_size(), std::string(info.params).size() + (info.takes_loc ? 1 : 0)) << info.symbol;
    EXPECT_EQ(f->getReturnType()->isVoidTy(), info.result[0] == '-') << info.symbol;
    EXPECT_TRUE(f->doesNotThrow()) << info.symbol;
    EXPECT_EQ(rt.get(fn), f);  // declared once
  }
  for (codegen::Rt fn : {codegen::Rt::PanicAt, codegen::Rt::InternalError, codegen::Rt::Exit, codegen::Rt::Panic}) {
    llvm::Function* f = rt.get(fn);
    EXPECT_TRUE(f->doesNotReturn()) << f->getName().str();
    EXPECT_TRUE(f->doesNotThrow()) << f->getName().str();
  }
  EXPECT_TRUE(rt.get(codegen::Rt::PanicAt)->isVarArg());
  EXPECT_TRUE(rt.get(codegen::Rt::PanicAt)->hasFnAttribute(llvm::Attribute::Cold));
  EXPECT_TRUE(rt.get(codegen::Rt::EqI64F64)->doesNotAccessMemory());
  EXPECT_TRUE(rt.get(codegen::Rt::FpTag)->onlyReadsMemory());
  EXPECT_FALSE(rt.get(codegen::Rt::FpRelease)->onlyReadsMemory());
  EXPECT_TRUE(verifies(mod));
}

TEST(CodegenLiterals, StringLiteralsAreImmortalConstantObjects) {
  Lowered l(kHello);
  ASSERT_TRUE(l.mod);
  ASSERT_TRUE(verifies(*l.mod));
  const llvm::GlobalVariable* literal = nullptr;
  for (const llvm::GlobalVariable& g : l.mod->globals()) {
    auto* init = llvm::dyn_cast_or_null<llvm::ConstantStruct>(g.hasInitializer() ? g.getInitializer() : nullptr);
    if (init == nullptr || init->getNumOperands() != 3) continue;
    auto* bytes = llvm::dyn_cast<llvm::ConstantDataArray>(init->getOperand(2));
    if (bytes != nullptr && bytes->isString() && bytes->getAsString() == llvm::StringRef("hi\0", 3)) literal = &g;
  }
  ASSERT_NE(literal, nullptr) << l.ir();
  EXPECT_TRUE(literal->isConstant());
  EXPECT_EQ(literal->getAlign().valueOrOne().value(), 8u);
  auto* init = llvm::cast<llvm::ConstantStruct>(literal->getInitializer());
  auto* header = llvm::cast<llvm::ConstantStruct>(init->getOperand(0));
  EXPECT_EQ(llvm::cast<llvm::ConstantInt>(header->getOperand(0))->getZExtValue(), REML_RC_IMMORTAL);
  EXPECT_EQ(llvm::cast<llvm::ConstantInt>(header->getOperand(1))->getZExtValue(), REML_TAG_STRING);
  EXPECT_EQ(llvm::cast<llvm::ConstantInt>(init->getOperand(1))->getZExtValue(), 2u);
  // The payload (after the 8-byte header) is what print receives.
  const llvm::DataLayout& dl = l.mod->getDataLayout();
  EXPECT_EQ(dl.getStructLayout(llvm::cast<llvm::StructType>(init->getType()))->getElementOffset(1), 8u);
  auto prints = Lowered::calls_to(*l.fn("Main.main/0"), "reml_print_str");
  ASSERT_EQ(prints.size(), 1u);
  auto* arg = llvm::dyn_cast<llvm::ConstantExpr>(prints[0]->getArgOperand(0));
  ASSERT_NE(arg, nullptr);
  EXPECT_EQ(arg->getOperand(0), literal);
  // No allocation for literals.
  EXPECT_EQ(l.count_calls("reml_str_new"), 0u);
  EXPECT_EQ(l.count_calls("reml_str_new_immortal"), 0u);
}

TEST(CodegenCalls, CallMethodGoesThroughTheDispatcher) {
  Lowered l(R"hako(box Counter {
    n
    birth() { me.n = 0 }
    add(k) { me.n = me.n + k; return me.n }
  }
  static box Main {
    bump(c) { return c.add(2) }
    main() {
      local arr = new ArrayBox()
      print(me.bump(new Counter()))
      print(me.bump(arr))
      return 0
    }
  })hako");
  ASSERT_TRUE(l.mod);
  ASSERT_TRUE(verifies(*l.mod));
  llvm::Function* dispatch = l.fn("hako.dispatch.add/1");
  ASSERT_NE(dispatch, nullptr) << l.ir();
  EXPECT_TRUE(dispatch->hasInternalLinkage());
  EXPECT_EQ(Lowered::calls_to(*l.fn("Main.bump/1"), "hako.dispatch.add/1").size(), 1u);
  // The user method for Counter instances, the runtime for everything else.
  EXPECT_EQ(Lowered::calls_to(*dispatch, "Counter.add/1").size(), 1u);
  auto builtin = Lowered::calls_to(*dispatch, "reml_call_builtin");
  ASSERT_EQ(builtin.size(), 1u);
  // "add" is no built-in method: id -1, the name for the message.
  EXPECT_EQ(llvm::cast<llvm::ConstantInt>(builtin[0]->getArgOperand(1))->getSExtValue(), -1);
  EXPECT_EQ(llvm::cast<llvm::ConstantInt>(builtin[0]->getArgOperand(3))->getZExtValue(), 1u);
}

// A call_method whose name and arity few boxes have calls their methods
// directly after a test of the type tag, and the dispatcher for any other
// receiver.
TEST(CodegenCalls, CallMethodCallsTheFewOwnersDirectly) {
  Lowered l(R"hako(box A { area() { return 1 } }
  box B { area() { return 2 }; area(k) { return k } }
  box C { area(k) { return k * 2 } }
  static box Main {
    one(s) { return s.area() }
    two(s) { return s.area(5) }
    main() {
      print(me.one(new A())); print(me.one(new B())); print(me.two(new B())); print(me.two(new C()))
      return 0
    }
  })hako");
  ASSERT_TRUE(l.mod);
  ASSERT_TRUE(verifies(*l.mod));
  llvm::Function* one = l.fn("Main.one/1");
  ASSERT_NE(one, nullptr);
  EXPECT_EQ(Lowered::calls_to(*one, "A.area/0").size(), 1u);
  EXPECT_EQ(Lowered::calls_to(*one, "B.area/0").size(), 1u);
  EXPECT_EQ(Lowered::calls_to(*one, "hako.dispatch.area/0").size(), 1u);
  llvm::Function* two = l.fn("Main.two/1");
  ASSERT_NE(two, nullptr);
  EXPECT_EQ(Lowered::calls_to(*two, "B.area/1").size(), 1u);
  EXPECT_EQ(Lowered::calls_to(*two, "C.area/1").size(), 1u);
  EXPECT_TRUE(Lowered::calls_to(*two, "A.area/0").empty());
  EXPECT_EQ(Lowered::calls_to(*two, "hako.dispatch.area/1").size(), 1u);
}

TEST(CodegenCalls, BuiltinMethodIdsAreResolvedAtCompileTime) {
  Lowered l(R"hako(static box Main {
    size(x) { return x.length() }
    main() { print(me.size("abc")); print(me.size(new ArrayBox())); return 0 }
  })hako");
  ASSERT_TRUE(l.mod);
  ASSERT_TRUE(verifies(*l.mod));
  llvm::Function* dispatch = l.fn("hako.dispatch.length/0");
  ASSERT_NE(dispatch, nullptr) << l.ir();
  auto builtin = Lowered::calls_to(*dispatch, "reml_call_builtin");
  ASSERT_EQ(builtin.size(), 1u);
  EXPECT_EQ(llvm::cast<llvm::ConstantInt>(builtin[0]->getArgOperand(1))->getSExtValue(), REML_METHOD_LENGTH);
  EXPECT_TRUE(llvm::isa<llvm::ConstantPointerNull>(builtin[0]->getArgOperand(4)));  // no arguments
}

TEST(CodegenCalls, TailRecursionBecomesALoopThatCountsItsRounds) {
  Lowered l(R"hako(static box Main {
    down(n) { if n == 0 { return 0 }
      return me.down(n - 1) }
    fib(n) { if n < 2 { return n }
      return me.fib(n - 1) + me.fib(n - 2) }
    main() { local n = "0123456789".length()
      print(me.down(n)); print(me.fib(n)); return 0 }
  })hako");
  ASSERT_TRUE(l.mod);
  std::string error;
  std::unique_ptr<llvm::TargetMachine> tm = codegen::create_target_machine(kHost, false, error);
  ASSERT_TRUE(tm) << error;
  codegen::optimize_module(*l.mod, *tm, codegen::OptLevel::O2);
  ASSERT_TRUE(verifies(*l.mod));
  auto rounds_counted = [](llvm::Function& f) {
    for (llvm::Instruction& i : llvm::instructions(f))
      if (auto* phi = llvm::dyn_cast<llvm::PHINode>(&i))
        for (llvm::Value* in : phi->incoming_values())
          if (auto* c = llvm::dyn_cast<llvm::ConstantInt>(in); c && c->getZExtValue() == codegen::kTailRounds)
            return true;
    return false;
  };
  // Plain tail recursion: no call of itself is left, and running out of
  // rounds is still `Stack overflow` at the call (line 3); the loop may have
  // been inlined into main, or even folded into that one test.
  EXPECT_EQ(l.count_calls("Main.down/1"), 0u) << l.ir();
  bool overflow_at_self_call = false;
  for (llvm::Function& f : *l.mod)
    for (llvm::CallInst* c : Lowered::calls_to(f, "hako.stack_overflow")) {
      auto* loc = llvm::cast<llvm::GlobalVariable>(c->getArgOperand(0));
      auto* line = llvm::cast<llvm::ConstantInt>(llvm::cast<llvm::ConstantStruct>(loc->getInitializer())->getOperand(1));
      overflow_at_self_call = overflow_at_self_call || line->getZExtValue() == 3;
    }
  EXPECT_TRUE(overflow_at_self_call) << l.ir();
  // Accumulator form: one call stays, with its frame kept (notail).
  llvm::Function* fib = l.fn("Main.fib/1");
  ASSERT_NE(fib, nullptr) << l.ir();
  auto self = Lowered::calls_to(*fib, "Main.fib/1");
  ASSERT_EQ(self.size(), 1u) << l.ir();
  EXPECT_TRUE(self[0]->isNoTailCall());
  EXPECT_TRUE(rounds_counted(*fib)) << l.ir();
}

TEST(CodegenCalls, HakoCallsKeepTheirFramesAndCheckTheStack) {
  Lowered l(R"hako(static box Main {
    down(n) { if n == 0 { return 0 }
      return me.down(n - 1) }
    main() { print(me.down(10)); return 0 }
  })hako");
  ASSERT_TRUE(l.mod);
  ASSERT_TRUE(verifies(*l.mod));
  // A call of the function itself is left for tail recursion elimination at
  // -O2 (which then counts the rounds); every other Hako call is notail, so
  // no sibling call turns a recursion that overflows in the VM into a loop.
  auto self = Lowered::calls_to(*l.fn("Main.down/1"), "Main.down/1");
  ASSERT_EQ(self.size(), 1u);
  EXPECT_FALSE(self[0]->isNoTailCall());
  EXPECT_FALSE(self[0]->isTailCall());
  auto other = Lowered::calls_to(*l.fn("Main.main/0"), "Main.down/1");
  ASSERT_EQ(other.size(), 1u);
  EXPECT_TRUE(other[0]->isNoTailCall());
  // `Stack overflow` at the call's location, as in the VM.
  auto overflow = Lowered::calls_to(*l.fn("Main.down/1"), "hako.stack_overflow");
  ASSERT_EQ(overflow.size(), 1u);
  auto* loc = llvm::cast<llvm::GlobalVariable>(overflow[0]->getArgOperand(0));
  EXPECT_EQ(llvm::cast<llvm::ConstantInt>(llvm::cast<llvm::ConstantStruct>(loc->getInitializer())->getOperand(1))
                ->getZExtValue(),
            3u);
  llvm::Function* report = l.fn("hako.stack_overflow");
  EXPECT_TRUE(report->doesNotReturn());
  EXPECT_EQ(Lowered::calls_to(*report, "reml_stack_overflow").size(), 1u);  // the VM's message, from the runtime
  // main sets the limit before running the program.
  bool limit_set = false;
  for (llvm::Instruction& i : llvm::instructions(*l.fn("main")))
    if (auto* st = llvm::dyn_cast<llvm::StoreInst>(&i))
      limit_set = limit_set || st->getPointerOperand()->getName() == "hako.stack_limit";
  EXPECT_TRUE(limit_set);
}

TEST(CodegenArith, IntArithmeticWrapsAndShiftsAreMasked) {
  Lowered l(R"hako(static box Main {
    f(a, b) { return (a + b) * (a - b) + (a << b) + (a >> b) }
    main() { print(me.f(3, 70)); return 0 }
  })hako");
  ASSERT_TRUE(l.mod);
  ASSERT_TRUE(verifies(*l.mod));
  size_t arith = 0, masks = 0;
  for (llvm::Instruction& i : llvm::instructions(*l.fn("Main.f/2"))) {
    if (auto* op = llvm::dyn_cast<llvm::OverflowingBinaryOperator>(&i)) {
      ++arith;
      EXPECT_FALSE(op->hasNoSignedWrap());
      EXPECT_FALSE(op->hasNoUnsignedWrap());
    }
    if (i.getOpcode() == llvm::Instruction::And)
      if (auto* k = llvm::dyn_cast<llvm::ConstantInt>(i.getOperand(1)); k != nullptr && k->getZExtValue() == 63)
        ++masks;
  }
  EXPECT_GE(arith, 5u);
  EXPECT_EQ(masks, 2u);
}

TEST(CodegenArith, DivisionChecksOnlyWhereTheDivisorMayBeZeroOrMinusOne) {
  Lowered l(R"hako(static box Main {
    byThree(a) { return a / 3 }
    div(a, b) { return a / b }
    rem(a, b) { return a % b }
    main() { print(me.byThree(9) + me.div(7, 2) + me.rem(7, 2)); return 0 }
  })hako");
  ASSERT_TRUE(l.mod);
  ASSERT_TRUE(verifies(*l.mod));
  EXPECT_TRUE(Lowered::calls_to(*l.fn("Main.byThree/1"), "reml_i64_div").empty());
  auto div = Lowered::calls_to(*l.fn("Main.div/2"), "reml_i64_div");
  ASSERT_EQ(div.size(), 1u);
  EXPECT_EQ(Lowered::calls_to(*l.fn("Main.rem/2"), "reml_i64_mod").size(), 1u);
  // The runtime reports `Division by zero` at the operator's location.
  auto* loc = llvm::dyn_cast<llvm::GlobalVariable>(div[0]->getArgOperand(2));
  ASSERT_NE(loc, nullptr);
  auto* init = llvm::cast<llvm::ConstantStruct>(loc->getInitializer());
  EXPECT_EQ(llvm::cast<llvm::ConstantInt>(init->getOperand(1))->getZExtValue(), 3u);  // line
  EXPECT_GT(llvm::cast<llvm::ConstantInt>(init->getOperand(2))->getZExtValue(), 0u);  // column
  auto* file = llvm::cast<llvm::GlobalVariable>(init->getOperand(0));
  EXPECT_EQ(llvm::cast<llvm::ConstantDataArray>(file->getInitializer())->getAsCString(), "t.hako");
}

TEST(CodegenArith, FloatNotEqualIsTrueForNaN) {
  Lowered l(R"hako(static box Main {
    ne(a, b) { return a != b }
    lt(a, b) { return a < b }
    main() { print(me.ne(1.5, 2.5)); print(me.lt(1.5, 2.5)); return 0 }
  })hako");
  ASSERT_TRUE(l.mod);
  ASSERT_TRUE(verifies(*l.mod));
  auto predicate = [&](const char* fn) {
    for (llvm::Instruction& i : llvm::instructions(*l.fn(fn)))
      if (auto* c = llvm::dyn_cast<llvm::FCmpInst>(&i)) return c->getPredicate();
    return llvm::CmpInst::BAD_FCMP_PREDICATE;
  };
  EXPECT_EQ(predicate("Main.ne/2"), llvm::CmpInst::FCMP_UNE);
  EXPECT_EQ(predicate("Main.lt/2"), llvm::CmpInst::FCMP_OLT);
}

TEST(CodegenArith, BoolsAreI1AndInt64AtRuntimeCalls) {
  Lowered l(R"hako(static box Main {
    both(a, b) { return a < b && b < 10 }
    main() { print(me.both(1, 2)); return 0 }
  })hako");
  ASSERT_TRUE(l.mod);
  ASSERT_TRUE(verifies(*l.mod));
  EXPECT_TRUE(l.fn("Main.both/2")->getReturnType()->isIntegerTy(1));
  auto prints = Lowered::calls_to(*l.fn("Main.main/0"), "reml_print_bool");
  ASSERT_EQ(prints.size(), 1u);
  EXPECT_TRUE(prints[0]->getArgOperand(0)->getType()->isIntegerTy(64));
  EXPECT_TRUE(llvm::isa<llvm::ZExtInst>(prints[0]->getArgOperand(0)));
}

TEST(CodegenObjects, FieldAccessIsInlineWithRetainAndRelease) {
  Lowered l(R"hako(box P {
    x
    birth(v) { me.x = v }
    get() { return me.x }
  }
  static box Main { main() { local p = new P(4); print(p.get()); return 0 } })hako");
  ASSERT_TRUE(l.mod);
  ASSERT_TRUE(verifies(*l.mod));
  llvm::Function* get = l.fn("P.get/0");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(Lowered::calls_to(*get, "reml_fp_retain").size(), 1u);
  EXPECT_TRUE(Lowered::calls_to(*get, "reml_dyn_get_field").empty());
  bool field_load = false;
  for (llvm::Instruction& i : llvm::instructions(*get))
    if (auto* ld = llvm::dyn_cast<llvm::LoadInst>(&i))
      if (auto* gep = llvm::dyn_cast<llvm::GetElementPtrInst>(ld->getPointerOperand())) {
        llvm::APInt offset(64, 0);
        ASSERT_TRUE(gep->accumulateConstantOffset(l.mod->getDataLayout(), offset));
        EXPECT_EQ(offset.getZExtValue(), 8u);  // after reml_instance_t.flags
        field_load = true;
      }
  EXPECT_TRUE(field_load);
  // The store takes over the reference of the freshly boxed Int (no retain)
  // and releases the old value.
  llvm::Function* birth = l.fn("P.birth/1");
  EXPECT_EQ(Lowered::calls_to(*birth, "reml_fp_retain").size(), 0u);
  EXPECT_EQ(Lowered::calls_to(*birth, "reml_fp_release").size(), 1u);
  // `new` passes the box's field count, so -O2 code allocates inline.
  const std::vector<llvm::CallInst*> news = Lowered::calls_to(*l.fn("Main.main/0"), "reml_instance_new_n");
  ASSERT_EQ(news.size(), 1u);
  auto* fields = llvm::dyn_cast<llvm::ConstantInt>(news[0]->getArgOperand(1));
  ASSERT_NE(fields, nullptr);
  EXPECT_EQ(fields->getZExtValue(), 1u);  // P has one field, x
}

// A field of a Handle that few boxes declare: a switch on the type tag with
// one case per declaring box (its slot read inline; the FINALISED test only
// for the box with fini()), the lookup by name as the default. With more
// boxes than mir::kMaxGuardedOwners, the lookup by name alone.
TEST(CodegenObjects, HandleFieldsBySlotGuardedByTheTypeTag) {
  Lowered l(R"hako(box P { x; birth() { me.x = 1 }; fini() { } }
  box Q { y; x; birth() { me.x = 2 } }
  box W1 { w }
  box W2 { w }
  box W3 { w }
  box W4 { w }
  box W5 { w }
  static box Main {
    read(h) { return h.x }
    write(h, v) { h.x = v }
    many(h) { return h.w }
    main() {
      print(me.read(new P())); print(me.read(new Q())); me.write(new Q(), 3); me.write(new P(), 4)
      print(me.many(new W1())); print(me.many(new W5()))
      return 0
    }
  })hako");
  ASSERT_TRUE(l.mod);
  ASSERT_TRUE(verifies(*l.mod));
  // The tag cases of the one switch of `f`, and the constant byte offsets of
  // its loads from an instance (8 + 8k: slot k; 0: the flags word).
  auto switch_cases = [](llvm::Function& f) {
    std::vector<uint64_t> cases;
    for (llvm::Instruction& i : llvm::instructions(f))
      if (auto* sw = llvm::dyn_cast<llvm::SwitchInst>(&i)) {
        auto* tag = llvm::dyn_cast<llvm::CallInst>(sw->getCondition());
        EXPECT_TRUE(tag != nullptr && tag->getCalledFunction()->getName() == "reml_fp_tag");
        for (auto c : sw->cases()) cases.push_back(c.getCaseValue()->getZExtValue());
      }
    return cases;
  };
  auto load_offsets = [&](llvm::Function& f) {
    std::vector<uint64_t> offsets;
    for (llvm::Instruction& i : llvm::instructions(f))
      if (auto* ld = llvm::dyn_cast<llvm::LoadInst>(&i)) {
        llvm::Value* at = ld->getPointerOperand();
        if (llvm::isa<llvm::IntToPtrInst>(at)) offsets.push_back(0);
        if (auto* gep = llvm::dyn_cast<llvm::GetElementPtrInst>(at)) {
          llvm::APInt offset(64, 0);
          EXPECT_TRUE(gep->accumulateConstantOffset(l.mod->getDataLayout(), offset));
          offsets.push_back(offset.getZExtValue());
        }
      }
    return offsets;
  };
  llvm::Function* read = l.fn("Main.read/1");
  ASSERT_NE(read, nullptr);
  EXPECT_EQ(switch_cases(*read), (std::vector<uint64_t>{REML_TAG_USER_BASE + 0, REML_TAG_USER_BASE + 1}));
  EXPECT_EQ(load_offsets(*read), (std::vector<uint64_t>{0, 8, 16}));  // P: flags, x; Q: x
  EXPECT_EQ(Lowered::calls_to(*read, "reml_fp_retain").size(), 2u);
  EXPECT_EQ(Lowered::calls_to(*read, "reml_dyn_get_field").size(), 1u);

  llvm::Function* write = l.fn("Main.write/2");
  ASSERT_NE(write, nullptr);
  EXPECT_EQ(switch_cases(*write), (std::vector<uint64_t>{REML_TAG_USER_BASE + 0, REML_TAG_USER_BASE + 1}));
  // Each slot store retains the value (the caller keeps its reference) and
  // releases the old one; the lookup by name does both itself.
  EXPECT_EQ(Lowered::calls_to(*write, "reml_fp_retain").size(), 2u);
  EXPECT_EQ(Lowered::calls_to(*write, "reml_fp_release").size(), 2u);
  EXPECT_EQ(Lowered::calls_to(*write, "reml_dyn_set_field").size(), 1u);

  llvm::Function* many = l.fn("Main.many/1");
  ASSERT_NE(many, nullptr);
  EXPECT_TRUE(switch_cases(*many).empty());
  EXPECT_EQ(Lowered::calls_to(*many, "reml_dyn_get_field").size(), 1u);
}

TEST(CodegenObjects, DynamicOperatorsGoThroughFastPaths) {
  Lowered l(R"hako(box P {
    x
    bump(k) {
      me.x = me.x + k
      me.x = me.x * 2 - 1
      if me.x < 100 { print(me.x % 7) }
      if me.x == null { print(0) }
      if me.x { print(1) }
    }
  }
  static box Main { main() { local p = new P(); p.x = 1; p.bump(3); return 0 } })hako");
  ASSERT_TRUE(l.mod);
  ASSERT_TRUE(verifies(*l.mod));
  llvm::Function* bump = l.fn("P.bump/1");
  ASSERT_NE(bump, nullptr);
  for (const char* fp : {"reml_fp_add", "reml_fp_mul", "reml_fp_sub", "reml_fp_lt", "reml_fp_mod", "reml_fp_truthy"})
    EXPECT_EQ(Lowered::calls_to(*bump, fp).size(), 1u) << fp;
  for (const char* slow : {"reml_dyn_add", "reml_dyn_mul", "reml_dyn_sub", "reml_dyn_lt", "reml_dyn_mod", "reml_h_truthy"})
    EXPECT_TRUE(Lowered::calls_to(*bump, slow).empty()) << slow;
}

// At -O2 the fast paths of bench/methods.hako are inlined: no reml_fp_add
// call is left, and the reml_dyn_add calls that remain (the slow branch for
// anything but two small Ints) sit off the loop's hot path: none of them
// dominates a loop latch, so an iteration can run without calling them.
// cmake/fast_paths.cmake lists the triples it compiles the fast paths for;
// this is where that list is held to the table of targets. Each bitcode is
// compiled for its own triple and links into a module of that target.
TEST(CodegenObjects, FastPathBitcodeForEveryTarget) {
  EXPECT_EQ(codegen::kFastPathsBitcodeCount, base::targets().size());
  for (const base::TargetInfo& t : base::targets()) {
    SCOPED_TRACE(t.triple);
    const codegen::FastPathsBitcode* bitcode = codegen::fast_paths_for(t.triple);
    ASSERT_NE(bitcode, nullptr);
    std::string error;
    std::unique_ptr<llvm::TargetMachine> tm = codegen::create_target_machine(t.triple, true, error);
    ASSERT_TRUE(tm) << error;
    llvm::LLVMContext ctx;
    llvm::Module m("probe", ctx);
    m.setTargetTriple(t.triple);
    m.setDataLayout(tm->createDataLayout());
    // A caller of one fast path pulls its definition in.
    llvm::Type* i64 = llvm::Type::getInt64Ty(ctx);
    llvm::FunctionCallee box = m.getOrInsertFunction("reml_fp_box_i64", i64, i64);
    auto* f = llvm::Function::Create(llvm::FunctionType::get(i64, {i64}, false), llvm::GlobalValue::ExternalLinkage,
                                     "probe", m);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", f));
    b.CreateRet(b.CreateCall(box, {f->getArg(0)}));
    ASSERT_TRUE(codegen::link_fast_paths(m, error)) << error;
    llvm::Function* linked = m.getFunction("reml_fp_box_i64");
    ASSERT_NE(linked, nullptr);
    EXPECT_FALSE(linked->isDeclaration());
    EXPECT_TRUE(verifies(m));
  }
  std::string error;
  llvm::LLVMContext ctx;
  llvm::Module m("unknown", ctx);
  m.setTargetTriple("mips-unknown-linux-gnu");
  EXPECT_FALSE(codegen::link_fast_paths(m, error));
  EXPECT_NE(error.find("mips-unknown-linux-gnu"), std::string::npos) << error;
}

// A program of bench/ lowered to LLVM IR for the host, not yet linked with
// the fast paths nor optimised, and the target machine -O2 uses.
struct BenchModule {
  llvm::LLVMContext ctx;
  std::unique_ptr<llvm::TargetMachine> tm;
  std::unique_ptr<llvm::Module> mod;

  explicit BenchModule(const char* name) {
    const std::filesystem::path source = std::filesystem::path(HAKO_SOURCE_DIR) / "bench" / name;
    diag::DiagEngine diags;
    driver::Compilation c = driver::compile_source(source.string(), driver::PipelineOptions{}, diags);
    EXPECT_TRUE(c.module) << diags.render(diag::Format::Text);
    if (!c.module) return;
    std::string error;
    tm = codegen::create_target_machine(kHost, false, error);
    EXPECT_TRUE(tm) << error;
    if (!tm) return;
    mod = codegen::lower_to_llvm(*c.module, ctx, kHost, tm->createDataLayout(), false);
  }
};

TEST(CodegenObjects, HandleArithmeticFastPathInlinedAtO2) {
  BenchModule bench("methods.hako");
  std::unique_ptr<llvm::Module>& mod = bench.mod;
  std::unique_ptr<llvm::TargetMachine>& tm = bench.tm;
  ASSERT_TRUE(mod);
  std::string error;
  ASSERT_TRUE(codegen::link_fast_paths(*mod, error)) << error;
  codegen::optimize_module(*mod, *tm, codegen::OptLevel::O2);
  ASSERT_TRUE(verifies(*mod));
  size_t slow_calls = 0, loops = 0;
  for (llvm::Function& f : *mod) {
    if (f.isDeclaration()) continue;
    EXPECT_TRUE(Lowered::calls_to(f, "reml_fp_add").empty()) << f.getName().str();
    EXPECT_TRUE(Lowered::calls_to(f, "reml_fp_retain").empty()) << f.getName().str();
    llvm::DominatorTree dt(f);
    llvm::LoopInfo li(dt);
    std::vector<llvm::CallInst*> slow = Lowered::calls_to(f, "reml_dyn_add");
    slow_calls += slow.size();
    for (llvm::Loop* loop : li.getLoopsInPreorder()) {
      ++loops;
      llvm::SmallVector<llvm::BasicBlock*, 4> latches;
      loop->getLoopLatches(latches);
      for (llvm::CallInst* call : slow)
        for (llvm::BasicBlock* latch : latches)
          EXPECT_FALSE(dt.dominates(call->getParent(), latch)) << "reml_dyn_add on the hot path of " << f.getName().str();
    }
  }
  EXPECT_GE(loops, 1u);       // the benchmark's loop survived as a loop
  EXPECT_GE(slow_calls, 1u);  // the slow branch is still there for non-Ints
}

TEST(CodegenObjects, StaticFieldsAreZeroInitialisedHandles) {
  Lowered l(R"hako(static box Util { count
    bump() { me.count = 1 }
  }
  static box Main { main() { Util.bump(); return 0 } })hako");
  ASSERT_TRUE(l.mod);
  ASSERT_TRUE(verifies(*l.mod));
  llvm::GlobalVariable* g = l.mod->getGlobalVariable("Util.count", true);
  ASSERT_NE(g, nullptr) << l.ir();
  EXPECT_FALSE(g->isConstant());
  EXPECT_TRUE(g->hasInternalLinkage());
  EXPECT_TRUE(g->getValueType()->isIntegerTy(64));
  EXPECT_TRUE(g->getInitializer()->isNullValue());
}

TEST(CodegenGlue, MainIsTheOnlyExternalDefinition) {
  Lowered l(R"hako(box B { toString() { return "b" } }
  static box Main { main(args) { print(new B()); return args.length() } })hako");
  ASSERT_TRUE(l.mod);
  ASSERT_TRUE(verifies(*l.mod));
  for (llvm::Function& f : *l.mod) {
    if (f.isDeclaration()) continue;
    EXPECT_EQ(f.hasExternalLinkage(), f.getName() == "main") << f.getName().str();
  }
  llvm::Function* main = l.fn("main");
  ASSERT_NE(main, nullptr);
  EXPECT_TRUE(main->getReturnType()->isIntegerTy(32));
  ASSERT_EQ(main->arg_size(), 2u);
  for (const char* callee : {"reml_runtime_init", "reml_register_box_types", "reml_set_to_string_hook",
                             "reml_array_new", "reml_str_new", "Main.main/1", "reml_exit"})
    EXPECT_EQ(Lowered::calls_to(*main, callee).size(), 1u) << callee;
  // The hook calls B's toString for B instances.
  llvm::Function* hook = l.fn("hako.to_string_hook");
  ASSERT_NE(hook, nullptr);
  EXPECT_EQ(Lowered::calls_to(*hook, "B.toString/0").size(), 1u);
  // The box table says B has toString, Main does not.
  llvm::GlobalVariable* table = l.mod->getGlobalVariable("hako.box_types", true);
  ASSERT_NE(table, nullptr);
  auto* rows = llvm::cast<llvm::ConstantArray>(table->getInitializer());
  ASSERT_EQ(rows->getNumOperands(), l.mir->boxes.size());
  for (uint32_t b = 0; b < l.mir->boxes.size(); ++b) {
    auto* row = llvm::cast<llvm::ConstantStruct>(rows->getOperand(b));
    EXPECT_EQ(llvm::cast<llvm::ConstantInt>(row->getOperand(3))->getZExtValue(), l.mir->boxes[b].name == "B" ? 1u : 0u);
  }
}

TEST(CodegenGlue, VoidFunctionsReturnVoid) {
  Lowered l(R"hako(static box Main {
    say(s) { print(s) }
    main() { me.say("x"); return 0 }
  })hako");
  ASSERT_TRUE(l.mod);
  ASSERT_TRUE(verifies(*l.mod));
  llvm::Function* say = l.fn("Main.say/1");
  ASSERT_NE(say, nullptr);
  EXPECT_TRUE(say->getReturnType()->isVoidTy());
}

TEST(CodegenDebugInfo, LocationsMapToHakoLines) {
  Lowered l(R"hako(static box Main {
    f(a) {
      return a / 2
    }
    main() { print(me.f(8)); return 0 }
  })hako",
            /*debug_info=*/true);
  ASSERT_TRUE(l.mod);
  ASSERT_TRUE(verifies(*l.mod));
  EXPECT_NE(l.mod->getModuleFlag("Debug Info Version"), nullptr);
  EXPECT_NE(l.mod->getModuleFlag("Dwarf Version"), nullptr);
  EXPECT_EQ(l.mod->getModuleFlag("CodeView"), nullptr);
  for (llvm::Function& f : *l.mod) {
    if (!f.isDeclaration()) {
      EXPECT_NE(f.getSubprogram(), nullptr) << f.getName().str();
    }
  }
  llvm::DISubprogram* sp = l.fn("Main.f/1")->getSubprogram();
  EXPECT_EQ(sp->getFile()->getFilename(), "t.hako");
  bool line3 = false;
  for (llvm::Instruction& i : llvm::instructions(*l.fn("Main.f/1")))
    if (const llvm::DebugLoc& dl = i.getDebugLoc(); dl && dl.getLine() == 3) line3 = true;
  EXPECT_TRUE(line3);
}

TEST(CodegenDebugInfo, AbsentWithoutDashG) {
  Lowered l(kHello);
  ASSERT_TRUE(l.mod);
  EXPECT_EQ(l.mod->getModuleFlag("Debug Info Version"), nullptr);
  for (llvm::Function& f : *l.mod) {
    EXPECT_EQ(f.getSubprogram(), nullptr);
    for (llvm::Instruction& i : llvm::instructions(f)) EXPECT_FALSE(i.getDebugLoc());
  }
}

TEST(CodegenDebugInfo, CodeViewForWindows) {
  Lowered l(kHello, /*debug_info=*/true, "x86_64-pc-windows-msvc");
  ASSERT_TRUE(l.mod);
  ASSERT_TRUE(verifies(*l.mod));
  EXPECT_NE(l.mod->getModuleFlag("CodeView"), nullptr);
  EXPECT_EQ(l.mod->getModuleFlag("Dwarf Version"), nullptr);
}

TEST(CodegenTargets, EveryTripleLowersToAVerifiedModule) {
  for (const std::string& triple : codegen::supported_triples()) {
    Lowered l(R"hako(box P { x
      birth(v) { me.x = v }
      toString() { return "P" + me.x }
    }
    static box Main { main() { local p = new P(1.5); print(p); return 0 } })hako",
              true, triple);
    ASSERT_TRUE(l.mod) << triple;
    EXPECT_TRUE(verifies(*l.mod)) << triple;
    EXPECT_EQ(l.mod->getTargetTriple(), triple);
  }
}

// Every program of the run suite lowers (with and without -g) to a module
// the verifier accepts.
TEST(CodegenCorpus, EveryRunProgramVerifies) {
  const std::filesystem::path dir = std::filesystem::path(HAKO_SOURCE_DIR) / "tests" / "run";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".hako") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 100u) << dir;
  const llvm::DataLayout layout = layout_of(kHost);
  size_t lowered = 0;
  for (const auto& path : files) {
    diag::DiagEngine diags;
    driver::Compilation c = driver::compile_source(path.string(), driver::PipelineOptions{}, diags);
    if (!c.module) continue;  // a program that expects a compile error
    for (bool g : {false, true}) {
      llvm::LLVMContext ctx;
      std::unique_ptr<llvm::Module> mod = codegen::lower_to_llvm(*c.module, ctx, kHost, layout, g);
      EXPECT_TRUE(verifies(*mod)) << path.filename().string() << (g ? " -g" : "");
    }
    ++lowered;
  }
  EXPECT_GE(lowered, 100u);
}

// ArrayBox's entry points (runtime/src/array_layout.h) are inlined at -O2:
// the loops of bench/array.hako and bench/sieve.hako call none of them, and
// the out-of-line halves left (growing, an out-of-range set) dominate no
// loop latch.
TEST(CodegenObjects, ArrayFastPathsInlinedAtO2) {
  // HAKO_SOURCE_DIR, not __FILE__: ctest runs the test in the build tree,
  // where a relative __FILE__ names nothing.
  for (const char* name : {"array.hako", "sieve.hako"}) {
    SCOPED_TRACE(name);
    BenchModule bench(name);
    std::unique_ptr<llvm::Module>& mod = bench.mod;
    std::unique_ptr<llvm::TargetMachine>& tm = bench.tm;
    ASSERT_TRUE(mod);
    std::string error;
    // Before linking, the module calls the entry points: the test below is
    // about inlining, not about lowering choosing other functions.
    size_t entry_calls = 0;
    for (llvm::Function& f : *mod)
      for (const char* entry : {"reml_array_get", "reml_array_set", "reml_array_push", "reml_array_push_i"})
        entry_calls += Lowered::calls_to(f, entry).size();
    EXPECT_GE(entry_calls, 2u);
    ASSERT_TRUE(codegen::link_fast_paths(*mod, error)) << error;
    codegen::optimize_module(*mod, *tm, codegen::OptLevel::O2);
    ASSERT_TRUE(verifies(*mod));
    size_t loops = 0, slow_calls = 0;
    for (llvm::Function& f : *mod) {
      if (f.isDeclaration()) continue;
      // Bool boxing is a choice between two constants (docs/codegen.md,
      // "Bool"): no call of reml_box_bool is left.
      for (const char* entry : {"reml_array_get", "reml_array_set", "reml_array_set_i", "reml_array_push",
                                "reml_array_push_i", "reml_array_len", "reml_box_bool"})
        EXPECT_TRUE(Lowered::calls_to(f, entry).empty()) << entry << " called in " << f.getName().str();
      llvm::DominatorTree dt(f);
      llvm::LoopInfo li(dt);
      std::vector<llvm::CallInst*> slow = Lowered::calls_to(f, "reml_array_push_slow");
      for (llvm::CallInst* call : Lowered::calls_to(f, "reml_array_set_slow")) slow.push_back(call);
      // The truth of a Bool element is a compare: the out-of-line truthiness
      // is left for other kinds (a Void out of range), off the hot path.
      for (llvm::CallInst* call : Lowered::calls_to(f, "reml_h_truthy")) slow.push_back(call);
      slow_calls += slow.size();
      for (llvm::Loop* loop : li.getLoopsInPreorder()) {
        ++loops;
        llvm::SmallVector<llvm::BasicBlock*, 4> latches;
        loop->getLoopLatches(latches);
        for (llvm::CallInst* call : slow) {
          if (!loop->contains(call->getParent())) continue;
          for (llvm::BasicBlock* latch : latches) {
            EXPECT_FALSE(dt.dominates(call->getParent(), latch))
                << call->getCalledFunction()->getName().str() << " on the hot path of " << f.getName().str();
          }
        }
      }
    }
    EXPECT_GE(loops, 2u);       // the benchmark's loops survived as loops
    EXPECT_GE(slow_calls, 1u);  // the growth path is still there, out of line
  }
}

// The allocation of an instance from the size-class cache is inline in -O2
// code (docs/codegen.md, "Allocation"): bench/binary_trees.hako calls
// reml_instance_new_n before the fast paths are linked and not after; what
// is left is reml_alloc_object, the slow path, which dominates no latch of
// the benchmark's loops.
TEST(CodegenObjects, InstanceAllocationInlinedAtO2) {
  BenchModule bench("binary_trees.hako");
  std::unique_ptr<llvm::Module>& mod = bench.mod;
  std::unique_ptr<llvm::TargetMachine>& tm = bench.tm;
  ASSERT_TRUE(mod);
  std::string error;
  size_t before = 0;
  for (llvm::Function& f : *mod) before += Lowered::calls_to(f, "reml_instance_new_n").size();
  EXPECT_GE(before, 1u);
  ASSERT_TRUE(codegen::link_fast_paths(*mod, error)) << error;
  codegen::optimize_module(*mod, *tm, codegen::OptLevel::O2);
  ASSERT_TRUE(verifies(*mod));
  size_t slow_calls = 0;
  for (llvm::Function& f : *mod) {
    if (f.isDeclaration()) continue;
    EXPECT_TRUE(Lowered::calls_to(f, "reml_instance_new_n").empty()) << "called in " << f.getName().str();
    llvm::DominatorTree dt(f);
    llvm::LoopInfo li(dt);
    std::vector<llvm::CallInst*> slow = Lowered::calls_to(f, "reml_alloc_object");
    slow_calls += slow.size();
    for (llvm::Loop* loop : li.getLoopsInPreorder()) {
      llvm::SmallVector<llvm::BasicBlock*, 4> latches;
      loop->getLoopLatches(latches);
      for (llvm::CallInst* call : slow) {
        if (!loop->contains(call->getParent())) continue;
        for (llvm::BasicBlock* latch : latches)
          EXPECT_FALSE(dt.dominates(call->getParent(), latch)) << "reml_alloc_object on the hot path of "
                                                               << f.getName().str();
      }
    }
  }
  EXPECT_GE(slow_calls, 1u);  // the cache-miss path is still there, out of line
}

}  // namespace
}  // namespace hako
