#include "reml_runtime.h"
/* placeholder until the runtime lands */
int reml_placeholder_unused;
