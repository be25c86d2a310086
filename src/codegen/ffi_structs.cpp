#include "codegen/ffi_structs.h"

#include <algorithm>

#include <llvm/IR/Constants.h>
#include <llvm/IR/GlobalVariable.h>

#include "codegen/llvm_lowering.h"
#include "reml_runtime.h"

namespace hako::codegen {

namespace {

using mir::CClass;

// The row of C type `t`, or an internal error for an id outside the table.
const mir::CTypeInfo& info_of(const mir::Module& m, mir::CTypeId t) {
  if (t >= m.ctypes.size()) throw UnhandledMir{"a C type id outside the module's C type table"};
  return mir::ctype_info(m.ctypes[t].kind);
}

// The struct C type `t`, or an internal error when it is none.
const mir::CType& struct_of(const mir::Module& m, mir::CTypeId t) {
  if (!is_struct_ctype(m, t)) throw UnhandledMir{"C type " + mir::ctype_text(m, t) + " where a struct is expected"};
  return m.ctypes[t];
}

// The sysv scalar of an integer row: its width and signedness.
sysv::Scalar int_scalar(const mir::CTypeInfo& info) {
  const bool is_signed = info.cls == CClass::Int;
  switch (info.size) {
    case 1: return is_signed ? sysv::Scalar::I8 : sysv::Scalar::U8;
    case 2: return is_signed ? sysv::Scalar::I16 : sysv::Scalar::U16;
    case 4: return is_signed ? sysv::Scalar::I32 : sysv::Scalar::U32;
    case 8: return is_signed ? sysv::Scalar::I64 : sysv::Scalar::U64;
    default: break;
  }
  throw UnhandledMir{std::string("an integer C type of ") + std::to_string(info.size) + " bytes"};
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

bool has_struct(const mir::Module& m, const std::vector<mir::CTypeId>& params, mir::CTypeId ret) {
  return is_struct_ctype(m, ret) ||
         std::any_of(params.begin(), params.end(), [&](mir::CTypeId p) { return is_struct_ctype(m, p); });
}

sysv::Layout c_layout(const mir::Module& m, mir::CTypeId t) {
  const mir::CTypeInfo& info = info_of(m, t);
  switch (info.cls) {
    case CClass::Int:
    case CClass::UInt: return sysv::Layout::scalar(int_scalar(info));
    case CClass::Float: return sysv::Layout::scalar(info.size == 4 ? sysv::Scalar::F32 : sysv::Scalar::F64);
    case CClass::Bool: return sysv::Layout::scalar(sysv::Scalar::Bool);
    case CClass::CStr:
    case CClass::Pointer:
    case CClass::FnPointer: return sysv::Layout::scalar(sysv::Scalar::Ptr);
    case CClass::Handle: return sysv::Layout::scalar(sysv::Scalar::U64);  // hako_handle_t is uint64_t
    case CClass::Struct: {
      const mir::CType& c = m.ctypes[t];
      std::vector<sysv::Layout> fields;
      for (const mir::CField& f : c.fields) fields.push_back(c_layout(m, f.type));
      if (fields.empty()) throw UnhandledMir{"extern struct " + c.name + " without fields"};
      sysv::Layout l = sysv::Layout::record(std::move(fields));
      // Sema laid the struct out for the runtime's pack and unpack; the ABI
      // lowering must move exactly those bytes.
      bool same = l.size() == c.size && l.align() == c.align;
      for (size_t k = 0; same && k < c.fields.size(); ++k) same = l.offsets()[k] == c.fields[k].offset;
      if (!same) throw UnhandledMir{"extern struct " + c.name + " whose MIR layout is not its C layout"};
      return l;
    }
    case CClass::Void: break;
  }
  throw UnhandledMir{"a C value of type void"};
}

sysv::LoweredSignature struct_signature(ModuleState& ms, const std::vector<mir::CTypeId>& params, mir::CTypeId ret) {
  std::vector<sysv::Layout> layouts;
  for (mir::CTypeId p : params) layouts.push_back(c_layout(ms.mir, p));
  std::optional<sysv::Layout> result;
  if (info_of(ms.mir, ret).cls != CClass::Void) result = c_layout(ms.mir, ret);
  return sysv::lower_signature(ms.ctx, std::move(layouts), std::move(result));
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
  llvm::AllocaInst* slot = eb.CreateAlloca(sysv::memory_type(ms.ctx, c_layout(ms.mir, t)), nullptr, name);
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
