// Optimisation: LLVM's new pass manager default pipelines.
#pragma once

#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

#include "codegen/codegen.h"

namespace hako::codegen {

// Runs buildO0DefaultPipeline (-O0: always-inline and the like only) or
// buildPerModuleDefaultPipeline(O2) (-O2) on `m`, with `tm`'s target
// information for cost models. At -O2 the pipeline starts with tail
// recursion elimination (codegen/tail_recursion.h).
void optimize_module(llvm::Module& m, llvm::TargetMachine& tm, OptLevel level);

}  // namespace hako::codegen
