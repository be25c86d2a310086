/* Out-of-line wrappers of the header's inline fast paths, for native code.
 * Each body is the inline function itself: one definition per fast path. */
#include "reml_runtime.h"

reml_handle_t reml_fp_box_i64(int64_t v) { return reml_box_i64(v); }

int64_t reml_fp_unbox_i64(reml_handle_t h, const reml_loc_t* loc) { return reml_unbox_i64(h, loc); }

uint32_t reml_fp_tag(reml_handle_t h) { return reml_h_tag(h); }

void reml_fp_retain(reml_handle_t h) { reml_h_retain(h); }

void reml_fp_release(reml_handle_t h) { reml_h_release(h); }

reml_handle_t reml_fp_add(reml_handle_t a, reml_handle_t b, const reml_loc_t* loc) { return reml_dyn_add_fast(a, b, loc); }

reml_handle_t reml_fp_sub(reml_handle_t a, reml_handle_t b, const reml_loc_t* loc) { return reml_dyn_sub_fast(a, b, loc); }

reml_handle_t reml_fp_mul(reml_handle_t a, reml_handle_t b, const reml_loc_t* loc) { return reml_dyn_mul_fast(a, b, loc); }

reml_handle_t reml_fp_div(reml_handle_t a, reml_handle_t b, const reml_loc_t* loc) { return reml_dyn_div_fast(a, b, loc); }

reml_handle_t reml_fp_mod(reml_handle_t a, reml_handle_t b, const reml_loc_t* loc) { return reml_dyn_mod_fast(a, b, loc); }

int64_t reml_fp_lt(reml_handle_t a, reml_handle_t b, const reml_loc_t* loc) { return reml_dyn_lt_fast(a, b, loc); }

int64_t reml_fp_le(reml_handle_t a, reml_handle_t b, const reml_loc_t* loc) { return reml_dyn_le_fast(a, b, loc); }

int64_t reml_fp_gt(reml_handle_t a, reml_handle_t b, const reml_loc_t* loc) { return reml_dyn_gt_fast(a, b, loc); }

int64_t reml_fp_ge(reml_handle_t a, reml_handle_t b, const reml_loc_t* loc) { return reml_dyn_ge_fast(a, b, loc); }

int64_t reml_fp_eq(reml_handle_t a, reml_handle_t b) { return reml_dyn_eq_fast(a, b); }

int64_t reml_fp_ne(reml_handle_t a, reml_handle_t b) { return reml_dyn_ne_fast(a, b); }

int64_t reml_fp_truthy(reml_handle_t h, const reml_loc_t* loc) { return reml_h_truthy_fast(h, loc); }
