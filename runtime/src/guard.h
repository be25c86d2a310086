/*
 * guard.h — the runtime guards at the boundary between compiled code and the
 * runtime (docs/guards.md), for the runtime's own source files.
 *
 * Each guarded entry point is defined with REML_GUARDED(...) (or
 * REML_GUARDED_VOID), naming its handle arguments. With guards compiled in
 * and HAKO_FFI_GUARD unset that is one load of a global and a branch
 * predicted not taken; everything else lives in cold functions. Building
 * with REML_GUARD_CODE=0 (the reml_runtime_noguard library) removes even
 * that from the runtime's entry points, for the benchmark that measures what
 * the guards cost when they are off; the flag and reml_guard_call stay
 * defined for the inlined MapBox fast paths of -O2 code.
 */
#ifndef REML_GUARD_H
#define REML_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reml_runtime.h"

#ifndef REML_GUARD_CODE
#define REML_GUARD_CODE 1
#endif

/* One argument a guard checks: its 1-based position in the C signature (for
 * the message), its value, and the object tag it must have (0: any Hako
 * value; a tag: a live object of that kind, for receivers passed as object
 * pointers). */
typedef struct reml_guard_arg {
  uint32_t position;
  uint32_t tag;
  reml_handle_t value;
} reml_guard_arg_t;

/* A handle argument at `pos`. */
#define REML_GA_H(pos, h) {(pos), 0u, (h)}
/* An object-pointer argument at `pos` that must be a live object of `tag`. */
#define REML_GA_OBJ(pos, p, tag) {(pos), (uint32_t)(tag), reml_h_from_ptr((void*)(p))}

/* Nonzero when HAKO_FFI_GUARD=1 was set at start-up: the one word the
 * inline part of every guard reads (always 0 in a runtime built without
 * guard code, which still defines it and reml_guard_call for the inlined
 * MapBox fast paths). */
extern uint32_t reml_guard_enabled;

/* Counts one guarded call of `symbol` and, when the call is sampled, checks
 * its `n` arguments. Returns true when the call may go on; on a failed check
 * raises the runtime error (HAKO_FAILFAST=1, `loc` may be NULL) or warns
 * once and returns false (HAKO_FAILFAST=0), and then the caller returns
 * its Void result. */
bool reml_guard_call(const char* symbol, const reml_loc_t* loc, const reml_guard_arg_t* args, size_t n);

#if REML_GUARD_CODE

/* The checks of the cold path of entry point `symbol` (a string). */
#define REML_GUARD_CHECK_(symbol, on_fail, loc, ...)                                            \
  const reml_guard_arg_t reml_guard_args_[] = {__VA_ARGS__};                                   \
  if (!reml_guard_call((symbol), (loc), reml_guard_args_,                                      \
                       sizeof reml_guard_args_ / sizeof reml_guard_args_[0]))                   \
    on_fail

/* Defines the guarded entry point `ret name params`, whose body follows the
 * macro as the body of `name##_unguarded`. `args` names the parameters in
 * order; `on_fail` (a statement: usually a return of the Void result, or an
 * assignment that makes the call go on with a Void argument) runs when a
 * check failed under HAKO_FAILFAST=0; `loc` and the guard arguments may name
 * parameters. With guards off the entry point is one load of a flag, a
 * branch predicted not taken and the body; the checked path is a tail call
 * of the cold `name##_guarded`, so nothing stays live across the check and
 * the fast path needs no stack frame it would not need anyway. */
#define REML_GUARDED(ret, name, params, args, on_fail, loc, ...)                             \
  REML_INLINE ret name##_unguarded params;                                                   \
  REML_GUARD_COLD static ret name##_guarded params {                                         \
    REML_GUARD_CHECK_(#name, on_fail, loc, __VA_ARGS__);                                     \
    return name##_unguarded args;                                                            \
  }                                                                                          \
  ret name params {                                                                          \
    if (REML_UNLIKELY(reml_guard_enabled)) return name##_guarded args;                       \
    return name##_unguarded args;                                                            \
  }                                                                                          \
  REML_INLINE ret name##_unguarded params

/* REML_GUARDED for an entry point that returns nothing. */
#define REML_GUARDED_VOID(name, params, args, on_fail, loc, ...)                             \
  REML_INLINE void name##_unguarded params;                                                  \
  REML_GUARD_COLD static void name##_guarded params {                                        \
    REML_GUARD_CHECK_(#name, on_fail, loc, __VA_ARGS__);                                     \
    name##_unguarded args;                                                                   \
  }                                                                                          \
  void name params {                                                                         \
    if (REML_UNLIKELY(reml_guard_enabled)) {                                                 \
      name##_guarded args;                                                                   \
      return;                                                                                \
    }                                                                                        \
    name##_unguarded args;                                                                   \
  }                                                                                          \
  REML_INLINE void name##_unguarded params

#if defined(__GNUC__) || defined(__clang__)
#define REML_GUARD_COLD __attribute__((cold, noinline))
#else
#define REML_GUARD_COLD
#endif
#else
#define REML_GUARDED(ret, name, params, args, on_fail, loc, ...) ret name params
#define REML_GUARDED_VOID(name, params, args, on_fail, loc, ...) void name params
#endif

#endif /* REML_GUARD_H */
