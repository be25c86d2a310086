/*
 * internal.h — declarations shared between the runtime's source files only.
 * Nothing here is part of the public contract in reml_runtime.h.
 */
#ifndef REML_INTERNAL_H
#define REML_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reml_runtime.h"

/* ---- memory for runtime-internal buffers (not objects) ----------------- */

/* malloc that turns exhaustion into an internal error instead of NULL. */
void* reml_xmalloc(size_t size);
/* realloc with the same failure policy as reml_xmalloc. */
void* reml_xrealloc(void* ptr, size_t size);
/* a * b, or an internal error when the product overflows size_t. */
size_t reml_mul_size(size_t a, size_t b);
/* a + b, or an internal error when the sum overflows size_t. */
size_t reml_add_size(size_t a, size_t b);
/* An immortal object: never freed and kept out of the allocation statistics,
 * so the leak report only ever counts objects that could have been freed. */
void* reml_alloc_immortal(size_t size, uint32_t tag);

/* ---- allocation modes (mem.c) and debug mode (debug_alloc.c) ----------- */

/* Switches counted allocation to debug mode; false when objects were already
 * allocated the ordinary way (then nothing changes). */
bool reml_mem_enter_debug_mode(void);
/* Whether counted objects are allocated in debug mode. */
bool reml_mem_debug_mode(void);
/* Allocates a tracked object (debug mode): a hidden record in front of the
 * header holds its allocation number and links it into the live list. */
void* reml_debug_alloc(size_t size, uint32_t tag);
/* Frees a tracked object into the quarantine; a block that is already there
 * is reported as a double free (internal error, exit 70). */
void reml_debug_free(void* ptr);
/* Reports the release of a tracked object whose count is already 0 (freed,
 * or queued for destruction) as a double free; does not return. */
REML_NORETURN void reml_debug_double_release(const void* ptr);
/* The record state of a counted object in debug mode. */
typedef enum reml_debug_state {
  REML_DEBUG_LIVE,    /* allocated and not freed */
  REML_DEBUG_FREED,   /* freed, waiting in the quarantine */
  REML_DEBUG_UNKNOWN  /* no record of this runtime in front of the header */
} reml_debug_state_t;
/* The record state of non-immortal object `obj` (debug mode only: it reads
 * the record in front of the header), and its payload size in *size when
 * live. */
reml_debug_state_t reml_debug_record(const void* obj, size_t* size);
/* Calls `fn` on every live tracked object, oldest first. */
void reml_debug_for_each_live(void (*fn)(void* obj, void* ctx), void* ctx);
/* A word of scratch space in the record of a live tracked object (the leak
 * report numbers objects there), or NULL for anything else (immortal
 * objects, freed ones). */
uint32_t* reml_debug_scratch(const void* obj);
/* The name of objects with `tag` in the leak report and in double-free
 * messages: built-ins as "String", "ArrayBox", "MapBox", "ConsoleBox",
 * "IntBox", "FloatBox", "BoolBox", "WeakRef", "Ptr", "Raw"; user boxes by their
 * registered name; anything else as "Object(tag N)", written into `buf`. */
const char* reml_debug_type_name(uint32_t tag, char buf[32]);

/* ---- destructors (refcount.c calls them when a count reaches zero) ------ */

/* Releases the elements of an array and frees its item buffer. */
void reml_array_destroy(reml_array_t* a);
/* Releases the keys and values of a map and frees its tables. */
void reml_map_destroy(reml_map_t* m);
/* Releases the fields of an instance of the user box with `tag`. */
void reml_instance_destroy(reml_instance_t* inst, uint32_t tag);

/* ---- WeakRef (weak.c) ------------------------------------------------------ */

/* The slot of a ConsoleBox's WeakRef cell (console.c owns its layout). */
reml_weak_cell_t** reml_console_weak_slot(void* console);
/* Called when box `target` dies: its cell, if any, forgets it. */
void reml_weak_detach(void* target);
/* The destructor of a cell (its last weak reference went): a live target
 * forgets the cell. */
void reml_weak_cell_destroy(reml_weak_cell_t* cell);
/* Whether `h` is a WeakRef. */
bool reml_h_is_weak(reml_handle_t h);
/* The weak-field contract's runtime error for `value` stored into weak
 * field `field` of box type `t`. */
REML_NORETURN void reml_weak_field_error(const reml_box_type_t* t, uint32_t field, reml_handle_t value,
                                         const reml_loc_t* loc);

/* ---- strong references (for the leak report's cycle search) ------------- */

/* Calls `fn` on every key and value of a map. */
void reml_map_visit(const reml_map_t* m, void (*fn)(reml_handle_t h, void* ctx), void* ctx);
/* Whether the sizes of map `m` are consistent (0 <= size <= used <= the
 * order array's capacity, a table of 0 or 2^n slots at most full); for the
 * runtime guards. */
bool reml_map_shape_ok(const reml_map_t* m);
/* The slots a successful lookup of every live key of `m` visits, summed:
 * the map's size when no key is displaced from its home slot. Tests use it
 * to catch hash functions that cluster. */
uint64_t reml_map_probe_total(const reml_map_t* m);
/* The slots a lookup of Int key `k`, which must be absent, visits before
 * it meets an empty slot (0 for a map without slots). Tests use it to catch
 * clusters that make misses slow. */
uint64_t reml_map_probe_absent_int(const reml_map_t* m, int64_t k);
/* The number of registered user box types. */
uint32_t reml_user_type_count(void);

