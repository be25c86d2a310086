// Unit tests of the runtime's debug mode and end-of-run paths: the leak
// report (counts by type, strong cycles, the last line), reml_finish, double
// free detection, the panic note and REML_PANIC_LOG, long structures that
// must not recurse, and the small-block allocator.
//
// Debug mode can only be turned on before the first counted allocation, so
// every test that needs it runs in a fresh child process: "threadsafe" death
// tests re-execute the binary and run only the statement under test.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "reml_runtime.h"

namespace {

const reml_loc_t kLoc = {"t.hako", 3, 9};

const char* const kNext[] = {"next"};
const char* const kChild[] = {"child"};
const char* const kParent[] = {"parent"};
const reml_box_type_t kTypes[] = {
    {"Node", 1, kNext, 0, nullptr, 0, nullptr, nullptr},
    {"Parent", 1, kChild, 0, nullptr, 0, nullptr, nullptr},
    {"Child", 1, kParent, 0, nullptr, 0, nullptr, nullptr},
};
constexpr uint32_t kNode = 0, kParentBox = 1, kChildBox = 2;

void RegisterTypes() { reml_register_box_types(kTypes, 3); }

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
  Require(reml_debug_enabled() == 1, "debug mode reports itself");
  RegisterTypes();
}

// Stores `value` (borrowed) in field 0 of `inst`.
void Link(reml_instance_t* inst, void* value) {
  reml_dyn_set_field(reml_h_from_ptr(inst), reml_box_type_of_tag(reml_get_type_tag(inst))->field_names[0],
                     reml_h_from_ptr(value), &kLoc);
}

// A list of `n` Nodes, each field 0 pointing at the next; returns the head
// (owned) and, in `last`, the final node (borrowed from the list).
reml_instance_t* BuildList(int n, reml_instance_t** last) {
  reml_instance_t* head = nullptr;
  for (int i = 0; i < n; i++) {
    reml_instance_t* node = reml_instance_new(kNode);
    // The new node takes over the reference to the old head.
    node->fields[0] = reml_h_from_ptr(head);
    if (head == nullptr && last != nullptr) *last = node;
    head = node;
  }
  return head;
}

class RuntimeDebugDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

// ---------------------------------------------------------------------------
// The leak report
// ---------------------------------------------------------------------------

TEST_F(RuntimeDebugDeathTest, CleanRunReportsZero) {
  EXPECT_EXIT(
      {
        StartDebug();
        reml_array_t* a = reml_array_new();
        reml_handle_t s = reml_h_from_ptr(reml_str_new("x", 1));
        reml_array_push(a, s);
        reml_h_release(s);
        reml_map_t* m = reml_map_new();
        reml_map_set(m, reml_box_i64(1), reml_h_from_ptr(a), &kLoc);
        dec_ref(a);
        Require(reml_live_objects() == 3, "three objects are alive before the release");
        dec_ref(m);
        Require(reml_live_objects() == 0, "nothing is alive after it");
        std::exit(reml_finish(nullptr, 0, 0));
      },
      ::testing::ExitedWithCode(0), "^leak-check: 0 objects live at exit\n$");
}

TEST_F(RuntimeDebugDeathTest, LeakedArrayIsCountedByType) {
  EXPECT_EXIT(
      {
        StartDebug();
        reml_array_t* a = reml_array_new();
        reml_handle_t s = reml_h_from_ptr(reml_str_new("leak", 4));
        reml_array_push(a, s);
        reml_h_release(s);
        // The status passes through reml_finish unchanged.
        std::exit(reml_finish(nullptr, 0, 3));
      },
      ::testing::ExitedWithCode(3), "^leak-check: live: 1 ArrayBox, 1 String\nleak-check: 2 objects live at exit\n$");
}

TEST_F(RuntimeDebugDeathTest, BuiltInTypeNames) {
  EXPECT_EXIT(
      {
        StartDebug();
        reml_box_f64(1.5);
        reml_box_i64(INT64_MAX);
        reml_box_i64(INT64_MIN);
        reml_console_new();
        mem_alloc(3);
        reml_map_new();
        reml_box_bool(1);                  // immortal: never counted
        reml_str_new_immortal("lit", 3);   // immortal as well
        std::exit(reml_finish(nullptr, 0, 0));
      },
      ::testing::ExitedWithCode(0),
      "^leak-check: live: 2 IntBox, 1 ConsoleBox, 1 FloatBox, 1 MapBox, 1 Raw\n"
      "leak-check: 6 objects live at exit\n$");
}

