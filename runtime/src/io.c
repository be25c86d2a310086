/* io.c — stdout through C's stdio buffer, stderr writes and process exit.
 *
 * Hako output goes through the same stdio buffer as C code's printf, so a
 * program that calls C (docs/ffi.md) sees both in the order they were
 * written, with no flushing on the FFI hot path. */
#if !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* fwrite_unlocked */
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "platform.h"

/* Large enough that print-heavy programs make few write(2) calls. */
#define OUT_BUF_SIZE (64 * 1024)

static int g_initialized;

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
  /* An interactive terminal keeps stdio's line buffering (each line as it is
   * printed); anything else gets a large buffer. Nothing has been written to
   * stdout yet: native programs call this first, and hakoc before it runs. */
  reml_platform_init_stdio(OUT_BUF_SIZE);
  atexit(flush_at_exit);
  leak_check_from_environment();
  reml_guard_read_settings();
}

void reml_flush_stdout(void) { fflush(stdout); }

void reml_out_write(const char* bytes, size_t len) {
  if (!g_initialized) reml_runtime_init();
#if defined(__GLIBC__)
  fwrite_unlocked(bytes, 1, len, stdout); /* Hako programs are single-threaded */
#else
  fwrite(bytes, 1, len, stdout);
#endif
}

void reml_err_write(const char* bytes, size_t len) {
  reml_flush_stdout();
  reml_write_all(REML_STDERR_FD, bytes, len);
}

void reml_exit(int status) {
  reml_flush_stdout();
  exit(status);
}
