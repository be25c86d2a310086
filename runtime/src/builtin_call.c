/* builtin_call.c — reml_call_builtin: §6 methods on values whose kind is only
 * known at run time, dispatched by receiver kind, method id and arity to the
 * typed runtime functions. */
#include "internal.h"

/* One dynamic call, passed whole to the per-kind dispatchers. */
typedef struct call {
  reml_handle_t recv;
  int32_t method;
  int64_t argc;
  const reml_handle_t* args;
  const reml_loc_t* loc;
} call_t;

static int64_t arg_int(const call_t* c, int i) { return reml_unbox_i64(c->args[i], c->loc); }

static const reml_string_t* arg_str(const call_t* c, int i) {
  return reml_unbox_object(c->args[i], REML_TAG_STRING, c->loc);
}

static reml_handle_t own_str(reml_string_t* s) { return reml_h_from_ptr(s); }
static reml_handle_t own_arr(reml_array_t* a) { return reml_h_from_ptr(a); }

/* Returns the receiver itself as an owned result (toInteger on an Int...). */
static reml_handle_t self(const call_t* c) {
  reml_h_retain(c->recv);
  return c->recv;
}

/* Each dispatcher stores the result and returns true, or returns false when
 * the receiver has no such method of that arity. */
#define WANT(n) \
  if (c->argc != (n)) return false

static bool call_int(const call_t* c, reml_handle_t* out) {
  switch (c->method) {
    case REML_METHOD_TO_FLOAT: WANT(0); *out = reml_box_f64((double)reml_h_int_value(c->recv)); return true;
    case REML_METHOD_TO_INTEGER: WANT(0); *out = self(c); return true;
    default: return false;
  }
}

static bool call_float(const call_t* c, reml_handle_t* out) {
  double v = ((const reml_float_box_t*)reml_h_ptr(c->recv))->value;
  switch (c->method) {
    case REML_METHOD_TO_FLOAT: WANT(0); *out = self(c); return true;
    case REML_METHOD_TO_INTEGER: WANT(0); *out = reml_box_i64(reml_f64_to_i64(v)); return true;
    default: return false;
  }
}

static bool call_string(const call_t* c, reml_handle_t* out) {
  const reml_string_t* s = reml_h_ptr(c->recv);
  switch (c->method) {
    case REML_METHOD_LENGTH:
    case REML_METHOD_SIZE: WANT(0); *out = reml_box_i64(s->len); return true;
    case REML_METHOD_SUBSTRING:
      if (c->argc == 1) { *out = own_str(reml_str_substring_from(s, arg_int(c, 0))); return true; }
      WANT(2);
      *out = own_str(reml_str_substring(s, arg_int(c, 0), arg_int(c, 1)));
      return true;
    case REML_METHOD_INDEX_OF:
      if (c->argc == 1) { *out = reml_box_i64(reml_str_index_of(s, arg_str(c, 0))); return true; }
      WANT(2);
      *out = reml_box_i64(reml_str_index_of_from(s, arg_str(c, 0), arg_int(c, 1)));
      return true;
    case REML_METHOD_LAST_INDEX_OF: WANT(1); *out = reml_box_i64(reml_str_last_index_of(s, arg_str(c, 0))); return true;
    case REML_METHOD_CONTAINS: WANT(1); *out = reml_box_bool(reml_str_contains(s, arg_str(c, 0))); return true;
    case REML_METHOD_STARTS_WITH: WANT(1); *out = reml_box_bool(reml_str_starts_with(s, arg_str(c, 0))); return true;
    case REML_METHOD_ENDS_WITH: WANT(1); *out = reml_box_bool(reml_str_ends_with(s, arg_str(c, 0))); return true;
    case REML_METHOD_REPLACE: WANT(2); *out = own_str(reml_str_replace(s, arg_str(c, 0), arg_str(c, 1))); return true;
    case REML_METHOD_TRIM: WANT(0); *out = own_str(reml_str_trim(s)); return true;
    case REML_METHOD_TO_UPPER: WANT(0); *out = own_str(reml_str_to_upper(s)); return true;
    case REML_METHOD_TO_LOWER: WANT(0); *out = own_str(reml_str_to_lower(s)); return true;
    case REML_METHOD_SPLIT: WANT(1); *out = own_arr(reml_str_split(s, arg_str(c, 0))); return true;
    case REML_METHOD_CONCAT: WANT(1); *out = own_str(reml_str_concat(s, arg_str(c, 0))); return true;
    case REML_METHOD_CHAR_AT: WANT(1); *out = own_str(reml_str_char_at(s, arg_int(c, 0))); return true;
    case REML_METHOD_TO_INTEGER: WANT(0); *out = reml_str_to_integer(s); return true;
    case REML_METHOD_TO_FLOAT: WANT(0); *out = reml_str_to_float(s); return true;
    default: return false;
  }
}

