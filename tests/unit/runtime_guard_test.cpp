// Unit tests of the runtime guards (docs/guards.md): the predicate
// reml_guard_problem on good values of every kind and on forged, misaligned
// and freed ones; the settings (HAKO_FFI_GUARD, HAKO_FFI_GUARD_RATE_LG,
// HAKO_FAILFAST) with their bad values; sampling; the runtime error of
// HAKO_FAILFAST=1 and the once-only warning of HAKO_FAILFAST=0.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "reml_runtime.h"

namespace {

const reml_loc_t kLoc = {"t.hako", 3, 9};

const char* const kFields[] = {"x"};
const reml_box_type_t kTypes[] = {{"Point", 1, kFields, 0, nullptr, 0, nullptr, nullptr}};

// A fake object in readable memory: a header and a payload large enough for
// any built-in kind, 8-aligned like a real one.
struct alignas(16) Forged {
  uint64_t before[2] = {0, 0};  // stands where a class word or record would be
  reml_object_header_t header;
  uint64_t payload[4] = {0, 0, 0, 0};

  Forged(uint32_t refcount, uint32_t tag) : header{refcount, tag} {}
  reml_handle_t handle() const { return reml_h_from_ptr(const_cast<uint64_t*>(payload)); }
};

// The problem reml_guard_problem finds, "" for none.
std::string Problem(reml_handle_t h, uint32_t tag = 0) {
  const char* p = reml_guard_problem(h, tag);
  return p != nullptr ? p : "";
}

// Sets the three variables (nullptr: unset) and reads them as start-up does.
void Configure(const char* guard, const char* rate_lg, const char* failfast) {
  auto set = [](const char* name, const char* value) {
    if (value != nullptr)
      setenv(name, value, 1);
    else
      unsetenv(name);
  };
  set("HAKO_FFI_GUARD", guard);
  set("HAKO_FFI_GUARD_RATE_LG", rate_lg);
  set("HAKO_FAILFAST", failfast);
  reml_guard_read_settings();
}

// What `fn` writes to file descriptor 2 (the runtime writes stderr there).
template <typename F>
std::string CaptureStderr(F fn) {
  std::fflush(stderr);
  FILE* tmp = std::tmpfile();
  if (tmp == nullptr) return "<no temporary file>";
  int saved = dup(2);
  dup2(fileno(tmp), 2);
  fn();
  dup2(saved, 2);
  close(saved);
  std::string out;
  std::rewind(tmp);
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, tmp)) > 0) out.append(buf, n);
  std::fclose(tmp);
  return out;
}

// Occurrences of `needle` in `hay`.
size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) n++;
  return n;
}

class RuntimeGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    reml_register_box_types(kTypes, 1);
    Configure(nullptr, nullptr, nullptr);
  }
  void TearDown() override { Configure(nullptr, nullptr, nullptr); }
};

class RuntimeGuardDeathTest : public RuntimeGuardTest {
 protected:
  void SetUp() override {
    RuntimeGuardTest::SetUp();
    GTEST_FLAG_SET(death_test_style, "threadsafe");
  }
};

// ---------------------------------------------------------------------------
// The predicate
// ---------------------------------------------------------------------------

