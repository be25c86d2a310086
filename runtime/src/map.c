/* map.c — MapBox: an insertion-ordered hash map from Int/String keys.
 *
 * Two arrays (docs/runtime.md, "MapBox"; the layout is in map_layout.h):
 *  - the slots, an open-addressing table probed in CPython's order: each
 *    live slot holds its key (an Int key as its int64_t value, never boxed;
 *    a String key as a retained pointer), its value and its position in
 *    the order array, so a lookup reads one slot;
 *  - the order array: the slot of each key in insertion order, for keys(),
 *    values() and every walk over the map;
 *  - a one-entry cache of the Int key looked up last, present or absent
 *    (has/get/set of the same key probe once).
 * Deleting leaves a tombstone in the slots and a hole in the order array
 * (order is kept); both go at the next rebuild.
 *
 * Every function leaves the map consistent before it releases anything: a
 * released value may run a user fini() that uses this very map. */
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "internal.h"
#include "map_layout.h"

/* The hash of a String key over its bytes, eight at a time (a multiply-xor
 * chain with a final mix so every input bit reaches the high bits that
 * choose the home slot). */
static uint32_t string_hash(const reml_string_t* s) {
  const unsigned char* p = (const unsigned char*)s->data;
  int64_t n = s->len;
  uint64_t h = 0x243F6A8885A308D3ull ^ (uint64_t)n;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    h = (h ^ w) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 31;
  }
  uint64_t tail = 0;
  for (int64_t i = 0; i < n; i++) tail |= (uint64_t)p[i] << (8 * i);
  h = (h ^ tail) * 0x9E3779B97F4A7C15ull;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  return (uint32_t)(h >> 32);
}

static void check_key(reml_handle_t key, const reml_loc_t* loc) {
  uint32_t tag = reml_h_tag(key);
  if (tag == REML_TAG_INT || tag == REML_TAG_STRING) return; /* Void has tag 0 */
  reml_panic_at(loc, "Type error: map key must be Int or String, got %s", reml_h_kind_name(key));
}

/* Where a String key's probe starts: its hash's low bits, then the whole
 * hash steers the sequence. */
static inline probe_start_t string_probe_start(const reml_map_t* m, uint32_t h) {
  probe_start_t p = {h & m->mask, h};
  return p;
}

/* The slot of String key `s` (with hash `h`), or -1. */
static int64_t find_string(const reml_map_t* m, const reml_string_t* s, uint32_t h) {
  if (m->slots == NULL) return -1;
  probe_start_t p = string_probe_start(m, h);
  for (uint64_t i = p.home;; i = probe_next(m, i, &p.perturb)) {
    const map_slot_t* slot = &m->slots[i];
    if (slot->state == SLOT_EMPTY) return -1;
    if (slot->hash == h && slot_is_live(slot) && slot_is_string(slot) && reml_str_eq(slot->key.s, s))
      return (int64_t)i;
  }
}

/* The first free slot (empty or tombstone) of a probe sequence. */
static uint64_t free_slot(const reml_map_t* m, probe_start_t p) {
  uint64_t i = p.home;
  while (slot_is_live(&m->slots[i])) i = probe_next(m, i, &p.perturb);
  return i;
}

/* Puts a live slot's contents (key, value, hash, kind) into free slot `i`
 * as the key at order position `pos`, and records it there. */
static void place_at(reml_map_t* m, uint64_t i, const map_slot_t* from, int64_t pos) {
  bool is_string = slot_is_string(from);
  if (m->slots[i].state == SLOT_EMPTY) m->filled++;
  m->slots[i] = *from;
  m->slots[i].state = live_state(pos, is_string);
  m->order[pos] = (uint32_t)i;
}

/* place_at the first free slot of the key's probe sequence; returns it. */
static uint64_t place(reml_map_t* m, const map_slot_t* from, int64_t pos) {
  probe_start_t p = slot_is_string(from) ? string_probe_start(m, from->hash) : int_probe_start(m, from->key.i);
  uint64_t i = free_slot(m, p);
  place_at(m, i, from, pos);
  return i;
}

/* The table size for a rebuild holding `size` keys: the smallest that is at
 * most half full, so the next rebuild is at least a quarter of the slots
 * away. (Rebuilding to the load limit itself would let a map that deletes
 * and inserts at that limit rebuild on every insert.) Growing from empty,
 * the table therefore runs between 3/8 and 3/4 full. */
static uint32_t log2_for(int64_t size) {
  uint32_t log2 = MAP_MIN_LOG2;
  while (((uint64_t)1 << log2) < (uint64_t)size * 2) log2++;
  return log2;
}

