/* map.c — MapBox: an insertion-ordered hash map from Int/String keys.
 *
 * Entries live in a vector in insertion order; an open-addressing index of
 * entry positions finds them. Deleting leaves a hole (key Void) in the vector
 * and a tombstone in the index, so order is kept; holes are compacted away
 * when they make up half the vector. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct map_entry {
  reml_handle_t key; /* Void marks a deleted entry: real keys never are */
  reml_handle_t value;
  uint64_t hash;
} map_entry_t;

#define SLOT_EMPTY (-1)
#define SLOT_TOMB (-2)

struct reml_map {
  int64_t size;          /* live entries */
  int64_t used;          /* entries in the vector, holes included */
  int64_t cap;           /* capacity of the vector */
  map_entry_t* entries;
  int64_t* index;        /* SLOT_EMPTY, SLOT_TOMB or an entry position */
  uint64_t index_cap;    /* a power of two, or 0 before the first insert */
  uint64_t index_filled; /* slots that are not SLOT_EMPTY */
};

static uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

/* Hash of a valid key; Ints and Strings hash differently, and 1 and "1" are
 * told apart by key_eq anyway. */
static uint64_t key_hash(reml_handle_t key) {
  if (reml_h_is_int(key)) return mix64((uint64_t)reml_h_int_value(key));
  const reml_string_t* s = reml_h_ptr(key);
  uint64_t h = 14695981039346656037ull; /* FNV-1a */
  for (int64_t i = 0; i < s->len; i++) {
    h ^= (unsigned char)s->data[i];
    h *= 1099511628211ull;
  }
  return h;
}

static bool key_eq(reml_handle_t a, reml_handle_t b) {
  bool ai = reml_h_is_int(a), bi = reml_h_is_int(b);
  if (ai || bi) return ai && bi && reml_h_int_value(a) == reml_h_int_value(b);
  return reml_str_eq(reml_h_ptr(a), reml_h_ptr(b));
}

static void check_key(reml_handle_t key, const reml_loc_t* loc) {
  if (reml_h_is_int(key) || reml_h_is_string(key)) return;
  reml_panic_at(loc, "Type error: map key must be Int or String, got %s", reml_h_kind_name(key));
}

/* The index slot holding `key`, or -1. */
static int64_t find_slot(const reml_map_t* m, reml_handle_t key, uint64_t hash) {
  if (m->index_cap == 0) return -1;
  uint64_t mask = m->index_cap - 1;
  for (uint64_t slot = hash & mask, probes = 0; probes < m->index_cap; slot = (slot + 1) & mask, probes++) {
    int64_t pos = m->index[slot];
    if (pos == SLOT_EMPTY) return -1;
    if (pos >= 0 && m->entries[pos].hash == hash && key_eq(m->entries[pos].key, key)) return (int64_t)slot;
  }
  return -1;
}

/* Puts entry `pos` into the first free slot of its probe sequence. */
static void index_insert(reml_map_t* m, int64_t pos) {
  uint64_t mask = m->index_cap - 1;
  uint64_t slot = m->entries[pos].hash & mask;
  while (m->index[slot] >= 0) slot = (slot + 1) & mask;
  if (m->index[slot] == SLOT_EMPTY) m->index_filled++;
  m->index[slot] = pos;
}

/* Compacts holes out of the vector and rebuilds the index with `index_cap`
 * slots (a power of two larger than the live size). */
static void rebuild(reml_map_t* m, uint64_t index_cap) {
  int64_t out = 0;
  for (int64_t i = 0; i < m->used; i++)
    if (m->entries[i].key != REML_VOID) m->entries[out++] = m->entries[i];
  m->used = out;
  free(m->index);
  m->index = reml_xmalloc(reml_mul_size(index_cap, sizeof(int64_t)));
  for (uint64_t i = 0; i < index_cap; i++) m->index[i] = SLOT_EMPTY;
  m->index_cap = index_cap;
  m->index_filled = 0;
  for (int64_t i = 0; i < m->used; i++) index_insert(m, i);
}

/* An index size that keeps the live entries under half full. */
static uint64_t index_cap_for(int64_t size) {
  uint64_t cap = 8;
  while (cap < (uint64_t)size * 2) cap *= 2;
  return cap;
}

reml_map_t* reml_map_new(void) {
  reml_map_t* m = reml_alloc_object(sizeof(reml_map_t), REML_TAG_MAP);
  memset(m, 0, sizeof *m);
  return m;
}

int64_t reml_map_size(const reml_map_t* m) { return m->size; }

