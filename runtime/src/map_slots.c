/* map_slots.c — the memory of MapBox's slot tables (map_layout.h).
 *
 * A lookup in a large map reads one random slot, so past the reach of the
 * TLB (a few megabytes of 4 KiB pages) each lookup also walks the page
 * tables: a second miss. On Linux a table of at least REML_MAP_HUGE_BYTES
 * is therefore its own anonymous mapping, aligned to 2 MiB and marked
 * MADV_HUGEPAGE, so that transparent huge pages back it where the system
 * allows them (the default "madvise" setting). Fresh mappings are zero, so
 * no pass clears them. Smaller tables, and other systems, use calloc.
 * docs/runtime.md, "MapBox", gives the measurements. */
#include <stdlib.h>

#include "internal.h"
#include "map_layout.h"

#if defined(__linux__)
#include <stdint.h>
#include <sys/mman.h>
#define HUGE_PAGE ((size_t)2 << 20)
#endif

/* Tables from this size on get a mapping of their own (Linux). */
#define REML_MAP_HUGE_BYTES ((size_t)2 << 20)

/* The bytes of `count` slots; the caller bounds count by MAP_MAX_LOG2. */
static size_t table_bytes(uint64_t count) { return reml_mul_size((size_t)count, sizeof(map_slot_t)); }

#if defined(__linux__)
/* The length of a huge table's mapping: whole 2 MiB pages. */
static size_t mapped_bytes(size_t bytes) { return (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1); }
#endif

map_slot_t* reml_map_slots_new(uint64_t count) {
  size_t bytes = table_bytes(count);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (bytes >= REML_MAP_HUGE_BYTES) {
    size_t len = mapped_bytes(bytes);
    /* Map one page more than needed, then unmap what lies outside the
     * 2 MiB-aligned part. */
    uint8_t* raw = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) reml_internal_error("out of memory (%zu bytes)", bytes);
    uint8_t* start = (uint8_t*)(((uintptr_t)raw + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    if (start > raw) munmap(raw, (size_t)(start - raw));
    size_t tail = (size_t)(raw + len + HUGE_PAGE - (start + len));
    if (tail > 0) munmap(start + len, tail);
    (void)madvise(start, len, MADV_HUGEPAGE); /* advice only: the table works without it */
    return (map_slot_t*)start;
  }
#endif
  map_slot_t* slots = calloc((size_t)count, sizeof(map_slot_t));
  if (slots == NULL) reml_internal_error("out of memory (%zu bytes)", bytes);
  return slots;
}

void reml_map_slots_free(map_slot_t* slots, uint64_t count) {
  if (slots == NULL) return;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  size_t bytes = table_bytes(count);
  if (bytes >= REML_MAP_HUGE_BYTES) { /* a mapping of its own, as reml_map_slots_new made it */
    munmap(slots, mapped_bytes(bytes));
    return;
  }
#else
  (void)count;
#endif
  free(slots);
}
