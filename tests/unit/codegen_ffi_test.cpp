// Native code for the C FFI (docs/ffi.md): `call_c` lowered to a direct call
// with the x86_64 System V signature of every ctypes.def row (extension
// attributes included), the inline conversions and ownership rules around
// it, C's default promotions of variadic arguments, callback trampolines of
// `fn_ptr`, and Ptr values. Programs go through the real pipeline
// (driver::compile_source) and the LLVM verifier; the end-to-end tests link
// them with this build's libreml_runtime.a and libc and run them.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <llvm/IR/Constants.h>
#include <llvm/IR/DebugInfoMetadata.h>
#include <llvm/IR/GlobalVariable.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include "codegen/llvm_lowering.h"
#include "codegen/target.h"
#include "driver/build.h"
#include "driver/pipeline.h"
#include "mir/mir.h"
#include "reml_runtime.h"

namespace hako {
namespace {

namespace fs = std::filesystem;

constexpr const char* kHost = "x86_64-unknown-linux-gnu";

// A directory of its own for one test's files, removed afterwards.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& purpose = "build") {
    std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(test.begin(), test.end(), '/', '_');
    path = fs::temp_directory_path() / ("hako_codegen_ffi_" + std::to_string(getpid()) + "_" + test + "_" + purpose);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// A .hako program through the whole front end (rc explicit, verified MIR),
// lowered to LLVM IR for the host at -O0.
struct Program {
  TempDir dir;
  fs::path source;
  diag::DiagEngine diags;
  driver::Compilation comp;
  llvm::LLVMContext ctx;
  std::unique_ptr<llvm::Module> mod;
  std::string lowering_error;

  explicit Program(const std::string& src, bool debug_info = false) {
    source = dir.path / "prog.hako";
    std::ofstream(source) << src;
    driver::PipelineOptions options;
    options.target = kHost;
    comp = driver::compile_source(source.string(), options, diags);
    EXPECT_FALSE(diags.has_errors()) << diags.render(diag::Format::Text);
    if (!comp.module) return;
    std::string error;
    std::unique_ptr<llvm::TargetMachine> tm = codegen::create_target_machine(kHost, false, error);
    EXPECT_TRUE(tm) << error;
    if (!tm) return;
    try {
      mod = codegen::lower_to_llvm(*comp.module, ctx, kHost, tm->createDataLayout(), debug_info);
    } catch (const codegen::UnhandledMir& bug) {
      lowering_error = bug.what;
    }
    EXPECT_EQ(lowering_error, "");
  }

  llvm::Function* fn(const std::string& name) const { return mod ? mod->getFunction(name) : nullptr; }

  // Every call in the module to the function named `callee`.
  std::vector<llvm::CallInst*> calls_to(const std::string& callee) const {
    std::vector<llvm::CallInst*> out;
    for (llvm::Function& f : *mod)
      for (llvm::Instruction& i : llvm::instructions(f))
        if (auto* c = llvm::dyn_cast<llvm::CallInst>(&i))
          if (c->getCalledFunction() != nullptr && c->getCalledFunction()->getName() == callee) out.push_back(c);
    return out;
  }

  // The one call to `callee` (a test failure otherwise).
  llvm::CallInst* only_call(const std::string& callee) const {
    std::vector<llvm::CallInst*> calls = calls_to(callee);
    EXPECT_EQ(calls.size(), 1u) << callee;
    return calls.size() == 1 ? calls[0] : nullptr;
  }

  std::string ir() const {
    std::string s;
    llvm::raw_string_ostream os(s);
    if (mod) mod->print(os, nullptr);
    return s;
  }
};

::testing::AssertionResult verifies(const Program& p) {
  if (!p.mod) return ::testing::AssertionFailure() << "no module";
  std::string report;
  llvm::raw_string_ostream os(report);
  if (llvm::verifyModule(*p.mod, &os)) return ::testing::AssertionFailure() << report << "\n" << p.ir();
  return ::testing::AssertionSuccess();
}

// The text of a private C string constant argument.
std::string cstring_arg(llvm::CallInst* call, unsigned k) {
  auto* gv = llvm::dyn_cast<llvm::GlobalVariable>(call->getArgOperand(k));
  if (gv == nullptr || !gv->hasInitializer()) return "<not a constant>";
  auto* data = llvm::dyn_cast<llvm::ConstantDataArray>(gv->getInitializer());
  return data != nullptr && data->isCString() ? data->getAsCString().str() : "<not a C string>";
}

// Whether the block of `i` is only reached when something failed: its
// successor is `unreachable` after a noreturn runtime error.
bool in_error_block(const llvm::Instruction* i) { return llvm::isa<llvm::UnreachableInst>(i->getParent()->getTerminator()); }

// --- the signature of every ctypes.def row --------------------------------------------------

// What the x86_64 System V ABI makes of each C type (as clang emits it).
struct RowAbi {
  std::string llvm_type;  // as LLVM prints it
  std::optional<llvm::Attribute::AttrKind> ext;
};

const std::map<std::string, RowAbi>& expected_abi() {
  static const std::map<std::string, RowAbi> table = {
      {"i8", {"i8", llvm::Attribute::SExt}},     {"i16", {"i16", llvm::Attribute::SExt}},
      {"i32", {"i32", std::nullopt}},             {"i64", {"i64", std::nullopt}},
      {"u8", {"i8", llvm::Attribute::ZExt}},     {"u16", {"i16", llvm::Attribute::ZExt}},
      {"u32", {"i32", std::nullopt}},             {"u64", {"i64", std::nullopt}},
      {"isize", {"i64", std::nullopt}},           {"usize", {"i64", std::nullopt}},
      {"f32", {"float", std::nullopt}},           {"f64", {"double", std::nullopt}},
      {"bool", {"i1", llvm::Attribute::ZExt}},   {"void", {"void", std::nullopt}},
      {"CStr", {"ptr", std::nullopt}},            {"Handle", {"i64", std::nullopt}},
      {"Ptr", {"ptr", std::nullopt}},             {"MutPtr", {"ptr", std::nullopt}},
      {"NonNullPtr", {"ptr", std::nullopt}},      {"FnPtr", {"ptr", std::nullopt}},
  };
  return table;
}

std::string type_text(llvm::Type* t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  t->print(os);
  return s;
}

// A program calling `probe`, whose parameter and result have the C type of
// ctypes.def row `spelling` (void: no parameter), with a value of it.
std::string probe_program(const std::string& spelling) {
  std::string type = spelling, arg, shown = "r";
  std::string decls;
  if (spelling == "Ptr" || spelling == "MutPtr" || spelling == "NonNullPtr") {
    type = spelling + "<u8>";
    decls = "  fn make() -> " + type + "\n";
    arg = "make()";
    shown = "r == null";
  } else if (spelling == "FnPtr") {
    type = "FnPtr<(i32) -> i32>";
    arg = "Cb.twice";
  } else if (spelling == "f32" || spelling == "f64") {
    arg = "1.5";
  } else if (spelling == "bool") {
    arg = "true";
  } else if (spelling == "CStr") {
    arg = "\"text\"";
  } else if (spelling == "Handle") {
    arg = "new ArrayBox()";
  } else {
    arg = "1";
  }
  // An FnPtr is no result type (docs/ffi.md): its probe returns an i32.
  const std::string ret = spelling == "FnPtr" ? "i32" : type;
  if (spelling == "void") decls += "  fn probe()\n";
  else decls += "  fn probe(x: " + type + ") -> " + ret + "\n";
  const std::string body = spelling == "void" ? "probe()" : "local r = probe(" + arg + ")\n print(" + shown + ")";
  return "extern \"C\" {\n" + decls +
         "}\n"
         "static box Cb { twice(x) { return x * 2 } }\n"
         "static box Main {\n"
         "  main() {\n"
         "    unsafe { " + body + " }\n"
         "    return 0\n"
         "  }\n"
         "}\n";
}

TEST(CodegenFfiAbi, EveryCTypeRowIsCalledWithItsSystemVSignature) {
  // The Struct row names no type: each extern struct is one, with a System
  // V lowering of its own (CodegenFfiStructs below).
  ASSERT_EQ(expected_abi().size() + 1, mir::ctype_kind_count()) << "a ctypes.def row without an expected ABI here";
  for (uint32_t k = 0; k < mir::ctype_kind_count(); ++k) {
    if (static_cast<mir::CTypeKind>(k) == mir::CTypeKind::Struct) continue;
    const std::string spelling = mir::ctype_info(static_cast<mir::CTypeKind>(k)).spelling;
    SCOPED_TRACE(spelling);
    const RowAbi& want = expected_abi().at(spelling);
    Program p(probe_program(spelling));
    ASSERT_TRUE(p.mod);
    ASSERT_TRUE(verifies(p));
    llvm::Function* probe = p.fn("probe");
    ASSERT_NE(probe, nullptr);
    EXPECT_TRUE(probe->isDeclaration());
    EXPECT_FALSE(probe->isVarArg());
    llvm::CallInst* call = p.only_call("probe");
    ASSERT_NE(call, nullptr);
    if (spelling == "void") {
      EXPECT_EQ(probe->arg_size(), 0u);
      EXPECT_TRUE(probe->getReturnType()->isVoidTy());
      continue;
    }
    ASSERT_EQ(probe->arg_size(), 1u);
    EXPECT_EQ(type_text(probe->getFunctionType()->getParamType(0)), want.llvm_type);
    for (llvm::Attribute::AttrKind ext : {llvm::Attribute::SExt, llvm::Attribute::ZExt}) {
      const bool expected = want.ext == ext;
      EXPECT_EQ(probe->getAttributes().hasParamAttr(0, ext), expected) << "declaration parameter";
      EXPECT_EQ(call->paramHasAttr(0, ext), expected) << "call site parameter";
      if (spelling != "FnPtr") {
        EXPECT_EQ(probe->hasRetAttribute(ext), expected) << "declaration result";
        EXPECT_EQ(call->hasRetAttr(ext), expected) << "call site result";
      }
    }
    if (spelling != "FnPtr") {
      EXPECT_EQ(type_text(probe->getReturnType()), want.llvm_type);
    }
  }
}

TEST(CodegenFfiAbi, AddOfTwoI64sIsABareCall) {
  Program p(R"hako(extern "C" { fn add(a: i64, b: i64) -> i64 }
static box M { sum(a, b) { unsafe { return add(a, b) } } }
static box Main { main() { print(M.sum(1, 2)); return 0 } })hako");
  ASSERT_TRUE(p.mod);
  ASSERT_TRUE(verifies(p));
  llvm::Function* sum = p.fn("M.sum/2");
  ASSERT_NE(sum, nullptr);
  ASSERT_EQ(sum->arg_size(), 2u);
  // entry: br bb0; bb0: the call of add on the parameters, its result returned.
  std::vector<llvm::Instruction*> body;
  for (llvm::Instruction& i : llvm::instructions(*sum))
    if (!llvm::isa<llvm::BranchInst>(i)) body.push_back(&i);
  ASSERT_EQ(body.size(), 2u) << p.ir();
  auto* call = llvm::dyn_cast<llvm::CallInst>(body[0]);
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->getCalledFunction()->getName(), "add");
  EXPECT_EQ(call->getArgOperand(0), sum->getArg(0));
  EXPECT_EQ(call->getArgOperand(1), sum->getArg(1));
  auto* ret = llvm::dyn_cast<llvm::ReturnInst>(body[1]);
  ASSERT_NE(ret, nullptr);
  EXPECT_EQ(ret->getReturnValue(), call);
  llvm::Function* add = p.fn("add");
  EXPECT_TRUE(add->isDeclaration());
  EXPECT_EQ(add->getLinkage(), llvm::GlobalValue::ExternalLinkage);
}

TEST(CodegenFfiAbi, OneDeclarationPerSymbolSharedWithTheRuntime) {
  // Two externs of one symbol, and a symbol the runtime declares too.
  Program p(R"hako(extern "C" {
  fn strlen(s: CStr) -> usize
  @link_name("strlen") fn length(s: CStr) -> i64
}
static box Main { main(args) { unsafe { print(strlen("ab") + length("abc")) } return args.length() } })hako");
  ASSERT_TRUE(p.mod);
  ASSERT_TRUE(verifies(p));
  size_t named = 0;
  for (llvm::Function& f : *p.mod)
    if (f.getName().starts_with("strlen")) ++named;
  EXPECT_EQ(named, 1u) << p.ir();
  EXPECT_EQ(p.calls_to("strlen").size(), 3u);  // two externs and main's argument strings
}

