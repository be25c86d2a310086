// Unit tests of reml_instance_reuse (docs/ownership.md, "Reuse of dying
// boxes"): the memory of an instance whose reference is the last becomes the
// new instance, after its fields are released and its WeakRef cell is
// detached; a shared instance, one of another size, and every instance in
// debug mode (whose records feed the leak report) are released and a fresh
// instance allocated instead.
//
// The box type table is a process global that other runtime test files
// replace with theirs, so every test here registers its own first.
#include "alloc_counter.h"
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>

#include <unistd.h>

#include "reml_runtime.h"

namespace {

const char* const kVecFields[] = {"x", "y"};
const char* const kPairFields[] = {"a", "b"};
const char* const kOneFields[] = {"v"};
const reml_box_type_t kReuseTypes[] = {
    {"Vec", 2, kVecFields, 0, nullptr, 0, nullptr, nullptr},
    {"Pair", 2, kPairFields, 0, nullptr, 0, nullptr, nullptr},
    {"One", 1, kOneFields, 0, nullptr, 0, nullptr, nullptr},
};
constexpr uint32_t kVec = 0, kPair = 1, kOne = 2;

void RegisterReuseTypes() { reml_register_box_types(kReuseTypes, 3); }

uint32_t Tag(const void* p) { return REML_GET_HEADER(p)->type_tag; }
uint32_t Count(const void* p) { return REML_GET_HEADER(p)->refcount; }

// Debug mode allocates and frees as usual; this file's tests run in the
// ordinary modes unless another test of the process turned it on first.
bool Reuses() { return reml_debug_enabled() == 0; }

TEST(RuntimeReuse, TheLastReferenceGivesItsMemoryToTheNewInstance) {
  RegisterReuseTypes();
  AllocCounter counter;
  reml_instance_t* old = reml_instance_new(kVec);
  reml_instance_t* child = reml_instance_new(kOne);
  old->fields[0] = reml_h_from_ptr(child);  // the field takes over child's reference
  old->fields[1] = reml_box_i64(7);
  reml_instance_t* made = reml_instance_reuse(old, kPair);
  ASSERT_NE(made, nullptr);
  if (Reuses()) {
    EXPECT_EQ(made, old);
  } else {
    EXPECT_NE(made, old);
  }
  EXPECT_EQ(Tag(made), REML_TAG_USER_BASE + kPair);
  EXPECT_EQ(Count(made), 1u);
  EXPECT_EQ(made->flags, 0u);
  EXPECT_EQ(made->fields[0], REML_VOID);
  EXPECT_EQ(made->fields[1], REML_VOID);
  // The child died with the old instance: only `made` is live.
  EXPECT_EQ(counter.Live(), 1u);
  reml_dec_ref_inline(made);
  EXPECT_EQ(counter.Live(), 0u);
}

TEST(RuntimeReuse, ASharedInstanceStaysAndTheNewOneIsFresh) {
  RegisterReuseTypes();
  AllocCounter counter;
  reml_instance_t* old = reml_instance_new(kVec);
  old->fields[0] = reml_box_i64(3);
  reml_inc_ref_inline(old);  // a second holder
  reml_instance_t* made = reml_instance_reuse(old, kVec);
  EXPECT_NE(made, old);
  EXPECT_EQ(Count(old), 1u);
  EXPECT_EQ(old->fields[0], reml_box_i64(3));
  EXPECT_EQ(Tag(made), REML_TAG_USER_BASE + kVec);
  EXPECT_EQ(made->fields[0], REML_VOID);
  reml_dec_ref_inline(old);
  reml_dec_ref_inline(made);
  EXPECT_EQ(counter.Live(), 0u);
}

TEST(RuntimeReuse, AnInstanceOfAnotherSizeIsReleased) {
  RegisterReuseTypes();
  AllocCounter counter;
  reml_instance_t* old = reml_instance_new(kOne);
  reml_instance_t* made = reml_instance_reuse(old, kVec);
  EXPECT_EQ(Tag(made), REML_TAG_USER_BASE + kVec);
  EXPECT_EQ(counter.Live(), 1u);
  reml_dec_ref_inline(made);
  EXPECT_EQ(counter.Live(), 0u);
}

TEST(RuntimeReuse, AWeakRefToTheDyingInstanceSeesItDead) {
  RegisterReuseTypes();
  AllocCounter counter;
  reml_instance_t* old = reml_instance_new(kVec);
  const int64_t w = nyrt_weak_new(static_cast<int64_t>(reml_h_from_ptr(old)));
  reml_instance_t* made = reml_instance_reuse(old, kVec);
  // The reused memory is never reached through the old WeakRef.
  EXPECT_EQ(nyrt_weak_to_strong(w), static_cast<int64_t>(REML_VOID));
  EXPECT_EQ(reml_weak_slot_get(made), nullptr);
  const int64_t w2 = nyrt_weak_new(static_cast<int64_t>(reml_h_from_ptr(made)));
  EXPECT_NE(w2, w);
  nyrt_weak_drop(w);
  nyrt_weak_drop(w2);
  reml_dec_ref_inline(made);
  EXPECT_EQ(counter.Live(), 0u);
}

TEST(RuntimeReuse, AFinalisedInstanceGivesALiveOne) {
  RegisterReuseTypes();
  reml_instance_t* old = reml_instance_new(kVec);
  const reml_handle_t h = reml_h_from_ptr(old);
  ASSERT_EQ(reml_fini_begin(h), 1);
  reml_fini_end(h);
  reml_instance_t* made = reml_instance_reuse(old, kVec);
  EXPECT_EQ(made->flags & (REML_INSTANCE_FINALISING | REML_INSTANCE_FINALISED), 0u);
  reml_dec_ref_inline(made);
}

// Debug mode turns on only before the first allocation: a fresh child.
TEST(RuntimeReuseDeathTest, DebugModeAllocatesAfreshAndReportsNoLeak) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        if (reml_debug_enable() != 1) _exit(99);
        RegisterReuseTypes();
        reml_instance_t* old = reml_instance_new(kVec);
        reml_instance_t* made = reml_instance_reuse(old, kVec);
        if (made == old) _exit(98);
        reml_dec_ref_inline(made);
        _exit(reml_finish(nullptr, 0, 0));
      },
      ::testing::ExitedWithCode(0), "leak-check: 0 objects live at exit");
}

}  // namespace
