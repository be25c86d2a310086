// Unit tests of the runtime side of the C FFI (docs/ffi.md; reml_runtime.h,
// "C pointer values" and "The C FFI boundary"; docs/runtime.md, "Pointers
// and the C FFI"): the pointer-type rule reml_ptr_accepts over every flavour
// and pointee combination, pointer values (boxing, the checked unbox and its
// error texts, NonNullPtr, printing, `==` with the null-equals-Void rule,
// truthiness, storage in arrays and maps, the generic messages that name a
// pointer by its type, the guards), the Handle API hako_handle_retain /
// hako_handle_release (counts, debug-mode double release, the leak report,
// the guard), and the FFI helpers: the range predicates, the four error
// helpers and the three CStr conversions (NUL inside, empty strings, NULL
// results, free_after). The sanitized copy of this file (runtime_test_sanitized)
// makes a missing free() or a double free() of the CStr helpers an error.
#include "alloc_counter.h"
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <type_traits>

#include "reml_runtime.h"

namespace {

const reml_loc_t kLoc = {"t.hako", 3, 9};

// The pointer types the tests use, as the compiler would emit them.
const reml_ptr_type_t kPtrU8 = {"Ptr<u8>", "u8", REML_PTR_CONST};
const reml_ptr_type_t kMutU8 = {"MutPtr<u8>", "u8", REML_PTR_MUT};
const reml_ptr_type_t kNonNullU8 = {"NonNullPtr<u8>", "u8", REML_PTR_NONNULL};
const reml_ptr_type_t kPtrU16 = {"Ptr<u16>", "u16", REML_PTR_CONST};
const reml_ptr_type_t kPtrI32 = {"Ptr<i32>", "i32", REML_PTR_CONST};
const reml_ptr_type_t kMutI32 = {"MutPtr<i32>", "i32", REML_PTR_MUT};
const reml_ptr_type_t kPtrVoid = {"Ptr<void>", "void", REML_PTR_CONST};
const reml_ptr_type_t kMutVoid = {"MutPtr<void>", "void", REML_PTR_MUT};
const reml_ptr_type_t kNonNullVoid = {"NonNullPtr<void>", "void", REML_PTR_NONNULL};
const reml_ptr_type_t kPtrPtrI32 = {"Ptr<Ptr<i32>>", "Ptr<i32>", REML_PTR_CONST};
const reml_ptr_type_t kPtrPtrU8 = {"Ptr<Ptr<u8>>", "Ptr<u8>", REML_PTR_CONST};

// The strong count in an object's header.
uint32_t Count(const void* p) { return REML_GET_HEADER(p)->refcount; }
// The strong count of an object handle.
uint32_t CountH(reml_handle_t h) { return Count(reml_h_ptr(h)); }

// An address no object lives at, for pointer values that are never
// dereferenced.
void* Addr(uintptr_t a) { return reinterpret_cast<void*>(a); }

// toString() of a borrowed value.
std::string Text(reml_handle_t h) {
  reml_string_t* s = reml_h_to_string(h);
  std::string r(s->data, static_cast<size_t>(s->len));
  dec_ref(s);
  return r;
}

// The bytes of an owned String (released here).
std::string TakeString(reml_string_t* s) {
  std::string r(s->data, static_cast<size_t>(s->len));
  dec_ref(s);
  return r;
}

// What `fn` writes to file descriptor `fd` (the runtime's stdout buffer is
// flushed before the descriptor is put back).
template <typename F>
std::string CaptureFd(int fd, F fn) {
  reml_flush_stdout();  // earlier output stays out of the capture
  std::fflush(stderr);
  FILE* tmp = std::tmpfile();
  if (tmp == nullptr) return "<no temporary file>";
  int saved = dup(fd);
  dup2(fileno(tmp), fd);
  fn();
  reml_flush_stdout();
  dup2(saved, fd);
  close(saved);
  std::string out;
  std::rewind(tmp);
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, tmp)) > 0) out.append(buf, n);
  std::fclose(tmp);
  return out;
}

// Sets the guard variables (nullptr: unset) and reads them as start-up does.
void ConfigureGuards(const char* guard, const char* failfast) {
  auto set = [](const char* name, const char* value) {
    if (value != nullptr)
      setenv(name, value, 1);
    else
      unsetenv(name);
  };
  set("HAKO_FFI_GUARD", guard);
  set("HAKO_FFI_GUARD_RATE_LG", guard != nullptr ? "0" : nullptr);
  set("HAKO_FAILFAST", failfast);
  reml_guard_read_settings();
}

class RuntimeFfi : public ::testing::Test {
 protected:
  void TearDown() override { ConfigureGuards(nullptr, nullptr); }
};

// ---------------------------------------------------------------------------
// reml_ptr_accepts
// ---------------------------------------------------------------------------

TEST(RuntimeFfiPtrType, FlavourTable) {
  // [to][from] with the same pointee: MutPtr refuses only a Ptr; Ptr and
  // NonNullPtr accept all three (NonNullPtr checks null separately).
  const reml_ptr_type_t* u8[3] = {&kPtrU8, &kMutU8, &kNonNullU8};
  const int expected[3][3] = {
      /* to Ptr */ {1, 1, 1},
      /* to MutPtr */ {0, 1, 1},
      /* to NonNullPtr */ {1, 1, 1},
  };
  for (int to = 0; to < 3; to++)
    for (int from = 0; from < 3; from++)
      EXPECT_EQ(reml_ptr_accepts(u8[to], u8[from]), expected[to][from]) << u8[to]->name << " <- " << u8[from]->name;
}

