// VM FFI tests (docs/ffi.md): .hako programs compiled through the pipeline
// and run on the VM with the addresses of their extern functions taken from
// this file (C functions defined below) or the C library (dlsym). Checked:
// output, exit status, the conversions and their runtime errors, ownership
// through the leak report, pointer values and callbacks.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "diag/diag.h"
#include "driver/pipeline.h"
#include "mir/mir.h"
#include "reml_runtime.h"
#include "vm/vm.h"

namespace {

namespace driver = hako::driver;
namespace diag = hako::diag;
namespace mir = hako::mir;
namespace vm = hako::vm;

// --- C functions the test programs call -------------------------------------------

// The Handle a test function keeps between calls (Void when none).
hako_handle_t g_kept = 0;

extern "C" {

// Scalars of every width, to see sign and zero extension and rounding.
bool t_not(bool b) { return !b; }
int8_t t_neg_i8(int8_t x) { return static_cast<int8_t>(-x); }
int16_t t_neg_i16(int16_t x) { return static_cast<int16_t>(-x); }
uint8_t t_u8_max() { return UINT8_MAX; }
uint16_t t_u16_max() { return UINT16_MAX; }
uint32_t t_u32_max() { return UINT32_MAX; }
uint64_t t_u64_max() { return UINT64_MAX; }
uint64_t t_u64_id(uint64_t x) { return x; }
float t_half(float x) { return x / 2.0f; }
// The sum of every kind of argument, so a lost or misplaced one shows.
double t_mix(int8_t a, uint16_t b, int32_t c, float d, double e, bool f, int64_t g) {
  return a + b + c + d + e + (f ? 1000.0 : 0.0) + static_cast<double>(g);
}
// Nine integer arguments: more than the registers of the C convention.
int64_t t_sum9(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, int64_t h, int64_t i) {
  return a + b + c + d + e + f + g + h + i;
}

// Handles: C keeping, giving back and releasing Hako values.
void t_keep(hako_handle_t h) {  // @ownership("reference"): C takes its own reference
  hako_handle_retain(h);
  g_kept = h;
}
void t_take(hako_handle_t h) { g_kept = h; }  // @ownership("transferred"): C owns the reference given
void t_drop() {
  hako_handle_release(g_kept);
  g_kept = 0;
}
hako_handle_t t_kept() { return g_kept; }  // borrowed result: C keeps its reference
hako_handle_t t_give() {                   // @ownership("transferred") result: C gives its reference
  const hako_handle_t h = g_kept;
  g_kept = 0;
  return h;
}
hako_handle_t t_same(hako_handle_t h) { return h; }

// Pointers.
void* t_null() { return nullptr; }
void* t_addr(uintptr_t a) { return reinterpret_cast<void*>(a); }
uintptr_t t_bits(const void* p) { return reinterpret_cast<uintptr_t>(p); }

// CStr results: a static string (borrowed) and a malloc()ed one (transferred).
const char* t_static_text() { return "static text"; }
char* t_fresh_text() { return strdup("fresh text"); }

// Callbacks.
int64_t t_apply_i64(int64_t (*cb)(int64_t), int64_t x) { return cb(x); }
int8_t t_apply_i8(int8_t (*cb)(int64_t), int64_t x) { return cb(x); }
double t_apply_mix(double (*cb)(int8_t, uint16_t, float, bool), int8_t a, uint16_t b, float c, bool d) {
  return cb(a, b, c, d);
}
// Calls the callback with a C string, and again with a longer one.
size_t t_apply_str(size_t (*cb)(const char*), const char* s) {
  const size_t first = cb(s);
  return first * 100 + cb("longer text");
}
uint64_t t_apply_u64(uint64_t (*cb)(uint64_t), uint64_t x) { return cb(x); }
void* t_apply_ptr(void* (*cb)(void*), void* p) { return cb(p); }
bool t_apply_bool(bool (*cb)(bool), bool b) { return cb(b); }
void t_apply_void(void (*cb)(int32_t), int32_t x) { cb(x); }

// Structs by value, of every size and System V class up to 32 bytes, and
// one past the VM's inline call storage. Each function changes every field
// differently, so a swapped or lost field shows.
struct TS1 { uint8_t a; };                         // 1 byte: INTEGER
struct TS4 { int16_t a; int8_t b; };               // 4 bytes (one of padding): INTEGER
struct TF2 { float x, y; };                        // 8 bytes: SSE
struct TIF { int32_t i; float f; };                // 8 bytes, int and float: INTEGER
struct TF3 { float x, y, z; };                     // 12 bytes: SSE, SSE
struct TD2 { double x, y; };                       // 16 bytes: SSE, SSE
struct TLD { int64_t a; double b; };               // 16 bytes: INTEGER, SSE
struct TMix { uint8_t tag; double v; int32_t n; }; // 24 bytes: MEMORY
struct TBox { TD2 lo, hi; };                       // 32 bytes, nested: MEMORY
struct TQuad { TBox a, b, c, d; };                 // 128 bytes
struct TU64 { uint64_t u; bool ok; const int32_t* p; };  // 24 bytes: u64, bool and a pointer
static_assert(sizeof(TS4) == 4 && sizeof(TF3) == 12 && sizeof(TMix) == 24 && sizeof(TBox) == 32);

TS1 t_s1_twice(TS1 v) { return TS1{static_cast<uint8_t>(v.a * 2)}; }
TS4 t_s4_turn(TS4 v) { return TS4{static_cast<int16_t>(v.a * 2), static_cast<int8_t>(-v.b)}; }
TF2 t_f2_swap(TF2 v) { return TF2{v.y, v.x}; }
TIF t_if_step(TIF v) { return TIF{v.i * 3, v.f * 2}; }
TF3 t_f3_rotate(TF3 v) { return TF3{v.y, v.z, v.x}; }
TD2 t_d2_scale(TD2 v, double k) { return TD2{v.x * k, v.y * -k}; }
TLD t_ld_negate(TLD v) { return TLD{-v.a, -v.b}; }
TMix t_mix_step(TMix v) { return TMix{static_cast<uint8_t>(v.tag + 1), v.v * 2, v.n - 1}; }
TBox t_box_flip(TBox v) { return TBox{TD2{v.hi.y, v.hi.x}, TD2{v.lo.y, v.lo.x}}; }
TQuad t_quad_add(TQuad p, TQuad q) {
  auto add = [](TBox a, TBox b) {
    return TBox{TD2{a.lo.x + b.lo.x, a.lo.y + b.lo.y}, TD2{a.hi.x + b.hi.x, a.hi.y + b.hi.y}};
  };
  return TQuad{add(p.a, q.a), add(p.b, q.b), add(p.c, q.c), add(p.d, q.d)};
}
TU64 t_u64_step(TU64 v) { return TU64{v.u * 2 + 1, !v.ok, v.p == nullptr ? nullptr : v.p + 1}; }
int64_t t_u64_deref(TU64 v) { return v.p == nullptr ? -1 : *v.p; }
const int32_t g_ints[2] = {7, 42};
const int32_t* t_ints() { return g_ints; }
// Structs among scalars, past the integer and SSE registers: each argument
// weighted by a power of ten, so a misplaced one changes the digits.
double t_struct_mix(int8_t a, TD2 s, int32_t b, TS1 c, double d, TMix e, int64_t f, TF2 g, int64_t h, int64_t i,
                    TLD j, double k) {
  return a + 10 * (s.x + s.y) + 100.0 * b + 1000.0 * c.a + 1e4 * d + 1e5 * (e.tag + e.v + e.n) + 1e6 * f +
         1e7 * (g.x + g.y) + 1e8 * h + 1e9 * i + 1e10 * (j.a + j.b) + 1e11 * k;
}

// Callbacks with struct parameters and results.
double t_cb_d2(double (*cb)(TD2), TD2 v) { return cb(v); }
double t_cb_f2(double (*cb)(TF2, TS4), TF2 v, TS4 s) { return cb(v, s); }
TD2 t_cb_map(TD2 (*cb)(TD2, double), TD2 v) { return cb(v, 0.5); }
// The callback builds the struct; C reads every field.
double t_cb_make(TMix (*cb)(int64_t), int64_t n) {
  const TMix m = cb(n);
  return m.tag * 1000.0 + m.v + m.n * 1e6;
}
TBox t_cb_box(TBox (*cb)(TBox, TS4), TBox v, TS4 s) { return cb(v, s); }
TS4 t_cb_s4(TS4 (*cb)(int64_t), int64_t n) { return cb(n); }

}  // extern "C"

// The addresses of this file's functions by symbol.
const std::map<std::string, void*>& test_symbols() {
  static const std::map<std::string, void*> table = {
#define SYM(f) {#f, reinterpret_cast<void*>(&f)}
      SYM(t_not),       SYM(t_neg_i8),     SYM(t_neg_i16),     SYM(t_u8_max),         SYM(t_u16_max),
      SYM(t_u32_max),   SYM(t_u64_max),    SYM(t_u64_id),      SYM(t_half),           SYM(t_mix),
      SYM(t_sum9),      SYM(t_keep),       SYM(t_take),        SYM(t_drop),           SYM(t_kept),
      SYM(t_give),      SYM(t_same),       SYM(t_null),        SYM(t_addr),           SYM(t_bits),
      SYM(t_static_text), SYM(t_fresh_text), SYM(t_apply_i64), SYM(t_apply_i8),       SYM(t_apply_mix),
      SYM(t_apply_str), SYM(t_apply_u64),  SYM(t_apply_ptr),     SYM(t_apply_bool),
      SYM(t_apply_void),
      SYM(t_s1_twice),  SYM(t_s4_turn),    SYM(t_f2_swap),     SYM(t_if_step),        SYM(t_f3_rotate),
      SYM(t_d2_scale),  SYM(t_ld_negate),  SYM(t_mix_step),    SYM(t_box_flip),       SYM(t_quad_add),
      SYM(t_u64_step),  SYM(t_u64_deref),  SYM(t_ints),        SYM(t_struct_mix),     SYM(t_cb_d2),
      SYM(t_cb_f2),     SYM(t_cb_map),     SYM(t_cb_make),     SYM(t_cb_box),         SYM(t_cb_s4),
#undef SYM
  };
  return table;
}

// --- compiling and running ---------------------------------------------------------

// A compiled program and its extern addresses.
struct Program {
  driver::Compilation c;
  std::vector<void*> externs;
  const mir::Module& module() const { return *c.module; }
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Compiles `source` (written to a temporary prog.hako, or prog.mir for MIR
// text) and resolves each extern: this file's functions first, then the
// process's symbols.
Program compile(const std::string& source, bool mir_text = false) {
  char dir[] = "/tmp/vm_ffi_test_XXXXXX";
  EXPECT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + (mir_text ? "/prog.mir" : "/prog.hako");
  {
    std::ofstream out(path, std::ios::binary);
    out << source;
  }
  Program p;
  diag::DiagEngine diags;
  p.c = mir_text ? driver::load_mir(path, driver::PipelineOptions{}, diags)
                 : driver::compile_source(path, driver::PipelineOptions{}, diags);
  std::remove(path.c_str());
  rmdir(dir);
  EXPECT_TRUE(p.c.module) << diags.render(diag::Format::Text);
  if (!p.c.module) return p;
  for (const mir::ExternFn& x : p.c.module->externs) {
    auto it = test_symbols().find(x.symbol);
    void* addr = it != test_symbols().end() ? it->second : dlsym(RTLD_DEFAULT, x.symbol.c_str());
    EXPECT_NE(addr, nullptr) << "no symbol " << x.symbol;
    p.externs.push_back(addr);
  }
  return p;
}

struct Outcome {
  int status = -1;
  std::string out;
  std::string err;
};

// Runs the program in a child process with stdout and stderr captured (the
// leak report on, with `leak_check`); the status is the exit status, or
// 128 + signal when the child crashed.
Outcome run(const Program& p, bool leak_check = false) {
  Outcome o;
  if (!p.c.module) return o;
  char out_path[] = "/tmp/vm_ffi_out_XXXXXX";
  char err_path[] = "/tmp/vm_ffi_err_XXXXXX";
  const int out_fd = mkstemp(out_path);
  const int err_fd = mkstemp(err_path);
  EXPECT_GE(out_fd, 0);
  EXPECT_GE(err_fd, 0);
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    if (leak_check && !reml_debug_enable()) _exit(99);
    const int status = vm::run(p.module(), {}, p.externs);
    reml_flush_stdout();
    std::fflush(stdout);  // what C's printf wrote
    _exit(status);
  }
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  o.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  o.out = slurp(out_path);
  o.err = slurp(err_path);
  close(out_fd);
  close(err_fd);
  unlink(out_path);
  unlink(err_path);
  return o;
}

// A program whose Main.main is `body`, after the extern declarations `decls`.
std::string program(const std::string& decls, const std::string& body, const std::string& boxes = "") {
  return decls + "\n" + boxes + "\nstatic box Main {\n    main() {\n" + body + "\n        return 0\n    }\n}\n";
}

// Runs `p` expecting a runtime error whose message matches `message` (a
// regular expression), at exit status 1.
void expect_runtime_error(const Program& p, const std::string& message) {
  ASSERT_TRUE(p.c.module);
  EXPECT_EXIT(vm::run(p.module(), {}, p.externs), ::testing::ExitedWithCode(1), "runtime error: " + message);
}

// --- calls into the C library -------------------------------------------------------

TEST(VmFfi, StrlenOfAString) {
  Program p = compile(program(R"hako(extern "C" { fn strlen(s: CStr) -> usize })hako",
                              R"hako(        unsafe { print(strlen("hello")) }
        unsafe { print(strlen("")) })hako"));
  Outcome o = run(p);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "5\n0\n");
}

TEST(VmFfi, AbsAndLabsSignExtend) {
  Program p = compile(program(R"hako(extern "C" {
    fn abs(x: i32) -> i32
    fn labs(x: i64) -> i64
})hako",
                              R"hako(        unsafe {
            print(abs(-7))
            print(abs(2147483647))
            print(labs(-9000000000))
            print(abs(7) + labs(-3))
        })hako"));
  Outcome o = run(p);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "7\n2147483647\n9000000000\n10\n");
}

