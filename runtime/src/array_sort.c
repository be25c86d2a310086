/* array_sort.c — ArrayBox sort(): stable, ascending, numbers or strings. */
#include <stdlib.h>
#include <string.h>

#include "array_layout.h"
#include "internal.h"

/* What sort can order: numbers with numbers, strings with strings. */
enum sort_class { CLASS_NONE, CLASS_NUMBER, CLASS_STRING };

static enum sort_class class_of(reml_handle_t h) {
  if (reml_h_is_int(h) || reml_h_is_float(h)) return CLASS_NUMBER;
  if (reml_h_is_string(h)) return CLASS_STRING;
  return CLASS_NONE;
}

static int compare(reml_handle_t a, reml_handle_t b, enum sort_class cls) {
  if (cls == CLASS_STRING) {
    int64_t c = reml_str_cmp(reml_h_ptr(a), reml_h_ptr(b));
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  /* Exact across Int and Float so the order is total and transitive. */
  return reml_num_cmp_exact(a, b);
}

/* Bottom-up merge sort: stable and O(n log n) without recursion. */
static void merge_sort(reml_handle_t* items, int64_t n, enum sort_class cls) {
  reml_handle_t* tmp = reml_xmalloc(reml_mul_size((size_t)n, sizeof(reml_handle_t)));
  reml_handle_t* src = items;
  reml_handle_t* dst = tmp;
  for (int64_t width = 1; width < n; width *= 2) {
    for (int64_t lo = 0; lo < n; lo += 2 * width) {
      int64_t mid = lo + width < n ? lo + width : n;
      int64_t hi = lo + 2 * width < n ? lo + 2 * width : n;
      int64_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) dst[k++] = compare(src[j], src[i], cls) < 0 ? src[j++] : src[i++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    reml_handle_t* t = src;
    src = dst;
    dst = t;
  }
  if (src != items) memcpy(items, src, (size_t)n * sizeof(reml_handle_t));
  free(tmp);
}

void reml_array_sort(reml_array_t* a, const reml_loc_t* loc) {
  if (a->len < 2) return;
  reml_array_widen(a); /* the merge moves handles */
  /* Check every element before moving any, so a type error leaves the array
   * untouched and names the first pair that cannot be ordered. */
  enum sort_class cls = class_of(a->items[0]);
  for (int64_t i = 1; i < a->len; i++) {
    if (cls == CLASS_NONE || class_of(a->items[i]) != cls)
      reml_panic_at(loc, "Type error: cannot sort %s and %s", reml_h_kind_name(a->items[0]),
                    reml_h_kind_name(a->items[i]));
  }
  merge_sort(a->items, a->len, cls);
}
