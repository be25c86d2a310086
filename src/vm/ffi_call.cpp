// Extern bridges (one ffi_cif per extern), call sites (one per call_c, with
// its own ffi_cif when the extern is variadic) and the call itself.
#include "vm/ffi_call.h"

#include <algorithm>
#include <cstddef>

#include "vm/ffi_tables.h"
#include "vm/translate_facts.h"

namespace hako::vm {

namespace {

// A variadic argument's C type and conversion: C's default promotions
// (docs/ffi.md, "Varargs").
struct VarargPlan {
  ffi_type* type;
  ToCPlan plan;
};

// The plan of a variadic argument of kind `k`; nullopt for a kind C's
// default promotions do not cover (the verifier rejects those).
std::optional<VarargPlan> vararg_plan(mir::Kind k) {
  switch (k) {
    case mir::Kind::Int: return VarargPlan{&ffi_type_sint64, ToCPlan{}};
    case mir::Kind::Float: return VarargPlan{&ffi_type_double, ToCPlan{}};
    case mir::Kind::Bool: return VarargPlan{&ffi_type_sint, ToCPlan{}};  // 0 or 1 in the low bytes
    case mir::Kind::String: return VarargPlan{&ffi_type_pointer, ToCPlan{ToC::CStrBorrow}};
    case mir::Kind::Ptr: return VarargPlan{&ffi_type_pointer, ToCPlan{}};
    default: return std::nullopt;
  }
}

// Whether an argument of tag `got` may be passed for a parameter whose Hako
// tag is `want` (any pointer tag for a pointer: the verifier checked which).
bool argument_fits(mir::Tag want, mir::Tag got) {
  if (want.kind == mir::Kind::Ptr) return got.kind == mir::Kind::Ptr;
  return want == got;
}

// The alignment of a call's struct storage (call_foreign), which every C
// struct's alignment divides.
constexpr uint32_t kStorageAlign = alignof(std::max_align_t);

// Reserves `bytes` at alignment `align` in the struct storage of `site`,
// returning their offset.
uint32_t reserve_storage(ForeignSite& site, uint32_t bytes, uint32_t align, const std::string& where) {
  if (align == 0 || align > kStorageAlign || (align & (align - 1)) != 0)
    malformed(where, "a struct whose alignment the VM cannot provide");
  const uint32_t at = (site.storage_size + align - 1) / align * align;
  site.storage_size = at + bytes;
  return at;
}

}  // namespace

void build_extern_bridges(const mir::Module& m, FfiTables& t) {
  t.externs.clear();
  for (const mir::ExternFn& decl : m.externs) {
    const std::string where = "extern $" + decl.name;
    auto b = std::make_unique<ExternBridge>();
    b->name = decl.name;
    b->variadic = decl.variadic;
    for (size_t k = 0; k < decl.params.size(); ++k) {
      const mir::ExternParam& p = decl.params[k];
      ffi_type* type = ffi_type_of(m, t.structs, p.type);
      std::optional<ToCPlan> plan = to_c_plan(m, t.structs, p.type, p.own);
      if (type == nullptr || !plan) malformed(where, "a parameter whose C type or contract cannot be passed");
      b->param_types.push_back(type);
      b->params.push_back(*plan);
      b->param_names.push_back(mir::extern_param_name(decl, k));
    }
    b->ret_type = ffi_type_of(m, t.structs, decl.ret);
    std::optional<FromCPlan> result = from_c_plan(m, t.structs, decl.ret, decl.ret_own);
    if (b->ret_type == nullptr || !result) malformed(where, "a result whose C type or contract cannot be received");
    b->result = *result;
    if (!decl.variadic && ffi_prep_cif(&b->cif, FFI_DEFAULT_ABI, static_cast<unsigned>(b->param_types.size()),
                                       b->ret_type, b->param_types.data()) != FFI_OK)
      malformed(where, "libffi rejects the signature");
    t.externs.push_back(std::move(b));
  }
}

const ForeignSite* add_foreign_site(const mir::Module& m, FfiTables& t, const std::string& where,
                                    const mir::Inst& in, const std::vector<uint32_t>& regs,
                                    const std::vector<mir::Tag>& tags) {
  if (in.ref >= t.externs.size() || in.ref >= m.externs.size()) malformed(where, "call_c of an unknown extern");
  const mir::ExternFn& decl = m.externs[in.ref];
  ExternBridge& x = *t.externs[in.ref];
  const size_t fixed = decl.params.size(), given = regs.size();
  if (given < fixed || (!decl.variadic && given != fixed) || tags.size() != given)
    malformed(where, "call_c with the wrong number of arguments");

  auto site = std::make_unique<ForeignSite>();
  site->x = &x;
  const FromC r = x.result.conv;
  const bool reference = r == FromC::CStr || r == FromC::CStrFree || r == FromC::Handle || r == FromC::HandleRetain ||
                         r == FromC::Struct;
  site->drop_result = in.result == mir::kNoValue && reference;
  for (size_t k = 0; k < fixed; ++k) {
    std::optional<mir::Tag> want = mir::hako_tag_of_ctype(m, decl.params[k].type, mir::CSide::Argument);
    if (!want || !argument_fits(*want, tags[k])) malformed(where, "a call_c argument of the wrong kind");
    ForeignArg arg{regs[k], x.params[k], x.param_names[k].c_str()};
    if (arg.plan.conv == ToC::Struct)
      arg.storage = reserve_storage(*site, arg.plan.cstruct->size, arg.plan.cstruct->align, where);
    site->args.push_back(arg);
  }
  // libffi may store a struct result in registers' width: at least an ffi_arg.
  if (r == FromC::Struct) {
    const reml_cstruct_type_t& st = *x.result.cstruct;
    site->result_storage = reserve_storage(*site, std::max<uint32_t>(st.size, sizeof(ffi_arg)),
                                           std::max<uint32_t>(st.align, alignof(ffi_arg)), where);
  }
  if (!decl.variadic) {
    site->cif = &x.cif;
  } else {
    site->own_types = x.param_types;
    for (size_t k = fixed; k < given; ++k) {
      std::optional<VarargPlan> v = vararg_plan(tags[k].kind);
      if (!v) malformed(where, "a variadic call_c argument without a C default promotion");
      site->own_types.push_back(v->type);
      site->args.push_back(ForeignArg{regs[k], v->plan, ""});
      site->extra_names.push_back(mir::extern_param_name(decl, k));
    }
    // The names are complete: their strings no longer move.
    for (size_t k = fixed; k < given; ++k) site->args[k].param = site->extra_names[k - fixed].c_str();
    site->own_cif = std::make_unique<ffi_cif>();
    if (ffi_prep_cif_var(site->own_cif.get(), FFI_DEFAULT_ABI, static_cast<unsigned>(fixed),
                         static_cast<unsigned>(given), x.ret_type, site->own_types.data()) != FFI_OK)
      malformed(where, "libffi rejects the variadic call's signature");
    site->cif = site->own_cif.get();
  }
  t.sites.push_back(std::move(site));
  return t.sites.back().get();
}

void bind_externs(FfiTables& t, const std::vector<void*>& externs) {
  if (externs.size() < t.externs.size())
    reml_internal_error("the VM was given %zu extern addresses for %zu extern functions", externs.size(),
                        t.externs.size());
  for (size_t i = 0; i < t.externs.size(); ++i) {
    if (externs[i] == nullptr) reml_internal_error("the VM was given no address for extern $%s", t.externs[i]->name.c_str());
    t.externs[i]->fn = externs[i];
  }
}

void call_foreign(const ForeignSite& s, Slot* fp, Slot* dst, const reml_loc_t* loc) {
  constexpr size_t kInline = 12;
  const size_t n = s.args.size();
  uint64_t inline_values[kInline];
  void* inline_ptrs[kInline];
  std::vector<uint64_t> heap_values;
  std::vector<void*> heap_ptrs;
  uint64_t* values = inline_values;
  void** ptrs = inline_ptrs;
  if (n > kInline) {
    heap_values.resize(n);
    heap_ptrs.resize(n);
    values = heap_values.data();
    ptrs = heap_ptrs.data();
  }
  // Struct storage belongs to the call (a callback may run the same site
  // again before this call returns): on the stack unless it is large.
  constexpr size_t kInlineStorage = 256;
  alignas(kStorageAlign) unsigned char inline_storage[kInlineStorage];
  std::unique_ptr<std::max_align_t[]> heap_storage;
  unsigned char* storage = inline_storage;
  if (s.storage_size > kInlineStorage) {
    heap_storage = std::make_unique<std::max_align_t[]>((s.storage_size + kStorageAlign - 1) / kStorageAlign);
    storage = reinterpret_cast<unsigned char*>(heap_storage.get());
  }
  const char* fn = s.x->name.c_str();
  for (size_t k = 0; k < n; ++k) {
    const ForeignArg& a = s.args[k];
    void* at = a.plan.conv == ToC::Struct ? static_cast<void*>(storage + a.storage) : &values[k];
    to_c(a.plan, fp[a.reg], at, fn, a.param, loc);
    ptrs[k] = at;
  }
  uint64_t ret = 0;  // ffi_arg-sized (narrow integer results are widened); a double fits as well
  void* result = s.x->result.conv == FromC::Struct ? static_cast<void*>(storage + s.result_storage) : &ret;
  ffi_call(s.cif, FFI_FN(s.x->fn), result, ptrs);
  *dst = from_c(s.x->result, result, fn, loc);
  if (s.drop_result) reml_h_release(dst->u);
}

}  // namespace hako::vm
