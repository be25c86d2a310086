/* map_layout.h — MapBox's memory layout and its Int-key fast paths, shared
 * by map.c and fast_paths.c. fast_paths.c defines the typed Int entry points
 * (nyash_map_get_h, nyash_map_set_h, nyash_map_set_ha) from these inline
 * functions, so -O2 code, which links that file's bitcode, inlines a whole
 * Int-keyed get or set; only inserting a new key calls into map.c.
 * docs/runtime.md, "MapBox", describes the design. */
#ifndef REML_MAP_LAYOUT_H
#define REML_MAP_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "reml_runtime.h"

/* What an entry's key is; a hole is a deleted entry. */
typedef enum key_kind { KEY_INT = 0, KEY_STRING = 1, KEY_HOLE = 2 } key_kind_t;

typedef struct map_entry {
  union {
    int64_t i;                /* KEY_INT: the Int itself */
    const reml_string_t* s;   /* KEY_STRING: a retained string */
  } key;
  reml_handle_t value;        /* retained; Void in a hole */
  uint32_t hash;              /* int_hash or string_hash of the key */
  uint32_t kind;              /* a key_kind_t */
} map_entry_t;

/* An index slot: 0 is empty; otherwise the high 32 bits are the entry's
 * hash and the low 32 bits its position + 1, or SLOT_TOMB_POS for a
 * tombstone (a deleted entry's slot, which probes must walk past). */
#define SLOT_EMPTY 0ull
#define SLOT_TOMB_POS 0xFFFFFFFFull
#define SLOT_POS_MASK 0xFFFFFFFFull

/* The index is rebuilt before it is more than 3/4 full (tombstones
 * included); docs/runtime.md gives the measurements behind the choice. */
#define INDEX_LOAD_NUM 3u
#define INDEX_LOAD_DEN 4u
#define INDEX_MIN_CAP 8u
#define INDEX_MAX_LOG2 31u /* positions and hashes are 32 bits wide */

struct reml_map {
  int64_t size;          /* live entries */
  int64_t used;          /* entries in the array, holes included */
  int64_t cap;           /* capacity of the entry array */
  map_entry_t* entries;
  uint64_t* index;       /* index_cap slots, or NULL before the first insert */
  uint64_t index_cap;    /* a power of two, or 0 */
  uint64_t index_filled; /* slots that are not empty (tombstones included) */
  uint32_t index_shift;  /* 32 - log2(index_cap): a hash's home slot is hash >> shift */
  /* The index slot of the Int key found last (-1: none). `m.set(k, m.get(k)
   * + 1)` looks the same key up twice; the second lookup then costs one
   * compare instead of a hash and a probe. Any change of the index clears it. */
  int64_t hit_slot;
  int64_t hit_key;
};

/* The hash of an Int key: the high half folded into the low one, a multiply
 * by 2^64 / golden ratio (Fibonacci hashing), the same fold and a second
 * multiply; the home slot is taken from the high bits. Fibonacci hashing
 * alone spreads sequential keys perfectly but clusters keys with a large
 * power-of-two stride (18 slots a lookup for multiples of 2^41, 5.7 with
 * only the second multiply for multiples of 2^44); with both folds every
 * pattern measured probes like random keys (docs/runtime.md). */
static inline uint32_t int_hash(int64_t k) {
  uint64_t h = (uint64_t)k;
  h ^= h >> 32;
  h *= 0x9E3779B97F4A7C15ull;
  h ^= h >> 32;
  return (uint32_t)((h * 0xD6E8FEB86659FD93ull) >> 32);
}

static inline uint64_t slot_pos(uint64_t slot) { return (slot & SLOT_POS_MASK) - 1; }

static inline bool slot_is_tomb(uint64_t slot) { return (slot & SLOT_POS_MASK) == SLOT_TOMB_POS; }

/* The index slot of Int key `k`, or -1. The last-hit cache is consulted
 * before the key is hashed: the set of a get-then-set pair costs one
 * compare. */
REML_INLINE int64_t find_int(const reml_map_t* m, int64_t k) {
  if (m->hit_slot >= 0 && m->hit_key == k) return m->hit_slot;
  if (m->index_cap == 0) return -1;
  uint32_t h = int_hash(k);
  uint64_t mask = m->index_cap - 1, want = (uint64_t)h << 32;
  for (uint64_t i = h >> m->index_shift;; i = (i + 1) & mask) {
    uint64_t slot = m->index[i];
    if (slot == SLOT_EMPTY) return -1;
    if ((slot & ~SLOT_POS_MASK) == want && !slot_is_tomb(slot)) {
      const map_entry_t* e = &m->entries[slot_pos(slot)];
      if (e->kind == KEY_INT && e->key.i == k) {
        reml_map_t* w = (reml_map_t*)m; /* the cache only; maps are never in read-only memory */
        w->hit_slot = (int64_t)i;
        w->hit_key = k;
        return (int64_t)i;
      }
    }
  }
}

/* The value at index slot `i` (or Void for -1), retained for the caller. */
static inline reml_handle_t value_at(const reml_map_t* m, int64_t i) {
  if (i < 0) return REML_VOID;
  reml_handle_t v = m->entries[slot_pos(m->index[i])].value;
  reml_h_retain(v);
  return v;
}

/* Replaces the value in the entry at index slot `i` by `value` (owned). */
static inline void replace_value(reml_map_t* m, int64_t i, reml_handle_t value) {
  map_entry_t* e = &m->entries[slot_pos(m->index[i])];
  reml_handle_t old = e->value;
  e->value = value;
  reml_h_release(old);
}

/* Appends Int key `k`, not in the map yet, with `value` (owned): the slow
 * half of set_int, in map.c. */
void reml_map_insert_int(reml_map_t* m, int64_t k, reml_handle_t value);

/* map.set with an Int key; `value` is owned and moves into the map. */
REML_INLINE void set_int(reml_map_t* m, int64_t k, reml_handle_t value) {
  int64_t i = find_int(m, k);
  if (i >= 0) replace_value(m, i, value);
  else reml_map_insert_int(m, k, value);
}

#endif /* REML_MAP_LAYOUT_H */
