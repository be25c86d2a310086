/* Out-of-line wrappers of the header's inline fast paths, for native code.
 * Each body is the inline function itself: one definition per fast path. */
#include "reml_runtime.h"

reml_handle_t reml_fp_box_i64(int64_t v) { return reml_box_i64(v); }

int64_t reml_fp_unbox_i64(reml_handle_t h, const reml_loc_t* loc) { return reml_unbox_i64(h, loc); }

uint32_t reml_fp_tag(reml_handle_t h) { return reml_h_tag(h); }

void reml_fp_retain(reml_handle_t h) { reml_h_retain(h); }

void reml_fp_release(reml_handle_t h) { reml_h_release(h); }
