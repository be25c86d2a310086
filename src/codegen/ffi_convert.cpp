#include "codegen/ffi_convert.h"

#include <cstdint>

#include <llvm/ADT/STLFunctionalExtras.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/MDBuilder.h>

#include "codegen/llvm_lowering.h"

namespace hako::codegen {

namespace {

using mir::CClass;
using mir::Kind;

// Continues at `b` when `bad` is false; otherwise control goes to a cold
// block where `report` emits a noreturn runtime error. One branch on the
// hot path, none of the error's argument set-up.
void fail_if(ModuleState& ms, llvm::IRBuilder<>& b, llvm::Value* bad, const char* what,
             llvm::function_ref<void(llvm::IRBuilder<>&)> report) {
  // A check the builder folded away (a constant argument in range) emits nothing.
  if (auto* known = llvm::dyn_cast<llvm::ConstantInt>(bad); known != nullptr && known->isZero()) return;
  llvm::Function* fn = b.GetInsertBlock()->getParent();
  auto* fail = llvm::BasicBlock::Create(ms.ctx, std::string("ffi.") + what, fn);
  auto* ok = llvm::BasicBlock::Create(ms.ctx, std::string("ffi.") + what + ".ok", fn);
  llvm::MDBuilder md(ms.ctx);
  b.CreateCondBr(bad, fail, ok, md.createUnlikelyBranchWeights());
  b.SetInsertPoint(fail);
  report(b);
  b.CreateUnreachable();
  b.SetInsertPoint(ok);
}

// The row of C type `c` of the module.
const mir::CTypeInfo& info_of(ModuleState& ms, mir::CTypeId c) {
  if (c >= ms.mir.ctypes.size()) throw UnhandledMir{"a C type id outside the module's C type table"};
  return mir::ctype_info(ms.mir.ctypes[c].kind);
}

// Stops unless `t` has kind `want`: the verifier gave every C argument its
// type's Hako tag, so anything else is a hakoc bug.
void expect_kind(ModuleState& ms, mir::CTypeId c, mir::Tag t, Kind want) {
  if (t.kind != want)
    throw UnhandledMir{"a value of tag " + mir::tag_name(ms.mir, t) + " where C type " + mir::ctype_text(ms.mir, c) +
                       " takes " + mir::tag_name(ms.mir, mir::Tag::of(want))};
}

// An Int argument of integer C type `info`: the range check of its row
// (arg_min..arg_max, as one unsigned compare of v - arg_min), then the
// narrowing. A row that takes every Int costs nothing.
llvm::Value* int_argument(ModuleState& ms, llvm::IRBuilder<>& b, const mir::CTypeInfo& info, llvm::Value* v,
                          const FfiSite& site, const std::string& param) {
  if (info.arg_min != INT64_MIN || info.arg_max != INT64_MAX) {
    const uint64_t span = static_cast<uint64_t>(info.arg_max) - static_cast<uint64_t>(info.arg_min);
    llvm::Value* offset = b.CreateSub(v, llvm::ConstantInt::get(ms.i64, static_cast<uint64_t>(info.arg_min)));
    llvm::Value* bad = b.CreateICmpUGT(offset, llvm::ConstantInt::get(ms.i64, span), "ffi.out_of_range");
    fail_if(ms, b, bad, "range", [&](llvm::IRBuilder<>& eb) {
      eb.CreateCall(ms.rt.get(Rt::FfiRangeError),
                    {ms.cstring(site.fn), ms.cstring(param), ms.cstring(info.spelling), v, site.loc});
    });
  }
  if (info.size * 8 == 64) return v;
  return b.CreateTrunc(v, llvm::Type::getIntNTy(ms.ctx, info.size * 8));
}

// An integer result of C type `info` as an Int: extended by its signedness;
// a 64-bit unsigned value above 2^63-1 is no Int (reml_ffi_result_range_error).
llvm::Value* int_result(ModuleState& ms, llvm::IRBuilder<>& b, const mir::CTypeInfo& info, llvm::Value* r,
                        const FfiSite& site) {
  const bool is_signed = info.cls == CClass::Int;
  if (info.size * 8 < 64) return is_signed ? b.CreateSExt(r, ms.i64) : b.CreateZExt(r, ms.i64);
  if (!is_signed) {
    llvm::Value* bad = b.CreateICmpSLT(r, llvm::ConstantInt::get(ms.i64, 0), "ffi.above_int_max");
    fail_if(ms, b, bad, "result_range", [&](llvm::IRBuilder<>& eb) {
      eb.CreateCall(ms.rt.get(Rt::FfiResultRangeError), {ms.cstring(site.fn), r, site.loc});
    });
  }
  return r;
}

}  // namespace

llvm::Value* hako_to_c(ModuleState& ms, llvm::IRBuilder<>& b, mir::CTypeId c, mir::Ownership own, mir::Tag t,
                       llvm::Value* v, const FfiSite& site, const std::string& param) {
  const mir::CTypeInfo& info = info_of(ms, c);
  switch (info.cls) {
    case CClass::Int:
    case CClass::UInt:
      expect_kind(ms, c, t, Kind::Int);
      return int_argument(ms, b, info, v, site, param);
    case CClass::Float:
      expect_kind(ms, c, t, Kind::Float);
      // f32: the IEEE conversion in the default mode, round to nearest.
      return info.size == 4 ? b.CreateFPTrunc(v, llvm::Type::getFloatTy(ms.ctx)) : v;
    case CClass::Bool:
      expect_kind(ms, c, t, Kind::Bool);
      return v;  // i1, zero-extended as C _Bool by the call's attribute
    case CClass::CStr: {
      expect_kind(ms, c, t, Kind::String);
      // Borrowed: the String's own bytes for the call; transferred: a
      // malloc()ed copy the callee frees. Both refuse a NUL inside.
      Rt fn = own == mir::Ownership::Transferred ? Rt::FfiCStrTransfer : Rt::FfiCStrArg;
      return b.CreateCall(ms.rt.get(fn), {v, ms.cstring(site.fn), ms.cstring(param), site.loc});
    }
    case CClass::Handle:
      expect_kind(ms, c, t, Kind::Handle);
      // Transferred: C receives a reference of its own, released by C.
      if (own == mir::Ownership::Transferred) b.CreateCall(ms.rt.get(Rt::HandleRetain), {v});
      return v;
    case CClass::Pointer:
      expect_kind(ms, c, t, Kind::Ptr);
      if (ms.mir.ctypes[c].kind == mir::CTypeKind::NonNullPtr) {
        fail_if(ms, b, b.CreateIsNull(v, "ffi.null"), "null_arg", [&](llvm::IRBuilder<>& eb) {
          eb.CreateCall(ms.rt.get(Rt::FfiNullArgError), {ms.cstring(site.fn), ms.cstring(param), site.loc});
        });
      }
      return v;
    case CClass::FnPointer:
      expect_kind(ms, c, t, Kind::Ptr);
      return v;
    case CClass::Void:
    case CClass::Struct: break;
  }
  throw UnhandledMir{"an argument of C type " + mir::ctype_text(ms.mir, c)};
}

llvm::Value* vararg_to_c(ModuleState& ms, llvm::IRBuilder<>& b, mir::Tag t, llvm::Value* v, const FfiSite& site,
                         const std::string& param) {
  switch (t.kind) {
    case Kind::Int:  // int64_t: %ld, %lld, PRId64
    case Kind::Float:  // already double
    case Kind::Ptr: return v;
    case Kind::Bool: return b.CreateZExt(v, ms.i32);  // int 0/1
    case Kind::String:  // a borrowed CStr
      return b.CreateCall(ms.rt.get(Rt::FfiCStrArg), {v, ms.cstring(site.fn), ms.cstring(param), site.loc});
    case Kind::Void:
    case Kind::Array:
    case Kind::Map:
    case Kind::Console:
    case Kind::Box:
    case Kind::Weak:
    case Kind::Handle: break;
  }
  throw UnhandledMir{"a variadic argument of tag " + mir::tag_name(ms.mir, t) + " (no C default promotion)"};
}

llvm::Value* c_to_hako(ModuleState& ms, llvm::IRBuilder<>& b, mir::CTypeId c, mir::Ownership own, llvm::Value* r,
                       const FfiSite& site) {
  const mir::CTypeInfo& info = info_of(ms, c);
  switch (info.cls) {
    case CClass::Int:
    case CClass::UInt: return int_result(ms, b, info, r, site);
    case CClass::Float: return info.size == 4 ? b.CreateFPExt(r, ms.f64) : r;
    case CClass::Bool: return r;
    case CClass::Void: return nullptr;
    case CClass::CStr: {
      // A copy in a new String (Void for NULL); transferred: then free()d.
      const uint64_t free_after = own == mir::Ownership::Transferred ? 1 : 0;
      return b.CreateCall(ms.rt.get(Rt::FfiCStrResult), {r, llvm::ConstantInt::get(ms.i64, free_after)});
    }
    case CClass::Handle:
      // Transferred: C gave its reference to Hako. Otherwise C keeps its own
      // and Hako takes a new one.
      if (own != mir::Ownership::Transferred) b.CreateCall(ms.rt.get(Rt::HandleRetain), {r});
      return r;
    case CClass::Pointer:
      if (ms.mir.ctypes[c].kind == mir::CTypeKind::NonNullPtr) {
        fail_if(ms, b, b.CreateIsNull(r, "ffi.null"), "null_result", [&](llvm::IRBuilder<>& eb) {
          eb.CreateCall(ms.rt.get(Rt::FfiNullResultError), {ms.cstring(site.fn), site.loc});
        });
      }
      return r;
    case CClass::FnPointer: return r;
    case CClass::Struct: break;
  }
  throw UnhandledMir{"a result of C type " + mir::ctype_text(ms.mir, c)};
}

}  // namespace hako::codegen
