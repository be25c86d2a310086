#include "codegen/fast_paths.h"

#include <vector>

#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/GlobalVariable.h>
#include <llvm/Linker/Linker.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>

namespace hako::codegen {

namespace {

// Makes the bitcode fit `dest` exactly: its triple spelling and layout, no
// CPU or feature attributes (the module's target machine decides; clang's
// defaults would block inlining into functions without them), and no module
// flags that could conflict with the destination's (PIC/PIE level).
void retarget(llvm::Module& src, const llvm::Module& dest) {
  src.setTargetTriple(dest.getTargetTriple());
  src.setDataLayout(dest.getDataLayout());
  if (llvm::NamedMDNode* flags = src.getModuleFlagsMetadata()) src.eraseNamedMetadata(flags);
  if (llvm::NamedMDNode* ident = src.getNamedMetadata("llvm.ident")) src.eraseNamedMetadata(ident);
  for (llvm::Function& f : src) {
    f.removeFnAttr("target-cpu");
    f.removeFnAttr("target-features");
    f.removeFnAttr("tune-cpu");
  }
}

}  // namespace

const FastPathsBitcode* fast_paths_for(const std::string& triple) {
  for (size_t i = 0; i < kFastPathsBitcodeCount; ++i)
    if (triple == kFastPathsBitcode[i].triple) return &kFastPathsBitcode[i];
  return nullptr;
}

bool link_fast_paths(llvm::Module& m, std::string& error) {
  const FastPathsBitcode* bitcode = fast_paths_for(m.getTargetTriple());
  if (bitcode == nullptr) {
    error = "no fast-path bitcode for the target '" + m.getTargetTriple() + "'";
    return false;
  }
  llvm::StringRef bytes(reinterpret_cast<const char*>(bitcode->bytes), bitcode->size);
  llvm::Expected<std::unique_ptr<llvm::Module>> parsed =
      llvm::parseBitcodeFile(llvm::MemoryBufferRef(bytes, "fast_paths.bc"), m.getContext());
  if (!parsed) {
    error = "cannot read the embedded fast-path bitcode: " + llvm::toString(parsed.takeError());
    return false;
  }
  std::unique_ptr<llvm::Module> src = std::move(*parsed);
  retarget(*src, m);

  // The exported fast paths; their internal helpers come along as needed.
  std::vector<std::string> exported;
  for (const llvm::Function& f : *src)
    if (!f.isDeclaration() && f.hasExternalLinkage()) exported.push_back(f.getName().str());
  // The exported constants (the two Bool objects): their contents let the
  // optimiser fold the count checks of a value it knows is a Bool.
  std::vector<std::string> constants;
  for (const llvm::GlobalVariable& g : src->globals())
    if (g.hasInitializer() && g.isConstant() && g.hasExternalLinkage()) constants.push_back(g.getName().str());

  // LinkOnlyNeeded: only the fast paths this module calls.
  if (llvm::Linker::linkModules(m, std::move(src), llvm::Linker::Flags::LinkOnlyNeeded)) {
    error = "cannot link the fast-path bitcode into the module";
    return false;
  }
  // Always inlined: each is a few instructions around a call of its slow
  // path, and the inliner's cost model would otherwise keep the larger ones
  // (a MapBox probe loop) out of line, where they cost a call and a frame.
  for (const std::string& name : exported) {
    llvm::Function* f = m.getFunction(name);
    if (!f || f->isDeclaration()) continue;
    f->setLinkage(llvm::GlobalValue::AvailableExternallyLinkage);
    f->addFnAttr(llvm::Attribute::AlwaysInline);
  }
  // available_externally: the initializer is known, the symbol stays the
  // library's (one object, whatever module refers to it).
  for (const std::string& name : constants) {
    llvm::GlobalVariable* g = m.getGlobalVariable(name);
    if (!g || g->isDeclaration()) continue;
    g->setLinkage(llvm::GlobalValue::AvailableExternallyLinkage);
  }
  return true;
}

}  // namespace hako::codegen
