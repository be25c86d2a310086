#include "codegen/optimize.h"

#include <llvm/Analysis/CGSCCPassManager.h>
#include <llvm/Analysis/LoopAnalysisManager.h>
#include <llvm/IR/PassManager.h>
#include <llvm/Passes/OptimizationLevel.h>
#include <llvm/Passes/PassBuilder.h>

#include "codegen/tail_recursion.h"

namespace hako::codegen {

void optimize_module(llvm::Module& m, llvm::TargetMachine& tm, OptLevel level) {
  // The four analysis managers must outlive the pipeline and be destroyed in
  // reverse order of registration (LLVM's documented setup).
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(&tm);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  // Tail recursion first, while each self call is still one (the inliner
  // has not copied it) and before anything else can mark it `tail`.
  pb.registerPipelineStartEPCallback([](llvm::ModulePassManager& start, llvm::OptimizationLevel) {
    llvm::FunctionPassManager fpm;
    add_tail_recursion_passes(fpm);
    start.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(fpm)));
  });

  llvm::ModulePassManager mpm = level == OptLevel::O2
                                    ? pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2)
                                    : pb.buildO0DefaultPipeline(llvm::OptimizationLevel::O0);
  mpm.run(m, mam);
}

}  // namespace hako::codegen