// --- conversions -------------------------------------------------------------------------------

TEST(CodegenFfiConvert, NarrowIntegerArgumentsAreRangeCheckedInAColdBlock) {
  Program p(R"hako(extern "C" { fn putchar(c: i8) -> i32 }
static box M { put(x) { unsafe { return putchar(x) } } }
static box Main { main() { print(M.put(65)); return 0 } })hako");
  ASSERT_TRUE(p.mod);
  ASSERT_TRUE(verifies(p));
  llvm::CallInst* error = p.only_call("reml_ffi_range_error");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(cstring_arg(error, 0), "putchar");
  EXPECT_EQ(cstring_arg(error, 1), "c");
  EXPECT_EQ(cstring_arg(error, 2), "i8");
  EXPECT_EQ(error->getArgOperand(3), p.fn("M.put/1")->getArg(0));  // the Int as given
  EXPECT_TRUE(in_error_block(error));
  EXPECT_TRUE(error->getCalledFunction()->doesNotReturn());
  EXPECT_TRUE(error->getCalledFunction()->hasFnAttribute(llvm::Attribute::Cold));
  llvm::CallInst* call = p.only_call("putchar");
  ASSERT_NE(call, nullptr);
  EXPECT_FALSE(in_error_block(call));
  EXPECT_TRUE(llvm::isa<llvm::TruncInst>(call->getArgOperand(0)));
}

TEST(CodegenFfiConvert, ConstantArgumentsInRangeAreNotChecked) {
  Program p(R"hako(extern "C" { fn putchar(c: i8) -> i32 }
static box Main { main() { unsafe { putchar(65) } return 0 } })hako");
  ASSERT_TRUE(p.mod);
  ASSERT_TRUE(verifies(p));
  EXPECT_TRUE(p.calls_to("reml_ffi_range_error").empty());
}

TEST(CodegenFfiConvert, UnsignedResultsAreZeroExtendedAndU64IsChecked) {
  Program p(R"hako(extern "C" { fn small() -> u16; fn big() -> u64; fn tiny() -> i8 }
static box Main { main() { unsafe { print(small() + big() + tiny()) } return 0 } })hako");
  ASSERT_TRUE(p.mod);
  ASSERT_TRUE(verifies(p));
  llvm::CallInst* small = p.only_call("small");
  ASSERT_TRUE(small->hasOneUse());
  EXPECT_TRUE(llvm::isa<llvm::ZExtInst>(*small->user_begin()));
  llvm::CallInst* tiny = p.only_call("tiny");
  ASSERT_TRUE(tiny->hasOneUse());
  EXPECT_TRUE(llvm::isa<llvm::SExtInst>(*tiny->user_begin()));
  llvm::CallInst* error = p.only_call("reml_ffi_result_range_error");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(cstring_arg(error, 0), "big");
  EXPECT_EQ(error->getArgOperand(1), p.only_call("big"));
  EXPECT_TRUE(in_error_block(error));
}

TEST(CodegenFfiConvert, CStrArgumentsAndResultsFollowTheirContracts) {
  Program p(R"hako(extern "C" {
  fn look(s: CStr) -> CStr
  fn give(@ownership("transferred") s: CStr) -> i32
  @ownership("transferred") fn made() -> CStr
}
static box Main { main() { unsafe { print(look("a")); print(give("b")); print(made()) } return 0 } })hako");
  ASSERT_TRUE(p.mod);
  ASSERT_TRUE(verifies(p));
  llvm::CallInst* borrowed = p.only_call("reml_ffi_cstr_arg");
  ASSERT_NE(borrowed, nullptr);
  EXPECT_EQ(p.only_call("look")->getArgOperand(0), borrowed);
  EXPECT_EQ(cstring_arg(borrowed, 1), "look");
  EXPECT_EQ(cstring_arg(borrowed, 2), "s");
  llvm::CallInst* copy = p.only_call("reml_ffi_cstr_transfer");
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(p.only_call("give")->getArgOperand(0), copy);
  EXPECT_EQ(cstring_arg(copy, 1), "give");
  // Results: copied; the transferred one is then freed (free_after = 1).
  std::map<std::string, uint64_t> free_after;
  for (llvm::CallInst* r : p.calls_to("reml_ffi_cstr_result")) {
    auto* c = llvm::dyn_cast<llvm::CallInst>(r->getArgOperand(0));
    ASSERT_NE(c, nullptr);
    free_after[c->getCalledFunction()->getName().str()] =
        llvm::cast<llvm::ConstantInt>(r->getArgOperand(1))->getZExtValue();
  }
  EXPECT_EQ(free_after, (std::map<std::string, uint64_t>{{"look", 0}, {"made", 1}}));
}

