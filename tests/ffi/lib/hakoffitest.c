/* libhakoffitest: the C side of the FFI test programs in tests/ffi/.
 *
 * Each function either reports exactly what C received (so a test sees the
 * conversion from Hako, sign and width included) or gives back a value at
 * the edge of its type (so a test sees the conversion to Hako). The Handle
 * functions keep and give back Hako values under each ownership contract
 * through the runtime's Handle API, which the loading program exports. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reml_runtime.h"

/* --- scalars: C echoes what it received, widened so nothing is lost ------ */

/* The text of what C received, for the Hako side to print. */
static char g_text[128];

const char* show_i8(int8_t v) { snprintf(g_text, sizeof g_text, "i8 %d", (int)v); return g_text; }
const char* show_i16(int16_t v) { snprintf(g_text, sizeof g_text, "i16 %d", (int)v); return g_text; }
const char* show_i32(int32_t v) { snprintf(g_text, sizeof g_text, "i32 %d", (int)v); return g_text; }
const char* show_i64(int64_t v) { snprintf(g_text, sizeof g_text, "i64 %lld", (long long)v); return g_text; }
const char* show_u8(uint8_t v) { snprintf(g_text, sizeof g_text, "u8 %u", (unsigned)v); return g_text; }
const char* show_u16(uint16_t v) { snprintf(g_text, sizeof g_text, "u16 %u", (unsigned)v); return g_text; }
const char* show_u32(uint32_t v) { snprintf(g_text, sizeof g_text, "u32 %u", (unsigned)v); return g_text; }
const char* show_u64(uint64_t v) { snprintf(g_text, sizeof g_text, "u64 %llu", (unsigned long long)v); return g_text; }
const char* show_isize(intptr_t v) { snprintf(g_text, sizeof g_text, "isize %lld", (long long)v); return g_text; }
const char* show_usize(size_t v) { snprintf(g_text, sizeof g_text, "usize %zu", v); return g_text; }
const char* show_f32(float v) { snprintf(g_text, sizeof g_text, "f32 %.9g", (double)v); return g_text; }
const char* show_f64(double v) { snprintf(g_text, sizeof g_text, "f64 %.17g", v); return g_text; }
const char* show_bool(bool v) { snprintf(g_text, sizeof g_text, "bool %d", (int)v); return g_text; }

/* The limits of each type, as results. */
int8_t min_i8(void) { return INT8_MIN; }
int8_t max_i8(void) { return INT8_MAX; }
int16_t min_i16(void) { return INT16_MIN; }
int16_t max_i16(void) { return INT16_MAX; }
int32_t min_i32(void) { return INT32_MIN; }
int32_t max_i32(void) { return INT32_MAX; }
int64_t min_i64(void) { return INT64_MIN; }
int64_t max_i64(void) { return INT64_MAX; }
uint8_t max_u8(void) { return UINT8_MAX; }
uint16_t max_u16(void) { return UINT16_MAX; }
uint32_t max_u32(void) { return UINT32_MAX; }
/* The largest u64 that is an Int, and the one above it (a runtime error). */
uint64_t max_int_u64(void) { return (uint64_t)INT64_MAX; }
uint64_t above_int_u64(void) { return (uint64_t)INT64_MAX + 1u; }
size_t max_int_usize(void) { return (size_t)INT64_MAX; }
intptr_t min_isize(void) { return INTPTR_MIN; }
float third_f32(void) { return 1.0f / 3.0f; }
double third_f64(void) { return 1.0 / 3.0; }
bool true_bool(void) { return true; }
bool false_bool(void) { return false; }
/* A result register whose upper bits are dirty: the callee only promises the
 * low byte of a bool, i8 or u8 (the caller extends). */
bool odd_bool(int64_t v) { return (v & 1) != 0; }
uint8_t low_byte(int64_t v) { return (uint8_t)v; }
int8_t low_byte_signed(int64_t v) { return (int8_t)v; }

/* --- many arguments: past the six integer and eight SSE registers -------- */