TEST_F(RuntimeGuardTest, GoodValuesOfEveryKindPass) {
  EXPECT_EQ(Problem(REML_VOID), "");
  EXPECT_EQ(Problem(reml_box_i64(0)), "");
  EXPECT_EQ(Problem(reml_box_i64(REML_SMALL_INT_MIN)), "");
  EXPECT_EQ(Problem(reml_box_bool(1)), "");
  EXPECT_EQ(Problem(reml_box_bool(0)), "");
  EXPECT_EQ(Problem(reml_h_from_ptr(reml_str_new_immortal("lit", 3))), "");

  reml_handle_t big = reml_box_i64(INT64_MAX);
  reml_handle_t fl = reml_box_f64(1.5);
  reml_handle_t str = reml_h_from_ptr(reml_str_new("abc", 3));
  reml_handle_t empty = reml_h_from_ptr(reml_str_new("", 0));
  reml_array_t* arr = reml_array_new();
  reml_array_push(arr, str);
  reml_map_t* map = reml_map_new();
  reml_map_set(map, str, fl, &kLoc);
  reml_handle_t console = reml_h_from_ptr(reml_console_new());
  reml_handle_t box = reml_h_from_ptr(reml_instance_new(0));
  for (reml_handle_t h : {big, fl, str, empty, reml_h_from_ptr(arr), reml_h_from_ptr(map), console, box})
    EXPECT_EQ(Problem(h), "") << reml_h_kind_name(h);
  // Receivers passed as object pointers: the kind must match too.
  EXPECT_EQ(Problem(reml_h_from_ptr(arr), REML_TAG_ARRAY), "");
  EXPECT_EQ(Problem(reml_h_from_ptr(map), REML_TAG_MAP), "");
  EXPECT_EQ(Problem(reml_h_from_ptr(arr), REML_TAG_MAP), "an object of another kind");
  EXPECT_EQ(Problem(REML_VOID, REML_TAG_MAP), "Void");
  EXPECT_EQ(Problem(reml_box_i64(1), REML_TAG_ARRAY), "an Int, not an object");
  for (reml_handle_t h : {big, fl, str, empty, reml_h_from_ptr(arr), reml_h_from_ptr(map), console, box})
    reml_h_release(h);
}

TEST_F(RuntimeGuardTest, ForgedHeadersFail) {
  EXPECT_EQ(Problem(Forged(1, REML_TAG_FLOAT).handle()), "");  // a well-formed fake passes: the limit
  EXPECT_EQ(Problem(Forged(1, 10).handle()), "bad type tag");
  EXPECT_EQ(Problem(Forged(1, REML_TAG_RAW).handle()), "bad type tag");
  EXPECT_EQ(Problem(Forged(1, REML_TAG_WEAK).handle()), "");  // a WeakRef cell is a real object
  EXPECT_EQ(Problem(Forged(1, REML_TAG_PTR + 1).handle()), "bad type tag");  // reserved tags
  EXPECT_EQ(Problem(Forged(1, REML_TAG_USER_BASE).handle()), "");  // Point, registered
  EXPECT_EQ(Problem(Forged(1, REML_TAG_USER_BASE + 1).handle()), "bad type tag");
  EXPECT_EQ(Problem(Forged(0, REML_TAG_STRING).handle()), "reference count 0 (a freed object)");
  EXPECT_EQ(Problem(Forged(1, REML_TAG_BOOL).handle()), "a Bool that is not one of the two Bools");
  Forged f(1, REML_TAG_STRING);
  EXPECT_EQ(Problem(f.handle() + 4), "misaligned pointer");
  EXPECT_EQ(Problem(f.handle() + 2), "misaligned pointer");
  EXPECT_EQ(Problem(0x10), "not a heap address");
  EXPECT_EQ(Problem(UINT64_C(0xdddddddddddddddc) & ~UINT64_C(7)), "not a heap address");
}

TEST_F(RuntimeGuardTest, LengthsOutOfRangeFail) {
  Forged s(1, REML_TAG_STRING);
  s.payload[0] = static_cast<uint64_t>(-5);  // reml_string_t.len
  EXPECT_EQ(Problem(s.handle()), "negative string length");
  Forged a(1, REML_TAG_ARRAY);
  auto* arr = reinterpret_cast<reml_array_t*>(a.payload);
  arr->len = 5;
  arr->cap = 4;
  arr->items = reinterpret_cast<reml_handle_t*>(a.before);
  EXPECT_EQ(Problem(a.handle()), "array length out of range");
  arr->len = 4;
  EXPECT_EQ(Problem(a.handle()), "");
  arr->items = nullptr;
  EXPECT_EQ(Problem(a.handle()), "array without items");
  // A real map whose sizes are scrambled (its first field is the size).
  reml_map_t* m = reml_map_new();
  int64_t* size = reinterpret_cast<int64_t*>(m);
  *size = 7;  // more live entries than entries in the array
  EXPECT_EQ(Problem(reml_h_from_ptr(m)), "map sizes out of range");
  *size = 0;
  EXPECT_EQ(Problem(reml_h_from_ptr(m)), "");
  dec_ref(m);
}

