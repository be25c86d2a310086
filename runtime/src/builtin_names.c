/* builtin_names.c — the built-in method names of reml_builtin_methods.def,
 * indexed by method id. */
#include <string.h>

#include "internal.h"

static const char* const g_method_names[REML_METHOD_COUNT] = {
#define BUILTIN_NAME(id, name) name,
#include "reml_builtin_methods.def"
};

const char* reml_builtin_method_name(int32_t id) {
  if (id < 0 || id >= REML_METHOD_COUNT) return NULL;
  return g_method_names[id];
}

int32_t reml_builtin_method_id(const char* name) {
  if (name == NULL) return -1;
  for (int32_t i = 0; i < REML_METHOD_COUNT; i++)
    if (strcmp(g_method_names[i], name) == 0) return i;
  return -1;
}