/* Moves every live key into a new table of 2^log2 slots and closes the
 * holes of the order array. Without holes every key keeps its order
 * position, so the old table is read front to back (sequential reads rather
 * than one random read a key in insertion order); with holes the keys are
 * moved in insertion order and renumbered. */
static void rebuild(reml_map_t* m, uint32_t log2) {
  if (log2 > MAP_MAX_LOG2) reml_internal_error("MapBox too large: %lld entries", (long long)m->size);
  map_slot_t* old = m->slots;
  uint64_t old_count = old ? m->mask + 1 : 0;
  uint64_t count = (uint64_t)1 << log2;
  m->slots = reml_map_slots_new(count);
  m->mask = count - 1;
  m->log2 = log2;
  m->filled = 0;
  m->hit_slot = HIT_NONE;
  if (m->used == m->size) {
    for (uint64_t i = 0; i < old_count; i++)
      if (slot_is_live(&old[i])) place(m, &old[i], slot_order_pos(&old[i]));
  } else {
    int64_t out = 0;
    for (int64_t pos = 0; pos < m->used; pos++)
      if (m->order[pos] != ORDER_HOLE) place(m, &old[m->order[pos]], out++);
    m->used = out;
  }
  reml_map_slots_free(old, old_count);
}

/* The lookup cache after `entry` went into slot `i`: the slot of an Int
 * key; nothing for a String key (its slot may be one an absent Int key's
 * entry pointed at). */
static void set_cache_after_insert(reml_map_t* m, const map_slot_t* entry, uint64_t i) {
  if (slot_is_string(entry)) {
    m->hit_slot = HIT_NONE;
  } else {
    m->hit_slot = (int64_t)i;
    m->hit_key = entry->key.i;
  }
}

/* Whether one more key fits without growing the order array or rebuilding
 * the table. */
static bool has_room(const reml_map_t* m) {
  return m->used < m->order_cap && m->slots != NULL &&
         (m->filled + 1) * MAP_LOAD_DEN <= (m->mask + 1) * MAP_LOAD_NUM;
}

/* Adds a key that is not in the map (`entry` holds the key, the value and,
 * for a String key, its hash; a String key and the value already retained
 * for the map) at the end of the order. The lookup cache then holds an Int
 * key's slot (a `get` right after a `set` of a new key costs one compare). */
static void insert_new(reml_map_t* m, const map_slot_t* entry) {
  if (m->used == m->order_cap) {
    if (m->used - m->size >= m->used / 2 && m->used > m->size)
      rebuild(m, log2_for(m->size + 1)); /* reclaim holes instead of growing */
    if (m->used == m->order_cap) {
      int64_t cap = m->order_cap ? m->order_cap * 2 : 4;
      m->order = reml_xrealloc(m->order, reml_mul_size((size_t)cap, sizeof(uint32_t)));
      m->order_cap = cap;
    }
  }
  if (m->slots == NULL || (m->filled + 1) * MAP_LOAD_DEN > (m->mask + 1) * MAP_LOAD_NUM)
    rebuild(m, log2_for(m->size + 1));
  uint64_t i = place(m, entry, m->used++);
  m->size++;
  set_cache_after_insert(m, entry, i);
}

void reml_map_insert_int(reml_map_t* m, int64_t k, reml_handle_t value) {
  map_slot_t e = {.value = value, .state = live_state(0, false)};
  e.key.i = k;
  int64_t c = m->hit_slot;
  uint64_t i = (uint64_t)(HIT_ABSENT - c); /* when c <= HIT_ABSENT: the empty slot k's probe ended at */
  if (c <= HIT_ABSENT && m->hit_key == k && has_room(m) && m->slots[i].state == SLOT_EMPTY) {
    place_at(m, i, &e, m->used++);
    m->size++;
    m->hit_slot = (int64_t)i;
    return;
  }
  insert_new(m, &e);
}

/* map.set with a String key (borrowed); `value` is owned. */
static void set_string(reml_map_t* m, const reml_string_t* s, reml_handle_t value) {
  uint32_t h = string_hash(s);
  int64_t i = find_string(m, s, h);
  if (i >= 0) {
    replace_value(m, i, value);
    return;
  }
  reml_inc_ref_inline((void*)s);
  map_slot_t e = {.value = value, .hash = h, .state = live_state(0, true)};
  e.key.s = s;
  insert_new(m, &e);
}

/* map.set with a checked key handle; `value` is owned. */
static void set_handle(reml_map_t* m, reml_handle_t key, reml_handle_t value) {
  if (reml_h_is_small_int(key)) set_int(m, (int64_t)key >> 1, value);
  else if (reml_h_tag(key) == REML_TAG_INT) set_int(m, ((const reml_int_box_t*)reml_h_ptr(key))->value, value);
  else set_string(m, reml_h_ptr(key), value);
}

