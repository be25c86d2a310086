/* print.c — print / ConsoleBox output: a value's toString() text and a
 * newline on stdout (or stderr for warn/error). */
#include <inttypes.h>
#include <stdio.h>

#include "guard.h"
#include "internal.h"

void print_i64(int64_t value) {
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%" PRId64 "\n", value);
  reml_out_write(buf, (size_t)n);
}

void reml_print_f64(double v) {
  char buf[40];
  int n = reml_format_f64(v, buf);
  buf[n++] = '\n';
  reml_out_write(buf, (size_t)n);
}

void reml_print_bool(int64_t b) {
  if (b)
    reml_out_write("true\n", 5);
  else
    reml_out_write("false\n", 6);
}

void reml_print_str(const reml_string_t* s) {
  if (s == NULL) {
    reml_out_write("null\n", 5);
    return;
  }
  reml_out_write(s->data, (size_t)s->len);
  reml_out_write("\n", 1);
}

/* The text of `h` plus a newline, assembled once so it reaches the stream
 * in one piece. */
static void write_value_line(reml_handle_t h, void (*write)(const char*, size_t)) {
  reml_strbuf_t sb;
  reml_sb_init(&sb);
  reml_sb_append_value(&sb, h);
  reml_sb_append_byte(&sb, '\n');
  write(sb.data, sb.len);
  reml_sb_free(&sb);
}

REML_GUARDED_VOID(reml_print_h, (reml_handle_t h), (h), return, NULL, REML_GA_H(1, h)) {
  if (reml_h_is_string(h)) {
    reml_print_str(reml_h_ptr(h));
    return;
  }
  write_value_line(h, reml_out_write);
}

REML_GUARDED_VOID(reml_eprint_h, (reml_handle_t h), (h), return, NULL, REML_GA_H(1, h)) {
  write_value_line(h, reml_err_write);
}