TEST(VmFfi, PrintfVarargsUseTheDefaultPromotions) {
  Program p = compile(program(R"hako(extern "C" { fn printf(fmt: CStr, ...) -> i32 })hako",
                              R"hako(        unsafe {
            local n = printf("%s|%ld|%.3f|%d|%ld\n", "text", -9000000000, 2.5, true, 7)
            printf("%d chars\n", n)
        })hako"));
  Outcome o = run(p);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "text|-9000000000|2.500|1|7\n27 chars\n");
}

// snprintf into malloc()ed memory, read back through strdup declared with a
// transferred CStr result (copied, then freed by Hako).
TEST(VmFfi, SnprintfIntoMallocMemory) {
  Program p = compile(program(R"hako(extern "C" {
    fn malloc(n: usize) -> MutPtr<u8>
    fn free(p: MutPtr<u8>)
    fn snprintf(buf: MutPtr<u8>, n: usize, fmt: CStr, ...) -> i32
    @ownership("transferred") @link_name("strdup") fn copy_out(p: Ptr<u8>) -> CStr
})hako",
                              R"hako(        unsafe {
            local buf = malloc(64)
            print(buf == null)
            local n = snprintf(buf, 64, "%s-%ld-%.1f", "abc", 42, 0.5)
            local s = copy_out(buf)
            free(buf)
            print(n)
            print(s)
            print(s.length())
        })hako"));
  Outcome o = run(p, true);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "false\n10\nabc-42-0.5\n10\n");
  EXPECT_EQ(o.err, "leak-check: 0 objects live at exit\n");
}

