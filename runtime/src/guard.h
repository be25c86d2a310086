/*
 * guard.h — the runtime guards at the boundary between compiled code and the
 * runtime (docs/guards.md), for the runtime's own source files.
 *
 * Each guarded entry point starts with one REML_GUARD(...) naming its handle
 * arguments. With guards compiled in and HAKO_FFI_GUARD unset that is one
 * load of a global and a branch predicted not taken; everything else lives in
 * the cold function reml_guard_call. Building with REML_GUARD_CODE=0 (the
 * reml_runtime_noguard library) removes even that, for the benchmark that
 * measures what the guards cost when they are off.
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

#if REML_GUARD_CODE
/* Nonzero when HAKO_FFI_GUARD=1 was set at start-up: the one word the
 * inline part of every guard reads. */
extern uint32_t reml_guard_enabled;

/* Counts one guarded call of `symbol` and, when the call is sampled, checks
 * its `n` arguments. Returns true when the call may go on; on a failed check
 * raises the runtime error (HAKO_FAILFAST=1, `loc` may be NULL) or warns
 * once and returns false (HAKO_FAILFAST=0), and then the caller returns
 * its Void result. */
bool reml_guard_call(const char* symbol, const reml_loc_t* loc, const reml_guard_arg_t* args, size_t n);

/* The guard of an entry point: `on_fail` (a statement, usually a return of
 * the Void result) runs when a check failed under HAKO_FAILFAST=0. */
#define REML_GUARD(on_fail, loc, ...)                                                        \
  do {                                                                                       \
    if (REML_UNLIKELY(reml_guard_enabled)) {                                                 \
      const reml_guard_arg_t reml_guard_args_[] = {__VA_ARGS__};                             \
      if (!reml_guard_call(__func__, (loc), reml_guard_args_,                                \
                           sizeof reml_guard_args_ / sizeof reml_guard_args_[0]))            \
        on_fail;                                                                             \
    }                                                                                        \
  } while (0)
#else
#define REML_GUARD(on_fail, loc, ...) ((void)0)
#endif

#endif /* REML_GUARD_H */
