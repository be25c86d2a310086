/* rc_bench_loops.c — reference-count and WeakRef loops for rc_bench,
 * compiled twice: once as is and once with REML_RC_ATOMIC, so the header's
 * static inline inc/dec (and the WeakRef bodies built on them) are measured
 * in both forms in one binary. RC_BENCH_FLAVOR (plain or atomic) suffixes
 * the function names. */
#include <stdint.h>

#include "reml_runtime.h"

#define RC_BENCH_CAT2(a, b) a##_##b
#define RC_BENCH_CAT(a, b) RC_BENCH_CAT2(a, b)
#define RC_BENCH_NAME(x) RC_BENCH_CAT(x, RC_BENCH_FLAVOR)

/* Runs `n` reml_inc_ref_inline / reml_dec_ref_inline pairs on `obj`, whose
 * count must be at least 1 so that no pair frees it. */
void RC_BENCH_NAME(rc_pairs)(void* obj, int64_t n);

void RC_BENCH_NAME(rc_pairs)(void* obj, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    reml_inc_ref_inline(obj);
    /* Without the barriers the optimiser would fold each pair away. */
    __asm__ volatile("" : : "r"(obj) : "memory");
    reml_dec_ref_inline(obj);
    __asm__ volatile("" : : "r"(obj) : "memory");
  }
}

/* --- WeakRef (reml_runtime.h, "WeakRef"): the header's inline bodies, as
 * -O2 code inlines nyrt_weak_* from the fast-path bitcode. Each loop runs
 * `n` operations on a weak handle `w` (or a strong handle `h`); the barriers
 * make every iteration load the cell and the counts again, as separate uses
 * in a program would, and keep increments and decrements from folding. */

/* Upgrades `w` `n` times and releases each strong result: the cost of
 * `w.weak_to_strong()` whose result dies at once. `w`'s target must live. */
void RC_BENCH_NAME(weak_upgrade_release)(int64_t w, int64_t n);

void RC_BENCH_NAME(weak_upgrade_release)(int64_t w, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    int64_t s = reml_weak_to_strong_inline(w);
    __asm__ volatile("" : : "r"(s) : "memory");
    reml_h_release((reml_handle_t)s);
    __asm__ volatile("" : : "r"(s) : "memory");
  }
}

/* Upgrades `w` `n` times without releasing: the target's count grows by
 * `n` (the caller puts it back), so this is the upgrade alone. Returns the
 * last result. */
int64_t RC_BENCH_NAME(weak_upgrade_only)(int64_t w, int64_t n);

int64_t RC_BENCH_NAME(weak_upgrade_only)(int64_t w, int64_t n) {
  int64_t s = 0;
  for (int64_t i = 0; i < n; i++) {
    s = reml_weak_to_strong_inline(w);
    __asm__ volatile("" : : "r"(s) : "memory");
  }
  return s;
}

/* Upgrades `w`, whose target is dead, `n` times; returns how many results
 * were not Void (0). */
int64_t RC_BENCH_NAME(weak_upgrade_dead)(int64_t w, int64_t n);

int64_t RC_BENCH_NAME(weak_upgrade_dead)(int64_t w, int64_t n) {
  int64_t live = 0;
  for (int64_t i = 0; i < n; i++) {
    int64_t s = reml_weak_to_strong_inline(w);
    __asm__ volatile("" : : "r"(s) : "memory");
    live += s != 0;
  }
  return live;
}

/* Takes and drops a weak reference to box `h` `n` times. With another weak
 * reference alive the box keeps its cell (an increment and a decrement);
 * without one every iteration allocates the cell and frees it again. */
void RC_BENCH_NAME(weak_new_drop)(int64_t h, int64_t n);

void RC_BENCH_NAME(weak_new_drop)(int64_t h, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    int64_t w = reml_weak_new_inline(h);
    __asm__ volatile("" : : "r"(w) : "memory");
    reml_weak_drop_inline(w);
    __asm__ volatile("" : : "r"(w) : "memory");
  }
}