TEST_F(RuntimeDebugDeathTest, TwoInstanceCycleNamesItsTypes) {
  EXPECT_EXIT(
      {
        StartDebug();
        reml_instance_t* p = reml_instance_new(kParentBox);
        reml_instance_t* c = reml_instance_new(kChildBox);
        Link(p, c);
        Link(c, p);
        dec_ref(p);
        dec_ref(c);
        std::exit(reml_finish(nullptr, 0, 0));
      },
      ::testing::ExitedWithCode(0),
      "^leak-check: live: 1 Child, 1 Parent\n"
      "leak-check: cycle: Child -> Parent -> Child\n"
      "leak-check: 2 objects live at exit\n$");
}

TEST_F(RuntimeDebugDeathTest, RepeatedShapesAreCounted) {
  EXPECT_EXIT(
      {
        StartDebug();
        for (int i = 0; i < 3; i++) {
          reml_instance_t* a = reml_instance_new(kNode);
          reml_instance_t* b = reml_instance_new(kNode);
          Link(a, b);
          Link(b, a);
          dec_ref(a);
          dec_ref(b);
        }
        // An array holding itself is a cycle of one object.
        reml_array_t* self = reml_array_new();
        reml_array_push(self, reml_h_from_ptr(self));
        dec_ref(self);
        // A map whose value is a Node that holds the map.
        reml_map_t* m = reml_map_new();
        reml_instance_t* n = reml_instance_new(kNode);
        Link(n, m);
        reml_map_set(m, reml_box_i64(7), reml_h_from_ptr(n), &kLoc);
        dec_ref(n);
        dec_ref(m);
        // Garbage hanging off a cycle is live but on no cycle.
        reml_array_t* holder = reml_array_new();
        reml_instance_t* loop = reml_instance_new(kNode);
        Link(loop, loop);
        reml_array_push(holder, reml_h_from_ptr(loop));
        dec_ref(loop);
        std::exit(reml_finish(nullptr, 0, 0));
      },
      ::testing::ExitedWithCode(0),
      "^leak-check: live: 8 Node, 2 ArrayBox, 1 MapBox\n"
      "leak-check: cycle: Node -> Node -> Node \\(x3\\)\n"
      "leak-check: cycle: ArrayBox -> ArrayBox\n"
      "leak-check: cycle: MapBox -> Node -> MapBox\n"
      "leak-check: cycle: Node -> Node\n"
      "leak-check: 11 objects live at exit\n$");
}

TEST_F(RuntimeDebugDeathTest, MillionObjectCycleDoesNotRecurse) {
  EXPECT_EXIT(
      {
        StartDebug();
        reml_instance_t* last = nullptr;
        reml_instance_t* head = BuildList(1000000, &last);
        Link(last, head);  // close the ring: the last node points back at the head
        dec_ref(head);
        Require(reml_live_objects() == 1000000, "the whole ring is leaked");
        std::exit(reml_finish(nullptr, 0, 0));
      },
      ::testing::ExitedWithCode(0),
      "^leak-check: live: 1000000 Node\n"
      "leak-check: cycle: Node -> Node -> Node -> Node -> Node -> Node -> Node -> Node -> \\.\\.\\. -> Node "
      "\\(1000000 objects\\)\n"
      "leak-check: 1000000 objects live at exit\n$");
}

TEST_F(RuntimeDebugDeathTest, MillionNodeListIsFreedByOneRelease) {
  EXPECT_EXIT(
      {
        StartDebug();
        reml_instance_t* head = BuildList(1000000, nullptr);
        Require(reml_live_objects() == 1000000, "every node is tracked");
        dec_ref(head);
        Require(reml_live_objects() == 0, "one release frees the whole list");
        std::exit(reml_finish(nullptr, 0, 0));
      },
      ::testing::ExitedWithCode(0), "^leak-check: 0 objects live at exit\n$");
}