TEST(CodegenFfiConvert, HandlesAreRetainedWhereOwnershipMoves) {
  Program p(R"hako(extern "C" {
  fn lend(h: Handle) -> Handle
  fn give(@ownership("transferred") h: Handle)
  @ownership("transferred") fn take() -> Handle
  @ownership("reference") fn share() -> Handle
}
static box Main { main() { unsafe { print(lend("a")); give("b"); print(take()); print(share()) } return 0 } })hako");
  ASSERT_TRUE(p.mod);
  ASSERT_TRUE(verifies(p));
  // Who each hako_handle_retain retains: give's argument (before the call),
  // the results of lend and share (after theirs); take's result is adopted.
  std::vector<std::string> retained;
  for (llvm::CallInst* r : p.calls_to("hako_handle_retain")) {
    llvm::Value* h = r->getArgOperand(0);
    if (auto* c = llvm::dyn_cast<llvm::CallInst>(h); c && c->getCalledFunction()->getName() != "reml_box_i64") {
      retained.push_back("result of " + c->getCalledFunction()->getName().str());
    } else {
      for (llvm::User* u : h->users())
        if (auto* c = llvm::dyn_cast<llvm::CallInst>(u); c && c->getCalledFunction()->getName() == "give") {
          EXPECT_TRUE(r->comesBefore(c));
          retained.push_back("argument of give");
        }
    }
  }
  std::sort(retained.begin(), retained.end());
  EXPECT_EQ(retained, (std::vector<std::string>{"argument of give", "result of lend", "result of share"}));
  for (const char* name : {"lend", "give", "take", "share"}) {
    llvm::Function* f = p.fn(name);
    ASSERT_NE(f, nullptr) << name;
    for (llvm::Type* t : f->getFunctionType()->params()) EXPECT_TRUE(t->isIntegerTy(64)) << name;  // hako_handle_t
  }
}

TEST(CodegenFfiConvert, NonNullPointersAreCheckedBothWays) {
  Program p(R"hako(extern "C" { fn get() -> NonNullPtr<u8>; fn put(p: NonNullPtr<u8>); fn maybe() -> Ptr<u8> }
static box Main { main() { unsafe { put(get()); put(maybe()) } return 0 } })hako");
  ASSERT_TRUE(p.mod);
  ASSERT_TRUE(verifies(p));
  llvm::CallInst* result_error = p.only_call("reml_ffi_null_result_error");
  ASSERT_NE(result_error, nullptr);
  EXPECT_EQ(cstring_arg(result_error, 0), "get");
  std::vector<llvm::CallInst*> arg_errors = p.calls_to("reml_ffi_null_arg_error");
  ASSERT_EQ(arg_errors.size(), 2u);
  for (llvm::CallInst* e : arg_errors) {
    EXPECT_EQ(cstring_arg(e, 0), "put");
    EXPECT_EQ(cstring_arg(e, 1), "p");
    EXPECT_TRUE(in_error_block(e));
  }
}

TEST(CodegenFfiConvert, VarargsFollowTheDefaultPromotions) {
  Program p(R"hako(extern "C" { fn malloc(n: usize) -> MutPtr<u8>; @link_name("printf") fn say(fmt: CStr, ...) -> i32 }
static box Main { main() { unsafe { say("%ld %f %s %d %p\n", 7, 2.5, "s", true, malloc(1)) } return 0 } })hako");
  ASSERT_TRUE(p.mod);
  ASSERT_TRUE(verifies(p));
  llvm::Function* printf_fn = p.fn("printf");
  ASSERT_NE(printf_fn, nullptr);
  EXPECT_TRUE(printf_fn->isVarArg());
  ASSERT_EQ(printf_fn->arg_size(), 1u);
  llvm::CallInst* call = p.only_call("printf");
  ASSERT_NE(call, nullptr);
  ASSERT_EQ(call->arg_size(), 6u);
  const std::vector<std::string> types = {"ptr", "i64", "double", "ptr", "i32", "ptr"};
  for (unsigned k = 0; k < 6; ++k) EXPECT_EQ(type_text(call->getArgOperand(k)->getType()), types[k]) << k;
  // The String travels as a borrowed CStr named `#4` in errors.
  auto* text = llvm::dyn_cast<llvm::CallInst>(call->getArgOperand(3));
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(text->getCalledFunction()->getName(), "reml_ffi_cstr_arg");
  EXPECT_EQ(cstring_arg(text, 2), "#4");
  auto* flag = llvm::dyn_cast<llvm::ConstantInt>(call->getArgOperand(4));  // Bool `true` as int 1
  ASSERT_NE(flag, nullptr);
  EXPECT_EQ(flag->getZExtValue(), 1u);
}

TEST(CodegenFfiConvert, F32RoundsFromDoubleAndWidensBack) {
  Program p(R"hako(extern "C" { fn sqrtf(x: f32) -> f32 }
static box M { root(x) { unsafe { return sqrtf(x) } } }
static box Main { main() { print(M.root(2.0)); return 0 } })hako");
  ASSERT_TRUE(p.mod);
  ASSERT_TRUE(verifies(p));
  llvm::CallInst* call = p.only_call("sqrtf");
  EXPECT_TRUE(llvm::isa<llvm::FPTruncInst>(call->getArgOperand(0)));
  ASSERT_TRUE(call->hasOneUse());
  EXPECT_TRUE(llvm::isa<llvm::FPExtInst>(*call->user_begin()));
}

// --- callbacks ---------------------------------------------------------------------------------

TEST(CodegenFfiCallbacks, TrampolineHasTheExactCSignature) {
  Program p(R"hako(extern "C" { fn each(cb: FnPtr<(i8, u16, f32, bool, Ptr<u8>, CStr) -> i8>) }
static box Cb { visit(a, b, c, d, e, f) { return a } }
static box Main { main() { unsafe { each(Cb.visit) } return 0 } })hako");
  ASSERT_TRUE(p.mod);
  ASSERT_TRUE(verifies(p));
  llvm::CallInst* call = p.only_call("each");
  ASSERT_NE(call, nullptr);
  auto* tramp = llvm::dyn_cast<llvm::Function>(call->getArgOperand(0));
  ASSERT_NE(tramp, nullptr) << p.ir();
  EXPECT_TRUE(tramp->hasInternalLinkage());
  EXPECT_FALSE(tramp->isDeclaration());
  EXPECT_EQ(type_text(tramp->getFunctionType()), "i8 (i8, i16, float, i1, ptr, ptr)");
  EXPECT_TRUE(tramp->hasRetAttribute(llvm::Attribute::SExt));
  EXPECT_TRUE(tramp->getAttributes().hasParamAttr(0, llvm::Attribute::SExt));
  EXPECT_TRUE(tramp->getAttributes().hasParamAttr(1, llvm::Attribute::ZExt));
  EXPECT_TRUE(tramp->getAttributes().hasParamAttr(3, llvm::Attribute::ZExt));
  EXPECT_FALSE(tramp->getAttributes().hasParamAttr(2, llvm::Attribute::SExt));
  // The trampoline calls the Hako function; the result's range error names
  // the callback and `result`.
  bool calls_visit = false;
  for (llvm::Instruction& i : llvm::instructions(*tramp))
    if (auto* c = llvm::dyn_cast<llvm::CallInst>(&i))
      if (c->getCalledFunction() != nullptr && c->getCalledFunction()->getName() == "Cb.visit/6") calls_visit = true;
  EXPECT_TRUE(calls_visit);
  llvm::CallInst* error = p.only_call("reml_ffi_range_error");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->getFunction(), tramp);
  EXPECT_EQ(cstring_arg(error, 0), "Cb.visit");
  EXPECT_EQ(cstring_arg(error, 1), "result");
  EXPECT_EQ(cstring_arg(error, 2), "i8");
}

