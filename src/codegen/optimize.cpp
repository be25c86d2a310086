#include "codegen/optimize.h"

#include <llvm/Analysis/CGSCCPassManager.h>
#include <llvm/Analysis/LoopAnalysisManager.h>
#include <llvm/IR/PassManager.h>
#include <llvm/Passes/OptimizationLevel.h>
#include <llvm/Passes/PassBuilder.h>

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

  llvm::ModulePassManager mpm = level == OptLevel::O2
                                    ? pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2)
                                    : pb.buildO0DefaultPipeline(llvm::OptimizationLevel::O0);
  mpm.run(m, mam);
}

}  // namespace hako::codegen
