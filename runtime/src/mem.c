/* mem.c — object allocation (header + payload), raw buffers and statistics. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The payload must stay 8-aligned: malloc gives at least 8 and the header is
 * exactly 8 bytes. */
_Static_assert(sizeof(reml_object_header_t) == 8, "object header must be 8 bytes");

static reml_alloc_stats_t g_stats;

size_t reml_mul_size(size_t a, size_t b) {
  if (b != 0 && a > SIZE_MAX / b) reml_internal_error("allocation size overflow");
  return a * b;
}

size_t reml_add_size(size_t a, size_t b) {
  if (a > SIZE_MAX - b) reml_internal_error("allocation size overflow");
  return a + b;
}

void* reml_xmalloc(size_t size) {
  void* p = malloc(size == 0 ? 1 : size);
  if (p == NULL) reml_internal_error("out of memory (%zu bytes)", size);
  return p;
}

void* reml_xrealloc(void* ptr, size_t size) {
  void* p = realloc(ptr, size == 0 ? 1 : size);
  if (p == NULL) reml_internal_error("out of memory (%zu bytes)", size);
  return p;
}

/* The one place that carves a header out of fresh memory. */
static void* alloc_with_header(size_t size, uint32_t refcount, uint32_t tag) {
  reml_object_header_t* h = reml_xmalloc(reml_add_size(sizeof(reml_object_header_t), size));
  h->refcount = refcount;
  h->type_tag = tag;
  return (char*)h + sizeof(reml_object_header_t);
}

void* mem_alloc(size_t size) {
  g_stats.allocations++;
  return alloc_with_header(size, 1, REML_TAG_RAW);
}

void* reml_alloc_object(size_t size, uint32_t tag) {
  g_stats.allocations++;
  return alloc_with_header(size, 1, tag);
}

/* Every immortal block, by its start address: object pointers point past the
 * header, so without this list leak checkers such as valgrind would report
 * each literal as "possibly lost" at exit. */
static void** g_immortals;
static size_t g_immortal_len;
static size_t g_immortal_cap;

void* reml_alloc_immortal(size_t size, uint32_t tag) {
  if (g_immortal_len == g_immortal_cap) {
    size_t cap = g_immortal_cap ? g_immortal_cap * 2 : 64;
    g_immortals = reml_xrealloc(g_immortals, reml_mul_size(cap, sizeof(void*)));
    g_immortal_cap = cap;
  }
  void* payload = alloc_with_header(size, REML_RC_IMMORTAL, tag);
  g_immortals[g_immortal_len++] = REML_GET_HEADER(payload);
  return payload;
}

void mem_free(void* ptr) {
  if (ptr == NULL) return;
  reml_object_header_t* h = REML_GET_HEADER(ptr);
  /* Immortal objects may live in static storage or be shared literals. */
  if (h->refcount == REML_RC_IMMORTAL) return;
  g_stats.frees++;
  free(h);
}

void reml_set_type_tag(void* ptr, uint32_t tag) {
  if (ptr == NULL) reml_internal_error("reml_set_type_tag on NULL");
  REML_GET_HEADER(ptr)->type_tag = tag;
}

uint32_t reml_get_type_tag(const void* ptr) {
  if (ptr == NULL) reml_internal_error("reml_get_type_tag on NULL");
  return REML_GET_HEADER(ptr)->type_tag;
}

reml_alloc_stats_t reml_alloc_stats(void) { return g_stats; }
