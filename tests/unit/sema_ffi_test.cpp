// What sema records for extern declarations and calls (docs/ffi.md): the
// interned C types, ownership, target selection, the kinds of call results
// and callback parameters, and the MIR the calls lower to.
#include <gtest/gtest.h>

#include <string>

#include "lower/lower.h"
#include "mir/printer.h"
#include "mir/verify.h"
#include "parse/parse.h"
#include "sema/kinds.h"
#include "sema/sema.h"

namespace hako {
namespace {

struct Checked {
  base::SourceMap sources;
  const base::SourceFile& file;
  diag::DiagEngine diags;
  ast::Program program;
  std::optional<sema::CheckedProgram> checked;

  Checked(const std::string& src, const std::string& target = base::default_triple())
      : file(*sources.add("t.hako", src)) {
    program = parse::parse_program(file, diags);
    if (!diags.has_errors()) checked = sema::check(program, sources, diags, sema::CheckOptions{target});
  }

  std::string local_kind(const std::string& name) const {
    for (const auto& l : checked->locals)
      if (l.name == name) return sema::kind_name(*checked, l.kind);
    return "<none>";
  }
  const mir::ExternFn* ext(const std::string& name) const {
    std::optional<mir::ExternId> id = checked->ffi.find_extern(name);
    return id ? &checked->ffi.externs[*id] : nullptr;
  }
  std::string codes() const {
    std::string out;
    for (const auto& d : diags.diagnostics()) out += std::string(diag::info(d.kind).code) + " ";
    return out;
  }
  std::string mir() const { return mir::print_module(lower::lower_program(*checked)); }
};

std::string main_with(const std::string& body) {
  return "static box Main {\n  main() {\n    unsafe {\n" + body + "\n    }\n    return 0\n  }\n}\n";
}

TEST(SemaFfi, DeclarationsBecomeExternFunctionsWithInternedTypes) {
  Checked c(R"(
extern "C" {
    fn strlen(s: CStr) -> usize
    @link_name("printf") fn c_printf(fmt: CStr, ...) -> i32
    @ownership("transferred") fn make(n: i64) -> MutPtr<u8>
    fn put(@ownership("reference") h: Handle)
    fn walk(p: Ptr<u8>, q: Ptr<u8>, cb: FnPtr<(Ptr<u8>) -> bool>)
}
@library("m") extern "C" { fn cos(x: f64) -> f64 }
)" + main_with(""));
  ASSERT_TRUE(c.checked) << c.codes();
  ASSERT_EQ(c.checked->ffi.externs.size(), 6u);
  ASSERT_EQ(c.checked->extern_decls.size(), 6u);

  const mir::ExternFn* printf_fn = c.ext("c_printf");
  ASSERT_NE(printf_fn, nullptr);
  EXPECT_EQ(printf_fn->symbol, "printf");
  EXPECT_TRUE(printf_fn->variadic);
  EXPECT_EQ(mir::ctype_text(c.checked->ffi, printf_fn->ret), "i32");

  const mir::ExternFn* make = c.ext("make");
  EXPECT_EQ(make->ret_own, mir::Ownership::Transferred);
  EXPECT_EQ(mir::ctype_text(c.checked->ffi, make->ret), "MutPtr<u8>");
  EXPECT_EQ(c.ext("put")->params[0].own, mir::Ownership::Reference);
  EXPECT_EQ(mir::ctype_text(c.checked->ffi, c.ext("put")->ret), "void");
  EXPECT_EQ(c.ext("cos")->library, "m");
  EXPECT_EQ(c.ext("strlen")->library, "");

  // Each C type is interned once: walk's two Ptr<u8> and the callback's share one id.
  const mir::ExternFn* walk = c.ext("walk");
  EXPECT_EQ(walk->params[0].type, walk->params[1].type);
  const mir::CType& cb = c.checked->ffi.ctypes[walk->params[2].type];
  ASSERT_EQ(cb.params.size(), 1u);
  EXPECT_EQ(cb.params[0], walk->params[0].type);
  EXPECT_EQ(mir::ctype_text(c.checked->ffi, walk->params[2].type), "FnPtr<(Ptr<u8>) -> bool>");
  for (size_t i = 0; i < c.checked->ffi.ctypes.size(); ++i)
    for (size_t k = i + 1; k < c.checked->ffi.ctypes.size(); ++k)
      EXPECT_FALSE(c.checked->ffi.ctypes[i] == c.checked->ffi.ctypes[k]) << i << " and " << k;
}

TEST(SemaFfi, CallResultsHaveTheKindOfTheirCType) {
  Checked c(R"(
extern "C" {
    fn strlen(s: CStr) -> usize
    fn cos(x: f64) -> f64
    fn is_ok() -> bool
    fn getenv(name: CStr) -> CStr
    fn malloc(n: usize) -> MutPtr<u8>
    fn peek() -> Handle
}
)" + main_with(R"(
      local n = strlen("x")
      local f = cos(0)
      local b = is_ok()
      local s = getenv("HOME")
      local p = malloc(8)
      local h = peek()
)"));
  ASSERT_TRUE(c.checked) << c.codes();
  EXPECT_EQ(c.local_kind("n"), "Int");
  EXPECT_EQ(c.local_kind("f"), "Float");
  EXPECT_EQ(c.local_kind("b"), "Bool");
  // A CStr result may be null: a String or Void.
  EXPECT_EQ(c.local_kind("s"), "a value of unknown kind");
  EXPECT_EQ(c.local_kind("p"), "MutPtr<u8>");
  EXPECT_EQ(c.local_kind("h"), "a value of unknown kind");
}

TEST(SemaFfi, CallsLowerToCallCWithConvertedArguments) {
  Checked c(R"(
extern "C" {
    fn cos(x: f64) -> f64
    fn free(p: MutPtr<void>)
    fn malloc(n: usize) -> MutPtr<u8>
}
)" + main_with(R"(
      print(cos(1))
      free(null)
      free(malloc(4))
)"));
  ASSERT_TRUE(c.checked) << c.codes();
  std::string text = c.mir();
  // The Int 1 becomes a Float before the call; null becomes a null MutPtr<void>.
  EXPECT_NE(text.find("i2f"), std::string::npos) << text;
  EXPECT_NE(text.find("MutPtr<void> = const_void"), std::string::npos) << text;
  EXPECT_NE(text.find("call_c $cos("), std::string::npos) << text;
  EXPECT_NE(text.find("call_c $free("), std::string::npos) << text;
  mir::Module m = lower::lower_program(*c.checked);
  EXPECT_TRUE(mir::verify_module(m).empty()) << text;
}

TEST(SemaFfi, CallbacksJoinTheKindsOfTheirParameters) {
  Checked c(R"(
extern "C" {
    fn qsort(base: MutPtr<void>, n: usize, size: usize, cmp: FnPtr<(Ptr<void>, Ptr<void>) -> i32>)
    fn apply(f: FnPtr<(i64, f64) -> f64>, a: i64, b: f64) -> f64
}
static box Ops {
    cmp(a, b) {
        return 0
    }
    mix(i, x) {
        return x
    }
}
)" + main_with(R"(
      qsort(null, 0, 4, Ops.cmp)
      print(apply(Ops.mix, 1, 2.0))
)"));
  ASSERT_TRUE(c.checked) << c.codes();
  EXPECT_EQ(c.local_kind("a"), "Ptr<void>");
  EXPECT_EQ(c.local_kind("b"), "Ptr<void>");
  EXPECT_EQ(c.local_kind("i"), "Int");
  EXPECT_EQ(c.local_kind("x"), "Float");
  std::string text = c.mir();
  EXPECT_NE(text.find("fn_ptr @Ops.cmp/2"), std::string::npos) << text;
  mir::Module m = lower::lower_program(*c.checked);
  EXPECT_TRUE(mir::verify_module(m).empty()) << text;
}

TEST(SemaFfi, TargetSelectsTheDeclarationsOfThatTarget) {
  const std::string src = R"(
@target("x86_64-unknown-linux-gnu") extern "C" { fn which() -> i32 }
@target("x86_64-pc-windows-msvc") extern "C" { @link_name("which_win") fn which() -> i32 }
extern "C" { fn common() -> i32 }
)" + main_with("      print(which())");
  Checked linux(src, "x86_64-unknown-linux-gnu");
  ASSERT_TRUE(linux.checked) << linux.codes();
  EXPECT_EQ(linux.checked->ffi.externs.size(), 2u);
  EXPECT_EQ(linux.ext("which")->symbol, "which");
  EXPECT_EQ(linux.checked->extern_decls[0].target, "x86_64-unknown-linux-gnu");
  EXPECT_EQ(linux.checked->extern_decls[1].target, "");

