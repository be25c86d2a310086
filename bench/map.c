/* Benchmark: a hash map with Int and String keys, 250k set/get of each
 * (1M operations) — the C twin of map.hako. Open addressing, linear
 * probing; string keys are copied into the map, lookups build the key text
 * in a stack buffer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 250000

typedef struct {
  int used;
  int is_string;
  int64_t int_key;
  char* str_key;
  int64_t value;
} Slot;

typedef struct {
  Slot* slots;
  size_t capacity; /* a power of two */
  size_t size;
} Map;

static void* checked(void* p) {
  if (!p) {
    fputs("out of memory\n", stderr);
    exit(1);
  }
  return p;
}

static uint64_t hash_int(int64_t k) {
  uint64_t h = (uint64_t)k * 0x9E3779B97F4A7C15ull;
  return h ^ (h >> 29);
}

static uint64_t hash_str(const char* s) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

static uint64_t slot_hash(const Slot* s) { return s->is_string ? hash_str(s->str_key) : hash_int(s->int_key); }

/* The slot holding the key, or the empty slot where it belongs. */
static Slot* find(const Map* m, int is_string, int64_t int_key, const char* str_key) {
  uint64_t h = is_string ? hash_str(str_key) : hash_int(int_key);
  for (size_t i = h & (m->capacity - 1);; i = (i + 1) & (m->capacity - 1)) {
    Slot* s = &m->slots[i];
    if (!s->used) return s;
    if (s->is_string == is_string && (is_string ? strcmp(s->str_key, str_key) == 0 : s->int_key == int_key)) return s;
  }
}

static void grow(Map* m) {
  Slot* old = m->slots;
  size_t old_capacity = m->capacity;
  m->capacity = old_capacity ? old_capacity * 2 : 16;
  m->slots = checked(calloc(m->capacity, sizeof(Slot)));
  for (size_t i = 0; i < old_capacity; i++) {
    if (!old[i].used) continue;
    size_t j = slot_hash(&old[i]) & (m->capacity - 1);
    while (m->slots[j].used) j = (j + 1) & (m->capacity - 1);
    m->slots[j] = old[i];
  }
  free(old);
}

static void set(Map* m, int is_string, int64_t int_key, const char* str_key, int64_t value) {
  if ((m->size + 1) * 10 > m->capacity * 7) grow(m);
  Slot* s = find(m, is_string, int_key, str_key);
  if (!s->used) {
    s->used = 1;
    s->is_string = is_string;
    s->int_key = int_key;
    s->str_key = is_string ? strcpy(checked(malloc(strlen(str_key) + 1)), str_key) : NULL;
    m->size++;
  }
  s->value = value;
}

static int64_t get(const Map* m, int is_string, int64_t int_key, const char* str_key) {
  Slot* s = find(m, is_string, int_key, str_key);
  return s->used ? s->value : 0;
}

int main(void) {
  const int64_t n = N;
  Map m = {NULL, 0, 0};
  char key[32];
  for (int64_t i = 0; i < n; i++) {
    set(&m, 0, i, NULL, i);
    snprintf(key, sizeof key, "k%lld", (long long)i);
    set(&m, 1, 0, key, i * 3);
  }
  int64_t sum = 0;
  for (int64_t i = 0; i < n; i++) {
    snprintf(key, sizeof key, "k%lld", (long long)i);
    sum = sum + get(&m, 0, i, NULL) + get(&m, 1, 0, key);
  }
  printf("%lld\n%lld\n", (long long)sum, (long long)m.size);
  for (size_t i = 0; i < m.capacity; i++) free(m.slots[i].str_key);
  free(m.slots);
  return 0;
}
