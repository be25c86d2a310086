// Debug information for -g: one DICompileUnit for the .hako file, a
// DISubprogram per function and a DILocation per instruction, so debuggers
// and symbolizers map machine code back to .hako lines. DWARF, or CodeView
// for windows-msvc triples.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <llvm/IR/DIBuilder.h>
#include <llvm/IR/DebugInfoMetadata.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/Module.h>

namespace hako::codegen {

class DebugInfo {
 public:
  // Starts the compile unit of `source_path` in `mod` and adds the module
  // flags ("Debug Info Version"; "Dwarf Version", or "CodeView" on
  // windows-msvc `triple`).
  DebugInfo(llvm::Module& mod, const std::string& source_path, const std::string& triple);

  // Attaches a DISubprogram named `name` starting at `line` to `fn`;
  // `artificial` marks compiler-generated glue (main wrapper, dispatchers).
  llvm::DISubprogram* attach(llvm::Function* fn, const std::string& name, uint32_t line, bool artificial);
  // The location line:col in `sp` (line 0: code with no source line).
  llvm::DILocation* location(llvm::DISubprogram* sp, uint32_t line, uint32_t col);
  // Resolves the debug metadata; call once, after the last function.
  void finish();

 private:
  llvm::LLVMContext& ctx_;
  std::unique_ptr<llvm::DIBuilder> builder_;
  llvm::DIFile* file_ = nullptr;
  llvm::DISubroutineType* fn_type_ = nullptr;
};

}  // namespace hako::codegen