/* The slot of a checked key handle, or -1. */
static int64_t find_handle(const reml_map_t* m, reml_handle_t key) {
  if (reml_h_is_small_int(key)) return find_int(m, (int64_t)key >> 1);
  const void* p = reml_h_ptr(key);
  if (reml_h_tag(key) == REML_TAG_INT) return find_int(m, ((const reml_int_box_t*)p)->value);
  return find_string(m, p, string_hash(p));
}

reml_map_t* reml_map_new(void) {
  reml_map_t* m = reml_alloc_object(sizeof(reml_map_t), REML_TAG_MAP);
  memset(m, 0, sizeof *m);
  m->hit_slot = HIT_NONE;
  return m;
}

int64_t reml_map_size(const reml_map_t* m) { return m->size; }

/* reml_map_set without the guard. */
static void map_set(reml_map_t* m, reml_handle_t key, reml_handle_t value, const reml_loc_t* loc) {
  check_key(key, loc);
  reml_h_retain(value);
  set_handle(m, key, value);
}

REML_GUARDED_VOID(reml_map_set, (reml_map_t* m, reml_handle_t key, reml_handle_t value, const reml_loc_t* loc),
                  (m, key, value, loc), return, loc, REML_GA_OBJ(1, m, REML_TAG_MAP), REML_GA_H(2, key),
                  REML_GA_H(3, value)) {
  map_set(m, key, value, loc);
}

/* reml_map_get without the guard. */
static reml_handle_t map_get(const reml_map_t* m, reml_handle_t key, const reml_loc_t* loc) {
  check_key(key, loc);
  return value_at(m, find_handle(m, key));
}

REML_GUARDED(reml_handle_t, reml_map_get, (const reml_map_t* m, reml_handle_t key, const reml_loc_t* loc),
             (m, key, loc), return REML_VOID, loc, REML_GA_OBJ(1, m, REML_TAG_MAP), REML_GA_H(2, key)) {
  return map_get(m, key, loc);
}

REML_GUARDED(int64_t, reml_map_has, (const reml_map_t* m, reml_handle_t key, const reml_loc_t* loc), (m, key, loc),
             return 0, loc, REML_GA_OBJ(1, m, REML_TAG_MAP), REML_GA_H(2, key)) {
  check_key(key, loc);
  return find_handle(m, key) >= 0;
}

REML_GUARDED(int64_t, reml_map_delete, (reml_map_t* m, reml_handle_t key, const reml_loc_t* loc), (m, key, loc),
             return 0, loc, REML_GA_OBJ(1, m, REML_TAG_MAP), REML_GA_H(2, key)) {
  check_key(key, loc);
  int64_t i = find_handle(m, key);
  if (i < 0) return 0;
  map_slot_t* slot = &m->slots[i];
  reml_handle_t old_key = slot_is_string(slot) ? reml_h_from_ptr((void*)slot->key.s) : REML_VOID;
  reml_handle_t old_value = slot->value;
  m->order[slot_order_pos(slot)] = ORDER_HOLE;
  slot->state = SLOT_TOMB;
  slot->value = REML_VOID;
  m->hit_slot = HIT_NONE;
  m->size--;
  if (m->size == 0) {
    /* Nothing left: start over without holes or tombstones. */
    m->used = 0;
    memset(m->slots, 0, (m->mask + 1) * sizeof(map_slot_t));
    m->filled = 0;
  }
  reml_h_release(old_key);
  reml_h_release(old_value);
  return 1;
}

/* The key of a live slot as a new handle (a big Int key is boxed anew). */
static reml_handle_t key_handle(const map_slot_t* slot) {
  if (!slot_is_string(slot)) return reml_box_i64(slot->key.i);
  reml_inc_ref_inline((void*)slot->key.s);
  return reml_h_from_ptr((void*)slot->key.s);
}

/* A new array of the live keys (`want_keys`) or values, in insertion order. */
static reml_array_t* collect(const reml_map_t* m, bool want_keys) {
  reml_array_t* a = reml_array_new();
  for (int64_t pos = 0; pos < m->used; pos++) {
    if (m->order[pos] == ORDER_HOLE) continue;
    const map_slot_t* slot = &m->slots[m->order[pos]];
    if (want_keys) {
      reml_handle_t k = key_handle(slot);
      reml_array_push(a, k);
      reml_h_release(k);
    } else {
      reml_array_push(a, slot->value);
    }
  }
  return a;
}

reml_array_t* reml_map_keys(const reml_map_t* m) { return collect(m, true); }

