// Micro-benchmarks of the runtime's allocator and reference counting
// (Google Benchmark). Each runtime case sits next to its baseline:
//   MallocFree / MemAllocFree         one short-lived block, malloc+free vs
//                                     mem_alloc+mem_free (payload sizes 16, 64)
//   MallocFreeBatch / MemAllocFreeBatch  1024 blocks allocated, then freed
//   IncDecPlain / IncDecAtomic        the header's inline inc/dec pair,
//                                     plain and with REML_RC_ATOMIC
//   IncDecExported                    the exported inc_ref/dec_ref functions
// See bench/README.md for how to read the results.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "reml_runtime.h"

extern "C" {
// rc_bench_loops.c compiled without and with REML_RC_ATOMIC.
void rc_pairs_plain(void* obj, int64_t n);
void rc_pairs_atomic(void* obj, int64_t n);
}

namespace {

constexpr int kBatch = 1024;
constexpr int64_t kPairs = 1000;

void BM_MallocFree(benchmark::State& state) {
  const auto size = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    void* p = std::malloc(size);
    benchmark::DoNotOptimize(p);
    std::free(p);
  }
}

void BM_MemAllocFree(benchmark::State& state) {
  const auto size = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    void* p = mem_alloc(size);
    benchmark::DoNotOptimize(p);
    mem_free(p);
  }
}

void BM_MallocFreeBatch(benchmark::State& state) {
  const auto size = static_cast<size_t>(state.range(0));
  std::vector<void*> blocks(kBatch);
  for (auto _ : state) {
    for (void*& p : blocks) {
      p = std::malloc(size);
      benchmark::DoNotOptimize(p);
    }
    for (void* p : blocks) std::free(p);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_MemAllocFreeBatch(benchmark::State& state) {
  const auto size = static_cast<size_t>(state.range(0));
  std::vector<void*> blocks(kBatch);
  for (auto _ : state) {
    for (void*& p : blocks) {
      p = mem_alloc(size);
      benchmark::DoNotOptimize(p);
    }
    for (void* p : blocks) mem_free(p);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

// `loop` runs kPairs inc/dec pairs on one live object per iteration.
template <void (*loop)(void*, int64_t)>
void BM_IncDec(benchmark::State& state) {
  void* obj = mem_alloc(8);
  for (auto _ : state) loop(obj, kPairs);
  state.SetItemsProcessed(state.iterations() * kPairs);
  mem_free(obj);
}

void ExportedPairs(void* obj, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    inc_ref(obj);
    dec_ref(obj);
  }
}

BENCHMARK(BM_MallocFree)->Arg(16);
BENCHMARK(BM_MemAllocFree)->Arg(16);
BENCHMARK(BM_MallocFree)->Arg(64);
BENCHMARK(BM_MemAllocFree)->Arg(64);
BENCHMARK(BM_MallocFreeBatch)->Arg(16);
BENCHMARK(BM_MemAllocFreeBatch)->Arg(16);
BENCHMARK(BM_MallocFreeBatch)->Arg(64);
BENCHMARK(BM_MemAllocFreeBatch)->Arg(64);
BENCHMARK(BM_IncDec<rc_pairs_plain>)->Name("BM_IncDecPlain");
BENCHMARK(BM_IncDec<rc_pairs_atomic>)->Name("BM_IncDecAtomic");
BENCHMARK(BM_IncDec<ExportedPairs>)->Name("BM_IncDecExported");

}  // namespace

BENCHMARK_MAIN();