int64_t sum10(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, int64_t h, int64_t i,
              int64_t j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 10 * j;
}

double fsum10(double a, double b, double c, double d, double e, double f, double g, double h, double i, double j) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 10 * j;
}

/* Mixed widths and classes, some on the stack. */
const char* mixed12(int8_t a, double b, uint16_t c, float d, int32_t e, bool f, int64_t g, double h, uint8_t i,
                    float j, int16_t k, double l) {
  snprintf(g_text, sizeof g_text, "%d %g %u %g %d %d %lld %g %u %g %d %g", a, b, (unsigned)c, (double)d, e, (int)f,
           (long long)g, h, (unsigned)i, (double)j, k, l);
  return g_text;
}

/* --- C strings ------------------------------------------------------------ */

/* A fresh copy in upper case: the caller owns it (transferred). */
char* upper_copy(const char* s) {
  size_t n = strlen(s);
  char* out = malloc(n + 1);
  for (size_t i = 0; i <= n; i++) out[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
  return out;
}
/* Frees a string it was given (a transferred CStr argument). */
int64_t length_and_free(char* s) {
  int64_t n = (int64_t)strlen(s);
  free(s);
  return n;
}
const char* no_text(void) { return NULL; }

/* --- pointers ------------------------------------------------------------- */

int32_t* ints_new(int64_t n) { return calloc((size_t)n, sizeof(int32_t)); }
void ints_set(int32_t* p, int64_t i, int32_t v) { p[i] = v; }
int32_t ints_get(const int32_t* p, int64_t i) { return p[i]; }
int32_t deref_i32(const void* p) { return *(const int32_t*)p; }
void ints_free(int32_t* p) { free(p); }
void* null_pointer(void) { return NULL; }
/* Whether a pointer argument arrived as null. */
bool is_null(const void* p) { return p == NULL; }

/* --- callbacks ------------------------------------------------------------ */

int64_t apply2(int64_t (*f)(int64_t, int64_t), int64_t a, int64_t b) { return f(a, b); }
double apply_f64(double (*f)(double), double x) { return f(x); }
/* Calls f(0) … f(n-1) and sums the results. */
int64_t sum_over(int32_t (*f)(int32_t), int32_t n) {
  int64_t s = 0;
  for (int32_t i = 0; i < n; i++) s += f(i);
  return s;
}
/* Counts the names f accepts. */
int64_t count_accepted(bool (*f)(const char*)) {
  static const char* const names[] = {"ada", "grace", "linus", "barbara"};
  int64_t n = 0;
  for (int i = 0; i < 4; i++) n += f(names[i]) ? 1 : 0;
  return n;
}
/* A callback given a Handle to look at (borrowed for the call). */
int64_t visit_handle(int64_t (*f)(hako_handle_t), hako_handle_t h) { return f(h); }

/* Whether callback `f` gives a null pointer for `x`. */
bool callback_gives_null(const uint8_t* (*f)(int64_t), int64_t x) { return f(x) == NULL; }
/* A callback whose i8 result C checks. */
int64_t call_i8(int8_t (*f)(int64_t), int64_t x) { return f(x); }

/* --- Handles under each contract ------------------------------------------ */

static hako_handle_t g_kept;

/* borrowed: C looks at the value during the call only. */
bool handle_is_void(hako_handle_t h) { return h == 0; }
/* reference: C keeps the value by taking its own reference. */
void keep_handle(hako_handle_t h) {
  hako_handle_retain(h);
  if (g_kept) hako_handle_release(g_kept);
  g_kept = h;
}
/* Releases what keep_handle or take_handle kept. */
void drop_handle(void) {
  if (g_kept) hako_handle_release(g_kept);
  g_kept = 0;
}
/* transferred: C receives a reference of its own and keeps it. */
void take_handle(hako_handle_t h) {
  if (g_kept) hako_handle_release(g_kept);
  g_kept = h;
}
/* transferred: C receives a reference and releases it at once. */
void consume_handle(hako_handle_t h) { hako_handle_release(h); }
/* borrowed result: C keeps its reference; Hako takes a new one. */
hako_handle_t peek_handle(void) { return g_kept; }
/* transferred result: C gives its reference to Hako. */
hako_handle_t give_handle(void) {
  hako_handle_t h = g_kept;
  g_kept = 0;
  return h;
}

/* --- the benchmark's trivial function ------------------------------------ */

int64_t add(int64_t a, int64_t b) { return a + b; }

/* --- structs by value: 1 to 32 bytes, every System V class ---------------- */

typedef struct { uint8_t a; } S1;                        /* 1 byte: INTEGER */
typedef struct { int16_t a; int8_t b; } S4;              /* 4 bytes: INTEGER */
typedef struct { float x, y; } Vec2f;                    /* 8 bytes: SSE (<2 x float>) */
typedef struct { int32_t i; float f; } IntFloat;         /* 8 bytes mixed: INTEGER */
typedef struct { float x, y, z; } Vec3f;                 /* 12 bytes: SSE, SSE */
typedef struct { double x, y; } Vec2;                    /* 16 bytes: SSE, SSE */
typedef struct { int64_t a; double b; } LongDouble;      /* 16 bytes: INTEGER, SSE */
typedef struct { uint8_t tag; double v; int32_t n; } Mixed; /* 24 bytes: MEMORY */
typedef struct { Vec2 a, b; } Seg;                       /* 32 bytes, nested: MEMORY */
typedef struct { bool ok; int32_t* p; } BoolPtr;         /* 16 bytes: INTEGER, INTEGER */

/* Each echo_ adds 1 to every number field (and flips bools) and returns it. */
S1 echo_s1(S1 v) { v.a += 1; return v; }
S4 echo_s4(S4 v) { v.a += 1; v.b += 1; return v; }
Vec2f echo_vec2f(Vec2f v) { v.x += 1; v.y += 1; return v; }
IntFloat echo_intfloat(IntFloat v) { v.i += 1; v.f += 1; return v; }
Vec3f echo_vec3f(Vec3f v) { v.x += 1; v.y += 1; v.z += 1; return v; }
Vec2 echo_vec2(Vec2 v) { v.x += 1; v.y += 1; return v; }
LongDouble echo_longdouble(LongDouble v) { v.a += 1; v.b += 1; return v; }
Mixed echo_mixed(Mixed v) { v.tag += 1; v.v += 1; v.n += 1; return v; }
Seg echo_seg(Seg v) { v.a.x += 1; v.a.y += 1; v.b.x += 1; v.b.y += 1; return v; }
BoolPtr echo_boolptr(BoolPtr v) { v.ok = !v.ok; return v; }

/* What C received, field by field. */
const char* show_mixed(Mixed v) {
  snprintf(g_text, sizeof g_text, "tag %u v %g n %d", (unsigned)v.tag, v.v, v.n);
  return g_text;
}
const char* show_seg(Seg v) {
  snprintf(g_text, sizeof g_text, "(%g, %g)-(%g, %g)", v.a.x, v.a.y, v.b.x, v.b.y);
  return g_text;
}
/* Structs among scalars, past the registers: a, s1..s4 and b. */
double struct_args(int64_t a, Vec2 s1, LongDouble s2, Vec2f s3, Mixed s4, double b) {
  return (double)a + s1.x + s1.y + (double)s2.a + s2.b + s3.x + s3.y + (double)s4.tag + s4.v + s4.n + b;
}

/* Callbacks with struct arguments and results. */
double apply_vec2(double (*f)(Vec2), Vec2 v) { return f(v); }
Vec2 map_vec2(Vec2 (*f)(Vec2, double), Vec2 v) { return f(v, 10.0); }
int64_t apply_mixed(int64_t (*f)(Mixed), Mixed v) { return f(v); }

/* A callback C keeps and calls during a later call. */
static int8_t (*g_stored)(int64_t);
void store_callback(int8_t (*f)(int64_t)) { g_stored = f; }
int64_t call_stored(int64_t x) { return g_stored(x); }
