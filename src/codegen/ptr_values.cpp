#include "codegen/ptr_values.h"

#include <llvm/IR/Constants.h>
#include <llvm/IR/GlobalVariable.h>

#include "codegen/llvm_lowering.h"

namespace hako::codegen {

llvm::Constant* ModuleState::ptr_type(mir::CTypeId t) {
  if (t >= mir.ctypes.size()) throw UnhandledMir{"a pointer tag whose C type is outside the module's table"};
  const mir::CClass cls = mir::ctype_info(mir.ctypes[t].kind).cls;
  if (cls != mir::CClass::Pointer && cls != mir::CClass::FnPointer)
    throw UnhandledMir{"a pointer tag whose C type " + mir::ctype_text(mir, t) + " is not a pointer"};
  if (ptr_types_.size() < mir.ctypes.size()) ptr_types_.resize(mir.ctypes.size(), nullptr);
  llvm::Constant*& slot = ptr_types_[t];
  if (slot != nullptr) return slot;
  // reml_ptr_type_t: {const char* name; const char* pointee; uint32_t flavour;}
  // The pointer values that point here live as long as the program.
  const mir::PtrTypeText text = mir::ptr_type_text(mir, t);
  auto* type = llvm::StructType::get(ctx, {ptr, ptr, i32});
  auto* init = llvm::ConstantStruct::get(
      type, {cstring(text.name), cstring(text.pointee), llvm::ConstantInt::get(i32, text.flavour)});
  auto* gv = new llvm::GlobalVariable(mod, type, /*isConstant=*/true, llvm::GlobalValue::PrivateLinkage, init,
                                      "hako.ptr_type." + std::to_string(t.index()));
  gv->setAlignment(llvm::Align(8));
  slot = gv;
  return slot;
}

llvm::Value* box_pointer(ModuleState& ms, llvm::IRBuilder<>& b, mir::Tag t, llvm::Value* addr) {
  return b.CreateCall(ms.rt.get(Rt::PtrBoxNew), {addr, ms.ptr_type(t.ctype())});
}

llvm::Value* unbox_pointer(ModuleState& ms, llvm::IRBuilder<>& b, mir::Tag t, llvm::Value* h, llvm::Value* loc) {
  return b.CreateCall(ms.rt.get(Rt::PtrUnbox), {h, ms.ptr_type(t.ctype()), loc});
}

llvm::Value* pointer_text(ModuleState& ms, llvm::IRBuilder<>& b, llvm::Value* addr) {
  return b.CreateCall(ms.rt.get(Rt::PtrToString), {addr});
}

}  // namespace hako::codegen
