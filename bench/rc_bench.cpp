// Micro-benchmarks of the runtime's allocator and reference counting
// (Google Benchmark). Each runtime case sits next to its baseline:
//   MallocFree / MemAllocFree         one short-lived block, malloc+free vs
//                                     mem_alloc+mem_free (payload sizes 16, 64)
//   MallocFreeBatch / MemAllocFreeBatch  1024 blocks allocated, then freed
//   IncDecPlain / IncDecAtomic        the header's inline inc/dec pair,
//                                     plain and with REML_RC_ATOMIC
//   IncDecExported                    the exported inc_ref/dec_ref functions
//   Weak*                             WeakRef: upgrade (live target, with and
//                                     without the release of its result;
//                                     dead target) and weak_new+weak_drop
//                                     (box with a cell; box without one, which
//                                     allocates), each as the header's inline
//                                     bodies in a C loop (-O2; the upgrades
//                                     also with REML_RC_ATOMIC) and through
//                                     the exported nyrt_weak_* functions
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
// The WeakRef loops of rc_bench_loops.c (the upgrades plain and atomic).
void weak_upgrade_release_plain(int64_t w, int64_t n);
void weak_upgrade_release_atomic(int64_t w, int64_t n);
int64_t weak_upgrade_only_plain(int64_t w, int64_t n);
int64_t weak_upgrade_only_atomic(int64_t w, int64_t n);
int64_t weak_upgrade_dead_plain(int64_t w, int64_t n);
void weak_new_drop_plain(int64_t h, int64_t n);
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

// --- WeakRef ----------------------------------------------------------------
// Every case runs kOps operations per iteration and reports microseconds per
// iteration, which reads directly as nanoseconds per operation.

constexpr int64_t kOps = 1000;

// A user box type for instance targets (one field, like a small node).
const char* const kNodeFields[] = {"next"};
const reml_box_type_t kBenchTypes[] = {{"Node", 1, kNodeFields, 0, nullptr, 0, nullptr, nullptr}};

// A new box of kind `kind` (0 instance, 1 ArrayBox, 2 MapBox, 3 ConsoleBox),
// owned, as a handle.
int64_t NewTarget(int64_t kind) {
  reml_register_box_types(kBenchTypes, 1);
  void* p = nullptr;
  switch (kind) {
    case 0: p = reml_instance_new(0); break;
    case 1: p = reml_array_new(); break;
    case 2: p = reml_map_new(); break;
    default: p = reml_console_new(); break;
  }
  return static_cast<int64_t>(reml_h_from_ptr(p));
}

// Labels the case with the kind of its target box.
void LabelKind(benchmark::State& state, int64_t kind) {
  static const char* const kNames[] = {"instance", "ArrayBox", "MapBox", "ConsoleBox"};
  state.SetLabel(kNames[kind]);
}

// The exported upgrade followed by the exported release, as -O0 code calls them.
void ExportedUpgradeRelease(int64_t w, int64_t n) {
  for (int64_t i = 0; i < n; i++) reml_fp_release(static_cast<reml_handle_t>(nyrt_weak_to_strong(w)));
}

// The exported upgrade alone (the caller puts the target's count back).
int64_t ExportedUpgradeOnly(int64_t w, int64_t n) {
  int64_t s = 0;
  for (int64_t i = 0; i < n; i++) s = nyrt_weak_to_strong(w);
  return s;
}

// The exported upgrade of a WeakRef whose target died; counts non-Void results.
int64_t ExportedUpgradeDead(int64_t w, int64_t n) {
  int64_t live = 0;
  for (int64_t i = 0; i < n; i++) live += nyrt_weak_to_strong(w) != 0;
  return live;
}

// The exported `weak` of box `h` and drop of the result.
void ExportedNewDrop(int64_t h, int64_t n) {
  for (int64_t i = 0; i < n; i++) nyrt_weak_drop(nyrt_weak_new(h));
}

// `loop` upgrades a WeakRef to a live target and releases the result.
template <void (*loop)(int64_t, int64_t)>
void BM_WeakUpgradeRelease(benchmark::State& state) {
  int64_t h = NewTarget(state.range(0));
  int64_t w = nyrt_weak_new(h);
  for (auto _ : state) loop(w, kOps);
  state.SetItemsProcessed(state.iterations() * kOps);
  LabelKind(state, state.range(0));
  nyrt_weak_drop(w);
  reml_fp_release(static_cast<reml_handle_t>(h));
}