TEST(CodegenFfiCallbacks, OneTrampolinePerFunctionAndSignature) {
  Program p(R"hako(extern "C" {
  fn one(cb: FnPtr<(i32) -> i32>)
  fn two(cb: FnPtr<(i32) -> i32>)
  fn wide(cb: FnPtr<(i64) -> i64>)
}
static box Cb { f(x) { return x } }
static box Main { main() { unsafe { one(Cb.f); two(Cb.f); wide(Cb.f) } return 0 } })hako");
  ASSERT_TRUE(p.mod);
  ASSERT_TRUE(verifies(p));
  EXPECT_EQ(p.only_call("one")->getArgOperand(0), p.only_call("two")->getArgOperand(0));
  EXPECT_NE(p.only_call("one")->getArgOperand(0), p.only_call("wide")->getArgOperand(0));
}

TEST(CodegenFfiCallbacks, HandleParametersAreBoxedAndReleasedAfterTheCall) {
  // `label` takes Handles (it is called directly with Strings too): the
  // trampoline boxes the i64, copies the CStr into a String, and releases
  // both after the call.
  Program p(R"hako(extern "C" { fn each(cb: FnPtr<(i64, CStr) -> i64>) }
static box Cb { label(n, s) { return (s + n).length() } }
static box Main { main() { print(Cb.label("x", "y")); unsafe { each(Cb.label) } return 0 } })hako");
  ASSERT_TRUE(p.mod);
  ASSERT_TRUE(verifies(p));
  auto* tramp = llvm::dyn_cast<llvm::Function>(p.only_call("each")->getArgOperand(0));
  ASSERT_NE(tramp, nullptr);
  EXPECT_EQ(type_text(tramp->getFunctionType()), "i64 (i64, ptr)");
  llvm::CallInst* hako = nullptr;
  std::vector<llvm::CallInst*> releases;
  for (llvm::Instruction& i : llvm::instructions(*tramp)) {
    auto* c = llvm::dyn_cast<llvm::CallInst>(&i);
    if (c == nullptr || c->getCalledFunction() == nullptr) continue;
    if (c->getCalledFunction()->getName() == "Cb.label/2") hako = c;
    if (c->getCalledFunction()->getName() == "reml_fp_release") releases.push_back(c);
  }
  ASSERT_NE(hako, nullptr);
  auto callee_of = [](llvm::Value* v) {
    auto* c = llvm::dyn_cast<llvm::CallInst>(v);
    return c != nullptr && c->getCalledFunction() != nullptr ? c->getCalledFunction()->getName().str() : "";
  };
  EXPECT_EQ(callee_of(hako->getArgOperand(0)), "reml_fp_box_i64");
  EXPECT_EQ(callee_of(hako->getArgOperand(1)), "reml_ffi_cstr_result");
  // Both arguments are released, each after the call.
  ASSERT_GE(releases.size(), 2u);
  std::vector<llvm::Value*> released;
  for (llvm::CallInst* r : releases) {
    EXPECT_TRUE(hako->comesBefore(r));
    released.push_back(r->getArgOperand(0));
  }
  EXPECT_NE(std::find(released.begin(), released.end(), hako->getArgOperand(0)), released.end());
  EXPECT_NE(std::find(released.begin(), released.end(), hako->getArgOperand(1)), released.end());
}

TEST(CodegenFfiCallbacks, VerifyWithDebugInfo) {
  Program p(R"hako(extern "C" { fn qsort(base: MutPtr<void>, n: usize, size: usize, cmp: FnPtr<(Ptr<void>, Ptr<void>) -> i32>); fn putchar(c: i8) -> i32 }
static box Cmp { same(a, b) { unsafe { putchar(66) } return 0 } }
static box Main { main() { unsafe { qsort(null, 0, 8, Cmp.same); putchar(65) } return 0 } })hako",
            /*debug_info=*/true);
  ASSERT_TRUE(p.mod);
  ASSERT_TRUE(verifies(p));
  auto* tramp = llvm::dyn_cast<llvm::Function>(p.only_call("qsort")->getArgOperand(3));
  ASSERT_NE(tramp, nullptr);
  ASSERT_NE(tramp->getSubprogram(), nullptr);
  EXPECT_TRUE(tramp->getSubprogram()->isArtificial());
}

// --- Ptr values ---------------------------------------------------------------------------------

TEST(CodegenFfiPointers, BoxedPointersCarryTheirTypeDescriptor) {
  Program p(R"hako(extern "C" { fn get() -> MutPtr<u8> }
static box Main { main() { unsafe { local q = get(); print(q == null); print("at " + q) } return 0 } })hako");
  ASSERT_TRUE(p.mod);
  ASSERT_TRUE(verifies(p));
  llvm::CallInst* boxed = p.only_call("reml_ptr_box_new");
  ASSERT_NE(boxed, nullptr);
  EXPECT_EQ(boxed->getArgOperand(0), p.only_call("get"));
  auto* desc = llvm::dyn_cast<llvm::GlobalVariable>(boxed->getArgOperand(1));
  ASSERT_NE(desc, nullptr);
  EXPECT_TRUE(desc->isConstant());
  EXPECT_TRUE(desc->hasPrivateLinkage());
  auto* init = llvm::cast<llvm::ConstantStruct>(desc->getInitializer());
  auto text = [&](unsigned k) {
    auto* gv = llvm::cast<llvm::GlobalVariable>(init->getOperand(k));
    return llvm::cast<llvm::ConstantDataArray>(gv->getInitializer())->getAsCString().str();
  };
  EXPECT_EQ(text(0), "MutPtr<u8>");
  EXPECT_EQ(text(1), "u8");
  EXPECT_EQ(llvm::cast<llvm::ConstantInt>(init->getOperand(2))->getZExtValue(), REML_PTR_MUT);
  llvm::CallInst* shown = p.only_call("reml_ptr_to_string");
  ASSERT_NE(shown, nullptr);
  EXPECT_EQ(shown->getArgOperand(0), p.only_call("get"));
  // Pointer values are not counted.
  for (const char* counted : {"reml_fp_retain", "inc_ref"})
    for (llvm::CallInst* c : p.calls_to(counted)) EXPECT_NE(c->getArgOperand(0), p.only_call("get"));
}

TEST(CodegenFfiPointers, NullArgumentIsTheNullPointer) {
  Program p(R"hako(extern "C" { fn free(p: MutPtr<void>) }
static box Main { main() { unsafe { free(null) } return 0 } })hako");
  ASSERT_TRUE(p.mod);
  ASSERT_TRUE(verifies(p));
  llvm::CallInst* call = p.only_call("free");
  ASSERT_NE(call, nullptr);
  EXPECT_TRUE(llvm::isa<llvm::ConstantPointerNull>(call->getArgOperand(0)));
}

// --- extern structs by value -----------------------------------------------------------------

// The stack slot `ptr` points into (at some constant offset), if any.
llvm::AllocaInst* slot_of(llvm::Value* ptr) { return llvm::dyn_cast<llvm::AllocaInst>(ptr->stripInBoundsOffsets()); }

// The text of a private C string constant.
std::string cstring_of(llvm::Value* v) {
  auto* gv = llvm::dyn_cast<llvm::GlobalVariable>(v);
  if (gv == nullptr || !gv->hasInitializer()) return "<not a constant>";
  auto* data = llvm::dyn_cast<llvm::ConstantDataArray>(gv->getInitializer());
  return data != nullptr && data->isCString() ? data->getAsCString().str() : "<not a C string>";
}

// The pack call that fills slot `slot` (a test failure when there is not one).
llvm::CallInst* pack_into(const Program& p, llvm::AllocaInst* slot) {
  llvm::CallInst* found = nullptr;
  for (llvm::CallInst* c : p.calls_to("reml_ffi_struct_pack"))
    if (slot_of(c->getArgOperand(2)) == slot) {
      EXPECT_EQ(found, nullptr) << "two packs into one slot";
      found = c;
    }
  EXPECT_NE(found, nullptr) << "no pack into the slot";
  return found;
}

// The unpack call whose result is made of the bytes of call `call`, found
// through the slot it reads (a test failure when there is not one).
llvm::CallInst* unpack_from(const Program& p, llvm::AllocaInst* slot) {
  llvm::CallInst* found = nullptr;
  for (llvm::CallInst* c : p.calls_to("reml_ffi_struct_unpack"))
    if (slot_of(c->getArgOperand(0)) == slot) found = c;
  EXPECT_NE(found, nullptr) << "no unpack from the slot";
  return found;
}

// Whether `v` is (a part of) the value of `call`: the call itself or an
// extractvalue of it.
bool part_of(llvm::Value* v, llvm::CallInst* call) {
  if (v == call) return true;
  auto* ev = llvm::dyn_cast<llvm::ExtractValueInst>(v);
  return ev != nullptr && ev->getAggregateOperand() == call;
}

