// FunctionSlotRegistry: the source variables of one function. Slot ids are
// positions in `slots_`, so building the registry from
// mir::Function::slot_names with add_slot in order keeps the ids equal.
#include "region/region.h"

namespace hako::region {

SlotId FunctionSlotRegistry::ensure_slot(const std::string& name) {
  if (std::optional<SlotId> id = lookup(name)) return *id;
  return add_slot(name);
}

SlotId FunctionSlotRegistry::add_slot(const std::string& name) {
  SlotId id = static_cast<SlotId>(slots_.size());
  slots_.push_back(SlotMetadata{name, RefSlotKind::NonRef});
  // A shadowing slot leaves the name pointing at the first one (ensure_slot's contract).
  by_name_.emplace(name, id);
  return id;
}

void FunctionSlotRegistry::set_ref_kind(SlotId slot, RefSlotKind kind) {
  // Ids may come from hand-written MIR (run-mir): a bad one is ignored, never indexed.
  if (slot < slots_.size()) slots_[slot].ref_kind = kind;
}

std::optional<SlotId> FunctionSlotRegistry::lookup(const std::string& name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

}  // namespace hako::region
