#include "codegen/abi/lowering.h"

#include <llvm/IR/Constants.h>
#include <llvm/IR/Function.h>

namespace hako::codegen::abi {

namespace {

// The alignment of the slots that carry a piece reaching past its struct:
// enough for every piece type.
const llvm::Align kPieceSlotAlign(16);

// A stack slot of `type` in the entry block of the function being built,
// so a call in a loop does not grow the stack.
llvm::AllocaInst* entry_slot(llvm::IRBuilder<>& b, llvm::Type* type, llvm::Align align, const char* name) {
  llvm::Function* fn = b.GetInsertBlock()->getParent();
  llvm::BasicBlock& entry = fn->getEntryBlock();
  llvm::IRBuilder<> eb(&entry, entry.getFirstInsertionPt());
  llvm::AllocaInst* slot = eb.CreateAlloca(type, nullptr, name);
  slot->setAlignment(align);
  return slot;
}

// The address `offset` bytes into `base`.
llvm::Value* byte_address(llvm::IRBuilder<>& b, llvm::Value* base, uint64_t offset) {
  if (offset == 0) return base;
  return b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), base, offset);
}

// The attributes of one Direct LLVM parameter or the result.
llvm::AttributeSet direct_attributes(llvm::LLVMContext& ctx, const Passing& p) {
  llvm::AttrBuilder ab(ctx);
  if (p.extension == Extension::Sign) ab.addAttribute(llvm::Attribute::SExt);
  if (p.extension == Extension::Zero) ab.addAttribute(llvm::Attribute::ZExt);
  if (p.stack_align) ab.addStackAlignmentAttr(llvm::Align(*p.stack_align));
  return llvm::AttributeSet::get(ctx, ab);
}

// The bytes of piece `p` of struct `t` that lie within the struct: all of
// them, except where the convention rounds the struct up to whole
// registers (AAPCS64: a 12-byte struct as [2 x i64]).
uint64_t bytes_within(const Piece& p, const Layout& t) {
  if (p.offset >= t.size()) internal_error("a piece starting past its struct's bytes");
  return std::min(piece_size(p, t), t.size() - p.offset);
}

// The LLVM value of piece `p` of struct `t`, whose bytes are at `src`
// (aligned to `src_align`). A piece reaching past the struct is loaded
// from a slot its bytes are copied into: only the struct's bytes are read,
// the rest is undefined, as in C.
llvm::Value* load_piece(llvm::IRBuilder<>& b, const Piece& p, const Layout& t, llvm::Value* src,
                        llvm::Align src_align) {
  llvm::Type* type = piece_type(b.getContext(), p, t);
  llvm::Value* at = byte_address(b, src, p.offset);
  llvm::Align align = llvm::commonAlignment(src_align, p.offset);
  uint64_t n = bytes_within(p, t);
  if (n == piece_size(p, t)) return b.CreateAlignedLoad(type, at, align);
  llvm::AllocaInst* slot = entry_slot(b, type, kPieceSlotAlign, "abi.piece");
  b.CreateMemCpy(slot, kPieceSlotAlign, at, align, n);
  return b.CreateAlignedLoad(type, slot, kPieceSlotAlign);
}

// Stores `v`, the LLVM value of piece `p` of struct `t`, as the struct's
// bytes at `dst` (aligned to `dst_align`), writing no byte past the struct.
void store_piece(llvm::IRBuilder<>& b, const Piece& p, const Layout& t, llvm::Value* v, llvm::Value* dst,
                 llvm::Align dst_align) {
  llvm::Value* at = byte_address(b, dst, p.offset);
  llvm::Align align = llvm::commonAlignment(dst_align, p.offset);
  uint64_t n = bytes_within(p, t);
  if (n == piece_size(p, t)) {
    b.CreateAlignedStore(v, at, align);
    return;
  }
  llvm::AllocaInst* slot = entry_slot(b, v->getType(), kPieceSlotAlign, "abi.piece");
  b.CreateAlignedStore(v, slot, kPieceSlotAlign);
  b.CreateMemCpy(at, align, slot, kPieceSlotAlign, n);
}

// The LLVM result type of a Direct result.
llvm::Type* direct_result_type(llvm::LLVMContext& ctx, const Passing& r, const Layout& t) {
  if (r.pieces.size() == 1) return piece_type(ctx, r.pieces[0], t);
  if (r.pieces.size() == 2) return llvm::StructType::get(ctx, {piece_type(ctx, r.pieces[0], t), piece_type(ctx, r.pieces[1], t)});
  internal_error("a direct result of " + std::to_string(r.pieces.size()) + " pieces");
}

}  // namespace

