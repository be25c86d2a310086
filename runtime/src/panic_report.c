/* panic_report.c — what a user error adds after its first line: the
 * `note: process <pid> at <time>` line in debug mode, and one JSON line
 * appended to the file named by $REML_PANIC_LOG:
 *   {"message": "...", "file": "t.hako", "line": 3, "col": 9, "pid": 42,
 *    "time": "2026-01-02T03:04:05.678Z"}
 * (file, line and col are null when the error has no location). Nothing
 * here allocates: this runs on the way out, possibly out of memory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "platform.h"

/* The current UTC time as ISO 8601 with milliseconds and a Z. */
static void utc_now(char out[64]) {
  reml_utc_time_t t;
  if (!reml_platform_utc_now(&t)) {
    snprintf(out, 64, "1970-01-01T00:00:00.000Z");
    return;
  }
  snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.year, t.month, t.day, t.hour, t.minute, t.second,
           t.millisecond);
}

/* A small write buffer: a typical line leaves in one write(2), which
 * O_APPEND keeps whole even when several processes share the log. */
typedef struct out {
  int fd;
  size_t len;
  char buf[4096];
} out_t;

static void out_flush(out_t* o) {
  reml_write_all(o->fd, o->buf, o->len);
  o->len = 0;
}

static void out_put(out_t* o, const char* bytes, size_t n) {
  while (n > 0) {
    if (o->len == sizeof o->buf) out_flush(o);
    size_t room = sizeof o->buf - o->len;
    size_t k = n < room ? n : room;
    memcpy(o->buf + o->len, bytes, k);
    o->len += k;
    bytes += k;
    n -= k;
  }
}

static void out_cstr(out_t* o, const char* s) { out_put(o, s, strlen(s)); }

/* The length of the well-formed UTF-8 sequence at `s` (at most `n` bytes
 * available), or 0 when the bytes there are not one. */
static size_t utf8_len(const unsigned char* s, size_t n) {
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    if (c == 0xe0) lo = 0xa0;      /* no overlong forms */
    if (c == 0xed) hi = 0x9f;      /* no surrogates */
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    if (c == 0xf0) lo = 0x90;      /* no overlong forms */
    if (c == 0xf4) hi = 0x8f;      /* nothing above U+10FFFF */
  } else {
    return 0;
  }
  if (n < len || s[1] < lo || s[1] > hi) return 0;
  for (size_t i = 2; i < len; i++)
    if (s[i] < 0x80 || s[i] > 0xbf) return 0;
  return len;
}

/* Writes `bytes` as a JSON string literal; bytes that are not UTF-8 become
 * U+FFFD so the line stays valid JSON. */
static void out_json_string(out_t* o, const char* bytes, size_t n) {
  const unsigned char* s = (const unsigned char*)bytes;
  out_put(o, "\"", 1);
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    char esc[8];
    switch (c) {
      case '"': out_put(o, "\\\"", 2); i++; continue;
      case '\\': out_put(o, "\\\\", 2); i++; continue;
      case '\n': out_put(o, "\\n", 2); i++; continue;
      case '\r': out_put(o, "\\r", 2); i++; continue;
      case '\t': out_put(o, "\\t", 2); i++; continue;
      case '\b': out_put(o, "\\b", 2); i++; continue;
      case '\f': out_put(o, "\\f", 2); i++; continue;
      default: break;
    }
    if (c < 0x20) {
      snprintf(esc, sizeof esc, "\\u%04x", c);
      out_put(o, esc, 6);
      i++;
      continue;
    }
    size_t len = utf8_len(s + i, n - i);
    if (len == 0) {
      out_put(o, "\\ufffd", 6);
      i++;
      continue;
    }
    out_put(o, bytes + i, len);
    i += len;
  }
  out_put(o, "\"", 1);
}

static void append_log_line(const char* path, const reml_loc_t* loc, const char* message, size_t len, int64_t pid,
                            const char* when) {
  int fd = reml_platform_open_append(path);
  if (fd < 0) {
    char note[512];
    int n = snprintf(note, sizeof note, "note: cannot append to the panic log '%s' (REML_PANIC_LOG): %s\n", path,
                     strerror(errno));
    if (n > 0) reml_write_all(REML_STDERR_FD, note, (size_t)n < sizeof note ? (size_t)n : sizeof note - 1);
    return;
  }
  out_t o;
  o.fd = fd;
  o.len = 0;
  char num[32];
  out_cstr(&o, "{\"message\": ");
  out_json_string(&o, message, len);
  if (loc != NULL) {
    const char* file = loc->file != NULL ? loc->file : "<unknown>";
    out_cstr(&o, ", \"file\": ");
    out_json_string(&o, file, strlen(file));
    snprintf(num, sizeof num, ", \"line\": %u", (unsigned)loc->line);
    out_cstr(&o, num);
    snprintf(num, sizeof num, ", \"col\": %u", (unsigned)loc->col);
    out_cstr(&o, num);
  } else {
    out_cstr(&o, ", \"file\": null, \"line\": null, \"col\": null");
  }
  snprintf(num, sizeof num, ", \"pid\": %lld", (long long)pid);
  out_cstr(&o, num);
  out_cstr(&o, ", \"time\": \"");
  out_cstr(&o, when);
  out_cstr(&o, "\"}\n");
  out_flush(&o);
  reml_platform_close(fd);
}

void reml_panic_extras(const reml_loc_t* loc, const char* message, size_t len) {
  const char* path = getenv("REML_PANIC_LOG");
  bool log = path != NULL && path[0] != '\0';
  bool debug = reml_debug_enabled() != 0;
  if (!log && !debug) return;
  char when[64];
  utc_now(when);
  int64_t pid = reml_platform_pid();
  if (debug) {
    char note[128];
    int n = snprintf(note, sizeof note, "note: process %lld at %s\n", (long long)pid, when);
    if (n > 0) reml_write_all(REML_STDERR_FD, note, (size_t)n);
  }
  if (log) append_log_line(path, loc, message, len, pid, when);
}
