/* panic.c — the exit paths for user-visible runtime errors and for broken
 * runtime invariants. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "platform.h"

/* The one exit of every user-visible runtime error: `line` (without its
 * newline) is the first line on stderr, the part tools and the VM/native
 * parity tests compare; `message` is its text without the location prefix. */
REML_NORETURN static void user_error_exit(const char* line, size_t line_len, const reml_loc_t* loc,
                                          const char* message, size_t message_len) {
  reml_flush_stdout();
  reml_write_all(REML_STDERR_FD, line, line_len);
  reml_write_all(REML_STDERR_FD, "\n", 1);
  reml_panic_extras(loc, message, message_len);
  exit(1);
}

void panic(const char* msg, int64_t len) {
  if (msg == NULL) {
    msg = "";
    len = 0;
  }
  size_t n = len < 0 ? strlen(msg) : (size_t)len;
  user_error_exit(msg, n, NULL, msg, n);
}

void reml_panic_at(const reml_loc_t* loc, const char* fmt, ...) {
  /* Messages are short; a stack buffer avoids allocating on the error path,
   * and a longer one (a huge method name) is formatted into the heap. */
  char stack[512];
  char* buf = stack;
  int prefix;
  if (loc != NULL) {
    const char* file = loc->file != NULL ? loc->file : "<unknown>";
    prefix = snprintf(stack, sizeof stack, "%s:%u:%u: runtime error: ", file, (unsigned)loc->line,
                      (unsigned)loc->col);
  } else {
    prefix = snprintf(stack, sizeof stack, "runtime error: ");
  }
  if (prefix < 0) prefix = 0;
  va_list ap;
  va_start(ap, fmt);
  va_list ap2;
  va_copy(ap2, ap);
  int body = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (body < 0) body = 0;
  size_t total = (size_t)prefix + (size_t)body + 1;
  if (total > sizeof stack) {
    char* heap = malloc(total);
    if (heap != NULL) {
      /* Re-format the prefix: it may have been truncated in `stack`. */
      if (loc != NULL) {
        snprintf(heap, total, "%s:%u:%u: runtime error: ", loc->file != NULL ? loc->file : "<unknown>",
                 (unsigned)loc->line, (unsigned)loc->col);
      } else {
        snprintf(heap, total, "runtime error: ");
      }
      buf = heap;
    } else {
      total = sizeof stack;
    }
  }
  size_t used = strlen(buf);
  if (used < total) vsnprintf(buf + used, total - used, fmt, ap2);
  va_end(ap2);
  size_t line_len = strlen(buf);
  user_error_exit(buf, line_len, loc, buf + used, line_len - used);
}

void reml_stack_overflow(const reml_loc_t* loc) { reml_panic_at(loc, "Stack overflow"); }

void reml_internal_error(const char* fmt, ...) {
  /* No allocation here: this is also the out-of-memory path. */
  char buf[512];
  int n = snprintf(buf, sizeof buf, "internal runtime error: ");
  if (n < 0) n = 0;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
  va_end(ap);
  reml_flush_stdout();
  reml_write_all(REML_STDERR_FD, buf, strlen(buf));
  reml_write_all(REML_STDERR_FD, "\n", 1);
  exit(70);
}
