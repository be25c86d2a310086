/* instance.c — user-box types, instances and field access by name. */
#include <string.h>

#include "guard.h"
#include "internal.h"

static const reml_box_type_t* g_types;
static uint32_t g_type_count;

void reml_register_box_types(const reml_box_type_t* types, uint32_t count) {
  g_types = types;
  g_type_count = types != NULL ? count : 0;
}

const reml_box_type_t* reml_box_type_of_tag(uint32_t tag) {
  if (tag < REML_TAG_USER_BASE || tag - REML_TAG_USER_BASE >= g_type_count) return NULL;
  return &g_types[tag - REML_TAG_USER_BASE];
}

const reml_box_type_t* reml_user_type(uint32_t tag) { return reml_box_type_of_tag(tag); }

uint32_t reml_user_type_count(void) { return g_type_count; }

reml_instance_t* reml_instance_new(uint32_t type_index) {
  if (type_index >= g_type_count) reml_internal_error("instance of unregistered box type %u", type_index);
  return reml_instance_new_n(type_index, g_types[type_index].field_count);
}

void reml_instance_destroy(reml_instance_t* inst, uint32_t tag) {
  const reml_box_type_t* t = reml_box_type_of_tag(tag);
  if (t == NULL) return;
  for (uint32_t i = 0; i < t->field_count; i++) {
    reml_handle_t v = inst->fields[i];
    inst->fields[i] = REML_VOID;
    reml_h_release(v);
  }
}

/* The field slot named `field` of `obj`, or the `Unknown field` error. */
static reml_handle_t* field_slot(reml_handle_t obj, const char* field, const reml_loc_t* loc) {
  reml_check_live(obj, loc); /* hako-core §8: no field access after fini() */
  if (field == NULL) field = "";
  if (reml_h_is_object(obj)) {
    const reml_box_type_t* t = reml_box_type_of_tag(reml_h_tag(obj));
    if (t != NULL) {
      for (uint32_t i = 0; i < t->field_count; i++) {
        if (t->field_names[i] != NULL && strcmp(t->field_names[i], field) == 0)
          return &((reml_instance_t*)reml_h_ptr(obj))->fields[i];
      }
    }
  }
  reml_panic_at(loc, "Unknown field '%s' on %s", field, reml_h_kind_name(obj));
}

REML_GUARDED(reml_handle_t, reml_dyn_get_field, (reml_handle_t obj, const char* field, const reml_loc_t* loc),
             (obj, field, loc), return REML_VOID, loc, REML_GA_H(1, obj)) {
  reml_handle_t v = *field_slot(obj, field, loc);
  reml_h_retain(v);
  return v;
}

REML_GUARDED_VOID(reml_dyn_set_field,
                  (reml_handle_t obj, const char* field, reml_handle_t value, const reml_loc_t* loc),
                  (obj, field, value, loc), return, loc, REML_GA_H(1, obj), REML_GA_H(3, value)) {
  reml_handle_t* slot = field_slot(obj, field, loc);
  if (value != REML_VOID && !reml_h_is_weak(value)) {
    /* hako-core §7: a weak field takes only a WeakRef or null. */
    const reml_box_type_t* t = reml_box_type_of_tag(reml_h_tag(obj));
    uint32_t index = (uint32_t)(slot - ((reml_instance_t*)reml_h_ptr(obj))->fields);
    if (t->field_weak != NULL && t->field_weak[index]) reml_weak_field_error(t, index, value, loc);
  }
  reml_h_retain(value);
  reml_handle_t old = *slot;
  *slot = value;
  reml_h_release(old);
}

/* docs/ownership.md, "Reuse of dying boxes". The box dies here unless another
 * reference keeps it: with count 1 and the same field count as `type_index`,
 * its memory is the new instance (the size class or malloc block fits
 * exactly), so neither an allocation nor a free is counted. Debug mode
 * allocates and frees as usual, because its records follow each block's type
 * and allocation number into the leak report. */
reml_instance_t* reml_instance_reuse(reml_instance_t* old, uint32_t type_index) {
  if (type_index >= g_type_count) reml_internal_error("instance of unregistered box type %u", type_index);
  reml_object_header_t* h = REML_GET_HEADER(old);
  const reml_box_type_t* from = reml_box_type_of_tag(h->type_tag);
  const reml_box_type_t* to = &g_types[type_index];
  if (h->refcount != 1 || from == NULL || from->field_count != to->field_count || reml_mem_debug_mode()) {
    reml_dec_ref_inline(old);
    return reml_instance_new(type_index);
  }
  /* As in the destructor: no WeakRef ever reaches the new instance. */
  if (reml_weak_slot_get(old) != NULL) reml_weak_detach(old);
  /* Drop specialization: the type is known, so its fields are released one
   * by one with no dispatch on the tag; each release frees what dies. */
  for (uint32_t i = 0; i < from->field_count; i++) {
    reml_handle_t v = old->fields[i];
    old->fields[i] = REML_VOID;
    reml_h_release(v);
  }
  h->type_tag = REML_TAG_USER_BASE + type_index;
  old->flags = 0;
  return old;
}
