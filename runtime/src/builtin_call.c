/* builtin_call.c — reml_call_builtin: §6 methods on values whose kind is only
 * known at run time. Every row of reml_builtin_methods.def becomes an entry
 * of g_rows below; a call finds the first row for the receiver's kind, the
 * method id and the arity, converts the handle arguments to the row's
 * parameter kinds, calls the row's C function through an adapter chosen by
 * that function's C type, and boxes the result by the row's result kind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "internal.h"

/* One C value of any kind a parameter or result can have. */
typedef union slot {
  int64_t i;
  double f;
  reml_handle_t h;
  void* p;
} slot_t;

/* A row's C function, stored without its type; its adapter knows it. */
typedef void (*any_fn_t)(void);
/* Calls `fn` on the slots `a` (and `loc` where the function takes one). */
typedef slot_t (*adapter_t)(any_fn_t fn, const slot_t* a, const reml_loc_t* loc);

/* The C function types of the table's functions:
 * X(adapter, result type, how the result is stored, (parameter types), (arguments)).
 * A function whose type is missing here fails to compile (_Generic below). */
#define S_ const reml_string_t*
#define A_ reml_array_t*
#define CA_ const reml_array_t*
#define M_ reml_map_t*
#define CM_ const reml_map_t*
#define L_ const reml_loc_t*
#define ADAPTERS(X)                                                                        \
  X(ad_f_i, double, R_F, (int64_t), (a[0].i))                                              \
  X(ad_i_f, int64_t, R_I, (double), (a[0].f))                                              \
  X(ad_i_s, int64_t, R_I, (S_), (a[0].p))                                                  \
  X(ad_s_s, reml_string_t*, R_P, (S_), (a[0].p))                                           \
  X(ad_h_s, reml_handle_t, R_H, (S_), (a[0].p))                                            \
  X(ad_s_si, reml_string_t*, R_P, (S_, int64_t), (a[0].p, a[1].i))                         \
  X(ad_s_sii, reml_string_t*, R_P, (S_, int64_t, int64_t), (a[0].p, a[1].i, a[2].i))       \
  X(ad_i_ss, int64_t, R_I, (S_, S_), (a[0].p, a[1].p))                                     \
  X(ad_i_ssi, int64_t, R_I, (S_, S_, int64_t), (a[0].p, a[1].p, a[2].i))                   \
  X(ad_s_ss, reml_string_t*, R_P, (S_, S_), (a[0].p, a[1].p))                              \
  X(ad_s_sss, reml_string_t*, R_P, (S_, S_, S_), (a[0].p, a[1].p, a[2].p))                 \
  X(ad_a_ss, reml_array_t*, R_P, (S_, S_), (a[0].p, a[1].p))                               \
  X(ad_i_ca, int64_t, R_I, (CA_), (a[0].p))                                                \
  X(ad_v_a, void, R_V, (A_), (a[0].p))                                                     \
  X(ad_v_al, void, R_V, (A_, L_), (a[0].p, loc))                                           \
  X(ad_v_ah, void, R_V, (A_, reml_handle_t), (a[0].p, a[1].h))                             \
  X(ad_v_ai, void, R_V, (A_, int64_t), (a[0].p, a[1].i))                                   \
  X(ad_h_a, reml_handle_t, R_H, (A_), (a[0].p))                                            \
  X(ad_h_cai, reml_handle_t, R_H, (CA_, int64_t), (a[0].p, a[1].i))                        \
  X(ad_h_ai, reml_handle_t, R_H, (A_, int64_t), (a[0].p, a[1].i))                          \
  X(ad_v_aihl, void, R_V, (A_, int64_t, reml_handle_t, L_), (a[0].p, a[1].i, a[2].h, loc)) \
  X(ad_v_aiil, void, R_V, (A_, int64_t, int64_t, L_), (a[0].p, a[1].i, a[2].i, loc))       \
  X(ad_i_cah, int64_t, R_I, (CA_, reml_handle_t), (a[0].p, a[1].h))                        \
  X(ad_s_cas, reml_string_t*, R_P, (CA_, S_), (a[0].p, a[1].p))                            \
  X(ad_a_caii, reml_array_t*, R_P, (CA_, int64_t, int64_t), (a[0].p, a[1].i, a[2].i))      \
  X(ad_v_mhh, void, R_V, (M_, reml_handle_t, reml_handle_t), (a[0].p, a[1].h, a[2].h))     \
  X(ad_v_mii, void, R_V, (M_, int64_t, int64_t), (a[0].p, a[1].i, a[2].i))                 \
  X(ad_v_mih, void, R_V, (M_, int64_t, reml_handle_t), (a[0].p, a[1].i, a[2].h))           \
  X(ad_v_mhi, void, R_V, (M_, reml_handle_t, int64_t), (a[0].p, a[1].h, a[2].i))           \
  X(ad_h_cmh, reml_handle_t, R_H, (CM_, reml_handle_t), (a[0].p, a[1].h))                  \
  X(ad_h_cmi, reml_handle_t, R_H, (CM_, int64_t), (a[0].p, a[1].i))                        \
  X(ad_i_cmhl, int64_t, R_I, (CM_, reml_handle_t, L_), (a[0].p, a[1].h, loc))              \
  X(ad_i_cmi, int64_t, R_I, (CM_, int64_t), (a[0].p, a[1].i))                              \
  X(ad_i_mhl, int64_t, R_I, (M_, reml_handle_t, L_), (a[0].p, a[1].h, loc))                \
  X(ad_i_cm, int64_t, R_I, (CM_), (a[0].p))                                                \
  X(ad_a_cm, reml_array_t*, R_P, (CM_), (a[0].p))                                          \
  X(ad_v_m, void, R_V, (M_), (a[0].p))                                                     \
  X(ad_v_h, void, R_V, (reml_handle_t), (a[0].h))                                          \
  X(ad_i_i, int64_t, R_I, (int64_t), (a[0].i))

