// The extern structs of a module as the VM passes them (docs/ffi.md
// "Structs"): per struct CType, the runtime's descriptor (reml_cstruct_type_t,
// for reml_ffi_struct_pack/unpack) and the libffi type of its C layout.
#pragma once

#include <ffi.h>

#include <memory>
#include <string>
#include <vector>

#include "mir/mir.h"
#include "reml_runtime.h"
#include "vm/ptr_types.h"

namespace hako::vm {

// The descriptors and libffi types of every struct CType of a module.
// Descriptors point at each other (nested fields), at the pointer
// descriptors of `PtrTypes` (pointer fields) and at their own strings, and
// libffi keeps the addresses of the ffi_types given to it: the table lives,
// without moving its entries, as long as the program run.
class StructTypes {
 public:
  StructTypes() = default;
  // Builds a descriptor and a libffi type for each struct CType of `m`,
  // with the pointer descriptors of `ptrs` (which must outlive the table).
  // A field the VM cannot pass, or a libffi layout that differs from MIR's,
  // is an internal error.
  StructTypes(const mir::Module& m, const PtrTypes& ptrs);
  StructTypes(const StructTypes&) = delete;
  StructTypes& operator=(const StructTypes&) = delete;
  StructTypes(StructTypes&&) = default;
  StructTypes& operator=(StructTypes&&) = default;

  // The descriptor of struct type `t`, or null when `t` is not a struct
  // type of the module.
  const reml_cstruct_type_t* find(mir::CTypeId t) const;
  // The libffi type of struct type `t`, or null when `t` is not a struct
  // type of the module.
  ffi_type* ffi(mir::CTypeId t) const;

 private:
  struct Entry {
    std::string name;
    std::vector<std::string> field_names;
    std::vector<std::string> field_ctypes;  // each field's C type as written ("i8", "Vec2")
    std::vector<reml_cfield_t> fields;
    reml_cstruct_type_t desc{};
    std::vector<ffi_type*> elements;  // the fields' libffi types, then null
    ffi_type type{};
  };
  // Fills entry `e` of struct type `t` (every entry exists already, so
  // nested fields can point at theirs).
  void fill(const mir::Module& m, const PtrTypes& ptrs, mir::CTypeId t, Entry& e);
  // Checks that libffi lays out struct `t` as MIR does.
  void check_layout(const mir::Module& m, mir::CTypeId t, Entry& e);

  std::vector<std::unique_ptr<Entry>> entries_;  // by CTypeId; null for other C types
};

}  // namespace hako::vm
