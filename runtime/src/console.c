/* console.c — ConsoleBox objects (stateless: all their methods print). */
#include "internal.h"

void* reml_console_new(void) { return reml_alloc_object(0, REML_TAG_CONSOLE); }
