/* map_layout.h — MapBox's memory layout and its Int-key fast paths, shared
 * by map.c and fast_paths.c. fast_paths.c defines the typed Int entry points
 * (nyash_map_get_h, nyash_map_has_h, nyash_map_set_h, nyash_map_set_ha) from these inline
 * functions, so -O2 code, which links that file's bitcode, inlines a whole
 * Int-keyed get or set; only inserting a new key calls into map.c.
 * docs/runtime.md, "MapBox", gives the design and the measurements behind it. */
#ifndef REML_MAP_LAYOUT_H
#define REML_MAP_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "reml_runtime.h"

/* A slot's state: empty, a tombstone (a deleted key's slot, which probes
 * walk past), or a live key: (its position in the order array + 1) << 1,
 * plus 1 for a String key. */
#define SLOT_EMPTY 0u
#define SLOT_TOMB 1u
#define SLOT_STRING_BIT 1u

/* One slot of the table: a live slot holds its key and its value, so a
 * lookup reads one slot and nothing else. */
typedef struct map_slot {
  union {
    int64_t i;              /* an Int key itself, never boxed */
    const reml_string_t* s; /* a String key, retained */
  } key;
  reml_handle_t value;      /* retained */
  uint32_t hash;            /* String keys: string_hash (compared before the bytes; rebuilds reuse it) */
  uint32_t state;           /* SLOT_EMPTY, SLOT_TOMB or a live key's order position and kind */
} map_slot_t;

/* hit_slot values (struct reml_map) other than a slot index. */
#define HIT_NONE (-1)
#define HIT_ABSENT (-2)

/* An order-array entry of a deleted key. */
#define ORDER_HOLE UINT32_MAX

/* The table is rebuilt before more than 3/4 of its slots are in use,
 * tombstones included. */
#define MAP_LOAD_NUM 3u
#define MAP_LOAD_DEN 4u
#define MAP_MIN_LOG2 3u
#define MAP_MAX_LOG2 30u /* order positions + 1 must fit in 31 bits of a slot's state */

struct reml_map {
  int64_t size;       /* live keys */
  int64_t used;       /* order entries in use, holes included */
  int64_t order_cap;  /* capacity of the order array */
  uint32_t* order;    /* the slot of each key in insertion order; ORDER_HOLE after a delete */
  map_slot_t* slots;  /* 2^log2 slots, or NULL before the first insert */
  uint64_t mask;      /* 2^log2 - 1, or 0 with no slots */
  uint64_t filled;    /* slots that are not empty (tombstones included) */
  uint32_t log2;      /* log2 of the slot count; 0 with no slots */
  /* What the last Int-key lookup or insert learnt about key `hit_key`:
   * hit_slot >= 0, the key's slot; HIT_NONE, nothing; HIT_ABSENT - i, the
   * key is absent and its probe ended at empty slot i, where an insert can
   * put it. `if m.has(k) { m.set(k, m.get(k) + 1) } else { m.set(k, 1) }`
   * then probes once either way. Every insert, rebuild, delete and clear
   * updates or drops it. */
  int64_t hit_slot;
  int64_t hit_key;
  /* The map's WeakRef cell, or NULL (reml_runtime.h, "WeakRef"). It fills
   * what was padding of the allocation's size class. */
  struct reml_weak_cell* weak;
};

static inline bool slot_is_live(const map_slot_t* s) { return s->state > SLOT_TOMB; }

static inline bool slot_is_string(const map_slot_t* s) { return (s->state & SLOT_STRING_BIT) != 0; }

/* The order position of a live slot. */
static inline int64_t slot_order_pos(const map_slot_t* s) { return (int64_t)(s->state >> 1) - 1; }

static inline uint32_t live_state(int64_t order_pos, bool is_string) {
  return ((uint32_t)(order_pos + 1) << 1) | (is_string ? SLOT_STRING_BIT : 0u);
}

/* A 64-bit mix: fold the high half into the low one, multiply by 2^64/φ,
 * fold again and multiply by a second odd constant. Fibonacci hashing alone
 * clusters multiples of large powers of two; the folds fix that. */
static inline uint64_t mix64(uint64_t h) {
  h ^= h >> 32;
  h *= 0x9E3779B97F4A7C15ull;
  h ^= h >> 32;
  return h * 0xD6E8FEB86659FD93ull;
}

