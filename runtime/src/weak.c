/* weak.c — WeakRef cells (reml_runtime.h, "WeakRef"; docs/runtime.md): the
 * slow paths of `weak`, the link between a box and its cell, and the
 * weak-field contract. The three seed entry points nyrt_weak_* live in
 * fast_paths.c so that -O2 code inlines them. */
#include "internal.h"
#include "map_layout.h"

reml_weak_cell_t* reml_weak_slot_get_other(const void* target) {
  uint32_t tag = REML_GET_HEADER(target)->type_tag;
  if (tag == REML_TAG_MAP) return ((const reml_map_t*)target)->weak;
  if (tag == REML_TAG_CONSOLE) return *reml_console_weak_slot((void*)target);
  reml_internal_error("an object of tag %u has no WeakRef slot", tag);
}

/* Points box `target`'s slot at `cell` (NULL: no cell). */
static void set_slot(void* target, reml_weak_cell_t* cell) {
  uint32_t tag = REML_GET_HEADER(target)->type_tag;
  if (tag >= REML_TAG_USER_BASE) {
    reml_instance_t* inst = target;
    inst->flags = (inst->flags & (uint64_t)7u) | (uint64_t)(uintptr_t)cell;
  } else if (tag == REML_TAG_ARRAY) {
    ((reml_array_t*)target)->weak = cell;
  } else if (tag == REML_TAG_MAP) {
    ((reml_map_t*)target)->weak = cell;
  } else if (tag == REML_TAG_CONSOLE) {
    *reml_console_weak_slot(target) = cell;
  } else {
    reml_internal_error("an object of tag %u has no WeakRef slot", tag);
  }
}

reml_weak_cell_t* reml_weak_cell_of(void* target) {
  reml_weak_cell_t* cell = reml_weak_slot_get(target);
  if (cell != NULL) {
    reml_inc_ref_inline(cell);
    return cell;
  }
  cell = reml_alloc_object(sizeof(reml_weak_cell_t), REML_TAG_WEAK);
  cell->target = target;
  set_slot(target, cell);
  return cell;
}

void reml_weak_detach(void* target) {
  reml_weak_cell_t* cell = reml_weak_slot_get(target);
  if (cell == NULL) return;
  cell->target = NULL;
  set_slot(target, NULL);
}

void reml_weak_cell_destroy(reml_weak_cell_t* cell) {
  if (cell->target != NULL) set_slot(cell->target, NULL);
  cell->target = NULL;
}

int64_t reml_weak_new_checked(reml_handle_t value, const reml_loc_t* loc) {
  if (!reml_h_is_object(value) || !reml_tag_is_weak_target(reml_h_tag(value)))
    reml_panic_at(loc, "Type error: weak needs a box, got %s", reml_h_kind_name(value));
  return nyrt_weak_new((int64_t)value);
}

int64_t reml_weak_alive(int64_t weak_handle) {
  if (weak_handle == 0) return 0;
  return ((const reml_weak_cell_t*)reml_h_ptr((reml_handle_t)weak_handle))->target != NULL;
}

bool reml_h_is_weak(reml_handle_t h) { return reml_h_is_object(h) && reml_h_tag(h) == REML_TAG_WEAK; }

void reml_weak_field_check(reml_handle_t obj, reml_handle_t value, int64_t field, const reml_loc_t* loc) {
  if (value == REML_VOID || reml_h_is_weak(value)) return;
  const reml_box_type_t* t = reml_h_is_object(obj) ? reml_box_type_of_tag(reml_h_tag(obj)) : NULL;
  if (t == NULL || field < 0 || (uint64_t)field >= t->field_count)
    reml_internal_error("weak-field check on a value that is not an instance with field %lld", (long long)field);
  reml_weak_field_error(t, (uint32_t)field, value, loc);
}

void reml_weak_field_error(const reml_box_type_t* t, uint32_t field, reml_handle_t value, const reml_loc_t* loc) {
  const char* name = t->field_names[field];
  reml_panic_at(loc, "Weak field '%s' of %s takes a WeakRef or null, not %s: write 'me.%s = weak value'", name,
                t->name, reml_h_kind_name(value), name);
}