llvm::Type* piece_type(llvm::LLVMContext& ctx, const Piece& p, const Layout& whole) {
  llvm::Type* element = nullptr;
  switch (p.kind) {
    case Piece::Kind::Int: element = llvm::Type::getIntNTy(ctx, p.bits); break;
    case Piece::Kind::Ptr: element = llvm::PointerType::get(ctx, 0); break;
    case Piece::Kind::Float: element = llvm::Type::getFloatTy(ctx); break;
    case Piece::Kind::Double: element = llvm::Type::getDoubleTy(ctx); break;
    case Piece::Kind::FloatPair: element = llvm::FixedVectorType::get(llvm::Type::getFloatTy(ctx), 2); break;
    case Piece::Kind::Whole:
      if (p.array != 0 || p.offset != 0) internal_error("a whole-struct piece in an array or at an offset");
      return memory_type(ctx, whole);
  }
  if (element == nullptr) internal_error("an unknown piece kind");
  return p.array == 0 ? element : llvm::ArrayType::get(element, p.array);
}

LoweredSignature lower_signature(llvm::LLVMContext& ctx, const TargetAbi& abi, std::vector<Layout> params,
                                 std::optional<Layout> ret, bool variadic) {
  LoweredSignature sig;
  sig.abi = classify_signature(abi, params, ret);
  sig.params = std::move(params);
  sig.ret = std::move(ret);

  std::vector<llvm::Type*> types;
  std::vector<llvm::AttributeSet> attrs;
  llvm::Type* ptr = llvm::PointerType::get(ctx, 0);
  // A pointer to a struct in memory: byval(T) or sret(T) with its
  // alignment, or the bare pointer to a caller's copy.
  auto memory_param = [&](const Layout& t, const Passing& p) {
    llvm::AttrBuilder ab(ctx);
    llvm::Type* mt = memory_type(ctx, t);
    switch (p.kind) {
      case Passing::Kind::Sret:
        ab.addStructRetAttr(mt);
        ab.addAttribute(llvm::Attribute::NoAlias);
        ab.addAlignmentAttr(llvm::Align(p.align));
        break;
      case Passing::Kind::Byval:
        ab.addByValAttr(mt);
        ab.addAlignmentAttr(llvm::Align(p.align));
        break;
      case Passing::Kind::Indirect: break;
      case Passing::Kind::Direct:
      case Passing::Kind::Void: internal_error("a value passed in memory without a pointer");
    }
    types.push_back(ptr);
    attrs.push_back(llvm::AttributeSet::get(ctx, ab));
  };

  const Passing& r = sig.abi.ret;
  llvm::Type* ret_type = llvm::Type::getVoidTy(ctx);
  switch (r.kind) {
    case Passing::Kind::Void: break;
    case Passing::Kind::Sret: memory_param(*sig.ret, r); break;
    case Passing::Kind::Direct: ret_type = direct_result_type(ctx, r, *sig.ret); break;
    case Passing::Kind::Byval:
    case Passing::Kind::Indirect: internal_error("a result passed as an argument in memory");
  }

  for (size_t k = 0; k < sig.params.size(); ++k) {
    const Passing& p = sig.abi.params[k];
    sig.first_ir_arg.push_back(static_cast<unsigned>(types.size()));
    switch (p.kind) {
      case Passing::Kind::Byval:
      case Passing::Kind::Indirect: memory_param(sig.params[k], p); break;
      case Passing::Kind::Direct:
        for (const Piece& piece : p.pieces) {
          types.push_back(piece_type(ctx, piece, sig.params[k]));
          attrs.push_back(direct_attributes(ctx, p));
        }
        break;
      case Passing::Kind::Sret:
      case Passing::Kind::Void: internal_error("a parameter passed as a result");
    }
  }
  sig.type = llvm::FunctionType::get(ret_type, types, variadic);
  llvm::AttributeSet ret_attrs = r.kind == Passing::Kind::Direct ? direct_attributes(ctx, r) : llvm::AttributeSet();
  sig.attributes = llvm::AttributeList::get(ctx, llvm::AttributeSet(), ret_attrs, attrs);
  return sig;
}

void append_struct_argument(llvm::IRBuilder<>& b, const Layout& t, const Passing& p, llvm::Value* src,
                            llvm::Align src_align, ArgumentBytes bytes, std::vector<llvm::Value*>& ir_args) {
  switch (p.kind) {
    case Passing::Kind::Byval:
    case Passing::Kind::Indirect: {
      llvm::Align want(p.align);
      // byval's alignment is also a promise about the pointer passed; a
      // pointer to a copy must be the callee's to write.
      bool usable = src_align >= want && (p.kind == Passing::Kind::Byval || bytes == ArgumentBytes::Disposable);
      if (usable) {
        ir_args.push_back(src);
        return;
      }
      llvm::AllocaInst* copy = entry_slot(b, memory_type(b.getContext(), t), want, "arg.copy");
      b.CreateMemCpy(copy, want, src, src_align, t.size());
      ir_args.push_back(copy);
      return;
    }
    case Passing::Kind::Direct:
      for (const Piece& piece : p.pieces) ir_args.push_back(load_piece(b, piece, t, src, src_align));
      return;
    case Passing::Kind::Sret:
    case Passing::Kind::Void: break;
  }
  internal_error("a struct argument passed as a result");
}

