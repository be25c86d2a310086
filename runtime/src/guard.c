/* guard.c — runtime guards (docs/guards.md): the check of one value that
 * compiled code hands to the runtime, the settings read at start-up, the
 * sampling counter and the two ways of failing.
 *
 * The checks read the object header (and, for strings, arrays and maps, the
 * length fields) of whatever a handle points at, so they recognise forged
 * and dangling handles whose target memory is still readable: outside debug
 * mode a stale object whose block was reused by a new object of a valid kind
 * passes. In debug mode freed objects wait in the quarantine with a FREED
 * record, which the check reads too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "internal.h"

/* Pointers below this are in the never-mapped first page (and NULL plus a
 * small offset); reading their header would fault instead of failing. */
#define LOWEST_OBJECT_ADDRESS ((uint64_t)4096)
/* User-space addresses on the 64-bit targets hakoc supports (x86-64 and
 * AArch64 with 48-bit virtual addresses) lie below 2^47. */
#define ADDRESS_LIMIT ((uint64_t)1 << 47)

/* Defined (and 0) in a runtime built without guard code too: -O2 code
 * inlines the Int-key MapBox entry points, guard test included, from
 * bitcode that does not know which runtime it will be linked with. */
uint32_t reml_guard_enabled;

static uint64_t g_sample_mask; /* 2^N - 1: a call is checked when the counter & mask is 0 */
static uint64_t g_calls;       /* guarded calls since the settings were read */
static uint64_t g_checks;      /* guarded calls checked */
static bool g_failfast = true;
static bool g_warned;

/* Whether tag `t` is that of a real object kind: a built-in kind other than
 * raw memory, or a registered user box. */
static bool tag_is_object_kind(uint32_t t) {
  switch (t) {
    case REML_TAG_STRING:
    case REML_TAG_INT:
    case REML_TAG_FLOAT:
    case REML_TAG_BOOL:
    case REML_TAG_ARRAY:
    case REML_TAG_MAP:
    case REML_TAG_CONSOLE:
    case REML_TAG_WEAK:
    case REML_TAG_PTR: return true;
    default: break;
  }
  return t >= REML_TAG_USER_BASE && t - REML_TAG_USER_BASE < reml_user_type_count();
}

/* What is wrong with the lengths of a live object of tag `t`, or NULL.
 * `size` is the payload size in debug mode, 0 when unknown. */
static const char* length_problem(const void* p, uint32_t t, size_t size) {
  switch (t) {
    case REML_TAG_STRING: {
      const reml_string_t* s = p;
      if (s->len < 0) return "negative string length";
      if (size == 0) return NULL;
      if ((uint64_t)s->len > size - sizeof(reml_string_t) - 1) return "string length beyond its allocation";
      if (s->data[s->len] != '\0') return "string without its terminating NUL";
      return NULL;
    }
    case REML_TAG_ARRAY: {
      const reml_array_t* a = p;
      if (a->len < 0 || a->cap < a->len) return "array length out of range";
      if (a->cap > 0 && a->items == NULL) return "array without items";
      return NULL;
    }
    case REML_TAG_MAP: return reml_map_shape_ok(p) ? NULL : "map sizes out of range";
    case REML_TAG_PTR: {
      /* Messages and the unbox check read the type. */
      const reml_ptr_box_t* b = p;
      return b->type == NULL ? "pointer without its type" : NULL;
    }
    default: return NULL;
  }
}

const char* reml_guard_problem(reml_handle_t h, uint32_t tag) {
  if (h == REML_VOID) return tag == 0 ? NULL : "Void";
  if (reml_h_is_small_int(h)) return tag == 0 ? NULL : "an Int, not an object";
  if ((h & 7u) != 0) return "misaligned pointer";
  if (h < LOWEST_OBJECT_ADDRESS || h >= ADDRESS_LIMIT) return "not a heap address";
  const void* p = reml_h_ptr(h);
  const reml_object_header_t* header = REML_GET_HEADER(p);
  if (header->refcount == 0) return "reference count 0 (a freed object)";
  size_t size = 0;
  if (header->refcount != REML_RC_IMMORTAL && reml_mem_debug_mode()) {
    /* Every counted object of a debug-mode process has a record. */
    switch (reml_debug_record(p, &size)) {
      case REML_DEBUG_LIVE: break;
      case REML_DEBUG_FREED: return "a freed object";
      default: return "not an object of this runtime";
    }
  }
  const uint32_t t = header->type_tag;
  if (!tag_is_object_kind(t)) return "bad type tag";
  if (tag != 0 && t != tag) return "an object of another kind";
  if (t == REML_TAG_BOOL && header->refcount != REML_RC_IMMORTAL) return "a Bool that is not one of the two Bools";
  return length_problem(p, t, size);
}

