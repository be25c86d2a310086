/* mem.c — object allocation (header + payload): a cache of small freed
 * blocks in front of malloc, the allocation mode, statistics, checked malloc
 * for internal buffers, and immortal objects.
 *
 * Most objects are small (number boxes, short strings, instances with a few
 * fields) and die young, so freed blocks of up to 256 bytes (header
 * included) are kept per size class and handed out again without a trip
 * through malloc. The object header has no room for a size, so in cache mode
 * each block starts with one more word, its class:
 *
 *   [class word][reml_object_header_t][payload]
 *
 * With glibc this costs no memory: a request of 16k + 8 bytes takes the same
 * chunk as one of 16k. The runtime is single-threaded, so the cache needs no
 * locking. */
#include <stdlib.h>

#include "internal.h"
#include "mem_cache.h"
#include "mem_check.h"

/* The payload must stay 8-aligned: malloc gives at least 8, and the class
 * word and the header are 8 bytes each. */
_Static_assert(sizeof(reml_object_header_t) == 8, "object header must be 8 bytes");

/* How counted objects are allocated; decided at the first allocation (or
 * earlier by reml_debug_enable) and never changed afterwards, because every
 * block must be freed the way it was allocated. */
typedef enum alloc_mode {
  MODE_UNDECIDED = 0,
  MODE_CACHE, /* class word + small-block cache (the default) */
  MODE_PLAIN, /* one malloc block per object, no cache (under Valgrind) */
  MODE_DEBUG  /* tracked blocks with a quarantine (debug_alloc.c) */
} alloc_mode_t;

static alloc_mode_t g_mode;
reml_alloc_stats_t reml_mem_stats;

/* The class word of a block too large for the cache. */
#define CLASS_LARGE UINT64_MAX
/* Each class caches at most this many bytes of blocks, so a program that
 * frees a large structure gives most of it back to malloc. */
#define CLASS_BUDGET ((size_t)2 << 20)

/* The cached blocks of one class (mem_cache.h), as a stack of pointers kept
 * outside the blocks: the blocks themselves stay untouched (and, under
 * ASan, poisoned whole; LeakSanitizer ignores pointers stored in poisoned memory, so links
 * inside the blocks would make it report every cached block as leaked). A
 * cached block keeps its class word, and its header keeps refcount 0, so the
 * cheap "already dead" check of reml_rc_destroy still fires on a double
 * release. */
reml_free_stack_t reml_mem_cache[REML_CLASS_COUNT];

#ifdef REML_HAVE_ASAN
#define INLINE_CACHE_ALLOWED 0u /* the inline path would hand out poisoned blocks */
#else
#define INLINE_CACHE_ALLOWED 1u
#endif
uint32_t reml_mem_inline_cache;

/* The bytes of a block of class `c`: class word, header and payload. */
static size_t class_block_bytes(size_t c) { return sizeof(uint64_t) + (c + 1) * REML_CLASS_GRAIN; }

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

/* Writes a header at `h` and returns the payload behind it. */
static void* init_header(reml_object_header_t* h, uint32_t refcount, uint32_t tag) {
  h->refcount = refcount;
  h->type_tag = tag;
  return (char*)h + sizeof(reml_object_header_t);
}

/* A fresh block of class word `cls` and `bytes` in all; returns the payload. */
static void* new_block(uint64_t cls, size_t bytes, uint32_t tag) {
  uint64_t* b = reml_xmalloc(bytes);
  b[0] = cls;
  return init_header((reml_object_header_t*)(b + 1), 1, tag);
}

/* The mode of a process that did not ask for debug mode. Under Valgrind
 * every object is its own malloc block, so memcheck keeps the allocation and
 * free stack of each one, which beats anything the cache could tell it. */
static alloc_mode_t default_mode(void) { return REML_RUNNING_ON_VALGRIND() ? MODE_PLAIN : MODE_CACHE; }

/* Everything but a small object in cache mode. */
static void* alloc_slow(size_t size, uint32_t tag) {
  if (g_mode == MODE_UNDECIDED) {
    g_mode = default_mode();
    if (g_mode == MODE_CACHE) reml_mem_inline_cache = INLINE_CACHE_ALLOWED;
  }
  switch (g_mode) {
    case MODE_DEBUG: return reml_debug_alloc(size, tag);
    case MODE_PLAIN:
      return init_header(reml_xmalloc(reml_add_size(sizeof(reml_object_header_t), size)), 1, tag);
    default: break;
  }
  if (size <= REML_SMALL_PAYLOAD_MAX) return new_block(mem_class_of(size), class_block_bytes(mem_class_of(size)), tag);
  return new_block(CLASS_LARGE, reml_add_size(sizeof(uint64_t) + sizeof(reml_object_header_t), size), tag);
}

void* reml_alloc_object(size_t size, uint32_t tag) {
  reml_mem_stats.allocations++;
  if (REML_LIKELY(g_mode == MODE_CACHE && size <= REML_SMALL_PAYLOAD_MAX)) {
    size_t c = mem_class_of(size);
    if (REML_LIKELY(mem_cache_has(c))) {
      uint64_t* b = mem_cache_take(c);
      REML_UNPOISON(b, class_block_bytes(c));
      return mem_cache_revive(b, tag);
    }
    return new_block(c, class_block_bytes(c), tag);
  }
  return alloc_slow(size, tag);
}