  Checked windows(src, "x86_64-pc-windows-msvc");
  ASSERT_TRUE(windows.checked) << windows.codes();
  EXPECT_EQ(windows.ext("which")->symbol, "which_win");

  // Declared only for another target: callable nowhere else.
  Checked arm(src, "aarch64-unknown-linux-gnu");
  EXPECT_FALSE(arm.checked);
  EXPECT_EQ(arm.codes(), "E0606 ");
}

TEST(SemaFfi, CallconvNamesTheTargetsConvention) {
  const std::string src = R"(
extern "C" { @callconv("win64") fn f() -> i32 }
)" + main_with("");
  Checked windows(src, "x86_64-pc-windows-msvc");
  ASSERT_TRUE(windows.checked) << windows.codes();
  EXPECT_EQ(windows.checked->extern_decls[0].callconv, "win64");
  Checked linux(src, "x86_64-unknown-linux-gnu");
  EXPECT_EQ(linux.codes(), "E0603 ");
}

TEST(SemaFfi, ABareCallPrefersTheEnclosingBoxMethod) {
  // strlen(s) inside a box that defines strlen/1 calls the method, not C.
  Checked c(R"(
extern "C" { fn strlen(s: CStr) -> usize }
static box Main {
  strlen(s) {
    return 99
  }
  main() {
    print(strlen("abc"))
    return 0
  }
}
)");
  ASSERT_TRUE(c.checked) << c.codes();
  EXPECT_EQ(c.mir().find("call_c"), std::string::npos);
}