TEST(VmFfi, GetenvGivesAStringOrNull) {
  setenv("HAKO_VM_FFI_TEST_VAR", "value 42", 1);
  unsetenv("HAKO_VM_FFI_TEST_UNSET");
  Program p = compile(program(R"hako(extern "C" { fn getenv(name: CStr) -> CStr })hako",
                              R"hako(        unsafe {
            print(getenv("HAKO_VM_FFI_TEST_VAR"))
            local missing = getenv("HAKO_VM_FFI_TEST_UNSET")
            print(missing == null)
            print(getenv("HAKO_VM_FFI_TEST_VAR") + "!")
        })hako"));
  Outcome o = run(p, true);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "value 42\ntrue\nvalue 42!\n");
  EXPECT_EQ(o.err, "leak-check: 0 objects live at exit\n");
}

// qsort sorts the bytes of a C string with a Hako comparator, which itself
// calls C (memcmp): a callback re-enters the VM and calls out again.
TEST(VmFfi, QsortWithAHakoComparator) {
  Program p = compile(program(R"hako(extern "C" {
    @link_name("strdup") fn c_copy(s: CStr) -> MutPtr<u8>
    fn free(p: MutPtr<u8>)
    fn memcmp(a: Ptr<void>, b: Ptr<void>, n: usize) -> i32
    fn qsort(base: MutPtr<void>, n: usize, size: usize, cmp: FnPtr<(Ptr<void>, Ptr<void>) -> i32>)
    @ownership("transferred") @link_name("strdup") fn copy_out(p: Ptr<u8>) -> CStr
})hako",
                              R"hako(        unsafe {
            local buf = c_copy("hakovm")
            qsort(buf, 6, 1, Sorter.up)
            print(copy_out(buf))
            qsort(buf, 6, 1, Sorter.down)
            print(copy_out(buf))
            free(buf)
        }
        print(Sorter.calls > 0))hako",
                              R"hako(static box Sorter {
    calls
    up(a, b) {
        if Sorter.calls == null { Sorter.calls = 0 }
        Sorter.calls = Sorter.calls + 1
        unsafe { return memcmp(a, b, 1) }
    }
    down(a, b) {
        unsafe { return 0 - memcmp(a, b, 1) }
    }
})hako"));
  Outcome o = run(p, true);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "ahkmov\nvomkha\ntrue\n");
  EXPECT_EQ(o.err, "leak-check: 0 objects live at exit\n");
}

// --- conversions --------------------------------------------------------------------