TEST(CodegenFfiStructs, SmallStructsTravelAsClangsCoercedPieces) {
  Program p(R"hako(extern struct Vec2 { x: f64, y: f64 }
extern struct Vec2f { x: f32, y: f32 }
extern struct IntFloat { i: i32, f: f32 }
extern struct LongDouble { a: i64, b: f64 }
extern "C" {
  fn echo_vec2(v: Vec2) -> Vec2
  fn echo_vec2f(v: Vec2f) -> Vec2f
  fn echo_intfloat(v: IntFloat) -> IntFloat
  fn echo_longdouble(v: LongDouble) -> LongDouble
}
static box Main { main() { unsafe {
  print(echo_vec2(new Vec2(1, 2)).x)
  print(echo_vec2f(new Vec2f(1, 2)).x)
  print(echo_intfloat(new IntFloat(1, 2)).i)
  print(echo_longdouble(new LongDouble(1, 2)).a)
} return 0 } })hako");
  ASSERT_TRUE(p.mod);
  ASSERT_TRUE(verifies(p));
  // clang-19's declarations of the same C functions.
  const std::map<std::string, std::string> want = {
      {"echo_vec2", "{ double, double } (double, double)"},
      {"echo_vec2f", "<2 x float> (<2 x float>)"},
      {"echo_intfloat", "i64 (i64)"},
      {"echo_longdouble", "{ i64, double } (i64, double)"},
  };
  for (const auto& [name, type] : want) {
    SCOPED_TRACE(name);
    llvm::Function* f = p.fn(name);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(type_text(f->getFunctionType()), type);
    for (unsigned k = 0; k < f->arg_size(); ++k) {
      EXPECT_FALSE(f->hasParamAttribute(k, llvm::Attribute::ByVal));
      EXPECT_FALSE(f->hasParamAttribute(k, llvm::Attribute::StructRet));
    }
    llvm::CallInst* call = p.only_call(name);
    ASSERT_NE(call, nullptr);
    // Each piece is loaded from the slot the struct was packed into, for
    // argument `v` of this function.
    llvm::AllocaInst* arg_slot = nullptr;
    for (unsigned k = 0; k < call->arg_size(); ++k) {
      auto* load = llvm::dyn_cast<llvm::LoadInst>(call->getArgOperand(k));
      ASSERT_NE(load, nullptr) << k;
      llvm::AllocaInst* slot = slot_of(load->getPointerOperand());
      ASSERT_NE(slot, nullptr);
      if (arg_slot != nullptr) {
        EXPECT_EQ(slot, arg_slot);
      }
      arg_slot = slot;
    }
    ASSERT_NE(arg_slot, nullptr);
    llvm::CallInst* pack = pack_into(p, arg_slot);
    ASSERT_NE(pack, nullptr);
    EXPECT_TRUE(pack->comesBefore(call));
    EXPECT_EQ(cstring_of(pack->getArgOperand(3)), name);
    EXPECT_EQ(cstring_of(pack->getArgOperand(4)), "v");
    // The result's pieces are stored into a slot, which is unpacked.
    llvm::AllocaInst* result_slot = nullptr;
    for (llvm::User* u : call->users()) {
      llvm::Value* piece = u;
      if (!llvm::isa<llvm::ExtractValueInst>(u)) piece = call;
      for (llvm::User* pu : piece->users())
        if (auto* store = llvm::dyn_cast<llvm::StoreInst>(pu); store && part_of(store->getValueOperand(), call))
          result_slot = slot_of(store->getPointerOperand());
    }
    ASSERT_NE(result_slot, nullptr) << p.ir();
    EXPECT_NE(result_slot, arg_slot);
    llvm::CallInst* unpack = unpack_from(p, result_slot);
    ASSERT_NE(unpack, nullptr);
    EXPECT_TRUE(call->comesBefore(unpack));
    EXPECT_EQ(cstring_of(unpack->getArgOperand(2)), name);
  }
}

TEST(CodegenFfiStructs, LargeStructsGoByvalAndComeBackThroughSret) {
  // Mixed is 24 bytes (MEMORY); the scalars around it keep their
  // conversions and extensions.
  Program p(R"hako(extern struct Mixed { tag: u8, v: f64, n: i32 }
extern "C" {
  fn echo_mixed(m: Mixed) -> Mixed
  fn mix(c: i8, m: Mixed, f: f32) -> i16
}
static box M { run(c, x) { unsafe { print(echo_mixed(new Mixed(1, 2, 3)).n); print(mix(c, new Mixed(), x)) } } }
static box Main { main() { M.run(3, 1.5); return 0 } })hako");
  ASSERT_TRUE(p.mod);
  ASSERT_TRUE(verifies(p));
  llvm::Function* echo = p.fn("echo_mixed");
  ASSERT_NE(echo, nullptr);
  EXPECT_EQ(type_text(echo->getFunctionType()), "void (ptr, ptr)");
  llvm::CallInst* call = p.only_call("echo_mixed");
  ASSERT_NE(call, nullptr);
  for (const llvm::AttributeList& attrs : {echo->getAttributes(), call->getAttributes()}) {
    EXPECT_EQ(type_text(attrs.getParamStructRetType(0)), "{ i8, double, i32 }");
    EXPECT_TRUE(attrs.hasParamAttr(0, llvm::Attribute::NoAlias));
    EXPECT_EQ(attrs.getParamAlignment(0).valueOrOne().value(), 8u);
    EXPECT_EQ(type_text(attrs.getParamByValType(1)), "{ i8, double, i32 }");
    EXPECT_EQ(attrs.getParamAlignment(1).valueOrOne().value(), 8u);
  }
  // The byval copy is the slot the argument was packed into; the sret slot
  // is another, unpacked after the call.
  llvm::AllocaInst* sret = slot_of(call->getArgOperand(0));
  llvm::AllocaInst* byval = slot_of(call->getArgOperand(1));
  ASSERT_NE(sret, nullptr);
  ASSERT_NE(byval, nullptr);
  EXPECT_NE(sret, byval);
  EXPECT_GE(byval->getAlign().value(), 8u);
  llvm::CallInst* pack = pack_into(p, byval);
  ASSERT_NE(pack, nullptr);
  EXPECT_EQ(cstring_of(pack->getArgOperand(4)), "m");
  llvm::CallInst* unpack = unpack_from(p, sret);
  ASSERT_NE(unpack, nullptr);
  EXPECT_TRUE(call->comesBefore(unpack));

  llvm::Function* mix = p.fn("mix");
  ASSERT_NE(mix, nullptr);
  EXPECT_EQ(type_text(mix->getFunctionType()), "i16 (i8, ptr, float)");
  EXPECT_TRUE(mix->getAttributes().hasParamAttr(0, llvm::Attribute::SExt));
  EXPECT_TRUE(mix->hasRetAttribute(llvm::Attribute::SExt));
  EXPECT_NE(mix->getAttributes().getParamByValType(1), nullptr);
  llvm::CallInst* mix_call = p.only_call("mix");
  ASSERT_NE(mix_call, nullptr);
  EXPECT_TRUE(mix_call->paramHasAttr(0, llvm::Attribute::SExt));
  EXPECT_TRUE(llvm::isa<llvm::TruncInst>(mix_call->getArgOperand(0)));
  EXPECT_TRUE(llvm::isa<llvm::FPTruncInst>(mix_call->getArgOperand(2)));
  llvm::CallInst* error = p.only_call("reml_ffi_range_error");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(cstring_arg(error, 0), "mix");
  EXPECT_EQ(cstring_arg(error, 1), "c");
  ASSERT_TRUE(mix_call->hasOneUse());
  EXPECT_TRUE(llvm::isa<llvm::SExtInst>(*mix_call->user_begin()));
}

// The fields of a reml_cstruct_type_t constant, as the test reads them.
struct FieldDesc {
  std::string name, ctype;
  uint64_t kind = 0, offset = 0;
  llvm::Constant* ptr = nullptr;
  llvm::Constant* nested = nullptr;
};
struct StructDesc {
  std::string name;
  uint64_t size = 0, align = 0, box = 0;
  std::vector<FieldDesc> fields;
};

