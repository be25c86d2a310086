// Counts runtime objects allocated and freed since construction, so a test
// can check that everything it allocated was freed again.
#pragma once

#include <cstdint>

#include "reml_runtime.h"

class AllocCounter {
 public:
  AllocCounter() : before_(reml_alloc_stats()) {}
  // Objects allocated since construction and not yet freed.
  uint64_t Live() const {
    reml_alloc_stats_t now = reml_alloc_stats();
    return (now.allocations - before_.allocations) - (now.frees - before_.frees);
  }
  // Objects allocated since construction.
  uint64_t Allocated() const { return reml_alloc_stats().allocations - before_.allocations; }

 private:
  reml_alloc_stats_t before_;
};