void* mem_alloc(size_t size) { return reml_alloc_object(size, REML_TAG_RAW); }

/* Out of line and cold: inlined, the growing made every mem_free save and
 * restore six registers for a path that runs a few dozen times a run. */
#if defined(__GNUC__) || defined(__clang__)
#define MEM_SLOW_PATH __attribute__((noinline, cold))
#else
#define MEM_SLOW_PATH
#endif

/* Grows the full stack of class `c` within its budget; false when it is at
 * the budget and the block should go back to malloc instead. */
MEM_SLOW_PATH static bool cache_grow(reml_free_stack_t* s, size_t c) {
  size_t limit = CLASS_BUDGET / class_block_bytes(c);
  if (s->cap >= limit) return false;
  size_t cap = s->cap ? s->cap * 2 : 64;
  if (cap > limit) cap = limit;
  s->items = reml_xrealloc(s->items, reml_mul_size(cap, sizeof(uint64_t*)));
  s->cap = cap;
  return true;
}

/* The rest of cache_free: grows the stack of the block's class within its
 * budget and puts the block on it, or gives the block back to malloc when
 * it is large or the cache is full. */
MEM_SLOW_PATH static void cache_free_slow(reml_object_header_t* h) {
  uint64_t* b = (uint64_t*)h - 1;
  uint64_t c = b[0];
  if (c < REML_CLASS_COUNT && cache_grow(&reml_mem_cache[c], c)) {
    reml_free_stack_t* s = &reml_mem_cache[c];
    h->refcount = 0;
    s->items[s->len++] = b;
    REML_POISON(b, class_block_bytes(c));
    return;
  }
  free(b);
}

/* Puts a dead block on its class stack; the slow half (a full stack, a
 * large block) is a tail call, so this part saves no registers. */
static void cache_free(reml_object_header_t* h) {
  uint64_t* b = (uint64_t*)h - 1;
  uint64_t c = b[0];
  if (REML_LIKELY(c < REML_CLASS_COUNT)) {
    reml_free_stack_t* s = &reml_mem_cache[c];
    if (REML_LIKELY(s->len < s->cap)) {
      h->refcount = 0;
      s->items[s->len++] = b;
      /* Under ASan any touch of a cached block is a use after free. */
      REML_POISON(b, class_block_bytes(c));
      return;
    }
  }
  cache_free_slow(h);
}

void mem_free(void* ptr) {
  if (ptr == NULL) return;
  reml_object_header_t* h = REML_GET_HEADER(ptr);
  /* Immortal objects may live in static (even read-only) storage or be
   * shared literals: never write to them. */
  if (h->refcount == REML_RC_IMMORTAL) return;
  if (REML_LIKELY(g_mode == MODE_CACHE)) {
    reml_mem_stats.frees++;
    cache_free(h);
    return;
  }
  if (g_mode == MODE_DEBUG) {
    reml_debug_free(ptr); /* reports a double free and does not return then */
    reml_mem_stats.frees++;
    return;
  }
  reml_mem_stats.frees++;
  free(h);
}

/* Every immortal block, by its start address: object pointers point past the
 * header, so without this list leak checkers such as valgrind would report
 * each literal as "possibly lost" at exit. Immortal blocks have no class word:
 * they are never freed. */
static void** g_immortals;
static size_t g_immortal_len;
static size_t g_immortal_cap;

void* reml_alloc_immortal(size_t size, uint32_t tag) {
  if (g_immortal_len == g_immortal_cap) {
    size_t cap = g_immortal_cap ? g_immortal_cap * 2 : 64;
    g_immortals = reml_xrealloc(g_immortals, reml_mul_size(cap, sizeof(void*)));
    g_immortal_cap = cap;
  }
  reml_object_header_t* h = reml_xmalloc(reml_add_size(sizeof(reml_object_header_t), size));
  g_immortals[g_immortal_len++] = h;
  return init_header(h, REML_RC_IMMORTAL, tag);
}

bool reml_mem_enter_debug_mode(void) {
  if (g_mode == MODE_DEBUG) return true;
  /* Objects allocated before would have no tracking record. */
  if (reml_mem_stats.allocations > 0) return false;
  g_mode = MODE_DEBUG;
  return true;
}

bool reml_mem_debug_mode(void) { return g_mode == MODE_DEBUG; }

void reml_set_type_tag(void* ptr, uint32_t tag) {
  if (ptr == NULL) reml_internal_error("reml_set_type_tag on NULL");
  REML_GET_HEADER(ptr)->type_tag = tag;
}

uint32_t reml_get_type_tag(const void* ptr) {
  if (ptr == NULL) reml_internal_error("reml_get_type_tag on NULL");
  return REML_GET_HEADER(ptr)->type_tag;
}

reml_alloc_stats_t reml_alloc_stats(void) { return reml_mem_stats; }