// Debug mode keeps freed objects readable with a FREED record: a dangling
// handle fails even when its header was overwritten to look alive, and a
// string's length is held against its allocation.
TEST_F(RuntimeGuardDeathTest, DebugModeRecordsCatchFreedObjectsAndLengths) {
  EXPECT_EXIT(
      {
        if (reml_debug_enable() != 1) std::exit(98);
        reml_register_box_types(kTypes, 1);
        reml_string_t* s = reml_str_new("abc", 3);
        if (Problem(reml_h_from_ptr(s)) != "") std::exit(2);
        s->len = 12;  // the allocation holds 3 bytes and the NUL
        if (Problem(reml_h_from_ptr(s)) != "string length beyond its allocation") std::exit(3);
        s->len = 2;  // in range, but data[2] is 'c', not the NUL
        if (Problem(reml_h_from_ptr(s)) != "string without its terminating NUL") std::exit(4);
        s->len = 3;
        reml_handle_t box = reml_h_from_ptr(reml_instance_new(0));
        reml_h_release(box);
        if (Problem(box) != "reference count 0 (a freed object)") std::exit(5);
        REML_GET_HEADER(reml_h_ptr(box))->refcount = 1;  // a stale write: the record still says freed
        if (Problem(box) != "a freed object") std::exit(6);
        REML_GET_HEADER(reml_h_ptr(box))->refcount = 0;
        // Outside the allocator: no record in front of the header.
        Forged f(1, REML_TAG_FLOAT);
        if (Problem(f.handle()) != "not an object of this runtime") std::exit(7);
        dec_ref(s);
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "");
}

// ---------------------------------------------------------------------------
// Settings and sampling
// ---------------------------------------------------------------------------

TEST_F(RuntimeGuardTest, OffByDefaultChecksNothing) {
  Forged bad(1, 10);
  // Guards off: the entry point runs unchecked (bitwise not of a small Int
  // is safe; the forged value is only asked about directly).
  for (int i = 0; i < 5; i++) reml_h_release(reml_dyn_bitnot(reml_box_i64(i), &kLoc));
  EXPECT_EQ(reml_guard_checks(), 0u);
  EXPECT_EQ(Problem(bad.handle()), "bad type tag");
}

TEST_F(RuntimeGuardTest, RateLgTwoChecksEveryFourthCall) {
  Configure("1", "2", "1");
  for (uint64_t call = 1; call <= 12; call++) {
    reml_h_release(reml_dyn_sub(reml_box_i64(3), reml_box_i64(1), &kLoc));
    EXPECT_EQ(reml_guard_checks(), call / 4) << "after call " << call;
  }
  Configure("1", "0", "1");
  for (uint64_t call = 1; call <= 3; call++) {
    reml_unbox_void(REML_VOID, &kLoc);
    EXPECT_EQ(reml_guard_checks(), call);
  }
  Configure("0", "0", "1");
  reml_h_release(reml_dyn_sub(reml_box_i64(3), reml_box_i64(1), &kLoc));
  EXPECT_EQ(reml_guard_checks(), 0u);
}

TEST_F(RuntimeGuardTest, BadSettingsWarnAndErrOnTheSafeSide) {
  std::string err = CaptureStderr([] { Configure("yes", "64", "maybe"); });
  EXPECT_EQ(err,
            "warning: HAKO_FFI_GUARD=yes is not 0 or 1; taken as 1\n"
            "warning: HAKO_FFI_GUARD_RATE_LG=64 is not a number from 0 to 63; taken as 0\n"
            "warning: HAKO_FAILFAST=maybe is not 0 or 1; taken as 1\n");
  // On, every call checked.
  reml_h_release(reml_dyn_sub(reml_box_i64(3), reml_box_i64(1), &kLoc));
  EXPECT_EQ(reml_guard_checks(), 1u);
  err = CaptureStderr([] { Configure("1", "-1", nullptr); });
  EXPECT_EQ(err, "warning: HAKO_FFI_GUARD_RATE_LG=-1 is not a number from 0 to 63; taken as 0\n");
  EXPECT_EQ(CaptureStderr([] { Configure("", "", ""); }), "");  // empty is unset
}

// ---------------------------------------------------------------------------
// Failing
// ---------------------------------------------------------------------------

TEST_F(RuntimeGuardDeathTest, FailFastIsARuntimeErrorNamingSymbolArgumentAndValue) {
  static Forged bad(1, 10);
  EXPECT_EXIT(
      {
        Configure("1", "0", nullptr);  // unset HAKO_FAILFAST means 1
        reml_dyn_add(reml_box_i64(1), bad.handle(), &kLoc);
      },
      ::testing::ExitedWithCode(1),
      "^t\\.hako:3:9: runtime error: HAKO_FFI_GUARD: reml_dyn_add: argument 2 is not a live Hako value "
      "\\(0x[0-9a-f]+: bad type tag\\)\n$");
  EXPECT_EXIT(
      {
        Configure("1", "0", "1");
        nyash_map_get_hh(reinterpret_cast<reml_map_t*>(reml_h_ptr(bad.handle())), reml_box_i64(1));
      },
      ::testing::ExitedWithCode(1),
      "^runtime error: HAKO_FFI_GUARD: nyash_map_get_hh: argument 1 is not a live MapBox "
      "\\(0x[0-9a-f]+: bad type tag\\)\n$");
}

TEST_F(RuntimeGuardTest, NoFailFastWarnsOnceAndReturnsVoid) {
  Configure("1", "0", "0");
  Forged bad(0, REML_TAG_STRING);
  reml_handle_t results[3] = {1, 1, 1};
  int64_t truthy = 7;
  reml_string_t* text = nullptr;
  std::string err = CaptureStderr([&] {
    results[0] = reml_dyn_add(bad.handle(), reml_box_i64(1), &kLoc);
    reml_print_h(bad.handle());  // prints nothing
    const reml_handle_t args[1] = {bad.handle()};
    results[1] = reml_call_builtin(reml_box_i64(1), 0, nullptr, 1, args, nullptr);
    results[2] = nyash_map_get_hh(nullptr, bad.handle());
    truthy = reml_h_truthy(bad.handle(), &kLoc);
    text = reml_h_to_string(bad.handle());  // the text of Void
  });
  EXPECT_EQ(results[0], REML_VOID);
  EXPECT_EQ(results[1], REML_VOID);
  EXPECT_EQ(results[2], REML_VOID);
  EXPECT_EQ(truthy, 0);
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(std::string(text->data, static_cast<size_t>(text->len)), "null");
  dec_ref(text);
  EXPECT_EQ(Count(err, "HAKO_FFI_GUARD"), 1u) << err;
  EXPECT_EQ(err,
            "t.hako:3:9: warning: HAKO_FFI_GUARD: reml_dyn_add: argument 1 is not a live Hako value (0x" +
                [&] {
                  char hex[32];
                  std::snprintf(hex, sizeof hex, "%llx", static_cast<unsigned long long>(bad.handle()));
                  return std::string(hex);
                }() +
                ": reference count 0 (a freed object)); the call returns Void (later failures are not reported)\n");
  // A fresh start (the unit tests' re-read) warns again.
  Configure("1", "0", "0");
  err = CaptureStderr([&] { reml_print_h(bad.handle()); });
  EXPECT_EQ(Count(err, "warning: HAKO_FFI_GUARD: reml_print_h: argument 1"), 1u) << err;
}

}  // namespace