std::optional<StructDesc> read_desc(llvm::Value* v) {
  auto* gv = llvm::dyn_cast<llvm::GlobalVariable>(v);
  if (gv == nullptr || !gv->isConstant() || !gv->hasPrivateLinkage()) return std::nullopt;
  auto* init = llvm::cast<llvm::ConstantStruct>(gv->getInitializer());
  auto number = [](llvm::Constant* c) { return llvm::cast<llvm::ConstantInt>(c)->getZExtValue(); };
  StructDesc d;
  d.name = cstring_of(init->getOperand(0));
  d.size = number(init->getOperand(1));
  d.align = number(init->getOperand(2));
  d.box = number(init->getOperand(3));
  const uint64_t count = number(init->getOperand(4));
  auto* fields = llvm::cast<llvm::GlobalVariable>(init->getOperand(5));
  auto* array = llvm::cast<llvm::ConstantArray>(fields->getInitializer());
  if (array->getNumOperands() != count) return std::nullopt;
  for (unsigned k = 0; k < count; ++k) {
    auto* f = llvm::cast<llvm::ConstantStruct>(array->getOperand(k));
    d.fields.push_back(FieldDesc{cstring_of(f->getOperand(0)), cstring_of(f->getOperand(1)), number(f->getOperand(2)),
                                 number(f->getOperand(3)), f->getOperand(6), f->getOperand(7)});
  }
  return d;
}

// The box index of extern struct `name` in the module.
uint64_t box_of(const Program& p, const std::string& name) {
  for (const mir::CType& c : p.comp.module->ctypes)
    if (c.kind == mir::CTypeKind::Struct && c.name == name) return c.box;
  ADD_FAILURE() << "no struct " << name;
  return 0;
}

TEST(CodegenFfiStructs, OneDescriptorPerStructTypeWithItsFieldsAndNestedTypes) {
  Program p(R"hako(extern struct Vec2 { x: f64, y: f64 }
extern struct Seg { a: Vec2, b: Vec2 }
extern struct Tagged { ok: bool, n: i16, p: Ptr<i32> }
extern "C" { fn seg_len(s: Seg) -> f64; fn tag(t: Tagged, u: Tagged) }
static box Main { main() { unsafe { print(seg_len(new Seg())); tag(new Tagged(), new Tagged(true, 2, null)) } return 0 } })hako");
  ASSERT_TRUE(p.mod);
  ASSERT_TRUE(verifies(p));
  std::vector<llvm::CallInst*> packs = p.calls_to("reml_ffi_struct_pack");
  ASSERT_EQ(packs.size(), 3u);
  std::map<std::string, llvm::Value*> desc_of;
  for (llvm::CallInst* c : packs) {
    std::optional<StructDesc> d = read_desc(c->getArgOperand(1));
    ASSERT_TRUE(d);
    if (desc_of.count(d->name)) {
      EXPECT_EQ(desc_of[d->name], c->getArgOperand(1)) << "one descriptor per type";
    }
    desc_of[d->name] = c->getArgOperand(1);
  }
  ASSERT_EQ(desc_of.size(), 2u);

  std::optional<StructDesc> seg = read_desc(desc_of["Seg"]);
  ASSERT_TRUE(seg);
  EXPECT_EQ(seg->size, 32u);
  EXPECT_EQ(seg->align, 8u);
  EXPECT_EQ(seg->box, box_of(p, "Seg"));
  ASSERT_EQ(seg->fields.size(), 2u);
  EXPECT_EQ(seg->fields[0].name, "a");
  EXPECT_EQ(seg->fields[0].ctype, "Vec2");
  EXPECT_EQ(seg->fields[0].kind, uint64_t{REML_CF_STRUCT});
  EXPECT_EQ(seg->fields[1].offset, 16u);
  EXPECT_EQ(seg->fields[0].nested, seg->fields[1].nested);
  std::optional<StructDesc> vec2 = read_desc(seg->fields[0].nested);
  ASSERT_TRUE(vec2);
  EXPECT_EQ(vec2->name, "Vec2");
  EXPECT_EQ(vec2->size, 16u);
  EXPECT_EQ(vec2->box, box_of(p, "Vec2"));
  ASSERT_EQ(vec2->fields.size(), 2u);
  EXPECT_EQ(vec2->fields[1].name, "y");
  EXPECT_EQ(vec2->fields[1].ctype, "f64");
  EXPECT_EQ(vec2->fields[1].kind, uint64_t{REML_CF_F64});
  EXPECT_EQ(vec2->fields[1].offset, 8u);
  EXPECT_TRUE(vec2->fields[1].nested->isNullValue());

  std::optional<StructDesc> tagged = read_desc(desc_of["Tagged"]);
  ASSERT_TRUE(tagged);
  EXPECT_EQ(tagged->size, 16u);
  ASSERT_EQ(tagged->fields.size(), 3u);
  EXPECT_EQ(tagged->fields[0].kind, uint64_t{REML_CF_BOOL});
  EXPECT_EQ(tagged->fields[1].ctype, "i16");
  EXPECT_EQ(tagged->fields[1].kind, uint64_t{REML_CF_I16});
  EXPECT_EQ(tagged->fields[1].offset, 2u);
  EXPECT_EQ(tagged->fields[2].ctype, "Ptr<i32>");
  EXPECT_EQ(tagged->fields[2].kind, uint64_t{REML_CF_PTR});
  EXPECT_EQ(tagged->fields[2].offset, 8u);
  // The pointer field's reml_ptr_type_t is the one boxed pointers carry.
  auto* ptr_desc = llvm::dyn_cast<llvm::GlobalVariable>(tagged->fields[2].ptr);
  ASSERT_NE(ptr_desc, nullptr);
  EXPECT_EQ(cstring_of(llvm::cast<llvm::ConstantStruct>(ptr_desc->getInitializer())->getOperand(0)), "Ptr<i32>");
  EXPECT_TRUE(tagged->fields[0].ptr->isNullValue());
  // tag's two arguments: {i16-in-i64, ptr} pieces each, named t and u.
  EXPECT_EQ(type_text(p.fn("tag")->getFunctionType()), "void (i64, ptr, i64, ptr)");
  std::vector<std::string> params;
  for (llvm::CallInst* c : packs) params.push_back(cstring_of(c->getArgOperand(4)));
  std::sort(params.begin(), params.end());
  EXPECT_EQ(params, (std::vector<std::string>{"s", "t", "u"}));
}

