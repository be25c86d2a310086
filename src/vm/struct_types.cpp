// Struct descriptors and libffi struct types built from the struct CTypes
// of MIR, so that the VM packs, unpacks and passes structs with the layout
// (and the field conversions) native code uses.
#include "vm/struct_types.h"

#include <optional>

#include "vm/ffi_conv.h"

namespace hako::vm {

namespace {

// A field the VM cannot describe: the front end let through what it should
// not have (an internal error).
[[noreturn]] void bad_field(const mir::CType& c, const mir::CField& f, const char* what) {
  reml_internal_error("field %s of extern struct %s %s", f.name.c_str(), c.name.c_str(), what);
}

}  // namespace

StructTypes::StructTypes(const mir::Module& m, const PtrTypes& ptrs) {
  entries_.resize(m.ctypes.size());
  for (mir::CTypeId t{0}; t < m.ctypes.size(); ++t)
    if (m.ctypes[t].kind == mir::CTypeKind::Struct) entries_[t.index()] = std::make_unique<Entry>();
  for (mir::CTypeId t{0}; t < m.ctypes.size(); ++t)
    if (entries_[t.index()] != nullptr) fill(m, ptrs, t, *entries_[t.index()]);
  // libffi lays out nested structs on the way: every entry is filled first.
  for (mir::CTypeId t{0}; t < m.ctypes.size(); ++t)
    if (entries_[t.index()] != nullptr) check_layout(m, t, *entries_[t.index()]);
}

void StructTypes::fill(const mir::Module& m, const PtrTypes& ptrs, mir::CTypeId t, Entry& e) {
  const mir::CType& c = m.ctypes[t];
  if (c.fields.empty()) reml_internal_error("extern struct %s has no fields", c.name.c_str());
  e.name = c.name;
  for (const mir::CField& f : c.fields) {
    if (f.type >= m.ctypes.size()) bad_field(c, f, "has no C type");
    e.field_names.push_back(f.name);
    e.field_ctypes.push_back(mir::ctype_text(m, f.type));
  }
  // The strings are complete: their characters no longer move.
  for (size_t i = 0; i < c.fields.size(); ++i) {
    const mir::CField& f = c.fields[i];
    const mir::CTypeKind k = m.ctypes[f.type].kind;
    std::optional<uint32_t> kind = mir::cfield_kind(k);
    if (!kind) bad_field(c, f, "has a C type no struct holds");
    const mir::CTypeInfo& info = mir::ctype_info(k);
    reml_cfield_t field{e.field_names[i].c_str(), e.field_ctypes[i].c_str(), *kind, f.offset, info.arg_min,
                        info.arg_max, nullptr, nullptr};
    ffi_type* type = nullptr;
    if (*kind == REML_CF_PTR) {
      field.ptr = ptrs.find(f.type);
      type = &ffi_type_pointer;
    } else if (*kind == REML_CF_STRUCT) {
      Entry* nested = entries_[f.type.index()].get();
      field.nested = &nested->desc;
      type = &nested->type;
    } else {
      type = scalar_ffi_type(k);
    }
    if (*kind == REML_CF_PTR && field.ptr == nullptr) bad_field(c, f, "has no pointer type");
    if (type == nullptr) bad_field(c, f, "has no libffi type");
    e.fields.push_back(field);
    e.elements.push_back(type);
  }
  e.elements.push_back(nullptr);
  e.desc = reml_cstruct_type_t{e.name.c_str(), c.size, c.align, c.box, static_cast<uint32_t>(e.fields.size()),
                               e.fields.data()};
  // Size and alignment zero: libffi computes them when it first lays the
  // type out.
  e.type.size = 0;
  e.type.alignment = 0;
  e.type.type = FFI_TYPE_STRUCT;
  e.type.elements = e.elements.data();
}

void StructTypes::check_layout(const mir::Module& m, mir::CTypeId t, Entry& e) {
  const mir::CType& c = m.ctypes[t];
  std::vector<size_t> offsets(e.fields.size());
  if (ffi_get_struct_offsets(FFI_DEFAULT_ABI, &e.type, offsets.data()) != FFI_OK)
    reml_internal_error("libffi rejects the layout of extern struct %s", c.name.c_str());
  bool same = e.type.size == c.size && e.type.alignment == c.align;
  for (size_t i = 0; i < offsets.size(); ++i) same = same && offsets[i] == c.fields[i].offset;
  if (!same)
    reml_internal_error("libffi lays out extern struct %s in %zu bytes (align %u), MIR in %u (align %u)",
                        c.name.c_str(), e.type.size, static_cast<unsigned>(e.type.alignment), c.size, c.align);
}

const reml_cstruct_type_t* StructTypes::find(mir::CTypeId t) const {
  if (t.index() >= entries_.size() || entries_[t.index()] == nullptr) return nullptr;
  return &entries_[t.index()]->desc;
}

ffi_type* StructTypes::ffi(mir::CTypeId t) const {
  if (t.index() >= entries_.size() || entries_[t.index()] == nullptr) return nullptr;
  return &entries_[t.index()]->type;
}

}  // namespace hako::vm