TEST(VmFfi, IntegerResultsAreSignOrZeroExtended) {
  Program p = compile(program(R"hako(extern "C" {
    fn t_neg_i8(x: i8) -> i8
    fn t_neg_i16(x: i16) -> i16
    fn t_u8_max() -> u8
    fn t_u16_max() -> u16
    fn t_u32_max() -> u32
    fn t_u64_id(x: u64) -> u64
    @link_name("t_u64_max") fn t_u64_bits() -> i64
})hako",
                              R"hako(        unsafe {
            print(t_neg_i8(5))
            print(t_neg_i8(-128))
            print(t_neg_i16(-300))
            print(t_u8_max())
            print(t_u16_max())
            print(t_u32_max())
            print(t_u64_id(9223372036854775807))
            print(t_u64_bits())
        })hako"));
  Outcome o = run(p);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "-5\n-128\n300\n255\n65535\n4294967295\n9223372036854775807\n-1\n");
}

TEST(VmFfi, FloatsBoolsAndManyArguments) {
  Program p = compile(program(R"hako(extern "C" {
    fn t_not(b: bool) -> bool
    fn t_half(x: f32) -> f32
    fn t_mix(a: i8, b: u16, c: i32, d: f32, e: f64, f: bool, g: i64) -> f64
    fn t_sum9(a: i64, b: i64, c: i64, d: i64, e: i64, f: i64, g: i64, h: i64, i: i64) -> i64
})hako",
                              R"hako(        unsafe {
            print(t_not(true))
            print(t_not(false))
            print(t_half(3.0))
            print(t_half(0.1) == 0.05)
            print(t_mix(-1, 65535, -100000, 0.5, 0.25, true, 10000000000))
            print(t_sum9(1, 2, 3, 4, 5, 6, 7, 8, 9))
        })hako"));
  Outcome o = run(p);
  EXPECT_EQ(o.status, 0) << o.err;
  // 0.1 rounded to f32 and halved is not the double 0.05.
  EXPECT_EQ(o.out, "false\ntrue\n1.5\nfalse\n9999966534.75\n45\n");
}

TEST(VmFfi, CStrResultsBorrowedAndTransferred) {
  Program p = compile(program(R"hako(extern "C" {
    fn t_static_text() -> CStr
    @ownership("transferred") fn t_fresh_text() -> CStr
})hako",
                              R"hako(        unsafe {
            print(t_static_text())
            print(t_fresh_text())
            t_fresh_text()
        })hako"));
  Outcome o = run(p, true);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "static text\nfresh text\n");
  EXPECT_EQ(o.err, "leak-check: 0 objects live at exit\n");
}

TEST(VmFfiDeathTest, ArgumentOutOfRangeNamesTheParameter) {
  Program p = compile(program(R"hako(extern "C" { fn putchar(c: i8) -> i32 })hako",
                              R"hako(        local c = 300
        unsafe { putchar(c) })hako"));
  expect_runtime_error(p, "FFI argument 'c' of 'putchar' must fit i8, got 300");
  // The location is the call's.
  EXPECT_EXIT(vm::run(p.module(), {}, p.externs), ::testing::ExitedWithCode(1),
              "prog\\.hako:6:18: runtime error");
}

TEST(VmFfiDeathTest, UnsignedArgumentRejectsNegatives) {
  Program p = compile(program(R"hako(extern "C" { fn malloc(n: usize) -> MutPtr<u8> })hako",
                              R"hako(        unsafe { malloc(0 - 1) })hako"));
  expect_runtime_error(p, "FFI argument 'n' of 'malloc' must fit usize, got -1");
}

TEST(VmFfiDeathTest, VariadicArgumentsAreNamedByPosition) {
  Program p = compile(program(R"hako(extern "C" { fn printf(fmt: CStr, ...) -> i32 })hako",
                              R"hako(        unsafe { printf("%s %s\n", "ok", "a\0b") })hako"));
  expect_runtime_error(p, "FFI argument '#3' of 'printf' contains a NUL byte at index 1");
}

TEST(VmFfiDeathTest, CStrArgumentWithANulByte) {
  Program p = compile(program(R"hako(extern "C" { fn strlen(s: CStr) -> usize })hako",
                              R"hako(        unsafe { print(strlen("ab\0c")) })hako"));
  expect_runtime_error(p, "FFI argument 's' of 'strlen' contains a NUL byte at index 2");
}

TEST(VmFfiDeathTest, U64ResultAboveIntMax) {
  Program p = compile(program(R"hako(extern "C" { fn t_u64_max() -> u64 })hako",
                              R"hako(        unsafe { print(t_u64_max()) })hako"));
  expect_runtime_error(p, "FFI result of 't_u64_max' does not fit Int: 18446744073709551615");
}

TEST(VmFfiDeathTest, NonNullPointerArgumentAndResult) {
  // A literal null is a compile-time error; a null Ptr<void> is checked at run time.
  Program arg = compile(program(R"hako(extern "C" {
    @link_name("free") fn free_nn(p: NonNullPtr<void>)
    fn t_null() -> Ptr<void>
})hako",
                                R"hako(        unsafe { free_nn(t_null()) })hako"));
  expect_runtime_error(arg, "FFI argument 'p' of 'free_nn' must not be null");
  Program result = compile(program(R"hako(extern "C" { @link_name("t_null") fn t_null_nn() -> NonNullPtr<u8> })hako",
                                   R"hako(        unsafe { t_null_nn() })hako"));
  expect_runtime_error(result, "FFI result of 't_null_nn' must not be null");
}

// --- pointer values ---------------------------------------------------------------

TEST(VmFfi, PointerValuesPrintCompareAndTravelThroughHandles) {
  Program p = compile(program(R"hako(extern "C" {
    fn t_null() -> Ptr<u8>
    fn t_addr(a: usize) -> MutPtr<u8>
    fn t_bits(p: Ptr<u8>) -> usize
})hako",
                              R"hako(        unsafe {
            local z = t_null()
            local a = t_addr(48879)
            print("" + z)
            print("" + a)
            print(a.toString())
            print(z == null)
            print(a == null)
            print(a == t_addr(48879))
            local arr = new ArrayBox()
            arr.push(a)
            print(arr.get(0))
            print(t_bits(arr.get(0)))
            print(t_bits(null))
        })hako"));
  Outcome o = run(p, true);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "Ptr(0x0)\nPtr(0xbeef)\nPtr(0xbeef)\ntrue\nfalse\ntrue\nPtr(0xbeef)\n48879\n0\n");
  EXPECT_EQ(o.err, "leak-check: 0 objects live at exit\n");
}