#define R_I(call) r.i = (call)
#define R_F(call) r.f = (call)
#define R_H(call) r.h = (call)
#define R_P(call) r.p = (void*)(call)
#define R_V(call) (call)
#define DEFINE_ADAPTER(name, R, store, params, args)                   \
  static slot_t name(any_fn_t fn, const slot_t* a, const reml_loc_t* loc) { \
    slot_t r;                                                           \
    r.i = 0;                                                            \
    (void)loc;                                                          \
    store(((R(*) params)fn) args);                                      \
    return r;                                                           \
  }
ADAPTERS(DEFINE_ADAPTER)
#undef DEFINE_ADAPTER

/* The adapter of a C function, chosen by its type at compile time. */
#define ADAPTER_ASSOC(name, R, store, params, args) , R(*) params : name
#define ADAPTER_OF(fn) _Generic((&fn)ADAPTERS(ADAPTER_ASSOC))

/* How a row is carried out on the dynamic path. */
typedef enum row_impl {
  IMPL_CALL,      /* fn(receiver, arguments...) */
  IMPL_CALL_ARGS, /* fn(arguments...) */
  IMPL_SELF,      /* the receiver */
  IMPL_TO_STRING, /* reml_h_to_string(receiver) */
} row_impl_t;

/* The receiver kinds of the table. */
typedef enum recv_kind {
  RECV_Void,
  RECV_Int,
  RECV_Float,
  RECV_Bool,
  RECV_String,
  RECV_Array,
  RECV_Map,
  RECV_Console,
  RECV_Weak,
  RECV_Ptr,
  RECV_Box,
} recv_kind_t;

/* One row of reml_builtin_methods.def. */
typedef struct row {
  recv_kind_t recv;
  int32_t method;
  const char* params; /* parameter letters, K a checked map key */
  char result;        /* result letter, '-' Void */
  row_impl_t impl;
  any_fn_t fn;        /* IMPL_CALL / IMPL_CALL_ARGS */
  adapter_t adapter;  /* fn's adapter */
} row_t;

