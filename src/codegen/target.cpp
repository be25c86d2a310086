#include "codegen/target.h"

#include <mutex>

#include <llvm/MC/TargetRegistry.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/Triple.h>

#include "base/targets.h"
#include "codegen/codegen.h"

namespace hako::codegen {

namespace {

// Registers exactly the two back ends hakoc links (not InitializeAll*, which
// would need every target's libraries).
void initialize_targets() {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
    LLVMInitializeX86AsmParser();
    LLVMInitializeAArch64TargetInfo();
    LLVMInitializeAArch64Target();
    LLVMInitializeAArch64TargetMC();
    LLVMInitializeAArch64AsmPrinter();
    LLVMInitializeAArch64AsmParser();
  });
}

// The CPU each triple's C compilers assume by default, so objects run on
// every machine of that target.
const char* default_cpu(const llvm::Triple& t) {
  if (t.getArch() == llvm::Triple::x86_64) return "x86-64";
  if (t.isOSDarwin()) return "apple-m1";
  return "generic";
}

}  // namespace

const std::vector<std::string>& supported_triples() {
  static const std::vector<std::string> triples = [] {
    std::vector<std::string> out;
    for (const base::TargetInfo& t : base::targets()) out.push_back(t.triple);
    return out;
  }();
  return triples;
}

std::string supported_triples_text() {
  const auto& t = supported_triples();
  std::string text;
  for (size_t i = 0; i < t.size(); ++i) {
    if (i > 0) text += i + 1 == t.size() ? " or " : ", ";
    text += t[i];
    if (i == 0) text += " (default)";
  }
  return text;
}

bool is_supported_triple(const std::string& triple) {
  for (const auto& t : supported_triples())
    if (t == triple) return true;
  return false;
}

bool check_triple(const std::string& triple, diag::DiagEngine& diags) {
  if (is_supported_triple(triple)) return true;
  diags.report_path(diag::Kind::UnknownTarget, "hakoc",
                    "Unknown target '" + triple + "'; supported: " + supported_triples_text() + ".");
  return false;
}

bool runs_on_host(const std::string& triple) {
  llvm::Triple target(triple);
  llvm::Triple host(llvm::sys::getProcessTriple());
  return target.getArch() == host.getArch() && target.getOS() == host.getOS();
}

std::unique_ptr<llvm::TargetMachine> create_target_machine(const std::string& triple, bool optimize,
                                                           std::string& error) {
  initialize_targets();
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target) return nullptr;
  llvm::Triple t(triple);
  std::optional<llvm::Reloc::Model> reloc;
  if (t.isOSBinFormatELF()) reloc = llvm::Reloc::PIC_;
  llvm::TargetOptions options;
  auto level = optimize ? llvm::CodeGenOptLevel::Default : llvm::CodeGenOptLevel::None;
  std::unique_ptr<llvm::TargetMachine> tm(
      target->createTargetMachine(triple, default_cpu(t), "", options, reloc, std::nullopt, level));
  if (!tm) error = "LLVM cannot create a target machine for '" + triple + "'";
  return tm;
}

}  // namespace hako::codegen