void reml_map_set(reml_map_t* m, reml_handle_t key, reml_handle_t value, const reml_loc_t* loc) {
  check_key(key, loc);
  uint64_t hash = key_hash(key);
  int64_t slot = find_slot(m, key, hash);
  if (slot >= 0) {
    map_entry_t* e = &m->entries[m->index[slot]];
    reml_h_retain(value);
    reml_handle_t old = e->value;
    e->value = value;
    reml_h_release(old);
    return;
  }
  if (m->used == m->cap) {
    if (m->used - m->size >= m->used / 2 && m->used > m->size) {
      rebuild(m, index_cap_for(m->size + 1)); /* reclaim holes instead of growing */
    }
    if (m->used == m->cap) {
      int64_t cap = m->cap ? m->cap * 2 : 4;
      m->entries = reml_xrealloc(m->entries, reml_mul_size((size_t)cap, sizeof(map_entry_t)));
      m->cap = cap;
    }
  }
  if (m->index_cap == 0 || (m->index_filled + 1) * 4 > m->index_cap * 3)
    rebuild(m, index_cap_for(m->size + 1));
  reml_h_retain(key);
  reml_h_retain(value);
  int64_t pos = m->used++;
  m->entries[pos] = (map_entry_t){key, value, hash};
  m->size++;
  index_insert(m, pos);
}

reml_handle_t reml_map_get(const reml_map_t* m, reml_handle_t key, const reml_loc_t* loc) {
  check_key(key, loc);
  int64_t slot = find_slot(m, key, key_hash(key));
  if (slot < 0) return REML_VOID;
  reml_handle_t v = m->entries[m->index[slot]].value;
  reml_h_retain(v);
  return v;
}

int64_t reml_map_has(const reml_map_t* m, reml_handle_t key, const reml_loc_t* loc) {
  check_key(key, loc);
  return find_slot(m, key, key_hash(key)) >= 0;
}

int64_t reml_map_delete(reml_map_t* m, reml_handle_t key, const reml_loc_t* loc) {
  check_key(key, loc);
  int64_t slot = find_slot(m, key, key_hash(key));
  if (slot < 0) return 0;
  map_entry_t* e = &m->entries[m->index[slot]];
  reml_handle_t old_key = e->key, old_value = e->value;
  e->key = REML_VOID;
  e->value = REML_VOID;
  m->index[slot] = SLOT_TOMB;
  m->size--;
  if (m->size == 0) {
    /* Nothing left: start over without holes or tombstones. */
    m->used = 0;
    for (uint64_t i = 0; i < m->index_cap; i++) m->index[i] = SLOT_EMPTY;
    m->index_filled = 0;
  }
  reml_h_release(old_key);
  reml_h_release(old_value);
  return 1;
}

/* A new array of the live keys (`want_keys`) or values, in insertion order. */
static reml_array_t* collect(const reml_map_t* m, bool want_keys) {
  reml_array_t* a = reml_array_new();
  for (int64_t i = 0; i < m->used; i++) {
    const map_entry_t* e = &m->entries[i];
    if (e->key != REML_VOID) reml_array_push(a, want_keys ? e->key : e->value);
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
  for (int64_t i = 0; i < used; i++) {
    reml_h_release(entries[i].key);
    reml_h_release(entries[i].value);
  }
  free(entries);
}

void reml_map_visit(const reml_map_t* m, void (*fn)(reml_handle_t h, void* ctx), void* ctx) {
  for (int64_t i = 0; i < m->used; i++) {
    const map_entry_t* e = &m->entries[i];
    if (e->key == REML_VOID) continue; /* a deleted entry */
    fn(e->key, ctx);
    fn(e->value, ctx);
  }
}

void reml_map_clear(reml_map_t* m) { release_all(m); }

/* --- typed entry points (seed 003) ---------------------------------------- */

void reml_map_check_key(reml_handle_t key, const reml_loc_t* loc) { check_key(key, loc); }

void nyash_map_set_h(reml_map_t* map, int64_t key, int64_t val) {
  reml_handle_t k = reml_box_i64(key), v = reml_box_i64(val);
  reml_map_set(map, k, v, NULL);
  reml_h_release(k);
  reml_h_release(v);
}

void nyash_map_set_hh(reml_map_t* map, reml_handle_t key, reml_handle_t val) { reml_map_set(map, key, val, NULL); }

void nyash_map_set_ha(reml_map_t* map, int64_t key, reml_handle_t val) {
  reml_handle_t k = reml_box_i64(key);
  reml_map_set(map, k, val, NULL);
  reml_h_release(k);
}

void nyash_map_set_ah(reml_map_t* map, reml_handle_t key, int64_t val) {
  reml_handle_t v = reml_box_i64(val);
  reml_map_set(map, key, v, NULL);
  reml_h_release(v);
}

reml_handle_t nyash_map_get_h(const reml_map_t* map, int64_t key) {
  reml_handle_t k = reml_box_i64(key);
  reml_handle_t v = reml_map_get(map, k, NULL);
  reml_h_release(k);
  return v;
}

reml_handle_t nyash_map_get_hh(const reml_map_t* map, reml_handle_t key) { return reml_map_get(map, key, NULL); }

void reml_map_destroy(reml_map_t* m) { release_all(m); }
