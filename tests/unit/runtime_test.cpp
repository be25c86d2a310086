// Unit tests of the C runtime (runtime/include/reml_runtime.h): object
// layout, reference counting, handles, dynamic operators, formatting, strings,
// ArrayBox, MapBox, user instances, dynamic built-in calls and error exits.
#include "alloc_counter.h"
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "reml_runtime.h"

namespace {

const reml_loc_t kLoc = {"t.hako", 3, 9};

// An owned handle released at scope exit, so tests stay leak-free under
// valgrind without manual bookkeeping.
class Own {
 public:
  explicit Own(reml_handle_t h) : h_(h) {}
  Own(const Own&) = delete;
  Own& operator=(const Own&) = delete;
  ~Own() { reml_h_release(h_); }
  operator reml_handle_t() const { return h_; }
  reml_handle_t get() const { return h_; }
  template <typename T>
  T* as() const {
    return static_cast<T*>(reml_h_ptr(h_));
  }

 private:
  reml_handle_t h_;
};

reml_handle_t NewStr(const std::string& s) {
  return reml_h_from_ptr(reml_str_new(s.data(), static_cast<int64_t>(s.size())));
}

// The text of an owned string, which is released.
std::string Take(reml_string_t* s) {
  std::string r(s->data, static_cast<size_t>(s->len));
  dec_ref(s);
  return r;
}

// toString() of a borrowed value.
std::string Text(reml_handle_t h) { return Take(reml_h_to_string(h)); }

// toString() of an owned value, which is released.
std::string TakeText(reml_handle_t h) {
  std::string r = Text(h);
  reml_h_release(h);
  return r;
}

// The Int in an owned handle, which is released.
int64_t TakeInt(reml_handle_t h) {
  EXPECT_STREQ(reml_h_kind_name(h), "Int");
  int64_t v = reml_unbox_i64(h, &kLoc);
  reml_h_release(h);
  return v;
}

// The Float in an owned handle, which is released.
double TakeFloat(reml_handle_t h) {
  EXPECT_STREQ(reml_h_kind_name(h), "Float");
  double v = reml_unbox_f64(h, &kLoc);
  reml_h_release(h);
  return v;
}

using LeakCheck = AllocCounter;

// Calls a built-in method by name through reml_call_builtin.
reml_handle_t Call(reml_handle_t recv, const char* name, std::vector<reml_handle_t> args = {}) {
  return reml_call_builtin(recv, reml_builtin_method_id(name), name, static_cast<int64_t>(args.size()),
                           args.data(), &kLoc);
}

std::string CaptureOut(void (*fn)(reml_handle_t), reml_handle_t h) {
  reml_flush_stdout();
  testing::internal::CaptureStdout();
  fn(h);
  reml_flush_stdout();
  return testing::internal::GetCapturedStdout();
}

// ---------------------------------------------------------------------------
// Memory and reference counting
// ---------------------------------------------------------------------------

TEST(RuntimeMem, AllocHeaderAlignmentAndTag) {
  LeakCheck leaks;
  for (size_t size = 0; size <= 72; size += 3) {
    void* p = mem_alloc(size);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 8, 0u) << size;
    EXPECT_EQ(REML_GET_HEADER(p)->refcount, 1u);
    EXPECT_EQ(REML_GET_HEADER(p)->type_tag, static_cast<uint32_t>(REML_TAG_RAW));
    EXPECT_EQ(reinterpret_cast<char*>(p) - reinterpret_cast<char*>(REML_GET_HEADER(p)), 8);
    std::memset(p, 0xab, size);  // the whole payload is usable
    reml_set_type_tag(p, 42);
    EXPECT_EQ(reml_get_type_tag(p), 42u);
    mem_free(p);
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeMem, AllocObjectCountsAndTags) {
  LeakCheck leaks;
  void* p = reml_alloc_object(16, REML_TAG_FLOAT);
  EXPECT_EQ(reml_get_type_tag(p), static_cast<uint32_t>(REML_TAG_FLOAT));
  EXPECT_EQ(leaks.Allocated(), 1u);
  EXPECT_EQ(leaks.Live(), 1u);
  dec_ref(p);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeMem, IncDecFreesAtZero) {
  LeakCheck leaks;
  void* p = mem_alloc(8);
  inc_ref(p);
  inc_ref(p);
  EXPECT_EQ(REML_GET_HEADER(p)->refcount, 3u);
  dec_ref(p);
  dec_ref(p);
  EXPECT_EQ(REML_GET_HEADER(p)->refcount, 1u);
  EXPECT_EQ(leaks.Live(), 1u);
  dec_ref(p);
  EXPECT_EQ(leaks.Live(), 0u);
  inc_ref(nullptr);  // ignored
  dec_ref(nullptr);
  mem_free(nullptr);
}

// Literals live as long as the program; like a constant table in the VM, this
// keeps the test's literal reachable.
reml_string_t* g_literal;

TEST(RuntimeMem, ImmortalObjectsAreUntouched) {
  LeakCheck leaks;
  if (g_literal == nullptr) g_literal = reml_str_new_immortal("lit", 3);
  reml_string_t* lit = g_literal;
  EXPECT_EQ(REML_GET_HEADER(lit)->refcount, REML_RC_IMMORTAL);
  inc_ref(lit);
  dec_ref(lit);
  dec_ref(lit);
  dec_ref(lit);
  mem_free(lit);
  EXPECT_EQ(REML_GET_HEADER(lit)->refcount, REML_RC_IMMORTAL);
  EXPECT_EQ(std::string(lit->data), "lit");
  reml_handle_t t = reml_box_bool(1);
  reml_h_retain(t);
  reml_h_release(t);
  reml_h_release(t);
  EXPECT_EQ(REML_GET_HEADER(reml_h_ptr(t))->refcount, REML_RC_IMMORTAL);
  EXPECT_EQ(reml_unbox_bool(t, &kLoc), 1);
  // Immortal objects are not counted: they can never show up as leaks.
  EXPECT_EQ(leaks.Allocated(), 0u);
}

TEST(RuntimeMem, ArrayOfStringsFreesEverything) {
  LeakCheck leaks;
  reml_array_t* a = reml_array_new();
  for (int i = 0; i < 50; i++) {
    Own s(NewStr("item" + std::to_string(i)));
    reml_array_push(a, s);
  }
  EXPECT_EQ(leaks.Live(), 51u);
  dec_ref(a);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeMem, MapOfArraysFreesEverything) {
  LeakCheck leaks;
  reml_map_t* m = reml_map_new();
  for (int i = 0; i < 20; i++) {
    reml_array_t* inner = reml_array_new();
    Own s(NewStr("x"));
    reml_array_push(inner, s);
    Own big(reml_box_i64(INT64_MAX - i));
    reml_array_push(inner, big);
    Own f(reml_box_f64(i + 0.5));
    reml_array_push(inner, f);
    Own key(NewStr("k" + std::to_string(i)));
    reml_map_set(m, key, reml_h_from_ptr(inner), &kLoc);
    dec_ref(inner);
  }
  EXPECT_GT(leaks.Live(), 20u);
  dec_ref(m);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeMem, SharedElementSurvivesOneContainer) {
  LeakCheck leaks;
  Own s(NewStr("shared"));
  reml_array_t* a = reml_array_new();
  reml_array_t* b = reml_array_new();
  reml_array_push(a, s);
  reml_array_push(b, s);
  EXPECT_EQ(REML_GET_HEADER(s.as<void>())->refcount, 3u);
  dec_ref(a);
  EXPECT_EQ(REML_GET_HEADER(s.as<void>())->refcount, 2u);
  dec_ref(b);
  EXPECT_EQ(REML_GET_HEADER(s.as<void>())->refcount, 1u);
}

TEST(RuntimeMem, DeeplyNestedArraysReleaseWithoutRecursion) {
  LeakCheck leaks;
  reml_array_t* outer = reml_array_new();
  for (int i = 0; i < 200000; i++) {
    reml_array_t* next = reml_array_new();
    reml_array_push(next, reml_h_from_ptr(outer));
    dec_ref(outer);
    outer = next;
  }
  // Printing is bounded too: beyond the depth cap it degrades to [...].
  std::string text = Text(reml_h_from_ptr(outer));
  EXPECT_EQ(text.substr(0, 3), "[[[");
  EXPECT_NE(text.find("[...]"), std::string::npos);
  dec_ref(outer);
  EXPECT_EQ(leaks.Live(), 0u);
}

// ---------------------------------------------------------------------------
// Handles: boxing, kinds, truthiness, exit status
// ---------------------------------------------------------------------------

TEST(RuntimeHandle, SmallIntBoundaries) {
  LeakCheck leaks;
  const int64_t values[] = {0, 1, -1, REML_SMALL_INT_MAX, REML_SMALL_INT_MIN, 42, -42};
  for (int64_t v : values) {
    reml_handle_t h = reml_box_i64(v);
    EXPECT_TRUE(reml_h_is_small_int(h)) << v;
    EXPECT_FALSE(reml_h_is_object(h));
    EXPECT_EQ(reml_h_tag(h), static_cast<uint32_t>(REML_TAG_INT));
    EXPECT_EQ(reml_unbox_i64(h, &kLoc), v);
  }
  EXPECT_EQ(leaks.Allocated(), 0u);
  const int64_t big[] = {REML_SMALL_INT_MAX + 1, REML_SMALL_INT_MIN - 1, INT64_MAX, INT64_MIN};
  for (int64_t v : big) {
    Own h(reml_box_i64(v));
    EXPECT_FALSE(reml_h_is_small_int(h)) << v;
    EXPECT_TRUE(reml_h_is_object(h));
    EXPECT_EQ(reml_h_tag(h), static_cast<uint32_t>(REML_TAG_INT));
    EXPECT_STREQ(reml_h_kind_name(h), "Int");
    EXPECT_EQ(reml_unbox_i64(h, &kLoc), v);
    EXPECT_EQ(Text(h), std::to_string(v));
  }
  // The slow path never boxes a small value, so each Int has one form.
  EXPECT_TRUE(reml_h_is_small_int(reml_box_i64_slow(7)));
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeHandle, KindNames) {
  Own s(NewStr("x"));
  Own f(reml_box_f64(1.5));
  Own a(reml_h_from_ptr(reml_array_new()));
  Own m(reml_h_from_ptr(reml_map_new()));
  Own c(reml_h_from_ptr(reml_console_new()));
  EXPECT_STREQ(reml_h_kind_name(REML_VOID), "Void");
  EXPECT_STREQ(reml_h_kind_name(reml_box_i64(3)), "Int");
  EXPECT_STREQ(reml_h_kind_name(f), "Float");
  EXPECT_STREQ(reml_h_kind_name(reml_box_bool(0)), "Bool");
  EXPECT_STREQ(reml_h_kind_name(s), "String");
  EXPECT_STREQ(reml_h_kind_name(a), "ArrayBox");
  EXPECT_STREQ(reml_h_kind_name(m), "MapBox");
  EXPECT_STREQ(reml_h_kind_name(c), "ConsoleBox");
}

TEST(RuntimeHandle, UnboxChecksKinds) {
  Own s(NewStr("x"));
  Own f(reml_box_f64(2.25));
  EXPECT_EQ(reml_unbox_f64(f, &kLoc), 2.25);
  EXPECT_EQ(reml_unbox_bool(reml_box_bool(5), &kLoc), 1);
  EXPECT_EQ(reml_unbox_bool(reml_box_bool(0), &kLoc), 0);
  EXPECT_EQ(reml_unbox_object(s, REML_TAG_STRING, &kLoc), s.as<void>());
}

TEST(RuntimeHandleDeathTest, UnboxWrongKind) {
  EXPECT_EXIT(reml_unbox_i64(NewStr("x"), &kLoc), ::testing::ExitedWithCode(1),
              "t.hako:3:9: runtime error: Type error: expected Int, got String");
  EXPECT_EXIT(reml_unbox_f64(reml_box_i64(1), &kLoc), ::testing::ExitedWithCode(1),
              "Type error: expected Float, got Int");
  EXPECT_EXIT(reml_unbox_bool(REML_VOID, &kLoc), ::testing::ExitedWithCode(1), "Type error: expected Bool, got Void");
  EXPECT_EXIT(reml_unbox_object(reml_box_i64(1), REML_TAG_ARRAY, &kLoc), ::testing::ExitedWithCode(1),
              "Type error: expected ArrayBox, got Int");
}

// The messages the VM and native code share through the runtime.
TEST(RuntimeHandleDeathTest, UnboxVoidAndStackOverflow) {
  reml_unbox_void(REML_VOID, &kLoc);  // Void passes
  EXPECT_EXIT(reml_unbox_void(reml_box_i64(1), &kLoc), ::testing::ExitedWithCode(1),
              "t.hako:3:9: runtime error: Type error: expected Void, got Int");
  EXPECT_EXIT(reml_stack_overflow(&kLoc), ::testing::ExitedWithCode(1), "t.hako:3:9: runtime error: Stack overflow");
  EXPECT_EXIT(reml_stack_overflow(nullptr), ::testing::ExitedWithCode(1), "runtime error: Stack overflow");
}

TEST(RuntimeHandle, Truthiness) {
  Own empty(NewStr(""));
  Own full(NewStr("a"));
  Own zero(reml_box_f64(0.0));
  Own negzero(reml_box_f64(-0.0));
  Own half(reml_box_f64(0.5));
  Own big(reml_box_i64(INT64_MIN));
  EXPECT_EQ(reml_h_truthy(reml_box_bool(1), &kLoc), 1);
  EXPECT_EQ(reml_h_truthy(reml_box_bool(0), &kLoc), 0);
  EXPECT_EQ(reml_h_truthy(reml_box_i64(0), &kLoc), 0);
  EXPECT_EQ(reml_h_truthy(reml_box_i64(-3), &kLoc), 1);
  EXPECT_EQ(reml_h_truthy(big, &kLoc), 1);
  EXPECT_EQ(reml_h_truthy(zero, &kLoc), 0);
  EXPECT_EQ(reml_h_truthy(negzero, &kLoc), 0);
  EXPECT_EQ(reml_h_truthy(half, &kLoc), 1);
  EXPECT_EQ(reml_h_truthy(empty, &kLoc), 0);
  EXPECT_EQ(reml_h_truthy(full, &kLoc), 1);
}

TEST(RuntimeHandleDeathTest, TruthinessErrors) {
  EXPECT_EXIT(reml_h_truthy(REML_VOID, &kLoc), ::testing::ExitedWithCode(1),
              "t.hako:3:9: runtime error: Type error: Void in boolean context");
  EXPECT_EXIT(reml_h_truthy(reml_h_from_ptr(reml_array_new()), &kLoc), ::testing::ExitedWithCode(1),
              "Type error: ArrayBox in boolean context");
  EXPECT_EXIT(reml_h_truthy(reml_h_from_ptr(reml_map_new()), &kLoc), ::testing::ExitedWithCode(1),
              "Type error: MapBox in boolean context");
}

TEST(RuntimeHandle, ExitStatus) {
  Own big(reml_box_i64(INT64_MIN));
  Own bigpos(reml_box_i64(INT64_MAX));
  Own s(NewStr("7"));
  Own f(reml_box_f64(3.0));
  EXPECT_EQ(reml_exit_status_of(reml_box_i64(0)), 0);
  EXPECT_EQ(reml_exit_status_of(reml_box_i64(3)), 3);
  EXPECT_EQ(reml_exit_status_of(reml_box_i64(255)), 255);
  EXPECT_EQ(reml_exit_status_of(reml_box_i64(256)), 0);
  EXPECT_EQ(reml_exit_status_of(reml_box_i64(257)), 1);
  EXPECT_EQ(reml_exit_status_of(reml_box_i64(-1)), 255);
  EXPECT_EQ(reml_exit_status_of(reml_box_i64(-256)), 0);
  EXPECT_EQ(reml_exit_status_of(reml_box_i64(-257)), 255);
  EXPECT_EQ(reml_exit_status_of(big), 0);  // INT64_MIN is a multiple of 256
  EXPECT_EQ(reml_exit_status_of(bigpos), 255);
  EXPECT_EQ(reml_exit_status_of(reml_box_bool(1)), 1);
  EXPECT_EQ(reml_exit_status_of(reml_box_bool(0)), 0);
  EXPECT_EQ(reml_exit_status_of(REML_VOID), 0);
  EXPECT_EQ(reml_exit_status_of(s), 0);
  EXPECT_EQ(reml_exit_status_of(f), 0);
}

// ---------------------------------------------------------------------------
// Dynamic operators
// ---------------------------------------------------------------------------

TEST(RuntimeDynOps, AddNumbers) {
  LeakCheck leaks;
  {
    Own f(reml_box_f64(0.5));
    EXPECT_EQ(TakeInt(reml_dyn_add(reml_box_i64(2), reml_box_i64(3), &kLoc)), 5);
    EXPECT_EQ(TakeFloat(reml_dyn_add(reml_box_i64(2), f, &kLoc)), 2.5);
    EXPECT_EQ(TakeFloat(reml_dyn_add(f, reml_box_i64(2), &kLoc)), 2.5);
    EXPECT_EQ(TakeFloat(reml_dyn_add(f, f, &kLoc)), 1.0);
    // Int results are re-boxed: crossing the small range stays correct.
    Own max(reml_box_i64(INT64_MAX));
    EXPECT_EQ(TakeInt(reml_dyn_add(max, reml_box_i64(1), &kLoc)), INT64_MIN);  // wraps
    reml_handle_t r = reml_dyn_add(reml_box_i64(REML_SMALL_INT_MAX), reml_box_i64(1), &kLoc);
    EXPECT_TRUE(reml_h_is_object(r));
    EXPECT_EQ(TakeInt(r), REML_SMALL_INT_MAX + 1);
    reml_handle_t back = reml_dyn_sub(max, max, &kLoc);
    EXPECT_TRUE(reml_h_is_small_int(back));
    EXPECT_EQ(TakeInt(back), 0);
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeDynOps, AddConcatenatesStrings) {
  LeakCheck leaks;
  {
    Own a(NewStr("a"));
    Own b(NewStr("bc"));
    Own f(reml_box_f64(0.1));
    Own arr(reml_h_from_ptr(reml_array_new()));
    reml_array_push(arr.as<reml_array_t>(), reml_box_i64(1));
    reml_array_push(arr.as<reml_array_t>(), b);
    Own m(reml_h_from_ptr(reml_map_new()));
    EXPECT_EQ(TakeText(reml_dyn_add(a, b, &kLoc)), "abc");
    EXPECT_EQ(TakeText(reml_dyn_add(a, reml_box_i64(1), &kLoc)), "a1");
    EXPECT_EQ(TakeText(reml_dyn_add(reml_box_i64(-12), a, &kLoc)), "-12a");
    EXPECT_EQ(TakeText(reml_dyn_add(a, f, &kLoc)), "a0.1");
    EXPECT_EQ(TakeText(reml_dyn_add(a, reml_box_bool(1), &kLoc)), "atrue");
    EXPECT_EQ(TakeText(reml_dyn_add(reml_box_bool(0), a, &kLoc)), "falsea");
    EXPECT_EQ(TakeText(reml_dyn_add(a, arr, &kLoc)), "a[1, bc]");
    EXPECT_EQ(TakeText(reml_dyn_add(m, a, &kLoc)), "MapBox(size=0)a");
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeDynOpsDeathTest, AddTypeErrors) {
  EXPECT_EXIT(reml_dyn_add(REML_VOID, NewStr("a"), &kLoc), ::testing::ExitedWithCode(1),
              "t.hako:3:9: runtime error: Type error: cannot apply '\\+' to Void and String");
  EXPECT_EXIT(reml_dyn_add(NewStr("a"), REML_VOID, &kLoc), ::testing::ExitedWithCode(1),
              "Type error: cannot apply '\\+' to String and Void");
  EXPECT_EXIT(reml_dyn_add(reml_box_bool(1), reml_box_i64(2), &kLoc), ::testing::ExitedWithCode(1),
              "Type error: cannot apply '\\+' to Bool and Int");
  EXPECT_EXIT(reml_dyn_add(reml_box_i64(1), REML_VOID, &kLoc), ::testing::ExitedWithCode(1),
              "Type error: cannot apply '\\+' to Int and Void");
}

TEST(RuntimeDynOps, SubMulDivMod) {
  LeakCheck leaks;
  {
    Own f(reml_box_f64(2.0));
    Own min(reml_box_i64(INT64_MIN));
    Own max(reml_box_i64(INT64_MAX));
    Own negf(reml_box_f64(-7.5));
    Own zero(reml_box_f64(0.0));
    EXPECT_EQ(TakeInt(reml_dyn_sub(reml_box_i64(2), reml_box_i64(5), &kLoc)), -3);
    EXPECT_EQ(TakeInt(reml_dyn_sub(min, reml_box_i64(1), &kLoc)), INT64_MAX);
    EXPECT_EQ(TakeInt(reml_dyn_mul(reml_box_i64(-4), reml_box_i64(6), &kLoc)), -24);
    EXPECT_EQ(TakeInt(reml_dyn_mul(max, reml_box_i64(2), &kLoc)), -2);
    EXPECT_EQ(TakeFloat(reml_dyn_mul(reml_box_i64(3), f, &kLoc)), 6.0);
    EXPECT_EQ(TakeInt(reml_dyn_div(reml_box_i64(7), reml_box_i64(2), &kLoc)), 3);
    EXPECT_EQ(TakeInt(reml_dyn_div(reml_box_i64(-7), reml_box_i64(2), &kLoc)), -3);
    EXPECT_EQ(TakeInt(reml_dyn_div(min, reml_box_i64(-1), &kLoc)), INT64_MIN);
    EXPECT_EQ(TakeFloat(reml_dyn_div(reml_box_i64(7), f, &kLoc)), 3.5);
    EXPECT_EQ(TakeFloat(reml_dyn_div(reml_box_i64(1), zero, &kLoc)), std::numeric_limits<double>::infinity());
    EXPECT_EQ(TakeInt(reml_dyn_mod(reml_box_i64(7), reml_box_i64(3), &kLoc)), 1);
    EXPECT_EQ(TakeInt(reml_dyn_mod(reml_box_i64(-7), reml_box_i64(3), &kLoc)), -1);
    EXPECT_EQ(TakeInt(reml_dyn_mod(reml_box_i64(7), reml_box_i64(-3), &kLoc)), 1);
    EXPECT_EQ(TakeInt(reml_dyn_mod(min, reml_box_i64(-1), &kLoc)), 0);
    EXPECT_EQ(TakeFloat(reml_dyn_mod(negf, f, &kLoc)), -1.5);
    EXPECT_TRUE(std::isnan(TakeFloat(reml_dyn_mod(f, zero, &kLoc))));
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeDynOpsDeathTest, DivisionByZero) {
  EXPECT_EXIT(reml_dyn_div(reml_box_i64(1), reml_box_i64(0), &kLoc), ::testing::ExitedWithCode(1),
              "t.hako:3:9: runtime error: Division by zero");
  EXPECT_EXIT(reml_dyn_mod(reml_box_i64(1), reml_box_i64(0), &kLoc), ::testing::ExitedWithCode(1),
              "Division by zero");
  EXPECT_EXIT(reml_i64_div(5, 0, &kLoc), ::testing::ExitedWithCode(1), "Division by zero");
  EXPECT_EXIT(reml_i64_mod(5, 0, nullptr), ::testing::ExitedWithCode(1), "^runtime error: Division by zero");
}

TEST(RuntimeDynOpsDeathTest, ArithmeticTypeErrors) {
  EXPECT_EXIT(reml_dyn_sub(NewStr("a"), reml_box_i64(1), &kLoc), ::testing::ExitedWithCode(1),
              "Type error: cannot apply '-' to String and Int");
  EXPECT_EXIT(reml_dyn_mul(reml_box_i64(1), reml_box_bool(1), &kLoc), ::testing::ExitedWithCode(1),
              "Type error: cannot apply '\\*' to Int and Bool");
  EXPECT_EXIT(reml_dyn_div(REML_VOID, reml_box_i64(1), &kLoc), ::testing::ExitedWithCode(1),
              "Type error: cannot apply '/' to Void and Int");
  EXPECT_EXIT(reml_dyn_mod(reml_h_from_ptr(reml_array_new()), reml_box_i64(1), &kLoc),
              ::testing::ExitedWithCode(1), "Type error: cannot apply '%' to ArrayBox and Int");
  EXPECT_EXIT(reml_dyn_neg(NewStr("a"), &kLoc), ::testing::ExitedWithCode(1),
              "Type error: cannot apply '-' to String\n");
  EXPECT_EXIT(reml_dyn_bitnot(reml_box_f64(1.0), &kLoc), ::testing::ExitedWithCode(1),
              "Type error: cannot apply '~' to Float\n");
  EXPECT_EXIT(reml_dyn_bitand(reml_box_f64(1.0), reml_box_i64(1), &kLoc), ::testing::ExitedWithCode(1),
              "Type error: cannot apply '&' to Float and Int");
  EXPECT_EXIT(reml_dyn_shl(reml_box_i64(1), NewStr("2"), &kLoc), ::testing::ExitedWithCode(1),
              "Type error: cannot apply '<<' to Int and String");
}

TEST(RuntimeDynOps, NegAndBits) {
  LeakCheck leaks;
  {
    Own f(reml_box_f64(1.5));
    Own min(reml_box_i64(INT64_MIN));
    Own zero(reml_box_f64(0.0));
    EXPECT_EQ(TakeInt(reml_dyn_neg(reml_box_i64(5), &kLoc)), -5);
    EXPECT_EQ(TakeInt(reml_dyn_neg(min, &kLoc)), INT64_MIN);
    EXPECT_EQ(TakeFloat(reml_dyn_neg(f, &kLoc)), -1.5);
    EXPECT_TRUE(std::signbit(TakeFloat(reml_dyn_neg(zero, &kLoc))));
    EXPECT_EQ(TakeInt(reml_dyn_bitand(reml_box_i64(12), reml_box_i64(10), &kLoc)), 8);
    EXPECT_EQ(TakeInt(reml_dyn_bitor(reml_box_i64(12), reml_box_i64(10), &kLoc)), 14);
    EXPECT_EQ(TakeInt(reml_dyn_bitxor(reml_box_i64(12), reml_box_i64(10), &kLoc)), 6);
    EXPECT_EQ(TakeInt(reml_dyn_bitnot(reml_box_i64(0), &kLoc)), -1);
    EXPECT_EQ(TakeInt(reml_dyn_shl(reml_box_i64(1), reml_box_i64(3), &kLoc)), 8);
    EXPECT_EQ(TakeInt(reml_dyn_shl(reml_box_i64(1), reml_box_i64(65), &kLoc)), 2);  // count mod 64
    EXPECT_EQ(TakeInt(reml_dyn_shl(reml_box_i64(1), reml_box_i64(63), &kLoc)), INT64_MIN);
    EXPECT_EQ(TakeInt(reml_dyn_shl(reml_box_i64(1), reml_box_i64(-1), &kLoc)), INT64_MIN);
    EXPECT_EQ(TakeInt(reml_dyn_shr(reml_box_i64(-8), reml_box_i64(1), &kLoc)), -4);  // arithmetic
    EXPECT_EQ(TakeInt(reml_dyn_shr(reml_box_i64(256), reml_box_i64(68), &kLoc)), 16);
    EXPECT_EQ(TakeInt(reml_dyn_shr(min, reml_box_i64(63), &kLoc)), -1);
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeDynOps, OrderingComparisons) {
  Own a(NewStr("a"));
  Own ab(NewStr("ab"));
  Own b(NewStr("b"));
  Own f15(reml_box_f64(1.5));
  Own nan(reml_box_f64(NAN));
  Own big(reml_box_i64(INT64_MAX));
  EXPECT_EQ(reml_dyn_lt(reml_box_i64(1), reml_box_i64(2), &kLoc), 1);
  EXPECT_EQ(reml_dyn_lt(reml_box_i64(2), reml_box_i64(2), &kLoc), 0);
  EXPECT_EQ(reml_dyn_le(reml_box_i64(2), reml_box_i64(2), &kLoc), 1);
  EXPECT_EQ(reml_dyn_gt(reml_box_i64(3), reml_box_i64(2), &kLoc), 1);
  EXPECT_EQ(reml_dyn_ge(reml_box_i64(1), reml_box_i64(2), &kLoc), 0);
  EXPECT_EQ(reml_dyn_lt(reml_box_i64(1), f15, &kLoc), 1);
  EXPECT_EQ(reml_dyn_gt(reml_box_i64(2), f15, &kLoc), 1);
  EXPECT_EQ(reml_dyn_ge(f15, reml_box_i64(1), &kLoc), 1);
  EXPECT_EQ(reml_dyn_lt(big, reml_box_i64(0), &kLoc), 0);
  EXPECT_EQ(reml_dyn_lt(a, b, &kLoc), 1);
  EXPECT_EQ(reml_dyn_lt(a, ab, &kLoc), 1);
  EXPECT_EQ(reml_dyn_lt(ab, b, &kLoc), 1);
  EXPECT_EQ(reml_dyn_ge(b, ab, &kLoc), 1);
  EXPECT_EQ(reml_dyn_le(a, a, &kLoc), 1);
  // NaN is unordered: every ordering comparison is false.
  EXPECT_EQ(reml_dyn_lt(nan, reml_box_i64(1), &kLoc), 0);
  EXPECT_EQ(reml_dyn_le(nan, nan, &kLoc), 0);
  EXPECT_EQ(reml_dyn_gt(nan, reml_box_i64(1), &kLoc), 0);
  EXPECT_EQ(reml_dyn_ge(reml_box_i64(1), nan, &kLoc), 0);
}

TEST(RuntimeDynOpsDeathTest, ComparisonTypeErrors) {
  EXPECT_EXIT(reml_dyn_lt(NewStr("a"), reml_box_i64(1), &kLoc), ::testing::ExitedWithCode(1),
              "t.hako:3:9: runtime error: Type error: cannot apply '<' to String and Int");
  EXPECT_EXIT(reml_dyn_ge(REML_VOID, reml_box_i64(1), &kLoc), ::testing::ExitedWithCode(1),
              "Type error: cannot apply '>=' to Void and Int");
  EXPECT_EXIT(reml_dyn_le(reml_box_bool(1), reml_box_bool(0), &kLoc), ::testing::ExitedWithCode(1),
              "Type error: cannot apply '<=' to Bool and Bool");
  EXPECT_EXIT(reml_dyn_gt(reml_h_from_ptr(reml_array_new()), reml_h_from_ptr(reml_array_new()), &kLoc),
              ::testing::ExitedWithCode(1), "Type error: cannot apply '>' to ArrayBox and ArrayBox");
}

TEST(RuntimeDynOps, Equality) {
  LeakCheck leaks;
  {
    Own a1(NewStr("abc"));
    Own a2(NewStr("abc"));
    Own one_s(NewStr("1"));
    Own f1(reml_box_f64(1.0));
    Own f15(reml_box_f64(1.5));
    Own nan(reml_box_f64(NAN));
    Own two53(reml_box_f64(9007199254740992.0));
    Own i53p1(reml_box_i64(9007199254740993LL));
    Own i53(reml_box_i64(9007199254740992LL));
    Own big1(reml_box_i64(INT64_MAX));
    Own big2(reml_box_i64(INT64_MAX));
    Own arr1(reml_h_from_ptr(reml_array_new()));
    Own arr2(reml_h_from_ptr(reml_array_new()));
    Own two63(reml_box_f64(9223372036854775808.0));
    EXPECT_EQ(reml_dyn_eq(REML_VOID, REML_VOID), 1);
    EXPECT_EQ(reml_dyn_eq(reml_box_i64(1), reml_box_i64(1)), 1);
    EXPECT_EQ(reml_dyn_eq(reml_box_i64(1), reml_box_i64(2)), 0);
    EXPECT_EQ(reml_dyn_eq(reml_box_i64(1), f1), 1);
    EXPECT_EQ(reml_dyn_eq(f1, reml_box_i64(1)), 1);
    EXPECT_EQ(reml_dyn_eq(reml_box_i64(1), f15), 0);
    EXPECT_EQ(reml_dyn_eq(i53, two53), 1);
    EXPECT_EQ(reml_dyn_eq(i53p1, two53), 0);  // no rounding of the Int side
    EXPECT_EQ(reml_dyn_eq(big1, two63), 0);
    EXPECT_EQ(reml_dyn_eq(nan, nan), 0);
    EXPECT_EQ(reml_dyn_eq(f1, f1), 1);
    EXPECT_EQ(reml_dyn_eq(big1, big2), 1);  // Ints by value, not by box
    EXPECT_EQ(reml_dyn_eq(a1, a2), 1);
    EXPECT_EQ(reml_dyn_eq(a1, one_s), 0);
    EXPECT_EQ(reml_dyn_eq(reml_box_i64(1), one_s), 0);
    EXPECT_EQ(reml_dyn_eq(reml_box_bool(1), reml_box_bool(1)), 1);
    EXPECT_EQ(reml_dyn_eq(reml_box_bool(1), reml_box_bool(0)), 0);
    EXPECT_EQ(reml_dyn_eq(reml_box_bool(1), reml_box_i64(1)), 0);
    EXPECT_EQ(reml_dyn_eq(REML_VOID, reml_box_i64(0)), 0);
    EXPECT_EQ(reml_dyn_eq(reml_box_i64(0), REML_VOID), 0);
    EXPECT_EQ(reml_dyn_eq(arr1, arr1), 1);
    EXPECT_EQ(reml_dyn_eq(arr1, arr2), 0);  // boxes by identity
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

// The header's inline fast paths (and their reml_fp_* wrappers) give what
// the out-of-line reml_dyn_* functions give, on small Ints at the edges of the
// small range (results that leave it, products that overflow int64_t), boxed
// Ints, Floats, Strings and Void.
TEST(RuntimeDynOps, FastPathsAgreeWithOutOfLine) {
  LeakCheck leaks;
  {
    const int64_t ints[] = {0, 1, -1, 2, 7, -7, 3037000499LL, -3037000500LL, REML_SMALL_INT_MAX,
                            REML_SMALL_INT_MIN, REML_SMALL_INT_MAX / 2 + 1, INT64_MAX, INT64_MIN};
    std::vector<reml_handle_t> nums;
    for (int64_t v : ints) nums.push_back(reml_box_i64(v));
    nums.push_back(reml_box_f64(2.5));
    nums.push_back(reml_box_f64(-0.5));
    // Same kind and value, whatever the representation (a Float NaN never
    // appears here).
    auto same = [](reml_handle_t x, reml_handle_t y) {
      return std::string(reml_h_kind_name(x)) == reml_h_kind_name(y) && reml_dyn_eq(x, y) == 1;
    };
    for (reml_handle_t a : nums) {
      for (reml_handle_t b : nums) {
        const std::string what = Text(a) + " , " + Text(b);
        using Bin = reml_handle_t (*)(reml_handle_t, reml_handle_t, const reml_loc_t*);
        struct Case {
          Bin slow, fast, fp;
        };
        std::vector<Case> cases = {{reml_dyn_add, reml_dyn_add_fast, reml_fp_add},
                                   {reml_dyn_sub, reml_dyn_sub_fast, reml_fp_sub},
                                   {reml_dyn_mul, reml_dyn_mul_fast, reml_fp_mul}};
        if (!reml_h_is_small_int(b) || b != reml_box_i64(0)) {
          cases.push_back({reml_dyn_div, reml_dyn_div_fast, reml_fp_div});
          cases.push_back({reml_dyn_mod, reml_dyn_mod_fast, reml_fp_mod});
        }
        for (const Case& c : cases) {
          reml_handle_t want = c.slow(a, b, &kLoc), fast = c.fast(a, b, &kLoc), fp = c.fp(a, b, &kLoc);
          EXPECT_TRUE(same(want, fast)) << what << ": " << Text(fast);
          EXPECT_TRUE(same(want, fp)) << what << ": " << Text(fp);
          reml_h_release(want);
          reml_h_release(fast);
          reml_h_release(fp);
        }
        EXPECT_EQ(reml_dyn_lt_fast(a, b, &kLoc), reml_dyn_lt(a, b, &kLoc)) << what;
        EXPECT_EQ(reml_dyn_le_fast(a, b, &kLoc), reml_dyn_le(a, b, &kLoc)) << what;
        EXPECT_EQ(reml_dyn_gt_fast(a, b, &kLoc), reml_dyn_gt(a, b, &kLoc)) << what;
        EXPECT_EQ(reml_dyn_ge_fast(a, b, &kLoc), reml_dyn_ge(a, b, &kLoc)) << what;
        EXPECT_EQ(reml_fp_lt(a, b, &kLoc), reml_dyn_lt(a, b, &kLoc)) << what;
        EXPECT_EQ(reml_fp_ge(a, b, &kLoc), reml_dyn_ge(a, b, &kLoc)) << what;
        EXPECT_EQ(reml_dyn_eq_fast(a, b), reml_dyn_eq(a, b)) << what;
        EXPECT_EQ(reml_dyn_ne_fast(a, b), !reml_dyn_eq(a, b)) << what;
        EXPECT_EQ(reml_fp_eq(a, b), reml_dyn_eq(a, b)) << what;
        EXPECT_EQ(reml_fp_ne(a, b), !reml_dyn_eq(a, b)) << what;
      }
      EXPECT_EQ(reml_dyn_eq_fast(a, REML_VOID), 0);
      EXPECT_EQ(reml_fp_eq(REML_VOID, a), 0);
      EXPECT_EQ(reml_h_truthy_fast(a, &kLoc), reml_h_truthy(a, &kLoc));
      EXPECT_EQ(reml_fp_truthy(a, &kLoc), reml_h_truthy(a, &kLoc));
    }
    EXPECT_EQ(reml_dyn_eq_fast(REML_VOID, REML_VOID), 1);
    // Strings still reach the slow path: concatenation and ordering.
    Own x(NewStr("x"));
    Own y(NewStr("y"));
    EXPECT_EQ(TakeText(reml_dyn_add_fast(x, reml_box_i64(1), &kLoc)), "x1");
    EXPECT_EQ(reml_dyn_lt_fast(x, y, &kLoc), 1);
    EXPECT_EQ(reml_fp_truthy(x, &kLoc), 1);
    for (reml_handle_t h : nums) reml_h_release(h);
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeDynOpsDeathTest, FastPathErrorsAreTheSlowPaths) {
  EXPECT_EXIT(reml_dyn_div_fast(reml_box_i64(1), reml_box_i64(0), &kLoc), ::testing::ExitedWithCode(1),
              "t.hako:3:9: runtime error: Division by zero");
  EXPECT_EXIT(reml_fp_mod(reml_box_i64(1), reml_box_i64(0), &kLoc), ::testing::ExitedWithCode(1),
              "Division by zero");
  EXPECT_EXIT(reml_fp_add(reml_box_i64(1), REML_VOID, &kLoc), ::testing::ExitedWithCode(1),
              "Type error: cannot apply '\\+' to Int and Void");
  EXPECT_EXIT(reml_dyn_lt_fast(REML_VOID, reml_box_i64(1), &kLoc), ::testing::ExitedWithCode(1),
              "Type error: cannot apply '<' to Void and Int");
  EXPECT_EXIT(reml_fp_truthy(REML_VOID, &kLoc), ::testing::ExitedWithCode(1), "Type error: Void in boolean context");
}

// inc_ref/dec_ref and the inline forms count the same way.
TEST(RuntimeMem, InlineRefCountMatchesExported) {
  LeakCheck leaks;
  void* p = reml_alloc_object(8, REML_TAG_RAW);
  reml_inc_ref_inline(p);
  inc_ref(p);
  EXPECT_EQ(REML_GET_HEADER(p)->refcount, 3u);
  reml_dec_ref_inline(p);
  dec_ref(p);
  EXPECT_EQ(REML_GET_HEADER(p)->refcount, 1u);
  reml_inc_ref_inline(nullptr);
  reml_dec_ref_inline(nullptr);
  reml_h_release(reml_h_from_ptr(p));  // the last reference: freed
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeNumeric, IntFloatHelpers) {
  EXPECT_EQ(reml_i64_div(INT64_MIN, -1, &kLoc), INT64_MIN);
  EXPECT_EQ(reml_i64_mod(INT64_MIN, -1, &kLoc), 0);
  EXPECT_EQ(reml_i64_div(-9, 4, &kLoc), -2);
  EXPECT_EQ(reml_i64_mod(-9, 4, &kLoc), -1);
  EXPECT_EQ(reml_f64_mod(5.5, 2.0), 1.5);
  EXPECT_EQ(reml_f64_mod(-5.5, 2.0), -1.5);
  EXPECT_EQ(reml_f64_to_i64(2.9), 2);
  EXPECT_EQ(reml_f64_to_i64(-2.9), -2);
  EXPECT_EQ(reml_f64_to_i64(NAN), 0);
  EXPECT_EQ(reml_f64_to_i64(1e300), INT64_MAX);
  EXPECT_EQ(reml_f64_to_i64(-1e300), INT64_MIN);
  EXPECT_EQ(reml_f64_to_i64(INFINITY), INT64_MAX);
  EXPECT_EQ(reml_f64_to_i64(-9223372036854775808.0), INT64_MIN);
  EXPECT_EQ(reml_eq_i64_f64(3, 3.0), 1);
  EXPECT_EQ(reml_eq_i64_f64(3, 3.5), 0);
  EXPECT_EQ(reml_eq_i64_f64(0, -0.0), 1);
  EXPECT_EQ(reml_eq_i64_f64(INT64_MIN, -9223372036854775808.0), 1);
  EXPECT_EQ(reml_eq_i64_f64(INT64_MAX, 9223372036854775808.0), 0);
  EXPECT_EQ(reml_eq_i64_f64(0, NAN), 0);
  EXPECT_EQ(reml_eq_i64_f64(0, INFINITY), 0);
}

// ---------------------------------------------------------------------------
// Number formatting
// ---------------------------------------------------------------------------

std::string Fmt(double v) {
  char buf[32];
  int n = reml_format_f64(v, buf);
  EXPECT_EQ(static_cast<size_t>(n), std::strlen(buf));
  return std::string(buf, static_cast<size_t>(n));
}

TEST(RuntimeFormat, FloatTable) {
  struct Case {
    double v;
    const char* text;
  };
  const Case cases[] = {
      {0.1 + 0.2, "0.30000000000000004"},
      {1e21, "1e+21"},
      {1e20, "100000000000000000000"},
      {1.5e-7, "1.5e-7"},
      {0.000001, "0.000001"},
      {-0.0, "-0"},
      {0.0, "0"},
      {NAN, "NaN"},
      {INFINITY, "inf"},
      {-INFINITY, "-inf"},
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {100.0, "100"},
      {3.14, "3.14"},
      {1.0, "1"},
      {-3.0, "-3"},
      {0.1, "0.1"},
      {-1.5, "-1.5"},
      {123.456, "123.456"},
      {2.5e30, "2.5e+30"},
      {1e-7, "1e-7"},
      {1.2345e-6, "0.0000012345"},
      {9007199254740992.0, "9007199254740992"},
      {123456789012345680000.0, "123456789012345680000"},
      {1.5e300, "1.5e+300"},
      {-2.5e-300, "-2.5e-300"},
      {2.2250738585072014e-308, "2.2250738585072014e-308"},
      {0.5, "0.5"},
      {1e15 + 0.5, "1000000000000000.5"},
  };
  for (const Case& c : cases) EXPECT_EQ(Fmt(c.v), c.text) << c.text;
}

TEST(RuntimeFormat, FloatRoundTripsAndIsShort) {
  std::mt19937_64 rng(12345);
  for (int i = 0; i < 20000; i++) {
    uint64_t bits = rng();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    if (!std::isfinite(v)) continue;
    std::string text = Fmt(v);
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), v) << text;
    EXPECT_LT(text.size(), 32u);
  }
}

// The significant digits of a formatted Float ("1.5e-7" -> "15", "100" -> "1").
std::string SignificantDigits(const std::string& text) {
  std::string d;
  for (char ch : text) {
    if (ch == 'e') break;
    if (ch >= '0' && ch <= '9') d += ch;
  }
  size_t start = d.find_first_not_of('0');
  if (start == std::string::npos) return "0";
  d = d.substr(start);
  while (d.size() > 1 && d.back() == '0') d.pop_back();
  return d;
}

// The fewest significant digits that read back as `v`, found by trying every
// precision: the reference for the fast search in number_format.c.
size_t BruteForceShortest(double v) {
  char buf[64];
  for (int prec = 1; prec <= 17; prec++) {
    std::snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
    if (std::strtod(buf, nullptr) == v) return static_cast<size_t>(prec);
  }
  return 17;
}

TEST(RuntimeFormat, FloatDigitsAreShortest) {
  std::mt19937_64 rng(99);
  std::vector<double> values = {0.1, 0.2, 0.3, 1.0 / 3.0, 2.0 / 3.0, 1e-310, 4.9e-324, 2.5e-320,
                                2.2250738585072009e-308, 123456.789, 1e22, 9.999999999999999e22};
  for (int i = 0; i < 3000; i++) {
    uint64_t bits = rng();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    values.push_back(v);
    values.push_back(static_cast<double>(static_cast<int64_t>(rng() % 2000000) - 1000000) / 1000.0);
    values.push_back(static_cast<double>(rng() % 1000) * std::pow(10.0, static_cast<int>(rng() % 40) - 20));
  }
  for (double v : values) {
    if (!std::isfinite(v) || v == 0.0) continue;
    std::string text = Fmt(v);
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), v) << text;
    // Integral values below 2^53 print exactly, which is also shortest.
    EXPECT_EQ(SignificantDigits(text).size(), BruteForceShortest(v)) << text;
  }
}

TEST(RuntimeFormat, ToStringOfNumbersAndBools) {
  LeakCheck leaks;
  EXPECT_EQ(Take(reml_i64_to_string(0)), "0");
  EXPECT_EQ(Take(reml_i64_to_string(-42)), "-42");
  EXPECT_EQ(Take(reml_i64_to_string(INT64_MIN)), "-9223372036854775808");
  EXPECT_EQ(Take(reml_i64_to_string(INT64_MAX)), "9223372036854775807");
  EXPECT_EQ(Take(reml_f64_to_string(0.1 + 0.2)), "0.30000000000000004");
  EXPECT_EQ(Take(reml_f64_to_string(-0.0)), "-0");
  EXPECT_EQ(Take(reml_bool_to_string(1)), "true");
  EXPECT_EQ(Take(reml_bool_to_string(0)), "false");
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeFormat, ToStringOfEveryKind) {
  LeakCheck leaks;
  {
    Own s(NewStr("raw \"text\""));
    Own f(reml_box_f64(2.5));
    Own a(reml_h_from_ptr(reml_array_new()));
    Own two(NewStr("two"));
    reml_array_push(a.as<reml_array_t>(), reml_box_i64(1));
    reml_array_push(a.as<reml_array_t>(), two);
    reml_array_push(a.as<reml_array_t>(), REML_VOID);
    reml_array_push(a.as<reml_array_t>(), f);
    reml_array_push(a.as<reml_array_t>(), reml_box_bool(1));
    Own inner(reml_h_from_ptr(reml_array_new()));
    reml_array_push(a.as<reml_array_t>(), inner);
    Own m(reml_h_from_ptr(reml_map_new()));
    reml_map_set(m.as<reml_map_t>(), reml_box_i64(1), reml_box_i64(2), &kLoc);
    Own c(reml_h_from_ptr(reml_console_new()));
    EXPECT_EQ(Text(REML_VOID), "null");
    EXPECT_EQ(Text(reml_box_i64(-7)), "-7");
    EXPECT_EQ(Text(s), "raw \"text\"");
    EXPECT_EQ(Text(a), "[1, two, null, 2.5, true, []]");
    EXPECT_EQ(Text(m), "MapBox(size=1)");
    EXPECT_EQ(Text(c), "ConsoleBox");
    // A String's toString() is the string itself, shared.
    reml_string_t* same = reml_h_to_string(s);
    EXPECT_EQ(reinterpret_cast<void*>(same), s.as<void>());
    dec_ref(same);
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeFormat, SelfContainingArrayPrintsEllipsis) {
  LeakCheck leaks;
  reml_array_t* a = reml_array_new();
  reml_array_push(a, reml_box_i64(1));
  reml_array_push(a, reml_h_from_ptr(a));
  EXPECT_EQ(Text(reml_h_from_ptr(a)), "[1, [...]]");
  // The same array twice side by side is not a cycle.
  reml_array_t* b = reml_array_new();
  reml_array_t* leaf = reml_array_new();
  reml_array_push(b, reml_h_from_ptr(leaf));
  reml_array_push(b, reml_h_from_ptr(leaf));
  EXPECT_EQ(Text(reml_h_from_ptr(b)), "[[], []]");
  dec_ref(leaf);
  dec_ref(b);
  reml_array_clear(a);  // breaks the cycle so the array can be freed
  dec_ref(a);
  EXPECT_EQ(leaks.Live(), 0u);
}

// ---------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------

void PrintI64Of(reml_handle_t h) { print_i64(reml_unbox_i64(h, &kLoc)); }
void PrintBoolOf(reml_handle_t h) { reml_print_bool(reml_unbox_bool(h, &kLoc)); }
void PrintF64Of(reml_handle_t h) { reml_print_f64(reml_unbox_f64(h, &kLoc)); }
void PrintStrOf(reml_handle_t h) { reml_print_str(static_cast<reml_string_t*>(reml_h_ptr(h))); }

TEST(RuntimePrint, TypedPrinters) {
  Own f(reml_box_f64(1e21));
  Own s(NewStr("hi there"));
  EXPECT_EQ(CaptureOut(PrintI64Of, reml_box_i64(-5)), "-5\n");
  EXPECT_EQ(CaptureOut(PrintBoolOf, reml_box_bool(1)), "true\n");
  EXPECT_EQ(CaptureOut(PrintBoolOf, reml_box_bool(0)), "false\n");
  EXPECT_EQ(CaptureOut(PrintF64Of, f), "1e+21\n");
  EXPECT_EQ(CaptureOut(PrintStrOf, s), "hi there\n");
}

TEST(RuntimePrint, PrintHandle) {
  Own a(reml_h_from_ptr(reml_array_new()));
  Own s(NewStr("x"));
  reml_array_push(a.as<reml_array_t>(), s);
  reml_array_push(a.as<reml_array_t>(), reml_box_i64(2));
  Own big(reml_box_i64(INT64_MIN));
  EXPECT_EQ(CaptureOut(reml_print_h, REML_VOID), "null\n");
  EXPECT_EQ(CaptureOut(reml_print_h, a), "[x, 2]\n");
  EXPECT_EQ(CaptureOut(reml_print_h, s), "x\n");
  EXPECT_EQ(CaptureOut(reml_print_h, big), "-9223372036854775808\n");
}

TEST(RuntimePrint, LargeOutputKeepsOrder) {
  reml_flush_stdout();
  testing::internal::CaptureStdout();
  std::string expected;
  for (int i = 0; i < 30000; i++) {
    print_i64(i);
    expected += std::to_string(i) + "\n";
  }
  std::string huge(200000, 'z');
  reml_string_t* s = reml_str_new(huge.data(), static_cast<int64_t>(huge.size()));
  reml_print_str(s);
  dec_ref(s);
  expected += huge + "\n";
  reml_flush_stdout();
  EXPECT_EQ(testing::internal::GetCapturedStdout(), expected);
}

TEST(RuntimePrint, EprintGoesToStderr) {
  Own a(reml_h_from_ptr(reml_array_new()));
  reml_array_push(a.as<reml_array_t>(), reml_box_i64(1));
  testing::internal::CaptureStderr();
  reml_eprint_h(a);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "[1]\n");
}

// ---------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------

class RuntimeString : public ::testing::Test {
 protected:
  reml_string_t* S(const std::string& s) {
    reml_string_t* r = reml_str_new(s.data(), static_cast<int64_t>(s.size()));
    owned_.push_back(r);
    return r;
  }
  void TearDown() override {
    for (reml_string_t* s : owned_) dec_ref(s);
    EXPECT_EQ(leaks_.Live(), 0u);
  }

 private:
  LeakCheck leaks_;
  std::vector<reml_string_t*> owned_;
};

TEST_F(RuntimeString, NewLenConcatEqCmp) {
  reml_string_t* e = S("");
  reml_string_t* nul = S(std::string("a\0b", 3));
  EXPECT_EQ(reml_str_len(e), 0);
  EXPECT_EQ(e->data[0], '\0');
  EXPECT_EQ(reml_str_len(nul), 3);
  EXPECT_EQ(reml_get_type_tag(nul), static_cast<uint32_t>(REML_TAG_STRING));
  EXPECT_EQ(Take(reml_str_concat(S("ab"), S("cd"))), "abcd");
  EXPECT_EQ(Take(reml_str_concat(e, e)), "");
  EXPECT_EQ(reml_str_eq(S("x"), S("x")), 1);
  EXPECT_EQ(reml_str_eq(S("x"), S("xy")), 0);
  EXPECT_EQ(reml_str_eq(nul, S(std::string("a\0c", 3))), 0);
  EXPECT_LT(reml_str_cmp(S("abc"), S("abd")), 0);
  EXPECT_GT(reml_str_cmp(S("b"), S("abc")), 0);
  EXPECT_LT(reml_str_cmp(S("ab"), S("abc")), 0);
  EXPECT_EQ(reml_str_cmp(S("ab"), S("ab")), 0);
  EXPECT_GT(reml_str_cmp(S("\xc3\xa9"), S("z")), 0);  // bytewise, unsigned
}

TEST_F(RuntimeString, SubstringClamps) {
  reml_string_t* s = S("hello");
  EXPECT_EQ(Take(reml_str_substring(s, 1, 3)), "el");
  EXPECT_EQ(Take(reml_str_substring(s, 0, 5)), "hello");
  EXPECT_EQ(Take(reml_str_substring(s, -5, 2)), "he");
  EXPECT_EQ(Take(reml_str_substring(s, 3, 100)), "lo");
  EXPECT_EQ(Take(reml_str_substring(s, 4, 2)), "");
  EXPECT_EQ(Take(reml_str_substring(s, 9, 12)), "");
  EXPECT_EQ(Take(reml_str_substring(s, INT64_MIN, INT64_MAX)), "hello");
  EXPECT_EQ(Take(reml_str_substring_from(s, 2)), "llo");
  EXPECT_EQ(Take(reml_str_substring_from(s, -1)), "hello");
  EXPECT_EQ(Take(reml_str_substring_from(s, 10)), "");
}

TEST_F(RuntimeString, Search) {
  reml_string_t* s = S("abcabc");
  EXPECT_EQ(reml_str_index_of(s, S("c")), 2);
  EXPECT_EQ(reml_str_index_of(s, S("bca")), 1);
  EXPECT_EQ(reml_str_index_of(s, S("x")), -1);
  EXPECT_EQ(reml_str_index_of(s, S("")), 0);
  EXPECT_EQ(reml_str_index_of(S("ab"), S("abc")), -1);
  EXPECT_EQ(reml_str_index_of_from(s, S("abc"), 1), 3);
  EXPECT_EQ(reml_str_index_of_from(s, S("abc"), 4), -1);
  EXPECT_EQ(reml_str_index_of_from(s, S("a"), -3), 0);
  EXPECT_EQ(reml_str_index_of_from(s, S(""), 99), 6);
  EXPECT_EQ(reml_str_last_index_of(s, S("abc")), 3);
  EXPECT_EQ(reml_str_last_index_of(s, S("x")), -1);
  EXPECT_EQ(reml_str_last_index_of(s, S("")), 6);
  EXPECT_EQ(reml_str_contains(s, S("cab")), 1);
  EXPECT_EQ(reml_str_contains(s, S("cb")), 0);
  EXPECT_EQ(reml_str_contains(s, S("")), 1);
  EXPECT_EQ(reml_str_starts_with(s, S("abca")), 1);
  EXPECT_EQ(reml_str_starts_with(s, S("b")), 0);
  EXPECT_EQ(reml_str_starts_with(S("a"), S("ab")), 0);
  EXPECT_EQ(reml_str_ends_with(s, S("bc")), 1);
  EXPECT_EQ(reml_str_ends_with(s, S("ab")), 0);
  EXPECT_EQ(reml_str_ends_with(s, S("")), 1);
  EXPECT_EQ(reml_str_ends_with(S("c"), S("bc")), 0);
}

TEST_F(RuntimeString, ReplaceTrimCase) {
  EXPECT_EQ(Take(reml_str_replace(S("a-b-c"), S("-"), S("+"))), "a+b+c");
  EXPECT_EQ(Take(reml_str_replace(S("aaa"), S("aa"), S("b"))), "ba");
  EXPECT_EQ(Take(reml_str_replace(S("abc"), S("x"), S("y"))), "abc");
  EXPECT_EQ(Take(reml_str_replace(S("abc"), S("b"), S(""))), "ac");
  EXPECT_EQ(Take(reml_str_replace(S("ab"), S(""), S("-"))), "-a-b-");
  EXPECT_EQ(Take(reml_str_replace(S(""), S("a"), S("b"))), "");
  EXPECT_EQ(Take(reml_str_trim(S("  \t hi there \n\r"))), "hi there");
  EXPECT_EQ(Take(reml_str_trim(S("   "))), "");
  EXPECT_EQ(Take(reml_str_trim(S("x"))), "x");
  EXPECT_EQ(Take(reml_str_to_upper(S("Hello, World 1 \xc3\xa9"))), "HELLO, WORLD 1 \xc3\xa9");
  EXPECT_EQ(Take(reml_str_to_lower(S("Hello, World 1"))), "hello, world 1");
}

TEST_F(RuntimeString, Split) {
  auto parts = [](reml_array_t* a) {
    std::string out;
    for (int64_t i = 0; i < reml_array_len(a); i++) out += "<" + TakeText(reml_array_get(a, i)) + ">";
    dec_ref(a);
    return out;
  };
  EXPECT_EQ(parts(reml_str_split(S("a,b,,c"), S(","))), "<a><b><><c>");
  EXPECT_EQ(parts(reml_str_split(S("a, b"), S(", "))), "<a><b>");
  EXPECT_EQ(parts(reml_str_split(S(",a,"), S(","))), "<><a><>");
  EXPECT_EQ(parts(reml_str_split(S("abc"), S("x"))), "<abc>");
  EXPECT_EQ(parts(reml_str_split(S(""), S(","))), "<>");
  EXPECT_EQ(parts(reml_str_split(S("abc"), S(""))), "<a><b><c>");
  EXPECT_EQ(parts(reml_str_split(S(""), S(""))), "");
}

TEST_F(RuntimeString, CharAt) {
  reml_string_t* s = S("xyz");
  EXPECT_EQ(Take(reml_str_char_at(s, 0)), "x");
  EXPECT_EQ(Take(reml_str_char_at(s, 2)), "z");
  EXPECT_EQ(Take(reml_str_char_at(s, 3)), "");
  EXPECT_EQ(Take(reml_str_char_at(s, -1)), "");
}

TEST_F(RuntimeString, ToInteger) {
  EXPECT_EQ(TakeInt(reml_str_to_integer(S("42"))), 42);
  EXPECT_EQ(TakeInt(reml_str_to_integer(S("  -17 \n"))), -17);
  EXPECT_EQ(TakeInt(reml_str_to_integer(S("+8"))), 8);
  EXPECT_EQ(TakeInt(reml_str_to_integer(S("007"))), 7);
  EXPECT_EQ(TakeInt(reml_str_to_integer(S("9223372036854775807"))), INT64_MAX);
  EXPECT_EQ(TakeInt(reml_str_to_integer(S("-9223372036854775808"))), INT64_MIN);
  const char* bad[] = {"", "  ", "-", "+", "1.5", "12a", "a12", "1 2", "0x10", "1_000", "9223372036854775808",
                       "-9223372036854775809", "99999999999999999999", "--1"};
  for (const char* b : bad) EXPECT_EQ(reml_str_to_integer(S(b)), REML_VOID) << b;
}

TEST_F(RuntimeString, ToFloat) {
  EXPECT_EQ(TakeFloat(reml_str_to_float(S("1.5"))), 1.5);
  EXPECT_EQ(TakeFloat(reml_str_to_float(S("  -2e3 "))), -2000.0);
  EXPECT_EQ(TakeFloat(reml_str_to_float(S("7"))), 7.0);
  EXPECT_EQ(TakeFloat(reml_str_to_float(S(".5"))), 0.5);
  EXPECT_EQ(TakeFloat(reml_str_to_float(S("inf"))), INFINITY);
  EXPECT_TRUE(std::isnan(TakeFloat(reml_str_to_float(S("nan")))));
  const char* bad[] = {"", " ", "abc", "1.5x", "0x1p3", "1e", "1.2.3", "- 1"};
  for (const char* b : bad) EXPECT_EQ(reml_str_to_float(S(b)), REML_VOID) << b;
  EXPECT_EQ(reml_str_to_float(S(std::string("1\0", 2))), REML_VOID);
}

// ---------------------------------------------------------------------------
// ArrayBox
// ---------------------------------------------------------------------------

std::string ArrayText(reml_array_t* a) { return Text(reml_h_from_ptr(a)); }

TEST(RuntimeArray, PushPopGetSet) {
  LeakCheck leaks;
  reml_array_t* a = reml_array_new();
  EXPECT_EQ(reml_array_len(a), 0);
  EXPECT_EQ(reml_array_pop(a), REML_VOID);
  for (int i = 0; i < 100; i++) reml_array_push(a, reml_box_i64(i));
  EXPECT_EQ(reml_array_len(a), 100);
  EXPECT_EQ(TakeInt(reml_array_get(a, 42)), 42);
  EXPECT_EQ(reml_array_get(a, 100), REML_VOID);
  EXPECT_EQ(reml_array_get(a, -1), REML_VOID);
  EXPECT_EQ(TakeInt(reml_array_pop(a)), 99);
  EXPECT_EQ(reml_array_len(a), 99);
  Own s(NewStr("s"));
  reml_array_set(a, 0, s, &kLoc);
  EXPECT_EQ(TakeText(reml_array_get(a, 0)), "s");
  reml_array_set(a, 99, reml_box_i64(7), &kLoc);  // i == len appends
  EXPECT_EQ(reml_array_len(a), 100);
  EXPECT_EQ(TakeInt(reml_array_get(a, 99)), 7);
  // Setting an element to itself keeps it alive.
  reml_handle_t same = reml_array_get(a, 0);
  reml_array_set(a, 0, same, &kLoc);
  reml_h_release(same);
  EXPECT_EQ(TakeText(reml_array_get(a, 0)), "s");
  dec_ref(a);
  EXPECT_EQ(leaks.Live(), 1u);  // only `s`, released at scope exit
}

TEST(RuntimeArray, InsertRemoveContainsIndexOf) {
  LeakCheck leaks;
  {
    Own a(reml_h_from_ptr(reml_array_new()));
    reml_array_t* arr = a.as<reml_array_t>();
    reml_array_insert(arr, 0, reml_box_i64(2), &kLoc);
    reml_array_insert(arr, 0, reml_box_i64(1), &kLoc);
    reml_array_insert(arr, 2, reml_box_i64(4), &kLoc);
    reml_array_insert(arr, 2, reml_box_i64(3), &kLoc);
    EXPECT_EQ(ArrayText(arr), "[1, 2, 3, 4]");
    EXPECT_EQ(TakeInt(reml_array_remove(arr, 1)), 2);
    EXPECT_EQ(reml_array_remove(arr, 3), REML_VOID);
    EXPECT_EQ(reml_array_remove(arr, -1), REML_VOID);
    EXPECT_EQ(ArrayText(arr), "[1, 3, 4]");
    Own f(reml_box_f64(3.0));
    Own s(NewStr("3"));
    Own s2(NewStr("3"));
    reml_array_push(arr, s);
    EXPECT_EQ(reml_array_contains(arr, f), 1);  // 3 == 3.0
    EXPECT_EQ(reml_array_index_of(arr, f), 1);
    EXPECT_EQ(reml_array_index_of(arr, s2), 3);  // strings by value
    EXPECT_EQ(reml_array_index_of(arr, reml_box_i64(9)), -1);
    EXPECT_EQ(reml_array_contains(arr, REML_VOID), 0);
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeArrayDeathTest, IndexErrors) {
  EXPECT_EXIT(
      {
        reml_array_t* a = reml_array_new();
        reml_array_push(a, reml_box_i64(1));
        reml_array_push(a, reml_box_i64(2));
        reml_array_set(a, 5, reml_box_i64(0), &kLoc);
      },
      ::testing::ExitedWithCode(1), "t.hako:3:9: runtime error: Index out of range: 5 \\(length 2\\)");
  EXPECT_EXIT(reml_array_set(reml_array_new(), -1, REML_VOID, &kLoc), ::testing::ExitedWithCode(1),
              "Index out of range: -1 \\(length 0\\)");
  EXPECT_EXIT(reml_array_insert(reml_array_new(), 1, REML_VOID, &kLoc), ::testing::ExitedWithCode(1),
              "Index out of range: 1 \\(length 0\\)");
  EXPECT_EXIT(reml_array_insert(reml_array_new(), -1, REML_VOID, &kLoc), ::testing::ExitedWithCode(1),
              "Index out of range: -1 \\(length 0\\)");
}

TEST(RuntimeArray, JoinSliceReverseClear) {
  LeakCheck leaks;
  {
    Own a(reml_h_from_ptr(reml_array_new()));
    reml_array_t* arr = a.as<reml_array_t>();
    Own b(NewStr("b"));
    Own f(reml_box_f64(0.5));
    reml_array_push(arr, reml_box_i64(1));
    reml_array_push(arr, b);
    reml_array_push(arr, REML_VOID);
    reml_array_push(arr, f);
    reml_string_t* sep = reml_str_new(", ", 2);
    reml_string_t* empty = reml_str_new("", 0);
    EXPECT_EQ(Take(reml_array_join(arr, sep)), "1, b, null, 0.5");
    EXPECT_EQ(Take(reml_array_join(arr, empty)), "1bnull0.5");
    reml_array_t* none = reml_array_new();
    EXPECT_EQ(Take(reml_array_join(none, sep)), "");
    dec_ref(none);
    auto slice = [&](int64_t x, int64_t y) {
      reml_array_t* s = reml_array_slice(arr, x, y);
      std::string t = ArrayText(s);
      dec_ref(s);
      return t;
    };
    EXPECT_EQ(slice(1, 3), "[b, null]");
    EXPECT_EQ(slice(-5, 2), "[1, b]");
    EXPECT_EQ(slice(2, 100), "[null, 0.5]");
    EXPECT_EQ(slice(3, 1), "[]");
    EXPECT_EQ(slice(0, 4), "[1, b, null, 0.5]");
    reml_array_reverse(arr);
    EXPECT_EQ(ArrayText(arr), "[0.5, null, b, 1]");
    reml_array_clear(arr);
    EXPECT_EQ(reml_array_len(arr), 0);
    EXPECT_EQ(ArrayText(arr), "[]");
    reml_array_push(arr, reml_box_i64(5));  // still usable after clear
    EXPECT_EQ(ArrayText(arr), "[5]");
    dec_ref(sep);
    dec_ref(empty);
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeArray, SortNumbersStringsAndStability) {
  LeakCheck leaks;
  {
    Own a(reml_h_from_ptr(reml_array_new()));
    reml_array_t* arr = a.as<reml_array_t>();
    Own f15(reml_box_f64(1.5));
    Own fneg(reml_box_f64(-0.25));
    Own big(reml_box_i64(INT64_MAX));
    Own f2(reml_box_f64(2.0));
    reml_array_push(arr, reml_box_i64(3));
    reml_array_push(arr, f15);
    reml_array_push(arr, big);
    reml_array_push(arr, reml_box_i64(2));
    reml_array_push(arr, fneg);
    reml_array_push(arr, f2);
    reml_array_push(arr, reml_box_i64(-7));
    reml_array_sort(arr, &kLoc);
    // Stable: the Int 2 came before the Float 2.0 and stays there.
    EXPECT_EQ(ArrayText(arr), "[-7, -0.25, 1.5, 2, 2, 3, 9223372036854775807]");
    EXPECT_STREQ(reml_h_kind_name(arr->items[3]), "Int");
    EXPECT_STREQ(reml_h_kind_name(arr->items[4]), "Float");

    Own s(reml_h_from_ptr(reml_array_new()));
    const char* words[] = {"pear", "apple", "Zebra", "apple pie", "", "banana"};
    for (const char* w : words) {
      Own str(NewStr(w));
      reml_array_push(s.as<reml_array_t>(), str);
    }
    reml_array_sort(s.as<reml_array_t>(), &kLoc);
    EXPECT_EQ(ArrayText(s.as<reml_array_t>()), "[, Zebra, apple, apple pie, banana, pear]");

    Own one(reml_h_from_ptr(reml_array_new()));
    reml_array_push(one.as<reml_array_t>(), REML_VOID);
    reml_array_sort(one.as<reml_array_t>(), &kLoc);  // nothing to compare
    Own empty(reml_h_from_ptr(reml_array_new()));
    reml_array_sort(empty.as<reml_array_t>(), &kLoc);
    EXPECT_EQ(reml_array_len(empty.as<reml_array_t>()), 0);
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeArray, SortLargeRandomIsOrderedAndStable) {
  LeakCheck leaks;
  reml_array_t* a = reml_array_new();
  std::mt19937 rng(7);
  // Each element is [key, original position]; sorting the keys alone is
  // checked through a parallel array of Floats that carry the position.
  std::vector<std::pair<int, int>> expected;
  for (int i = 0; i < 5000; i++) {
    int key = static_cast<int>(rng() % 100);
    Own f(reml_box_f64(key + i / 100000.0));
    reml_array_push(a, f);
    expected.emplace_back(key, i);
  }
  reml_array_sort(a, &kLoc);
  for (int64_t i = 1; i < reml_array_len(a); i++) {
    EXPECT_LE(reml_unbox_f64(a->items[i - 1], &kLoc), reml_unbox_f64(a->items[i], &kLoc));
  }
  dec_ref(a);

  // Stability with equal keys: Ints and Floats of the same value keep order.
  reml_array_t* b = reml_array_new();
  for (int i = 0; i < 300; i++) {
    if (i % 2 == 0) {
      reml_array_push(b, reml_box_i64(i % 3));
    } else {
      Own f(reml_box_f64(static_cast<double>(i % 3)));
      reml_array_push(b, f);
    }
  }
  reml_array_sort(b, &kLoc);
  // Within each key, the kinds alternate exactly as they were pushed.
  for (int key = 0; key < 3; key++) {
    std::vector<bool> was_int_before, was_int_after;
    for (int i = 0; i < 300; i++)
      if (i % 3 == key) was_int_before.push_back(i % 2 == 0);
    for (int64_t i = 0; i < reml_array_len(b); i++)
      if (reml_dyn_eq(b->items[i], reml_box_i64(key))) was_int_after.push_back(reml_h_is_small_int(b->items[i]));
    EXPECT_EQ(was_int_before, was_int_after) << key;
  }
  dec_ref(b);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeArrayDeathTest, SortTypeErrors) {
  EXPECT_EXIT(
      {
        reml_array_t* a = reml_array_new();
        reml_array_push(a, reml_box_i64(1));
        reml_array_push(a, NewStr("a"));
        reml_array_sort(a, &kLoc);
      },
      ::testing::ExitedWithCode(1), "t.hako:3:9: runtime error: Type error: cannot sort Int and String");
  EXPECT_EXIT(
      {
        reml_array_t* a = reml_array_new();
        reml_array_push(a, NewStr("a"));
        reml_array_push(a, NewStr("b"));
        reml_array_push(a, reml_box_f64(1.0));
        reml_array_sort(a, &kLoc);
      },
      ::testing::ExitedWithCode(1), "Type error: cannot sort String and Float");
  EXPECT_EXIT(
      {
        reml_array_t* a = reml_array_new();
        reml_array_push(a, reml_box_bool(1));
        reml_array_push(a, reml_box_bool(0));
        reml_array_sort(a, &kLoc);
      },
      ::testing::ExitedWithCode(1), "Type error: cannot sort Bool and Bool");
  EXPECT_EXIT(
      {
        reml_array_t* a = reml_array_new();
        reml_array_push(a, reml_box_i64(1));
        reml_array_push(a, REML_VOID);
        reml_array_sort(a, &kLoc);
      },
      ::testing::ExitedWithCode(1), "Type error: cannot sort Int and Void");
}

// ---------------------------------------------------------------------------
// MapBox
// ---------------------------------------------------------------------------

std::string Keys(reml_map_t* m) {
  reml_array_t* k = reml_map_keys(m);
  std::string t = ArrayText(k);
  dec_ref(k);
  return t;
}

std::string Values(reml_map_t* m) {
  reml_array_t* v = reml_map_values(m);
  std::string t = ArrayText(v);
  dec_ref(v);
  return t;
}

TEST(RuntimeMap, SetGetHasDelete) {
  LeakCheck leaks;
  {
    Own mh(reml_h_from_ptr(reml_map_new()));
    reml_map_t* m = mh.as<reml_map_t>();
    Own ka(NewStr("a"));
    Own ka2(NewStr("a"));
    Own k1s(NewStr("1"));
    Own va(NewStr("value a"));
    EXPECT_EQ(reml_map_size(m), 0);
    EXPECT_EQ(reml_map_get(m, ka, &kLoc), REML_VOID);
    reml_map_set(m, ka, va, &kLoc);
    reml_map_set(m, reml_box_i64(1), reml_box_i64(100), &kLoc);
    reml_map_set(m, k1s, reml_box_i64(200), &kLoc);
    EXPECT_EQ(reml_map_size(m), 3);
    EXPECT_EQ(TakeText(reml_map_get(m, ka2, &kLoc)), "value a");  // string keys by value
    EXPECT_EQ(TakeInt(reml_map_get(m, reml_box_i64(1), &kLoc)), 100);
    EXPECT_EQ(TakeInt(reml_map_get(m, k1s, &kLoc)), 200);  // 1 and "1" differ
    EXPECT_EQ(reml_map_has(m, ka2, &kLoc), 1);
    EXPECT_EQ(reml_map_has(m, reml_box_i64(2), &kLoc), 0);
    reml_map_set(m, reml_box_i64(1), reml_box_i64(101), &kLoc);  // overwrite
    EXPECT_EQ(reml_map_size(m), 3);
    EXPECT_EQ(TakeInt(reml_map_get(m, reml_box_i64(1), &kLoc)), 101);
    EXPECT_EQ(reml_map_delete(m, reml_box_i64(1), &kLoc), 1);
    EXPECT_EQ(reml_map_delete(m, reml_box_i64(1), &kLoc), 0);
    EXPECT_EQ(reml_map_has(m, reml_box_i64(1), &kLoc), 0);
    EXPECT_EQ(reml_map_has(m, k1s, &kLoc), 1);
    EXPECT_EQ(reml_map_size(m), 2);
    Own big(reml_box_i64(INT64_MIN));
    Own big2(reml_box_i64(INT64_MIN));
    reml_map_set(m, big, reml_box_i64(5), &kLoc);
    EXPECT_EQ(TakeInt(reml_map_get(m, big2, &kLoc)), 5);  // boxed Int keys by value
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeMap, InsertionOrderKeptAcrossDeletes) {
  LeakCheck leaks;
  {
    Own mh(reml_h_from_ptr(reml_map_new()));
    reml_map_t* m = mh.as<reml_map_t>();
    const char* names[] = {"c", "a", "b", "d"};
    for (int i = 0; i < 4; i++) {
      Own k(NewStr(names[i]));
      reml_map_set(m, k, reml_box_i64(i), &kLoc);
    }
    EXPECT_EQ(Keys(m), "[c, a, b, d]");
    EXPECT_EQ(Values(m), "[0, 1, 2, 3]");
    Own ka(NewStr("a"));
    EXPECT_EQ(reml_map_delete(m, ka, &kLoc), 1);
    EXPECT_EQ(Keys(m), "[c, b, d]");
    Own kb(NewStr("b"));
    reml_map_set(m, kb, reml_box_i64(20), &kLoc);  // overwrite keeps place
    EXPECT_EQ(Keys(m), "[c, b, d]");
    EXPECT_EQ(Values(m), "[0, 20, 3]");
    reml_map_set(m, ka, reml_box_i64(10), &kLoc);  // re-insert goes last
    EXPECT_EQ(Keys(m), "[c, b, d, a]");
    reml_map_clear(m);
    EXPECT_EQ(reml_map_size(m), 0);
    EXPECT_EQ(Keys(m), "[]");
    reml_map_set(m, reml_box_i64(3), reml_box_i64(4), &kLoc);  // usable after clear
    EXPECT_EQ(Keys(m), "[3]");
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeMap, ManyKeysWithChurn) {
  LeakCheck leaks;
  {
    Own mh(reml_h_from_ptr(reml_map_new()));
    reml_map_t* m = mh.as<reml_map_t>();
    const int n = 5000;
    for (int i = 0; i < n; i++) {
      Own k(NewStr("key" + std::to_string(i)));
      reml_map_set(m, k, reml_box_i64(i), &kLoc);
      reml_map_set(m, reml_box_i64(i), reml_box_i64(-i), &kLoc);
    }
    EXPECT_EQ(reml_map_size(m), 2 * n);
    // Delete every string key with an odd number, several times over the
    // table's life so holes and tombstones get compacted.
    for (int i = 1; i < n; i += 2) {
      Own k(NewStr("key" + std::to_string(i)));
      EXPECT_EQ(reml_map_delete(m, k, &kLoc), 1);
    }
    for (int i = 0; i < n; i += 3) EXPECT_EQ(reml_map_delete(m, reml_box_i64(i), &kLoc), 1);
    for (int i = 0; i < n; i++) {
      Own k(NewStr("key" + std::to_string(i)));
      EXPECT_EQ(reml_map_has(m, k, &kLoc), i % 2 == 0) << i;
      reml_handle_t v = reml_map_get(m, reml_box_i64(i), &kLoc);
      if (i % 3 == 0) {
        EXPECT_EQ(v, REML_VOID);
      } else {
        EXPECT_EQ(TakeInt(v), -i);
      }
    }
    // Order: surviving entries keep their relative insertion order.
    reml_array_t* keys = reml_map_keys(m);
    std::vector<std::string> expected;
    for (int i = 0; i < n; i++) {
      if (i % 2 == 0) expected.push_back("key" + std::to_string(i));
      if (i % 3 != 0) expected.push_back(std::to_string(i));
    }
    ASSERT_EQ(reml_array_len(keys), static_cast<int64_t>(expected.size()));
    for (size_t i = 0; i < expected.size(); i++) EXPECT_EQ(Text(keys->items[i]), expected[i]);
    dec_ref(keys);
    for (int i = 0; i < n; i++) {
      Own k(NewStr("key" + std::to_string(i)));
      reml_map_delete(m, k, &kLoc);
      reml_map_delete(m, reml_box_i64(i), &kLoc);
    }
    EXPECT_EQ(reml_map_size(m), 0);
    EXPECT_EQ(Keys(m), "[]");
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeMapDeathTest, BadKeys) {
  EXPECT_EXIT(reml_map_set(reml_map_new(), reml_box_f64(1.0), REML_VOID, &kLoc), ::testing::ExitedWithCode(1),
              "t.hako:3:9: runtime error: Type error: map key must be Int or String, got Float");
  EXPECT_EXIT(reml_map_get(reml_map_new(), REML_VOID, &kLoc), ::testing::ExitedWithCode(1),
              "Type error: map key must be Int or String, got Void");
  EXPECT_EXIT(reml_map_has(reml_map_new(), reml_box_bool(1), &kLoc), ::testing::ExitedWithCode(1),
              "Type error: map key must be Int or String, got Bool");
  EXPECT_EXIT(reml_map_delete(reml_map_new(), reml_h_from_ptr(reml_array_new()), &kLoc),
              ::testing::ExitedWithCode(1), "Type error: map key must be Int or String, got ArrayBox");
}

// ---------------------------------------------------------------------------
// User boxes
// ---------------------------------------------------------------------------

const char* const kPointFields[] = {"x", "y", "items"};
const reml_box_type_t kTypes[] = {
    {"Point", 3, kPointFields, 0, nullptr, 0, nullptr, nullptr},
    {"Named", 0, nullptr, 1, nullptr, 0, nullptr, nullptr},
    {"Empty", 0, nullptr, 0, nullptr, 0, nullptr, nullptr},
};

void RegisterTypes() { reml_register_box_types(kTypes, 3); }

reml_string_t* NamedToString(reml_handle_t self) {
  std::string text = "Named#" + std::to_string(reml_h_tag(self));
  return reml_str_new(text.data(), static_cast<int64_t>(text.size()));
}

TEST(RuntimeInstance, RegistryAndFields) {
  RegisterTypes();
  LeakCheck leaks;
  {
    EXPECT_EQ(reml_box_type_of_tag(REML_TAG_USER_BASE)->name, std::string("Point"));
    EXPECT_EQ(reml_box_type_of_tag(REML_TAG_USER_BASE + 3), nullptr);
    EXPECT_EQ(reml_box_type_of_tag(REML_TAG_ARRAY), nullptr);
    Own p(reml_h_from_ptr(reml_instance_new(0)));
    EXPECT_EQ(reml_h_tag(p), static_cast<uint32_t>(REML_TAG_USER_BASE));
    EXPECT_STREQ(reml_h_kind_name(p), "Point");
    EXPECT_EQ(p.as<reml_instance_t>()->flags, 0u);
    for (int i = 0; i < 3; i++) EXPECT_EQ(p.as<reml_instance_t>()->fields[i], REML_VOID);
    EXPECT_EQ(reml_dyn_get_field(p, "x", &kLoc), REML_VOID);
    reml_dyn_set_field(p, "x", reml_box_i64(3), &kLoc);
    Own s(NewStr("why"));
    reml_dyn_set_field(p, "y", s, &kLoc);
    EXPECT_EQ(TakeInt(reml_dyn_get_field(p, "x", &kLoc)), 3);
    EXPECT_EQ(TakeText(reml_dyn_get_field(p, "y", &kLoc)), "why");
    EXPECT_EQ(p.as<reml_instance_t>()->fields[1], s.get());
    reml_dyn_set_field(p, "y", REML_VOID, &kLoc);
    EXPECT_EQ(REML_GET_HEADER(s.as<void>())->refcount, 1u);  // the old value was released
    EXPECT_EQ(Text(p), "<Point instance>");
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeInstance, InstanceHoldingArrayFreesEverything) {
  RegisterTypes();
  LeakCheck leaks;
  reml_instance_t* p = reml_instance_new(0);
  reml_array_t* items = reml_array_new();
  for (int i = 0; i < 10; i++) {
    Own s(NewStr(std::to_string(i)));
    reml_array_push(items, s);
  }
  reml_instance_t* child = reml_instance_new(0);
  reml_array_push(items, reml_h_from_ptr(child));
  dec_ref(child);
  reml_dyn_set_field(reml_h_from_ptr(p), "items", reml_h_from_ptr(items), &kLoc);
  dec_ref(items);
  EXPECT_GT(leaks.Live(), 10u);
  dec_ref(p);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeInstance, ToStringHook) {
  RegisterTypes();
  LeakCheck leaks;
  {
    Own n(reml_h_from_ptr(reml_instance_new(1)));
    Own e(reml_h_from_ptr(reml_instance_new(2)));
    reml_set_to_string_hook(nullptr);
    EXPECT_EQ(Text(n), "<Named instance>");  // no engine hook yet
    reml_set_to_string_hook(NamedToString);
    EXPECT_EQ(Text(n), "Named#17");
    EXPECT_EQ(Text(e), "<Empty instance>");  // no toString(): the hook is not asked
    Own a(reml_h_from_ptr(reml_array_new()));
    reml_array_push(a.as<reml_array_t>(), n);
    reml_array_push(a.as<reml_array_t>(), e);
    EXPECT_EQ(Text(a), "[Named#17, <Empty instance>]");
    Own prefix(NewStr(">"));
    EXPECT_EQ(TakeText(reml_dyn_add(prefix, n, &kLoc)), ">Named#17");
    EXPECT_EQ(TakeText(Call(n, "toString")), "Named#17");
    EXPECT_EQ(TakeText(Call(e, "toString")), "<Empty instance>");
    reml_set_to_string_hook(nullptr);
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeInstanceDeathTest, UnknownFields) {
  RegisterTypes();
  EXPECT_EXIT(reml_dyn_get_field(reml_h_from_ptr(reml_instance_new(0)), "z", &kLoc), ::testing::ExitedWithCode(1),
              "t.hako:3:9: runtime error: Unknown field 'z' on Point");
  EXPECT_EXIT(reml_dyn_set_field(reml_h_from_ptr(reml_instance_new(2)), "x", REML_VOID, &kLoc),
              ::testing::ExitedWithCode(1), "Unknown field 'x' on Empty");
  EXPECT_EXIT(reml_dyn_get_field(reml_box_i64(1), "x", &kLoc), ::testing::ExitedWithCode(1),
              "Unknown field 'x' on Int");
  EXPECT_EXIT(reml_dyn_get_field(REML_VOID, "x", &kLoc), ::testing::ExitedWithCode(1), "Unknown field 'x' on Void");
  EXPECT_EXIT(reml_dyn_set_field(NewStr("s"), "len", REML_VOID, &kLoc), ::testing::ExitedWithCode(1),
              "Unknown field 'len' on String");
  EXPECT_EXIT(reml_instance_new(99), ::testing::ExitedWithCode(70), "internal runtime error: ");
}

// ---------------------------------------------------------------------------
// Dynamic built-in calls
// ---------------------------------------------------------------------------

TEST(RuntimeBuiltin, MethodIds) {
  EXPECT_EQ(reml_builtin_method_id("toString"), REML_METHOD_TO_STRING);
  EXPECT_EQ(reml_builtin_method_id("length"), REML_METHOD_LENGTH);
  EXPECT_EQ(reml_builtin_method_id("lastIndexOf"), REML_METHOD_LAST_INDEX_OF);
  EXPECT_EQ(reml_builtin_method_id("error"), REML_METHOD_ERROR);
  EXPECT_EQ(reml_builtin_method_id("nope"), -1);
  EXPECT_EQ(reml_builtin_method_id(""), -1);
  EXPECT_EQ(reml_builtin_method_id(nullptr), -1);
}

TEST(RuntimeBuiltin, NumberAndBoolReceivers) {
  LeakCheck leaks;
  {
    Own f(reml_box_f64(-2.75));
    Own big(reml_box_i64(INT64_MAX));
    EXPECT_EQ(TakeText(Call(reml_box_i64(12), "toString")), "12");
    EXPECT_EQ(TakeFloat(Call(reml_box_i64(12), "toFloat")), 12.0);
    EXPECT_EQ(TakeInt(Call(reml_box_i64(12), "toInteger")), 12);
    EXPECT_EQ(TakeInt(Call(big, "toInteger")), INT64_MAX);
    EXPECT_EQ(TakeText(Call(f, "toString")), "-2.75");
    EXPECT_EQ(TakeInt(Call(f, "toInteger")), -2);
    EXPECT_EQ(TakeFloat(Call(f, "toFloat")), -2.75);
    EXPECT_EQ(TakeText(Call(reml_box_bool(1), "toString")), "true");
    EXPECT_EQ(TakeText(Call(REML_VOID, "toString")), "null");  // every value has toString()
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeBuiltin, StringReceiver) {
  LeakCheck leaks;
  {
    Own s(NewStr(" Hello, World "));
    Own comma(NewStr(","));
    Own o(NewStr("o"));
    Own zero(NewStr("0"));
    Own num(NewStr(" 42 "));
    Own flt(NewStr("2.5"));
    Own word(NewStr("World"));
    Own excl(NewStr("!"));
    EXPECT_EQ(TakeInt(Call(s, "length")), 14);
    EXPECT_EQ(TakeInt(Call(s, "size")), 14);
    EXPECT_EQ(TakeText(Call(s, "substring", {reml_box_i64(1), reml_box_i64(6)})), "Hello");
    EXPECT_EQ(TakeText(Call(s, "substring", {reml_box_i64(8)})), "World ");
    EXPECT_EQ(TakeInt(Call(s, "indexOf", {o})), 5);
    EXPECT_EQ(TakeInt(Call(s, "indexOf", {o, reml_box_i64(6)})), 9);
    EXPECT_EQ(TakeInt(Call(s, "lastIndexOf", {o})), 9);
    EXPECT_EQ(TakeText(Call(s, "contains", {word})), "true");
    EXPECT_EQ(TakeText(Call(s, "startsWith", {word})), "false");
    EXPECT_EQ(TakeText(Call(s, "endsWith", {s})), "true");
    EXPECT_EQ(TakeText(Call(s, "replace", {o, zero})), " Hell0, W0rld ");
    EXPECT_EQ(TakeText(Call(s, "trim")), "Hello, World");
    EXPECT_EQ(TakeText(Call(s, "toUpper")), " HELLO, WORLD ");
    EXPECT_EQ(TakeText(Call(s, "toLower")), " hello, world ");
    EXPECT_EQ(TakeText(Call(s, "split", {comma})), "[ Hello,  World ]");
    EXPECT_EQ(TakeText(Call(s, "concat", {excl})), " Hello, World !");
    EXPECT_EQ(TakeText(Call(s, "charAt", {reml_box_i64(1)})), "H");
    EXPECT_EQ(TakeInt(Call(num, "toInteger")), 42);
    EXPECT_EQ(Call(s, "toInteger"), REML_VOID);
    EXPECT_EQ(TakeFloat(Call(flt, "toFloat")), 2.5);
    EXPECT_EQ(TakeText(Call(s, "toString")), " Hello, World ");
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeBuiltin, ArrayReceiver) {
  LeakCheck leaks;
  {
    Own a(reml_h_from_ptr(reml_array_new()));
    Own sep(NewStr("-"));
    Own s(NewStr("s"));
    EXPECT_EQ(Call(a, "push", {reml_box_i64(3)}), REML_VOID);
    EXPECT_EQ(Call(a, "push", {reml_box_i64(1)}), REML_VOID);
    EXPECT_EQ(Call(a, "push", {reml_box_i64(2)}), REML_VOID);
    EXPECT_EQ(TakeInt(Call(a, "length")), 3);
    EXPECT_EQ(TakeInt(Call(a, "size")), 3);
    EXPECT_EQ(TakeInt(Call(a, "len")), 3);
    EXPECT_EQ(TakeInt(Call(a, "get", {reml_box_i64(0)})), 3);
    EXPECT_EQ(Call(a, "get", {reml_box_i64(10)}), REML_VOID);
    EXPECT_EQ(Call(a, "sort"), REML_VOID);
    EXPECT_EQ(Text(a), "[1, 2, 3]");
    EXPECT_EQ(Call(a, "reverse"), REML_VOID);
    EXPECT_EQ(Text(a), "[3, 2, 1]");
    EXPECT_EQ(Call(a, "set", {reml_box_i64(0), s}), REML_VOID);
    EXPECT_EQ(Call(a, "insert", {reml_box_i64(1), reml_box_i64(9)}), REML_VOID);
    EXPECT_EQ(Text(a), "[s, 9, 2, 1]");
    EXPECT_EQ(TakeText(Call(a, "contains", {s})), "true");
    EXPECT_EQ(TakeInt(Call(a, "indexOf", {reml_box_i64(2)})), 2);
    EXPECT_EQ(TakeText(Call(a, "join", {sep})), "s-9-2-1");
    EXPECT_EQ(TakeText(Call(a, "slice", {reml_box_i64(1), reml_box_i64(3)})), "[9, 2]");
    EXPECT_EQ(TakeInt(Call(a, "remove", {reml_box_i64(1)})), 9);
    EXPECT_EQ(TakeInt(Call(a, "pop")), 1);
    EXPECT_EQ(TakeText(Call(a, "toString")), "[s, 2]");
    EXPECT_EQ(Call(a, "clear"), REML_VOID);
    EXPECT_EQ(TakeInt(Call(a, "length")), 0);
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeBuiltin, MapReceiver) {
  LeakCheck leaks;
  {
    Own m(reml_h_from_ptr(reml_map_new()));
    Own k(NewStr("k"));
    Own v(NewStr("v"));
    EXPECT_EQ(Call(m, "set", {k, v}), REML_VOID);
    EXPECT_EQ(Call(m, "set", {reml_box_i64(2), reml_box_i64(4)}), REML_VOID);
    EXPECT_EQ(TakeText(Call(m, "get", {k})), "v");
    EXPECT_EQ(Call(m, "get", {reml_box_i64(3)}), REML_VOID);
    EXPECT_EQ(TakeText(Call(m, "has", {reml_box_i64(2)})), "true");
    EXPECT_EQ(TakeInt(Call(m, "size")), 2);
    EXPECT_EQ(TakeInt(Call(m, "len")), 2);
    EXPECT_EQ(TakeInt(Call(m, "length")), 2);
    EXPECT_EQ(TakeText(Call(m, "keys")), "[k, 2]");
    EXPECT_EQ(TakeText(Call(m, "values")), "[v, 4]");
    EXPECT_EQ(TakeText(Call(m, "delete", {k})), "true");
    EXPECT_EQ(TakeText(Call(m, "delete", {k})), "false");
    EXPECT_EQ(TakeText(Call(m, "toString")), "MapBox(size=1)");
    EXPECT_EQ(Call(m, "clear"), REML_VOID);
    EXPECT_EQ(TakeInt(Call(m, "size")), 0);
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeBuiltin, ConsoleReceiver) {
  Own c(reml_h_from_ptr(reml_console_new()));
  Own s(NewStr("out"));
  Own e(NewStr("err"));
  reml_flush_stdout();
  testing::internal::CaptureStdout();
  EXPECT_EQ(Call(c, "println", {s}), REML_VOID);
  EXPECT_EQ(Call(c, "log", {reml_box_i64(5)}), REML_VOID);
  reml_flush_stdout();
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "out\n5\n");
  testing::internal::CaptureStderr();
  EXPECT_EQ(Call(c, "warn", {e}), REML_VOID);
  EXPECT_EQ(Call(c, "error", {REML_VOID}), REML_VOID);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "err\nnull\n");
}

TEST(RuntimeBuiltinDeathTest, UnknownMethodsAndBadArguments) {
  RegisterTypes();
  EXPECT_EXIT(Call(reml_box_i64(1), "length"), ::testing::ExitedWithCode(1),
              "t.hako:3:9: runtime error: Unknown method 'length' on Int");
  EXPECT_EXIT(reml_call_builtin(reml_box_i64(1), -1, "frobnicate", 0, nullptr, &kLoc), ::testing::ExitedWithCode(1),
              "Unknown method 'frobnicate' on Int");
  EXPECT_EXIT(Call(reml_box_bool(1), "toInteger"), ::testing::ExitedWithCode(1),
              "Unknown method 'toInteger' on Bool");
  EXPECT_EXIT(Call(NewStr("s"), "len"), ::testing::ExitedWithCode(1), "Unknown method 'len' on String");
  EXPECT_EXIT(Call(NewStr("s"), "trim", {reml_box_i64(1)}), ::testing::ExitedWithCode(1),
              "Method 'trim' of String takes 0 arguments, not 1");  // wrong arity
  EXPECT_EXIT(Call(reml_h_from_ptr(reml_map_new()), "push", {reml_box_i64(1)}), ::testing::ExitedWithCode(1),
              "Unknown method 'push' on MapBox");
  EXPECT_EXIT(Call(reml_h_from_ptr(reml_console_new()), "get", {reml_box_i64(1)}), ::testing::ExitedWithCode(1),
              "Unknown method 'get' on ConsoleBox");
  EXPECT_EXIT(Call(reml_h_from_ptr(reml_instance_new(0)), "norm"), ::testing::ExitedWithCode(1),
              "Unknown method 'norm' on Point");
  EXPECT_EXIT(Call(REML_VOID, "trim"), ::testing::ExitedWithCode(1),
              "t.hako:3:9: runtime error: Type error: method 'trim' called on Void");
  EXPECT_EXIT(reml_call_builtin(REML_VOID, -1, "custom", 0, nullptr, &kLoc), ::testing::ExitedWithCode(1),
              "Type error: method 'custom' called on Void");
  EXPECT_EXIT(Call(NewStr("s"), "charAt", {NewStr("0")}), ::testing::ExitedWithCode(1),
              "Type error: expected Int, got String");
  EXPECT_EXIT(Call(NewStr("s"), "indexOf", {reml_box_i64(0)}), ::testing::ExitedWithCode(1),
              "Type error: expected String, got Int");
  EXPECT_EXIT(Call(reml_h_from_ptr(reml_array_new()), "join", {REML_VOID}), ::testing::ExitedWithCode(1),
              "Type error: expected String, got Void");
  EXPECT_EXIT(Call(reml_h_from_ptr(reml_array_new()), "get", {reml_box_f64(0.0)}), ::testing::ExitedWithCode(1),
              "Type error: expected Int, got Float");
}

// ---------------------------------------------------------------------------
// Error exits
// ---------------------------------------------------------------------------

TEST(RuntimePanicDeathTest, Formats) {
  EXPECT_EXIT(panic("plain message", -1), ::testing::ExitedWithCode(1), "^plain message\n$");
  EXPECT_EXIT(panic("abcdef", 3), ::testing::ExitedWithCode(1), "^abc\n$");
  EXPECT_EXIT(reml_panic_at(&kLoc, "value %d", 7), ::testing::ExitedWithCode(1),
              "^t.hako:3:9: runtime error: value 7\n$");
  EXPECT_EXIT(reml_panic_at(nullptr, "x"), ::testing::ExitedWithCode(1), "^runtime error: x\n$");
  std::string long_name(2000, 'm');
  EXPECT_EXIT(reml_panic_at(&kLoc, "Unknown method '%s' on Int", long_name.c_str()), ::testing::ExitedWithCode(1),
              "runtime error: Unknown method 'm+' on Int");
  EXPECT_EXIT(reml_internal_error("broken %s", "invariant"), ::testing::ExitedWithCode(70),
              "^internal runtime error: broken invariant\n$");
  EXPECT_EXIT(reml_exit(3), ::testing::ExitedWithCode(3), "");
}

TEST(RuntimePanicDeathTest, DoubleReleaseIsAnInternalError) {
  EXPECT_EXIT(
      {
        void* p = mem_alloc(8);
        inc_ref(p);
        REML_GET_HEADER(p)->refcount = 0;  // simulate a broken count
        dec_ref(p);
      },
      ::testing::ExitedWithCode(70), "internal runtime error: dec_ref of an object that is already dead");
}

TEST(RuntimeInit, IdempotentAndVersioned) {
  reml_runtime_init();
  reml_runtime_init();
  EXPECT_EQ(REML_RUNTIME_VERSION, 100);
}

// ---------------------------------------------------------------------------
// ArrayBox element kinds (docs/runtime.md, "ArrayBox") and the inline
// allocation of instances (docs/runtime.md, "Allocator")
// ---------------------------------------------------------------------------

TEST(RuntimeArray, ElementKindsMoveForward) {
  LeakCheck leaks;
  {
    reml_array_t* a = reml_array_new();
    Own arr(reml_h_from_ptr(a));
    EXPECT_EQ(a->kind, static_cast<uint32_t>(REML_ARRAY_BOOLS));
    reml_array_push(a, REML_TRUE);
    reml_array_push(a, reml_box_bool(0));
    reml_array_set(a, 0, REML_FALSE, &kLoc);
    reml_array_set(a, 2, REML_TRUE, &kLoc);  // appends
    EXPECT_EQ(a->kind, static_cast<uint32_t>(REML_ARRAY_BOOLS));
    EXPECT_EQ(reml_array_len(a), 3);
    EXPECT_EQ(reml_array_get(a, 0), REML_FALSE);
    EXPECT_EQ(reml_array_get(a, 2), REML_TRUE);
    EXPECT_EQ(reml_array_get(a, 3), REML_VOID);
    Own text(reml_h_from_ptr(reml_h_to_string(arr)));
    EXPECT_STREQ(text.as<reml_string_t>()->data, "[false, false, true]");

    reml_array_push_i(a, 7);  // widens: Bools become handles, all uncounted
    EXPECT_EQ(a->kind, static_cast<uint32_t>(REML_ARRAY_UNCOUNTED));
    EXPECT_EQ(reml_array_get(a, 2), REML_TRUE);
    EXPECT_EQ(reml_array_get(a, 3), reml_box_i64(7));

    Own s(NewStr("counted"));
    reml_array_set(a, 1, s, &kLoc);
    EXPECT_EQ(a->kind, static_cast<uint32_t>(REML_ARRAY_COUNTED));
    EXPECT_EQ(REML_GET_HEADER(s.as<reml_string_t>())->refcount, 2u);
    Own got(reml_array_get(a, 1));  // retained for the caller
    EXPECT_EQ(REML_GET_HEADER(s.as<reml_string_t>())->refcount, 3u);
    reml_array_set_i(a, 1, 5, &kLoc);  // releases the String it replaces
    EXPECT_EQ(REML_GET_HEADER(s.as<reml_string_t>())->refcount, 2u);
    EXPECT_EQ(a->kind, static_cast<uint32_t>(REML_ARRAY_COUNTED));  // for good
    reml_array_clear(a);
    reml_array_push(a, REML_TRUE);
    EXPECT_NE(a->kind, static_cast<uint32_t>(REML_ARRAY_BOOLS));  // handles stay handles
    EXPECT_EQ(reml_array_get(a, 0), REML_TRUE);
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeArray, BoolArraysSliceAndWidenWhenElementsMove) {
  LeakCheck leaks;
  {
    reml_array_t* a = reml_array_new();
    Own arr(reml_h_from_ptr(a));
    for (int i = 0; i < 6; i++) reml_array_push(a, reml_box_bool(i % 2));
    Own part(reml_h_from_ptr(reml_array_slice(a, 1, 4)));
    EXPECT_EQ(part.as<reml_array_t>()->kind, static_cast<uint32_t>(REML_ARRAY_BOOLS));
    Own part_text(reml_h_from_ptr(reml_h_to_string(part)));
    EXPECT_STREQ(part_text.as<reml_string_t>()->data, "[true, false, true]");
    EXPECT_EQ(reml_array_index_of(a, REML_TRUE), 1);
    EXPECT_EQ(reml_array_pop(a), REML_TRUE);
    EXPECT_EQ(a->kind, static_cast<uint32_t>(REML_ARRAY_BOOLS));
    reml_array_reverse(a);
    EXPECT_EQ(a->kind, static_cast<uint32_t>(REML_ARRAY_UNCOUNTED));
    Own text(reml_h_from_ptr(reml_h_to_string(arr)));
    EXPECT_STREQ(text.as<reml_string_t>()->data, "[false, true, false, true, false]");
    reml_array_t* b = reml_array_new();
    Own brr(reml_h_from_ptr(b));
    reml_array_push(b, REML_FALSE);
    reml_array_insert(b, 0, reml_box_i64(1), &kLoc);
    EXPECT_EQ(reml_array_remove(b, 1), REML_FALSE);
    EXPECT_EQ(reml_array_get(b, 0), reml_box_i64(1));
  }
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST(RuntimeMem, InstanceNewNCountsAndClearsFields) {
  RegisterTypes();
  LeakCheck leaks;
  for (int round = 0; round < 3; round++) {  // later rounds take cached blocks
    reml_instance_t* p = reml_instance_new_n(0, 3);
    EXPECT_EQ(REML_GET_HEADER(p)->refcount, 1u);
    EXPECT_EQ(REML_GET_HEADER(p)->type_tag, static_cast<uint32_t>(REML_TAG_USER_BASE));
    EXPECT_EQ(p->flags, 0u);
    for (int i = 0; i < 3; i++) EXPECT_EQ(p->fields[i], REML_VOID);
    p->fields[2] = reml_box_i64(round);
    dec_ref(p);
  }
  EXPECT_EQ(leaks.Allocated(), 3u);
  EXPECT_EQ(leaks.Live(), 0u);
}

}  // namespace