TEST(VmFfiDeathTest, PointerOfAnotherTypeThroughAHandle) {
  Program p = compile(program(R"hako(extern "C" {
    fn t_addr(a: usize) -> MutPtr<u8>
    fn t_bits(p: Ptr<i32>) -> usize
})hako",
                              R"hako(        local arr = new ArrayBox()
        unsafe { arr.push(t_addr(16)) }
        unsafe { print(t_bits(arr.get(0))) })hako"));
  expect_runtime_error(p, "Type error: expected Ptr<i32>, got MutPtr<u8>");
}

// Pointers returned by methods called dynamically are boxed on return;
// functions take and return them unboxed.
TEST(VmFfi, PointersThroughFunctionsAndMethods) {
  Program p = compile(R"hako(extern "C" {
    fn t_addr(a: usize) -> MutPtr<u8>
    fn t_bits(p: Ptr<u8>) -> usize
}
box Holder {
    id(x) { return x }
    mk() { unsafe { return t_addr(7) } }
}
static box Main {
    pass(q) { return q }
    main() {
        unsafe {
            local a = t_addr(48879)
            local h = new Holder()
            local hs = [h]
            local d = hs.get(0)
            print(d.id(a))
            print(d.mk())
            print(t_bits(Main.pass(a)))
            print(t_bits(h.mk()))
        }
        return 0
    }
}
)hako");
  Outcome o = run(p, true);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "Ptr(0xbeef)\nPtr(0x7)\n48879\n7\n");
  EXPECT_EQ(o.err, "leak-check: 0 objects live at exit\n");
}

// MIR text (counts made explicit by the pipeline): a boxed pointer passed
// through call_method to a method's pointer parameter (unboxed with its type
// check) and to a built-in method; a CStr result nobody takes.
TEST(VmFfi, PointersThroughCallMethodInMirText) {
  Program p = compile(R"mir(; hakoc MIR
source "prog.hako"
box Holder {
  method id/1 = @Holder.id/1
}
box Main {
}
extern $t_addr "t_addr" (a: usize) -> MutPtr<u8>
extern $t_bits "t_bits" (p: Ptr<u8>) -> usize
extern $t_fresh_text "t_fresh_text" () -> CStr transferred
entry @Main.main/0

fn @Holder.id/1(%0: Box(Holder), %1: Ptr<u8>) -> Ptr<u8> method Holder {
bb0:
  ret %1
}

fn @Main.main/0() -> Int {
bb0:
  %0: Int = const_i 48879
  %1: MutPtr<u8> = call_c $t_addr(%0) @5:3
  %2: Box(Holder) = new_box Holder @6:3
  %3: Handle = box %2
  %9: Handle = box %1
  %4: Handle = call_method "id", %3(%9) @7:3
  call_rt reml_print_h(%4) @7:3
  %5: Box(ArrayBox) = new_array
  %6: Handle = box %5
  %7: Handle = call_method "push", %6(%9) @8:3
  call_rt reml_print_h(%6) @8:3
  call_c $t_fresh_text() @9:3
  %8: Int = const_i 0
  ret %8
}
)mir",
                      true);
  Outcome o = run(p, true);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "Ptr(0xbeef)\n[Ptr(0xbeef)]\n");
  EXPECT_EQ(o.err, "leak-check: 0 objects live at exit\n");
}

// --- Handles and ownership ------------------------------------------------------------

TEST(VmFfi, HandleKeptByReferenceAndReleasedByC) {
  Program p = compile(program(R"hako(extern "C" {
    fn t_keep(@ownership("reference") h: Handle)
    fn t_kept() -> Handle
    fn t_drop()
})hako",
                              R"hako(        local a = new ArrayBox()
        a.push("x")
        unsafe { t_keep(a) }
        a = null
        unsafe {
            local back = t_kept()
            back.push("y")
            print(back)
            t_drop()
        })hako"));
  Outcome o = run(p, true);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "[x, y]\n");
  EXPECT_EQ(o.err, "leak-check: 0 objects live at exit\n");
}

TEST(VmFfi, TransferredHandleArgumentAndResult) {
  Program p = compile(program(R"hako(extern "C" {
    fn t_take(@ownership("transferred") h: Handle)
    @ownership("transferred") fn t_give() -> Handle
})hako",
                              R"hako(        local m = new MapBox()
        m.set("k", 1)
        unsafe { t_take(m) }
        m = null
        unsafe {
            local back = t_give()
            print(back.get("k"))
        })hako"));
  Outcome o = run(p, true);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "1\n");
  EXPECT_EQ(o.err, "leak-check: 0 objects live at exit\n");
}

// A transferred Handle C never releases is C's leak, and the report says so.
TEST(VmFfi, TransferredHandleNotReleasedIsReported) {
  Program p = compile(program(R"hako(extern "C" { fn t_take(@ownership("transferred") h: Handle) })hako",
                              R"hako(        local a = new ArrayBox()
        unsafe { t_take(a) })hako"));
  Outcome o = run(p, true);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.err, "leak-check: live: 1 ArrayBox\nleak-check: 1 objects live at exit\n");
}

TEST(VmFfi, BorrowedHandleRoundTrip) {
  Program p = compile(program(R"hako(extern "C" { fn t_same(h: Handle) -> Handle })hako",
                              R"hako(        unsafe {
            print(t_same(41) + 1)
            print(t_same("s") + "t")
            print(t_same(2.5))
            print(t_same(null))
            local a = [1, 2]
            print(t_same(a))
        })hako"));
  Outcome o = run(p, true);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "42\nst\n2.5\nnull\n[1, 2]\n");
  EXPECT_EQ(o.err, "leak-check: 0 objects live at exit\n");
}

// --- callbacks ---------------------------------------------------------------------

