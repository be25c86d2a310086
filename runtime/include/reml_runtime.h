/*
 * reml_runtime.h — the one public header of the hakoc runtime.
 *
 * Every heap object of a Hako program (strings, arrays, maps, user-box
 * instances, boxed numbers) is allocated here, by the VM and by native code
 * alike, so both share one object model.
 *
 * Conventions
 *  - Objects: `mem_alloc` returns a pointer to an 8-aligned payload preceded by
 *    an 8-byte `reml_object_header_t`. Object pointers always point at the
 *    payload.
 *  - Values of statically unknown kind travel as a `reml_handle_t` (one 64-bit
 *    word, see "Handles").
 *  - Ownership is spelled at every pointer or handle in a signature:
 *      REML_OWN  — an owned reference: the callee consumes it (argument) or the
 *                  caller receives it (result) and must release it once.
 *      REML_BOR  — a borrowed reference: valid for the duration of the call,
 *                  the callee retains it if it keeps it.
 *    Unless marked otherwise, arguments are borrowed and results are owned.
 *  - Fallible entry points take `const reml_loc_t* loc` last: the source
 *    location reported if they raise a runtime error.
 *  - User errors (`reml_panic_at`, `panic`) print a message and exit(1);
 *    broken runtime invariants go through `reml_internal_error` (exit 70).
 */
#ifndef REML_RUNTIME_H
#define REML_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Runtime version: major * 10000 + minor * 100 + patch. */
#define REML_RUNTIME_VERSION 100

/* Ownership annotations (documentation only; see the conventions above). */
#define REML_OWN
#define REML_BOR

#if defined(__GNUC__) || defined(__clang__)
#define REML_NORETURN __attribute__((noreturn))
#define REML_INLINE static inline __attribute__((always_inline))
#define REML_LIKELY(x) __builtin_expect(!!(x), 1)
#define REML_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define REML_NORETURN
#define REML_INLINE static inline
#define REML_LIKELY(x) (x)
#define REML_UNLIKELY(x) (x)
#endif

/* Atomic counts use the GCC/Clang __atomic builtins (valid in C and C++). */
#if defined(REML_RC_ATOMIC) && !(defined(__GNUC__) || defined(__clang__))
#error "REML_RC_ATOMIC needs GCC or Clang"
#endif

/* ------------------------------------------------------------------------- */
/* Object header and type tags                                                */
/* ------------------------------------------------------------------------- */

/* The header that precedes every object payload. */
typedef struct reml_object_header {
  uint32_t refcount; /* strong references; REML_RC_IMMORTAL never changes */
  uint32_t type_tag; /* a REML_TAG_* value, or REML_TAG_USER_BASE + box index */
} reml_object_header_t;

/* Refcount of objects that are never freed (literals, true/false). */
#define REML_RC_IMMORTAL UINT32_MAX

/* The header of the object whose payload starts at `ptr`. */
#define REML_GET_HEADER(ptr) \
  ((reml_object_header_t*)((char*)(ptr) - sizeof(reml_object_header_t)))

/* Built-in object kinds. User boxes take REML_TAG_USER_BASE + their index in
 * the table given to `reml_register_box_types`. */
typedef enum reml_type_tag {
  REML_TAG_RAW = 0,     /* plain memory from mem_alloc, no destructor */
  REML_TAG_STRING = 1,  /* reml_string_t */
  REML_TAG_INT = 2,     /* reml_int_box_t: an Int outside the small range */
  REML_TAG_FLOAT = 3,   /* reml_float_box_t */
  REML_TAG_BOOL = 4,    /* reml_bool_box_t (only the two immortal objects) */
  REML_TAG_ARRAY = 5,   /* reml_array_t (ArrayBox) */
  REML_TAG_MAP = 6,     /* reml_map_t (MapBox) */
  REML_TAG_CONSOLE = 7, /* ConsoleBox (empty payload) */
  REML_TAG_WEAK = 8,    /* reml_weak_cell_t: the WeakRef cell of one box */
  REML_TAG_PTR = 9,     /* reml_ptr_box_t: a C pointer value (docs/ffi.md "Pointers") */
  REML_TAG_USER_BASE = 16
} reml_type_tag_t;

/* A source location for runtime errors. `file` is NUL-terminated. */
typedef struct reml_loc {
  const char* file;
  uint32_t line;
  uint32_t col;
} reml_loc_t;

/* ------------------------------------------------------------------------- */
/* Seed API: memory, reference counting, panic                                */
/* ------------------------------------------------------------------------- */

/* Allocates `size` payload bytes (8-aligned) behind a header with refcount 1
 * and tag REML_TAG_RAW. Never returns NULL: exhaustion is an internal error. */
REML_OWN void* mem_alloc(size_t size);

/* Frees an object obtained from mem_alloc without running its destructor.
 * NULL and immortal objects are ignored. */
void mem_free(REML_OWN void* ptr);

/* Adds a strong reference. NULL and immortal objects are ignored. */
void inc_ref(REML_BOR void* ptr);

/* Drops a strong reference; at zero runs the destructor for its tag (which
 * releases what the object holds) and frees it. NULL and immortal objects are
 * ignored. */
void dec_ref(REML_OWN void* ptr);

/* Writes `msg` (`len` bytes; a NUL-terminated string when len < 0) and a
 * newline to stderr after flushing stdout, then exits with status 1. This is
 * the one exit path of every user-visible runtime error. */
REML_NORETURN void panic(const char* msg, int64_t len);

/* Writes a decimal Int and a newline to stdout. */
void print_i64(int64_t value);

/* Sets / reads the type tag of the object at `ptr`. */
void reml_set_type_tag(void* ptr, uint32_t tag);
uint32_t reml_get_type_tag(const void* ptr);

/* Allocates an object of `size` payload bytes with `tag` and refcount 1. */
REML_OWN void* reml_alloc_object(size_t size, uint32_t tag);

/* Allocation statistics, for tests and the leak report (immortal objects are
 * never freed and so are not counted). */
typedef struct reml_alloc_stats {
  uint64_t allocations; /* objects allocated since start */
  uint64_t frees;       /* objects freed since start */
} reml_alloc_stats_t;
reml_alloc_stats_t reml_alloc_stats(void);

/* ------------------------------------------------------------------------- */
/* Errors and process lifetime                                                */
/* ------------------------------------------------------------------------- */

/* Reports the runtime error `file:line:col: runtime error: <message>` (the
 * message formatted printf-style) through `panic`. With a NULL loc the prefix
 * is `runtime error: `. */
