// Unit tests of the runtime's WeakRef cells (reml_runtime.h, "WeakRef";
// docs/runtime.md, "WeakRef"): nyrt_weak_new / nyrt_weak_to_strong /
// nyrt_weak_drop and their inline bodies on every kind of box, cell identity
// and counts, both orders of strong and weak death, what the destructor of a
// dead target releases, MapBox.clear(), values that cannot be weak targets,
// printing, `==`, the built-in weak_to_strong(), the weak-field contract and
// its error texts, the fini bits that share an instance's flags word with the
// cell pointer, the leak report with weak links, and debug-mode runs that
// would expose a use after free or a double free.
//
// The box type table is a process global that other runtime test files
// replace with theirs, so every test here registers its own first.
#include "alloc_counter.h"
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ostream>
#include <string>

#include "reml_runtime.h"

// Whether this file is compiled with AddressSanitizer, which poisons freed
// objects: reading their bytes to look for stray writes is then ASan's job.
#if defined(__SANITIZE_ADDRESS__)
#define WEAK_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEAK_TEST_ASAN 1
#endif
#endif
#ifndef WEAK_TEST_ASAN
#define WEAK_TEST_ASAN 0
#endif

// Under Valgrind debug mode makes freed payloads inaccessible, and memcheck
// reports any access to them itself.
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define WEAK_TEST_ON_VALGRIND() (RUNNING_ON_VALGRIND != 0)
#else
#define WEAK_TEST_ON_VALGRIND() 0
#endif

