// Debug information for -g: one DICompileUnit for the main .hako file, a
// DIFile per source file of the program (the files its `using` lines name
// too), a DISubprogram per function in the file it is written in and a
// DILocation per instruction, so debuggers and symbolizers map machine code
// back to .hako lines. DWARF, or CodeView for windows-msvc triples.
#pragma once

#include <cstdint>
#include <memory>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <llvm/IR/DIBuilder.h>
#include <llvm/IR/DebugInfoMetadata.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/Module.h>

namespace hako::codegen {

class DebugInfo {
 public:
  // Starts the compile unit of `sources[0]` (the main file; "" when the
  // module lists none) in `mod`, makes a DIFile for every source, and adds
  // the module flags ("Debug Info Version"; "Dwarf Version", or "CodeView"
  // on windows-msvc `triple`).
  DebugInfo(llvm::Module& mod, const std::vector<std::string>& sources, const std::string& triple);

  // Attaches a DISubprogram named `name` starting at `line` of source file
  // `file` (an index into the module's sources) to `fn`; `artificial` marks
  // compiler-generated glue (main wrapper, dispatchers).
  llvm::DISubprogram* attach(llvm::Function* fn, const std::string& name, uint32_t file, uint32_t line,
                             bool artificial);
  // The location line:col of source file `file` in `sp` (line 0: code with
  // no source line); in another file than sp's, through a lexical block of
  // that file.
  llvm::DILocation* location(llvm::DISubprogram* sp, uint32_t file, uint32_t line, uint32_t col);
  // Resolves the debug metadata; call once, after the last function.
  void finish();

 private:
  llvm::LLVMContext& ctx_;
  std::unique_ptr<llvm::DIBuilder> builder_;
  // The DIFile of source `i` (files_[0] is the compile unit's).
  llvm::DIFile* file(uint32_t i) const { return i < files_.size() ? files_[i] : files_[0]; }

  std::vector<llvm::DIFile*> files_;
  // Scopes of `sp` in a file other than its own.
  std::map<std::pair<llvm::DISubprogram*, uint32_t>, llvm::DIScope*> file_scopes_;
  llvm::DISubroutineType* fn_type_ = nullptr;
};

}  // namespace hako::codegen
