/* fini.c — the lifetime state behind user fini() methods (hako-core §8).
 *
 * Compiled code wraps the body of every user fini() in reml_fini_begin /
 * reml_fini_end and guards the box's other methods and fields with
 * reml_check_live; the state lives in two bits of the instance's flags. */
#include "guard.h"
#include "internal.h"

/* The instance `h` refers to; anything else here is a bug in hakoc, which
 * only passes receivers of boxes that define fini(). */
static reml_instance_t* fini_receiver(reml_handle_t h, const char* what) {
  if (!reml_h_is_object(h) || reml_box_type_of_tag(reml_h_tag(h)) == NULL)
    reml_internal_error("%s of a value that is not a user-box instance", what);
  return (reml_instance_t*)reml_h_ptr(h);
}

REML_GUARDED(int64_t, reml_fini_begin, (reml_handle_t self), (self), return 0, NULL, REML_GA_H(1, self)) {
  reml_instance_t* inst = fini_receiver(self, "fini()");
  if (inst->flags & (REML_INSTANCE_FINALISING | REML_INSTANCE_FINALISED)) return 0;
  inst->flags |= REML_INSTANCE_FINALISING;
  return 1;
}

REML_GUARDED_VOID(reml_fini_end, (reml_handle_t self), (self), return, NULL, REML_GA_H(1, self)) {
  reml_instance_t* inst = fini_receiver(self, "the end of fini()");
  inst->flags = (inst->flags & ~REML_INSTANCE_FINALISING) | REML_INSTANCE_FINALISED;
}

REML_GUARDED_VOID(reml_check_live, (reml_handle_t obj, const reml_loc_t* loc), (obj, loc), return, loc,
                  REML_GA_H(1, obj)) {
  /* Handles reach here from dynamic calls too, so any value may come. */
  if (!reml_h_is_object(obj) || reml_box_type_of_tag(reml_h_tag(obj)) == NULL) return;
  const reml_instance_t* inst = (const reml_instance_t*)reml_h_ptr(obj);
  if (inst->flags & REML_INSTANCE_FINALISED) reml_panic_at(loc, "use after fini");
}
