/* handle_api.c — the Handle API of C code (docs/ffi.md "Ownership"):
 * hako_handle_retain and hako_handle_release, exported by every program, so
 * that a C library keeps or gives back a Hako value exactly as the runtime
 * itself would retain or release it. */
#include "guard.h"
#include "internal.h"

/* The guard (HAKO_FFI_GUARD=1) catches a handle C code kept past its last
 * reference; under HAKO_FAILFAST=0 the call then does nothing. */
REML_GUARDED_VOID(hako_handle_retain, (hako_handle_t h), (h), return, NULL, REML_GA_H(1, h)) {
  reml_h_retain((reml_handle_t)h);
}

/* A release of a value whose count is already 0 reaches reml_rc_destroy's
 * dead-object check, which debug mode reports as a double free. */
REML_GUARDED_VOID(hako_handle_release, (hako_handle_t h), (h), return, NULL, REML_GA_H(1, h)) {
  reml_h_release((reml_handle_t)h);
}
