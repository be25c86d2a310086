#include "codegen/tail_recursion.h"

#include <map>
#include <memory>

#include <llvm/IR/CFG.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Module.h>
#include <llvm/Transforms/Scalar/TailRecursionElimination.h>

#include "codegen/llvm_lowering.h"

namespace hako::codegen {

namespace {

using SelfCallCounts = std::map<const llvm::Function*, size_t>;

size_t count_self_calls(llvm::Function& f) {
  size_t n = 0;
  for (llvm::BasicBlock& bb : f)
    for (llvm::Instruction& i : bb)
      if (auto* c = llvm::dyn_cast<llvm::CallInst>(&i); c && c->getCalledFunction() == &f) ++n;
  return n;
}

// The i1 `llvm.frameaddress(0) < hako.stack_limit` of the lowering's entry
// block (FunctionState::stack_exhausted), or null.
llvm::ICmpInst* find_stack_test(llvm::Function& f) {
  const llvm::GlobalVariable* limit = f.getParent()->getNamedGlobal("hako.stack_limit");
  if (limit == nullptr) return nullptr;
  for (llvm::BasicBlock& bb : f)
    for (llvm::Instruction& i : bb)
      if (auto* load = llvm::dyn_cast<llvm::LoadInst>(&i); load && load->getPointerOperand() == limit)
        for (llvm::User* u : load->users())
          if (auto* cmp = llvm::dyn_cast<llvm::ICmpInst>(u)) return cmp;
  return nullptr;
}

// Records how many times each function calls itself before elimination.
struct RecordSelfCalls : llvm::PassInfoMixin<RecordSelfCalls> {
  std::shared_ptr<SelfCallCounts> counts;
  llvm::PreservedAnalyses run(llvm::Function& f, llvm::FunctionAnalysisManager&) {
    (*counts)[&f] = count_self_calls(f);
    return llvm::PreservedAnalyses::all();
  }
};

// Tail recursion elimination made the old entry block the header of a loop
// (a new entry block jumps to it, and each removed call jumps back to it).
// A phi counts the rounds left, down from kTailRounds, and the stack test,
// computed in the header, also holds once it reaches 0: the check in front
// of each removed call then reports `Stack overflow` at that call's
// location, as the VM does for a recursion that never ends.
void count_rounds(llvm::Function& f, llvm::ICmpInst* test) {
  llvm::BasicBlock& entry = f.getEntryBlock();
  auto* jump = llvm::dyn_cast<llvm::BranchInst>(entry.getTerminator());
  if (jump == nullptr || jump->isConditional() || test->getParent() != jump->getSuccessor(0))
    throw UnhandledMir{"tail recursion eliminated in " + f.getName().str() +
                       " without the stack test in the loop header"};
  llvm::BasicBlock* header = jump->getSuccessor(0);
  llvm::Type* i64 = llvm::Type::getInt64Ty(f.getContext());

  llvm::IRBuilder<> b(header, header->getFirstInsertionPt());
  llvm::PHINode* left = b.CreatePHI(i64, 2, "tail.left");
  std::map<llvm::BasicBlock*, llvm::Value*> next;  // one decrement per back-edge block
  for (llvm::BasicBlock* pred : llvm::predecessors(header)) {
    if (pred == &entry) {
      left->addIncoming(llvm::ConstantInt::get(i64, kTailRounds), pred);
      continue;
    }
    auto [it, fresh] = next.try_emplace(pred, nullptr);
    if (fresh) {
      llvm::IRBuilder<> pb(pred->getTerminator());
      it->second = pb.CreateSub(left, llvm::ConstantInt::get(i64, 1), "tail.left.next", /*HasNUW=*/true);
    }
    left->addIncoming(it->second, pred);
  }

  b.SetInsertPoint(test->getNextNode());
  llvm::Value* spent = b.CreateICmpEQ(left, llvm::ConstantInt::get(i64, 0), "tail.spent");
  llvm::Value* either = b.CreateOr(test, spent, "stack.exhausted.or_spent");
  test->replaceUsesWithIf(either, [&](llvm::Use& u) { return u.getUser() != either; });
}

// Guards the loops elimination made in lowered Hako functions (those with
// a stack test; the runtime's fast-path bitcode has none and keeps C's
// semantics) and puts `notail` back on their self calls.
struct GuardTailLoops : llvm::PassInfoMixin<GuardTailLoops> {
  std::shared_ptr<SelfCallCounts> counts;
  llvm::PreservedAnalyses run(llvm::Function& f, llvm::FunctionAnalysisManager&) {
    llvm::ICmpInst* test = find_stack_test(f);
    if (test == nullptr) return llvm::PreservedAnalyses::all();
    bool changed = false;
    if (auto it = counts->find(&f); it != counts->end() && count_self_calls(f) < it->second) {
      count_rounds(f, test);
      changed = true;
    }
    for (llvm::BasicBlock& bb : f)
      for (llvm::Instruction& i : bb)
        if (auto* c = llvm::dyn_cast<llvm::CallInst>(&i); c && c->getCalledFunction() == &f && !c->isNoTailCall()) {
          c->setTailCallKind(llvm::CallInst::TCK_NoTail);
          changed = true;
        }
    return changed ? llvm::PreservedAnalyses::none() : llvm::PreservedAnalyses::all();
  }
};

}  // namespace

void add_tail_recursion_passes(llvm::FunctionPassManager& fpm) {
  auto counts = std::make_shared<SelfCallCounts>();
  fpm.addPass(RecordSelfCalls{{}, counts});
  fpm.addPass(llvm::TailCallElimPass());
  fpm.addPass(GuardTailLoops{{}, counts});
}

}  // namespace hako::codegen
