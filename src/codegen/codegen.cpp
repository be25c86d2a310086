// compile(): target machine → lowering → verifier → (-O2: fast paths) →
// pass pipeline → textual IR, assembly or object bytes.
#include "codegen/codegen.h"

#include <llvm/IR/DiagnosticInfo.h>
#include <llvm/IR/DiagnosticPrinter.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/CodeGen.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/TargetParser/Triple.h>

#include "codegen/fast_paths.h"
#include "codegen/llvm_lowering.h"
#include "codegen/optimize.h"
#include "codegen/target.h"

namespace hako::codegen {

namespace {

// LLVM reports some problems (a failed module link, a back-end error)
// through the context; the default handler would exit the process on an
// error, so they are collected here and turned into diagnostics instead.
struct LlvmProblems {
  std::string first_error;
};

void collect_llvm_diagnostic(const llvm::DiagnosticInfo* info, void* context) {
  if (info->getSeverity() != llvm::DS_Error) return;
  auto* problems = static_cast<LlvmProblems*>(context);
  if (!problems->first_error.empty()) return;
  llvm::raw_string_ostream os(problems->first_error);
  llvm::DiagnosticPrinterRawOStream printer(os);
  info->print(printer);
}

// The first line of the verifier's report: enough for a one-line diagnostic.
std::string first_line(const std::string& text) {
  size_t end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end);
}

// Reports an internal error (a hakoc bug, never the user's input) with `what`.
void internal_error(diag::DiagEngine& diags, const mir::Module& m, diag::Kind kind, const std::string& what) {
  diags.report_path(kind, m.main_source(), "internal compiler error: " + what);
}

// Clang's settings for a PIE executable on ELF: definitions are local to
// the executable, so calls between them need no PLT or GOT. Other formats
// keep LLVM's defaults.
void set_executable_model(llvm::Module& m, const llvm::Triple& triple) {
  if (!triple.isOSBinFormatELF()) return;
  m.setPICLevel(llvm::PICLevel::BigPIC);
  m.setPIELevel(llvm::PIELevel::Large);
  for (llvm::GlobalValue& gv : m.global_values())
    if (!gv.isDeclaration() && !gv.hasLocalLinkage() && !gv.hasAvailableExternallyLinkage()) gv.setDSOLocal(true);
}

// Emits `m` as `kind` with `tm`; false when the target cannot.
bool emit(llvm::Module& m, llvm::TargetMachine& tm, OutputKind kind, std::string& out) {
  llvm::raw_string_ostream text(out);
  if (kind == OutputKind::LlvmIr) {
    m.print(text, nullptr);
    return true;
  }
  llvm::SmallString<0> bytes;
  llvm::raw_svector_ostream os(bytes);
  llvm::legacy::PassManager pm;  // LLVM 19's code generator runs on the legacy pass manager only
  auto type = kind == OutputKind::Asm ? llvm::CodeGenFileType::AssemblyFile : llvm::CodeGenFileType::ObjectFile;
  if (tm.addPassesToEmitFile(pm, os, nullptr, type)) return false;
  pm.run(m);
  out.assign(bytes.data(), bytes.size());
  return true;
}

}  // namespace

std::optional<std::string> compile(const mir::Module& m, const CodegenOptions& options, OutputKind kind,
                                   diag::DiagEngine& diags) {
  if (!check_triple(options.triple, diags)) return std::nullopt;
  std::string error;
  std::unique_ptr<llvm::TargetMachine> tm = create_target_machine(options.triple, options.opt == OptLevel::O2, error);
  if (!tm) {
    diags.report_path(diag::Kind::TargetError, "hakoc", "Cannot generate code for '" + options.triple + "': " + error);
    return std::nullopt;
  }

  llvm::LLVMContext context;
  LlvmProblems problems;
  context.setDiagnosticHandlerCallBack(collect_llvm_diagnostic, &problems);
  llvm::DataLayout layout = tm->createDataLayout();
  std::unique_ptr<llvm::Module> module;
  try {
    module = lower_to_llvm(m, context, options.triple, layout, options.debug_info);
  } catch (const UnhandledMir& bug) {
    internal_error(diags, m, diag::Kind::LlvmVerify, bug.what);
    return std::nullopt;
  }
  module->setTargetTriple(options.triple);
  module->setDataLayout(layout);

  // Every build, not only debug ones: invalid IR would crash or miscompile
  // later, far from its cause.
  std::string report;
  llvm::raw_string_ostream report_os(report);
  if (llvm::verifyModule(*module, &report_os)) {
    internal_error(diags, m, diag::Kind::LlvmVerify, "the generated LLVM IR is invalid: " + first_line(report));
    return std::nullopt;
  }
  if (options.opt == OptLevel::O2) {
    if (!link_fast_paths(*module, error)) {
      if (!problems.first_error.empty()) error += ": " + problems.first_error;
      internal_error(diags, m, diag::Kind::LlvmVerify, error);
      return std::nullopt;
    }
    if (llvm::verifyModule(*module, &report_os)) {
      internal_error(diags, m, diag::Kind::LlvmVerify,
                     "the LLVM IR is invalid after linking the fast paths: " + first_line(report));
      return std::nullopt;
    }
  }
  set_executable_model(*module, llvm::Triple(options.triple));
  optimize_module(*module, *tm, options.opt);

  std::string out;
  if (!emit(*module, *tm, kind, out) || !problems.first_error.empty()) {
    std::string why = problems.first_error.empty() ? "the target cannot emit this file type" : problems.first_error;
    diags.report_path(diag::Kind::TargetError, m.main_source(), "Code generation for '" + options.triple + "' failed: " + why);
    return std::nullopt;
  }
  return out;
}

}  // namespace hako::codegen