static bool call_array(const call_t* c, reml_handle_t* out) {
  reml_array_t* a = reml_h_ptr(c->recv);
  switch (c->method) {
    case REML_METHOD_LENGTH:
    case REML_METHOD_SIZE:
    case REML_METHOD_LEN: WANT(0); *out = reml_box_i64(a->len); return true;
    case REML_METHOD_PUSH: WANT(1); reml_array_push(a, c->args[0]); *out = REML_VOID; return true;
    case REML_METHOD_POP: WANT(0); *out = reml_array_pop(a); return true;
    case REML_METHOD_GET: WANT(1); *out = reml_array_get(a, arg_int(c, 0)); return true;
    case REML_METHOD_SET: WANT(2); reml_array_set(a, arg_int(c, 0), c->args[1], c->loc); *out = REML_VOID; return true;
    case REML_METHOD_INSERT:
      WANT(2);
      reml_array_insert(a, arg_int(c, 0), c->args[1], c->loc);
      *out = REML_VOID;
      return true;
    case REML_METHOD_REMOVE: WANT(1); *out = reml_array_remove(a, arg_int(c, 0)); return true;
    case REML_METHOD_CONTAINS: WANT(1); *out = reml_box_bool(reml_array_contains(a, c->args[0])); return true;
    case REML_METHOD_INDEX_OF: WANT(1); *out = reml_box_i64(reml_array_index_of(a, c->args[0])); return true;
    case REML_METHOD_JOIN: WANT(1); *out = own_str(reml_array_join(a, arg_str(c, 0))); return true;
    case REML_METHOD_SLICE: WANT(2); *out = own_arr(reml_array_slice(a, arg_int(c, 0), arg_int(c, 1))); return true;
    case REML_METHOD_REVERSE: WANT(0); reml_array_reverse(a); *out = REML_VOID; return true;
    case REML_METHOD_SORT: WANT(0); reml_array_sort(a, c->loc); *out = REML_VOID; return true;
    case REML_METHOD_CLEAR: WANT(0); reml_array_clear(a); *out = REML_VOID; return true;
    default: return false;
  }
}

static bool call_map(const call_t* c, reml_handle_t* out) {
  reml_map_t* m = reml_h_ptr(c->recv);
  switch (c->method) {
    case REML_METHOD_SIZE:
    case REML_METHOD_LEN:
    case REML_METHOD_LENGTH: WANT(0); *out = reml_box_i64(reml_map_size(m)); return true;
    case REML_METHOD_SET: WANT(2); reml_map_set(m, c->args[0], c->args[1], c->loc); *out = REML_VOID; return true;
    case REML_METHOD_GET: WANT(1); *out = reml_map_get(m, c->args[0], c->loc); return true;
    case REML_METHOD_HAS: WANT(1); *out = reml_box_bool(reml_map_has(m, c->args[0], c->loc)); return true;
    case REML_METHOD_DELETE: WANT(1); *out = reml_box_bool(reml_map_delete(m, c->args[0], c->loc)); return true;
    case REML_METHOD_KEYS: WANT(0); *out = own_arr(reml_map_keys(m)); return true;
    case REML_METHOD_VALUES: WANT(0); *out = own_arr(reml_map_values(m)); return true;
    case REML_METHOD_CLEAR: WANT(0); reml_map_clear(m); *out = REML_VOID; return true;
    default: return false;
  }
}

static bool call_console(const call_t* c, reml_handle_t* out) {
  switch (c->method) {
    case REML_METHOD_PRINTLN:
    case REML_METHOD_LOG: WANT(1); reml_print_h(c->args[0]); *out = REML_VOID; return true;
    case REML_METHOD_WARN:
    case REML_METHOD_ERROR: WANT(1); reml_eprint_h(c->args[0]); *out = REML_VOID; return true;
    default: return false;
  }
}

#undef WANT

reml_handle_t reml_call_builtin(reml_handle_t recv, int32_t method, const char* name, int64_t argc,
                                const reml_handle_t* args, const reml_loc_t* loc) {
  const char* known = reml_builtin_method_name(method);
  const char* shown = known != NULL ? known : (name != NULL ? name : "?");
  /* toString() is a method of every value, Void included ("null"). */
  if (known != NULL && method == REML_METHOD_TO_STRING && argc == 0) return reml_h_from_ptr(reml_h_to_string(recv));
  if (recv == REML_VOID) reml_panic_at(loc, "Type error: method '%s' called on Void", shown);
  if (argc > 0 && args == NULL) reml_internal_error("reml_call_builtin: %lld arguments but no array", (long long)argc);
  call_t c = {recv, known != NULL ? method : -1, argc, args, loc};
  reml_handle_t out = REML_VOID;
  bool found = false;
  if (c.method >= 0) {
    switch (reml_h_tag(recv)) {
      case REML_TAG_INT: found = call_int(&c, &out); break;
      case REML_TAG_FLOAT: found = call_float(&c, &out); break;
      case REML_TAG_STRING: found = call_string(&c, &out); break;
      case REML_TAG_ARRAY: found = call_array(&c, &out); break;
      case REML_TAG_MAP: found = call_map(&c, &out); break;
      case REML_TAG_CONSOLE: found = call_console(&c, &out); break;
      default: break; /* Bool and user boxes: only toString() */
    }
  }
  if (!found) reml_panic_at(loc, "Unknown method '%s' on %s", shown, reml_h_kind_name(recv));
  return out;
}
