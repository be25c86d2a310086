// lower_to_llvm: the module-level order of the lowering. Globals and every
// function's signature first (calls may precede their callee's body), then
// the bodies, then the glue that needs them all (dispatchers, hook, main).
#include <llvm/IR/Constants.h>
#include <llvm/IR/GlobalVariable.h>

#include "codegen/llvm_lowering.h"
#include "codegen/lower_ops.h"
#include "codegen/module_glue.h"

namespace hako::codegen {

namespace {

void declare_globals(ModuleState& ms) {
  for (const mir::Global& g : ms.mir.globals) {
    // One handle per static-box field, Void (0) at start.
    auto* gv = new llvm::GlobalVariable(ms.mod, ms.i64, /*isConstant=*/false, llvm::GlobalValue::InternalLinkage,
                                        llvm::ConstantInt::get(ms.i64, 0), g.name);
    gv->setAlignment(llvm::Align(8));
    ms.globals.push_back(gv);
  }
}

// Hako functions keep their MIR names with internal linkage: only `main` is
// visible outside the object. Void parameters and results carry no value.
void declare_functions(ModuleState& ms) {
  for (const mir::Function& f : ms.mir.functions) {
    std::vector<llvm::Type*> params;
    for (mir::Tag t : f.params)
      if (llvm::Type* ty = ms.type_of(t)) params.push_back(ty);
    llvm::Type* ret = ms.type_of(f.ret);
    if (ret == nullptr) ret = llvm::Type::getVoidTy(ms.ctx);
    auto* fn = llvm::Function::Create(llvm::FunctionType::get(ret, params, false), llvm::GlobalValue::InternalLinkage,
                                      f.name, ms.mod);
    fn->setDoesNotThrow();  // no exceptions: runtime errors exit the process
    // Soft hint: a pure function is a good candidate for inlining. A wrong
    // hint only moves the inliner's choice, never the program's meaning.
    if (f.hints.has(mir::Hint::Pure)) fn->addFnAttr(llvm::Attribute::InlineHint);
    ms.funcs.push_back(fn);
  }
}

}  // namespace

std::unique_ptr<llvm::Module> lower_to_llvm(const mir::Module& m, llvm::LLVMContext& ctx,
                                            const std::string& triple, const llvm::DataLayout& layout,
                                            bool debug_info) {
  const std::string main_source = m.main_source();
  auto mod = std::make_unique<llvm::Module>(main_source, ctx);
  mod->setTargetTriple(triple);
  mod->setDataLayout(layout);
  mod->setSourceFileName(main_source);

  std::unique_ptr<DebugInfo> di;
  if (debug_info) di = std::make_unique<DebugInfo>(*mod, m.sources, triple);

  ModuleState ms(m, *mod, di.get());
  ms.rt.declare_seed_api();
  declare_globals(ms);
  declare_functions(ms);
  for (mir::FuncId id{0}; id < m.functions.size(); ++id) lower_function(ms, id);
  define_dispatchers(ms);
  if (m.entry < m.functions.size()) define_main(ms);
  if (di) di->finish();
  return mod;
}

}  // namespace hako::codegen