REML_NORETURN void reml_panic_at(const reml_loc_t* loc, const char* fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The runtime error `Stack overflow` at `loc` (NULL: no location), raised
 * by the VM and by native code when a call would exceed the stack. */
REML_NORETURN void reml_stack_overflow(const reml_loc_t* loc);

/* A broken runtime invariant (a bug in hakoc, not in the user's program):
 * prints `internal runtime error: <message>` and exits with status 70. */
REML_NORETURN void reml_internal_error(const char* fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Initialises the runtime (stdout buffer, immortal objects). Idempotent. */
void reml_runtime_init(void);

/* Flushes stdout. Called before any write to stderr and at exit. */
void reml_flush_stdout(void);

/* The size in bytes of the calling thread's stack: the soft limit on POSIX
 * systems (INT64_MAX when unlimited), the reserved size on Windows; 0 when
 * unknown. Native code's main sizes the stack-overflow check from it. */
int64_t reml_stack_size(void);

/* Flushes and exits the process with `status`. */
REML_NORETURN void reml_exit(int status);

/* ------------------------------------------------------------------------- */
/* Runtime guards (docs/guards.md)                                            */
/* ------------------------------------------------------------------------- */

/* Reads HAKO_FFI_GUARD, HAKO_FFI_GUARD_RATE_LG and HAKO_FAILFAST from the
 * environment and starts counting afresh (sampling counter, checks, the
 * once-only warning). reml_runtime_init calls it once at start-up and the
 * runtime never calls it again; the unit tests call it after changing the
 * environment. */
void reml_guard_read_settings(void);

/* Why `h` is not a live Hako value, or NULL when it is one: Void, a small
 * Int, or an 8-aligned pointer whose header has a nonzero count and the tag
 * of a real object kind (a registered user box included), with lengths in
 * range and, in debug mode, a live allocation record. A nonzero `tag` also
 * requires an object of that kind (for receivers passed as object
 * pointers). It reads the memory `h` points at, so it only recognises bad
 * handles that point at readable memory. */
const char* reml_guard_problem(uint64_t h, uint32_t tag);

/* The number of guarded calls checked since the settings were read (with
 * HAKO_FFI_GUARD_RATE_LG=N one call in 2^N is). */
uint64_t reml_guard_checks(void);

/* ------------------------------------------------------------------------- */
/* Handles: values of statically unknown kind                                 */
/* ------------------------------------------------------------------------- */

/* One 64-bit word:
 *   0                         Void (null)
 *   (v << 1) | 1              an Int v with -2^62 <= v < 2^62 ("small Int")
 *   otherwise                 a pointer to an object payload (8-aligned):
 *                             String, boxed Int/Float/Bool, ArrayBox, MapBox,
 *                             ConsoleBox, WeakRef, a C pointer value or a
 *                             user-box instance. */
typedef uint64_t reml_handle_t;

#define REML_VOID ((reml_handle_t)0)
#define REML_SMALL_INT_MIN (-((int64_t)1 << 62))
#define REML_SMALL_INT_MAX (((int64_t)1 << 62) - 1)

/* Whether `h` is a small Int. */
REML_INLINE int reml_h_is_small_int(reml_handle_t h) { return (int)(h & 1u); }
/* Whether `h` points at an object. */
REML_INLINE int reml_h_is_object(reml_handle_t h) { return h != 0 && (h & 1u) == 0; }
/* The object pointer of an object handle. */
REML_INLINE void* reml_h_ptr(reml_handle_t h) { return (void*)(uintptr_t)h; }
/* The handle of an object pointer (NULL gives Void). */
REML_INLINE reml_handle_t reml_h_from_ptr(void* p) { return (reml_handle_t)(uintptr_t)p; }
/* The type tag of `h`: REML_TAG_INT for small Ints, 0 for Void. */
REML_INLINE uint32_t reml_h_tag(reml_handle_t h) {
  if (h & 1u) return REML_TAG_INT;
  if (h == 0) return 0;
  return REML_GET_HEADER(reml_h_ptr(h))->type_tag;
}

/* The slow path of dec_ref: runs the destructor of an object whose count
 * reached zero (releasing what it holds, without recursing on the C stack)
 * and frees it. Only for a live, non-immortal object whose last reference is
 * being dropped. */
void reml_rc_destroy(REML_OWN void* ptr);

/* With REML_RC_ATOMIC defined (the CMake option HAKO_RC_ATOMIC) counts are
 * changed with atomic read-modify-write operations: a relaxed increment (a
 * new reference orders nothing) and an acquire-release decrement, so the
 * thread that drops the last reference sees every write made through the
 * others before it destroys the object. Without it they are plain loads and
 * stores. Either way the runtime itself is single-threaded (see
 * docs/runtime.md); the option only prepares the counts. */

/* The common case of inc_ref, inline (inc_ref itself is this function): NULL
 * and immortal objects are ignored; a count that would reach the immortal
 * value simply becomes immortal, trading a leak for the impossibility of a
 * use after free. */
REML_INLINE void reml_inc_ref_inline(REML_BOR void* ptr) {
  if (ptr == NULL) return;
  reml_object_header_t* h = REML_GET_HEADER(ptr);
#ifdef REML_RC_ATOMIC
  if (__atomic_load_n(&h->refcount, __ATOMIC_RELAXED) != REML_RC_IMMORTAL)
    __atomic_fetch_add(&h->refcount, 1u, __ATOMIC_RELAXED);
#else
  if (h->refcount != REML_RC_IMMORTAL) h->refcount++;
#endif
}

/* The common case of dec_ref, inline (dec_ref itself is this function): NULL
 * and immortal objects are ignored; the last reference goes to the
 * out-of-line reml_rc_destroy. */
REML_INLINE void reml_dec_ref_inline(REML_OWN void* ptr) {
  if (ptr == NULL) return;
  reml_object_header_t* h = REML_GET_HEADER(ptr);
#ifdef REML_RC_ATOMIC
  if (__atomic_load_n(&h->refcount, __ATOMIC_RELAXED) == REML_RC_IMMORTAL) return;
  uint32_t old = __atomic_fetch_sub(&h->refcount, 1u, __ATOMIC_ACQ_REL);
  if (REML_UNLIKELY(old <= 1)) {
    /* The last reference (or a dead object): no other owner is left, so the
     * count goes back to what reml_rc_destroy checks (1, or 0 for dead). */
    __atomic_store_n(&h->refcount, old, __ATOMIC_RELAXED);
    reml_rc_destroy(ptr);
  }
#else
  if (h->refcount == REML_RC_IMMORTAL) return;
  if (REML_UNLIKELY(h->refcount <= 1)) {
    reml_rc_destroy(ptr);
    return;
  }
  h->refcount--;
#endif
}

/* Retains / releases the object behind a handle; Void and small Ints are
 * ignored. */
REML_INLINE void reml_h_retain(REML_BOR reml_handle_t h) {
  if (reml_h_is_object(h)) reml_inc_ref_inline(reml_h_ptr(h));
}
REML_INLINE void reml_h_release(REML_OWN reml_handle_t h) {
  if (reml_h_is_object(h)) reml_dec_ref_inline(reml_h_ptr(h));
}

/* Boxing: Int, Float and Bool into handles. Ints outside the small range and
 * all Floats allocate; Bools are the two immortal objects. */
REML_OWN reml_handle_t reml_box_i64_slow(int64_t v);
REML_INLINE REML_OWN reml_handle_t reml_box_i64(int64_t v) {
  if (REML_LIKELY(v >= REML_SMALL_INT_MIN && v <= REML_SMALL_INT_MAX))
    return ((uint64_t)v << 1) | 1u;
  return reml_box_i64_slow(v);
}
REML_OWN reml_handle_t reml_box_f64(double v);
REML_OWN reml_handle_t reml_box_bool(int64_t b);

/* The two Bool objects: constant and immortal, every Bool handle points at
 * the payload of one of them. fast_paths.c defines them, so -O2 code, which
 * links that file's bitcode, sees their immortal counts and drops the
 * counting of a value it knows is a Bool (docs/codegen.md, "Bool"). */
typedef struct reml_bool_object {
  reml_object_header_t header;
  int64_t value; /* the payload, a reml_bool_box_t: 0 or 1 */
} reml_bool_object_t;
extern const reml_bool_object_t reml_bool_false_object;
extern const reml_bool_object_t reml_bool_true_object;
/* The handles of false and true. */
#define REML_FALSE ((reml_handle_t)(uintptr_t)&reml_bool_false_object.value)
#define REML_TRUE ((reml_handle_t)(uintptr_t)&reml_bool_true_object.value)
/* reml_box_bool's body: a choice between the two constants. */
REML_INLINE REML_OWN reml_handle_t reml_box_bool_inline(int64_t b) { return b ? REML_TRUE : REML_FALSE; }
/* Whether `h` needs no reference counting: Void, a small Int or a Bool. */
REML_INLINE int reml_h_uncounted(reml_handle_t h) {
  return (h & 1u) != 0 || h == REML_VOID || h == REML_TRUE || h == REML_FALSE;
}

/* Unboxing with a kind check: a handle of another kind is the runtime error
 * `Type error: expected <Kind>, got <Kind>`. */
int64_t reml_unbox_i64_slow(REML_BOR reml_handle_t h, const reml_loc_t* loc);
REML_INLINE int64_t reml_unbox_i64(REML_BOR reml_handle_t h, const reml_loc_t* loc) {
  if (REML_LIKELY(h & 1u)) return (int64_t)h >> 1;
  return reml_unbox_i64_slow(h, loc);
}
double reml_unbox_f64(REML_BOR reml_handle_t h, const reml_loc_t* loc);
int64_t reml_unbox_bool(REML_BOR reml_handle_t h, const reml_loc_t* loc);
/* Checks that `h` is Void (an unbox to Void); anything else is the runtime
 * error `Type error: expected Void, got <Kind>`. */
void reml_unbox_void(REML_BOR reml_handle_t h, const reml_loc_t* loc);
/* Returns the object pointer when `h` is an object with `tag`; for String,
 * ArrayBox, MapBox, ConsoleBox and user boxes. Void or another kind is the
 * runtime error `Type error: expected <Name>, got <Kind>`. */
REML_BOR void* reml_unbox_object(REML_BOR reml_handle_t h, uint32_t tag, const reml_loc_t* loc);
/* The Int in `h` for C callers that cannot raise a Hako error (seed 003):
 * sets *ok to 1 and returns the value for an Int, and for a Float its
 * toInteger() (truncated toward zero, saturating, NaN gives 0); sets *ok to 0
 * and returns 0 for any other kind, Void included. `ok` may not be NULL. */
int64_t nyash_unbox_i64(REML_BOR reml_handle_t h, int* ok);

/* The kind name of a value for messages: "Void", "Int", "Float", "Bool",
 * "String", "ArrayBox", "MapBox", "ConsoleBox", "WeakRef", a pointer's type
 * name ("MutPtr<u8>") or the user box's name. */
const char* reml_h_kind_name(REML_BOR reml_handle_t h);

/* ------------------------------------------------------------------------- */
/* C pointer values (docs/ffi.md "Pointers")                                  */
/* ------------------------------------------------------------------------- */

/* A pointer a C function returned travels in Hako as an object of tag
 * REML_TAG_PTR: the address and the static description of its C type. Hako
 * code never dereferences it; it prints it, compares it by address, stores it
 * and passes it back to C. */

/* Pointer flavours: Ptr<T>, MutPtr<T> and NonNullPtr<T>. */
#define REML_PTR_CONST 0u
#define REML_PTR_MUT 1u
#define REML_PTR_NONNULL 2u

/* The static description of a C pointer type, emitted by the compiler and
 * living as long as the program. */
typedef struct reml_ptr_type {
  const char* name;    /* as written in Hako: "MutPtr<u8>" */
  const char* pointee; /* the pointee's canonical spelling: "u8", "void", "Ptr<i32>", "FnPtr<(i32) -> i32>" */
  uint32_t flavour;    /* REML_PTR_CONST (Ptr), REML_PTR_MUT (MutPtr), REML_PTR_NONNULL (NonNullPtr) */
} reml_ptr_type_t;

/* The payload of a REML_TAG_PTR object. It holds no Hako reference, so its
 * destructor has nothing to release. */
typedef struct reml_ptr_box {
  void* addr;                  /* the C address, NULL for a null pointer */
  const reml_ptr_type_t* type; /* its type, never NULL */
} reml_ptr_box_t;

/* Whether two NUL-terminated spellings are equal (kept here, not in
 * <string.h>, so the inline rule below stands on its own). */
REML_INLINE int reml_ptr_spelling_eq(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) {
    a++;
    b++;
  }
  return *a == *b;
}

/* Whether a pointer of type `from` may be passed where `to` is expected: the
 * flavour of `to` accepts that of `from` (Ptr and NonNullPtr accept all
 * three, MutPtr accepts MutPtr and NonNullPtr; the null check of NonNullPtr
 * is separate) and the pointees are the same spelling or either is "void".
 * Pure: the compiler's checks call it as well as the runtime. */
REML_INLINE int reml_ptr_accepts(const reml_ptr_type_t* to, const reml_ptr_type_t* from) {
  if (to == NULL || from == NULL || to->flavour > REML_PTR_NONNULL || from->flavour > REML_PTR_NONNULL) return 0;
  if (to->flavour == REML_PTR_MUT && from->flavour == REML_PTR_CONST) return 0;
  return reml_ptr_spelling_eq(to->pointee, from->pointee) || reml_ptr_spelling_eq(to->pointee, "void") ||
         reml_ptr_spelling_eq(from->pointee, "void");
}

/* A new pointer value of `type` holding `addr` (a null `addr` too). `type`
 * must outlive the value. */
REML_OWN reml_handle_t reml_ptr_box_new(void* addr, const reml_ptr_type_t* type);

/* The address in `h`, for a C argument of type `expected`: `h` must be a
 * pointer value whose type `expected` accepts (reml_ptr_accepts), or Void,
 * which gives NULL. Anything else is the runtime error `Type error: expected
 * <expected name>, got <Kind>` (a pointer's kind is its type name). For a
 * NonNullPtr `expected`, Void or a null address is `Type error: expected
 * NonNullPtr<u8>, got a null pointer`. */
void* reml_ptr_unbox(REML_BOR reml_handle_t h, const reml_ptr_type_t* expected, const reml_loc_t* loc);

/* Whether `h` is a pointer value holding NULL (which `==` finds equal to
 * Void). */
REML_INLINE int reml_h_is_null_ptr(reml_handle_t h) {
  return reml_h_is_object(h) && REML_GET_HEADER(reml_h_ptr(h))->type_tag == REML_TAG_PTR &&
         ((const reml_ptr_box_t*)reml_h_ptr(h))->addr == NULL;
}

/* Truthiness (§5): Bool, Int != 0, Float != 0.0, non-empty String. Void is
 * `Type error: Void in boolean context`; other boxes are
 * `Type error: <Kind> in boolean context`. */
int64_t reml_h_truthy(REML_BOR reml_handle_t h, const reml_loc_t* loc);

/* Dynamic operators for handles (§5), each result owned. Type errors read
 * `Type error: cannot apply '<op>' to <Kind> and <Kind>`. */
REML_OWN reml_handle_t reml_dyn_add(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
REML_OWN reml_handle_t reml_dyn_sub(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
REML_OWN reml_handle_t reml_dyn_mul(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
REML_OWN reml_handle_t reml_dyn_div(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
REML_OWN reml_handle_t reml_dyn_mod(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
REML_OWN reml_handle_t reml_dyn_neg(REML_BOR reml_handle_t a, const reml_loc_t* loc);
/* Bitwise operators and shifts: Int only; shift counts are taken modulo 64. */
REML_OWN reml_handle_t reml_dyn_bitand(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
REML_OWN reml_handle_t reml_dyn_bitor(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
REML_OWN reml_handle_t reml_dyn_bitxor(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
REML_OWN reml_handle_t reml_dyn_shl(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
REML_OWN reml_handle_t reml_dyn_shr(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
REML_OWN reml_handle_t reml_dyn_bitnot(REML_BOR reml_handle_t a, const reml_loc_t* loc);
/* Comparisons return 0 or 1. `==` never fails (mixed kinds are unequal;
 * pointer values compare by address whatever their types, and one holding
 * NULL equals Void). */
int64_t reml_dyn_eq(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b);
int64_t reml_dyn_lt(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
int64_t reml_dyn_le(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
int64_t reml_dyn_gt(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
int64_t reml_dyn_ge(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);

/* Inline fast paths of the dynamic operators (the hot path of `x + 1` on a
 * field or an array element): two small Ints are computed here, anything
 * else (Floats, Strings, boxed Ints, an Int result that overflows int64_t,
 * type errors) goes to the out-of-line reml_dyn_* function, which stays the
 * one definition of the operator's meaning. A result outside the small range
 * is boxed by reml_box_i64. Small Ints lie in [-2^62, 2^62), so `+` and `-`
 * never overflow int64_t and `/` never divides INT64_MIN by -1; the overflow
 * checks are what keep `*` exact (its wrapping is the slow path's). */
#if defined(__GNUC__) || defined(__clang__)
#define REML_ADD_OVERFLOW(a, b, r) __builtin_add_overflow(a, b, r)
#define REML_SUB_OVERFLOW(a, b, r) __builtin_sub_overflow(a, b, r)
#define REML_MUL_OVERFLOW(a, b, r) __builtin_mul_overflow(a, b, r)
#else
/* Without the builtins every Int result takes the out-of-line path. */
#define REML_ADD_OVERFLOW(a, b, r) (*(r) = 0, 1)
#define REML_SUB_OVERFLOW(a, b, r) (*(r) = 0, 1)
#define REML_MUL_OVERFLOW(a, b, r) (*(r) = 0, 1)
#endif

/* Whether both handles are small Ints (the tag bit set in each). */
REML_INLINE int reml_h_both_small(reml_handle_t a, reml_handle_t b) { return (int)(a & b & 1u); }
/* The value of a small Int handle. */
REML_INLINE int64_t reml_h_small_value(reml_handle_t h) { return (int64_t)h >> 1; }

/* reml_dyn_add with the small-Int case inline. */
REML_INLINE REML_OWN reml_handle_t reml_dyn_add_fast(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b,
                                                      const reml_loc_t* loc) {
  int64_t r;
  if (REML_LIKELY(reml_h_both_small(a, b)) &&
      !REML_ADD_OVERFLOW(reml_h_small_value(a), reml_h_small_value(b), &r))
    return reml_box_i64(r);
  return reml_dyn_add(a, b, loc);
}
/* reml_dyn_sub with the small-Int case inline. */
REML_INLINE REML_OWN reml_handle_t reml_dyn_sub_fast(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b,
                                                      const reml_loc_t* loc) {
  int64_t r;
  if (REML_LIKELY(reml_h_both_small(a, b)) &&
      !REML_SUB_OVERFLOW(reml_h_small_value(a), reml_h_small_value(b), &r))
    return reml_box_i64(r);
  return reml_dyn_sub(a, b, loc);
}
/* reml_dyn_mul with the small-Int case inline; an int64_t overflow wraps in
 * the slow path. */
REML_INLINE REML_OWN reml_handle_t reml_dyn_mul_fast(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b,
                                                      const reml_loc_t* loc) {
  int64_t r;
  if (REML_LIKELY(reml_h_both_small(a, b)) &&
      !REML_MUL_OVERFLOW(reml_h_small_value(a), reml_h_small_value(b), &r))
    return reml_box_i64(r);
  return reml_dyn_mul(a, b, loc);
}
/* reml_dyn_div with the small-Int case inline; a zero divisor (the word 1)
 * takes the slow path, which reports it. */
REML_INLINE REML_OWN reml_handle_t reml_dyn_div_fast(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b,
                                                      const reml_loc_t* loc) {
  if (REML_LIKELY(reml_h_both_small(a, b) && b != 1u))
    return reml_box_i64(reml_h_small_value(a) / reml_h_small_value(b));
  return reml_dyn_div(a, b, loc);
}
/* reml_dyn_mod with the small-Int case inline (C's `%`: the sign of the
 * dividend); a zero divisor takes the slow path. */
REML_INLINE REML_OWN reml_handle_t reml_dyn_mod_fast(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b,
                                                      const reml_loc_t* loc) {
  if (REML_LIKELY(reml_h_both_small(a, b) && b != 1u))
    return reml_box_i64(reml_h_small_value(a) % reml_h_small_value(b));
  return reml_dyn_mod(a, b, loc);
}

/* Ordering of two small Ints: the tagged words `(v << 1) | 1` order as the
 * values do, so they are compared as they are. */
/* reml_dyn_lt with the small-Int case inline. */
REML_INLINE int64_t reml_dyn_lt_fast(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc) {
  if (REML_LIKELY(reml_h_both_small(a, b))) return (int64_t)a < (int64_t)b;
  return reml_dyn_lt(a, b, loc);
}
/* reml_dyn_le with the small-Int case inline. */
REML_INLINE int64_t reml_dyn_le_fast(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc) {
  if (REML_LIKELY(reml_h_both_small(a, b))) return (int64_t)a <= (int64_t)b;
  return reml_dyn_le(a, b, loc);
}
/* reml_dyn_gt with the small-Int case inline. */
REML_INLINE int64_t reml_dyn_gt_fast(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc) {
  if (REML_LIKELY(reml_h_both_small(a, b))) return (int64_t)a > (int64_t)b;
  return reml_dyn_gt(a, b, loc);
}
/* reml_dyn_ge with the small-Int case inline. */
REML_INLINE int64_t reml_dyn_ge_fast(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc) {
  if (REML_LIKELY(reml_h_both_small(a, b))) return (int64_t)a >= (int64_t)b;
  return reml_dyn_ge(a, b, loc);
}
/* reml_dyn_eq with the small-Int and Void cases inline: two small Ints are
 * equal exactly when their words are, and Void equals only Void and a null
 * pointer value (`p == null`). With one side Void, `a | b` is the other. */
REML_INLINE int64_t reml_dyn_eq_fast(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b) {
  if (REML_LIKELY(reml_h_both_small(a, b))) return a == b;
  if (a == REML_VOID || b == REML_VOID) return a == b || reml_h_is_null_ptr(a | b);
  return reml_dyn_eq(a, b);
}
/* `!=`: the negation of reml_dyn_eq_fast. */
REML_INLINE int64_t reml_dyn_ne_fast(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b) {
  return !reml_dyn_eq_fast(a, b);
}
/* reml_h_truthy with the small-Int and Bool cases inline (the small Int 0 is
 * the word 1; a Bool is one of two addresses); every other kind, and the
 * errors, are the out-of-line function's. */
REML_INLINE int64_t reml_h_truthy_fast(REML_BOR reml_handle_t h, const reml_loc_t* loc) {
  if (REML_LIKELY(reml_h_is_small_int(h))) return h != 1u;
  if (h == REML_TRUE) return 1;
  if (h == REML_FALSE) return 0;
  return reml_h_truthy(h, loc);
}

/* Int arithmetic with the checks of §5: division or remainder by zero is the
 * runtime error `Division by zero`; INT64_MIN / -1 is INT64_MIN, % -1 is 0. */
int64_t reml_i64_div(int64_t a, int64_t b, const reml_loc_t* loc);
int64_t reml_i64_mod(int64_t a, int64_t b, const reml_loc_t* loc);
/* Float remainder (fmod: sign of the dividend). */
double reml_f64_mod(double a, double b);
/* Float to Int for toInteger(): truncation toward zero, saturating at the
 * Int range, NaN gives 0. */
int64_t reml_f64_to_i64(double v);
/* `==` between an Int and a Float: true only when the float is integral and
 * exactly equal. */
int64_t reml_eq_i64_f64(int64_t a, double b);

/* ------------------------------------------------------------------------- */
/* Debug mode: allocation tracking, double-free detection and the leak report */
/* ------------------------------------------------------------------------- */

/* Turns tracking on. Tracking is decided once, before the first counted
 * allocation: returns 1 when it is on (now or already), 0 when objects were
 * allocated before (nothing changes then). reml_runtime_init calls it when
 * the environment has REML_LEAK_CHECK=1. */
int reml_debug_enable(void);

/* Whether tracking is on. */
int reml_debug_enabled(void);

/* The number of tracked objects alive now (0 when tracking is off). */
uint64_t reml_live_objects(void);

/* When tracking is on: flushes stdout, writes the leak report on stderr
 * (live objects by type, one line per strong-cycle shape, and always last
 * `leak-check: N objects live at exit`) and returns N. Otherwise returns 0
 * and writes nothing. */
uint64_t reml_leak_report(void);

/* Whether releasing what a finished program still holds (its globals, main's
 * argument and result) serves anything: 1 when tracking is on (the leak
 * report counts what is left) or a leak checker watches the process
 * (Valgrind, or a runtime built with AddressSanitizer); 0 otherwise, when
 * the process's exit reclaims the memory for free. Releasing has no visible
 * effect either way: memory reclamation never runs fini() (hako-core §8). */
int reml_exit_teardown_needed(void);

/* The normal end of a run: releases the `count` handles of `globals` (the
 * program's static-box fields; each slot is set to Void first) when
 * reml_exit_teardown_needed() (else leaves them as they are), flushes
 * stdout, writes the leak report when tracking is on and returns `status`
 * unchanged. Runtime errors exit without it, so they print no report. */
int reml_finish(REML_OWN reml_handle_t* globals, uint32_t count, int status);

/* ------------------------------------------------------------------------- */
/* Strings (immutable UTF-8; lengths and indices are in bytes)                */
/* ------------------------------------------------------------------------- */

typedef struct reml_string {
  int64_t len;  /* bytes, not counting the trailing NUL */
  char data[];  /* len bytes followed by a NUL */
} reml_string_t;

/* A new string holding a copy of `len` bytes. */
REML_OWN reml_string_t* reml_str_new(const char* bytes, int64_t len);
/* A string that is never freed (literals). */
REML_OWN reml_string_t* reml_str_new_immortal(const char* bytes, int64_t len);

/* Formatting as by toString() / print (§6). */
REML_OWN reml_string_t* reml_i64_to_string(int64_t v);
REML_OWN reml_string_t* reml_f64_to_string(double v);
REML_OWN reml_string_t* reml_bool_to_string(int64_t b);
/* Any value; user boxes with toString() go through the to-string hook. */
REML_OWN reml_string_t* reml_h_to_string(REML_BOR reml_handle_t h);
/* Writes the shortest round-trip text of `v` (§6) into `buf` (at least 32
 * bytes) and returns its length. */
int reml_format_f64(double v, char* buf);

int64_t reml_str_len(REML_BOR const reml_string_t* s);
REML_OWN reml_string_t* reml_str_concat(REML_BOR const reml_string_t* a, REML_BOR const reml_string_t* b);
/* `a + v` for an Int `v`: the same string as reml_str_concat(a,
 * reml_i64_to_string(v)), with the digits written straight into the result
 * (one allocation instead of two). */
REML_OWN reml_string_t* reml_str_concat_i64(REML_BOR const reml_string_t* a, int64_t v);
/* `v + b` for an Int `v`, as reml_str_concat_i64 with the operands swapped. */
REML_OWN reml_string_t* reml_i64_concat_str(int64_t v, REML_BOR const reml_string_t* b);
/* `a + v` for a Float `v`, formatted as reml_f64_to_string, in one allocation. */
REML_OWN reml_string_t* reml_str_concat_f64(REML_BOR const reml_string_t* a, double v);
/* `v + b` for a Float `v`, as reml_str_concat_f64 with the operands swapped. */
REML_OWN reml_string_t* reml_f64_concat_str(double v, REML_BOR const reml_string_t* b);
int64_t reml_str_eq(REML_BOR const reml_string_t* a, REML_BOR const reml_string_t* b);
/* Bytewise three-way comparison: negative, zero or positive. */
int64_t reml_str_cmp(REML_BOR const reml_string_t* a, REML_BOR const reml_string_t* b);
REML_OWN reml_string_t* reml_str_substring(REML_BOR const reml_string_t* s, int64_t a, int64_t b);
REML_OWN reml_string_t* reml_str_substring_from(REML_BOR const reml_string_t* s, int64_t a);
int64_t reml_str_index_of(REML_BOR const reml_string_t* s, REML_BOR const reml_string_t* t);
int64_t reml_str_index_of_from(REML_BOR const reml_string_t* s, REML_BOR const reml_string_t* t, int64_t from);
int64_t reml_str_last_index_of(REML_BOR const reml_string_t* s, REML_BOR const reml_string_t* t);
int64_t reml_str_contains(REML_BOR const reml_string_t* s, REML_BOR const reml_string_t* t);
int64_t reml_str_starts_with(REML_BOR const reml_string_t* s, REML_BOR const reml_string_t* t);
int64_t reml_str_ends_with(REML_BOR const reml_string_t* s, REML_BOR const reml_string_t* t);
REML_OWN reml_string_t* reml_str_replace(REML_BOR const reml_string_t* s, REML_BOR const reml_string_t* from, REML_BOR const reml_string_t* to);
REML_OWN reml_string_t* reml_str_trim(REML_BOR const reml_string_t* s);
REML_OWN reml_string_t* reml_str_to_upper(REML_BOR const reml_string_t* s);
REML_OWN reml_string_t* reml_str_to_lower(REML_BOR const reml_string_t* s);
/* ArrayBox of the pieces; an empty separator splits into single bytes. */
REML_OWN struct reml_array* reml_str_split(REML_BOR const reml_string_t* s, REML_BOR const reml_string_t* sep);
/* A one-byte string, "" when `i` is out of range. */
REML_OWN reml_string_t* reml_str_char_at(REML_BOR const reml_string_t* s, int64_t i);
/* The Int (decimal, optional sign, surrounding blanks allowed) or Void. */
REML_OWN reml_handle_t reml_str_to_integer(REML_BOR const reml_string_t* s);
/* The Float (any strtod syntax without hex, surrounding blanks allowed) or Void. */
REML_OWN reml_handle_t reml_str_to_float(REML_BOR const reml_string_t* s);

/* ------------------------------------------------------------------------- */
/* Boxed numbers                                                              */
/* ------------------------------------------------------------------------- */

typedef struct reml_int_box { int64_t value; } reml_int_box_t;
typedef struct reml_float_box { double value; } reml_float_box_t;
typedef struct reml_bool_box { int64_t value; } reml_bool_box_t;

/* ------------------------------------------------------------------------- */
/* ArrayBox                                                                   */
/* ------------------------------------------------------------------------- */

/* How an ArrayBox stores its elements (reml_array_t.kind; docs/runtime.md,
 * "ArrayBox"). */
typedef enum reml_array_kind {
  /* Only Bools, one byte each (0 or 1) in `items`: a new array starts so. */
  REML_ARRAY_BOOLS = 0,
  /* Handles, each uncounted (reml_h_uncounted): stores release nothing and
   * gets retain nothing. */
  REML_ARRAY_UNCOUNTED = 1,
  /* Handles, any of them possibly counted. */
  REML_ARRAY_COUNTED = 2
} reml_array_kind_t;

typedef struct reml_array {
  int64_t len;
  int64_t cap;
  /* The owned elements: handles, or bytes when kind is REML_ARRAY_BOOLS;
   * array_layout.h's array_at reads either. */
  reml_handle_t* items;
  struct reml_weak_cell* weak;  /* the array's WeakRef cell, or NULL (see WeakRef) */
  /* A reml_array_kind_t. It only moves forward (Bools to handles, uncounted
   * to counted), except that clear() keeps it; a distinct type from the
   * elements' so that the optimiser knows element stores leave it alone. */
  uint32_t kind;
} reml_array_t;

REML_OWN reml_array_t* reml_array_new(void);
int64_t reml_array_len(REML_BOR const reml_array_t* a);
void reml_array_push(REML_BOR reml_array_t* a, REML_BOR reml_handle_t v);
/* The last element (removed), or Void when empty. */
REML_OWN reml_handle_t reml_array_pop(REML_BOR reml_array_t* a);
/* Element `i`, or Void when out of range (negative included). */
REML_OWN reml_handle_t reml_array_get(REML_BOR const reml_array_t* a, int64_t i);
/* Sets element `i`; `i == len` appends; any other index outside [0, len] is
 * the runtime error `Index out of range: <i> (length <len>)`. */
void reml_array_set(REML_BOR reml_array_t* a, int64_t i, REML_BOR reml_handle_t v, const reml_loc_t* loc);
/* Inserts before `i` (0 <= i <= len, otherwise the same error as set). */
void reml_array_insert(REML_BOR reml_array_t* a, int64_t i, REML_BOR reml_handle_t v, const reml_loc_t* loc);
/* Removes and returns element `i`, or Void when out of range. */
REML_OWN reml_handle_t reml_array_remove(REML_BOR reml_array_t* a, int64_t i);
/* Membership and position by `==` (reml_dyn_eq); indexOf gives -1 when absent. */
int64_t reml_array_contains(REML_BOR const reml_array_t* a, REML_BOR reml_handle_t v);
int64_t reml_array_index_of(REML_BOR const reml_array_t* a, REML_BOR reml_handle_t v);
/* Elements as by toString() joined with `sep`. */
REML_OWN reml_string_t* reml_array_join(REML_BOR const reml_array_t* a, REML_BOR const reml_string_t* sep);
/* A new array of elements [a, b), both ends clamped to [0, len]. */
REML_OWN reml_array_t* reml_array_slice(REML_BOR const reml_array_t* a, int64_t from, int64_t to);
/* Reverses in place. */
void reml_array_reverse(REML_BOR reml_array_t* a);
/* Sorts in place, ascending and stable: all numbers (Int/Float mixed) or all
 * Strings; anything else is `Type error: cannot sort <Kind> and <Kind>`. */
void reml_array_sort(REML_BOR reml_array_t* a, const reml_loc_t* loc);
void reml_array_clear(REML_BOR reml_array_t* a);

/* ------------------------------------------------------------------------- */
/* MapBox (insertion ordered; keys are Int or String, 1 and "1" differ)       */
/* ------------------------------------------------------------------------- */

typedef struct reml_map reml_map_t;

REML_OWN reml_map_t* reml_map_new(void);
int64_t reml_map_size(REML_BOR const reml_map_t* m);
/* A key that is not an Int or String is the runtime error
 * `Type error: map key must be Int or String, got <Kind>`. */
void reml_map_set(REML_BOR reml_map_t* m, REML_BOR reml_handle_t key, REML_BOR reml_handle_t value, const reml_loc_t* loc);
/* The value, or Void when absent. */
REML_OWN reml_handle_t reml_map_get(REML_BOR const reml_map_t* m, REML_BOR reml_handle_t key, const reml_loc_t* loc);
int64_t reml_map_has(REML_BOR const reml_map_t* m, REML_BOR reml_handle_t key, const reml_loc_t* loc);
/* Removes the key; returns whether it was there. */
int64_t reml_map_delete(REML_BOR reml_map_t* m, REML_BOR reml_handle_t key, const reml_loc_t* loc);
/* Keys / values in insertion order, as a new ArrayBox. */
REML_OWN reml_array_t* reml_map_keys(REML_BOR const reml_map_t* m);
REML_OWN reml_array_t* reml_map_values(REML_BOR const reml_map_t* m);
void reml_map_clear(REML_BOR reml_map_t* m);

/* Typed entry points (seed 003's resolution table; docs/abi.md). The compiler
 * calls these when it knows the kinds of a key or value: an `int64_t` is an
 * Int passed untagged, a `reml_handle_t` any value. The map itself travels as
 * its object pointer, which is also its handle. Keys given as handles must be
 * Int or String (the compiler checks a key of unknown kind first, with
 * reml_map_check_key, so the error names the source location); values are
 * borrowed and retained by the map; results are owned. */
/* map.set(Int key, Int value). */
void nyash_map_set_h(REML_BOR reml_map_t* map, int64_t key, int64_t val);
/* map.set(key, value), both handles. */
void nyash_map_set_hh(REML_BOR reml_map_t* map, REML_BOR reml_handle_t key, REML_BOR reml_handle_t val);
/* map.set(Int key, value as a handle). */
void nyash_map_set_ha(REML_BOR reml_map_t* map, int64_t key, REML_BOR reml_handle_t val);
/* map.set(key as a handle, Int value). */
void nyash_map_set_ah(REML_BOR reml_map_t* map, REML_BOR reml_handle_t key, int64_t val);
/* map.get(Int key): the value, or Void when absent. */
REML_OWN reml_handle_t nyash_map_get_h(REML_BOR const reml_map_t* map, int64_t key);
/* map.get(key as a handle): the value, or Void when absent. */
REML_OWN reml_handle_t nyash_map_get_hh(REML_BOR const reml_map_t* map, REML_BOR reml_handle_t key);
/* map.has(Int key): 1 when the key is in the map, else 0. */
int64_t nyash_map_has_h(REML_BOR const reml_map_t* map, int64_t key);
/* Where the value of Int key `key` is stored, or NULL when the key is
 * absent: for callers that update a value in place (the VM's fused
 * `m.set(k, m.get(k) + c)`, docs/vm.md). The pointer is good until the map
 * next changes its keys; whoever stores through it keeps the reference
 * counts right. Unguarded. */
reml_handle_t* reml_map_int_value_slot(REML_BOR reml_map_t* map, int64_t key);
/* The runtime error `Type error: map key must be Int or String, got <Kind>`
 * unless `key` is an Int or a String. */
void reml_map_check_key(REML_BOR reml_handle_t key, const reml_loc_t* loc);

/* ------------------------------------------------------------------------- */
/* ConsoleBox and printing                                                    */
/* ------------------------------------------------------------------------- */

REML_OWN void* reml_console_new(void);
/* print / ConsoleBox.println / log: the value as by toString() and a newline
 * on stdout. */
void reml_print_str(REML_BOR const reml_string_t* s);
void reml_print_f64(double v);
void reml_print_bool(int64_t b);
void reml_print_h(REML_BOR reml_handle_t h);
/* ConsoleBox.warn / error: the value and a newline on stderr. */
void reml_eprint_h(REML_BOR reml_handle_t h);

/* ------------------------------------------------------------------------- */
/* User boxes                                                                 */
/* ------------------------------------------------------------------------- */

/* What the runtime knows about one user box type. */
typedef struct reml_box_type {
  const char* name;            /* the box name, for messages and toString */
  uint32_t field_count;
  const char* const* field_names;
  int has_to_string;           /* defines toString(): printed through the hook */
  const uint8_t* field_weak;   /* per field: 1 for a weak field (§7); NULL: none is */
  /* The instance methods, by name and arity (without the receiver), for the
   * message of a call with an arity the box lacks; NULL when count is 0. */
  uint32_t method_count;
  const char* const* method_names;
  const uint32_t* method_arities;
} reml_box_type_t;

/* An instance: `flags` (the lifetime state in bits 0-1, and the instance's
 * WeakRef cell pointer, 8-aligned, in the other bits; see WeakRef) then one
 * handle per field, all starting as Void. */
typedef struct reml_instance {
  uint64_t flags;
  reml_handle_t fields[];
} reml_instance_t;

/* Registers the program's user box types; type index i gets the tag
 * REML_TAG_USER_BASE + i. The table must outlive the program. */
void reml_register_box_types(const reml_box_type_t* types, uint32_t count);
/* The registered descriptor of a user tag, or NULL. */
const reml_box_type_t* reml_box_type_of_tag(uint32_t tag);

/* A new instance of user box `type_index`, every field Void. */
REML_OWN reml_instance_t* reml_instance_new(uint32_t type_index);
/* A new instance of user box `type_index`, every field Void, taking over the
 * reference to `old`, an instance with as many fields: when that reference is
 * the last one, `old`'s fields are released and its memory is the new
 * instance; otherwise `old` is released and a fresh instance allocated
 * (docs/ownership.md, "Reuse of dying boxes"). */
REML_OWN reml_instance_t* reml_instance_reuse(REML_OWN reml_instance_t* old, uint32_t type_index);
/* reml_instance_new for a box of `field_count` fields (its registered count,
 * which compiled code knows and passes): the allocation from the size-class
 * cache runs inline in -O2 code (fast_paths.c). */
REML_OWN reml_instance_t* reml_instance_new_n(uint32_t type_index, uint32_t field_count);

/* Called by reml_h_to_string for instances whose type has_to_string; set by
 * the execution engine (VM or native code) that can run the user method. */
typedef REML_OWN reml_string_t* (*reml_to_string_hook_t)(REML_BOR reml_handle_t self);
void reml_set_to_string_hook(reml_to_string_hook_t hook);

/* Field access by name on a value whose box is not known statically:
 * a non-instance or an undeclared field is the runtime error
 * `Unknown field '<f>' on <Kind>`. */
REML_OWN reml_handle_t reml_dyn_get_field(REML_BOR reml_handle_t obj, const char* field, const reml_loc_t* loc);
void reml_dyn_set_field(REML_BOR reml_handle_t obj, const char* field, REML_BOR reml_handle_t value, const reml_loc_t* loc);

/* ------------------------------------------------------------------------- */
/* User-box lifetime (fini)                                                   */
/* ------------------------------------------------------------------------- */

/* Bits of reml_instance_t.flags. A user fini() method runs at most once: its
 * body runs while FINALISING is set, and FINALISED is set when it returns.
 * Only FINALISED makes the instance unusable, so the body itself may still
 * read its fields and call its methods. */
#define REML_INSTANCE_FINALISING ((uint64_t)1u << 0)
#define REML_INSTANCE_FINALISED ((uint64_t)1u << 1)

/* Whether a call of fini() on instance `self` should run its body: 1 (and the
 * instance is marked finalising) the first time, 0 once fini() has run or
 * while it is running. */
int64_t reml_fini_begin(REML_BOR reml_handle_t self);
/* Marks instance `self` finalised when its fini() body returns. */
void reml_fini_end(REML_BOR reml_handle_t self);
/* The runtime error `use after fini` when `obj` is a finalised instance;
 * nothing for any other value. reml_dyn_get_field and reml_dyn_set_field
 * check this first. */
void reml_check_live(REML_BOR reml_handle_t obj, const reml_loc_t* loc);

/* ------------------------------------------------------------------------- */
/* WeakRef (hako-core §7; docs/runtime.md "WeakRef")                          */
/* ------------------------------------------------------------------------- */

/* Every box that has ever been the target of `weak` owns at most one weak
 * cell: a small counted object (tag REML_TAG_WEAK) whose refcount is the
 * number of weak references to the box, and which points at the box while
 * the box lives. A weak handle is the cell's object handle, so a WeakRef is
 * an ordinary Hako value (a Handle may hold it; retain and release count weak
 * references). The box finds its cell through a slot of its own (an
 * instance's flags word, `reml_array_t.weak`, the MapBox and ConsoleBox
 * payloads). When the last strong reference to the box goes, its destructor
 * clears the cell's pointer, so the box never outlives its strong references;
 * the cell's memory goes with the last weak reference. Two WeakRefs are the
 * same value exactly when they share a cell, that is, a target. */
typedef struct reml_weak_cell {
  void* target; /* the box, or NULL once it died */
} reml_weak_cell_t;

/* Whether objects of runtime tag `tag` can be the target of `weak`: user-box
 * instances, ArrayBox, MapBox and ConsoleBox. */
REML_INLINE int reml_tag_is_weak_target(uint32_t tag) {
  return tag >= REML_TAG_USER_BASE || tag == REML_TAG_ARRAY || tag == REML_TAG_MAP || tag == REML_TAG_CONSOLE;
}

/* The slow path of nyrt_weak_new: the target's cell, made on first use, with
 * one more weak reference. `target` is a live box. */
REML_OWN reml_weak_cell_t* reml_weak_cell_of(REML_BOR void* target);

/* The cell of a MapBox or ConsoleBox (whose layouts are private), or NULL. */
reml_weak_cell_t* reml_weak_slot_get_other(const void* target);

/* The cell an object of a weak-target kind points at, or NULL. */
REML_INLINE reml_weak_cell_t* reml_weak_slot_get(const void* target) {
  uint32_t tag = REML_GET_HEADER(target)->type_tag;
  if (tag >= REML_TAG_USER_BASE)
    return (reml_weak_cell_t*)(uintptr_t)(((const reml_instance_t*)target)->flags & ~(uint64_t)7u);
  if (tag == REML_TAG_ARRAY) return ((const reml_array_t*)target)->weak;
  return reml_weak_slot_get_other(target);
}

/* The seed ABI (seed 002). Weak handles travel as int64_t: 0 is Void.
 *
 * nyrt_weak_new: a new weak reference to the box `strong_handle` points at
 * (borrowed: the strong reference stays the caller's); 0 when the handle is
 * not a live box (compiled code checks first, see reml_weak_new_checked). */
int64_t nyrt_weak_new(int64_t strong_handle);
/* nyrt_weak_to_strong: a new strong reference (a handle > 0 the caller owns)
 * to the target of `weak_handle` (borrowed) while the target lives, else 0.
 * O(1) and allocation-free. 0 gives 0. */
int64_t nyrt_weak_to_strong(int64_t weak_handle);
/* nyrt_weak_drop: drops one weak reference (owned); the last one frees the
 * cell. 0 is ignored. None of these three prints anything. */
void nyrt_weak_drop(int64_t weak_handle);

/* The inline bodies of the three (nyrt_weak_* are these functions). */
REML_INLINE int64_t reml_weak_new_inline(int64_t strong_handle) {
  reml_handle_t h = (reml_handle_t)strong_handle;
  if (!reml_h_is_object(h) || !reml_tag_is_weak_target(REML_GET_HEADER(reml_h_ptr(h))->type_tag)) return 0;
  reml_weak_cell_t* cell = reml_weak_slot_get(reml_h_ptr(h));
  if (REML_LIKELY(cell != NULL)) {
    reml_inc_ref_inline(cell);
    return (int64_t)reml_h_from_ptr(cell);
  }
  return (int64_t)reml_h_from_ptr(reml_weak_cell_of(reml_h_ptr(h)));
}
REML_INLINE int64_t reml_weak_to_strong_inline(int64_t weak_handle) {
  if (weak_handle == 0) return 0;
  void* target = ((const reml_weak_cell_t*)reml_h_ptr((reml_handle_t)weak_handle))->target;
  if (target == NULL) return 0;
  reml_inc_ref_inline(target);
  return (int64_t)reml_h_from_ptr(target);
}
REML_INLINE void reml_weak_drop_inline(int64_t weak_handle) {
  if (weak_handle != 0) reml_dec_ref_inline(reml_h_ptr((reml_handle_t)weak_handle));
}

/* `weak v` for a value of statically unknown kind: the new weak handle, or
 * the runtime error `Type error: weak needs a box, got <Kind>` at `loc`. */
int64_t reml_weak_new_checked(REML_BOR reml_handle_t value, const reml_loc_t* loc);

/* Whether weak handle `w` still has a live target (1) or not (0). */
int64_t reml_weak_alive(int64_t weak_handle);

/* The weak-field contract (§7) for a value the compiler could not check:
 * nothing when `value` is Void or a WeakRef, else the runtime error
 * `Weak field '<f>' of <Box> takes a WeakRef or null, not <Kind>: write
 * 'me.<f> = weak value'` for field `field` of instance `obj` (the text of
 * the compile-time error E0314 for a value of known kind). */
void reml_weak_field_check(REML_BOR reml_handle_t obj, REML_BOR reml_handle_t value, int64_t field,
                           const reml_loc_t* loc);

/* ------------------------------------------------------------------------- */
/* The C FFI boundary (docs/ffi.md)                                           */
/* ------------------------------------------------------------------------- */

/* The text of a pointer, as print and toString() show a pointer value:
 * `Ptr(0x` lowercase hex digits without leading zeros `)`, `Ptr(0x0)` for
 * NULL. For pointers whose value is known statically; both back ends use it,
 * so the text has one source. */
REML_OWN reml_string_t* reml_ptr_to_string(void* addr);

/* The Handle API of C code that keeps or gives back Hako values (docs/ffi.md
 * "Ownership"). A hako_handle_t has the bits of a reml_handle_t. Both are
 * real exported functions (C libraries link against them by name) and behave
 * as the runtime's own retain and release, guards and debug-mode double-free
 * detection included. */
typedef uint64_t hako_handle_t;
/* One more strong reference to the value (Void and small Ints: nothing). */
void hako_handle_retain(hako_handle_t h);
/* One strong reference less; the last one frees the value. */
void hako_handle_release(hako_handle_t h);

/* Whether Int `v` fits a C signed integer of `bits` bits (1 to 64). The
 * compiler's range tables give the widths; these only do the arithmetic. */
REML_INLINE int reml_ffi_fits_signed(int64_t v, uint32_t bits) {
  if (bits == 0) return v == 0;
  if (bits >= 64) return 1;
  int64_t limit = (int64_t)1 << (bits - 1);
  return v >= -limit && v < limit;
}
/* Whether Int `v` fits a C unsigned integer of `bits` bits (1 to 64): a u64
 * takes 0 … 2^63-1, every Int that is not negative. */
REML_INLINE int reml_ffi_fits_unsigned(int64_t v, uint32_t bits) {
  if (v < 0) return 0;
  if (bits >= 64) return 1;
  return (uint64_t)v < ((uint64_t)1 << bits);
}
/* Whether an unsigned C result (its raw bits) is an Int: at most 2^63-1. */
REML_INLINE int reml_ffi_unsigned_fits_int(uint64_t v) { return v <= (uint64_t)INT64_MAX; }

/* The runtime errors of the FFI conversions, each with the location prefix
 * of reml_panic_at. `ctype` is the C type as written ("i8"). */
/* `FFI argument '<param>' of '<fn>' must fit <ctype>, got <value>` */
REML_NORETURN void reml_ffi_range_error(const char* fn, const char* param, const char* ctype, int64_t value,
                                        const reml_loc_t* loc);
/* `FFI result of '<fn>' does not fit Int: <value>` (`value`: the raw bits of
 * an unsigned result above 2^63-1, printed unsigned) */
REML_NORETURN void reml_ffi_result_range_error(const char* fn, uint64_t value, const reml_loc_t* loc);
/* `FFI argument '<param>' of '<fn>' must not be null` (a NonNullPtr parameter) */
REML_NORETURN void reml_ffi_null_arg_error(const char* fn, const char* param, const reml_loc_t* loc);
/* `FFI result of '<fn>' must not be null` (a NonNullPtr result) */
REML_NORETURN void reml_ffi_null_result_error(const char* fn, const reml_loc_t* loc);

/* A borrowed CStr argument: the String's bytes and their NUL, valid while
 * `s` lives. A NUL byte inside the String is the runtime error `FFI argument
 * '<param>' of '<fn>' contains a NUL byte at index <i>` (the first one). */
const char* reml_ffi_cstr_arg(REML_BOR reml_string_t* s, const char* fn, const char* param, const reml_loc_t* loc);
/* A transferred CStr argument: the same check, then a malloc()ed copy (bytes
 * and NUL) that the callee owns and must free(). */
char* reml_ffi_cstr_transfer(REML_BOR reml_string_t* s, const char* fn, const char* param, const reml_loc_t* loc);
/* A CStr result: NULL gives Void, anything else a new String with a copy of
 * the bytes up to the NUL. A nonzero `free_after` (a transferred result)
 * then passes `p` to free(). */
REML_OWN reml_handle_t reml_ffi_cstr_result(const char* p, int64_t free_after);

/* Extern structs (docs/ffi.md "Structs"): a struct value is an instance of
 * the user box that holds its fields as Hako values; at a C call it is
 * copied into C layout (pack) or out of it (unpack). The compiler computes
 * the layout and emits one descriptor per struct type. */
typedef enum reml_cfield_kind {
  REML_CF_I8, REML_CF_I16, REML_CF_I32, REML_CF_I64,
  REML_CF_U8, REML_CF_U16, REML_CF_U32, REML_CF_U64,
  REML_CF_F32, REML_CF_F64, REML_CF_BOOL,
  REML_CF_PTR,    /* a pointer value of type `ptr` (NULL: Void) */
  REML_CF_STRUCT, /* a nested struct of type `nested`, stored in place */
} reml_cfield_kind_t;

typedef struct reml_cstruct_type reml_cstruct_type_t;

/* One field of an extern struct. */
typedef struct reml_cfield {
  const char* name;                   /* as declared */
  const char* ctype;                  /* its C type as written, in range errors ("i8") */
  uint32_t kind;                      /* reml_cfield_kind_t */
  uint32_t offset;                    /* bytes from the start of the struct */
  int64_t min, max;                   /* integer kinds: the Ints the field takes (the compiler's C type table) */
  const reml_ptr_type_t* ptr;         /* REML_CF_PTR: the pointer type */
  const reml_cstruct_type_t* nested;  /* REML_CF_STRUCT: the field's struct type */
} reml_cfield_t;

/* An extern struct type: its C layout and the box that holds its values. */
struct reml_cstruct_type {
  const char* name;       /* "Vec2" */
  uint32_t size;          /* sizeof, with trailing padding */
  uint32_t align;
  uint32_t box_index;     /* the user box of its values (tag REML_TAG_USER_BASE + box_index) */
  uint32_t field_count;
  const reml_cfield_t* fields;
};

/* Copies struct value `h` (an instance of type->box_index; anything else is
 * a runtime type error) into `out` (type->size bytes, padding zeroed), each
 * field converted as an argument of its C type would be; a failure is the
 * runtime error of that conversion naming argument `<param>.<field>` of
 * `fn`. */
void reml_ffi_struct_pack(REML_BOR reml_handle_t h, const reml_cstruct_type_t* type, void* out, const char* fn,
                          const char* param, const reml_loc_t* loc);
/* A new struct value (an instance of type->box_index) holding the C struct
 * at `in`, each field converted as a result of its C type would be (a u64
 * above 2^63-1 is the result range error naming `fn`). */
REML_OWN reml_handle_t reml_ffi_struct_unpack(const void* in, const reml_cstruct_type_t* type, const char* fn,
                                              const reml_loc_t* loc);

/* ------------------------------------------------------------------------- */
/* Built-in methods called on values of statically unknown kind               */
/* ------------------------------------------------------------------------- */

/* The built-in method ids: one per name of reml_builtin_methods.def, the
 * table of every built-in method (the compiler passes these ids to
 * reml_call_builtin). */
typedef enum reml_builtin_method {
#define BUILTIN_NAME(id, name) REML_METHOD_##id,
#include "reml_builtin_methods.def"
  REML_METHOD_COUNT
} reml_builtin_method_t;

/* The id of a built-in method name, or -1. */
int32_t reml_builtin_method_id(const char* name);

/* Calls built-in method `method` (a REML_METHOD_* id, or -1 with `name`
 * giving the name for the message) with `argc` handle arguments on a String,
 * Int, Float, Bool, ArrayBox, MapBox, ConsoleBox or WeakRef receiver. No such method
 * for that receiver and arity is the runtime error
 * `Unknown method '<name>' on <Kind>`, or, when the receiver has the method
 * with other arities, `Method '<name>' of <Kind> takes 1 argument, not 2`
 * (`takes 0 or 2 arguments`); a Void receiver is
 * `Type error: method '<name>' called on Void`, except for toString(), which
 * every value has (Void gives "null"). Arguments of the wrong kind
 * are `Type error: expected <Kind>, got <Kind>`. User methods are the
 * engine's to dispatch first: on a user-box instance this only answers
 * toString() (the hook or `<Name instance>`) and reports any other name as
 * `Unknown method '<name>' on <Name>` (or the arity message above, from the
 * box's method table); so does a C pointer value
 * (`Unknown method '<name>' on Ptr<u8>`). */
REML_OWN reml_handle_t reml_call_builtin(REML_BOR reml_handle_t recv, int32_t method, const char* name,
                                         int64_t argc, REML_BOR const reml_handle_t* args,
                                         const reml_loc_t* loc);
/* The row of reml_builtin_methods.def (counting every row from 0 in file
 * order) that reml_call_builtin runs for `method` with `argc` arguments on
 * `recv`, or -1 when there is none. For tests that hold the compiler's
 * resolution against the runtime's. */
int32_t reml_builtin_row(REML_BOR reml_handle_t recv, int32_t method, int64_t argc);

/* Typed entry points of built-in methods whose arguments the compiler knows
 * to be Ints (reml_builtin_methods.def; docs/abi.md). */
/* array.push(Int value). */
void reml_array_push_i(REML_BOR reml_array_t* a, int64_t v);
/* array.set(index, Int value); errors as reml_array_set. */
void reml_array_set_i(REML_BOR reml_array_t* a, int64_t i, int64_t v, const reml_loc_t* loc);
/* Int.toFloat() for receivers known only at run time (compiled code uses
 * the i_to_f instruction). */
double reml_i64_to_f64(int64_t v);

/* ------------------------------------------------------------------------- */
/* Fast paths for generated code                                              */
/* ------------------------------------------------------------------------- */

/* Out-of-line entry points for native code to the inline fast paths above
 * (the inline functions stay their one definition). The library exports
 * them for unoptimised code; hakoc also links their bitcode into -O2
 * modules so that the optimiser inlines them. */
REML_OWN reml_handle_t reml_fp_box_i64(int64_t v);
int64_t reml_fp_unbox_i64(REML_BOR reml_handle_t h, const reml_loc_t* loc);
uint32_t reml_fp_tag(REML_BOR reml_handle_t h);
void reml_fp_retain(REML_BOR reml_handle_t h);
void reml_fp_release(REML_OWN reml_handle_t h);
/* The dynamic operators' fast paths above (reml_dyn_*_fast, reml_h_truthy_fast). */
REML_OWN reml_handle_t reml_fp_add(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
REML_OWN reml_handle_t reml_fp_sub(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
REML_OWN reml_handle_t reml_fp_mul(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
REML_OWN reml_handle_t reml_fp_div(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
REML_OWN reml_handle_t reml_fp_mod(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
int64_t reml_fp_lt(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
int64_t reml_fp_le(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
int64_t reml_fp_gt(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
int64_t reml_fp_ge(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b, const reml_loc_t* loc);
int64_t reml_fp_eq(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b);
int64_t reml_fp_ne(REML_BOR reml_handle_t a, REML_BOR reml_handle_t b);
int64_t reml_fp_truthy(REML_BOR reml_handle_t h, const reml_loc_t* loc);

/* The process exit status of main's result (§2): Int v gives
 * ((v % 256) + 256) % 256, Bool gives 1/0, anything else 0. */
int reml_exit_status_of(REML_BOR reml_handle_t result);

#ifdef __cplusplus
}
#endif

#endif /* REML_RUNTIME_H */