TEST_F(RuntimeDebugDeathTest, FinishReleasesGlobals) {
  EXPECT_EXIT(
      {
        StartDebug();
        reml_handle_t globals[3];
        reml_array_t* a = reml_array_new();
        reml_handle_t s = reml_h_from_ptr(reml_str_new("kept", 4));
        reml_array_push(a, s);
        reml_h_release(s);
        globals[0] = reml_h_from_ptr(a);  // the slot owns the array
        globals[1] = reml_box_i64(5);
        globals[2] = REML_VOID;
        int status = reml_finish(globals, 3, 4);
        Require(globals[0] == REML_VOID && globals[1] == REML_VOID && globals[2] == REML_VOID,
                "every slot is Void afterwards");
        Require(reml_live_objects() == 0, "the globals' objects are freed");
        std::exit(status);
      },
      ::testing::ExitedWithCode(4), "^leak-check: 0 objects live at exit\n$");
}

TEST_F(RuntimeDebugDeathTest, TeardownIsNeededForTheLeakReport) {
  EXPECT_EXIT(
      {
        StartDebug();
        Require(reml_exit_teardown_needed() == 1, "tracking needs the teardown");
        std::exit(reml_finish(nullptr, 0, 0));
      },
      ::testing::ExitedWithCode(0), "^leak-check: 0 objects live at exit\n$");
}

TEST_F(RuntimeDebugDeathTest, LeakReportReturnsTheCount) {
  EXPECT_EXIT(
      {
        StartDebug();
        reml_print_str(reml_str_new("out", 3));  // leaks the String
        std::exit(static_cast<int>(reml_leak_report()));
      },
      ::testing::ExitedWithCode(1), "^leak-check: live: 1 String\nleak-check: 1 objects live at exit\n$");
}

// ---------------------------------------------------------------------------
// Double free
// ---------------------------------------------------------------------------

TEST_F(RuntimeDebugDeathTest, DoubleMemFreeNamesTheObject) {
  EXPECT_EXIT(
      {
        StartDebug();
        void* p = mem_alloc(8);
        mem_free(p);
        mem_free(p);
      },
      ::testing::ExitedWithCode(70), "^internal runtime error: double free of a Raw object \\(allocation #1\\)\n$");
}

TEST_F(RuntimeDebugDeathTest, DoubleDecRefNamesTheObject) {
  EXPECT_EXIT(
      {
        StartDebug();
        reml_array_t* a = reml_array_new();                 // allocation #1
        reml_instance_t* n = reml_instance_new(kNode);      // allocation #2
        reml_array_push(a, reml_h_from_ptr(n));
        dec_ref(n);
        dec_ref(a);  // frees both
        dec_ref(n);
      },
      ::testing::ExitedWithCode(70), "^internal runtime error: double free of a Node object \\(allocation #2\\)\n$");
}

TEST_F(RuntimeDebugDeathTest, ReleaseOfAnObjectBeingDestroyed) {
  EXPECT_EXIT(
      {
        StartDebug();
        // The array's destructor releases the string twice (it was stored
        // twice without being retained twice): the second release finds a
        // count of 0 already.
        reml_array_t* a = reml_array_new();
        reml_string_t* s = reml_str_new("s", 1);
        reml_array_push(a, reml_h_from_ptr(s));
        reml_array_push(a, reml_h_from_ptr(s));
        dec_ref(s);
        dec_ref(s);
        dec_ref(a);
      },
      ::testing::ExitedWithCode(70), "^internal runtime error: double free of a String object \\(allocation #2\\)\n$");
}

// ---------------------------------------------------------------------------
// Panics
// ---------------------------------------------------------------------------

TEST_F(RuntimeDebugDeathTest, PanicAddsANoteAndNoLeakReport) {
  EXPECT_EXIT(
      {
        StartDebug();
        reml_array_new();  // alive at the error: error paths need not free
        reml_panic_at(&kLoc, "boom %d", 1);
      },
      ::testing::ExitedWithCode(1),
      "^t\\.hako:3:9: runtime error: boom 1\n"
      "note: process [0-9]+ at [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z\n$");
}

TEST_F(RuntimeDebugDeathTest, LeakCheckEnvironmentTurnsDebugModeOn) {
  EXPECT_EXIT(
      {
        setenv("REML_LEAK_CHECK", "1", 1);
        reml_runtime_init();
        Require(reml_debug_enabled() == 1, "REML_LEAK_CHECK=1 turns debug mode on");
        mem_alloc(1);
        std::exit(reml_finish(nullptr, 0, 0));
      },
      ::testing::ExitedWithCode(0), "^leak-check: live: 1 Raw\nleak-check: 1 objects live at exit\n$");
}

