/* console.c — ConsoleBox objects (stateless: all their methods print). */
#include "internal.h"

/* A ConsoleBox's payload: only the slot of its WeakRef cell. */
typedef struct reml_console {
  reml_weak_cell_t* weak;
} reml_console_t;

void* reml_console_new(void) {
  reml_console_t* c = reml_alloc_object(sizeof(reml_console_t), REML_TAG_CONSOLE);
  c->weak = NULL;
  return c;
}

reml_weak_cell_t** reml_console_weak_slot(void* console) { return &((reml_console_t*)console)->weak; }
