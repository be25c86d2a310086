/* to_string.c — toString() of any value (§6), shared by print, `+` with a
 * String, join and reml_call_builtin. */
#include "array_layout.h"
#include "guard.h"
#include "internal.h"

/* Arrays currently being rendered, innermost last: an array met again is a
 * cycle and prints as `[...]`. The same cap bounds recursion depth, so a
 * pathologically deep nesting degrades to `[...]` instead of overflowing the
 * C stack. */
#define MAX_RENDER_DEPTH 1000
static const reml_array_t* g_rendering[MAX_RENDER_DEPTH];
static int g_render_depth;

static void append_array(reml_strbuf_t* sb, const reml_array_t* a) {
  for (int i = 0; i < g_render_depth; i++) {
    if (g_rendering[i] == a) {
      reml_sb_append_cstr(sb, "[...]");
      return;
    }
  }
  if (g_render_depth == MAX_RENDER_DEPTH) {
    reml_sb_append_cstr(sb, "[...]");
    return;
  }
  g_rendering[g_render_depth++] = a;
  reml_sb_append_byte(sb, '[');
  for (int64_t i = 0; i < a->len; i++) {
    if (i > 0) reml_sb_append(sb, ", ", 2);
    reml_sb_append_value(sb, array_at(a, i));
  }
  reml_sb_append_byte(sb, ']');
  g_render_depth--;
}

/* User instances: the user's toString() through the hook, else
 * `<Name instance>`. */
static reml_to_string_hook_t g_hook;

void reml_set_to_string_hook(reml_to_string_hook_t hook) { g_hook = hook; }

static void append_instance(reml_strbuf_t* sb, reml_handle_t h, uint32_t tag) {
  const reml_box_type_t* t = reml_user_type(tag);
  if (t != NULL && t->has_to_string && g_hook != NULL) {
    reml_string_t* s = g_hook(h);
    if (s != NULL) {
      reml_sb_append(sb, s->data, (size_t)s->len);
      reml_dec_ref_inline(s);
      return;
    }
  }
  reml_sb_append_byte(sb, '<');
  reml_sb_append_cstr(sb, reml_tag_name(tag));
  reml_sb_append_cstr(sb, " instance>");
}

void reml_sb_append_value(reml_strbuf_t* sb, reml_handle_t h) {
  char num[REML_F64_TEXT_MAX];
  if (h == REML_VOID) {
    reml_sb_append_cstr(sb, "null");
    return;
  }
  if (reml_h_is_small_int(h)) {
    reml_sb_append(sb, num, (size_t)reml_format_i64(reml_h_int_value(h), num));
    return;
  }
  void* p = reml_h_ptr(h);
  uint32_t tag = reml_h_tag(h);
  switch (tag) {
    case REML_TAG_STRING: {
      const reml_string_t* s = p;
      reml_sb_append(sb, s->data, (size_t)s->len);
      return;
    }
    case REML_TAG_INT:
      reml_sb_append(sb, num, (size_t)reml_format_i64(((reml_int_box_t*)p)->value, num));
      return;
    case REML_TAG_FLOAT:
      reml_sb_append(sb, num, (size_t)reml_format_f64(((reml_float_box_t*)p)->value, num));
      return;
    case REML_TAG_BOOL:
      reml_sb_append_cstr(sb, ((reml_bool_box_t*)p)->value ? "true" : "false");
      return;
    case REML_TAG_ARRAY: append_array(sb, p); return;
    case REML_TAG_MAP:
      reml_sb_append_cstr(sb, "MapBox(size=");
      reml_sb_append(sb, num, (size_t)reml_format_i64(reml_map_size(p), num));
      reml_sb_append_byte(sb, ')');
      return;
    case REML_TAG_CONSOLE: reml_sb_append_cstr(sb, "ConsoleBox"); return;
    case REML_TAG_WEAK:
      reml_sb_append_cstr(sb, reml_weak_alive((int64_t)h) ? "WeakRef(alive)" : "WeakRef(dropped)");
      return;
    case REML_TAG_PTR: {
      char text[REML_PTR_TEXT_MAX];
      reml_sb_append(sb, text, reml_ptr_format(((const reml_ptr_box_t*)p)->addr, text));
      return;
    }
    default: break;
  }
  if (tag >= REML_TAG_USER_BASE) {
    append_instance(sb, h, tag);
    return;
  }
  reml_sb_append_cstr(sb, "<object>");
}

REML_GUARDED(reml_string_t*, reml_h_to_string, (reml_handle_t h), (h), h = REML_VOID, NULL, REML_GA_H(1, h)) {
  /* A String result cannot be Void: the text of Void stands for it. */
  /* A String is its own text: share it instead of copying. */
  if (reml_h_is_string(h)) {
    reml_inc_ref_inline(reml_h_ptr(h));
    return reml_h_ptr(h);
  }
  /* Numbers are written straight into their string, without a buffer. */
  if (reml_h_is_int(h)) return reml_i64_to_string(reml_h_int_value(h));
  if (reml_h_is_float(h)) return reml_f64_to_string(((const reml_float_box_t*)reml_h_ptr(h))->value);
  reml_strbuf_t sb;
  reml_sb_init(&sb);
  reml_sb_append_value(&sb, h);
  return reml_sb_finish(&sb);
}
