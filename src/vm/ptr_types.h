// The runtime descriptions (reml_ptr_type_t) of a module's C pointer types,
// one per CTypeId, for boxing, unboxing and printing pointer values.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "mir/mir.h"
#include "reml_runtime.h"

namespace hako::vm {

// The descriptors of every pointer and FnPtr type of a module. Pointer
// values hold their descriptor's address, so the table lives (and does not
// move its strings) as long as the program run.
class PtrTypes {
 public:
  PtrTypes() = default;
  // Builds a descriptor for each pointer and FnPtr CType of `m`.
  explicit PtrTypes(const mir::Module& m);
  PtrTypes(const PtrTypes&) = delete;
  PtrTypes& operator=(const PtrTypes&) = delete;
  PtrTypes(PtrTypes&&) = default;
  PtrTypes& operator=(PtrTypes&&) = default;

  // The descriptor of pointer type `t`, or null when `t` is not a pointer
  // type of the module.
  const reml_ptr_type_t* find(mir::CTypeId t) const;

 private:
  struct Entry {
    std::string name;
    std::string pointee;
    reml_ptr_type_t desc{};
  };
  std::vector<std::unique_ptr<Entry>> entries_;  // by CTypeId; null for other C types
};

}  // namespace hako::vm
