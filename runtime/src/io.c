/* io.c — the runtime-owned stdout buffer, stderr writes and process exit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* Large enough that print-heavy programs make few write(2) calls. */
#define OUT_BUF_SIZE (64 * 1024)

static char g_out[OUT_BUF_SIZE];
static size_t g_out_len;
static int g_initialized;
/* An interactive terminal sees each line as it is printed. */
static int g_out_is_tty;

void reml_write_all(int fd, const char* bytes, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, bytes, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    bytes += n;
    len -= (size_t)n;
  }
}

static void flush_at_exit(void) { reml_flush_stdout(); }

/* REML_LEAK_CHECK=1 turns debug mode on: native executables call
 * reml_runtime_init before anything else, so no object exists yet. */
static void leak_check_from_environment(void) {
  const char* v = getenv("REML_LEAK_CHECK");
  if (v == NULL || strcmp(v, "1") != 0 || reml_debug_enable()) return;
  static const char msg[] =
      "leak-check: REML_LEAK_CHECK=1 ignored: objects were allocated before reml_runtime_init\n";
  reml_err_write(msg, sizeof msg - 1);
}

void reml_runtime_init(void) {
  if (g_initialized) return;
  g_initialized = 1;
  g_out_is_tty = isatty(STDOUT_FILENO);
  atexit(flush_at_exit);
  leak_check_from_environment();
  reml_guard_read_settings();
}

void reml_flush_stdout(void) {
  /* Anything a host wrote through stdio goes first: it was written earlier
   * than whatever is still in our buffer only if it was flushed before, so
   * flushing stdio here keeps the common case (host banner, then program
   * output) in order. */
  fflush(stdout);
  if (g_out_len == 0) return;
  size_t n = g_out_len;
  g_out_len = 0;
  reml_write_all(STDOUT_FILENO, g_out, n);
}

void reml_out_write(const char* bytes, size_t len) {
  if (!g_initialized) reml_runtime_init();
  if (len > OUT_BUF_SIZE - g_out_len) {
    reml_flush_stdout();
    if (len >= OUT_BUF_SIZE) {
      reml_write_all(STDOUT_FILENO, bytes, len);
      return;
    }
  }
  memcpy(g_out + g_out_len, bytes, len);
  g_out_len += len;
  if (g_out_is_tty && len > 0 && bytes[len - 1] == '\n') reml_flush_stdout();
}

void reml_err_write(const char* bytes, size_t len) {
  reml_flush_stdout();
  reml_write_all(STDERR_FILENO, bytes, len);
}

void reml_exit(int status) {
  reml_flush_stdout();
  exit(status);
}