TEST(CodegenFfiStructs, TrampolinesTakeAndReturnStructsAsSystemVSays) {
  Program p(R"hako(extern struct Vec2 { x: f64, y: f64 }
extern struct Mixed { tag: u8, v: f64, n: i32 }
extern "C" {
  fn map_vec2(f: FnPtr<(Vec2, f64) -> Vec2>, v: Vec2) -> Vec2
  fn remix(f: FnPtr<(Mixed) -> Mixed>, m: Mixed) -> i64
}
static box Cb {
  shift(v, d) { return new Vec2(v.x + d, v.y - d) }
  twice(m) { return new Mixed(m.tag * 2, m.v * 2, m.n * 2) }
}
static box Main { main() { unsafe { print(map_vec2(Cb.shift, new Vec2(1, 2)).x); print(remix(Cb.twice, new Mixed())) } return 0 } })hako");
  ASSERT_TRUE(p.mod);
  ASSERT_TRUE(verifies(p));
  auto* shift = llvm::dyn_cast<llvm::Function>(p.only_call("map_vec2")->getArgOperand(0));
  ASSERT_NE(shift, nullptr);
  EXPECT_EQ(type_text(shift->getFunctionType()), "{ double, double } (double, double, double)");
  auto* twice = llvm::dyn_cast<llvm::Function>(p.only_call("remix")->getArgOperand(0));
  ASSERT_NE(twice, nullptr);
  EXPECT_EQ(type_text(twice->getFunctionType()), "void (ptr, ptr)");
  EXPECT_EQ(type_text(twice->getAttributes().getParamStructRetType(0)), "{ i8, double, i32 }");
  EXPECT_EQ(type_text(twice->getAttributes().getParamByValType(1)), "{ i8, double, i32 }");

  // Within each trampoline: the parameter unpacked before the Hako call and
  // released after it, the result packed naming the callback and `result`.
  for (llvm::Function* tramp : {shift, twice}) {
    SCOPED_TRACE(tramp->getName().str());
    llvm::CallInst *unpack = nullptr, *pack = nullptr, *hako = nullptr;
    std::vector<llvm::CallInst*> releases;
    for (llvm::Instruction& i : llvm::instructions(*tramp)) {
      auto* c = llvm::dyn_cast<llvm::CallInst>(&i);
      if (c == nullptr || c->getCalledFunction() == nullptr) continue;
      const std::string callee = c->getCalledFunction()->getName().str();
      if (callee == "reml_ffi_struct_unpack") unpack = c;
      if (callee == "reml_ffi_struct_pack") pack = c;
      if (callee.starts_with("Cb.")) hako = c;
      if (callee == "reml_fp_release") releases.push_back(c);
    }
    ASSERT_NE(unpack, nullptr);
    ASSERT_NE(pack, nullptr);
    ASSERT_NE(hako, nullptr);
    EXPECT_TRUE(unpack->comesBefore(hako));
    EXPECT_TRUE(hako->comesBefore(pack));
    EXPECT_EQ(cstring_of(unpack->getArgOperand(2)), tramp == shift ? "Cb.shift" : "Cb.twice");
    EXPECT_EQ(cstring_of(pack->getArgOperand(3)), tramp == shift ? "Cb.shift" : "Cb.twice");
    EXPECT_EQ(cstring_of(pack->getArgOperand(4)), "result");
    bool param_released = false, result_released = false;
    for (llvm::CallInst* r : releases) {
      llvm::Value* h = r->getArgOperand(0);
      if (auto* cast = llvm::dyn_cast<llvm::PtrToIntInst>(h)) h = cast->getPointerOperand();
      if (auto* cast = llvm::dyn_cast<llvm::IntToPtrInst>(h)) h = cast->getOperand(0);
      if (h == unpack && hako->comesBefore(r)) param_released = true;
      if (h == hako && pack->comesBefore(r)) result_released = true;
    }
    EXPECT_TRUE(param_released) << p.ir();
    EXPECT_TRUE(result_released) << p.ir();
  }
  // remix's Mixed arrives as the byval pointer and leaves through sret.
  for (llvm::Instruction& i : llvm::instructions(*twice))
    if (auto* c = llvm::dyn_cast<llvm::CallInst>(&i); c && c->getCalledFunction()) {
      if (c->getCalledFunction()->getName() == "reml_ffi_struct_unpack") {
        EXPECT_EQ(c->getArgOperand(0), twice->getArg(1));
      }
      if (c->getCalledFunction()->getName() == "reml_ffi_struct_pack") {
        EXPECT_EQ(c->getArgOperand(2), twice->getArg(0));
      }
    }
}

// --- end to end: linked with libc and run ----------------------------------------------------

// libreml_runtime.a of this build tree: tests/<this test> → runtime/.
std::optional<fs::path> runtime_library() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  fs::path lib = self.parent_path().parent_path() / "runtime" / "libreml_runtime.a";
  if (!fs::exists(lib, ec)) return std::nullopt;
  return lib;
}

struct Outcome {
  int status = -1;
  std::string out, err;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Builds `src` as an executable at `level` and runs it (with the runtime's
// leak report on stderr when `leak_check`).
std::optional<Outcome> build_and_run(const std::string& src, codegen::OptLevel level, bool leak_check,
                                     const std::vector<std::string>& lib_dirs = {}) {
  std::optional<fs::path> lib = runtime_library();
  if (!lib) return std::nullopt;
  Program p(src);
  if (!p.comp.module) return Outcome{};
  driver::BuildOptions options;
  options.output = (p.dir.path / "prog").string();
  options.runtime_path = lib->string();
  options.codegen.opt = level;
  options.codegen.triple = kHost;
  options.lib_dirs = lib_dirs;
  diag::DiagEngine diags;
  const bool built = driver::build(*p.comp.module, p.source.string(), options, diags);
  EXPECT_TRUE(built) << diags.render(diag::Format::Text);
  if (!built) return Outcome{};
  const fs::path out = p.dir.path / "out", err = p.dir.path / "err";
  const std::string command =
      (leak_check ? "REML_LEAK_CHECK=1 " : "") + options.output + " > " + out.string() + " 2> " + err.string();
  const int raw = std::system(command.c_str());
  Outcome r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

class CodegenFfiRun : public ::testing::TestWithParam<codegen::OptLevel> {
 protected:
  void SetUp() override {
    if (!runtime_library()) GTEST_SKIP() << "libreml_runtime.a not found next to the test";
  }
  Outcome run(const std::string& src, bool leak_check = false, const std::vector<std::string>& lib_dirs = {}) {
    std::optional<Outcome> r = build_and_run(src, GetParam(), leak_check, lib_dirs);
    EXPECT_TRUE(r);
    return r.value_or(Outcome{});
  }
};

TEST_P(CodegenFfiRun, CallsLibcWithIntegersStringsAndMemory) {
  Outcome r = run(R"hako(extern "C" {
  fn strlen(s: CStr) -> usize
  fn abs(x: i32) -> i32
  fn labs(x: i64) -> i64
  fn toupper(c: i32) -> i32
  fn malloc(n: usize) -> MutPtr<void>
  fn free(p: MutPtr<void>)
  fn getenv(name: CStr) -> CStr
  fn atoi(s: CStr) -> i32
  fn isdigit(c: i32) -> i32
}
static box Main {
  main() {
    unsafe {
      print(strlen("hello"))
      print(abs(-42))
      print(labs(-7000000000))
      print(toupper(97))
      local p = malloc(64)
      print(p == null)
      free(p)
      print(getenv("HAKO_CODEGEN_FFI_TEST_SURELY_UNSET"))
      print(atoi("123") + 1)
      print(isdigit(55) != 0)
    }
    return 0
  }
})hako");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "5\n42\n7000000000\n65\nfalse\nnull\n124\ntrue\n");
  EXPECT_EQ(r.err, "");
}

TEST_P(CodegenFfiRun, PrintfReceivesPromotedVarargs) {
  Outcome r = run(R"hako(extern "C" { fn printf(fmt: CStr, ...) -> i32 }
static box Main {
  main() {
    unsafe { printf("%ld|%.3f|%s|%d|%s\n", -9000000000, 2.5, "text", true, "é") }
    return 0
  }
})hako");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "-9000000000|2.500|text|1|é\n");
}

TEST_P(CodegenFfiRun, QsortCallsAHakoComparator) {
  Outcome r = run(R"hako(extern "C" {
  fn strdup(s: CStr) -> MutPtr<u8>
  fn qsort(base: MutPtr<u8>, n: usize, size: usize, cmp: FnPtr<(Ptr<u8>, Ptr<u8>) -> i32>)
  fn memcmp(a: Ptr<u8>, b: Ptr<u8>, n: usize) -> i32
  @ownership("transferred") @link_name("strdup") fn text_of(p: Ptr<u8>) -> CStr
  fn free(p: MutPtr<u8>)
}
static box Order {
  descending(a, b) { unsafe { return memcmp(b, a, 1) } }
}
static box Main {
  main() {
    unsafe {
      local buf = strdup("hakoqsort")
      qsort(buf, 9, 1, Order.descending)
      print(text_of(buf))
      free(buf)
    }
    return 0
  }
})hako");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "tsrqookha\n");
}

TEST_P(CodegenFfiRun, OutOfRangeArgumentIsARuntimeError) {
  Outcome r = run(R"hako(extern "C" { fn putchar(c: i8) -> i32 }
static box Main {
  main() {
    local c = 300
    unsafe { putchar(c) }
    return 0
  }
})hako");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("prog.hako:5:14: runtime error: FFI argument 'c' of 'putchar' must fit i8, got 300"),
            std::string::npos)
      << r.err;
}

TEST_P(CodegenFfiRun, CallbackResultOutOfRangeNamesTheCallback) {
  Outcome r = run(R"hako(extern "C" {
  fn strdup(s: CStr) -> MutPtr<u8>
  fn qsort(base: MutPtr<u8>, n: usize, size: usize, cmp: FnPtr<(Ptr<u8>, Ptr<u8>) -> i8>)
}
static box Order { bad(a, b) { return 1000 } }
static box Main {
  main() {
    unsafe {
      local buf = strdup("ab")
      qsort(buf, 2, 1, Order.bad)
    }
    return 0
  }
})hako");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("prog.hako:10:7: runtime error: FFI argument 'result' of 'Order.bad' must fit i8, got 1000"),
            std::string::npos)
      << r.err;
}

