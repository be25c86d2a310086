#include "codegen/debug_info.h"

#include <llvm/ADT/SmallString.h>
#include <llvm/BinaryFormat/Dwarf.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/TargetParser/Triple.h>

namespace hako::codegen {

namespace {

// The DIFile of `source_path`: an absolute path as its directory and name,
// a relative one relative to the current directory, which makes it
// resolvable from the debugger.
llvm::DIFile* make_file(llvm::DIBuilder& builder, const std::string& source_path) {
  llvm::SmallString<256> dir;
  llvm::StringRef parent = llvm::sys::path::parent_path(source_path);
  if (llvm::sys::path::is_absolute(source_path)) {
    dir = parent;
  } else if (llvm::sys::fs::current_path(dir)) {
    dir = ".";
  }
  llvm::StringRef name = source_path;
  if (llvm::sys::path::is_absolute(source_path)) name = llvm::sys::path::filename(source_path);
  return builder.createFile(name, dir);
}

}  // namespace

DebugInfo::DebugInfo(llvm::Module& mod, const std::vector<std::string>& sources, const std::string& triple)
    : ctx_(mod.getContext()), builder_(std::make_unique<llvm::DIBuilder>(mod)) {
  if (sources.empty()) files_.push_back(make_file(*builder_, ""));
  for (const std::string& path : sources) files_.push_back(make_file(*builder_, path));
  // No DWARF language code exists for Hako; C is what debuggers handle best
  // for code without types.
  builder_->createCompileUnit(llvm::dwarf::DW_LANG_C, files_[0], "hakoc", /*isOptimized=*/false, "", 0);
  fn_type_ = builder_->createSubroutineType(builder_->getOrCreateTypeArray({}));

  mod.addModuleFlag(llvm::Module::Warning, "Debug Info Version", llvm::DEBUG_METADATA_VERSION);
  const llvm::Triple t(triple);
  if (t.isWindowsMSVCEnvironment()) {
    mod.addModuleFlag(llvm::Module::Warning, "CodeView", 1);
  } else {
    // Apple's tools default to DWARF 4; elsewhere DWARF 5 is the norm.
    mod.addModuleFlag(llvm::Module::Max, "Dwarf Version", t.isOSDarwin() ? 4 : 5);
  }
}

llvm::DISubprogram* DebugInfo::attach(llvm::Function* fn, const std::string& name, uint32_t file, uint32_t line,
                                      bool artificial) {
  llvm::DINode::DIFlags flags = llvm::DINode::FlagPrototyped;
  if (artificial) flags |= llvm::DINode::FlagArtificial;
  llvm::DISubprogram::DISPFlags sp_flags = llvm::DISubprogram::SPFlagDefinition;
  if (fn->hasLocalLinkage()) sp_flags |= llvm::DISubprogram::SPFlagLocalToUnit;
  llvm::DISubprogram* sp =
      builder_->createFunction(this->file(file), name, fn->getName(), this->file(file), line, fn_type_, line, flags,
                               sp_flags);
  fn->setSubprogram(sp);
  return sp;
}

llvm::DILocation* DebugInfo::location(llvm::DISubprogram* sp, uint32_t file, uint32_t line, uint32_t col) {
  llvm::DIFile* f = this->file(file);
  if (f == sp->getFile()) return llvm::DILocation::get(ctx_, line, col, sp);
  auto [it, fresh] = file_scopes_.try_emplace({sp, file}, nullptr);
  if (fresh) it->second = builder_->createLexicalBlockFile(sp, f);
  return llvm::DILocation::get(ctx_, line, col, it->second);
}

void DebugInfo::finish() { builder_->finalize(); }

}  // namespace hako::codegen
