/* leak_report.c — the end of a run: reml_finish and the leak report
 *
 *   leak-check: live: 2 Node, 1 ArrayBox      (only when objects are live)
 *   leak-check: cycle: Node -> Node -> Node   (one line per cycle shape)
 *   leak-check: 3 objects live at exit        (always, last)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "mem_check.h"

typedef struct type_count {
  const char* name;
  uint64_t count;
} type_count_t;

/* Live objects counted by tag: built-in and registered tags index `dense`;
 * the rare other tags (set by hand on raw blocks) go to a short list. */
typedef struct tally {
  uint64_t* dense;
  uint32_t dense_len;
  uint32_t* other_tags;
  uint64_t* other_counts;
  size_t other_len;
  size_t other_cap;
} tally_t;

static void count_object(void* obj, void* ctx) {
  tally_t* t = ctx;
  uint32_t tag = REML_GET_HEADER(obj)->type_tag;
  if (tag < t->dense_len) {
    t->dense[tag]++;
    return;
  }
  for (size_t i = 0; i < t->other_len; i++) {
    if (t->other_tags[i] == tag) {
      t->other_counts[i]++;
      return;
    }
  }
  if (t->other_len == t->other_cap) {
    t->other_cap = t->other_cap ? t->other_cap * 2 : 8;
    t->other_tags = reml_xrealloc(t->other_tags, reml_mul_size(t->other_cap, sizeof(uint32_t)));
    t->other_counts = reml_xrealloc(t->other_counts, reml_mul_size(t->other_cap, sizeof(uint64_t)));
  }
  t->other_tags[t->other_len] = tag;
  t->other_counts[t->other_len++] = 1;
}

static int by_name(const void* a, const void* b) {
  return strcmp(((const type_count_t*)a)->name, ((const type_count_t*)b)->name);
}

/* Most numerous first, ties by name. */
static int by_count(const void* a, const void* b) {
  const type_count_t* x = a;
  const type_count_t* y = b;
  if (x->count != y->count) return x->count > y->count ? -1 : 1;
  return strcmp(x->name, y->name);
}

/* Appends `leak-check: live: ...` for the live tracked objects. */
static void append_live_line(reml_strbuf_t* sb) {
  tally_t t = {0};
  t.dense_len = REML_TAG_USER_BASE + reml_user_type_count();
  t.dense = calloc(t.dense_len, sizeof(uint64_t));
  if (t.dense == NULL) reml_internal_error("out of memory (leak report)");
  reml_debug_for_each_live(count_object, &t);

  size_t n = 0;
  type_count_t* rows = reml_xmalloc(reml_mul_size(t.dense_len + t.other_len, sizeof(type_count_t)));
  /* Names of unregistered tags are formatted; they need storage that lives
   * until the line is written. */
  char(*bufs)[32] = reml_xmalloc(reml_mul_size(t.dense_len + t.other_len, 32));
  for (uint32_t tag = 0; tag < t.dense_len; tag++)
    if (t.dense[tag] > 0) {
      rows[n] = (type_count_t){reml_debug_type_name(tag, bufs[n]), t.dense[tag]};
      n++;
    }
  for (size_t i = 0; i < t.other_len; i++) {
    rows[n] = (type_count_t){reml_debug_type_name(t.other_tags[i], bufs[n]), t.other_counts[i]};
    n++;
  }
  /* Two tags may share a name (a user box named like a built-in). */
  qsort(rows, n, sizeof(type_count_t), by_name);
  size_t merged = 0;
  for (size_t i = 0; i < n; i++) {
    if (merged > 0 && strcmp(rows[merged - 1].name, rows[i].name) == 0)
      rows[merged - 1].count += rows[i].count;
    else
      rows[merged++] = rows[i];
  }
  qsort(rows, merged, sizeof(type_count_t), by_count);

  reml_sb_append_cstr(sb, "leak-check: live:");
  for (size_t i = 0; i < merged; i++) {
    char count[32];
    int len = snprintf(count, sizeof count, "%s%llu ", i == 0 ? " " : ", ", (unsigned long long)rows[i].count);
    reml_sb_append(sb, count, (size_t)len);
    reml_sb_append_cstr(sb, rows[i].name);
  }
  reml_sb_append_byte(sb, '\n');

  free(bufs);
  free(rows);
  free(t.dense);
  free(t.other_tags);
  free(t.other_counts);
}

uint64_t reml_leak_report(void) {
  if (!reml_debug_enabled()) return 0;
  uint64_t live = reml_live_objects();
  reml_strbuf_t sb;
  reml_sb_init(&sb);
  if (live > 0) {
    append_live_line(&sb);
    reml_leak_append_cycles(&sb, live);
  }
  char last[80];
  int len = snprintf(last, sizeof last, "leak-check: %llu objects live at exit\n", (unsigned long long)live);
  reml_sb_append(&sb, last, (size_t)len);
  reml_err_write(sb.data, sb.len); /* flushes stdout first */
  reml_sb_free(&sb);
  return live;
}

int reml_exit_teardown_needed(void) {
#ifdef REML_HAVE_ASAN
  return 1; /* LeakSanitizer reports what the globals kept alive */
#else
  return reml_debug_enabled() || REML_RUNNING_ON_VALGRIND();
#endif
}

int reml_finish(reml_handle_t* globals, uint32_t count, int status) {
  /* Without a leak check, the process's exit reclaims the globals' memory
   * at no cost, and releasing them has no visible effect (memory reclamation
   * never runs fini(), hako-core §8): they are left as they are. */
  if (!reml_exit_teardown_needed()) count = 0;
  for (uint32_t i = 0; i < count; i++) {
    /* Clear the slot first: nothing may reach a field being released. */
    reml_handle_t h = globals[i];
    globals[i] = REML_VOID;
    reml_h_release(h);
  }
  reml_flush_stdout();
  reml_leak_report();
  return status;
}