namespace {

const reml_loc_t kLoc = {"t.hako", 3, 9};

// Parent holds its children strongly; Child points back through a weak
// field (field 0) and has an ordinary one; Node is a one-field box for
// strong cycles.
const char* const kParentFields[] = {"children", "name"};
const char* const kChildFields[] = {"parent", "value"};
const uint8_t kChildWeak[] = {1, 0};
const char* const kNodeFields[] = {"next"};
const reml_box_type_t kTypes[] = {
    {"Parent", 2, kParentFields, 0, nullptr, 0, nullptr, nullptr},
    {"Child", 2, kChildFields, 0, kChildWeak, 0, nullptr, nullptr},
    {"Node", 1, kNodeFields, 0, nullptr, 0, nullptr, nullptr},
};
constexpr uint32_t kParent = 0, kChild = 1, kNode = 2;

void RegisterTypes() { reml_register_box_types(kTypes, 3); }

// The strong count in an object's header.
uint32_t Count(const void* p) { return REML_GET_HEADER(p)->refcount; }

// The cell behind a nonzero weak handle.
reml_weak_cell_t* Cell(int64_t w) { return static_cast<reml_weak_cell_t*>(reml_h_ptr(static_cast<reml_handle_t>(w))); }

// The handle of an object pointer, as the seed ABI passes it.
int64_t H(void* p) { return static_cast<int64_t>(reml_h_from_ptr(p)); }

// toString() of a borrowed value.
std::string Text(reml_handle_t h) {
  reml_string_t* s = reml_h_to_string(h);
  std::string r(s->data, static_cast<size_t>(s->len));
  dec_ref(s);
  return r;
}

// The kinds of box a WeakRef may point at, each with its constructor.
struct BoxKind {
  const char* name;
  void* (*make)();
};

void* MakeInstance() { return reml_instance_new(kNode); }
void* MakeArray() { return reml_array_new(); }
void* MakeMap() { return reml_map_new(); }
void* MakeConsole() { return reml_console_new(); }

// Test names and failure messages show the kind by name.
void PrintTo(const BoxKind& kind, std::ostream* os) { *os << kind.name; }

const BoxKind kKinds[] = {
    {"Node", MakeInstance},
    {"ArrayBox", MakeArray},
    {"MapBox", MakeMap},
    {"ConsoleBox", MakeConsole},
};

class RuntimeWeakKinds : public ::testing::TestWithParam<BoxKind> {
 protected:
  void SetUp() override { RegisterTypes(); }
  void* Make() const { return GetParam().make(); }
};

class RuntimeWeak : public ::testing::Test {
 protected:
  void SetUp() override { RegisterTypes(); }
};

// ---------------------------------------------------------------------------
// Every kind of box
// ---------------------------------------------------------------------------

TEST_P(RuntimeWeakKinds, NewGivesACellOfTagWeak) {
  AllocCounter leaks;
  void* box = Make();
  ASSERT_EQ(reml_weak_slot_get(box), nullptr) << "a new box has no cell";
  int64_t w = nyrt_weak_new(H(box));
  ASSERT_NE(w, 0);
  EXPECT_EQ(reml_h_tag(static_cast<reml_handle_t>(w)), static_cast<uint32_t>(REML_TAG_WEAK));
  EXPECT_STREQ(reml_h_kind_name(static_cast<reml_handle_t>(w)), "WeakRef");
  EXPECT_EQ(Cell(w)->target, box);
  EXPECT_EQ(reml_weak_slot_get(box), Cell(w)) << "the box finds its cell";
  EXPECT_EQ(Count(Cell(w)), 1u) << "one weak reference";
  EXPECT_EQ(Count(box), 1u) << "the strong reference stays borrowed";
  EXPECT_EQ(reml_weak_alive(w), 1);
  EXPECT_EQ(leaks.Allocated(), 2u) << "the box and its cell";
  nyrt_weak_drop(w);
  EXPECT_EQ(leaks.Live(), 1u) << "the last weak reference frees the cell";
  EXPECT_EQ(reml_weak_slot_get(box), nullptr) << "and the box forgets it";
  EXPECT_EQ(Count(box), 1u);
  dec_ref(box);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST_P(RuntimeWeakKinds, SecondWeakSharesTheCell) {
  AllocCounter leaks;
  void* box = Make();
  int64_t w1 = nyrt_weak_new(H(box));
  int64_t w2 = nyrt_weak_new(H(box));
  EXPECT_EQ(w1, w2) << "one cell per box";
  EXPECT_EQ(Count(Cell(w1)), 2u);
  EXPECT_EQ(leaks.Allocated(), 2u) << "the second weak reference allocates nothing";
  // The inline body and the checked entry point count the same way.
  int64_t w3 = reml_weak_new_inline(H(box));
  int64_t w4 = reml_weak_new_checked(reml_h_from_ptr(box), &kLoc);
  EXPECT_EQ(w3, w1);
  EXPECT_EQ(w4, w1);
  EXPECT_EQ(Count(Cell(w1)), 4u);
  nyrt_weak_drop(w4);
  reml_weak_drop_inline(w3);
  nyrt_weak_drop(w2);
  EXPECT_EQ(Count(Cell(w1)), 1u);
  EXPECT_EQ(leaks.Live(), 2u) << "the cell lives while one weak reference does";
  nyrt_weak_drop(w1);
  EXPECT_EQ(leaks.Live(), 1u);
  dec_ref(box);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST_P(RuntimeWeakKinds, UpgradeOfALiveTargetRetainsIt) {
  AllocCounter leaks;
  void* box = Make();
  int64_t w = nyrt_weak_new(H(box));
  int64_t s = nyrt_weak_to_strong(w);
  EXPECT_EQ(s, H(box));
  EXPECT_GT(s, 0) << "a strong handle is a positive word";
  EXPECT_EQ(Count(box), 2u) << "the upgrade is a new strong reference";
  EXPECT_EQ(Count(Cell(w)), 1u) << "and leaves the weak count alone";
  int64_t s2 = reml_weak_to_strong_inline(w);
  EXPECT_EQ(s2, H(box));
  EXPECT_EQ(Count(box), 3u);
  EXPECT_EQ(leaks.Allocated(), 2u) << "upgrades allocate nothing";
  reml_h_release(static_cast<reml_handle_t>(s2));
  reml_h_release(static_cast<reml_handle_t>(s));
  EXPECT_EQ(Count(box), 1u);
  nyrt_weak_drop(w);
  dec_ref(box);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST_P(RuntimeWeakKinds, StrongDiesFirstThenWeak) {
  AllocCounter leaks;
  void* box = Make();
  int64_t w = nyrt_weak_new(H(box));
  reml_weak_cell_t* cell = Cell(w);
  dec_ref(box);
  EXPECT_EQ(leaks.Live(), 1u) << "the box is freed, its cell is not";
  EXPECT_EQ(cell->target, nullptr);
  EXPECT_EQ(Count(cell), 1u);
  EXPECT_EQ(nyrt_weak_to_strong(w), 0);
  EXPECT_EQ(reml_weak_to_strong_inline(w), 0);
  EXPECT_EQ(reml_weak_alive(w), 0);
  nyrt_weak_drop(w);
  EXPECT_EQ(leaks.Live(), 0u) << "the last weak reference frees the cell";
}

TEST_P(RuntimeWeakKinds, WeakDiesFirstThenStrong) {
  AllocCounter leaks;
  void* box = Make();
  int64_t w = nyrt_weak_new(H(box));
  nyrt_weak_drop(w);
  EXPECT_EQ(leaks.Live(), 1u);
  EXPECT_EQ(reml_weak_slot_get(box), nullptr);
  // A later weak reference gets a cell of its own.
  AllocCounter again;
  int64_t w2 = nyrt_weak_new(H(box));
  EXPECT_EQ(again.Allocated(), 1u);
  EXPECT_EQ(Cell(w2)->target, box);
  nyrt_weak_drop(w2);
  dec_ref(box);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST_P(RuntimeWeakKinds, ContainersCountWeakReferences) {
  AllocCounter leaks;
  void* box = Make();
  int64_t w = nyrt_weak_new(H(box));
  reml_array_t* a = reml_array_new();
  reml_map_t* m = reml_map_new();
  // A WeakRef stored in a container is one more weak reference, not a
  // strong one to the target.
  reml_array_push(a, static_cast<reml_handle_t>(w));
  reml_map_set(m, reml_box_i64(1), static_cast<reml_handle_t>(w), &kLoc);
  EXPECT_EQ(Count(Cell(w)), 3u);
  EXPECT_EQ(Count(box), 1u);
  reml_handle_t got = reml_array_get(a, 0);
  EXPECT_EQ(got, static_cast<reml_handle_t>(w));
  EXPECT_EQ(Count(Cell(w)), 4u);
  reml_h_release(got);
  nyrt_weak_drop(w);
  dec_ref(box);
  EXPECT_EQ(leaks.Live(), 3u) << "the array, the map and the cell";
  EXPECT_EQ(Text(reml_h_from_ptr(a)), "[WeakRef(dropped)]");
  dec_ref(a);
  dec_ref(m);
  EXPECT_EQ(leaks.Live(), 0u);
}

INSTANTIATE_TEST_SUITE_P(AllBoxes, RuntimeWeakKinds, ::testing::ValuesIn(kKinds),
                         [](const ::testing::TestParamInfo<BoxKind>& info) { return std::string(info.param.name); });

// ---------------------------------------------------------------------------
// Destructors, clearing, and the order of deaths
// ---------------------------------------------------------------------------

TEST_F(RuntimeWeak, DeadTargetReleasedItsFields) {
  AllocCounter leaks;
  reml_instance_t* parent = reml_instance_new(kParent);
  reml_array_t* children = reml_array_new();
  reml_dyn_set_field(reml_h_from_ptr(parent), "children", reml_h_from_ptr(children), &kLoc);
  EXPECT_EQ(Count(children), 2u);
  int64_t w = nyrt_weak_new(H(parent));
  dec_ref(parent);
  // The parent's destructor ran although a weak reference to it remains.
  EXPECT_EQ(Count(children), 1u) << "the dead parent released its field";
  EXPECT_EQ(nyrt_weak_to_strong(w), 0);
  EXPECT_EQ(leaks.Live(), 2u) << "the children array and the cell";
  dec_ref(children);
  nyrt_weak_drop(w);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST_F(RuntimeWeak, DeadTargetIsFreedWhileItsCellLives) {
  AllocCounter leaks;
  reml_array_t* a = reml_array_new();
  reml_handle_t s = reml_h_from_ptr(reml_str_new("item", 4));
  reml_array_push(a, s);
  reml_h_release(s);
  int64_t w = nyrt_weak_new(H(a));
  reml_alloc_stats_t before = reml_alloc_stats();
  dec_ref(a);
  reml_alloc_stats_t after = reml_alloc_stats();
  EXPECT_EQ(after.frees - before.frees, 2u) << "the array and its String; not the cell";
  EXPECT_EQ(nyrt_weak_to_strong(w), 0);
  before = reml_alloc_stats();
  nyrt_weak_drop(w);
  after = reml_alloc_stats();
  EXPECT_EQ(after.frees - before.frees, 1u) << "the cell goes with the last weak reference";
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST_F(RuntimeWeak, MapClearKeepsTheCell) {
  AllocCounter leaks;
  reml_map_t* m = reml_map_new();
  for (int64_t i = 0; i < 20; i++) reml_map_set(m, reml_box_i64(i), reml_box_i64(i * i), &kLoc);
  int64_t w1 = nyrt_weak_new(H(m));
  reml_map_clear(m);
  EXPECT_EQ(reml_map_size(m), 0);
  EXPECT_EQ(Cell(w1)->target, static_cast<void*>(m)) << "clear empties the map, it does not replace it";
  int64_t w2 = nyrt_weak_new(H(m));
  EXPECT_EQ(w2, w1) << "the cleared map still finds its cell";
  // The map works after the clear and keeps its cell through growth.
  for (int64_t i = 0; i < 100; i++) reml_map_set(m, reml_box_i64(i), reml_box_i64(i), &kLoc);
  EXPECT_EQ(reml_weak_slot_get(m), Cell(w1));
  int64_t s = nyrt_weak_to_strong(w2);
  EXPECT_EQ(s, H(m));
  reml_h_release(static_cast<reml_handle_t>(s));
  dec_ref(m);
  EXPECT_EQ(nyrt_weak_to_strong(w1), 0);
  EXPECT_EQ(Text(static_cast<reml_handle_t>(w1)), "WeakRef(dropped)");
  nyrt_weak_drop(w1);
  nyrt_weak_drop(w2);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST_F(RuntimeWeak, ArrayClearAndGrowthKeepTheCell) {
  AllocCounter leaks;
  reml_array_t* a = reml_array_new();
  int64_t w = nyrt_weak_new(H(a));
  for (int64_t i = 0; i < 1000; i++) reml_array_push(a, reml_box_i64(i));
  reml_array_clear(a);
  EXPECT_EQ(a->weak, Cell(w));
  EXPECT_EQ(nyrt_weak_new(H(a)), w);
  nyrt_weak_drop(w);
  nyrt_weak_drop(w);
  EXPECT_EQ(a->weak, nullptr);
  dec_ref(a);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST_F(RuntimeWeak, BoxHoldingTheOnlyWeakRefToItself) {
  AllocCounter leaks;
  reml_instance_t* c = reml_instance_new(kChild);
  int64_t w = nyrt_weak_new(H(c));
  reml_dyn_set_field(reml_h_from_ptr(c), "parent", static_cast<reml_handle_t>(w), &kLoc);
  nyrt_weak_drop(w);  // the field holds the one weak reference now
  EXPECT_EQ(Count(Cell(w)), 1u);
  // Releasing the box clears its cell, then its field drops the cell's last
  // reference in the same release.
  dec_ref(c);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST_F(RuntimeWeak, StrongAndWeakDroppedInOneReleaseEitherOrder) {
  // A container holding a box's only strong reference and a weak one: its
  // destructor puts both on the release worklist, in element order.
  for (int strong_first = 0; strong_first < 2; strong_first++) {
    AllocCounter leaks;
    reml_array_t* holder = reml_array_new();
    reml_instance_t* target = reml_instance_new(kParent);
    int64_t w = nyrt_weak_new(H(target));
    if (strong_first) {
      reml_array_push(holder, reml_h_from_ptr(target));
      reml_array_push(holder, static_cast<reml_handle_t>(w));
    } else {
      reml_array_push(holder, static_cast<reml_handle_t>(w));
      reml_array_push(holder, reml_h_from_ptr(target));
    }
    dec_ref(target);
    nyrt_weak_drop(w);
    EXPECT_EQ(Count(target), 1u);
    EXPECT_EQ(Count(Cell(w)), 1u);
    dec_ref(holder);
    EXPECT_EQ(leaks.Live(), 0u) << "strong first: " << strong_first;
  }
}

TEST_F(RuntimeWeak, FiniBitsAndTheCellShareTheFlagsWord) {
  AllocCounter leaks;
  reml_instance_t* n = reml_instance_new(kNode);
  reml_handle_t h = reml_h_from_ptr(n);
  int64_t w = nyrt_weak_new(H(n));
  EXPECT_EQ(n->flags & 7u, 0u) << "the cell pointer leaves the low bits free";
  ASSERT_EQ(reml_fini_begin(h), 1);
  EXPECT_EQ(n->flags & REML_INSTANCE_FINALISING, REML_INSTANCE_FINALISING);
  EXPECT_EQ(reml_weak_slot_get(n), Cell(w)) << "fini_begin kept the cell";
  reml_fini_end(h);
  EXPECT_EQ(n->flags & 7u, REML_INSTANCE_FINALISED);
  EXPECT_EQ(reml_weak_slot_get(n), Cell(w)) << "fini_end kept the cell";
  EXPECT_EQ(reml_fini_begin(h), 0) << "the cell did not hide the finalised bit";
  nyrt_weak_drop(w);
  EXPECT_EQ(n->flags, REML_INSTANCE_FINALISED) << "dropping the cell keeps the lifetime bits";
  // A cell made after fini() keeps them as well.
  int64_t w2 = nyrt_weak_new(H(n));
  EXPECT_EQ(n->flags & 7u, REML_INSTANCE_FINALISED);
  EXPECT_EQ(reml_weak_slot_get(n), Cell(w2));
  dec_ref(n);
  EXPECT_EQ(nyrt_weak_to_strong(w2), 0);
  nyrt_weak_drop(w2);
  EXPECT_EQ(leaks.Live(), 0u);
}

// ---------------------------------------------------------------------------
// Values that are not boxes, and Void
// ---------------------------------------------------------------------------

TEST_F(RuntimeWeak, NonBoxesGiveVoid) {
  reml_handle_t str = reml_h_from_ptr(reml_str_new("s", 1));
  reml_handle_t lit = reml_h_from_ptr(reml_str_new_immortal("lit", 3));
  reml_handle_t flt = reml_box_f64(1.5);
  reml_handle_t big = reml_box_i64(INT64_MAX);
  reml_array_t* a = reml_array_new();
  int64_t w = nyrt_weak_new(H(a));
  AllocCounter leaks;
  const reml_handle_t values[] = {REML_VOID,          reml_box_i64(0), reml_box_i64(-1), reml_box_i64(42), str, lit,
                                  flt,                big,             reml_box_bool(1), reml_box_bool(0),
                                  static_cast<reml_handle_t>(w)};
  for (reml_handle_t v : values) {
    EXPECT_EQ(nyrt_weak_new(static_cast<int64_t>(v)), 0) << reml_h_kind_name(v);
    EXPECT_EQ(reml_weak_new_inline(static_cast<int64_t>(v)), 0) << reml_h_kind_name(v);
  }
  EXPECT_EQ(leaks.Allocated(), 0u) << "no cell was made";
  EXPECT_EQ(Count(Cell(w)), 1u) << "a WeakRef is not the target of another";
  EXPECT_EQ(Count(reml_h_ptr(str)), 1u);
  nyrt_weak_drop(w);
  dec_ref(a);
  reml_h_release(str);
  reml_h_release(flt);
  reml_h_release(big);
}

TEST_F(RuntimeWeak, ZeroIsVoid) {
  AllocCounter leaks;
  EXPECT_EQ(nyrt_weak_to_strong(0), 0);
  EXPECT_EQ(reml_weak_to_strong_inline(0), 0);
  EXPECT_EQ(reml_weak_alive(0), 0);
  nyrt_weak_drop(0);
  reml_weak_drop_inline(0);
  EXPECT_EQ(leaks.Allocated(), 0u);
  EXPECT_EQ(leaks.Live(), 0u);
}

// ---------------------------------------------------------------------------
// Printing, equality and the built-in method
// ---------------------------------------------------------------------------

// What reml_print_h writes for `h`.
std::string Printed(reml_handle_t h) {
  reml_flush_stdout();
  testing::internal::CaptureStdout();
  reml_print_h(h);
  reml_flush_stdout();
  return testing::internal::GetCapturedStdout();
}

TEST_F(RuntimeWeak, PrintsAliveThenDropped) {
  AllocCounter leaks;
  reml_map_t* m = reml_map_new();
  reml_handle_t w = static_cast<reml_handle_t>(nyrt_weak_new(H(m)));
  reml_array_t* shown = reml_array_new();
  reml_array_push(shown, w);
  EXPECT_EQ(Text(w), "WeakRef(alive)");
  EXPECT_EQ(Printed(w), "WeakRef(alive)\n");
  EXPECT_EQ(Text(reml_h_from_ptr(shown)), "[WeakRef(alive)]");
  reml_handle_t via_method = reml_call_builtin(w, REML_METHOD_TO_STRING, "toString", 0, nullptr, &kLoc);
  EXPECT_EQ(Text(via_method), "WeakRef(alive)");
  reml_h_release(via_method);
  dec_ref(m);
  EXPECT_EQ(Text(w), "WeakRef(dropped)");
  EXPECT_EQ(Printed(w), "WeakRef(dropped)\n");
  EXPECT_EQ(Text(reml_h_from_ptr(shown)), "[WeakRef(dropped)]");
  dec_ref(shown);
  reml_h_release(w);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST_F(RuntimeWeak, EqualityIsTheIdentityOfTheTarget) {
  AllocCounter leaks;
  reml_array_t* a = reml_array_new();
  reml_array_t* b = reml_array_new();
  reml_handle_t wa1 = static_cast<reml_handle_t>(nyrt_weak_new(H(a)));
  reml_handle_t wa2 = static_cast<reml_handle_t>(nyrt_weak_new(H(a)));
  reml_handle_t wb = static_cast<reml_handle_t>(nyrt_weak_new(H(b)));
  EXPECT_EQ(reml_dyn_eq(wa1, wa2), 1);
  EXPECT_EQ(reml_dyn_eq_fast(wa1, wa2), 1);
  EXPECT_EQ(reml_dyn_eq(wa1, wb), 0);
  EXPECT_EQ(reml_dyn_eq(wa1, reml_h_from_ptr(a)), 0) << "a WeakRef is not its target";
  EXPECT_EQ(reml_dyn_eq(wa1, REML_VOID), 0);
  EXPECT_EQ(reml_array_index_of(b, wa1), -1);
  reml_array_push(b, wa2);
  EXPECT_EQ(reml_array_index_of(b, wa1), 0) << "contains/indexOf use the same equality";
  dec_ref(a);
  EXPECT_EQ(reml_dyn_eq(wa1, wa2), 1) << "still the same value once the target died";
  EXPECT_EQ(reml_dyn_eq(wa1, wb), 0);
  reml_h_release(wa1);
  reml_h_release(wa2);
  reml_h_release(wb);
  dec_ref(b);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST_F(RuntimeWeak, BuiltinWeakToStrong) {
  AllocCounter leaks;
  reml_instance_t* n = reml_instance_new(kNode);
  reml_handle_t w = static_cast<reml_handle_t>(nyrt_weak_new(H(n)));
  int32_t id = reml_builtin_method_id("weak_to_strong");
  ASSERT_EQ(id, static_cast<int32_t>(REML_METHOD_WEAK_TO_STRONG));
  EXPECT_GE(reml_builtin_row(w, id, 0), 0);
  EXPECT_EQ(reml_builtin_row(reml_h_from_ptr(n), id, 0), -1) << "only a WeakRef has the method";
  reml_handle_t s = reml_call_builtin(w, id, "weak_to_strong", 0, nullptr, &kLoc);
  EXPECT_EQ(s, reml_h_from_ptr(n));
  EXPECT_EQ(Count(n), 2u) << "the result is owned";
  reml_h_release(s);
  dec_ref(n);
  EXPECT_EQ(reml_call_builtin(w, id, "weak_to_strong", 0, nullptr, &kLoc), REML_VOID);
  reml_h_release(w);
  EXPECT_EQ(leaks.Live(), 0u);
}

// ---------------------------------------------------------------------------
// The weak-field contract
// ---------------------------------------------------------------------------

TEST_F(RuntimeWeak, WeakFieldTakesWeakRefsAndVoid) {
  AllocCounter leaks;
  reml_instance_t* p = reml_instance_new(kParent);
  reml_instance_t* c = reml_instance_new(kChild);
  reml_handle_t hc = reml_h_from_ptr(c);
  reml_handle_t w = static_cast<reml_handle_t>(nyrt_weak_new(H(p)));
  reml_weak_field_check(hc, w, 0, &kLoc);
  reml_weak_field_check(hc, REML_VOID, 0, &kLoc);
  reml_dyn_set_field(hc, "parent", w, &kLoc);
  EXPECT_EQ(c->fields[0], w);
  EXPECT_EQ(Count(Cell(static_cast<int64_t>(w))), 2u) << "the field retains the WeakRef";
  EXPECT_EQ(Count(p), 1u) << "and not the parent";
  reml_dyn_set_field(hc, "parent", REML_VOID, &kLoc);
  EXPECT_EQ(Count(Cell(static_cast<int64_t>(w))), 1u);
  // The ordinary field of the same box takes anything, a strong box included.
  reml_dyn_set_field(hc, "value", reml_h_from_ptr(p), &kLoc);
  reml_dyn_set_field(hc, "value", w, &kLoc);
  EXPECT_EQ(Count(p), 1u);
  reml_h_release(w);
  dec_ref(p);
  dec_ref(c);
  EXPECT_EQ(leaks.Live(), 0u);
}

class RuntimeWeakDeathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    RegisterTypes();
  }
};

// Objects a child process still holds when it dies of a runtime error (which
// exits without freeing anything): a global root keeps them reachable, so
// LeakSanitizer in the sanitized test build does not add its report to the
// exact stderr and change the exit status.
void* g_kept[8];
size_t g_kept_len;

// `p`, remembered in g_kept.
template <typename T>
T* Keep(T* p) {
  if (g_kept_len < sizeof g_kept / sizeof g_kept[0]) g_kept[g_kept_len++] = p;
  return p;
}

// The handle `h`, its object remembered in g_kept.
reml_handle_t KeepH(reml_handle_t h) {
  if (reml_h_is_object(h)) Keep(reml_h_ptr(h));
  return h;
}

TEST_F(RuntimeWeakDeathTest, WeakOfANonBoxIsATypeError) {
  EXPECT_EXIT(reml_weak_new_checked(KeepH(reml_h_from_ptr(reml_str_new("s", 1))), &kLoc),
              ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: Type error: weak needs a box, got String\n$");
  EXPECT_EXIT(reml_weak_new_checked(REML_VOID, &kLoc), ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: Type error: weak needs a box, got Void\n$");
  EXPECT_EXIT(reml_weak_new_checked(reml_box_i64(7), nullptr), ::testing::ExitedWithCode(1),
              "^runtime error: Type error: weak needs a box, got Int\n$");
  EXPECT_EXIT(reml_weak_new_checked(KeepH(reml_box_f64(0.5)), &kLoc), ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: Type error: weak needs a box, got Float\n$");
  EXPECT_EXIT(
      {
        int64_t w = nyrt_weak_new(H(Keep(reml_array_new())));
        reml_weak_new_checked(KeepH(static_cast<reml_handle_t>(w)), &kLoc);
      },
      ::testing::ExitedWithCode(1), "^t\\.hako:3:9: runtime error: Type error: weak needs a box, got WeakRef\n$");
}

TEST_F(RuntimeWeakDeathTest, WeakFieldCheckRejectsStrongValues) {
  EXPECT_EXIT(
      {
        reml_instance_t* c = Keep(reml_instance_new(kChild));
        reml_weak_field_check(reml_h_from_ptr(c), reml_h_from_ptr(Keep(reml_array_new())), 0, &kLoc);
      },
      ::testing::ExitedWithCode(1),
      "^t\\.hako:3:9: runtime error: Weak field 'parent' of Child takes a WeakRef or null, not ArrayBox: "
      "write 'me\\.parent = weak value'\n$");
  EXPECT_EXIT(
      {
        reml_instance_t* c = Keep(reml_instance_new(kChild));
        reml_weak_field_check(reml_h_from_ptr(c), reml_box_i64(3), 0, nullptr);
      },
      ::testing::ExitedWithCode(1),
      "^runtime error: Weak field 'parent' of Child takes a WeakRef or null, not Int: "
      "write 'me\\.parent = weak value'\n$");
  // A field index the box does not have is a bug in hakoc, not the user's.
  EXPECT_EXIT(
      {
        reml_instance_t* c = Keep(reml_instance_new(kChild));
        reml_weak_field_check(reml_h_from_ptr(c), reml_box_i64(3), 5, &kLoc);
      },
      ::testing::ExitedWithCode(70),
      "^internal runtime error: weak-field check on a value that is not an instance with field 5\n$");
}

TEST_F(RuntimeWeakDeathTest, SetFieldByNameEnforcesTheContract) {
  EXPECT_EXIT(
      {
        reml_instance_t* p = Keep(reml_instance_new(kParent));
        reml_instance_t* c = Keep(reml_instance_new(kChild));
        reml_dyn_set_field(reml_h_from_ptr(c), "parent", reml_h_from_ptr(p), &kLoc);
      },
      ::testing::ExitedWithCode(1),
      "^t\\.hako:3:9: runtime error: Weak field 'parent' of Child takes a WeakRef or null, not Parent: "
      "write 'me\\.parent = weak value'\n$");
  EXPECT_EXIT(
      {
        reml_instance_t* c = Keep(reml_instance_new(kChild));
        reml_dyn_set_field(reml_h_from_ptr(c), "parent", KeepH(reml_h_from_ptr(reml_str_new("x", 1))), &kLoc);
      },
      ::testing::ExitedWithCode(1),
      "^t\\.hako:3:9: runtime error: Weak field 'parent' of Child takes a WeakRef or null, not String: "
      "write 'me\\.parent = weak value'\n$");
}

// ---------------------------------------------------------------------------
// Debug mode: the leak report and use after free
// ---------------------------------------------------------------------------

// Ends a child process with status 99 and a message when `ok` is false, so a
// broken precondition can never pass for the exit a test expects.
void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "requirement failed: %s\n", what);
  std::fflush(stderr);
  _exit(99);
}

// The start of every debug-mode child.
void StartDebug() {
  Require(reml_debug_enable() == 1, "debug mode turns on in a fresh process");
  RegisterTypes();
}

// A Parent whose `children` array holds `n` Childs, each pointing back at
// the parent through its weak field. Returns the parent (owned).
reml_instance_t* BuildFamily(int n) {
  reml_instance_t* p = reml_instance_new(kParent);
  reml_array_t* kids = reml_array_new();
  reml_dyn_set_field(reml_h_from_ptr(p), "children", reml_h_from_ptr(kids), &kLoc);
  for (int i = 0; i < n; i++) {
    reml_instance_t* c = reml_instance_new(kChild);
    reml_handle_t back = static_cast<reml_handle_t>(nyrt_weak_new(H(p)));
    reml_dyn_set_field(reml_h_from_ptr(c), "parent", back, &kLoc);
    reml_h_release(back);
    reml_array_push(kids, reml_h_from_ptr(c));
    dec_ref(c);
  }
  dec_ref(kids);
  return p;
}

// Whether the tests may read a freed debug-mode payload (still in the
// quarantine) to check that nothing wrote into it.
bool CanReadFreedPayloads() { return !WEAK_TEST_ASAN && !WEAK_TEST_ON_VALGRIND(); }

// Whether all `size` bytes at `p` are `byte`.
bool AllBytes(const void* p, size_t size, unsigned char byte) {
  const auto* b = static_cast<const unsigned char*>(p);
  for (size_t i = 0; i < size; i++)
    if (b[i] != byte) return false;
  return true;
}

// Payload bytes of the kinds of kKinds (in that order) that surely hold the
// cell slot: a Node's flags and field, reml_array_t, MapBox's private layout
// (map_layout.h: 88 bytes, the slot last) and a ConsoleBox's one word.
// SlotOffset below finds the slot inside them.
const size_t kSlotSearch[] = {sizeof(reml_instance_t) + sizeof(reml_handle_t), sizeof(reml_array_t), 88, 8};
constexpr int kMapKind = 2;

// The offset of the word of live `box` that holds `cell`, or SIZE_MAX.
size_t SlotOffset(const void* box, size_t search, const reml_weak_cell_t* cell) {
  for (size_t at = 0; at + 8 <= search; at += 8) {
    uint64_t word;
    std::memcpy(&word, static_cast<const char*>(box) + at, sizeof word);
    if (word == reinterpret_cast<uintptr_t>(cell)) return at;
  }
  return SIZE_MAX;
}

TEST_F(RuntimeWeakDeathTest, WeakBackLinksLeaveNothingLive) {
  EXPECT_EXIT(
      {
        StartDebug();
        reml_instance_t* p = BuildFamily(3);
        // Parent, its array, three Childs and one cell shared by all back links.
        Require(reml_live_objects() == 6, "six objects before the release");
        Require(Count(reml_weak_slot_get(p)) == 3, "three weak references share the cell");
        dec_ref(p);
        Require(reml_live_objects() == 0, "one release frees the whole family");
        std::exit(reml_finish(nullptr, 0, 0));
      },
      ::testing::ExitedWithCode(0), "^leak-check: 0 objects live at exit\n$");
}

TEST_F(RuntimeWeakDeathTest, LeakedFamilyHasNoCycle) {
  // A leaked parent leaves its family live, but the weak back links close no
  // cycle: a cell holds no strong reference.
  EXPECT_EXIT(
      {
        StartDebug();
        BuildFamily(2);
        std::exit(reml_finish(nullptr, 0, 0));
      },
      ::testing::ExitedWithCode(0),
      "^leak-check: live: 2 Child, 1 ArrayBox, 1 Parent, 1 WeakRef\n"
      "leak-check: 5 objects live at exit\n$");
}

TEST_F(RuntimeWeakDeathTest, StrongCycleIsStillReported) {
  EXPECT_EXIT(
      {
        StartDebug();
        reml_instance_t* a = reml_instance_new(kNode);
        reml_instance_t* b = reml_instance_new(kNode);
        reml_dyn_set_field(reml_h_from_ptr(a), "next", reml_h_from_ptr(b), &kLoc);
        reml_dyn_set_field(reml_h_from_ptr(b), "next", reml_h_from_ptr(a), &kLoc);
        // A WeakRef to a member of the cycle, kept (and leaked) in a Child
        // outside it: it shows as live but adds no edge.
        reml_instance_t* c = reml_instance_new(kChild);
        reml_handle_t w = static_cast<reml_handle_t>(nyrt_weak_new(H(a)));
        reml_dyn_set_field(reml_h_from_ptr(c), "parent", w, &kLoc);
        reml_h_release(w);
        dec_ref(a);
        dec_ref(b);
        Require(reml_weak_alive(static_cast<int64_t>(c->fields[0])) == 1, "the cycle keeps its members alive");
        std::exit(reml_finish(nullptr, 0, 0));
      },
      ::testing::ExitedWithCode(0),
      "^leak-check: live: 2 Node, 1 Child, 1 WeakRef\n"
      "leak-check: cycle: Node -> Node -> Node\n"
      "leak-check: 4 objects live at exit\n$");
}

TEST_F(RuntimeWeakDeathTest, NoUseAfterFreeWhenTheTargetDiesFirst) {
  // Debug mode fills a freed payload with 0xdd and keeps it in the
  // quarantine: a write through a stale pointer to the box (its cell slot)
  // would show there, and a second release would be the double-free error
  // (exit 70). Under ASan the poisoned payload reports any access itself.
  EXPECT_EXIT(
      {
        StartDebug();
        for (int k = 0; k < 4; k++) {
          void* box = kKinds[k].make();
          int64_t w1 = nyrt_weak_new(H(box));
          int64_t w2 = nyrt_weak_new(H(box));
          size_t slot = SlotOffset(box, kSlotSearch[k], Cell(w1));
          Require(slot != SIZE_MAX, "the box holds its cell pointer");
          dec_ref(box);
          Require(Cell(w1)->target == nullptr, "the dead box cleared its cell");
          Require(nyrt_weak_to_strong(w1) == 0, "a dead target upgrades to Void");
          Require(reml_weak_alive(w2) == 0, "and is not alive");
          Require(Text(static_cast<reml_handle_t>(w2)) == "WeakRef(dropped)", "it prints as dropped");
          nyrt_weak_drop(w1);
          nyrt_weak_drop(w2);
          if (CanReadFreedPayloads()) {
            Require(AllBytes(static_cast<char*>(box) + slot, 8, 0xdd), "nothing wrote the freed box's slot");
            if (k != kMapKind) Require(AllBytes(box, kSlotSearch[k], 0xdd), "nothing wrote into the freed box");
          }
        }
        Require(reml_live_objects() == 0, "every box and cell is freed");
        std::exit(reml_finish(nullptr, 0, 0));
      },
      ::testing::ExitedWithCode(0), "^leak-check: 0 objects live at exit\n$");
}

TEST_F(RuntimeWeakDeathTest, NoUseAfterFreeWhenTheWeakDiesFirst) {
  EXPECT_EXIT(
      {
        StartDebug();
        for (int k = 0; k < 4; k++) {
          void* box = kKinds[k].make();
          int64_t w = nyrt_weak_new(H(box));
          reml_weak_cell_t* cell = Cell(w);
          nyrt_weak_drop(w);
          Require(reml_weak_slot_get(box) == nullptr, "the box forgot its freed cell");
          dec_ref(box);
          if (CanReadFreedPayloads()) Require(AllBytes(cell, sizeof *cell, 0xdd), "nothing wrote into the freed cell");
        }
        Require(reml_live_objects() == 0, "every box and cell is freed");
        std::exit(reml_finish(nullptr, 0, 0));
      },
      ::testing::ExitedWithCode(0), "^leak-check: 0 objects live at exit\n$");
}

TEST_F(RuntimeWeakDeathTest, NoDoubleFreeWhenBothDieInOneRelease) {
  EXPECT_EXIT(
      {
        StartDebug();
        for (int strong_first = 0; strong_first < 2; strong_first++) {
          reml_array_t* holder = reml_array_new();
          reml_instance_t* c = reml_instance_new(kChild);
          reml_handle_t w = static_cast<reml_handle_t>(nyrt_weak_new(H(c)));
          // The box also holds a weak reference to itself.
          reml_dyn_set_field(reml_h_from_ptr(c), "parent", w, &kLoc);
          reml_array_push(holder, strong_first ? reml_h_from_ptr(c) : w);
          reml_array_push(holder, strong_first ? w : reml_h_from_ptr(c));
          reml_h_release(w);
          dec_ref(c);
          dec_ref(holder);
        }
        Require(reml_live_objects() == 0, "everything is freed");
        std::exit(reml_finish(nullptr, 0, 0));
      },
      ::testing::ExitedWithCode(0), "^leak-check: 0 objects live at exit\n$");
}

TEST_F(RuntimeWeakDeathTest, ExtraDropOfAWeakRefIsADoubleFree) {
  // The check the tests above rely on: one drop too many is caught.
  EXPECT_EXIT(
      {
        StartDebug();
        reml_array_t* a = reml_array_new();  // allocation #1
        int64_t w = nyrt_weak_new(H(a));     // the cell: allocation #2
        nyrt_weak_drop(w);
        nyrt_weak_drop(w);
      },
      ::testing::ExitedWithCode(70), "^internal runtime error: double free of a WeakRef object \\(allocation #2\\)\n$");
}

// ---------------------------------------------------------------------------
// Runtime guards on the seed entry points
// ---------------------------------------------------------------------------

TEST_F(RuntimeWeakDeathTest, GuardRejectsAStrongHandleAsWeak) {
  EXPECT_EXIT(
      {
        setenv("HAKO_FFI_GUARD", "1", 1);
        setenv("HAKO_FFI_GUARD_RATE_LG", "0", 1);
        setenv("HAKO_FAILFAST", "1", 1);
        reml_guard_read_settings();
        reml_array_t* a = Keep(reml_array_new());
        int64_t w = nyrt_weak_new(H(a));
        Keep(Cell(w));
        int64_t s = nyrt_weak_to_strong(w);  // a correct call passes the guard
        Require(s == H(a), "the guarded upgrade works");
        nyrt_weak_to_strong(H(a));
      },
      ::testing::ExitedWithCode(1),
      "^runtime error: HAKO_FFI_GUARD: nyrt_weak_to_strong: argument 1 is not a live WeakRef "
      "\\(0x[0-9a-f]+: an object of another kind\\)\n$");
}

}  // namespace
