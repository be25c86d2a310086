/* platform.c — platform.h for POSIX systems and for Windows (the mingw-w64
 * C library, which also provides the POSIX-style descriptor calls). */
#if defined(_WIN32)
#define _WIN32_WINNT 0x0A00 /* GetCurrentThreadStackLimits (Windows 8 and later) */
#else
#define _POSIX_C_SOURCE 200809L
#endif

#include "platform.h"
#include "reml_runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <time.h>

#if defined(_WIN32)
#include <io.h>
#include <sys/stat.h>
#include <process.h>
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#else
#include <sys/resource.h>
#include <unistd.h>
#endif

void reml_platform_init_stdio(size_t buffer_size) {
#if defined(_WIN32)
  _setmode(REML_STDOUT_FD, _O_BINARY);
  _setmode(REML_STDERR_FD, _O_BINARY);
  if (!_isatty(REML_STDOUT_FD)) setvbuf(stdout, NULL, _IOFBF, buffer_size);
#else
  if (!isatty(REML_STDOUT_FD)) setvbuf(stdout, NULL, _IOFBF, buffer_size);
#endif
}

void reml_write_all(int fd, const char* bytes, size_t len) {
  while (len > 0) {
#if defined(_WIN32)
    /* _write takes an unsigned int count. */
    unsigned chunk = len > (1u << 30) ? (1u << 30) : (unsigned)len;
    int n = _write(fd, bytes, chunk);
#else
    ssize_t n = write(fd, bytes, len);
#endif
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    bytes += n;
    len -= (size_t)n;
  }
}

int reml_platform_open_append(const char* path) {
#if defined(_WIN32)
  return _open(path, _O_WRONLY | _O_APPEND | _O_CREAT | _O_BINARY | _O_NOINHERIT, _S_IREAD | _S_IWRITE);
#else
  return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
#endif
}

void reml_platform_close(int fd) {
#if defined(_WIN32)
  _close(fd);
#else
  close(fd);
#endif
}

int64_t reml_platform_pid(void) {
#if defined(_WIN32)
  return (int64_t)GetCurrentProcessId();
#else
  return (int64_t)getpid();
#endif
}

int reml_platform_utc_now(reml_utc_time_t* out) {
#if defined(_WIN32)
  SYSTEMTIME st;
  GetSystemTime(&st);
  out->year = st.wYear;
  out->month = st.wMonth;
  out->day = st.wDay;
  out->hour = st.wHour;
  out->minute = st.wMinute;
  out->second = st.wSecond;
  out->millisecond = st.wMilliseconds;
  return 1;
#else
  struct timespec ts;
  struct tm tm;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || gmtime_r(&ts.tv_sec, &tm) == NULL) return 0;
  out->year = tm.tm_year + 1900;
  out->month = tm.tm_mon + 1;
  out->day = tm.tm_mday;
  out->hour = tm.tm_hour;
  out->minute = tm.tm_min;
  out->second = tm.tm_sec;
  out->millisecond = (int)(ts.tv_nsec / 1000000);
  return 1;
#endif
}

int64_t reml_stack_size(void) {
#if defined(_WIN32)
  ULONG_PTR low = 0, high = 0;
  GetCurrentThreadStackLimits(&low, &high);
  return high > low ? (int64_t)(high - low) : 0;
#else
  struct rlimit rl;
  if (getrlimit(RLIMIT_STACK, &rl) != 0) return 0;
  if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (rlim_t)INT64_MAX) return INT64_MAX;
  return (int64_t)rl.rlim_cur;
#endif
}