TEST(RuntimeFfiPtrType, PointeesMatchBySpellingOrVoid) {
  const char* pointees[] = {"u8", "u16", "i32", "void", "Ptr<i32>", "Ptr<u8>", "FnPtr<(i32) -> i32>"};
  const uint32_t flavours[] = {REML_PTR_CONST, REML_PTR_MUT, REML_PTR_NONNULL};
  // Every pair of pointees under every pair of flavours: the two rules are
  // independent, so the result is their conjunction.
  for (const char* tp : pointees)
    for (const char* fp : pointees)
      for (uint32_t tf : flavours)
        for (uint32_t ff : flavours) {
          const reml_ptr_type_t to = {"to", tp, tf};
          const reml_ptr_type_t from = {"from", fp, ff};
          bool pointee_ok = std::strcmp(tp, fp) == 0 || std::strcmp(tp, "void") == 0 || std::strcmp(fp, "void") == 0;
          bool flavour_ok = !(tf == REML_PTR_MUT && ff == REML_PTR_CONST);
          EXPECT_EQ(reml_ptr_accepts(&to, &from), pointee_ok && flavour_ok ? 1 : 0)
              << "to " << tp << " flavour " << tf << ", from " << fp << " flavour " << ff;
        }
  // Spelled out: prefixes and nested pointers are different types.
  EXPECT_EQ(reml_ptr_accepts(&kPtrU8, &kPtrU16), 0);
  EXPECT_EQ(reml_ptr_accepts(&kPtrU16, &kPtrU8), 0);
  EXPECT_EQ(reml_ptr_accepts(&kPtrPtrI32, &kPtrPtrU8), 0);
  EXPECT_EQ(reml_ptr_accepts(&kPtrVoid, &kPtrPtrU8), 1);
  EXPECT_EQ(reml_ptr_accepts(&kMutI32, &kNonNullVoid), 1);
  EXPECT_EQ(reml_ptr_accepts(&kMutI32, &kPtrVoid), 0) << "void does not lift the flavour rule";
  EXPECT_EQ(reml_ptr_accepts(&kMutVoid, &kPtrI32), 0);
}

TEST(RuntimeFfiPtrType, MalformedTypesAreRefused) {
  const reml_ptr_type_t odd = {"Odd<u8>", "u8", 3};
  EXPECT_EQ(reml_ptr_accepts(&odd, &kPtrU8), 0);
  EXPECT_EQ(reml_ptr_accepts(&kPtrU8, &odd), 0);
  EXPECT_EQ(reml_ptr_accepts(nullptr, &kPtrU8), 0);
  EXPECT_EQ(reml_ptr_accepts(&kPtrU8, nullptr), 0);
}

// The rule is an inline function of the header, usable where a constant
// expression is not needed; the compiler's checks call the same code.
static_assert(std::is_same<decltype(reml_ptr_accepts(&kPtrU8, &kPtrU8)), int>::value, "int result");

// ---------------------------------------------------------------------------
// Pointer values: boxing and unboxing
// ---------------------------------------------------------------------------

