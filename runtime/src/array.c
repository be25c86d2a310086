/* array.c — ArrayBox: a growable vector of owned handles, or of Bool bytes
 * while every element is a Bool (reml_array_t.kind). get, set, push and
 * length are defined in fast_paths.c from array_layout.h's inline functions
 * (-O2 code inlines them); their out-of-line halves are here. Every other
 * operation reads elements through array_at, or widens Bools to handles
 * first (those that move or insert elements). */
#include <stdlib.h>
#include <string.h>

#include "array_layout.h"
#include "guard.h"
#include "internal.h"

reml_array_t* reml_array_new(void) {
  reml_array_t* a = reml_alloc_object(sizeof(reml_array_t), REML_TAG_ARRAY);
  a->len = 0;
  a->cap = 0;
  a->items = NULL;
  a->weak = NULL;
  a->kind = REML_ARRAY_BOOLS;
  return a;
}

void reml_array_destroy(reml_array_t* a) {
  if (a->kind == REML_ARRAY_COUNTED)
    for (int64_t i = 0; i < a->len; i++) reml_h_release(a->items[i]);
  free(a->items);
  a->items = NULL;
  a->len = a->cap = 0;
}

/* The bytes of one element of `a`'s kind. */
static size_t element_size(const reml_array_t* a) {
  return a->kind == REML_ARRAY_BOOLS ? sizeof(uint8_t) : sizeof(reml_handle_t);
}

static void reserve(reml_array_t* a, int64_t need) {
  if (need <= a->cap) return;
  int64_t cap = a->cap ? a->cap : 4;
  while (cap < need) cap *= 2;
  a->items = reml_xrealloc(a->items, reml_mul_size((size_t)cap, element_size(a)));
  a->cap = cap;
}

/* Turns an array of Bool bytes into one of handles (the two Bools are
 * uncounted), keeping its capacity; other kinds stay as they are. */
static void widen(reml_array_t* a) {
  if (a->kind != REML_ARRAY_BOOLS) return;
  reml_handle_t* items = NULL;
  if (a->cap > 0) {
    items = reml_xmalloc(reml_mul_size((size_t)a->cap, sizeof(reml_handle_t)));
    const uint8_t* bytes = array_bytes(a);
    for (int64_t i = 0; i < a->len; i++) items[i] = reml_box_bool_inline(bytes[i]);
  }
  free(a->items);
  a->items = items;
  a->kind = REML_ARRAY_UNCOUNTED;
}

reml_handle_t reml_array_pop(reml_array_t* a) {
  if (a->len == 0) return REML_VOID;
  a->len--;
  return array_at(a, a->len); /* the array's reference moves to the caller */
}

REML_NORETURN static void index_error(const reml_array_t* a, int64_t i, const reml_loc_t* loc) {
  reml_panic_at(loc, "Index out of range: %lld (length %lld)", (long long)i, (long long)a->len);
}

void reml_array_push_slow(reml_array_t* a, reml_handle_t v) {
  if (!array_is_bool(v)) widen(a);
  reserve(a, a->len + 1);
  array_push_owned(a, v); /* now with room and the right kind */
}

void reml_array_set_slow(reml_array_t* a, int64_t i, reml_handle_t v, const reml_loc_t* loc) {
  if (i >= 0 && i < a->len) {
    widen(a); /* the only reason an element index gets here */
    array_set_owned(a, i, v, loc);
    return;
  }
  if (i == a->len) {
    reml_array_push_slow(a, v);
    return;
  }
  reml_h_release(v); /* the caller's reference; the message reads only `a` */
  index_error(a, i, loc);
}

REML_GUARDED_VOID(reml_array_insert, (reml_array_t* a, int64_t i, reml_handle_t v, const reml_loc_t* loc),
                  (a, i, v, loc), return, loc, REML_GA_OBJ(1, a, REML_TAG_ARRAY), REML_GA_H(3, v)) {
  if (i < 0 || i > a->len) index_error(a, i, loc);
  widen(a);
  reserve(a, a->len + 1);
  memmove(a->items + i + 1, a->items + i, (size_t)(a->len - i) * sizeof(reml_handle_t));
  reml_h_retain(v);
  a->len++;
  array_store_handle(a, i, v, 0);
}

reml_handle_t reml_array_remove(reml_array_t* a, int64_t i) {
  if (i < 0 || i >= a->len) return REML_VOID;
  widen(a);
  reml_handle_t v = a->items[i];
  memmove(a->items + i, a->items + i + 1, (size_t)(a->len - i - 1) * sizeof(reml_handle_t));
  a->len--;
  return v;
}

/* index_of without the guard. */
static int64_t index_of(const reml_array_t* a, reml_handle_t v) {
  for (int64_t i = 0; i < a->len; i++)
    if (reml_dyn_eq(array_at(a, i), v)) return i;
  return -1;
}

REML_GUARDED(int64_t, reml_array_index_of, (const reml_array_t* a, reml_handle_t v), (a, v), return 0, NULL,
             REML_GA_OBJ(1, a, REML_TAG_ARRAY), REML_GA_H(2, v)) {
  return index_of(a, v);
}

REML_GUARDED(int64_t, reml_array_contains, (const reml_array_t* a, reml_handle_t v), (a, v), return 0, NULL,
             REML_GA_OBJ(1, a, REML_TAG_ARRAY), REML_GA_H(2, v)) {
  return index_of(a, v) >= 0;
}

/* The text of a join element that join writes itself, without a
 * buffer: Void, Strings, Ints, Floats and Bools. */
typedef enum plain_kind { PLAIN_NONE, PLAIN_BYTES, PLAIN_INT, PLAIN_FLOAT } plain_kind_t;