/* Where an Int key's probe starts, and what steers the rest of its probe
 * sequence. The home slot is the key's low bits XORed with a mix of its high
 * bits: keys that differ only in their low log2 bits (a dense range such as
 * 0 … n−1) get distinct, neighbouring homes, as C++'s and CPython's
 * identity hashes give them, while any pattern in the high bits (a large
 * power-of-two stride) is scattered by the mix. Keys of one range (equal
 * high bits) never share a home; keys of different ranges that do share one
 * have different mixes, so their probe sequences part at the first step. */
typedef struct probe_start {
  uint64_t home;
  uint64_t perturb;
} probe_start_t;

static inline probe_start_t int_probe_start(const reml_map_t* m, int64_t k) {
  uint64_t u = (uint64_t)k;
  uint64_t mixed = mix64(u >> m->log2);
  probe_start_t p = {(u ^ mixed) & m->mask, mixed};
  return p;
}

/* The next slot of a probe sequence (CPython's recurrence: the bits of
 * `perturb` enter five at a time, then i -> 5i + 1 visits every slot, so a
 * probe always ends at an empty slot). Keys whose homes collide part after
 * one step instead of lining up as linear probing would make them. */
static inline uint64_t probe_next(const reml_map_t* m, uint64_t i, uint64_t* perturb) {
  *perturb >>= 5;
  return (i * 5 + 1 + *perturb) & m->mask;
}

/* The slot of Int key `k`, or -1. The last-lookup cache is consulted first:
 * the get and the set after a has of the same key cost one compare each. */
REML_INLINE int64_t find_int(const reml_map_t* m, int64_t k) {
  int64_t c = m->hit_slot;
  if (c != HIT_NONE && m->hit_key == k) return c | (c >> 63); /* an absent key's entry is negative: -1 */
  if (m->slots == NULL) return -1;
  reml_map_t* w = (reml_map_t*)m; /* the cache only; maps are never in read-only memory */
  probe_start_t p = int_probe_start(m, k);
  for (uint64_t i = p.home;; i = probe_next(m, i, &p.perturb)) {
    const map_slot_t* s = &m->slots[i];
    if (s->state == SLOT_EMPTY) {
      w->hit_slot = HIT_ABSENT - (int64_t)i;
      w->hit_key = k;
      return -1;
    }
    if (s->key.i == k && slot_is_live(s) && !slot_is_string(s)) {
      w->hit_slot = (int64_t)i;
      w->hit_key = k;
      return (int64_t)i;
    }
  }
}

/* The value at slot `i` (or Void for -1), retained for the caller. */
static inline reml_handle_t value_at(const reml_map_t* m, int64_t i) {
  if (i < 0) return REML_VOID;
  reml_handle_t v = m->slots[i].value;
  reml_h_retain(v);
  return v;
}

/* Replaces the value in slot `i` by `value` (owned). */
static inline void replace_value(reml_map_t* m, int64_t i, reml_handle_t value) {
  map_slot_t* s = &m->slots[i];
  reml_handle_t old = s->value;
  s->value = value;
  reml_h_release(old);
}

/* A zeroed table of `count` slots (map_slots.c: large ones on huge pages
 * where the system has them); out of memory is an internal error. */
map_slot_t* reml_map_slots_new(uint64_t count);

/* Frees a table of reml_map_slots_new, given the same `count`; NULL is
 * nothing. */
void reml_map_slots_free(map_slot_t* slots, uint64_t count);

/* Inserts Int key `k`, not in the map yet, with `value` (owned): the slow
 * half of set_int, in map.c. When the lookup cache holds `k` as absent, the
 * key goes into the empty slot its probe ended at, without a second probe. */
void reml_map_insert_int(reml_map_t* m, int64_t k, reml_handle_t value);

/* map.set with an Int key; `value` is owned and moves into the map. */
REML_INLINE void set_int(reml_map_t* m, int64_t k, reml_handle_t value) {
  int64_t i = find_int(m, k);
  if (i >= 0) replace_value(m, i, value);
  else reml_map_insert_int(m, k, value);
}

#endif /* REML_MAP_LAYOUT_H */