TEST_F(RuntimeDebugDeathTest, LeakCheckEnvironmentTooLateIsReported) {
  EXPECT_EXIT(
      {
        mem_free(mem_alloc(1));
        setenv("REML_LEAK_CHECK", "1", 1);
        reml_runtime_init();
        Require(reml_debug_enabled() == 0, "debug mode stays off");
        std::exit(reml_finish(nullptr, 0, 0));
      },
      ::testing::ExitedWithCode(0),
      "^leak-check: REML_LEAK_CHECK=1 ignored: objects were allocated before reml_runtime_init\n$");
}

// The whole content of a file ("" when it does not exist).
std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Whether `line` is `start`, a pid, the time field and the closing brace,
// with the newline. (Hand-matched: the pattern is fixed apart from digits.)
bool IsLogLine(const std::string& line, const std::string& start) {
  if (line.compare(0, start.size(), start) != 0) return false;
  size_t i = start.size();
  size_t digits = 0;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9') i++, digits++;
  if (digits == 0) return false;
  // '#' stands for one digit.
  const std::string rest = ", \"time\": \"####-##-##T##:##:##.###Z\"}\n";
  if (line.size() - i != rest.size()) return false;
  for (size_t k = 0; k < rest.size(); k++, i++) {
    char c = line[i];
    if (rest[k] == '#' ? !(c >= '0' && c <= '9') : c != rest[k]) return false;
  }
  return true;
}

TEST(RuntimePanicLogDeathTest, AppendsOneJsonLinePerError) {
  std::string path = testing::TempDir() + "reml_panic_log_" + std::to_string(getpid()) + ".jsonl";
  std::remove(path.c_str());
  EXPECT_EXIT(
      {
        setenv("REML_PANIC_LOG", path.c_str(), 1);
        reml_panic_at(&kLoc, "bad \"%s\"\n\x01 \xc3\xa9 \xff\\", "thing");
      },
      ::testing::ExitedWithCode(1), "^t\\.hako:3:9: runtime error: bad \"thing\"\n");
  EXPECT_EXIT(
      {
        setenv("REML_PANIC_LOG", path.c_str(), 1);
        panic("plain", -1);
      },
      ::testing::ExitedWithCode(1), "^plain\n$");
  std::string log = ReadFile(path);
  std::remove(path.c_str());
  size_t newline = log.find('\n');
  ASSERT_NE(newline, std::string::npos) << log;
  EXPECT_TRUE(IsLogLine(log.substr(0, newline + 1),
                        "{\"message\": \"bad \\\"thing\\\"\\n\\u0001 \xc3\xa9 \\ufffd\\\\\", "
                        "\"file\": \"t.hako\", \"line\": 3, \"col\": 9, \"pid\": "))
      << log;
  EXPECT_TRUE(IsLogLine(log.substr(newline + 1),
                        "{\"message\": \"plain\", \"file\": null, \"line\": null, \"col\": null, \"pid\": "))
      << log;
}

TEST(RuntimePanicLogDeathTest, UnwritableLogIsANote) {
  EXPECT_EXIT(
      {
        setenv("REML_PANIC_LOG", "/nonexistent-dir/panic.jsonl", 1);
        panic("plain", -1);
      },
      ::testing::ExitedWithCode(1),
      "^plain\nnote: cannot append to the panic log '/nonexistent-dir/panic\\.jsonl' \\(REML_PANIC_LOG\\): .+\n$");
}

// ---------------------------------------------------------------------------
// In this process (debug mode off: objects exist already)
// ---------------------------------------------------------------------------

// Live ordinary objects counted by the allocation statistics.
uint64_t LiveObjects() {
  reml_alloc_stats_t s = reml_alloc_stats();
  return s.allocations - s.frees;
}