TEST(SemaFfi, ExternStructsHaveCLayoutAndABox) {
  Checked c(R"(
extern struct Outer { tag: u8, inner: Inner, flag: bool }
extern struct Inner { a: i16, d: f64, p: Ptr<Inner> }
extern "C" { fn take(o: Outer) -> Inner }
)" + main_with(R"(
      local o = new Outer()
      local i = take(o)
      local j = new Inner(1, 2.5, null)
)"));
  ASSERT_TRUE(c.checked) << c.codes();
  const mir::ExternFn* take = c.ext("take");
  ASSERT_NE(take, nullptr);
  const mir::CType& outer = c.checked->ffi.ctypes[take->params[0].type];
  const mir::CType& inner = c.checked->ffi.ctypes[take->ret];
  ASSERT_EQ(outer.kind, mir::CTypeKind::Struct);
  EXPECT_EQ(outer.name, "Outer");
  // Inner: a at 0, d at 8, p at 16; 24 bytes aligned 8.
  ASSERT_EQ(inner.fields.size(), 3u);
  EXPECT_EQ(inner.fields[1].offset, 8u);
  EXPECT_EQ(inner.fields[2].offset, 16u);
  EXPECT_EQ(inner.size, 24u);
  EXPECT_EQ(inner.align, 8u);
  // Outer: tag at 0, inner at 8 (its alignment), flag at 32; 40 bytes.
  EXPECT_EQ(outer.fields[1].offset, 8u);
  EXPECT_EQ(outer.fields[2].offset, 32u);
  EXPECT_EQ(outer.size, 40u);
  // Each struct's values are instances of a box of its name with its fields.
  const sema::BoxInfo& box = c.checked->boxes[outer.box];
  EXPECT_EQ(box.name, "Outer");
  ASSERT_EQ(box.fields.size(), 3u);
  EXPECT_EQ(box.fields[1].name, "inner");
  EXPECT_EQ(box.cstruct, take->params[0].type);
  EXPECT_EQ(c.local_kind("o"), "Outer");
  EXPECT_EQ(c.local_kind("i"), "Inner");
  // new Outer() sets every field: a zero Inner is built for `inner`.
  std::string text = c.mir();
  EXPECT_NE(text.find("set_field %0, Outer.flag"), std::string::npos) << text;
  EXPECT_NE(text.find("new_box Inner"), std::string::npos) << text;
  EXPECT_NE(text.find("cstruct Inner { a: i16, d: f64, p: Ptr<Inner> }\ncstruct Outer"), std::string::npos) << text;
  mir::Module m = lower::lower_program(*c.checked);
  EXPECT_TRUE(mir::verify_module(m).empty()) << text;
}

}  // namespace
}  // namespace hako
