/* map.c — MapBox: an insertion-ordered hash map from Int/String keys.
 *
 * Two arrays (docs/runtime.md, "MapBox"):
 *  - the entries, in insertion order: an Int key is stored as its int64_t
 *    value (never as a boxed object, so no key allocates), a String key as a
 *    retained pointer; each entry keeps its key's 32-bit hash;
 *  - the index, an open-addressing table with linear probing whose 64-bit
 *    slots hold an entry position and that entry's hash, so a probe rejects
 *    a mismatching slot without touching the entry;
 *  - a one-entry cache of the Int key found last (get-then-set pairs).
 * The layout and the Int-key fast paths are in map_layout.h.
 * Deleting leaves a hole in the entries (order is kept) and a tombstone in
 * the index; holes are compacted away when they are half of the entries.
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

/* The index slot of String key `s` (with hash `h`), or -1. */
static int64_t find_string(const reml_map_t* m, const reml_string_t* s, uint32_t h) {
  if (m->index_cap == 0) return -1;
  uint64_t mask = m->index_cap - 1, want = (uint64_t)h << 32;
  for (uint64_t i = h >> m->index_shift;; i = (i + 1) & mask) {
    uint64_t slot = m->index[i];
    if (slot == SLOT_EMPTY) return -1;
    if ((slot & ~SLOT_POS_MASK) == want && !slot_is_tomb(slot)) {
      const map_entry_t* e = &m->entries[slot_pos(slot)];
      if (e->kind == KEY_STRING && reml_str_eq(e->key.s, s)) return (int64_t)i;
    }
  }
}

/* Puts entry `pos` into the first free slot (empty or tombstone) of its
 * probe sequence. */
static void index_insert(reml_map_t* m, int64_t pos) {
  uint64_t mask = m->index_cap - 1;
  uint32_t h = m->entries[pos].hash;
  uint64_t i = h >> m->index_shift;
  while (m->index[i] != SLOT_EMPTY && !slot_is_tomb(m->index[i])) i = (i + 1) & mask;
  if (m->index[i] == SLOT_EMPTY) m->index_filled++;
  m->index[i] = ((uint64_t)h << 32) | (uint64_t)(pos + 1);
}

/* The index size for a rebuild holding `size` entries: the smallest that is
 * at most half full, so the next rebuild is at least a quarter of the slots
 * away. (Rebuilding to the load limit itself would let a map that deletes
 * and inserts at that limit rebuild on every insert.) Growing from empty,
 * the index is therefore between 3/8 and 3/4 full. */
static uint64_t index_cap_for(int64_t size) {
  uint64_t cap = INDEX_MIN_CAP;
  while (cap < (uint64_t)size * 2) cap *= 2;
  return cap;
}

/* Compacts holes out of the entries and rebuilds the index with
 * `index_cap` slots. */
static void rebuild(reml_map_t* m, uint64_t index_cap) {
  unsigned log2 = 0;
  while (((uint64_t)1 << log2) < index_cap) log2++;
  if (log2 > INDEX_MAX_LOG2) reml_internal_error("MapBox too large: %lld entries", (long long)m->size);
  int64_t out = 0;
  for (int64_t i = 0; i < m->used; i++)
    if (m->entries[i].kind != KEY_HOLE) m->entries[out++] = m->entries[i];
  m->used = out;
  free(m->index);
  m->index = reml_xmalloc(reml_mul_size(index_cap, sizeof(uint64_t)));
  memset(m->index, 0, index_cap * sizeof(uint64_t));
  m->index_cap = index_cap;
  m->index_shift = 32u - log2;
  m->index_filled = 0;
  m->hit_slot = -1;
  for (int64_t i = 0; i < m->used; i++) index_insert(m, i);
}

/* Appends a new entry (the key not present; a String key and `value` already
 * retained for the map) and indexes it. */
static void insert_new(reml_map_t* m, map_entry_t entry) {
  if (m->used == m->cap) {
    if (m->used - m->size >= m->used / 2 && m->used > m->size)
      rebuild(m, index_cap_for(m->size + 1)); /* reclaim holes instead of growing */
    if (m->used == m->cap) {
      int64_t cap = m->cap ? m->cap * 2 : 4;
      m->entries = reml_xrealloc(m->entries, reml_mul_size((size_t)cap, sizeof(map_entry_t)));
      m->cap = cap;
    }
  }
  if ((m->index_filled + 1) * INDEX_LOAD_DEN > m->index_cap * INDEX_LOAD_NUM) rebuild(m, index_cap_for(m->size + 1));
  int64_t pos = m->used++;
  m->entries[pos] = entry;
  m->size++;
  index_insert(m, pos);
}

