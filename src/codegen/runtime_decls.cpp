#include "codegen/runtime_decls.h"

#include <cstring>

#include <llvm/IR/Attributes.h>
#include <llvm/IR/Function.h>
#include <llvm/Support/ModRef.h>

namespace hako::codegen {

namespace {

struct EntryInfo {
  const char* symbol;
  const char* result;
  const char* params;
  uint32_t attrs;
};

constexpr EntryInfo kEntries[] = {
#define HAKO_RT_INFO(name, symbol, result, params, attrs) {#symbol, result, params, attrs},
    HAKO_RUNTIME_ENTRIES(HAKO_RT_INFO)
#undef HAKO_RT_INFO
};

// A type letter of HAKO_RUNTIME_ENTRIES.
llvm::Type* entry_type(llvm::LLVMContext& ctx, char letter) {
  switch (letter) {
    case 'v': return llvm::Type::getVoidTy(ctx);
    case 'l': return llvm::Type::getInt64Ty(ctx);
    case 'u': return llvm::Type::getInt32Ty(ctx);
    case 'd': return llvm::Type::getDoubleTy(ctx);
    default: return llvm::PointerType::get(ctx, 0);
  }
}

// A tag letter of runtime_calls.def as its C type: Bools are int64_t 0/1,
// Handles uint64_t, WeakRefs int64_t, objects pointers; '-' is void.
llvm::Type* call_type(llvm::LLVMContext& ctx, char letter) {
  switch (letter) {
    case '-': return llvm::Type::getVoidTy(ctx);
    case 'I': case 'B': case 'H': return llvm::Type::getInt64Ty(ctx);
    case 'W': return llvm::Type::getInt64Ty(ctx);  // the seed ABI's weak handle, int64_t
    case 'F': return llvm::Type::getDoubleTy(ctx);
    default: return llvm::PointerType::get(ctx, 0);  // S A M C
  }
}

struct CallAttributes {
  mir::RtFn fn;
  uint32_t attrs;
};

constexpr CallAttributes kCallAttributes[] = {
#define HAKO_RT_CALL_ATTR_INFO(name, attrs) {mir::RtFn::name, attrs},
    HAKO_RT_CALL_ATTRIBUTES(HAKO_RT_CALL_ATTR_INFO)
#undef HAKO_RT_CALL_ATTR_INFO
};

// An entry listed twice would leave it unclear which attributes hold.
constexpr bool call_attributes_listed_once() {
  for (size_t i = 0; i < std::size(kCallAttributes); ++i)
    for (size_t j = i + 1; j < std::size(kCallAttributes); ++j)
      if (kCallAttributes[i].fn == kCallAttributes[j].fn) return false;
  return true;
}
static_assert(call_attributes_listed_once(), "a runtime_calls.def entry is listed twice in HAKO_RT_CALL_ATTRIBUTES");

}  // namespace

RuntimeDecls::RuntimeDecls(llvm::Module& mod)
    : mod_(mod), entries_(std::size(kEntries), nullptr), calls_(mir::rt_count(), nullptr) {}

uint32_t RuntimeDecls::attributes(mir::RtFn fn) {
  for (const CallAttributes& entry : kCallAttributes)
    if (entry.fn == fn) return entry.attrs;
  return RT_NONE;
}

const char* RuntimeDecls::symbol(Rt fn) { return kEntries[static_cast<size_t>(fn)].symbol; }
const char* RuntimeDecls::params(Rt fn) { return kEntries[static_cast<size_t>(fn)].params; }

std::optional<Rt> RuntimeDecls::by_symbol(const char* symbol) {
  for (size_t i = 0; i < std::size(kEntries); ++i)
    if (std::strcmp(kEntries[i].symbol, symbol) == 0) return static_cast<Rt>(i);
  return std::nullopt;
}

llvm::Function* RuntimeDecls::declare(const char* symbol, llvm::FunctionType* type, uint32_t attrs) {
  llvm::Function* f = llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage, symbol, mod_);
  f->setDoesNotThrow();
  if (attrs & RT_NORETURN) f->setDoesNotReturn();
  if (attrs & RT_COLD) f->addFnAttr(llvm::Attribute::Cold);
  if (attrs & RT_READNONE) f->setMemoryEffects(llvm::MemoryEffects::none());
  if (attrs & RT_READONLY) f->setMemoryEffects(llvm::MemoryEffects::readOnly());
  if (attrs & RT_ARGREAD) f->setMemoryEffects(llvm::MemoryEffects::argMemOnly(llvm::ModRefInfo::Ref));
  if (attrs & RT_NOALIAS) {
    f->addRetAttr(llvm::Attribute::NoAlias);
    f->addRetAttr(llvm::Attribute::NonNull);
    f->addRetAttr(llvm::Attribute::getWithAlignment(mod_.getContext(), llvm::Align(8)));
  }
  return f;
}

llvm::Function* RuntimeDecls::get(Rt fn) {
  llvm::Function*& slot = entries_[static_cast<size_t>(fn)];
  if (slot != nullptr) return slot;
  const EntryInfo& e = kEntries[static_cast<size_t>(fn)];
  llvm::LLVMContext& ctx = mod_.getContext();
  std::vector<llvm::Type*> params;
  bool varargs = false;
  for (const char* p = e.params; *p != '\0'; ++p) {
    if (*p == '.') {
      varargs = true;
    } else {
      params.push_back(entry_type(ctx, *p));
    }
  }
  slot = declare(e.symbol, llvm::FunctionType::get(entry_type(ctx, e.result[0]), params, varargs), e.attrs);
  return slot;
}

llvm::Function* RuntimeDecls::get(mir::RtFn fn) {
  llvm::Function*& slot = calls_[static_cast<size_t>(fn)];
  if (slot != nullptr) return slot;
  const mir::RtInfo& info = mir::rt_info(fn);
  llvm::LLVMContext& ctx = mod_.getContext();
  std::vector<llvm::Type*> params;
  for (const char* p = info.params; *p != '\0'; ++p) params.push_back(call_type(ctx, *p));
  if (info.takes_loc) params.push_back(llvm::PointerType::get(ctx, 0));
  slot = declare(info.symbol, llvm::FunctionType::get(call_type(ctx, info.result[0]), params, false), attributes(fn));
  return slot;
}

llvm::Function* RuntimeDecls::declaration_of(const std::string& symbol) {
  if (std::optional<Rt> fn = by_symbol(symbol.c_str())) return get(*fn);
  if (std::optional<mir::RtFn> fn = mir::rt_from_symbol(symbol)) return get(*fn);
  return nullptr;
}

void RuntimeDecls::declare_seed_api() {
  get(Rt::MemAlloc);
  get(Rt::IncRef);
  get(Rt::DecRef);
  get(Rt::Panic);
  get(mir::RtFn::PrintI64);
}

}  // namespace hako::codegen