TEST(VmFfi, CallbacksConvertArgumentsAndResults) {
  Program p = compile(program(R"hako(extern "C" {
    fn t_apply_i64(cb: FnPtr<(i64) -> i64>, x: i64) -> i64
    fn t_apply_mix(cb: FnPtr<(i8, u16, f32, bool) -> f64>, a: i8, b: u16, c: f32, d: bool) -> f64
    fn t_apply_str(cb: FnPtr<(CStr) -> usize>, s: CStr) -> usize
    fn t_apply_bool(cb: FnPtr<(bool) -> bool>, b: bool) -> bool
    fn t_apply_ptr(cb: FnPtr<(Ptr<u8>) -> Ptr<u8>>, p: Ptr<u8>) -> Ptr<u8>
    fn t_apply_void(cb: FnPtr<(i32) -> void>, x: i32)
})hako",
                              R"hako(        unsafe {
            print(t_apply_i64(Cb.twice, 21))
            print(t_apply_mix(Cb.mix, -2, 65535, 0.5, true))
            print(t_apply_str(Cb.exclaim, "abc"))
            print(t_apply_bool(Cb.negate, true))
            print("" + t_apply_ptr(Cb.same, null))
            t_apply_void(Cb.show, 7)
        })hako",
                              R"hako(static box Cb {
    twice(x) { return x * 2 }
    mix(a, b, c, d) {
        print(a)
        print(b)
        print(c)
        print(d)
        return a + b + c
    }
    exclaim(s) { return (s + "!").length() }
    negate(b) { return !b }
    same(p) {
        print(p == null)
        return p
    }
    show(x) { print("shown " + x) }
})hako"));
  Outcome o = run(p, true);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out,
            "42\n-2\n65535\n0.5\ntrue\n65533.5\n412\nfalse\ntrue\nPtr(0x0)\nshown 7\n");
  EXPECT_EQ(o.err, "leak-check: 0 objects live at exit\n");
}

// A callback whose parameter and result are Handles (it is also called with
// a String): C's arguments are boxed for it, its result unboxed.
TEST(VmFfi, CallbackTakingAndGivingHandles) {
  Program p = compile(program(R"hako(extern "C" {
    fn t_apply_i64(cb: FnPtr<(i64) -> i64>, x: i64) -> i64
    fn t_apply_mix(cb: FnPtr<(i8, u16, f32, bool) -> f64>, a: i8, b: u16, c: f32, d: bool) -> f64
})hako",
                              R"hako(        print(Cb.pick("direct"))
        print(Cb.sum("a", "b", "c", "d"))
        unsafe {
            print(t_apply_i64(Cb.pick, 9000000000))
            print(t_apply_mix(Cb.sum, 1, 2, 0.25, false))
        })hako",
                              R"hako(static box Cb {
    pick(x) { return x }
    sum(a, b, c, d) {
        if d == false { return a + b + c }
        return a + b + c + d
    }
})hako"));
  Outcome o = run(p, true);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "direct\nabcd\n9000000000\n3.25\n");
  EXPECT_EQ(o.err, "leak-check: 0 objects live at exit\n");
}

// A callback that calls C that calls it again: frames nest on the VM's
// register stack and each level returns to the right one.
TEST(VmFfi, CallbacksReenterTheVm) {
  Program p = compile(program(R"hako(extern "C" { fn t_apply_i64(cb: FnPtr<(i64) -> i64>, x: i64) -> i64 })hako",
                              R"hako(        unsafe { print(t_apply_i64(Math.fact, 20)) })hako",
                              R"hako(static box Math {
    fact(n) {
        if n <= 1 { return 1 }
        unsafe { return n * t_apply_i64(Math.fact, n - 1) }
    }
})hako"));
  Outcome o = run(p, true);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "2432902008176640000\n");
  EXPECT_EQ(o.err, "leak-check: 0 objects live at exit\n");
}

// Handle parameters and results of callbacks: boxed arguments, a Handle the
// callback gives back to C, which keeps it with its own reference.
TEST(VmFfiDeathTest, CallbackResultOutOfRangeNamesTheCallback) {
  Program p = compile(program(R"hako(extern "C" { fn t_apply_i8(cb: FnPtr<(i64) -> i8>, x: i64) -> i8 })hako",
                              R"hako(        unsafe { print(t_apply_i8(Cb.big, 300)) })hako",
                              R"hako(static box Cb {
    big(x) { return x }
})hako"));
  expect_runtime_error(p, "FFI argument 'result' of 'Cb.big' must fit i8, got 300");
}

TEST(VmFfiDeathTest, CallbackResultNegativeForU64) {
  Program p = compile(program(R"hako(extern "C" {
    fn t_apply_u64(cb: FnPtr<(u64) -> u64>, x: u64) -> u64
})hako",
                              R"hako(        unsafe { print(t_apply_u64(Cb.inc, 9223372036854775807)) })hako",
                              R"hako(static box Cb {
    inc(x) { return x + 1 }
})hako"));
  expect_runtime_error(p, "FFI argument 'result' of 'Cb.inc' must fit u64, got -9223372036854775808");
}

// Endless recursion through C: the nested runs' C stack is bounded.
TEST(VmFfiDeathTest, EndlessCallbackRecursionIsAStackOverflow) {
  Program p = compile(program(R"hako(extern "C" { fn t_apply_i64(cb: FnPtr<(i64) -> i64>, x: i64) -> i64 })hako",
                              R"hako(        unsafe { print(t_apply_i64(Loop.down, 0)) })hako",
                              R"hako(static box Loop {
    down(n) {
        unsafe { return t_apply_i64(Loop.down, n + 1) }
    }
})hako"));
  expect_runtime_error(p, "Stack overflow");
}

// A runtime error inside a callback ends the program as anywhere else, at
// the callback's own line.
TEST(VmFfiDeathTest, RuntimeErrorInsideACallback) {
  Program p = compile(program(R"hako(extern "C" { fn t_apply_i64(cb: FnPtr<(i64) -> i64>, x: i64) -> i64 })hako",
                              R"hako(        unsafe { print(t_apply_i64(Cb.inverse, 0)) })hako",
                              R"hako(static box Cb {
    inverse(x) { return 100 / x }
})hako"));
  ASSERT_TRUE(p.c.module);
  EXPECT_EXIT(vm::run(p.module(), {}, p.externs), ::testing::ExitedWithCode(1),
              "prog\\.hako:3:29: runtime error: Division by zero");
}

// --- structs by value -----------------------------------------------------------------

