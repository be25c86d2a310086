/* debug_alloc.c — debug mode: tracked objects, the quarantine that keeps
 * freed objects recognisable, double-free reports, and the switch itself.
 *
 * A tracked object is one malloc block laid out as
 *   [debug_rec_t][reml_object_header_t][payload]
 * so object pointers and headers look exactly as in ordinary mode. Live
 * records form a doubly linked list in allocation order (the leak report
 * walks it). A freed object is not given back to malloc at once: it waits in
 * a bounded FIFO quarantine, still readable, so that releasing it again is
 * recognised and reported with its type and allocation number. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "mem_check.h"

/* Record states; any other value means the pointer never came from here. */
#define REC_LIVE 0x4c495645u  /* "LIVE" */
#define REC_FREED 0x46524545u /* "FREE" */

typedef struct debug_rec {
  struct debug_rec* prev;
  struct debug_rec* next;
  uint64_t serial; /* allocation number, counting from 1 */
  size_t size;     /* payload bytes */
  uint32_t state;  /* REC_LIVE or REC_FREED */
  uint32_t scratch;
} debug_rec_t;

_Static_assert(sizeof(debug_rec_t) % 8 == 0, "the header after a record must stay 8-aligned");

/* The quarantine holds at most this many objects and bytes; older ones are
 * freed for real (a double free of those can no longer be recognised). */
#define QUARANTINE_SLOTS ((size_t)1 << 16)
#define QUARANTINE_BUDGET ((size_t)64 << 20)
/* Freed payloads are overwritten with this byte, so a use after free in a
 * debug run reads obvious garbage instead of plausible old values. */
#define FREED_FILL 0xdd

static debug_rec_t g_live = {&g_live, &g_live, 0, 0, 0, 0}; /* list sentinel */
static uint64_t g_live_count;
static uint64_t g_serial;

static debug_rec_t** g_quarantine; /* ring of QUARANTINE_SLOTS entries */
static size_t g_q_head;            /* oldest entry */
static size_t g_q_len;
static size_t g_q_bytes;

static debug_rec_t* rec_of(const void* obj) {
  return (debug_rec_t*)((char*)REML_GET_HEADER(obj) - sizeof(debug_rec_t));
}

static void* obj_of(debug_rec_t* r) { return (char*)r + sizeof(debug_rec_t) + sizeof(reml_object_header_t); }

int reml_debug_enable(void) { return reml_mem_enter_debug_mode() ? 1 : 0; }

int reml_debug_enabled(void) { return reml_mem_debug_mode() ? 1 : 0; }

uint64_t reml_live_objects(void) { return reml_mem_debug_mode() ? g_live_count : 0; }

void* reml_debug_alloc(size_t size, uint32_t tag) {
  size_t total = reml_add_size(sizeof(debug_rec_t) + sizeof(reml_object_header_t), size);
  debug_rec_t* r = reml_xmalloc(total);
  r->serial = ++g_serial;
  r->size = size;
  r->state = REC_LIVE;
  r->scratch = 0;
  r->prev = g_live.prev;
  r->next = &g_live;
  g_live.prev->next = r;
  g_live.prev = r;
  g_live_count++;
  reml_object_header_t* h = (reml_object_header_t*)(r + 1);
  h->refcount = 1;
  h->type_tag = tag;
  return obj_of(r);
}

const char* reml_debug_type_name(uint32_t tag, char buf[32]) {
  /* Objects, not kinds: a boxed number is an object of its own. */
  switch (tag) {
    case REML_TAG_RAW: return "Raw";
    case REML_TAG_INT: return "IntBox";
    case REML_TAG_FLOAT: return "FloatBox";
    case REML_TAG_BOOL: return "BoolBox";
    default: break;
  }
  const reml_box_type_t* t = reml_user_type(tag);
  if (tag < REML_TAG_USER_BASE || (t != NULL && t->name != NULL)) return reml_tag_name(tag);
  snprintf(buf, 32, "Object(tag %u)", (unsigned)tag);
  return buf;
}

REML_NORETURN static void report_double_free(const debug_rec_t* r, const reml_object_header_t* h) {
  char buf[32];
  reml_internal_error("double free of a %s object (allocation #%llu)", reml_debug_type_name(h->type_tag, buf),
                      (unsigned long long)r->serial);
}

void reml_debug_double_release(const void* ptr) {
  const debug_rec_t* r = rec_of(ptr);
  if (r->state == REC_LIVE || r->state == REC_FREED) report_double_free(r, REML_GET_HEADER(ptr));
  reml_internal_error("dec_ref of an object that is already dead");
}

/* Frees the oldest quarantined objects until the quarantine has room for one
 * more object of `incoming` bytes. */
static void quarantine_evict(size_t incoming) {
  while (g_q_len > 0 && (g_q_len >= QUARANTINE_SLOTS || g_q_bytes + incoming > QUARANTINE_BUDGET)) {
    debug_rec_t* old = g_quarantine[g_q_head];
    g_q_head = (g_q_head + 1) % QUARANTINE_SLOTS;
    g_q_len--;
    g_q_bytes -= old->size;
    REML_UNPOISON(obj_of(old), old->size);
    free(old);
  }
}

void reml_debug_free(void* ptr) {
  debug_rec_t* r = rec_of(ptr);
  if (r->state == REC_FREED) report_double_free(r, REML_GET_HEADER(ptr));
  if (r->state != REC_LIVE) reml_internal_error("mem_free of a block the runtime did not allocate");
  r->prev->next = r->next;
  r->next->prev = r->prev;
  r->prev = r->next = NULL;
  r->state = REC_FREED;
  g_live_count--;
  /* The header keeps its tag (for the message) and gets count 0, so a later
   * dec_ref reaches reml_rc_destroy and is reported. */
  REML_GET_HEADER(ptr)->refcount = 0;
  memset(ptr, FREED_FILL, r->size);
  if (g_quarantine == NULL) g_quarantine = reml_xmalloc(QUARANTINE_SLOTS * sizeof(debug_rec_t*));
  quarantine_evict(r->size);
  g_quarantine[(g_q_head + g_q_len) % QUARANTINE_SLOTS] = r;
  g_q_len++;
  g_q_bytes += r->size;
  /* The record and header stay readable for the double-free check; the
   * payload is off limits to ASan and memcheck. */
  REML_POISON(ptr, r->size);
  REML_VG_NOACCESS(ptr, r->size);
}

void reml_debug_for_each_live(void (*fn)(void* obj, void* ctx), void* ctx) {
  for (debug_rec_t* r = g_live.next; r != &g_live;) {
    debug_rec_t* next = r->next; /* `fn` must not free, but stay safe if it does */
    fn(obj_of(r), ctx);
    r = next;
  }
}

uint32_t* reml_debug_scratch(const void* obj) {
  if (obj == NULL || REML_GET_HEADER(obj)->refcount == REML_RC_IMMORTAL) return NULL;
  debug_rec_t* r = rec_of(obj);
  return r->state == REC_LIVE ? &r->scratch : NULL;
}

reml_debug_state_t reml_debug_record(const void* obj, size_t* size) {
  const debug_rec_t* r = rec_of(obj);
  if (r->state == REC_LIVE) {
    *size = r->size;
    return REML_DEBUG_LIVE;
  }
  return r->state == REC_FREED ? REML_DEBUG_FREED : REML_DEBUG_UNKNOWN;
}