void reml_map_insert_int(reml_map_t* m, int64_t k, reml_handle_t value) {
  map_entry_t e = {.value = value, .hash = int_hash(k), .kind = KEY_INT};
  e.key.i = k;
  insert_new(m, e);
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
  map_entry_t e = {.value = value, .hash = h, .kind = KEY_STRING};
  e.key.s = s;
  insert_new(m, e);
}

/* map.set with a checked key handle; `value` is owned. */
static void set_handle(reml_map_t* m, reml_handle_t key, reml_handle_t value) {
  if (reml_h_is_small_int(key)) set_int(m, (int64_t)key >> 1, value);
  else if (reml_h_tag(key) == REML_TAG_INT) set_int(m, ((const reml_int_box_t*)reml_h_ptr(key))->value, value);
  else set_string(m, reml_h_ptr(key), value);
}

/* The index slot of a checked key handle, or -1. */
static int64_t find_handle(const reml_map_t* m, reml_handle_t key) {
  if (reml_h_is_small_int(key)) {
    int64_t k = (int64_t)key >> 1;
    return find_int(m, k);
  }
  const void* p = reml_h_ptr(key);
  if (reml_h_tag(key) == REML_TAG_INT) {
    int64_t k = ((const reml_int_box_t*)p)->value;
    return find_int(m, k);
  }
  return find_string(m, p, string_hash(p));
}

reml_map_t* reml_map_new(void) {
  reml_map_t* m = reml_alloc_object(sizeof(reml_map_t), REML_TAG_MAP);
  memset(m, 0, sizeof *m);
  m->hit_slot = -1;
  return m;
}

int64_t reml_map_size(const reml_map_t* m) { return m->size; }

/* reml_map_set without the guard. */
static void map_set(reml_map_t* m, reml_handle_t key, reml_handle_t value, const reml_loc_t* loc) {
  check_key(key, loc);
  reml_h_retain(value);
  set_handle(m, key, value);
}

void reml_map_set(reml_map_t* m, reml_handle_t key, reml_handle_t value, const reml_loc_t* loc) {
  REML_GUARD(return, loc, REML_GA_OBJ(1, m, REML_TAG_MAP), REML_GA_H(2, key), REML_GA_H(3, value));
  map_set(m, key, value, loc);
}

/* reml_map_get without the guard. */
static reml_handle_t map_get(const reml_map_t* m, reml_handle_t key, const reml_loc_t* loc) {
  check_key(key, loc);
  return value_at(m, find_handle(m, key));
}

reml_handle_t reml_map_get(const reml_map_t* m, reml_handle_t key, const reml_loc_t* loc) {
  REML_GUARD(return REML_VOID, loc, REML_GA_OBJ(1, m, REML_TAG_MAP), REML_GA_H(2, key));
  return map_get(m, key, loc);
}

int64_t reml_map_has(const reml_map_t* m, reml_handle_t key, const reml_loc_t* loc) {
  REML_GUARD(return 0, loc, REML_GA_OBJ(1, m, REML_TAG_MAP), REML_GA_H(2, key));
  check_key(key, loc);
  return find_handle(m, key) >= 0;
}

int64_t reml_map_delete(reml_map_t* m, reml_handle_t key, const reml_loc_t* loc) {
  REML_GUARD(return 0, loc, REML_GA_OBJ(1, m, REML_TAG_MAP), REML_GA_H(2, key));
  check_key(key, loc);
  int64_t i = find_handle(m, key);
  if (i < 0) return 0;
  map_entry_t* e = &m->entries[slot_pos(m->index[i])];
  reml_handle_t old_key = e->kind == KEY_STRING ? reml_h_from_ptr((void*)e->key.s) : REML_VOID;
  reml_handle_t old_value = e->value;
  e->kind = KEY_HOLE;
  e->value = REML_VOID;
  m->index[i] = SLOT_TOMB_POS;
  m->hit_slot = -1;
  m->size--;
  if (m->size == 0) {
    /* Nothing left: start over without holes or tombstones. */
    m->used = 0;
    memset(m->index, 0, m->index_cap * sizeof(uint64_t));
    m->index_filled = 0;
  }
  reml_h_release(old_key);
  reml_h_release(old_value);
  return 1;
}