reml_array_t* reml_map_values(const reml_map_t* m) { return collect(m, false); }

/* Releases every key and value and frees the arrays, leaving an empty map
 * (the same map: its WeakRef cell stays). */
static void release_all(reml_map_t* m) {
  map_slot_t* slots = m->slots;
  uint64_t count = slots ? m->mask + 1 : 0;
  struct reml_weak_cell* weak = m->weak;
  free(m->order);
  memset(m, 0, sizeof *m);
  m->hit_slot = HIT_NONE;
  m->weak = weak;
  for (uint64_t i = 0; i < count; i++) {
    if (!slot_is_live(&slots[i])) continue;
    if (slot_is_string(&slots[i])) reml_dec_ref_inline((void*)slots[i].key.s);
    reml_h_release(slots[i].value);
  }
  reml_map_slots_free(slots, count);
}

void reml_map_visit(const reml_map_t* m, void (*fn)(reml_handle_t h, void* ctx), void* ctx) {
  for (int64_t pos = 0; pos < m->used; pos++) {
    if (m->order[pos] == ORDER_HOLE) continue;
    const map_slot_t* slot = &m->slots[m->order[pos]];
    if (slot_is_string(slot)) fn(reml_h_from_ptr((void*)slot->key.s), ctx); /* Int keys hold no object */
    fn(slot->value, ctx);
  }
}

void reml_map_clear(reml_map_t* m) { release_all(m); }

void reml_map_destroy(reml_map_t* m) { release_all(m); }

/* --- typed entry points (the Int-key ones are in fast_paths.c) ------------
 * The fast paths: an untagged Int key is hashed as it is, never boxed. */

REML_GUARDED_VOID(reml_map_check_key, (reml_handle_t key, const reml_loc_t* loc), (key, loc), return, loc,
                  REML_GA_H(1, key)) {
  check_key(key, loc);
}

REML_GUARDED_VOID(nyash_map_set_hh, (reml_map_t* map, reml_handle_t key, reml_handle_t val), (map, key, val), return,
                  NULL, REML_GA_OBJ(1, map, REML_TAG_MAP), REML_GA_H(2, key), REML_GA_H(3, val)) {
  map_set(map, key, val, NULL);
}

REML_GUARDED_VOID(nyash_map_set_ah, (reml_map_t* map, reml_handle_t key, int64_t val), (map, key, val), return, NULL,
                  REML_GA_OBJ(1, map, REML_TAG_MAP), REML_GA_H(2, key)) {
  check_key(key, NULL);
  set_handle(map, key, reml_box_i64(val));
}

REML_GUARDED(reml_handle_t, nyash_map_get_hh, (const reml_map_t* map, reml_handle_t key), (map, key), return REML_VOID,
             NULL, REML_GA_OBJ(1, map, REML_TAG_MAP), REML_GA_H(2, key)) {
  return map_get(map, key, NULL);
}

bool reml_map_shape_ok(const reml_map_t* m) {
  if (m->size < 0 || m->used < m->size || m->order_cap < m->used) return false;
  if (m->order_cap > 0 && m->order == NULL) return false;
  if (m->slots == NULL) return m->mask == 0 && m->filled == 0 && m->size == 0;
  return m->log2 <= MAP_MAX_LOG2 && m->mask == ((uint64_t)1 << m->log2) - 1 && m->filled <= m->mask + 1;
}

/* --- probe statistics (tests) ---------------------------------------------- */

/* The slots a lookup of `p` visits before it reaches slot `target`, or an
 * empty slot when `target` is -1 (an absent key). */
static uint64_t probe_length(const reml_map_t* m, probe_start_t p, int64_t target) {
  uint64_t visited = 1;
  for (uint64_t i = p.home;; i = probe_next(m, i, &p.perturb), visited++) {
    if (target >= 0 ? i == (uint64_t)target : m->slots[i].state == SLOT_EMPTY) return visited;
  }
}

uint64_t reml_map_probe_total(const reml_map_t* m) {
  uint64_t total = 0;
  for (int64_t pos = 0; pos < m->used; pos++) {
    if (m->order[pos] == ORDER_HOLE) continue;
    const map_slot_t* slot = &m->slots[m->order[pos]];
    probe_start_t p = slot_is_string(slot) ? string_probe_start(m, slot->hash) : int_probe_start(m, slot->key.i);
    total += probe_length(m, p, m->order[pos]);
  }
  return total;
}

uint64_t reml_map_probe_absent_int(const reml_map_t* m, int64_t k) {
  if (m->slots == NULL) return 0;
  return probe_length(m, int_probe_start(m, k), -1);
}
