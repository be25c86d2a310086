/* rc_bench_loops.c — reference-count loops for rc_bench, compiled twice: once
 * as is and once with REML_RC_ATOMIC, so the header's static inline
 * inc/dec are measured in both forms in one binary. RC_BENCH_FLAVOR (plain
 * or atomic) suffixes the function names. */
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
