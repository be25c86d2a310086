/* leak_cycles.c — the `leak-check: cycle:` lines: the graph of strong
 * references among live tracked objects, one cycle per strongly connected
 * component, and the cycles grouped by shape (the type names along them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array_layout.h"
#include "graph.h"
#include "internal.h"

/* At most this many shapes are printed; the rest are summed up in a line. */
#define MAX_SHAPE_LINES 20
/* Cycles longer than this print their first SHORT_CYCLE_HEAD names only. */
#define SHORT_CYCLE_MAX 16
#define SHORT_CYCLE_HEAD 8

/* Calls `fn` on every strong reference `obj` holds. A WeakRef cell holds
 * none (its target pointer is not counted), so weak fields, and WeakRefs in
 * arrays and maps, end their path at the cell: they never close a cycle. */
static void visit_strong_refs(void* obj, void (*fn)(reml_handle_t h, void* ctx), void* ctx) {
  uint32_t tag = REML_GET_HEADER(obj)->type_tag;
  if (tag == REML_TAG_ARRAY) {
    const reml_array_t* a = obj;
    for (int64_t i = 0; i < a->len; i++) fn(array_at(a, i), ctx);
  } else if (tag == REML_TAG_MAP) {
    reml_map_visit(obj, fn, ctx);
  } else if (tag >= REML_TAG_USER_BASE) {
    const reml_box_type_t* t = reml_user_type(tag);
    if (t == NULL) return;
    const reml_instance_t* inst = obj;
    for (uint32_t i = 0; i < t->field_count; i++)
      fn(inst->fields[i], ctx);
  }
}

/* The graph being built: live objects numbered in allocation order. */
typedef struct builder {
  void** objs;
  uint32_t n;
  size_t* first;
  uint32_t* succ;
  size_t edges;
  size_t cap;
} builder_t;

static void number_object(void* obj, void* ctx) {
  builder_t* b = ctx;
  *reml_debug_scratch(obj) = b->n;
  b->objs[b->n++] = obj;
}

static void add_edge(reml_handle_t h, void* ctx) {
  builder_t* b = ctx;
  if (!reml_h_is_object(h)) return;
  const uint32_t* id = reml_debug_scratch(reml_h_ptr(h));
  if (id == NULL) return; /* immortal: never part of a leak */
  if (b->edges == b->cap) {
    b->cap = b->cap ? b->cap * 2 : 1024;
    b->succ = reml_xrealloc(b->succ, reml_mul_size(b->cap, sizeof(uint32_t)));
  }
  b->succ[b->edges++] = *id;
}

/* Every cycle's text, collected before grouping. */
typedef struct shapes {
  void** objs;
  char** texts;
  size_t len;
  size_t cap;
  const char** names; /* scratch for one cycle */
} shapes_t;

static int name_cmp(const char* a, const char* b) { return a == b ? 0 : strcmp(a, b); }

/* The start of the lexicographically least rotation of names[0..n), so the
 * same cycle gives the same text whichever object it was found from. */
static uint32_t least_rotation(const char* const* names, uint32_t n) {
  uint32_t i = 0, j = 1, k = 0;
  while (i < n && j < n && k < n) {
    int c = name_cmp(names[(i + k) % n], names[(j + k) % n]);
    if (c == 0) {
      k++;
      continue;
    }
    if (c > 0)
      i += k + 1;
    else
      j += k + 1;
    if (i == j) j++;
    k = 0;
  }
  return i < j ? i : j;
}