TEST_P(CodegenFfiRun, CallbacksReceiveStringsAndLeakNothing) {
  // nftw passes each path as a CStr: a new String per call, released after it.
  TempDir tree("tree");
  fs::create_directories(tree.path / "sub");
  std::ofstream(tree.path / "a.txt") << "a";
  std::ofstream(tree.path / "sub" / "b.txt") << "b";
  Outcome r = run(R"hako(extern "C" {
  fn nftw(dir: CStr, cb: FnPtr<(CStr, Ptr<void>, i32, Ptr<void>) -> i32>, fds: i32, flags: i32) -> i32
}
static box Walker {
  visit(path, st, kind, ftw) {
    print(path.substring(path.lastIndexOf("/") + 1, path.length()) + " " + kind)
    return 0
  }
}
static box Main {
  main() {
    unsafe { print(nftw(")hako" + tree.path.string() + R"hako(", Walker.visit, 4, 0)) }
    return 0
  }
})hako",
                  /*leak_check=*/true);
  EXPECT_EQ(r.status, 0) << r.err;
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back(), "0");  // nftw's result, after every visit
  lines.pop_back();
  std::vector<std::string> visits = {"a.txt 0", "b.txt 0", "sub 1", tree.path.filename().string() + " 1"};
  std::sort(lines.begin(), lines.end());
  std::sort(visits.begin(), visits.end());
  EXPECT_EQ(lines, visits);
  EXPECT_NE(r.err.find("leak-check: 0 objects live at exit"), std::string::npos) << r.err;
}

// C functions taking and returning structs by value, built by the system C
// compiler (GCC here, while struct_abi follows Clang: both must agree) as
// libstructtest.so in `dir`.
constexpr const char* kStructLibrary = R"c(
#include <stdbool.h>
#include <stdint.h>
typedef struct { double x, y; } Vec2;
typedef struct { float x, y; } Vec2f;
typedef struct { int32_t i; float f; } IntFloat;
typedef struct { uint8_t tag; double v; int32_t n; } Mixed;
typedef struct { Vec2 a, b; } Seg;
typedef struct { int8_t lo; uint16_t mid; bool on; } Small;
Vec2 scale(Vec2 v, double k) { Vec2 r = { v.x * k, v.y * k }; return r; }
Seg swap(Seg s) { Seg r = { s.b, s.a }; return r; }
Mixed bump(Mixed m, int8_t by) { m.tag += by; m.v += by; m.n += by; return m; }
/* Vec2 finds no SSE register left; IntFloat no INTEGER one. */
double crowded(double a, double b, double c, double d, double e, double f, double g, double h, Vec2 v) {
  return a + b + c + d + e + f + g + h + v.x + v.y;
}
double late(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, IntFloat x, Vec2f y) {
  return (double)(a + b + c + d + e + f + x.i) + x.f + y.x + y.y;
}
Vec2 fold(Vec2 (*f)(Vec2, Vec2), Vec2 a, Vec2 b) { return f(f(a, b), b); }
int64_t remix(Mixed (*f)(Mixed), Mixed m) {
  Mixed r = f(m);
  return r.tag * 1000000 + (int64_t)(r.v * 1000) + r.n;
}
int64_t flip(Small (*f)(Small), Small s) {
  Small r = f(s);
  return r.lo * 1000000 + r.mid * 10 + r.on;
}
)c";

const char* kStructDecls = R"hako(extern struct Vec2 { x: f64, y: f64 }
extern struct Vec2f { x: f32, y: f32 }
extern struct IntFloat { i: i32, f: f32 }
extern struct Mixed { tag: u8, v: f64, n: i32 }
extern struct Seg { a: Vec2, b: Vec2 }
extern struct Small { lo: i8, mid: u16, on: bool }
@library("structtest") extern "C" {
  fn scale(v: Vec2, k: f64) -> Vec2
  fn swap(s: Seg) -> Seg
  fn bump(m: Mixed, by: i8) -> Mixed
  fn crowded(a: f64, b: f64, c: f64, d: f64, e: f64, f: f64, g: f64, h: f64, v: Vec2) -> f64
  fn late(a: i64, b: i64, c: i64, d: i64, e: i64, f: i64, x: IntFloat, y: Vec2f) -> f64
  fn fold(f: FnPtr<(Vec2, Vec2) -> Vec2>, a: Vec2, b: Vec2) -> Vec2
  fn remix(f: FnPtr<(Mixed) -> Mixed>, m: Mixed) -> i64
  fn flip(f: FnPtr<(Small) -> Small>, s: Small) -> i64
}
)hako";

// Compiles kStructLibrary into `dir` (a test failure when the compiler fails).
bool build_struct_library(const TempDir& dir) {
  std::ofstream(dir.path / "structtest.c") << kStructLibrary;
  const char* cc = std::getenv("HAKO_CC");
  const std::string command = std::string(cc != nullptr ? cc : "cc") + " -shared -fPIC -O1 -o " +
                              (dir.path / "libstructtest.so").string() + " " + (dir.path / "structtest.c").string();
  const int status = std::system(command.c_str());
  EXPECT_EQ(status, 0) << command;
  return status == 0;
}

TEST_P(CodegenFfiRun, StructsByValueBothWaysAndThroughCallbacks) {
  TempDir lib("lib");
  ASSERT_TRUE(build_struct_library(lib));
  Outcome r = run(std::string(kStructDecls) + R"hako(
static box Cb {
  add(a, b) { return new Vec2(a.x + b.x, a.y + b.y) }
  twice(m) { return new Mixed(m.tag * 2, m.v * 2, m.n * 2) }
  flip(s) { return new Small(s.lo + 1, s.mid * 2, not s.on) }
}
static box Main {
  main() {
    unsafe {
      local v = scale(new Vec2(1.5, -2), 2)
      print(v.x + " " + v.y)
      local s = swap(new Seg(new Vec2(1, 2), new Vec2(3, 4)))
      print(s.a.x + " " + s.a.y + " " + s.b.x + " " + s.b.y)
      local m = bump(new Mixed(250, 0.5, 7), 5)
      print(m.tag + " " + m.v + " " + m.n)
      print(crowded(1, 2, 3, 4, 5, 6, 7, 8, new Vec2(9, 10)))
      print(late(1, 2, 3, 4, 5, 6, new IntFloat(7, 0.5), new Vec2f(8, 9)))
      local f = fold(Cb.add, new Vec2(1, 2), new Vec2(10, 20))
      print(f.x + " " + f.y)
      print(remix(Cb.twice, new Mixed(3, 1.5, -4)))
      print(flip(Cb.flip, new Small(-5, 300, false)))
    }
    return 0
  }
})hako",
                  /*leak_check=*/true, {lib.path.string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "3 -4\n3 4 1 2\n255 5.5 12\n55\n45.5\n21 42\n6002992\n-3993999\n");
  EXPECT_NE(r.err.find("leak-check: 0 objects live at exit"), std::string::npos) << r.err;
}

TEST_P(CodegenFfiRun, StructFieldOutOfRangeNamesArgumentOrResultAndField) {
  TempDir lib("lib");
  ASSERT_TRUE(build_struct_library(lib));
  // An argument's field: the extern and `m.tag`.
  Outcome arg = run(std::string(kStructDecls) + R"hako(
static box Main {
  main() {
    unsafe { bump(new Mixed(256, 0, 0), 1) }
    return 0
  }
})hako",
                    false, {lib.path.string()});
  EXPECT_EQ(arg.status, 1);
  EXPECT_NE(arg.err.find("prog.hako:20:14: runtime error: FFI argument 'm.tag' of 'bump' must fit u8, got 256"),
            std::string::npos)
      << arg.err;
  // A callback's result field: the callback and `result.lo`, reported at
  // the extern call that passed it.
  Outcome result = run(std::string(kStructDecls) + R"hako(
static box Cb { bad(s) { return new Small(300, 0, true) } }
static box Main {
  main() {
    unsafe { print(flip(Cb.bad, new Small())) }
    return 0
  }
})hako",
                       false, {lib.path.string()});
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("prog.hako:21:20: runtime error: FFI argument 'result.lo' of 'Cb.bad' must fit i8, got 300"),
            std::string::npos)
      << result.err;
}

INSTANTIATE_TEST_SUITE_P(Levels, CodegenFfiRun, ::testing::Values(codegen::OptLevel::O0, codegen::OptLevel::O2),
                         [](const ::testing::TestParamInfo<codegen::OptLevel>& info) {
                           return info.param == codegen::OptLevel::O0 ? std::string("O0") : std::string("O2");
                         });

}  // namespace
}  // namespace hako
