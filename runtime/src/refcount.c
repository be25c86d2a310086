/* refcount.c — inc_ref/dec_ref and the destructor dispatch by type tag. */
#include <stdlib.h>

#include "internal.h"

/* Objects whose count reached zero wait here until the outermost destroy
 * call frees them. Draining a worklist instead of recursing keeps releasing a
 * deeply nested structure (a million nested arrays) off the C stack. */
static void** g_pending;
static size_t g_pending_len;
static size_t g_pending_cap;
static int g_draining;

static void push_pending(void* ptr) {
  if (g_pending_len == g_pending_cap) {
    size_t cap = g_pending_cap ? g_pending_cap * 2 : 64;
    g_pending = reml_xrealloc(g_pending, reml_mul_size(cap, sizeof(void*)));
    g_pending_cap = cap;
  }
  g_pending[g_pending_len++] = ptr;
}

/* Releases what the object holds; its children land on the worklist. */
static void run_destructor(void* ptr) {
  uint32_t tag = REML_GET_HEADER(ptr)->type_tag;
  /* A dead box is never reached through a WeakRef again. Most boxes never
   * had one: testing the slot inline keeps their destruction call-free. */
  if (reml_tag_is_weak_target(tag) && reml_weak_slot_get(ptr) != NULL) reml_weak_detach(ptr);
  switch (tag) {
    case REML_TAG_ARRAY: reml_array_destroy(ptr); break;
    case REML_TAG_MAP: reml_map_destroy(ptr); break;
    case REML_TAG_RAW:
    case REML_TAG_STRING:
    case REML_TAG_INT:
    case REML_TAG_FLOAT:
    case REML_TAG_BOOL:
    case REML_TAG_CONSOLE:
    case REML_TAG_PTR: /* a C address: Hako never frees what it points at */
      break;
    case REML_TAG_WEAK: reml_weak_cell_destroy(ptr); break;
    default:
      if (tag >= REML_TAG_USER_BASE) reml_instance_destroy(ptr, tag);
      break;
  }
}

void reml_rc_destroy(void* ptr) {
  reml_object_header_t* h = REML_GET_HEADER(ptr);
  if (h->refcount == 0) {
    /* Debug mode knows the object's type and allocation number. */
    if (reml_mem_debug_mode()) reml_debug_double_release(ptr);
    reml_internal_error("dec_ref of an object that is already dead");
  }
  h->refcount = 0;
  push_pending(ptr);
  if (g_draining) return;
  g_draining = 1;
  while (g_pending_len > 0) {
    void* obj = g_pending[--g_pending_len];
    run_destructor(obj);
    mem_free(obj);
  }
  g_draining = 0;
  /* A huge release should not pin its worklist for the rest of the run. */
  if (g_pending_cap > 4096) {
    free(g_pending);
    g_pending = NULL;
    g_pending_cap = 0;
  }
}

void inc_ref(void* ptr) { reml_inc_ref_inline(ptr); }

void dec_ref(void* ptr) { reml_dec_ref_inline(ptr); }