uint64_t reml_guard_checks(void) { return g_checks; }

/* Writes one warning line (`warning: ...`) to stderr. */
static void warn(const char* text) {
  char buf[256];
  int n = snprintf(buf, sizeof buf, "warning: %s\n", text);
  if (n < 0) return;
  reml_err_write(buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* The value of variable `name`: NULL when unset or empty. */
static const char* setting(const char* name) {
  const char* v = getenv(name);
  return v != NULL && *v != '\0' ? v : NULL;
}

/* A 0/1 switch; anything else warns and gives `fallback` (the safer state). */
static bool read_switch(const char* name, bool unset, bool fallback) {
  const char* v = setting(name);
  if (v == NULL) return unset;
  if (strcmp(v, "0") == 0) return false;
  if (strcmp(v, "1") == 0) return true;
  char text[160];
  snprintf(text, sizeof text, "%s=%.40s is not 0 or 1; taken as %d", name, v, fallback ? 1 : 0);
  warn(text);
  return fallback;
}

/* HAKO_FFI_GUARD_RATE_LG: a decimal 0..63; anything else warns and gives 0
 * (every call checked). */
static uint32_t read_rate_lg(void) {
  const char* v = setting("HAKO_FFI_GUARD_RATE_LG");
  if (v == NULL) return 0;
  char* end = NULL;
  unsigned long n = strtoul(v, &end, 10);
  if (*v >= '0' && *v <= '9' && *end == '\0' && n <= 63) return (uint32_t)n;
  char text[160];
  snprintf(text, sizeof text, "HAKO_FFI_GUARD_RATE_LG=%.40s is not a number from 0 to 63; taken as 0", v);
  warn(text);
  return 0;
}

void reml_guard_read_settings(void) {
  /* A misspelt switch errs on the side of checking and of stopping. */
  bool on = read_switch("HAKO_FFI_GUARD", false, true);
  uint32_t lg = read_rate_lg();
  g_failfast = read_switch("HAKO_FAILFAST", true, true);
  g_sample_mask = ((uint64_t)1 << lg) - 1;
  g_calls = 0;
  g_checks = 0;
  g_warned = false;
#if REML_GUARD_CODE
  reml_guard_enabled = on ? 1u : 0u;
#else
  if (on) warn("HAKO_FFI_GUARD=1 ignored: this runtime was built without guard code");
#endif
}

/* Reports a failed check of argument `arg` of `symbol`: the runtime error, or
 * the warning the first time under HAKO_FAILFAST=0. */
static void guard_failure(const char* symbol, const reml_loc_t* loc, const reml_guard_arg_t* arg,
                          const char* problem) {
  const char* what = arg->tag != 0 ? reml_tag_name(arg->tag) : "Hako value";
  if (g_failfast)
    reml_panic_at(loc, "HAKO_FFI_GUARD: %s: argument %u is not a live %s (0x%llx: %s)", symbol, (unsigned)arg->position,
                  what, (unsigned long long)arg->value, problem);
  if (g_warned) return;
  g_warned = true;
  char buf[512];
  int n = 0;
  if (loc != NULL)
    n = snprintf(buf, sizeof buf, "%s:%u:%u: ", loc->file != NULL ? loc->file : "<unknown>", (unsigned)loc->line,
                 (unsigned)loc->col);
  if (n < 0) n = 0;
  int m = snprintf(buf + n, sizeof buf - (size_t)n,
                   "warning: HAKO_FFI_GUARD: %s: argument %u is not a live %s (0x%llx: %s); the call returns Void "
                   "(later failures are not reported)\n",
                   symbol, (unsigned)arg->position, what, (unsigned long long)arg->value, problem);
  if (m < 0) m = 0;
  size_t len = (size_t)n + (size_t)m;
  if (len >= sizeof buf) {
    len = sizeof buf - 1;
    buf[len - 1] = '\n';
  }
  reml_err_write(buf, len);
}

__attribute__((cold, noinline)) bool reml_guard_call(const char* symbol, const reml_loc_t* loc,
                                                      const reml_guard_arg_t* args, size_t n) {
  if ((++g_calls & g_sample_mask) != 0) return true;
  g_checks++;
  for (size_t i = 0; i < n; i++) {
    const char* problem = reml_guard_problem(args[i].value, args[i].tag);
    if (problem != NULL) {
      guard_failure(symbol, loc, &args[i], problem);
      return false;
    }
  }
  return true;
}