void store_struct_result(llvm::IRBuilder<>& b, const Layout& t, const Passing& p, llvm::Value* result,
                         llvm::Value* dst, llvm::Align dst_align) {
  if (p.kind != Passing::Kind::Direct) internal_error("storing a result that is not direct");
  if (p.pieces.size() == 1) {
    store_piece(b, p.pieces[0], t, result, dst, dst_align);
    return;
  }
  for (unsigned i = 0; i < p.pieces.size(); ++i)
    store_piece(b, p.pieces[i], t, b.CreateExtractValue(result, {i}), dst, dst_align);
}

llvm::CallInst* emit_call(llvm::IRBuilder<>& b, llvm::FunctionCallee callee, const LoweredSignature& sig,
                          const std::vector<CallArg>& args, std::optional<ResultSlot> result) {
  if (args.size() != sig.params.size()) internal_error("a call with the wrong number of arguments");
  bool struct_result = sig.ret && sig.ret->is_record();
  if (struct_result && !result) internal_error("a struct result with nowhere to store it");
  const Passing& r = sig.abi.ret;

  std::vector<llvm::Value*> ir_args;
  llvm::AllocaInst* sret_slot = nullptr;
  if (r.kind == Passing::Kind::Sret) {
    // A slot of its own: the callee may assume the sret pointer aliases
    // nothing else it can reach.
    sret_slot = entry_slot(b, memory_type(b.getContext(), *sig.ret), llvm::Align(r.align), "sret.slot");
    ir_args.push_back(sret_slot);
  }
  for (size_t k = 0; k < args.size(); ++k) {
    if (sig.params[k].is_record()) {
      append_struct_argument(b, sig.params[k], sig.abi.params[k], args[k].value, args[k].align,
                             ArgumentBytes::Borrowed, ir_args);
    } else {
      ir_args.push_back(args[k].value);
    }
  }
  llvm::CallInst* call = b.CreateCall(callee, ir_args);
  call->setAttributes(sig.attributes);
  if (struct_result) {
    if (sret_slot != nullptr) {
      b.CreateMemCpy(result->ptr, result->align, sret_slot, llvm::Align(r.align), sig.ret->size());
    } else {
      store_struct_result(b, *sig.ret, r, call, result->ptr, result->align);
    }
  }
  return call;
}

std::optional<llvm::Value*> struct_parameter_in_memory(llvm::Function* fn, const LoweredSignature& sig, size_t k) {
  if (k >= sig.params.size() || !sig.params[k].is_record()) internal_error("a struct parameter that is no struct");
  Passing::Kind kind = sig.abi.params[k].kind;
  if (kind == Passing::Kind::Byval || kind == Passing::Kind::Indirect) return fn->getArg(sig.first_ir_arg[k]);
  return std::nullopt;
}

void store_struct_parameter(llvm::IRBuilder<>& b, llvm::Function* fn, const LoweredSignature& sig, size_t k,
                            llvm::Value* dst, llvm::Align dst_align) {
  if (k >= sig.params.size() || !sig.params[k].is_record()) internal_error("storing a parameter that is no struct");
  const Layout& t = sig.params[k];
  const Passing& p = sig.abi.params[k];
  unsigned first = sig.first_ir_arg[k];
  switch (p.kind) {
    case Passing::Kind::Byval:
    case Passing::Kind::Indirect:
      b.CreateMemCpy(dst, dst_align, fn->getArg(first), llvm::Align(p.align), t.size());
      return;
    case Passing::Kind::Direct:
      for (unsigned i = 0; i < p.pieces.size(); ++i)
        store_piece(b, p.pieces[i], t, fn->getArg(first + i), dst, dst_align);
      return;
    case Passing::Kind::Sret:
    case Passing::Kind::Void: break;
  }
  internal_error("a struct parameter passed as a result");
}

llvm::ReturnInst* emit_struct_return(llvm::IRBuilder<>& b, llvm::Function* fn, const LoweredSignature& sig,
                                     llvm::Value* src, llvm::Align src_align) {
  if (!sig.ret || !sig.ret->is_record()) internal_error("returning a struct from a function of another result");
  const Passing& r = sig.abi.ret;
  if (r.kind == Passing::Kind::Sret) {
    b.CreateMemCpy(fn->getArg(0), llvm::Align(r.align), src, src_align, sig.ret->size());
    return b.CreateRetVoid();
  }
  if (r.kind != Passing::Kind::Direct) internal_error("a struct result neither direct nor sret");
  std::vector<llvm::Value*> parts;
  for (const Piece& piece : r.pieces) parts.push_back(load_piece(b, piece, *sig.ret, src, src_align));
  if (parts.size() == 1) return b.CreateRet(parts[0]);
  llvm::Value* agg = llvm::PoisonValue::get(sig.type->getReturnType());
  for (unsigned i = 0; i < parts.size(); ++i) agg = b.CreateInsertValue(agg, parts[i], {i});
  return b.CreateRet(agg);
}

}  // namespace hako::codegen::abi
