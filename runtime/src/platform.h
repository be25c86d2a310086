/* platform.h — the few operating-system services the runtime needs, with
 * one implementation for POSIX systems (Linux, macOS) and one for Windows
 * (platform.c). Everything else in the runtime is standard C. */
#ifndef REML_PLATFORM_H
#define REML_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

/* File descriptors of the standard streams (the same numbers everywhere). */
#define REML_STDOUT_FD 1
#define REML_STDERR_FD 2

/* Puts stdout and stderr in the state Hako programs expect: byte streams
 * (on Windows no "\n" -> "\r\n" translation, so output is identical on
 * every platform) and, when stdout is not a terminal, a large buffer of
 * `buffer_size` bytes. Called once, before anything is written. */
void reml_platform_init_stdio(size_t buffer_size);

/* Writes `len` bytes to file descriptor `fd`, retrying after interruptions
 * and short writes; gives up silently on an error (nothing can report it). */
void reml_write_all(int fd, const char* bytes, size_t len);

/* Opens `path` for appending (created with mode 0644 where modes exist),
 * not inherited by child processes. A descriptor, or -1 with errno set. */
int reml_platform_open_append(const char* path);

/* Closes a descriptor from reml_platform_open_append. */
void reml_platform_close(int fd);

/* The process id. */
int64_t reml_platform_pid(void);

/* The current UTC time split into its calendar fields; false when the
 * clock cannot be read. */
typedef struct reml_utc_time {
  int year, month, day, hour, minute, second, millisecond;
} reml_utc_time_t;
int reml_platform_utc_now(reml_utc_time_t* out);

#endif
