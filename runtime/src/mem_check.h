/*
 * mem_check.h — hooks that let AddressSanitizer and Valgrind see the
 * runtime's own reuse of memory (the small-block cache and the debug
 * quarantine), so misuse of a freed object is still reported.
 */
#ifndef REML_MEM_CHECK_H
#define REML_MEM_CHECK_H

#include <stddef.h>

/* Whether this translation unit is compiled with AddressSanitizer (GCC
 * spells it __SANITIZE_ADDRESS__, Clang through __has_feature). */
#if defined(__SANITIZE_ADDRESS__)
#define REML_HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REML_HAVE_ASAN 1
#endif
#endif

#ifdef REML_HAVE_ASAN
/* ASan's public poisoning entry points (as in sanitizer/asan_interface.h,
 * which not every compiler installation ships). */
void __asan_poison_memory_region(void const volatile* addr, size_t size);
void __asan_unpoison_memory_region(void const volatile* addr, size_t size);
/* Marks `size` bytes at `p` unusable: any access is an ASan report. */
#define REML_POISON(p, size) __asan_poison_memory_region((p), (size))
/* Makes `size` bytes at `p` usable again. */
#define REML_UNPOISON(p, size) __asan_unpoison_memory_region((p), (size))
#else
#define REML_POISON(p, size) ((void)(p), (void)(size))
#define REML_UNPOISON(p, size) ((void)(p), (void)(size))
#endif

/* Valgrind's client requests, when its headers are installed: they cost a
 * few instructions outside Valgrind and are only used off the hot paths. */
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define REML_HAVE_VALGRIND 1
#endif
#endif

#ifdef REML_HAVE_VALGRIND
/* Whether the process runs under Valgrind. */
#define REML_RUNNING_ON_VALGRIND() (RUNNING_ON_VALGRIND != 0)
/* Tells memcheck that `size` bytes at `p` must not be touched. */
#define REML_VG_NOACCESS(p, size) ((void)VALGRIND_MAKE_MEM_NOACCESS((p), (size)))
/* Tells memcheck that `size` bytes at `p` may be touched again. */
#define REML_VG_DEFINED(p, size) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (size)))
#else
#define REML_RUNNING_ON_VALGRIND() 0
#define REML_VG_NOACCESS(p, size) ((void)(p), (void)(size))
#define REML_VG_DEFINED(p, size) ((void)(p), (void)(size))
#endif

#endif /* REML_MEM_CHECK_H */
