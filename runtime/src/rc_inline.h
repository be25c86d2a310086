/*
 * rc_inline.h — the reference-count fast path, inlined into the runtime's own
 * hot loops (element copies, container releases). The public inc_ref/dec_ref
 * in refcount.c are thin wrappers around these, so the rules live here once.
 */
#ifndef REML_RC_INLINE_H
#define REML_RC_INLINE_H

#include "reml_runtime.h"

/* Frees an object whose count reached zero: runs its destructor (which may
 * release further objects) without recursing on the C stack. */
void reml_rc_destroy(void* ptr);

/* Adds a strong reference; a count that would reach the immortal value simply
 * becomes immortal, trading a leak for the impossibility of a use after free. */
static inline void reml_rc_inc(void* ptr) {
  if (ptr == NULL) return;
  reml_object_header_t* h = REML_GET_HEADER(ptr);
  if (h->refcount != REML_RC_IMMORTAL) h->refcount++;
}

/* Drops a strong reference and destroys the object at zero. */
static inline void reml_rc_dec(void* ptr) {
  if (ptr == NULL) return;
  reml_object_header_t* h = REML_GET_HEADER(ptr);
  if (h->refcount == REML_RC_IMMORTAL) return;
  if (REML_UNLIKELY(h->refcount <= 1)) {
    reml_rc_destroy(ptr);
    return;
  }
  h->refcount--;
}

/* reml_rc_inc for a handle; Void and small Ints carry no reference. */
static inline void reml_rc_inc_h(reml_handle_t h) {
  if (reml_h_is_object(h)) reml_rc_inc(reml_h_ptr(h));
}

/* reml_rc_dec for a handle; Void and small Ints carry no reference. */
static inline void reml_rc_dec_h(reml_handle_t h) {
  if (reml_h_is_object(h)) reml_rc_dec(reml_h_ptr(h));
}

#endif /* REML_RC_INLINE_H */