TEST(RuntimeDebugOff, EnableIsRefusedOnceObjectsExist) {
  mem_free(mem_alloc(4));  // make sure this process has allocated
  EXPECT_EQ(reml_debug_enable(), 0);
  EXPECT_EQ(reml_debug_enabled(), 0);
  EXPECT_EQ(reml_live_objects(), 0u);
  testing::internal::CaptureStderr();
  EXPECT_EQ(reml_leak_report(), 0u);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

// Without tracking, reml_finish releases the globals only for a leak checker
// watching the process (Valgrind, AddressSanitizer); otherwise it leaves
// them to the process's exit, and this test releases them itself.
TEST(RuntimeDebugOff, FinishReleasesGlobalsOnlyForALeakChecker) {
  RegisterTypes();
  uint64_t before = LiveObjects();
  reml_handle_t globals[2];
  reml_instance_t* n = reml_instance_new(kNode);
  reml_handle_t s = reml_h_from_ptr(reml_str_new("field", 5));
  reml_dyn_set_field(reml_h_from_ptr(n), "next", s, &kLoc);
  reml_h_release(s);
  globals[0] = reml_h_from_ptr(n);
  globals[1] = reml_box_f64(2.5);
  const reml_handle_t held[2] = {globals[0], globals[1]};
  EXPECT_EQ(LiveObjects(), before + 3);
  testing::internal::CaptureStderr();
  EXPECT_EQ(reml_finish(globals, 2, 42), 42);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  if (reml_exit_teardown_needed()) {
    EXPECT_EQ(globals[0], REML_VOID);
    EXPECT_EQ(globals[1], REML_VOID);
    EXPECT_EQ(LiveObjects(), before);
  } else {
    EXPECT_EQ(globals[0], held[0]);
    EXPECT_EQ(globals[1], held[1]);
    EXPECT_EQ(LiveObjects(), before + 3);
    reml_h_release(globals[0]);
    reml_h_release(globals[1]);
    EXPECT_EQ(LiveObjects(), before);
  }
  EXPECT_EQ(reml_finish(nullptr, 0, 5), 5);
}

TEST(RuntimeDebugOff, MillionNodeListIsFreedByOneRelease) {
  RegisterTypes();
  uint64_t before = LiveObjects();
  reml_instance_t* head = BuildList(1000000, nullptr);
  EXPECT_EQ(LiveObjects(), before + 1000000);
  dec_ref(head);
  EXPECT_EQ(LiveObjects(), before);
}

// The small-block cache hands freed blocks out again: objects of every size
// around the class boundaries, freed and reallocated in random order, must
// keep their contents, alignment and headers.
TEST(RuntimeAllocator, ReusedBlocksKeepObjectsApart) {
  uint64_t before = LiveObjects();
  std::mt19937 rng(12345);
  struct Block {
    unsigned char* p;
    size_t size;
    unsigned char fill;
  };
  std::vector<Block> live;
  auto check = [](const Block& b) {
    for (size_t i = 0; i < b.size; i++)
      if (b.p[i] != b.fill) return false;
    return REML_GET_HEADER(b.p)->refcount == 1u && REML_GET_HEADER(b.p)->type_tag == b.fill;
  };
  for (int round = 0; round < 20000; round++) {
    if (!live.empty() && rng() % 3 == 0) {
      size_t i = rng() % live.size();
      ASSERT_TRUE(check(live[i])) << "block of " << live[i].size << " bytes was overwritten";
      mem_free(live[i].p);
      live[i] = live.back();
      live.pop_back();
      continue;
    }
    size_t size = rng() % 300;
    unsigned char fill = static_cast<unsigned char>(rng() % 250 + 1);
    auto* p = static_cast<unsigned char*>(reml_alloc_object(size, fill));
    ASSERT_EQ(reinterpret_cast<uintptr_t>(p) % 8, 0u);
    std::memset(p, fill, size);
    live.push_back({p, size, fill});
  }
  for (const Block& b : live) {
    EXPECT_TRUE(check(b));
    mem_free(b.p);
  }
  EXPECT_EQ(LiveObjects(), before);
}

TEST(RuntimeAllocatorDeathTest, DoubleReleaseOfAFreedObject) {
  // Without debug mode a freed block keeps count 0, so a second release is
  // still caught by the cheap check (under ASan the block is poisoned and
  // ASan reports the access instead).
#ifndef __SANITIZE_ADDRESS__
  EXPECT_EXIT(
      {
        void* p = mem_alloc(8);
        dec_ref(p);
        dec_ref(p);
      },
      ::testing::ExitedWithCode(70), "internal runtime error: dec_ref of an object that is already dead");
#else
  EXPECT_DEATH(
      {
        void* p = mem_alloc(8);
        dec_ref(p);
        dec_ref(p);
      },
      "use-after-poison");
#endif
}

}  // namespace