TEST_F(RuntimeFfi, BoxUnboxRoundTrip) {
  AllocCounter leaks;
  int target = 7;
  reml_handle_t h = reml_ptr_box_new(&target, &kMutU8);
  ASSERT_TRUE(reml_h_is_object(h));
  EXPECT_EQ(reml_h_tag(h), static_cast<uint32_t>(REML_TAG_PTR));
  EXPECT_EQ(CountH(h), 1u);
  EXPECT_EQ(leaks.Allocated(), 1u) << "one object per pointer value";
  const auto* box = static_cast<const reml_ptr_box_t*>(reml_h_ptr(h));
  EXPECT_EQ(box->addr, &target);
  EXPECT_EQ(box->type, &kMutU8);
  // Every type that accepts MutPtr<u8> gets the address back.
  for (const reml_ptr_type_t* t : {&kMutU8, &kPtrU8, &kNonNullU8, &kPtrVoid, &kMutVoid, &kNonNullVoid})
    EXPECT_EQ(reml_ptr_unbox(h, t, &kLoc), &target) << t->name;
  EXPECT_EQ(CountH(h), 1u) << "unboxing borrows";
  reml_h_release(h);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST_F(RuntimeFfi, NullAddressAndVoidUnboxToNull) {
  AllocCounter leaks;
  reml_handle_t null_ptr = reml_ptr_box_new(nullptr, &kPtrI32);
  ASSERT_TRUE(reml_h_is_object(null_ptr)) << "a null pointer is still a pointer value";
  EXPECT_EQ(reml_ptr_unbox(null_ptr, &kPtrI32, &kLoc), nullptr);
  EXPECT_EQ(reml_ptr_unbox(null_ptr, &kPtrVoid, nullptr), nullptr);
  EXPECT_EQ(reml_ptr_unbox(REML_VOID, &kPtrU8, &kLoc), nullptr) << "null passes a null pointer";
  EXPECT_EQ(reml_ptr_unbox(REML_VOID, &kMutI32, &kLoc), nullptr);
  reml_h_release(null_ptr);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST_F(RuntimeFfi, PointerTypeNamesTheKind) {
  reml_handle_t a = reml_ptr_box_new(Addr(0x1000), &kMutU8);
  reml_handle_t b = reml_ptr_box_new(Addr(0x1000), &kPtrPtrI32);
  EXPECT_STREQ(reml_h_kind_name(a), "MutPtr<u8>");
  EXPECT_STREQ(reml_h_kind_name(b), "Ptr<Ptr<i32>>");
  reml_h_release(a);
  reml_h_release(b);
}

// ---------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------

TEST_F(RuntimeFfi, TextIsLowercaseHexWithoutLeadingZeros) {
  EXPECT_EQ(TakeString(reml_ptr_to_string(nullptr)), "Ptr(0x0)");
  EXPECT_EQ(TakeString(reml_ptr_to_string(Addr(0x1))), "Ptr(0x1)");
  EXPECT_EQ(TakeString(reml_ptr_to_string(Addr(0x7f00dead0010))), "Ptr(0x7f00dead0010)");
  EXPECT_EQ(TakeString(reml_ptr_to_string(Addr(0xABCDEF))), "Ptr(0xabcdef)");
  EXPECT_EQ(TakeString(reml_ptr_to_string(Addr(UINTPTR_MAX))), "Ptr(0xffffffffffffffff)");
}

TEST_F(RuntimeFfi, PointerValuesPrintLikeTheStaticText) {
  AllocCounter leaks;
  reml_handle_t p = reml_ptr_box_new(Addr(0x55d0c0ffee00), &kPtrU8);
  reml_handle_t n = reml_ptr_box_new(nullptr, &kNonNullVoid);
  EXPECT_EQ(Text(p), "Ptr(0x55d0c0ffee00)");
  EXPECT_EQ(Text(p), TakeString(reml_ptr_to_string(Addr(0x55d0c0ffee00))));
  EXPECT_EQ(Text(n), "Ptr(0x0)") << "the flavour does not show";
  // toString() through the dynamic method call.
  reml_handle_t s = reml_call_builtin(p, REML_METHOD_TO_STRING, nullptr, 0, nullptr, &kLoc);
  EXPECT_EQ(Text(s), "Ptr(0x55d0c0ffee00)");
  reml_h_release(s);
  // print and ConsoleBox.error, and inside an array.
  EXPECT_EQ(CaptureFd(1, [&] { reml_print_h(p); }), "Ptr(0x55d0c0ffee00)\n");
  EXPECT_EQ(CaptureFd(2, [&] { reml_eprint_h(n); }), "Ptr(0x0)\n");
  reml_array_t* a = reml_array_new();
  reml_array_push(a, p);
  reml_array_push(a, reml_box_i64(1));
  reml_array_push(a, n);
  EXPECT_EQ(Text(reml_h_from_ptr(a)), "[Ptr(0x55d0c0ffee00), 1, Ptr(0x0)]");
  // `+` with a String concatenates the text.
  reml_handle_t pre = reml_h_from_ptr(reml_str_new("at ", 3));
  reml_handle_t joined = reml_dyn_add(pre, p, &kLoc);
  EXPECT_EQ(Text(joined), "at Ptr(0x55d0c0ffee00)");
  reml_h_release(joined);
  reml_h_release(pre);
  dec_ref(a);
  reml_h_release(p);
  reml_h_release(n);
  EXPECT_EQ(leaks.Live(), 0u);
}

// ---------------------------------------------------------------------------
// `==`
// ---------------------------------------------------------------------------

// `a == b` by every entry point: the out-of-line function, the inline fast
// path, native code's wrapper, and `!=`. They must agree; the result is it.
int Eq(reml_handle_t a, reml_handle_t b) {
  int64_t slow = reml_dyn_eq(a, b);
  EXPECT_EQ(reml_dyn_eq_fast(a, b), slow);
  EXPECT_EQ(reml_fp_eq(a, b), slow);
  EXPECT_EQ(reml_dyn_ne_fast(a, b), !slow);
  EXPECT_EQ(reml_fp_ne(a, b), !slow);
  EXPECT_EQ(reml_dyn_eq(b, a), slow) << "symmetric";
  EXPECT_EQ(reml_dyn_eq_fast(b, a), slow);
  return static_cast<int>(slow);
}

TEST_F(RuntimeFfi, PointersCompareByAddressIgnoringTypes) {
  AllocCounter leaks;
  reml_handle_t a = reml_ptr_box_new(Addr(0x2000), &kPtrU8);
  reml_handle_t a2 = reml_ptr_box_new(Addr(0x2000), &kMutI32);
  reml_handle_t b = reml_ptr_box_new(Addr(0x2008), &kPtrU8);
  EXPECT_EQ(Eq(a, a), 1);
  EXPECT_EQ(Eq(a, a2), 1) << "two values of one address";
  EXPECT_EQ(Eq(a, b), 0);
  for (reml_handle_t h : {a, a2, b}) reml_h_release(h);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST_F(RuntimeFfi, NullPointerEqualsVoid) {
  AllocCounter leaks;
  reml_handle_t null_ptr = reml_ptr_box_new(nullptr, &kPtrU8);
  reml_handle_t null_mut = reml_ptr_box_new(nullptr, &kMutI32);
  reml_handle_t p = reml_ptr_box_new(Addr(0x40), &kPtrU8);
  EXPECT_EQ(Eq(null_ptr, REML_VOID), 1) << "p == null";
  EXPECT_EQ(Eq(null_ptr, null_mut), 1);
  EXPECT_EQ(Eq(p, REML_VOID), 0);
  EXPECT_EQ(Eq(REML_VOID, REML_VOID), 1);
  // Void stays unequal to everything else that is not a null pointer.
  reml_handle_t s = reml_h_from_ptr(reml_str_new("", 0));
  reml_array_t* arr = reml_array_new();
  for (reml_handle_t h : {reml_box_i64(0), reml_box_bool(0), s, reml_h_from_ptr(arr), reml_box_i64(INT64_MAX)}) {
    EXPECT_EQ(Eq(h, REML_VOID), 0) << reml_h_kind_name(h);
    reml_h_release(h);  // the String, the array and the big Int go here
  }
  for (reml_handle_t h : {null_ptr, null_mut, p}) reml_h_release(h);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST_F(RuntimeFfi, PointersDifferFromEveryOtherKind) {
  AllocCounter leaks;
  reml_handle_t p = reml_ptr_box_new(Addr(0x5), &kPtrU8);
  reml_handle_t null_ptr = reml_ptr_box_new(nullptr, &kPtrU8);
  reml_handle_t s = reml_h_from_ptr(reml_str_new("Ptr(0x5)", 8));
  reml_handle_t big = reml_box_i64(INT64_MAX);
  reml_handle_t f = reml_box_f64(5.0);
  reml_array_t* arr = reml_array_new();
  for (reml_handle_t other : {reml_box_i64(5), reml_box_i64(0), reml_box_bool(0), reml_box_bool(1), s, big, f,
                              reml_h_from_ptr(arr)}) {
    EXPECT_EQ(Eq(p, other), 0) << reml_h_kind_name(other);
    EXPECT_EQ(Eq(null_ptr, other), 0) << reml_h_kind_name(other);
  }
  dec_ref(arr);
  for (reml_handle_t h : {p, null_ptr, s, big, f}) reml_h_release(h);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST_F(RuntimeFfi, ArrayMembershipUsesPointerEquality) {
  AllocCounter leaks;
  reml_array_t* a = reml_array_new();
  reml_handle_t p = reml_ptr_box_new(Addr(0x3000), &kPtrU8);
  reml_handle_t null_ptr = reml_ptr_box_new(nullptr, &kPtrU8);
  reml_array_push(a, reml_box_i64(1));
  reml_array_push(a, p);
  reml_array_push(a, null_ptr);
  EXPECT_EQ(CountH(p), 2u) << "the array retains a pointer value like any value";
  reml_handle_t same_addr = reml_ptr_box_new(Addr(0x3000), &kMutVoid);
  reml_handle_t other = reml_ptr_box_new(Addr(0x3001), &kPtrU8);
  EXPECT_EQ(reml_array_contains(a, same_addr), 1);
  EXPECT_EQ(reml_array_index_of(a, same_addr), 1);
  EXPECT_EQ(reml_array_contains(a, other), 0);
  EXPECT_EQ(reml_array_index_of(a, other), -1);
  EXPECT_EQ(reml_array_index_of(a, REML_VOID), 2) << "null finds the null pointer";
  reml_handle_t got = reml_array_get(a, 1);
  EXPECT_EQ(got, p);
  EXPECT_EQ(CountH(p), 3u);
  reml_h_release(got);
  for (reml_handle_t h : {p, null_ptr, same_addr, other}) reml_h_release(h);
  dec_ref(a);
  EXPECT_EQ(leaks.Live(), 0u) << "the array released its pointer values";
}

TEST_F(RuntimeFfi, MapValuesHoldPointers) {
  AllocCounter leaks;
  reml_map_t* m = reml_map_new();
  reml_handle_t p = reml_ptr_box_new(Addr(0x4000), &kMutU8);
  reml_map_set(m, reml_box_i64(1), p, &kLoc);
  nyash_map_set_ha(m, 2, p);
  EXPECT_EQ(CountH(p), 3u);
  reml_handle_t got = reml_map_get(m, reml_box_i64(2), &kLoc);
  EXPECT_EQ(got, p);
  reml_h_release(got);
  reml_h_release(p);
  dec_ref(m);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST_F(RuntimeFfi, OtherGenericPathsTreatPointersAsOpaque) {
  AllocCounter leaks;
  reml_handle_t p = reml_ptr_box_new(Addr(0x6000), &kPtrU8);
  EXPECT_EQ(reml_exit_status_of(p), 0);
  int ok = 1;
  EXPECT_EQ(nyash_unbox_i64(p, &ok), 0);
  EXPECT_EQ(ok, 0);
  EXPECT_EQ(nyrt_weak_new(static_cast<int64_t>(p)), 0) << "a pointer is no weak target";
  EXPECT_EQ(reml_builtin_row(p, REML_METHOD_LENGTH, 0), -1);
  reml_h_release(p);
  EXPECT_EQ(leaks.Live(), 0u);
}

// ---------------------------------------------------------------------------
// The Handle API
// ---------------------------------------------------------------------------

// The Handle API's word is the runtime's handle, bit for bit.
static_assert(std::is_same<hako_handle_t, reml_handle_t>::value, "hako_handle_t is reml_handle_t");

TEST_F(RuntimeFfi, RetainAndReleaseCount) {
  AllocCounter leaks;
  // Real functions, as a C library links them.
  void (*retain)(hako_handle_t) = &hako_handle_retain;
  void (*release)(hako_handle_t) = &hako_handle_release;
  reml_handle_t s = reml_h_from_ptr(reml_str_new("kept", 4));
  reml_handle_t p = reml_ptr_box_new(Addr(0x10), &kPtrU8);
  reml_array_t* a = reml_array_new();
  for (reml_handle_t h : {s, p, reml_h_from_ptr(a)}) {
    retain(h);
    retain(h);
    EXPECT_EQ(CountH(h), 3u) << reml_h_kind_name(h);
    release(h);
    EXPECT_EQ(CountH(h), 2u) << reml_h_kind_name(h);
    release(h);
    EXPECT_EQ(CountH(h), 1u) << reml_h_kind_name(h);
  }
  EXPECT_EQ(leaks.Live(), 3u);
  // The last release frees, like reml_h_release; the array's element goes too.
  reml_array_push(a, s);
  release(s);
  EXPECT_EQ(leaks.Live(), 3u) << "the array keeps the String";
  EXPECT_EQ(CountH(s), 1u);
  release(reml_h_from_ptr(a));
  EXPECT_EQ(leaks.Live(), 1u) << "the array and its String are freed";
  release(p);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST_F(RuntimeFfi, RetainAndReleaseIgnoreNonObjects) {
  AllocCounter leaks;
  for (reml_handle_t h : {REML_VOID, reml_box_i64(0), reml_box_i64(-5), reml_box_i64(REML_SMALL_INT_MAX)}) {
    hako_handle_retain(h);
    hako_handle_release(h);
    hako_handle_release(h);
  }
  // Immortal objects keep their count.
  reml_string_t* lit = reml_str_new_immortal("lit", 3);
  hako_handle_retain(reml_h_from_ptr(lit));
  hako_handle_release(reml_h_from_ptr(lit));
  hako_handle_release(reml_h_from_ptr(lit));
  EXPECT_EQ(Count(lit), REML_RC_IMMORTAL);
  reml_handle_t t = reml_box_bool(1);
  hako_handle_release(t);
  EXPECT_EQ(CountH(t), REML_RC_IMMORTAL);
  EXPECT_EQ(leaks.Allocated(), 0u);
}

TEST_F(RuntimeFfi, GuardedHandleApiPassesLiveValues) {
  ConfigureGuards("1", "1");
  AllocCounter leaks;
  reml_handle_t p = reml_ptr_box_new(Addr(0x20), &kMutU8);
  uint64_t before = reml_guard_checks();
  hako_handle_retain(p);
  hako_handle_release(p);
  EXPECT_EQ(reml_ptr_unbox(p, &kPtrU8, &kLoc), Addr(0x20));
  EXPECT_EQ(reml_guard_checks() - before, 3u) << "each call is a guarded entry point";
  EXPECT_EQ(reml_guard_problem(p, 0), nullptr) << "a pointer value is a live Hako value";
  EXPECT_EQ(reml_guard_problem(p, REML_TAG_PTR), nullptr);
  reml_h_release(p);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST_F(RuntimeFfi, GuardRejectsAPointerObjectWithoutItsType) {
  // A forged pointer object: header then payload {addr, type = NULL}.
  struct alignas(16) {
    uint64_t before[2] = {0, 0};
    reml_object_header_t header = {1, REML_TAG_PTR};
    uint64_t payload[2] = {0x1234, 0};
  } forged;
  reml_handle_t h = reml_h_from_ptr(forged.payload);
  EXPECT_STREQ(reml_guard_problem(h, 0), "pointer without its type");
}

// ---------------------------------------------------------------------------
// The FFI helpers that return
// ---------------------------------------------------------------------------

TEST(RuntimeFfiRange, SignedAndUnsignedWidths) {
  EXPECT_TRUE(reml_ffi_fits_signed(127, 8));
  EXPECT_FALSE(reml_ffi_fits_signed(128, 8));
  EXPECT_TRUE(reml_ffi_fits_signed(-128, 8));
  EXPECT_FALSE(reml_ffi_fits_signed(-129, 8));
  EXPECT_TRUE(reml_ffi_fits_signed(32767, 16));
  EXPECT_FALSE(reml_ffi_fits_signed(32768, 16));
  EXPECT_TRUE(reml_ffi_fits_signed(INT32_MIN, 32));
  EXPECT_FALSE(reml_ffi_fits_signed(static_cast<int64_t>(INT32_MIN) - 1, 32));
  EXPECT_FALSE(reml_ffi_fits_signed(static_cast<int64_t>(INT32_MAX) + 1, 32));
  EXPECT_TRUE(reml_ffi_fits_signed(INT64_MIN, 64));
  EXPECT_TRUE(reml_ffi_fits_signed(INT64_MAX, 64));
  EXPECT_TRUE(reml_ffi_fits_unsigned(255, 8));
  EXPECT_FALSE(reml_ffi_fits_unsigned(256, 8));
  EXPECT_FALSE(reml_ffi_fits_unsigned(-1, 8));
  EXPECT_TRUE(reml_ffi_fits_unsigned(65535, 16));
  EXPECT_FALSE(reml_ffi_fits_unsigned(65536, 16));
  EXPECT_TRUE(reml_ffi_fits_unsigned(UINT32_MAX, 32));
  EXPECT_FALSE(reml_ffi_fits_unsigned(static_cast<int64_t>(UINT32_MAX) + 1, 32));
  EXPECT_TRUE(reml_ffi_fits_unsigned(INT64_MAX, 64)) << "u64 takes 0 ... 2^63-1";
  EXPECT_FALSE(reml_ffi_fits_unsigned(-1, 64));
  EXPECT_FALSE(reml_ffi_fits_unsigned(INT64_MIN, 64));
  EXPECT_TRUE(reml_ffi_unsigned_fits_int(static_cast<uint64_t>(INT64_MAX)));
  EXPECT_FALSE(reml_ffi_unsigned_fits_int(static_cast<uint64_t>(INT64_MAX) + 1));
  EXPECT_FALSE(reml_ffi_unsigned_fits_int(UINT64_MAX));
}

TEST_F(RuntimeFfi, CStrArgumentIsTheStringsOwnBytes) {
  AllocCounter leaks;
  reml_string_t* s = reml_str_new("hello", 5);
  const char* c = reml_ffi_cstr_arg(s, "strlen", "s", &kLoc);
  EXPECT_EQ(c, s->data) << "borrowed: no copy";
  EXPECT_EQ(std::strlen(c), 5u);
  EXPECT_EQ(leaks.Allocated(), 1u);
  reml_string_t* empty = reml_str_new("", 0);
  const char* e = reml_ffi_cstr_arg(empty, "strlen", "s", nullptr);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e[0], '\0');
  // Bytes above 0x7f are not NULs.
  reml_string_t* utf8 = reml_str_new("\xc3\xa9\xff", 3);
  EXPECT_STREQ(reml_ffi_cstr_arg(utf8, "puts", "s", &kLoc), "\xc3\xa9\xff");
  dec_ref(s);
  dec_ref(empty);
  dec_ref(utf8);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST_F(RuntimeFfi, CStrTransferIsAMallocCopyTheCalleeFrees) {
  AllocCounter leaks;
  reml_string_t* s = reml_str_new("owned", 5);
  char* c = reml_ffi_cstr_transfer(s, "take", "s", &kLoc);
  ASSERT_NE(c, nullptr);
  EXPECT_NE(c, s->data) << "a copy";
  EXPECT_STREQ(c, "owned");
  c[0] = 'O';  // the callee's memory: writing it leaves the String alone
  EXPECT_EQ(std::string(s->data, 5), "owned");
  std::free(c);  // what the callee does; a sanitized run checks it is the only free
  reml_string_t* empty = reml_str_new("", 0);
  char* e = reml_ffi_cstr_transfer(empty, "take", "s", &kLoc);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e[0], '\0');
  std::free(e);
  dec_ref(s);
  dec_ref(empty);
  EXPECT_EQ(leaks.Live(), 0u);
}

TEST_F(RuntimeFfi, CStrResultCopiesOrGivesVoid) {
  AllocCounter leaks;
  EXPECT_EQ(reml_ffi_cstr_result(nullptr, 0), REML_VOID);
  EXPECT_EQ(reml_ffi_cstr_result(nullptr, 1), REML_VOID) << "a transferred NULL frees nothing";
  EXPECT_EQ(leaks.Allocated(), 0u);
  // Borrowed: the C memory stays the callee's and unchanged.
  char borrowed[] = "from C";
  reml_handle_t s = reml_ffi_cstr_result(borrowed, 0);
  ASSERT_TRUE(reml_h_is_object(s));
  EXPECT_EQ(reml_h_tag(s), static_cast<uint32_t>(REML_TAG_STRING));
  EXPECT_NE(static_cast<reml_string_t*>(reml_h_ptr(s))->data, borrowed);
  EXPECT_EQ(Text(s), "from C");
  EXPECT_STREQ(borrowed, "from C");
  reml_h_release(s);
  // An empty C string is an empty String, not Void.
  reml_handle_t e = reml_ffi_cstr_result("", 0);
  ASSERT_TRUE(reml_h_is_object(e));
  EXPECT_EQ(static_cast<reml_string_t*>(reml_h_ptr(e))->len, 0);
  reml_h_release(e);
  // Transferred: the copy is made, then the block is freed (a sanitized run
  // reports the leak if it is not, and a double free if the test freed it).
  char* heap = static_cast<char*>(std::malloc(16));
  ASSERT_NE(heap, nullptr);
  std::strcpy(heap, "heap \xe2\x9c\x93");
  reml_handle_t t = reml_ffi_cstr_result(heap, 1);
  EXPECT_EQ(Text(t), "heap \xe2\x9c\x93");
  reml_h_release(t);
  char* empty_heap = static_cast<char*>(std::malloc(1));
  ASSERT_NE(empty_heap, nullptr);
  empty_heap[0] = '\0';
  reml_handle_t te = reml_ffi_cstr_result(empty_heap, 7);  // any nonzero flag
  EXPECT_EQ(Text(te), "");
  reml_h_release(te);
  EXPECT_EQ(leaks.Live(), 0u);
}

// ---------------------------------------------------------------------------
// Runtime errors
// ---------------------------------------------------------------------------

class RuntimeFfiDeathTest : public RuntimeFfi {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

// Objects a child process still holds when it dies of a runtime error (which
// exits without freeing anything): a global root keeps them reachable, so
// LeakSanitizer in the sanitized test build does not add its report to the
// exact stderr and change the exit status.
void* g_kept[16];
size_t g_kept_len;

// The handle `h`, its object remembered in g_kept.
reml_handle_t KeepH(reml_handle_t h) {
  if (reml_h_is_object(h) && g_kept_len < sizeof g_kept / sizeof g_kept[0]) g_kept[g_kept_len++] = reml_h_ptr(h);
  return h;
}

// A String (owned by g_kept) of `len` bytes.
reml_string_t* KeptString(const char* bytes, int64_t len) {
  return static_cast<reml_string_t*>(reml_h_ptr(KeepH(reml_h_from_ptr(reml_str_new(bytes, len)))));
}

TEST_F(RuntimeFfiDeathTest, UnboxOfAnotherPointerTypeNamesBoth) {
  EXPECT_EXIT(reml_ptr_unbox(KeepH(reml_ptr_box_new(Addr(0x10), &kPtrI32)), &kMutU8, &kLoc),
              ::testing::ExitedWithCode(1), "^t\\.hako:3:9: runtime error: Type error: expected MutPtr<u8>, got Ptr<i32>\n$");
  // The flavour alone: a Ptr is not a MutPtr, even of void.
  EXPECT_EXIT(reml_ptr_unbox(KeepH(reml_ptr_box_new(Addr(0x10), &kPtrU8)), &kMutU8, &kLoc),
              ::testing::ExitedWithCode(1), "^t\\.hako:3:9: runtime error: Type error: expected MutPtr<u8>, got Ptr<u8>\n$");
  EXPECT_EXIT(reml_ptr_unbox(KeepH(reml_ptr_box_new(Addr(0x10), &kPtrVoid)), &kMutU8, nullptr),
              ::testing::ExitedWithCode(1), "^runtime error: Type error: expected MutPtr<u8>, got Ptr<void>\n$");
  EXPECT_EXIT(reml_ptr_unbox(KeepH(reml_ptr_box_new(Addr(0x10), &kPtrPtrU8)), &kPtrPtrI32, &kLoc),
              ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: Type error: expected Ptr<Ptr<i32>>, got Ptr<Ptr<u8>>\n$");
}

TEST_F(RuntimeFfiDeathTest, UnboxOfAnotherKindNamesTheKind) {
  EXPECT_EXIT(reml_ptr_unbox(reml_box_i64(300), &kMutU8, &kLoc), ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: Type error: expected MutPtr<u8>, got Int\n$");
  EXPECT_EXIT(reml_ptr_unbox(KeepH(reml_h_from_ptr(reml_str_new("s", 1))), &kPtrU8, &kLoc),
              ::testing::ExitedWithCode(1), "^t\\.hako:3:9: runtime error: Type error: expected Ptr<u8>, got String\n$");
  EXPECT_EXIT(reml_ptr_unbox(KeepH(reml_h_from_ptr(reml_array_new())), &kPtrVoid, &kLoc),
              ::testing::ExitedWithCode(1), "^t\\.hako:3:9: runtime error: Type error: expected Ptr<void>, got ArrayBox\n$");
  EXPECT_EXIT(reml_ptr_unbox(reml_box_bool(0), &kNonNullU8, &kLoc), ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: Type error: expected NonNullPtr<u8>, got Bool\n$");
}

TEST_F(RuntimeFfiDeathTest, NonNullRefusesVoidAndNullAddresses) {
  EXPECT_EXIT(reml_ptr_unbox(REML_VOID, &kNonNullU8, &kLoc), ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: Type error: expected NonNullPtr<u8>, got a null pointer\n$");
  EXPECT_EXIT(reml_ptr_unbox(KeepH(reml_ptr_box_new(nullptr, &kMutU8)), &kNonNullU8, &kLoc),
              ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: Type error: expected NonNullPtr<u8>, got a null pointer\n$");
  EXPECT_EXIT(reml_ptr_unbox(KeepH(reml_ptr_box_new(nullptr, &kNonNullVoid)), &kNonNullU8, nullptr),
              ::testing::ExitedWithCode(1), "^runtime error: Type error: expected NonNullPtr<u8>, got a null pointer\n$");
  // A type mismatch is reported first, whatever the address.
  EXPECT_EXIT(reml_ptr_unbox(KeepH(reml_ptr_box_new(nullptr, &kPtrI32)), &kNonNullU8, &kLoc),
              ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: Type error: expected NonNullPtr<u8>, got Ptr<i32>\n$");
}

TEST_F(RuntimeFfiDeathTest, PointerInBooleanContext) {
  EXPECT_EXIT(reml_h_truthy(KeepH(reml_ptr_box_new(Addr(0x10), &kPtrU8)), &kLoc), ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: Type error: Ptr<u8> in boolean context\n$");
  EXPECT_EXIT(reml_h_truthy_fast(KeepH(reml_ptr_box_new(nullptr, &kMutI32)), &kLoc), ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: Type error: MutPtr<i32> in boolean context\n$");
}

TEST_F(RuntimeFfiDeathTest, GenericErrorsNameThePointerType) {
  EXPECT_EXIT(reml_map_set(static_cast<reml_map_t*>(reml_h_ptr(KeepH(reml_h_from_ptr(reml_map_new())))),
                           KeepH(reml_ptr_box_new(Addr(0x10), &kMutU8)), reml_box_i64(1), &kLoc),
              ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: Type error: map key must be Int or String, got MutPtr<u8>\n$");
  EXPECT_EXIT(reml_map_check_key(KeepH(reml_ptr_box_new(nullptr, &kPtrVoid)), &kLoc), ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: Type error: map key must be Int or String, got Ptr<void>\n$");
  EXPECT_EXIT(reml_dyn_add(KeepH(reml_ptr_box_new(Addr(0x10), &kPtrU8)), reml_box_i64(1), &kLoc),
              ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: Type error: cannot apply '\\+' to Ptr<u8> and Int\n$");
  EXPECT_EXIT(reml_dyn_lt(KeepH(reml_ptr_box_new(Addr(0x10), &kPtrU8)), KeepH(reml_ptr_box_new(Addr(0x20), &kPtrU8)),
                          &kLoc),
              ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: Type error: cannot apply '<' to Ptr<u8> and Ptr<u8>\n$");
  EXPECT_EXIT(reml_unbox_i64(KeepH(reml_ptr_box_new(Addr(0x10), &kNonNullU8)), &kLoc), ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: Type error: expected Int, got NonNullPtr<u8>\n$");
  EXPECT_EXIT(reml_unbox_object(KeepH(reml_ptr_box_new(Addr(0x10), &kPtrU8)), REML_TAG_STRING, &kLoc),
              ::testing::ExitedWithCode(1), "^t\\.hako:3:9: runtime error: Type error: expected String, got Ptr<u8>\n$");
  EXPECT_EXIT(reml_weak_new_checked(KeepH(reml_ptr_box_new(Addr(0x10), &kPtrU8)), &kLoc),
              ::testing::ExitedWithCode(1), "^t\\.hako:3:9: runtime error: Type error: weak needs a box, got Ptr<u8>\n$");
  EXPECT_EXIT(reml_call_builtin(KeepH(reml_ptr_box_new(Addr(0x10), &kPtrU8)), REML_METHOD_LENGTH, nullptr, 0, nullptr,
                                &kLoc),
              ::testing::ExitedWithCode(1), "^t\\.hako:3:9: runtime error: Unknown method 'length' on Ptr<u8>\n$");
  EXPECT_EXIT(reml_dyn_get_field(KeepH(reml_ptr_box_new(Addr(0x10), &kPtrU8)), "x", &kLoc),
              ::testing::ExitedWithCode(1), "^t\\.hako:3:9: runtime error: Unknown field 'x' on Ptr<u8>\n$");
}

TEST_F(RuntimeFfiDeathTest, RangeErrors) {
  EXPECT_EXIT(reml_ffi_range_error("putchar", "c", "i8", 300, &kLoc), ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: FFI argument 'c' of 'putchar' must fit i8, got 300\n$");
  EXPECT_EXIT(reml_ffi_range_error("f", "n", "u32", -1, nullptr), ::testing::ExitedWithCode(1),
              "^runtime error: FFI argument 'n' of 'f' must fit u32, got -1\n$");
  EXPECT_EXIT(reml_ffi_range_error("g", "x", "u64", INT64_MIN, &kLoc), ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: FFI argument 'x' of 'g' must fit u64, got -9223372036854775808\n$");
  EXPECT_EXIT(reml_ffi_result_range_error("f", UINT64_MAX, &kLoc), ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: FFI result of 'f' does not fit Int: 18446744073709551615\n$");
  EXPECT_EXIT(reml_ffi_result_range_error("h", static_cast<uint64_t>(INT64_MAX) + 1, nullptr),
              ::testing::ExitedWithCode(1), "^runtime error: FFI result of 'h' does not fit Int: 9223372036854775808\n$");
}

TEST_F(RuntimeFfiDeathTest, NullErrors) {
  EXPECT_EXIT(reml_ffi_null_arg_error("f", "p", &kLoc), ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: FFI argument 'p' of 'f' must not be null\n$");
  EXPECT_EXIT(reml_ffi_null_result_error("f", &kLoc), ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: FFI result of 'f' must not be null\n$");
  EXPECT_EXIT(reml_ffi_null_result_error("malloc", nullptr), ::testing::ExitedWithCode(1),
              "^runtime error: FFI result of 'malloc' must not be null\n$");
}

TEST_F(RuntimeFfiDeathTest, CStrWithANulByteIsRefused) {
  EXPECT_EXIT(reml_ffi_cstr_arg(KeptString("abc\0def", 7), "strlen", "s", &kLoc), ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: FFI argument 's' of 'strlen' contains a NUL byte at index 3\n$");
  EXPECT_EXIT(reml_ffi_cstr_arg(KeptString("\0", 1), "puts", "text", nullptr), ::testing::ExitedWithCode(1),
              "^runtime error: FFI argument 'text' of 'puts' contains a NUL byte at index 0\n$");
  // The first NUL is named; a NUL as the last byte counts too.
  EXPECT_EXIT(reml_ffi_cstr_arg(KeptString("ab\0c\0", 5), "f", "s", &kLoc), ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: FFI argument 's' of 'f' contains a NUL byte at index 2\n$");
  EXPECT_EXIT(reml_ffi_cstr_transfer(KeptString("xy\0", 3), "take", "s", &kLoc), ::testing::ExitedWithCode(1),
              "^t\\.hako:3:9: runtime error: FFI argument 's' of 'take' contains a NUL byte at index 2\n$");
}

// ---------------------------------------------------------------------------
// Debug mode and guards
// ---------------------------------------------------------------------------

// The line debug mode adds after a runtime error's first line.
#define NOTE_LINE "note: process [0-9]+ at [0-9T:.Z-]+\n"

// Ends a child process with status 99 and a message when `ok` is false, so a
// broken precondition can never pass for the exit a test expects.
void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "requirement failed: %s\n", what);
  std::fflush(stderr);
  _exit(99);
}

TEST_F(RuntimeFfiDeathTest, BalancedHandleApiLeavesNothingLive) {
  EXPECT_EXIT(
      {
        Require(reml_debug_enable() == 1, "debug mode turns on in a fresh process");
        reml_handle_t s = reml_h_from_ptr(reml_str_new("s", 1));
        reml_handle_t p = reml_ptr_box_new(Addr(0x30), &kMutU8);
        reml_handle_t n = reml_ptr_box_new(nullptr, &kPtrU8);
        reml_array_t* a = reml_array_new();
        reml_array_push(a, p);
        // C keeps a reference to each and gives it back later.
        for (reml_handle_t h : {s, p, n}) hako_handle_retain(h);
        Require(reml_live_objects() == 4, "four objects");
        for (reml_handle_t h : {s, p, n}) hako_handle_release(h);
        for (reml_handle_t h : {s, p, n}) hako_handle_release(h);
        Require(reml_live_objects() == 2, "the array and the pointer it holds");
        hako_handle_release(reml_h_from_ptr(a));
        Require(reml_live_objects() == 0, "everything is freed");
        std::exit(reml_finish(nullptr, 0, 0));
      },
      ::testing::ExitedWithCode(0), "^leak-check: 0 objects live at exit\n$");
}

TEST_F(RuntimeFfiDeathTest, LeakedPointersAreCounted) {
  EXPECT_EXIT(
      {
        Require(reml_debug_enable() == 1, "debug mode turns on in a fresh process");
        reml_ptr_box_new(Addr(0x30), &kMutU8);
        reml_ptr_box_new(nullptr, &kPtrU8);
        hako_handle_retain(reml_h_from_ptr(reml_str_new("kept by C", 9)));
        std::exit(reml_finish(nullptr, 0, 0));
      },
      ::testing::ExitedWithCode(0), "^leak-check: live: 2 Ptr, 1 String\nleak-check: 3 objects live at exit\n$");
}

TEST_F(RuntimeFfiDeathTest, ExtraReleaseIsADoubleFree) {
  EXPECT_EXIT(
      {
        Require(reml_debug_enable() == 1, "debug mode turns on in a fresh process");
        reml_handle_t s = reml_h_from_ptr(reml_str_new("s", 1));  // allocation #1
        hako_handle_release(s);
        hako_handle_release(s);
      },
      ::testing::ExitedWithCode(70), "^internal runtime error: double free of a String object \\(allocation #1\\)\n$");
  EXPECT_EXIT(
      {
        Require(reml_debug_enable() == 1, "debug mode turns on in a fresh process");
        reml_array_new();  // allocation #1 (debug mode tracks it: not a leak to LeakSanitizer)
        reml_handle_t p = reml_ptr_box_new(Addr(0x8), &kPtrU8);  // allocation #2
        hako_handle_retain(p);
        hako_handle_release(p);
        hako_handle_release(p);
        hako_handle_release(p);
      },
      ::testing::ExitedWithCode(70), "^internal runtime error: double free of a Ptr object \\(allocation #2\\)\n$");
}

TEST_F(RuntimeFfiDeathTest, GuardCatchesAHandleReleasedByC) {
  // Debug mode keeps the freed object readable, marked freed; the guard of
  // the Handle API reports it before the count is touched.
  EXPECT_EXIT(
      {
        Require(reml_debug_enable() == 1, "debug mode turns on in a fresh process");
        ConfigureGuards("1", "1");
        reml_handle_t s = reml_h_from_ptr(reml_str_new("s", 1));
        hako_handle_release(s);
        hako_handle_retain(s);
      },
      ::testing::ExitedWithCode(1),
      "^runtime error: HAKO_FFI_GUARD: hako_handle_retain: argument 1 is not a live Hako value "
      "\\(0x[0-9a-f]+: reference count 0 \\(a freed object\\)\\)\n" NOTE_LINE "$");
  EXPECT_EXIT(
      {
        Require(reml_debug_enable() == 1, "debug mode turns on in a fresh process");
        ConfigureGuards("1", "1");
        reml_handle_t p = reml_ptr_box_new(Addr(0x8), &kPtrU8);
        hako_handle_release(p);
        reml_ptr_unbox(p, &kPtrU8, &kLoc);
      },
      ::testing::ExitedWithCode(1),
      "^t\\.hako:3:9: runtime error: HAKO_FFI_GUARD: reml_ptr_unbox: argument 1 is not a live Hako value "
      "\\(0x[0-9a-f]+: reference count 0 \\(a freed object\\)\\)\n" NOTE_LINE "$");
}

TEST_F(RuntimeFfiDeathTest, GuardWithoutFailFastSkipsTheCall) {
  // HAKO_FAILFAST=0: one warning, then the release does nothing, and a
  // failed unbox goes on as for Void.
  EXPECT_EXIT(
      {
        Require(reml_debug_enable() == 1, "debug mode turns on in a fresh process");
        ConfigureGuards("1", "0");
        reml_handle_t p = reml_ptr_box_new(Addr(0x8), &kPtrU8);
        hako_handle_release(p);
        hako_handle_release(p);  // a double free without the guard
        Require(reml_ptr_unbox(p, &kPtrU8, &kLoc) == nullptr, "a failed check gives NULL");
        std::exit(reml_finish(nullptr, 0, 0));
      },
      ::testing::ExitedWithCode(0),
      "^warning: HAKO_FFI_GUARD: hako_handle_release: argument 1 is not a live Hako value \\(0x[0-9a-f]+: "
      "reference count 0 \\(a freed object\\)\\); the call returns Void \\(later failures are not reported\\)\n"
      "leak-check: 0 objects live at exit\n$");
}

}  // namespace