// `loop` upgrades without releasing; the target's count is put back after
// every batch (one store per kOps upgrades).
template <int64_t (*loop)(int64_t, int64_t)>
void BM_WeakUpgradeOnly(benchmark::State& state) {
  int64_t h = NewTarget(state.range(0));
  int64_t w = nyrt_weak_new(h);
  reml_object_header_t* header = REML_GET_HEADER(reml_h_ptr(static_cast<reml_handle_t>(h)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(loop(w, kOps));
    header->refcount -= static_cast<uint32_t>(kOps);
  }
  state.SetItemsProcessed(state.iterations() * kOps);
  LabelKind(state, state.range(0));
  nyrt_weak_drop(w);
  reml_fp_release(static_cast<reml_handle_t>(h));
}

// `loop` upgrades a WeakRef whose target has died.
template <int64_t (*loop)(int64_t, int64_t)>
void BM_WeakUpgradeDead(benchmark::State& state) {
  int64_t h = NewTarget(state.range(0));
  int64_t w = nyrt_weak_new(h);
  reml_fp_release(static_cast<reml_handle_t>(h));
  for (auto _ : state) benchmark::DoNotOptimize(loop(w, kOps));
  state.SetItemsProcessed(state.iterations() * kOps);
  LabelKind(state, state.range(0));
  nyrt_weak_drop(w);
}

// `loop` takes and drops a weak reference to a box that keeps its cell
// (another weak reference holds it): a count up and down, no allocation.
template <void (*loop)(int64_t, int64_t)>
void BM_WeakNewDropCached(benchmark::State& state) {
  int64_t h = NewTarget(state.range(0));
  int64_t keep = nyrt_weak_new(h);
  for (auto _ : state) loop(h, kOps);
  state.SetItemsProcessed(state.iterations() * kOps);
  LabelKind(state, state.range(0));
  nyrt_weak_drop(keep);
  reml_fp_release(static_cast<reml_handle_t>(h));
}

// `loop` takes and drops the only weak reference to a box: every operation
// allocates the cell and frees it (the allocator's cache hands the same
// block back).
template <void (*loop)(int64_t, int64_t)>
void BM_WeakNewDropFresh(benchmark::State& state) {
  int64_t h = NewTarget(state.range(0));
  for (auto _ : state) loop(h, kOps);
  state.SetItemsProcessed(state.iterations() * kOps);
  LabelKind(state, state.range(0));
  reml_fp_release(static_cast<reml_handle_t>(h));
}

// Inline (what -O2 code runs), then the exported functions; instance
// targets throughout, other box kinds where the path differs (the cell slot
// of a MapBox or ConsoleBox is read out of line).
BENCHMARK(BM_WeakUpgradeRelease<weak_upgrade_release_plain>)->Name("BM_WeakUpgradeReleaseInline")->Arg(0)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WeakUpgradeRelease<weak_upgrade_release_atomic>)->Name("BM_WeakUpgradeReleaseAtomic")->Arg(0)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WeakUpgradeRelease<ExportedUpgradeRelease>)->Name("BM_WeakUpgradeReleaseExported")->Arg(0)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WeakUpgradeOnly<weak_upgrade_only_plain>)->Name("BM_WeakUpgradeOnlyInline")->Arg(0)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WeakUpgradeOnly<weak_upgrade_only_atomic>)->Name("BM_WeakUpgradeOnlyAtomic")->Arg(0)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WeakUpgradeOnly<ExportedUpgradeOnly>)->Name("BM_WeakUpgradeOnlyExported")->Arg(0)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WeakUpgradeDead<weak_upgrade_dead_plain>)->Name("BM_WeakUpgradeDeadInline")->Arg(0)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WeakUpgradeDead<ExportedUpgradeDead>)->Name("BM_WeakUpgradeDeadExported")->Arg(0)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WeakNewDropCached<weak_new_drop_plain>)->Name("BM_WeakNewDropCachedInline")->DenseRange(0, 3)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WeakNewDropCached<ExportedNewDrop>)->Name("BM_WeakNewDropCachedExported")->DenseRange(0, 3)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WeakNewDropFresh<weak_new_drop_plain>)->Name("BM_WeakNewDropFreshInline")->Args({0})->Args({1})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WeakNewDropFresh<ExportedNewDrop>)->Name("BM_WeakNewDropFreshExported")->Args({0})->Args({1})
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