/* ---- output ------------------------------------------------------------- */

/* Appends bytes to the runtime's stdout buffer. */
void reml_out_write(const char* bytes, size_t len);
/* Writes bytes to stderr at once, after flushing stdout so output interleaves
 * in program order. */
void reml_err_write(const char* bytes, size_t len);

/* ---- string building ---------------------------------------------------- */

/* A new string of `len` bytes whose contents the caller writes; the NUL
 * after them is already in place. */
reml_string_t* reml_str_alloc(int64_t len);

/* A growable byte buffer used to assemble strings before they become
 * objects. */
typedef struct reml_strbuf {
  char* data;
  size_t len;
  size_t cap;
} reml_strbuf_t;

/* Starts an empty buffer (no allocation until the first append). */
void reml_sb_init(reml_strbuf_t* sb);
/* Appends `len` bytes. */
void reml_sb_append(reml_strbuf_t* sb, const char* bytes, size_t len);
/* Appends a NUL-terminated C string. */
void reml_sb_append_cstr(reml_strbuf_t* sb, const char* s);
/* Appends one byte. */
void reml_sb_append_byte(reml_strbuf_t* sb, char c);
/* Appends the toString() text of any value (arrays recursively, cycles as
 * `[...]`). */
void reml_sb_append_value(reml_strbuf_t* sb, reml_handle_t h);
/* Turns the buffer into a new string object and empties the buffer. */
reml_string_t* reml_sb_finish(reml_strbuf_t* sb);
/* Frees the buffer without producing a string. */
void reml_sb_free(reml_strbuf_t* sb);

/* ---- kinds -------------------------------------------------------------- */

/* The kind name of objects with `tag` ("String", "ArrayBox", a user box's
 * name, ...), as used in messages; "Ptr" for pointer values, whose kind
 * name is their type's (reml_h_kind_name). */
const char* reml_tag_name(uint32_t tag);
/* Whether `h` is an Int (small or boxed). */
bool reml_h_is_int(reml_handle_t h);
/* The value of an Int handle; only valid when reml_h_is_int(h). */
int64_t reml_h_int_value(reml_handle_t h);
/* Whether `h` is a boxed Float. */
bool reml_h_is_float(reml_handle_t h);
/* Whether `h` is a String object. */
bool reml_h_is_string(reml_handle_t h);
/* The registered box type of a user tag, or NULL (same as the public
 * reml_box_type_of_tag, kept here for symmetry with the destructors). */
const reml_box_type_t* reml_user_type(uint32_t tag);

/* ---- numbers ------------------------------------------------------------ */

/* Room for the text of any Int and its NUL: "-9223372036854775808". */
#define REML_I64_TEXT_MAX 21
/* Room for the text of any Float and its NUL (reml_format_f64). */
#define REML_F64_TEXT_MAX 32
/* Room for the significant digits of any double (17) and a spare. */
#define REML_F64_DIGITS_MAX 20
/* The length of the decimal text of `v`, its sign included (1 to 20). */
int reml_i64_text_len(int64_t v);
/* Writes the decimal text of `v` into `out`: exactly `len` bytes, which must
 * be reml_i64_text_len(v), and no NUL. */
void reml_i64_write(char* out, int64_t v, int len);
/* Writes the decimal text of `v` and a NUL into `buf`; returns the length. */
int reml_format_i64(int64_t v, char buf[REML_I64_TEXT_MAX]);
/* The shortest significant digits (no NUL, no trailing zeros) of finite,
 * non-zero `v` that read back as `v`, by Dragonbox (float_digits.cpp);
 * returns their count and stores the decimal exponent of the first digit
 * (v = d.ddd × 10^exp). */
int reml_f64_shortest_digits(double v, char digits[REML_F64_DIGITS_MAX], int* exp10);

/* Three-way comparison of two numeric handles that is exact across Int and
 * Float (NaN sorts after every other number). Used by sort, which needs a
 * total order. */
int reml_num_cmp_exact(reml_handle_t a, reml_handle_t b);

/* ---- built-in methods --------------------------------------------------- */

/* The name of built-in method `id`, or NULL when it is not a REML_METHOD_*. */
const char* reml_builtin_method_name(int32_t id);

/* ---- leak report ---------------------------------------------------------- */

/* Appends one `leak-check: cycle: ...` line per distinct shape of strong
 * cycle among the live tracked objects (`live` of them) to `sb`. */
void reml_leak_append_cycles(reml_strbuf_t* sb, uint64_t live);

/* ---- C pointer values (ptr.c) ------------------------------------------- */

/* Room for the text of any pointer: "Ptr(0x" + 16 hex digits + ")" + NUL. */
#define REML_PTR_TEXT_MAX 32
/* Writes the text of `addr` (`Ptr(0x…)`) into `buf` and returns its length. */
size_t reml_ptr_format(const void* addr, char buf[REML_PTR_TEXT_MAX]);
/* The kind name of a pointer value in messages: its type's name. */
const char* reml_ptr_kind_name(const reml_ptr_box_t* box);

/* ---- panics ----------------------------------------------------------------- */

/* After a user error's first line: the `note: process` line in debug mode
 * and the JSON line appended to $REML_PANIC_LOG. `loc` may be NULL. */
void reml_panic_extras(const reml_loc_t* loc, const char* message, size_t len);

#endif /* REML_INTERNAL_H */