// The extern struct declarations of the struct tests (the C types above).
const char* const kStructDecls = R"hako(extern struct TS1 { a: u8 }
extern struct TS4 { a: i16, b: i8 }
extern struct TF2 { x: f32, y: f32 }
extern struct TIF { i: i32, f: f32 }
extern struct TF3 { x: f32, y: f32, z: f32 }
extern struct TD2 { x: f64, y: f64 }
extern struct TLD { a: i64, b: f64 }
extern struct TMix { tag: u8, v: f64, n: i32 }
extern struct TBox { lo: TD2, hi: TD2 }
extern struct TQuad { a: TBox, b: TBox, c: TBox, d: TBox }
extern struct TU64 { u: u64, ok: bool, p: Ptr<i32> }
)hako";

// Every size and class from 1 to 32 bytes, passed and returned: the fields
// C received are the ones Hako set, and the new instances hold C's.
TEST(VmFfi, StructsOfEverySizeBothWays) {
  Program p = compile(program(std::string(kStructDecls) + R"hako(extern "C" {
    fn t_s1_twice(v: TS1) -> TS1
    fn t_s4_turn(v: TS4) -> TS4
    fn t_f2_swap(v: TF2) -> TF2
    fn t_if_step(v: TIF) -> TIF
    fn t_f3_rotate(v: TF3) -> TF3
    fn t_d2_scale(v: TD2, k: f64) -> TD2
    fn t_ld_negate(v: TLD) -> TLD
    fn t_mix_step(v: TMix) -> TMix
    fn t_box_flip(v: TBox) -> TBox
})hako",
                              R"hako(        unsafe {
            local s1 = t_s1_twice(new TS1(100))
            print(s1.a)
            local s4 = t_s4_turn(new TS4(-16000, 127))
            print(s4.a + " " + s4.b)
            local f2 = t_f2_swap(new TF2(0.5, -2.25))
            print(f2.x + " " + f2.y)
            local fi = t_if_step(new TIF(-7, 1.5))
            print(fi.i + " " + fi.f)
            local f3 = t_f3_rotate(new TF3(1.5, 2.5, 3.5))
            print(f3.x + " " + f3.y + " " + f3.z)
            local d2 = t_d2_scale(new TD2(1.25, -3), 4.0)
            print(d2.x + " " + d2.y)
            local ld = t_ld_negate(new TLD(9000000000, 0.125))
            print(ld.a + " " + ld.b)
            local m = t_mix_step(new TMix(254, 1.75, -2147483647))
            print(m.tag + " " + m.v + " " + m.n)
            local b = t_box_flip(new TBox(new TD2(1, 2), new TD2(3, 4)))
            print(b.lo.x + " " + b.lo.y + " " + b.hi.x + " " + b.hi.y)
            local z = t_box_flip(new TBox())
            print(z.lo.x + z.hi.y)
            t_s1_twice(new TS1(1))
        })hako"));
  Outcome o = run(p, true);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out,
            "200\n-32000 -127\n-2.25 0.5\n-21 3\n2.5 3.5 1.5\n5 12\n-9000000000 -0.125\n255 3.5 -2147483648\n"
            "4 3 2 1\n0\n");
  EXPECT_EQ(o.err, "leak-check: 0 objects live at exit\n");
}

// Structs among scalar arguments past the registers of the C convention
// (ten integer-class and nine SSE-class eightbytes, one struct in memory).
TEST(VmFfi, StructsAmongManyScalarArguments) {
  Program p = compile(program(std::string(kStructDecls) + R"hako(extern "C" {
    fn t_struct_mix(a: i8, s: TD2, b: i32, c: TS1, d: f64, e: TMix, f: i64, g: TF2, h: i64, i: i64, j: TLD,
                    k: f64) -> f64
})hako",
                              R"hako(        unsafe {
            print(t_struct_mix(1, new TD2(0.25, 0.5), 3, new TS1(4), 5, new TMix(1, 2, 3), 7, new TF2(0.5, 0.25),
                               8, 9, new TLD(1, 0.5), 2))
        })hako"));
  Outcome o = run(p, true);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "224815154308.5\n");
  EXPECT_EQ(o.err, "leak-check: 0 objects live at exit\n");
}

// Two 128-byte arguments and a 128-byte result: more struct storage than a
// call keeps on the stack. And u64, bool and pointer fields.
TEST(VmFfi, LargeStructsAndPointerFields) {
  Program p = compile(program(std::string(kStructDecls) + R"hako(extern "C" {
    fn t_quad_add(p: TQuad, q: TQuad) -> TQuad
    fn t_u64_step(v: TU64) -> TU64
    fn t_u64_deref(v: TU64) -> i64
    fn t_ints() -> Ptr<i32>
})hako",
                              R"hako(        local p = new TQuad(Make.mk(1), Make.mk(5), Make.mk(9), Make.mk(13))
        local q = new TQuad(Make.mk(100), Make.mk(200), Make.mk(300), Make.mk(400))
        unsafe {
            local r = t_quad_add(p, q)
            print(Make.show(r.a) + " " + Make.show(r.b) + " " + Make.show(r.c) + " " + Make.show(r.d))
            local w = t_u64_step(new TU64(5, true, t_ints()))
            print(w.u + " " + w.ok + " " + t_u64_deref(w))
            local n = t_u64_step(new TU64())
            print(n.u + " " + n.ok + " " + (n.p == null) + " " + t_u64_deref(n))
        })hako",
                              R"hako(static box Make {
    mk(k) { return new TBox(new TD2(k, k + 1), new TD2(k + 2, k + 3)) }
    show(b) { return b.lo.x + "," + b.lo.y + "," + b.hi.x + "," + b.hi.y }
})hako"));
  Outcome o = run(p, true);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "101,103,105,107 205,207,209,211 309,311,313,315 413,415,417,419\n11 false 42\n1 true true -1\n");
  EXPECT_EQ(o.err, "leak-check: 0 objects live at exit\n");
}

