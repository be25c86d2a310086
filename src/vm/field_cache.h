// The inline caches of get_field_h / set_field_h (FieldSite in bytecode.h):
// a hit is a type-tag compare and a load at the cached slot; everything else
// (a miss, a finalised instance, a non-instance, an unknown field, a weak
// field on set, runtime guards) takes reml_dyn_get_field/set_field, the one
// definition of the lookup and of its errors, which then refills the cache.
#pragma once

#include <cstdint>
#include <cstring>

#include "reml_runtime.h"
#include "vm/bytecode.h"
#include "vm/collections.h"

namespace hako::vm {

// The instance `h` refers to when `site` has cached its box type and the
// fast path may be taken, else null.
inline reml_instance_t* field_cache_hit(const FieldSite& site, reml_handle_t h) {
  if (!reml_h_is_object(h)) return nullptr;
  auto* inst = static_cast<reml_instance_t*>(reml_h_ptr(h));
  if (REML_GET_HEADER(inst)->type_tag != site.cache_tag) return nullptr;
  // A finalised instance and guarded runs get the runtime's checks.
  if ((inst->flags & REML_INSTANCE_FINALISED) != 0 || reml_guard_enabled != 0) return nullptr;
  return inst;
}

// After a by-name access of field site.name on `h` succeeded: remembers h's
// box type and the field's slot (for a set site only when the field is not
// weak, since a hit skips the weak-field check).
[[gnu::noinline]] inline void field_cache_fill(FieldSite& site, reml_handle_t h, bool for_set) {
  if (!reml_h_is_object(h)) return;
  const uint32_t tag = REML_GET_HEADER(reml_h_ptr(h))->type_tag;
  const reml_box_type_t* t = reml_box_type_of_tag(tag);
  if (t == nullptr) return;
  for (uint32_t i = 0; i < t->field_count; i++) {
    if (t->field_names[i] == nullptr || std::strcmp(t->field_names[i], site.name) != 0) continue;
    if (for_set && t->field_weak != nullptr && t->field_weak[i]) return;
    site.cache_tag = tag;
    site.cache_slot = i;
    return;
  }
}

}  // namespace hako::vm