static void collect_cycle(void* ctx, const uint32_t* nodes, uint32_t len) {
  shapes_t* s = ctx;
  char buf[32];
  for (uint32_t i = 0; i < len; i++) {
    /* Only unregistered tags format into `buf`, and such objects hold no
     * reference the graph follows, so they are never on a cycle; the
     * fallback just keeps `names` free of pointers into `buf`. */
    const char* name = reml_debug_type_name(REML_GET_HEADER(s->objs[nodes[i]])->type_tag, buf);
    s->names[i] = name == buf ? "Object" : name;
  }
  uint32_t start = least_rotation(s->names, len);
  reml_strbuf_t sb;
  reml_sb_init(&sb);
  uint32_t shown = len <= SHORT_CYCLE_MAX ? len : SHORT_CYCLE_HEAD;
  for (uint32_t i = 0; i < shown; i++) {
    reml_sb_append_cstr(&sb, s->names[(start + i) % len]);
    reml_sb_append_cstr(&sb, " -> ");
  }
  if (shown < len) reml_sb_append_cstr(&sb, "... -> ");
  reml_sb_append_cstr(&sb, s->names[start]);
  if (shown < len) {
    char count[48];
    int n = snprintf(count, sizeof count, " (%u objects)", (unsigned)len);
    reml_sb_append(&sb, count, (size_t)n);
  }
  reml_sb_append_byte(&sb, '\0');
  if (s->len == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 16;
    s->texts = reml_xrealloc(s->texts, reml_mul_size(s->cap, sizeof(char*)));
  }
  s->texts[s->len++] = sb.data; /* the buffer itself is the text */
}

static int text_cmp(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

typedef struct shape_count {
  const char* text;
  size_t count;
} shape_count_t;

/* Most frequent first, ties by text. */
static int shape_cmp(const void* a, const void* b) {
  const shape_count_t* x = a;
  const shape_count_t* y = b;
  if (x->count != y->count) return x->count > y->count ? -1 : 1;
  return strcmp(x->text, y->text);
}

static void append_shapes(reml_strbuf_t* sb, shapes_t* s) {
  if (s->len == 0) return;
  qsort(s->texts, s->len, sizeof(char*), text_cmp);
  shape_count_t* groups = reml_xmalloc(reml_mul_size(s->len, sizeof(shape_count_t)));
  size_t n = 0;
  for (size_t i = 0; i < s->len; i++) {
    if (n > 0 && strcmp(groups[n - 1].text, s->texts[i]) == 0) {
      groups[n - 1].count++;
    } else {
      groups[n++] = (shape_count_t){s->texts[i], 1};
    }
  }
  qsort(groups, n, sizeof(shape_count_t), shape_cmp);
  for (size_t i = 0; i < n && i < MAX_SHAPE_LINES; i++) {
    reml_sb_append_cstr(sb, "leak-check: cycle: ");
    reml_sb_append_cstr(sb, groups[i].text);
    if (groups[i].count > 1) {
      char count[48];
      int len = snprintf(count, sizeof count, " (x%zu)", groups[i].count);
      reml_sb_append(sb, count, (size_t)len);
    }
    reml_sb_append_byte(sb, '\n');
  }
  if (n > MAX_SHAPE_LINES) {
    char more[80];
    int len = snprintf(more, sizeof more, "leak-check: %zu more cycle shapes not shown\n", n - MAX_SHAPE_LINES);
    reml_sb_append(sb, more, (size_t)len);
  }
  free(groups);
}

void reml_leak_append_cycles(reml_strbuf_t* sb, uint64_t live) {
  /* Node numbers are 32-bit; a larger heap is reported without cycles. */
  if (live == 0 || live >= UINT32_MAX) return;
  builder_t b = {0};
  b.objs = reml_xmalloc(reml_mul_size((size_t)live, sizeof(void*)));
  b.first = reml_xmalloc(reml_mul_size((size_t)live + 1, sizeof(size_t)));
  reml_debug_for_each_live(number_object, &b);
  for (uint32_t v = 0; v < b.n; v++) {
    b.first[v] = b.edges;
    visit_strong_refs(b.objs[v], add_edge, &b);
  }
  b.first[b.n] = b.edges;

  shapes_t s = {0};
  s.objs = b.objs;
  s.names = reml_xmalloc(reml_mul_size(b.n, sizeof(char*)));
  reml_graph_t g = {b.n, b.first, b.succ};
  reml_graph_cycles(&g, collect_cycle, &s);
  append_shapes(sb, &s);

  for (size_t i = 0; i < s.len; i++) free(s.texts[i]);
  free(s.texts);
  free(s.names);
  free(b.objs);
  free(b.first);
  free(b.succ);
}
