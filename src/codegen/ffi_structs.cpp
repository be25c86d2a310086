#include "codegen/ffi_structs.h"

#include <algorithm>

#include <llvm/IR/Constants.h>
#include <llvm/IR/GlobalVariable.h>

#include "codegen/ffi_abi.h"
#include "codegen/llvm_lowering.h"
#include "reml_runtime.h"

namespace hako::codegen {

namespace {

// The struct C type `t`, or an internal error when it is none.
const mir::CType& struct_of(const mir::Module& m, mir::CTypeId t) {
  if (!is_struct_ctype(m, t)) throw UnhandledMir{"C type " + mir::ctype_text(m, t) + " where a struct is expected"};
  return m.ctypes[t];
}

// The runtime's field kind (reml_cfield_kind_t) of a struct field of C type `t`.
uint32_t field_kind(const mir::Module& m, mir::CTypeId t) {
  if (std::optional<uint32_t> kind = mir::cfield_kind(m.ctypes[t].kind)) return *kind;
  throw UnhandledMir{"an extern struct field of C type " + mir::ctype_text(m, t)};
}

}  // namespace

bool is_struct_ctype(const mir::Module& m, mir::CTypeId t) {
  return t < m.ctypes.size() && m.ctypes[t].kind == mir::CTypeKind::Struct;
}

llvm::Constant* ModuleState::cstruct_type(mir::CTypeId t) {
  const mir::CType& c = struct_of(mir, t);
  if (cstruct_types_.size() < mir.ctypes.size()) cstruct_types_.resize(mir.ctypes.size(), nullptr);
  if (llvm::Constant* done = cstruct_types_[t]) return done;
  // reml_cfield_t: {const char* name; const char* ctype; uint32_t kind;
  // uint32_t offset; int64_t min, max; const reml_ptr_type_t* ptr;
  // const reml_cstruct_type_t* nested;}
  auto* field_type = llvm::StructType::get(ctx, {ptr, ptr, i32, i32, i64, i64, ptr, ptr});
  std::vector<llvm::Constant*> fields;
  for (const mir::CField& f : c.fields) {
    const uint32_t kind = field_kind(mir, f.type);
    const mir::CTypeInfo& info = mir::ctype_info(mir.ctypes[f.type].kind);
    llvm::Constant* null = llvm::ConstantPointerNull::get(ptr);
    fields.push_back(llvm::ConstantStruct::get(
        field_type, {cstring(f.name), cstring(mir::ctype_text(mir, f.type)), llvm::ConstantInt::get(i32, kind),
                     llvm::ConstantInt::get(i32, f.offset), llvm::ConstantInt::getSigned(i64, info.arg_min),
                     llvm::ConstantInt::getSigned(i64, info.arg_max), kind == REML_CF_PTR ? ptr_type(f.type) : null,
                     kind == REML_CF_STRUCT ? cstruct_type(f.type) : null}));
  }
  const std::string name = "hako.cstruct." + std::to_string(t.index());
  auto* array_type = llvm::ArrayType::get(field_type, fields.size());
  auto* array = new llvm::GlobalVariable(mod, array_type, /*isConstant=*/true, llvm::GlobalValue::PrivateLinkage,
                                         llvm::ConstantArray::get(array_type, fields), name + ".fields");
  array->setAlignment(llvm::Align(8));
  // reml_cstruct_type_t: {const char* name; uint32_t size; uint32_t align;
  // uint32_t box_index; uint32_t field_count; const reml_cfield_t* fields;}
  auto* type = llvm::StructType::get(ctx, {ptr, i32, i32, i32, i32, ptr});
  auto* init = llvm::ConstantStruct::get(
      type, {cstring(c.name), llvm::ConstantInt::get(i32, c.size), llvm::ConstantInt::get(i32, c.align),
             llvm::ConstantInt::get(i32, c.box), llvm::ConstantInt::get(i32, fields.size()), array});
  auto* gv = new llvm::GlobalVariable(mod, type, /*isConstant=*/true, llvm::GlobalValue::PrivateLinkage, init, name);
  gv->setAlignment(llvm::Align(8));
  cstruct_types_[t] = gv;
  return gv;
}

StructSlot struct_slot(ModuleState& ms, llvm::IRBuilder<>& b, mir::CTypeId t, uint64_t min_align, const char* name) {
  const mir::CType& c = struct_of(ms.mir, t);
  const llvm::Align align(std::max<uint64_t>(c.align, min_align));
  llvm::BasicBlock& entry = b.GetInsertBlock()->getParent()->getEntryBlock();
  llvm::IRBuilder<> eb(&entry, entry.getFirstInsertionPt());
  llvm::AllocaInst* slot = eb.CreateAlloca(abi::memory_type(ms.ctx, c_layout(ms.mir, t)), nullptr, name);
  slot->setAlignment(align);
  return {slot, align};
}

void pack_struct(ModuleState& ms, llvm::IRBuilder<>& b, mir::CTypeId t, llvm::Value* h, llvm::Value* dst,
                 const FfiSite& site, const std::string& param) {
  b.CreateCall(ms.rt.get(Rt::FfiStructPack),
               {h, ms.cstruct_type(t), dst, ms.cstring(site.fn), ms.cstring(param), site.loc});
}

llvm::Value* unpack_struct(ModuleState& ms, llvm::IRBuilder<>& b, mir::CTypeId t, llvm::Value* src,
                           const FfiSite& site) {
  llvm::Value* h =
      b.CreateCall(ms.rt.get(Rt::FfiStructUnpack), {src, ms.cstruct_type(t), ms.cstring(site.fn), site.loc});
  return b.CreateIntToPtr(h, ms.ptr);  // an object's handle is its pointer
}

}  // namespace hako::codegen
