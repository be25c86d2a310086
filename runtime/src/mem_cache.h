/* mem_cache.h — the small-block cache's allocation fast path, shared by
 * mem.c and fast_paths.c. fast_paths.c defines reml_instance_new_n from
 * mem_alloc_cached, so -O2 code, which links that file's bitcode, takes a
 * cached block with a few loads and stores; everything else (an empty class,
 * a large object, the plain and debug modes, the first allocation, which
 * decides the mode) goes through reml_alloc_object in mem.c.
 * docs/runtime.md, "Allocator", gives the design. */
#ifndef REML_MEM_CACHE_H
#define REML_MEM_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "reml_runtime.h"

/* Size classes: header + payload of 16, 32, ..., 256 bytes. */
#define REML_CLASS_GRAIN 16u
#define REML_CLASS_COUNT 16u
/* The largest payload a class holds. */
#define REML_SMALL_PAYLOAD_MAX (REML_CLASS_GRAIN * REML_CLASS_COUNT - sizeof(reml_object_header_t))

/* The cached blocks of one class, as a stack of pointers kept outside the
 * blocks (mem.c says why). */
typedef struct reml_free_stack {
  uint64_t** items;
  size_t len;
  size_t cap;
} reml_free_stack_t;

/* The cache, one stack per class (mem.c). */
extern reml_free_stack_t reml_mem_cache[REML_CLASS_COUNT];
/* Nonzero once the mode is the cache and the runtime was built without
 * AddressSanitizer: only then may code outside mem.c pop a block, since the
 * inline path does not unpoison what it hands out. */
extern uint32_t reml_mem_inline_cache;
/* The allocation statistics (reml_alloc_stats), kept by mem.c. */
extern reml_alloc_stats_t reml_mem_stats;

/* The class of a payload of `size` bytes (at most REML_SMALL_PAYLOAD_MAX). */
REML_INLINE size_t mem_class_of(size_t size) { return (size + sizeof(reml_object_header_t) - 1) / REML_CLASS_GRAIN; }

/* Whether class `c` has a cached block. */
REML_INLINE int mem_cache_has(size_t c) { return reml_mem_cache[c].len > 0; }

/* The last cached block of class `c` (its class word), taken off the stack;
 * only when mem_cache_has(c). The block may still be poisoned. */
REML_INLINE uint64_t* mem_cache_take(size_t c) {
  reml_free_stack_t* s = &reml_mem_cache[c];
  return s->items[--s->len];
}

/* A block taken from the cache made into a live object of `tag` with
 * refcount 1; returns its payload. */
REML_INLINE void* mem_cache_revive(uint64_t* b, uint32_t tag) {
  reml_object_header_t* h = (reml_object_header_t*)(b + 1);
  h->refcount = 1;
  h->type_tag = tag;
  return (char*)h + sizeof(reml_object_header_t);
}

/* reml_alloc_object with a cached block taken inline when the mode allows. */
REML_INLINE void* mem_alloc_cached(size_t size, uint32_t tag) {
  if (REML_LIKELY(reml_mem_inline_cache != 0 && size <= REML_SMALL_PAYLOAD_MAX)) {
    size_t c = mem_class_of(size);
    if (REML_LIKELY(mem_cache_has(c))) {
      reml_mem_stats.allocations++;
      return mem_cache_revive(mem_cache_take(c), tag);
    }
  }
  return reml_alloc_object(size, tag);
}

#endif /* REML_MEM_CACHE_H */