// Callbacks taking structs (in registers and in memory) and returning them;
// Cb.first takes and returns Handles (it is also called with a String).
TEST(VmFfi, CallbacksTakingAndReturningStructs) {
  Program p = compile(program(std::string(kStructDecls) + R"hako(extern "C" {
    fn t_cb_d2(cb: FnPtr<(TD2) -> f64>, v: TD2) -> f64
    fn t_cb_f2(cb: FnPtr<(TF2, TS4) -> f64>, v: TF2, s: TS4) -> f64
    fn t_cb_map(cb: FnPtr<(TD2, f64) -> TD2>, v: TD2) -> TD2
    fn t_cb_make(cb: FnPtr<(i64) -> TMix>, n: i64) -> f64
    fn t_cb_box(cb: FnPtr<(TBox, TS4) -> TBox>, v: TBox, s: TS4) -> TBox
})hako",
                              R"hako(        print(Cb.first("direct", 0))
        unsafe {
            print(t_cb_d2(Cb.diff, new TD2(5.5, 2)))
            print(t_cb_f2(Cb.weigh, new TF2(0.5, 2), new TS4(10, -3)))
            local t = t_cb_map(Cb.towards, new TD2(8, 1))
            print(t.x + " " + t.y)
            local f = t_cb_map(Cb.first, new TD2(8, 1))
            print(f.x + " " + f.y)
            print(t_cb_make(Cb.make, 10))
            local b = t_cb_box(Cb.nest, new TBox(new TD2(1, 2), new TD2(3, 4)), new TS4(5, 6))
            print(b.lo.x + " " + b.lo.y + " " + b.hi.x + " " + b.hi.y)
        })hako",
                              R"hako(static box Cb {
    diff(v) { return v.x - v.y }
    weigh(v, s) { return v.x * s.a + v.y * s.b }
    towards(v, k) { return new TD2(v.x * k, v.y + k) }
    first(v, k) { return v }
    make(n) { return new TMix(n, n * 0.25, 0 - n) }
    nest(v, s) { return new TBox(v.hi, new TD2(s.a, s.b)) }
})hako"));
  Outcome o = run(p, true);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "direct\n3.5\n-1\n4 1.5\n8 1\n-9989997.5\n3 4 5 6\n");
  EXPECT_EQ(o.err, "leak-check: 0 objects live at exit\n");
}

// MIR text (counts made explicit by the pipeline): a call_c whose struct
// result has no value releases the new instance.
TEST(VmFfi, StructResultWithoutAValueInMirText) {
  Program p = compile(R"mir(; hakoc MIR
source "prog.hako"
box Main {
}
box TS1 {
  field a
}
cstruct TS1 { a: u8 }
extern $t_s1_twice "t_s1_twice" (v: TS1) -> TS1
entry @Main.main/0

fn @Main.main/0() -> Int {
bb0:
  %0: Int = const_i 21
  %1: Handle = box %0
  %2: Box(TS1) = new_box TS1 @4:3
  set_field %2, TS1.a, %1 @4:3
  call_c $t_s1_twice(%2) @5:3
  %3: Box(TS1) = call_c $t_s1_twice(%2) @6:3
  %4: Handle = get_field %3, TS1.a @7:3
  call_rt reml_print_h(%4) @7:3
  %5: Int = const_i 0
  ret %5
}
)mir",
                      true);
  Outcome o = run(p, true);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "42\n");
  EXPECT_EQ(o.err, "leak-check: 0 objects live at exit\n");
}

TEST(VmFfiDeathTest, StructFieldOutOfRangeNamesTheField) {
  Program p = compile(program(std::string(kStructDecls) + R"hako(extern "C" { fn t_s4_turn(v: TS4) -> TS4 })hako",
                              R"hako(        local s = new TS4(1, 2)
        s.b = 200
        unsafe { t_s4_turn(s) })hako"));
  expect_runtime_error(p, "FFI argument 'v.b' of 't_s4_turn' must fit i8, got 200");
  // The location is the call's.
  EXPECT_EXIT(vm::run(p.module(), {}, p.externs), ::testing::ExitedWithCode(1),
              "prog\\.hako:18:18: runtime error");
}

// A nested struct's field is named by its path.
TEST(VmFfiDeathTest, NestedStructFieldOutOfRangeNamesThePath) {
  Program p = compile(program(std::string(kStructDecls) + R"hako(extern struct TWrap { inner: TS4 }
extern "C" { @link_name("t_s4_turn") fn wrap_turn(w: TWrap) -> TWrap })hako",
                              R"hako(        unsafe { print(wrap_turn(new TWrap(new TS4(40000, 0))).inner.a) })hako"));
  expect_runtime_error(p, "FFI argument 'w.inner.a' of 'wrap_turn' must fit i16, got 40000");
}

TEST(VmFfiDeathTest, CallbackStructResultOutOfRangeNamesTheCallback) {
  Program p = compile(program(std::string(kStructDecls) + R"hako(extern "C" {
    fn t_cb_s4(cb: FnPtr<(i64) -> TS4>, n: i64) -> TS4
})hako",
                              R"hako(        unsafe { print(t_cb_s4(Cb.big, 300).a) })hako",
                              R"hako(static box Cb {
    big(n) { return new TS4(n, n) }
})hako"));
  expect_runtime_error(p, "FFI argument 'result.b' of 'Cb.big' must fit i8, got 300");
}

TEST(VmFfiDeathTest, CallbackStructResultOfAnotherType) {
  Program p = compile(program(std::string(kStructDecls) + R"hako(extern "C" {
    fn t_cb_map(cb: FnPtr<(TD2, f64) -> TD2>, v: TD2) -> TD2
})hako",
                              R"hako(        print(Cb.other(1, 2))
        unsafe { print(t_cb_map(Cb.other, new TD2(1, 2)).x) })hako",
                              R"hako(static box Cb {
    other(v, k) { return k }
})hako"));
  expect_runtime_error(p, "Type error: expected TD2, got Float");
}

TEST(VmFfiDeathTest, U64StructFieldResultAboveIntMax) {
  Program p = compile(program(std::string(kStructDecls) + R"hako(extern "C" { fn t_u64_step(v: TU64) -> TU64 })hako",
                              R"hako(        unsafe { print(t_u64_step(new TU64(4611686018427387904, true, null)).u) })hako"));
  expect_runtime_error(p, "FFI result of 't_u64_step' does not fit Int: 9223372036854775809");
}

// --- loading --------------------------------------------------------------------------

TEST(VmFfiDeathTest, FewerAddressesThanExternsIsAnInternalError) {
  Program p = compile(program(R"hako(extern "C" { fn strlen(s: CStr) -> usize })hako",
                              R"hako(        unsafe { print(strlen("x")) })hako"));
  ASSERT_TRUE(p.c.module);
  EXPECT_EXIT(vm::run(p.module(), {}, {}), ::testing::ExitedWithCode(70), "1 extern functions");
}

}  // namespace