typedef struct plain_text {
  plain_kind_t kind;
  const char* bytes; /* PLAIN_BYTES */
  size_t len;        /* the text's length; not set for PLAIN_FLOAT */
  int64_t i;         /* PLAIN_INT */
  double f;          /* PLAIN_FLOAT */
} plain_text_t;

/* Classifies `h` and measures its text unless it is a Float (only formatting
 * measures those); PLAIN_NONE for arrays, maps and instances, whose text may
 * run user code (toString()). */
static plain_text_t plain_text(reml_handle_t h) {
  plain_text_t t = {PLAIN_NONE, NULL, 0, 0, 0.0};
  if (h == REML_VOID) {
    t.kind = PLAIN_BYTES;
    t.bytes = "null";
    t.len = 4;
  } else if (reml_h_is_int(h)) {
    t.kind = PLAIN_INT;
    t.i = reml_h_int_value(h);
    t.len = (size_t)reml_i64_text_len(t.i);
  } else if (reml_h_is_string(h)) {
    const reml_string_t* str = reml_h_ptr(h);
    t.kind = PLAIN_BYTES;
    t.bytes = str->data;
    t.len = (size_t)str->len;
  } else if (reml_h_is_float(h)) {
    t.kind = PLAIN_FLOAT;
    t.f = ((const reml_float_box_t*)reml_h_ptr(h))->value;
  } else if (reml_h_tag(h) == REML_TAG_BOOL) {
    bool b = ((const reml_bool_box_t*)reml_h_ptr(h))->value != 0;
    t.kind = PLAIN_BYTES;
    t.bytes = b ? "true" : "false";
    t.len = b ? 4 : 5;
  }
  return t;
}

/* Writes the text `t` at `out`; returns the end. A Float's text is followed
 * by a NUL, which the next bytes or the result's own NUL overwrite. */
static char* write_plain(char* out, const plain_text_t* t) {
  switch (t->kind) {
    case PLAIN_BYTES: memcpy(out, t->bytes, t->len); return out + t->len;
    case PLAIN_INT: reml_i64_write(out, t->i, (int)t->len); return out + t->len;
    case PLAIN_FLOAT: return out + reml_format_f64(t->f, out);
    case PLAIN_NONE: break;
  }
  reml_internal_error("join wrote an element it did not measure");
}

/* join through a growing buffer, for arrays with elements whose text may
 * run user code: it sees the array as that code leaves it. */
static reml_string_t* join_buffered(const reml_array_t* a, const reml_string_t* sep) {
  reml_strbuf_t sb;
  reml_sb_init(&sb);
  for (int64_t i = 0; i < a->len; i++) {
    if (i > 0) reml_sb_append(&sb, sep->data, (size_t)sep->len);
    reml_sb_append_value(&sb, array_at(a, i));
  }
  return reml_sb_finish(&sb);
}

reml_string_t* reml_array_join(const reml_array_t* a, const reml_string_t* sep) {
  /* Sized once: measure every element, allocate the result, write into it.
   * Nothing runs between the two passes, so the elements stay as measured. */
  if (a->len == 0) return reml_str_new("", 0);
  size_t total = reml_mul_size((size_t)sep->len, (size_t)(a->len - 1));
  for (int64_t i = 0; i < a->len; i++) {
    plain_text_t t = plain_text(array_at(a, i));
    if (t.kind == PLAIN_NONE) return join_buffered(a, sep);
    if (t.kind == PLAIN_FLOAT) {
      char buf[REML_F64_TEXT_MAX];
      t.len = (size_t)reml_format_f64(t.f, buf);
    }
    total = reml_add_size(total, t.len);
  }
  reml_string_t* s = reml_str_alloc((int64_t)total);
  char* out = s->data;
  for (int64_t i = 0; i < a->len; i++) {
    if (i > 0) {
      memcpy(out, sep->data, (size_t)sep->len);
      out += sep->len;
    }
    plain_text_t t = plain_text(array_at(a, i));
    out = write_plain(out, &t);
  }
  return s;
}

reml_array_t* reml_array_slice(const reml_array_t* a, int64_t from, int64_t to) {
  if (from < 0) from = 0;
  if (from > a->len) from = a->len;
  if (to < 0) to = 0;
  if (to > a->len) to = a->len;
  reml_array_t* r = reml_array_new();
  if (from >= to) return r;
  if (a->kind != REML_ARRAY_BOOLS) r->kind = REML_ARRAY_UNCOUNTED;
  reserve(r, to - from);
  for (int64_t i = from; i < to; i++) {
    reml_handle_t v = array_at(a, i);
    reml_h_retain(v);
    array_push_owned(r, v);
  }
  return r;
}

void reml_array_reverse(reml_array_t* a) {
  widen(a);
  for (int64_t i = 0, j = a->len - 1; i < j; i++, j--) {
    reml_handle_t t = a->items[i];
    a->items[i] = a->items[j];
    a->items[j] = t;
  }
}

void reml_array_clear(reml_array_t* a) {
  /* Detach the items first so `a` is already consistent while they are
   * released. */
  reml_handle_t* items = a->items;
  int64_t len = a->len;
  uint32_t kind = a->kind;
  a->items = NULL;
  a->len = a->cap = 0;
  /* An array of handles stays one: a caller that widened it before user
   * code ran (which may clear it and push again) still finds handles. */
  if (kind == REML_ARRAY_COUNTED) {
    a->kind = REML_ARRAY_UNCOUNTED;
    for (int64_t i = 0; i < len; i++) reml_h_release(items[i]);
  }
  free(items);
}

void reml_array_widen(reml_array_t* a) { widen(a); }
