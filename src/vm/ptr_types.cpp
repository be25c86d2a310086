// Pointer type descriptors built from mir::ptr_type_text, so that the VM's
// pointer values carry the same names and flavours as native code's.
#include "vm/ptr_types.h"

namespace hako::vm {

PtrTypes::PtrTypes(const mir::Module& m) {
  entries_.resize(m.ctypes.size());
  for (mir::CTypeId t{0}; t < m.ctypes.size(); ++t) {
    const mir::CClass cls = mir::ctype_info(m.ctypes[t].kind).cls;
    if (cls != mir::CClass::Pointer && cls != mir::CClass::FnPointer) continue;
    const mir::PtrTypeText text = mir::ptr_type_text(m, t);
    auto e = std::make_unique<Entry>();
    e->name = text.name;
    e->pointee = text.pointee;
    // The strings are in place: the entry is heap-allocated and never moves.
    e->desc = reml_ptr_type_t{e->name.c_str(), e->pointee.c_str(), text.flavour};
    entries_[t.index()] = std::move(e);
  }
}

const reml_ptr_type_t* PtrTypes::find(mir::CTypeId t) const {
  if (t.index() >= entries_.size() || entries_[t.index()] == nullptr) return nullptr;
  return &entries_[t.index()]->desc;
}

}  // namespace hako::vm
