#include "mir/field_owners.h"

namespace hako::mir {

std::vector<FieldOwner> field_owners(const Module& m, std::string_view name) {
  std::vector<FieldOwner> out;
  for (uint32_t bx = 0; bx < m.boxes.size(); ++bx) {
    const std::vector<Field>& fields = m.boxes[bx].fields;
    // The runtime's by-name lookup takes the first field of that name; so
    // does this (sema rejects duplicates, MIR text might not).
    for (uint32_t k = 0; k < fields.size(); ++k) {
      if (fields[k].name != name) continue;
      out.push_back({bx, k, fields[k].is_weak});
      break;
    }
  }
  return out;
}

std::vector<MethodOwner> method_owners(const Module& m, std::string_view name, uint32_t arity) {
  std::vector<MethodOwner> out;
  for (uint32_t bx = 0; bx < m.boxes.size(); ++bx) {
    for (const BoxType::Method& method : m.boxes[bx].methods) {
      if (method.name != name || method.arity != arity) continue;
      out.push_back({bx, method.func});
      break;  // the first match, as the dispatcher and the VM take it
    }
  }
  return out;
}

}  // namespace hako::mir