/* The key of a live entry as a new handle (a big Int key is boxed anew). */
static reml_handle_t key_handle(const map_entry_t* e) {
  if (e->kind == KEY_INT) return reml_box_i64(e->key.i);
  reml_inc_ref_inline((void*)e->key.s);
  return reml_h_from_ptr((void*)e->key.s);
}

/* A new array of the live keys (`want_keys`) or values, in insertion order. */
static reml_array_t* collect(const reml_map_t* m, bool want_keys) {
  reml_array_t* a = reml_array_new();
  for (int64_t i = 0; i < m->used; i++) {
    const map_entry_t* e = &m->entries[i];
    if (e->kind == KEY_HOLE) continue;
    if (want_keys) {
      reml_handle_t k = key_handle(e);
      reml_array_push(a, k);
      reml_h_release(k);
    } else {
      reml_array_push(a, e->value);
    }
  }
  return a;
}

reml_array_t* reml_map_keys(const reml_map_t* m) { return collect(m, true); }

reml_array_t* reml_map_values(const reml_map_t* m) { return collect(m, false); }

/* Releases every entry and frees the tables, leaving an empty map. */
static void release_all(reml_map_t* m) {
  map_entry_t* entries = m->entries;
  int64_t used = m->used;
  free(m->index);
  memset(m, 0, sizeof *m);
  m->hit_slot = -1;
  for (int64_t i = 0; i < used; i++) {
    if (entries[i].kind == KEY_STRING) reml_dec_ref_inline((void*)entries[i].key.s);
    reml_h_release(entries[i].value);
  }
  free(entries);
}

void reml_map_visit(const reml_map_t* m, void (*fn)(reml_handle_t h, void* ctx), void* ctx) {
  for (int64_t i = 0; i < m->used; i++) {
    const map_entry_t* e = &m->entries[i];
    if (e->kind == KEY_HOLE) continue;
    if (e->kind == KEY_STRING) fn(reml_h_from_ptr((void*)e->key.s), ctx); /* Int keys hold no object */
    fn(e->value, ctx);
  }
}

void reml_map_clear(reml_map_t* m) { release_all(m); }

void reml_map_destroy(reml_map_t* m) { release_all(m); }

/* --- typed entry points (the Int-key ones are in fast_paths.c) ------------
 * The fast paths: an untagged Int key is hashed as it is, never boxed. */

void reml_map_check_key(reml_handle_t key, const reml_loc_t* loc) {
  REML_GUARD(return, loc, REML_GA_H(1, key));
  check_key(key, loc);
}

void nyash_map_set_hh(reml_map_t* map, reml_handle_t key, reml_handle_t val) {
  REML_GUARD(return, NULL, REML_GA_OBJ(1, map, REML_TAG_MAP), REML_GA_H(2, key), REML_GA_H(3, val));
  map_set(map, key, val, NULL);
}

void nyash_map_set_ah(reml_map_t* map, reml_handle_t key, int64_t val) {
  REML_GUARD(return, NULL, REML_GA_OBJ(1, map, REML_TAG_MAP), REML_GA_H(2, key));
  check_key(key, NULL);
  set_handle(map, key, reml_box_i64(val));
}

reml_handle_t nyash_map_get_hh(const reml_map_t* map, reml_handle_t key) {
  REML_GUARD(return REML_VOID, NULL, REML_GA_OBJ(1, map, REML_TAG_MAP), REML_GA_H(2, key));
  return map_get(map, key, NULL);
}

bool reml_map_shape_ok(const reml_map_t* m) {
  if (m->size < 0 || m->used < m->size || m->cap < m->used) return false;
  if (m->cap > 0 && m->entries == NULL) return false;
  return (m->index_cap & (m->index_cap - 1)) == 0 && m->index_filled <= m->index_cap;
}

/* --- probe statistics (tests) ---------------------------------------------- */

uint64_t reml_map_probe_total(const reml_map_t* m) {
  uint64_t total = 0;
  if (m->index_cap == 0) return 0;
  uint64_t mask = m->index_cap - 1;
  for (uint64_t i = 0; i < m->index_cap; i++) {
    uint64_t slot = m->index[i];
    if (slot == SLOT_EMPTY || slot_is_tomb(slot)) continue;
    uint64_t home = (slot >> 32) >> m->index_shift;
    total += ((i - home) & mask) + 1;
  }
  return total;
}