static const row_t g_rows[] = {
#define BUILTIN_CALL(recv, id, params, result, symbol) \
  {RECV_##recv, REML_METHOD_##id, params, result, IMPL_CALL, (any_fn_t)&symbol, ADAPTER_OF(symbol)},
#define BUILTIN_CALL_ARGS(recv, id, params, result, symbol) \
  {RECV_##recv, REML_METHOD_##id, params, result, IMPL_CALL_ARGS, (any_fn_t)&symbol, ADAPTER_OF(symbol)},
#define BUILTIN_OP(recv, id, params, result, op, symbol) \
  {RECV_##recv, REML_METHOD_##id, params, result, IMPL_CALL, (any_fn_t)&symbol, ADAPTER_OF(symbol)},
#define BUILTIN_SELF(recv, id, params, result) \
  {RECV_##recv, REML_METHOD_##id, params, result, IMPL_SELF, NULL, NULL},
#define BUILTIN_TO_STRING(recv, id, params, result) \
  {RECV_##recv, REML_METHOD_##id, params, result, IMPL_TO_STRING, NULL, NULL},
#include "reml_builtin_methods.def"
};

#define ROW_COUNT ((int32_t)(sizeof g_rows / sizeof g_rows[0]))

/* The table's receiver kind of a value. */
static recv_kind_t recv_kind_of(reml_handle_t h) {
  switch (reml_h_tag(h)) {
    case 0: return RECV_Void;
    case REML_TAG_INT: return RECV_Int;
    case REML_TAG_FLOAT: return RECV_Float;
    case REML_TAG_BOOL: return RECV_Bool;
    case REML_TAG_STRING: return RECV_String;
    case REML_TAG_ARRAY: return RECV_Array;
    case REML_TAG_MAP: return RECV_Map;
    case REML_TAG_CONSOLE: return RECV_Console;
    case REML_TAG_WEAK: return RECV_Weak;
    case REML_TAG_PTR: return RECV_Ptr;
    default: return RECV_Box; /* user boxes */
  }
}

int32_t reml_builtin_row(reml_handle_t recv, int32_t method, int64_t argc) {
  recv_kind_t kind = recv_kind_of(recv);
  for (int32_t i = 0; i < ROW_COUNT; i++) {
    const row_t* r = &g_rows[i];
    if (r->recv == kind && r->method == method && (int64_t)strlen(r->params) == argc) return i;
  }
  return -1;
}

/* The receiver as the first C argument of its row's function. */
static slot_t receiver_slot(reml_handle_t recv, recv_kind_t kind) {
  slot_t s;
  switch (kind) {
    case RECV_Int: s.i = reml_h_int_value(recv); break;
    case RECV_Float: s.f = ((const reml_float_box_t*)reml_h_ptr(recv))->value; break;
    case RECV_String:
    case RECV_Array:
    case RECV_Map:
    case RECV_Console: s.p = reml_h_ptr(recv); break;
    default: s.h = recv; break;
  }
  return s;
}

/* A handle argument converted to parameter kind `letter` (borrowed, like
 * the handle). */
static slot_t argument_slot(reml_handle_t h, char letter, const reml_loc_t* loc) {
  slot_t s;
  switch (letter) {
    case 'I': s.i = reml_unbox_i64(h, loc); break;
    case 'F': s.f = reml_unbox_f64(h, loc); break;
    case 'B': s.i = reml_unbox_bool(h, loc); break;
    case 'S': s.p = reml_unbox_object(h, REML_TAG_STRING, loc); break;
    case 'A': s.p = reml_unbox_object(h, REML_TAG_ARRAY, loc); break;
    case 'M': s.p = reml_unbox_object(h, REML_TAG_MAP, loc); break;
    case 'K': reml_map_check_key(h, loc); s.h = h; break;
    case 'H': s.h = h; break;
    default: reml_internal_error("reml_builtin_methods.def: parameter letter '%c'", letter);
  }
  return s;
}

/* The owned handle of a result of kind `letter`. */
static reml_handle_t result_handle(slot_t r, char letter) {
  switch (letter) {
    case 'I': return reml_box_i64(r.i);
    case 'F': return reml_box_f64(r.f);
    case 'B': return reml_box_bool(r.i);
    case 'S':
    case 'A':
    case 'M': return reml_h_from_ptr(r.p);
    case 'H': return r.h;
    case '-': return REML_VOID;
    default: reml_internal_error("reml_builtin_methods.def: result letter '%c'", letter);
  }
  return REML_VOID;
}

/* Runs row `r` on `recv` and the handle arguments. */
static reml_handle_t run_row(const row_t* r, reml_handle_t recv, const reml_handle_t* args, const reml_loc_t* loc) {
  switch (r->impl) {
    case IMPL_SELF: reml_h_retain(recv); return recv;
    case IMPL_TO_STRING: return reml_h_from_ptr(reml_h_to_string(recv));
    case IMPL_CALL:
    case IMPL_CALL_ARGS: break;
  }
  slot_t slots[4];
  int n = 0;
  if (r->impl == IMPL_CALL) slots[n++] = receiver_slot(recv, r->recv);
  for (int i = 0; r->params[i] != '\0'; i++) {
    if (n >= 4) reml_internal_error("reml_builtin_methods.def: too many parameters");
    slots[n++] = argument_slot(args[i], r->params[i], loc);
  }
  return result_handle(r->adapter(r->fn, slots, loc), r->result);
}

/* The arities (at most `cap`, ascending, no repeats) with which `recv` has
 * method `name`: built-in rows, or the user box's method table. */
static int method_arities(reml_handle_t recv, int32_t method, const char* name, uint32_t* out, int cap) {
  int n = 0;
  uint32_t found[64];
  recv_kind_t kind = recv_kind_of(recv);
  if (kind == RECV_Box) {
    const reml_box_type_t* t = reml_box_type_of_tag(reml_h_tag(recv));
    for (uint32_t i = 0; t != NULL && i < t->method_count && n < 64; i++)
      if (strcmp(t->method_names[i], name) == 0) found[n++] = t->method_arities[i];
  } else if (method >= 0) {
    for (int32_t i = 0; i < ROW_COUNT && n < 64; i++)
      if (g_rows[i].recv == kind && g_rows[i].method == method) found[n++] = (uint32_t)strlen(g_rows[i].params);
  }
  int m = 0;
  for (uint32_t a = 0; a <= 64 && m < cap; a++)
    for (int i = 0; i < n; i++)
      if (found[i] == a) {
        out[m++] = a;
        break;
      }
  return m;
}

/* Reports a method `name` that `recv` lacks for `argc` arguments. */
REML_NORETURN static void no_such_method(reml_handle_t recv, int32_t method, const char* name, int64_t argc,
                                         const reml_loc_t* loc) {
  uint32_t arities[4];
  int n = method_arities(recv, method, name, arities, 4);
  if (n == 0) reml_panic_at(loc, "Unknown method '%s' on %s", name, reml_h_kind_name(recv));
  char takes[64];
  size_t len = 0;
  for (int i = 0; i < n; i++) {
    const char* sep = i == 0 ? "" : (i == n - 1 ? " or " : ", ");
    len += (size_t)snprintf(takes + len, sizeof takes - len, "%s%u", sep, arities[i]);
  }
  const char* noun = n == 1 && arities[0] == 1 ? "argument" : "arguments";
  reml_panic_at(loc, "Method '%s' of %s takes %s %s, not %lld", name, reml_h_kind_name(recv), takes, noun,
                (long long)argc);
}

/* reml_call_builtin without the guard. */
REML_INLINE reml_handle_t call_builtin(reml_handle_t recv, int32_t method, const char* name, int64_t argc,
                                       const reml_handle_t* args, const reml_loc_t* loc) {
  const char* known = reml_builtin_method_name(method);
  const char* shown = known != NULL ? known : (name != NULL ? name : "?");
  if (argc > 0 && args == NULL) reml_internal_error("reml_call_builtin: %lld arguments but no array", (long long)argc);
  int32_t row = known != NULL ? reml_builtin_row(recv, method, argc) : -1;
  /* Void has toString() only (its row); any other method is a type error. */
  if (row < 0 && recv == REML_VOID) reml_panic_at(loc, "Type error: method '%s' called on Void", shown);
  if (row < 0) no_such_method(recv, known != NULL ? method : -1, shown, argc, loc);
  return run_row(&g_rows[row], recv, args, loc);
}

#if REML_GUARD_CODE
/* reml_call_builtin with its guard: the receiver (argument 1) and each of
 * the `argc` handles of `args` (all reported as argument 5, the array). A
 * tail call of the entry point, as REML_GUARDED makes them (guard.h). */
REML_GUARD_COLD static reml_handle_t call_builtin_guarded(reml_handle_t recv, int32_t method, const char* name,
                                                          int64_t argc, const reml_handle_t* args,
                                                          const reml_loc_t* loc) {
  reml_guard_arg_t small[8];
  size_t n = argc > 0 && args != NULL ? (size_t)argc + 1 : 1;
  reml_guard_arg_t* list = n <= 8 ? small : reml_xmalloc(reml_mul_size(n, sizeof(reml_guard_arg_t)));
  list[0] = (reml_guard_arg_t)REML_GA_H(1, recv);
  for (size_t i = 1; i < n; i++) list[i] = (reml_guard_arg_t)REML_GA_H(5, args[i - 1]);
  bool ok = reml_guard_call("reml_call_builtin", loc, list, n);
  if (list != small) free(list);
  if (!ok) return REML_VOID;
  return call_builtin(recv, method, name, argc, args, loc);
}
#endif

reml_handle_t reml_call_builtin(reml_handle_t recv, int32_t method, const char* name, int64_t argc,
                                const reml_handle_t* args, const reml_loc_t* loc) {
#if REML_GUARD_CODE
  if (REML_UNLIKELY(reml_guard_enabled)) return call_builtin_guarded(recv, method, name, argc, args, loc);
#endif
  return call_builtin(recv, method, name, argc, args, loc);
}
