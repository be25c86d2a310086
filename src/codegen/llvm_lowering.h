// The lowering entry point: a verified MIR module to a new LLVM module. The
// driver half (codegen.cpp) owns the context, target and passes and calls
// this once per compilation.
#pragma once

#include <memory>
#include <string>

#include <llvm/IR/DataLayout.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include "mir/mir.h"

namespace hako::codegen {

// A MIR instruction a lowering handler does not handle, or one it lowered
// to no value: a hakoc bug. lower_to_llvm throws it; compile() reports it
// as an internal compiler error instead of emitting code that yields Void.
struct UnhandledMir {
  std::string what;
};

// Lowers a verified MIR module into a new LLVM module for `triple` with
// `layout`; debug info when `debug_info`. The result passes llvm::verifyModule.
// Throws UnhandledMir on an instruction the lowering does not handle.
std::unique_ptr<llvm::Module> lower_to_llvm(const mir::Module& m, llvm::LLVMContext& ctx,
                                            const std::string& triple, const llvm::DataLayout& layout,
                                            bool debug_info);

}  // namespace hako::codegen
