// Unit tests of src/mir: the text printer and parser (round trips, errors,
// fuzzing), the JSON writer and the verifier (one test per rule).
#include <gtest/gtest.h>

#include <bit>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "base/source.h"
#include "diag/diag.h"
#include "mir/builder.h"
#include "mir/mir.h"
#include "mir/printer.h"
#include "mir/text_parser.h"
#include "mir/verify.h"
#include "mir_ids.h"

namespace hako::mir {
namespace {

using namespace id_literals;

const Tag kInt = Tag::of(Kind::Int);
const Tag kFloat = Tag::of(Kind::Float);
const Tag kBool = Tag::of(Kind::Bool);
const Tag kString = Tag::of(Kind::String);
const Tag kHandle = Tag::of(Kind::Handle);
const Tag kVoid = Tag::of(Kind::Void);
const Tag kArray = Tag::of(Kind::Array);
const Tag kMap = Tag::of(Kind::Map);
const Tag kConsole = Tag::of(Kind::Console);

uint64_t bits(double d) { return std::bit_cast<uint64_t>(d); }
double from_bits(uint64_t b) { return std::bit_cast<double>(b); }

// --- building blocks -------------------------------------------------------------------

Inst make(Op op, Tag tag, std::vector<ValueId> args = {}, Loc loc = {}) {
  Inst i;
  i.op = op;
  i.tag = tag;
  i.args = std::move(args);
  i.loc = loc;
  return i;
}

Inst with_ref(Inst i, uint32_t ref, int64_t imm = 0) {
  i.ref = ref;
  i.imm = imm;
  return i;
}

uint32_t rt(const char* symbol) { return static_cast<uint32_t>(*rt_from_symbol(symbol)); }

constexpr FuncId kMain{0}, kFib{1}, kSum{2}, kNorm{3};

void build_fib(Module& m) {
  Function& f = m.functions[kFib];
  f.name = "Main.fib/1";
  f.ret = kInt;
  FunctionBuilder b(f);
  b.set_params({kInt});
  BlockId b0 = b.new_block(), b1 = b.new_block(), b2 = b.new_block();
  b.set_block(b0);
  ValueId two = b.const_i(2);
  ValueId small = b.binary(Op::LtI, kBool, 0_v, two);
  b.cond_br(small, b1, b2);
  b.set_block(b1);
  b.ret(0_v);
  b.set_block(b2);
  ValueId one = b.const_i(1);
  ValueId n1 = b.binary(Op::SubI, kInt, 0_v, one, {12, 20});
  ValueId r1 = b.emit(with_ref(make(Op::Call, kInt, {n1}, {12, 16}), kFib), true);
  ValueId n2 = b.binary(Op::SubI, kInt, 0_v, two);
  ValueId r2 = b.emit(with_ref(make(Op::Call, kInt, {n2}), kFib), true);
  b.ret(b.binary(Op::AddI, kInt, r1, r2));
  f.ifs.push_back(IfForm{b0, b1, b2, kNoBlock});
}

// A counting loop whose header phis take a value from the latch, defined
// later in block order than the phi that uses it.
void build_sum(Module& m) {
  Function& f = m.functions[kSum];
  f.name = "Main.sum/1";
  f.ret = kInt;
  FunctionBuilder b(f);
  b.set_params({kInt});
  BlockId entry = b.new_block(), header = b.new_block(), body = b.new_block(), latch = b.new_block(),
          exit = b.new_block();
  b.set_block(entry);
  ValueId zero = b.const_i(0);
  b.br(header);
  ValueId i = b.phi(header, kInt);
  ValueId s = b.phi(header, kInt);
  b.set_block(header);
  b.cond_br(b.binary(Op::LtI, kBool, i, 0_v), body, exit);
  b.set_block(body);
  ValueId s2 = b.binary(Op::AddI, kInt, s, i);
  b.br(latch);
  b.set_block(latch);
  ValueId i2 = b.binary(Op::AddI, kInt, i, b.const_i(1));
  b.br(header);
  b.set_block(exit);
  b.ret(s);
  b.add_phi_incoming(header, i, zero, entry);
  b.add_phi_incoming(header, i, i2, latch);
  b.add_phi_incoming(header, s, zero, entry);
  b.add_phi_incoming(header, s, s2, latch);
  f.loops.push_back(LoopForm{header, body, latch, exit});
}

void build_norm(Module& m) {
  Function& f = m.functions[kNorm];
  f.name = "Point.norm2/0";
  f.ret = kHandle;
  f.has_me = true;
  f.box = 0;
  FunctionBuilder b(f);
  b.set_params({Tag::user_box(0)});
  b.set_block(b.new_block());
  ValueId x = b.emit(with_ref(make(Op::GetField, kHandle, {0_v}), 0, 0), true);
  b.emit(with_ref(make(Op::SetField, kVoid, {0_v, x}), 0, 1), false);
  ValueId xi = b.emit(make(Op::Unbox, kInt, {x}, {3, 5}), true);
  ValueId sq = b.binary(Op::MulI, kInt, xi, xi);
  ValueId h = b.unary(Op::Box, kHandle, sq);
  uint32_t xs = m.intern("x");
  ValueId hx = b.emit(with_ref(make(Op::GetFieldH, kHandle, {h}, {4, 1}), xs), true);
  b.emit(with_ref(make(Op::SetFieldH, kVoid, {h, hx}), xs), false);
  ValueId r = b.emit(with_ref(make(Op::CallMethod, kHandle, {h, hx}, {5, 2}), m.intern("norm")), true);
  b.ret(b.binary(Op::AddH, kHandle, r, hx));
}

void build_main(Module& m) {
  Function& f = m.functions[kMain];
  f.name = "Main.main/0";
  f.ret = kInt;
  FunctionBuilder b(f);
  b.set_params({});
  BlockId b0 = b.new_block(), b1 = b.new_block(), b2 = b.new_block(), b3 = b.new_block(), b4 = b.new_block();
  b.set_block(b0);
  ValueId p = b.emit(with_ref(make(Op::NewBox, Tag::user_box(0)), 0), true);
  b.emit(with_ref(make(Op::Call, kHandle, {p}), kNorm), true);
  ValueId str = b.emit(with_ref(make(Op::ConstS, kString), m.intern("hi\n\t\"q\"\\ \x01 \xc3\xa9")), true);
  ValueId len = b.emit(with_ref(make(Op::CallRt, kInt, {str}), rt("reml_str_len")), true);
  b.emit(with_ref(make(Op::CallRt, kVoid, {str}), rt("reml_print_str")), false);
  ValueId fl = b.const_f(0.1);
  b.emit(with_ref(make(Op::CallRt, kInt, {fl}), rt("reml_f64_to_i64")), true);
  b.const_b(true);
  ValueId v = b.emit(make(Op::ConstVoid, kHandle), true);
  ValueId g = b.emit(with_ref(make(Op::GetGlobal, kHandle), 0), true);
  b.emit(with_ref(make(Op::SetGlobal, kVoid, {v}), 0), false);
  ValueId arr = b.emit(make(Op::NewArray, kArray), true);
  b.emit(make(Op::NewMap, kMap), true);
  b.emit(make(Op::NewConsole, kConsole), true);
  b.emit(with_ref(make(Op::CallRt, kVoid, {arr, g}), rt("reml_array_push")), false);
  ValueId t = b.emit(make(Op::Truthy, kBool, {g}, {7, 9}), true);
  b.cond_br(t, b1, b2);
  b.set_block(b1);
  ValueId one = b.const_i(1);
  b.br(b3);
  b.set_block(b2);
  ValueId two = b.emit(with_ref(make(Op::Call, kInt, {len}), kFib), true);
  b.br(b3);
  ValueId merged = b.phi(b3, kInt);
  b.add_phi_incoming(b3, merged, one, b1);
  b.add_phi_incoming(b3, merged, two, b2);
  b.set_block(b3);
  b.ret(merged);
  b.set_block(b4);  // unreachable: allowed, checked structurally only
  b.emit(make(Op::Unreachable, kVoid), false);
  f.ifs.push_back(IfForm{b0, b1, b2, b3});
}

// A well-formed module exercising phis, loops, ifs, calls, fields, globals,
// runtime calls and every operand letter.
Module sample() {
  Module m;
  m.sources = {"tests/run/sample.hako", "tests/run/modules/sample_lib.hako"};
  m.boxes.push_back(BoxType{"Point", {Field{"x", false}, Field{"owner", true}}, {}});
  m.boxes.push_back(BoxType{"Util", {}, {}});
  m.globals.push_back(Global{"Util.count"});
  m.functions.resize(4);
  build_main(m);
  build_fib(m);
  build_sum(m);
  build_norm(m);
  m.boxes[0].methods.push_back(BoxType::Method{"norm2", 0, kNorm});
  m.entry = kMain;
  return m;
}

// Tags of the parameters of `every_op`, one per value letter.
const std::vector<Tag> kLetterParams = {kInt,  kFloat,  kBool,           kString,           kHandle,
                                        kArray, kMap, kConsole, Tag::user_box(0), Tag::of(Kind::Weak)};

ValueId param_for_letter(char c) {
  static const char kLetters[] = "IFBSHAMCUW";
  const char* p = std::strchr(kLetters, c);
  return p ? ValueId::from_size(static_cast<size_t>(p - kLetters)) : 0_v;  // X: an Int
}

// A function holding one instruction of every non-control opcode, operands
// chosen from the letters of instructions.def, so that a new opcode is
// printed, parsed and verified without touching this test.
void add_every_op(Module& m) {
  FuncId id = FuncId::from_size(m.functions.size());
  m.functions.emplace_back();
  Function& f = m.functions[id];
  f.name = "Main.every/10";
  f.ret = kInt;
  // call_c calls `ext(x: i64) -> i64`; fn_ptr takes @fib as an FnPtr<(i64) -> i64>.
  const CTypeId i64 = m.intern_ctype(CType::plain(CTypeKind::I64));
  const CTypeId callback = m.intern_ctype(CType::fn_ptr({i64}, i64));
  ExternFn ext;
  ext.name = "ext";
  ext.symbol = "ext";
  ext.params.push_back(ExternParam{"x", i64, Ownership::Borrowed});
  ext.ret = i64;
  m.externs.push_back(ext);
  FunctionBuilder b(f);
  b.set_params(kLetterParams);
  BlockId b0 = b.new_block(), b1 = b.new_block(), b2 = b.new_block(), b3 = b.new_block();
  b.set_block(b0);
  for (uint32_t k = 0; k < op_count(); ++k) {
    Op op = static_cast<Op>(k);
    const OpInfo& info = op_info(op);
    if ((info.flags & TERM) || op == Op::Phi) continue;
    Inst inst;
    inst.op = op;
    inst.loc = Loc{k + 1, 2, k % 2};  // in both source files
    for (const char* p = info.operands; *p; ++p) {
      switch (*p) {
        case 'i': inst.imm = 1; break;
        case 'f': inst.fimm = 2.5; break;
        case 's': inst.ref = m.intern("name"); break;
        case '@': inst.ref = kFib; break;
        case 'T': inst.ref = 0; break;
        case 'K': inst.ref = 0, inst.imm = 1; break;
        case 'G': inst.ref = 0; break;
        case 'R': inst.ref = rt("reml_str_index_of_from"); break;
        case 'E': inst.ref = 0; break;
        case '*':
          if (op == Op::Call) inst.args.push_back(0_v);
          if (op == Op::CallRt) inst.args = {3_v, 3_v, 0_v};
          if (op == Op::CallMethod) inst.args.push_back(4_v);
          if (op == Op::CallC) inst.args.push_back(0_v);
          break;
        default:
          if (op == Op::EqRef || op == Op::NeRef || op == Op::Retain || op == Op::Release) {
            inst.args.push_back(3_v);
          } else if (op == Op::WeakNew) {
            inst.args.push_back(param_for_letter('U'));  // a box
          } else if (op == Op::WeakRetain || op == Op::WeakDrop) {
            inst.args.push_back(param_for_letter('W'));
          } else {
            inst.args.push_back(param_for_letter(*p));
          }
      }
    }
    std::string_view result = info.result;
    if (result == "-") {
      b.emit(std::move(inst), false);
      continue;
    }
    if (auto t = tag_of_letter(result[0])) {
      inst.tag = *t;
    } else if (result == "U") {
      inst.tag = Tag::user_box(0);
    } else if (op == Op::FnPtr) {
      inst.tag = Tag::pointer(callback);
    } else {
      inst.tag = op == Op::ConstVoid ? kHandle : kInt;  // copy, unbox, call and call_rt all yield Int here
    }
    b.emit(std::move(inst), true);
  }
  b.cond_br(2_v, b1, b2);
  b.set_block(b1);
  b.br(b3);
  b.set_block(b2);
  b.br(b3);
  ValueId phi = b.phi(b3, kInt);
  b.add_phi_incoming(b3, phi, 0_v, b1);
  b.add_phi_incoming(b3, phi, 0_v, b2);
  b.set_block(b3);
  b.ret(phi);
  f.scopes = {ScopeForm{b0, kNone}, ScopeForm{b1, 0}};
  f.slot_names = {"x", "phi"};
  f.value_slot.assign(f.value_count(), kNone);
  f.value_slot[0] = 0;
  f.value_slot[phi] = 1;
}

// --- comparison --------------------------------------------------------------------------

// The first structural difference between two modules ("" when equal).
// String operands compare by text: the pool is rebuilt by the parser.
std::string difference(const Module& a, const Module& b) {
  if (a.sources != b.sources) return "sources";
  if (a.rc_explicit != b.rc_explicit) return "rc explicit";
  for (size_t i = 0; i < a.functions.size() && i < b.functions.size(); ++i) {
    const Function &x = a.functions[i], &y = b.functions[i];
    if (x.slot_names != y.slot_names || x.value_slot != y.value_slot) return "slots of " + x.name;
    if (x.scopes.size() != y.scopes.size()) return "scopes of " + x.name;
    for (size_t k = 0; k < x.scopes.size(); ++k)
      if (x.scopes[k].entry != y.scopes[k].entry || x.scopes[k].parent != y.scopes[k].parent) return "scope";
  }
  if (a.entry != b.entry) return "entry";
  if (a.boxes.size() != b.boxes.size()) return "box count";
  for (size_t i = 0; i < a.boxes.size(); ++i) {
    const BoxType &x = a.boxes[i], &y = b.boxes[i];
    if (x.name != y.name || x.fields.size() != y.fields.size() || x.methods.size() != y.methods.size())
      return "box " + x.name;
    for (size_t k = 0; k < x.fields.size(); ++k)
      if (x.fields[k].name != y.fields[k].name || x.fields[k].is_weak != y.fields[k].is_weak) return "field";
    for (size_t k = 0; k < x.methods.size(); ++k)
      if (x.methods[k].name != y.methods[k].name || x.methods[k].arity != y.methods[k].arity ||
          x.methods[k].func != y.methods[k].func)
        return "method";
  }
  if (a.globals.size() != b.globals.size()) return "globals";
  for (size_t i = 0; i < a.globals.size(); ++i)
    if (a.globals[i].name != b.globals[i].name) return "global";
  // C types compare by spelling: the parser interns them in its own order.
  if (a.externs.size() != b.externs.size()) return "extern count";
  for (size_t i = 0; i < a.externs.size(); ++i) {
    const ExternFn &x = a.externs[i], &y = b.externs[i];
    if (x.name != y.name || x.symbol != y.symbol || x.library != y.library || x.variadic != y.variadic ||
        x.params.size() != y.params.size() || ctype_text(a, x.ret) != ctype_text(b, y.ret) || x.ret_own != y.ret_own)
      return "extern " + x.name;
    for (size_t k = 0; k < x.params.size(); ++k)
      if (x.params[k].name != y.params[k].name || x.params[k].own != y.params[k].own ||
          ctype_text(a, x.params[k].type) != ctype_text(b, y.params[k].type))
        return "parameter of extern " + x.name;
  }
  if (a.functions.size() != b.functions.size()) return "function count";
  for (size_t fi = 0; fi < a.functions.size(); ++fi) {
    const Function &f = a.functions[fi], &g = b.functions[fi];
    std::string where = "fn " + f.name + ": ";
    if (f.name != g.name || f.box != g.box || f.has_me != g.has_me || f.params != g.params || f.ret != g.ret)
      return where + "signature";
    if (f.value_tags != g.value_tags) return where + "value tags";
    if (f.loops.size() != g.loops.size() || f.ifs.size() != g.ifs.size()) return where + "forms";
    for (size_t k = 0; k < f.loops.size(); ++k)
      if (f.loops[k].header != g.loops[k].header || f.loops[k].body != g.loops[k].body ||
          f.loops[k].latch != g.loops[k].latch || f.loops[k].exit != g.loops[k].exit)
        return where + "loop";
    for (size_t k = 0; k < f.ifs.size(); ++k)
      if (f.ifs[k].cond != g.ifs[k].cond || f.ifs[k].then_entry != g.ifs[k].then_entry ||
          f.ifs[k].else_entry != g.ifs[k].else_entry || f.ifs[k].merge != g.ifs[k].merge)
        return where + "if";
    if (f.blocks.size() != g.blocks.size()) return where + "block count";
    for (size_t bi = 0; bi < f.blocks.size(); ++bi) {
      const auto &xs = f.blocks[bi].insts, &ys = g.blocks[bi].insts;
      if (xs.size() != ys.size()) return where + "bb" + std::to_string(bi) + " size";
      for (size_t k = 0; k < xs.size(); ++k) {
        const Inst &x = xs[k], &y = ys[k];
        std::string at = where + "bb" + std::to_string(bi) + " #" + std::to_string(k) + ": ";
        if (x.op != y.op || x.result != y.result || x.args != y.args || x.targets != y.targets) return at + "shape";
        if (x.result != kNoValue && x.tag != y.tag) return at + "tag";
        if (x.imm != y.imm || bits(x.fimm) != bits(y.fimm)) return at + "immediate";
        if (x.loc.line != y.loc.line || x.loc.col != y.loc.col || x.loc.file != y.loc.file) return at + "loc";
        bool string_ref = std::strchr(op_info(x.op).operands, 's') != nullptr;
        if (string_ref ? a.strings.at(x.ref) != b.strings.at(y.ref) : x.ref != y.ref) return at + "ref";
      }
    }
  }
  return "";
}

struct Parsed {
  std::optional<Module> module;
  std::vector<diag::Diagnostic> diags;
  std::unique_ptr<base::SourceFile> file;
};

Parsed parse(const std::string& text) {
  Parsed p;
  p.file = std::make_unique<base::SourceFile>("test.mir", text);
  diag::DiagEngine diags;
  p.module = parse_module(*p.file, diags);
  p.diags = diags.diagnostics();
  return p;
}

std::string messages(const std::vector<VerifyError>& errors) {
  std::string out;
  for (const VerifyError& e : errors) out += format_verify_error(e) + "\n";
  return out;
}

void expect_round_trip(const Module& m) {
  std::string text = print_module(m);
  Parsed p = parse(text);
  ASSERT_TRUE(p.module.has_value()) << text << (p.diags.empty() ? "" : p.diags[0].message);
  EXPECT_EQ(print_module(*p.module), text);
  EXPECT_EQ(difference(m, *p.module), "");
}

// --- printer and parser -------------------------------------------------------------------

TEST(MirPrinter, PrintsFunctionInDocumentedForm) {
  Module m = sample();
  EXPECT_EQ(print_function(m, m.functions[kFib]),
            "fn @Main.fib/1(%0: Int) -> Int {\n"
            "  if cond=bb0 then=bb1 else=bb2 merge=none\n"
            "bb0:\n"
            "  %1: Int = const_i 2\n"
            "  %2: Bool = lt_i %0, %1\n"
            "  cond_br %2, bb1, bb2\n"
            "bb1:\n"
            "  ret %0\n"
            "bb2:\n"
            "  %3: Int = const_i 1\n"
            "  %4: Int = sub_i %0, %3 @12:20\n"
            "  %5: Int = call @Main.fib/1(%4) @12:16\n"
            "  %6: Int = sub_i %0, %1\n"
            "  %7: Int = call @Main.fib/1(%6)\n"
            "  %8: Int = add_i %5, %7\n"
            "  ret %8\n"
            "}\n");
}

TEST(MirPrinter, PrintsModuleHeaderAndMethods) {
  Module m = sample();
  std::string text = print_module(m);
  EXPECT_EQ(text.substr(0, text.find("\nfn ")),
            "; hakoc MIR\n"
            "source \"tests/run/sample.hako\"\n"
            "source \"tests/run/modules/sample_lib.hako\"\n"
            "box Point {\n"
            "  field x\n"
            "  field weak owner\n"
            "  method norm2/0 = @Point.norm2/0\n"
            "}\n"
            "box Util {\n"
            "}\n"
            "global Util.count\n"
            "entry @Main.main/0\n");
  EXPECT_NE(text.find("fn @Point.norm2/0(%0: Box(Point)) -> Handle method Point {\n"), std::string::npos);
  EXPECT_NE(text.find("  %1: Handle = get_field %0, Point.x\n  set_field %0, Point.owner, %1\n"), std::string::npos);
  EXPECT_NE(text.find("  %6: Handle = call_method \"norm\", %4(%5) @5:2\n"), std::string::npos);
  EXPECT_NE(text.find("  %3: Int = call_rt reml_str_len(%2)\n  call_rt reml_print_str(%2)\n"), std::string::npos);
  EXPECT_NE(text.find("  loop header=bb1 body=bb2 latch=bb3 exit=bb4\n"), std::string::npos);
  EXPECT_NE(text.find("  %2: Int = phi [%1, bb0], [%7, bb3]\n"), std::string::npos);
  EXPECT_NE(text.find("  %2: String = const_s \"hi\\n\\t\\\"q\\\"\\\\ \\x01 \\xc3\\xa9\"\n"), std::string::npos);
  EXPECT_NE(text.find("  %4: Float = const_f 0.1\n"), std::string::npos);
  EXPECT_NE(text.find("  set_global Util.count, %7\n"), std::string::npos);
  EXPECT_NE(text.find("  %0: Box(Point) = new_box Point\n"), std::string::npos);
  EXPECT_NE(text.find("bb4:\n  unreachable\n"), std::string::npos);
}

TEST(MirText, SampleRoundTrips) {
  Module m = sample();
  ASSERT_EQ(messages(verify_module(m)), "");
  expect_round_trip(m);
}

TEST(MirText, EveryOpcodeRoundTripsAndVerifies) {
  Module m = sample();
  add_every_op(m);
  EXPECT_EQ(messages(verify_module(m)), "");
  expect_round_trip(m);
  std::string text = print_module(m);
  for (uint32_t k = 0; k < op_count(); ++k)
    EXPECT_NE(text.find(std::string(" ") + op_info(static_cast<Op>(k)).mnemonic), std::string::npos)
        << op_info(static_cast<Op>(k)).mnemonic;
}

TEST(MirText, FloatImmediatesKeepTheirBits) {
  const double values[] = {0.1,
                           -0.0,
                           0.0,
                           1e21,
                           1.5e-7,
                           123.456,
                           5e-324,
                           DBL_MAX,
                           -2.5,
                           1.0,
                           std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity(),
                           from_bits(0x7ff8000000000000ull),
                           from_bits(0xfff8000000000000ull),
                           from_bits(0x7ff0000000000001ull),
                           from_bits(0xfff4000000000abcull)};
  Module m = sample();
  Function& f = m.functions[kMain];
  std::vector<Inst>& insts = f.blocks[0].insts;
  for (double v : values) {
    Inst i = make(Op::ConstF, kFloat);
    i.fimm = v;
    i.result = ValueId{f.value_count()};
    f.value_tags.push_back(kFloat);
    insts.insert(insts.begin(), i);
  }
  expect_round_trip(m);
  std::string text = print_module(m);
  for (const char* spelling : {" const_f inf\n", " const_f -inf\n", " const_f nan\n", " const_f -nan\n",
                               " const_f nan(0x7ff0000000000001)\n", " const_f -0.0\n", " const_f 1e+21\n",
                               " const_f 1.0\n", " const_f 5e-324\n"})
    EXPECT_NE(text.find(spelling), std::string::npos) << spelling;
}

TEST(MirText, IntegerImmediateExtremes) {
  Module m = sample();
  Function& f = m.functions[kMain];
  for (int64_t v : {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), int64_t{-1}}) {
    Inst i = make(Op::ConstI, kInt);
    i.imm = v;
    i.result = ValueId{f.value_count()};
    f.value_tags.push_back(kInt);
    f.blocks[0].insts.insert(f.blocks[0].insts.begin(), i);
  }
  expect_round_trip(m);
  EXPECT_NE(print_module(m).find("const_i -9223372036854775808\n"), std::string::npos);
}

TEST(MirText, UnusualNamesAreQuoted) {
  Module m = sample();
  m.boxes[1].name = "Odd Box";
  m.boxes[1].fields.push_back(Field{"a-b", false});
  m.globals[0].name = "Util.1st";
  m.functions[kSum].name = "Main.sum loop/1";
  m.sources[0] = "dir/with \"quotes\"\n.hako";
  std::string text = print_module(m);
  EXPECT_NE(text.find("box \"Odd Box\" {\n  field \"a-b\"\n}\n"), std::string::npos);
  EXPECT_NE(text.find("global \"Util.1st\"\n"), std::string::npos);
  EXPECT_NE(text.find("fn @\"Main.sum loop/1\"("), std::string::npos);
  EXPECT_NE(text.find("source \"dir/with \\\"quotes\\\"\\n.hako\"\n"), std::string::npos);
  expect_round_trip(m);
}

TEST(MirText, EmptyAndDegenerateModulesRoundTrip) {
  Module empty;
  expect_round_trip(empty);
  EXPECT_EQ(print_module(empty), "; hakoc MIR\n");
  Module m = sample();
  m.functions[kSum].blocks.push_back(Block{});  // an empty block: malformed but printable
  Inst phi = make(Op::Phi, kInt);
  phi.result = ValueId{m.functions[kSum].value_count()};
  m.functions[kSum].value_tags.push_back(kInt);
  m.functions[kSum].blocks[4].insts.insert(m.functions[kSum].blocks[4].insts.begin(), phi);  // no incomings
  expect_round_trip(m);
}

TEST(MirText, AcceptsHandWrittenTextWithForwardUses) {
  Parsed p = parse(
      "; comment line\n"
      "entry @Main.main/0   ; trailing comment\n"
      "\n"
      "fn @Main.main/0() -> Int {\n"
      "bb0:\n"
      "  %1: Int = const_i 3\n"
      "  br bb1\n"
      "bb1:\n"
      "  %2: Int = phi [%1, bb0], [%3, bb2]\n"
      "  %4: Bool = lt_i %2, %1\n"
      "  cond_br %4, bb2, bb3\n"
      "bb2:\n"
      "  %3: Int = add_i %2, %1\n"
      "  br bb1\n"
      "bb3:\n"
      "  ret %2 @1:1\n"
      "}\n");
  ASSERT_TRUE(p.module.has_value()) << (p.diags.empty() ? "" : p.diags[0].message);
  const Function& f = p.module->functions[0];
  EXPECT_EQ(f.value_count(), 5u);
  EXPECT_EQ(f.value_tags[0], kVoid);  // %0 is unused: a gap the verifier reports
  EXPECT_EQ(f.blocks[1].insts[0].args, (std::vector<ValueId>{1_v, 3_v}));
  EXPECT_EQ(f.blocks[1].insts[0].targets, (std::vector<BlockId>{0_b, 2_b}));
  std::string errors = messages(verify_module(*p.module));
  EXPECT_EQ(errors, "fn @Main.main/0: value %0 is never defined\n");
}

struct BadInput {
  const char* text;
  diag::Kind kind;
  uint32_t line, col;
  const char* fragment;
};

TEST(MirTextErrors, ReportKindPositionAndMessage) {
  const char* head = "fn @Main.main/0() -> Int {\nbb0:\n";
  const BadInput cases[] = {
      {"  %1: Int = frob 1\n  ret %1\n}\n", diag::Kind::MirSyntax, 3, 13, "unknown instruction 'frob'"},
      {"  ret %7\n}\n", diag::Kind::MirUndefined, 3, 7, "value %7 is never defined"},
      {"  %1: Int = const_i 1\n  %1: Int = const_i 2\n  ret %1\n}\n", diag::Kind::MirSyntax, 4, 3,
       "value %1 is defined twice"},
      {"  %1: Int = call @Main.nope/0()\n  ret %1\n}\n", diag::Kind::MirUndefined, 3, 19, "unknown function @Main.nope/0"},
      {"  %1: Box(Nope) = const_void\n  ret\n}\n", diag::Kind::MirUndefined, 3, 11, "unknown box 'Nope'"},
      {"  %1: Int = call_rt reml_nope(%0)\n  ret %1\n}\n", diag::Kind::MirUndefined, 3, 21,
       "unknown runtime function 'reml_nope'"},
      {"  %1: Handle = get_global Util.nope\n  ret\n}\n", diag::Kind::MirUndefined, 3, 27, "unknown global 'Util.nope'"},
      {"  br bb9\n}\n", diag::Kind::MirUndefined, 3, 6, "unknown block bb9"},
      {"  br bb1\nbb2:\n  ret\n}\n", diag::Kind::MirSyntax, 4, 1, "expected label bb1"},
      {"  %1: String = const_s \"abc\n  ret\n}\n", diag::Kind::MirSyntax, 3, 24, "unterminated string literal"},
      {"  %1: String = const_s \"a\\qb\"\n  ret\n}\n", diag::Kind::MirSyntax, 3, 26, "unknown escape"},
      {"  %1: Int = const_i 9223372036854775808\n  ret %1\n}\n", diag::Kind::MirSyntax, 3, 21, "out of range"},
      {"  %1: Int = br bb0\n}\n", diag::Kind::MirSyntax, 3, 3, "'br' does not produce a value"},
      {"  %1: Int = const_i 1 ?\n}\n", diag::Kind::MirSyntax, 3, 23, "unexpected character '?'"},
      {"  %1: Int = add_i %0 %0\n}\n", diag::Kind::MirSyntax, 3, 22, "expected ','"},
      {"  %1: Float = const_f 1.5x\n  ret\n}\n", diag::Kind::MirSyntax, 3, 23, "invalid float '1.5x'"},
      {"  %1: Wat = const_i 1\n}\n", diag::Kind::MirSyntax, 3, 7, "expected a tag"},
      {"  ret\n", diag::Kind::MirSyntax, 4, 1, "expected '}'"},
      {"  %99999999999999: Int = const_i 1\n}\n", diag::Kind::MirSyntax, 3, 3, "too large"},
  };
  for (const BadInput& c : cases) {
    Parsed p = parse(std::string(head) + c.text);
    EXPECT_FALSE(p.module.has_value()) << c.text;
    ASSERT_FALSE(p.diags.empty()) << c.text;
    const diag::Diagnostic& d = p.diags[0];
    base::LineCol lc = p.file->line_col(d.span.begin);
    EXPECT_EQ(d.kind, c.kind) << c.text << d.message;
    EXPECT_EQ(lc.line, c.line) << c.text << d.message;
    EXPECT_EQ(lc.col, c.col) << c.text << d.message;
    EXPECT_NE(d.message.find(c.fragment), std::string::npos) << c.text << " => " << d.message;
  }
}

TEST(MirTextErrors, ModuleLevelErrors) {
  const BadInput cases[] = {
      {"box Point {\n  field x\n  field x\n}\n", diag::Kind::MirSyntax, 3, 9, "field 'x' is declared twice"},
      {"box ArrayBox {\n}\n", diag::Kind::MirSyntax, 1, 5, "built-in box"},
      {"entry @Main.main/0\n", diag::Kind::MirUndefined, 1, 8, "unknown function @Main.main/0"},
      {"global A.b\nglobal A.b\n", diag::Kind::MirSyntax, 2, 8, "declared twice"},
      {"frob\n", diag::Kind::MirSyntax, 1, 1, "expected 'source', 'box', 'global', 'cstruct', 'extern', 'entry', 'rc' or 'fn'"},
      {"box P {\n  field x\n}\nfn @F/0(%0: Box(P)) -> Void {\nbb0:\n  %1: Handle = get_field %0, P.y\n}\n",
       diag::Kind::MirUndefined, 6, 32, "box 'P' has no field 'y'"},
      {"fn @F/0() -> Void {\nbb0:\n  ret\n}\nfn @F/0() -> Void {\n}\n", diag::Kind::MirSyntax, 5, 5,
       "function @F/0 is defined twice"},
      {"fn @F/1(%1: Int) -> Void {\n}\n", diag::Kind::MirSyntax, 1, 9, "expected parameter %0"},
      {"fn @F/0() -> Void {\n  ret\n}\n", diag::Kind::MirSyntax, 2, 3, "instruction before the first block label"},
      {"cstruct V { x: f64 }\n", diag::Kind::MirUndefined, 1, 9, "unknown box 'V'"},
      {"box V {\n  field x\n}\ncstruct V { y: f64 }\n", diag::Kind::MirSyntax, 4, 9, "differ from those of its box"},
      {"box V {\n  field x\n}\ncstruct V { x: f64 }\ncstruct V { x: f64 }\n", diag::Kind::MirSyntax, 5, 9,
       "cstruct V is declared twice"},
      {"box V {\n  field x\n}\ncstruct V { x: V }\n", diag::Kind::MirSyntax, 4, 9, "contains itself"},
      {"box V {\n  field x\n}\ncstruct V { x: W }\n", diag::Kind::MirUndefined, 4, 16, "unknown C type 'W'"},
      {"box V {\n  field x\n}\ncstruct V { x: CStr }\n", diag::Kind::MirSyntax, 4, 16, "cannot be CStr"},
  };
  for (const BadInput& c : cases) {
    Parsed p = parse(c.text);
    EXPECT_FALSE(p.module.has_value()) << c.text;
    ASSERT_FALSE(p.diags.empty()) << c.text;
    const diag::Diagnostic& d = p.diags[0];
    base::LineCol lc = p.file->line_col(d.span.begin);
    EXPECT_EQ(d.kind, c.kind) << c.text << d.message;
    EXPECT_EQ(lc.line, c.line) << c.text << d.message;
    EXPECT_EQ(lc.col, c.col) << c.text << d.message;
    EXPECT_NE(d.message.find(c.fragment), std::string::npos) << c.text << " => " << d.message;
  }
}

TEST(MirTextErrors, ReportsEveryUnresolvedReference) {
  Parsed p = parse("fn @F/0() -> Void {\nbb0:\n  call @G/0()\n  call @H/0(%5)\n  br bb7\n}\n");
  EXPECT_FALSE(p.module.has_value());
  std::string all;
  for (const diag::Diagnostic& d : p.diags) all += d.message + "\n";
  EXPECT_EQ(all, "unknown block bb7\nvalue %5 is never defined\nunknown function @G/0\nunknown function @H/0\n");
}

// Deterministic xorshift so that a failing input can be reproduced.
struct Rng {
  uint64_t s = 0x9e3779b97f4a7c15ull;
  uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  size_t below(size_t n) { return n ? static_cast<size_t>(next() % n) : 0; }
};

TEST(MirTextFuzz, MutatedTextNeverCrashesAndAcceptedTextIsStable) {
  Module m = sample();
  add_every_op(m);
  const std::string original = print_module(m);
  const char* pieces[] = {"%", "@", "bb", "(", ")", ",", "\n", "\"", "-", "99999999999", "nan(", ":", "[", "]",
                          "{", "}", "%3", "bb0", "Box(", "->", ".", "/", "\\x", ";", "1e+", "phi", "ret"};
  Rng rng;
  int accepted = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string text = original;
    int edits = 1 + static_cast<int>(rng.below(4));
    for (int e = 0; e < edits && !text.empty(); ++e) {
      size_t at = rng.below(text.size());
      switch (rng.below(5)) {
        case 0: text[at] = static_cast<char>(rng.below(256)); break;
        case 1: text.erase(at, 1 + rng.below(20)); break;
        case 2: text.insert(at, pieces[rng.below(sizeof pieces / sizeof pieces[0])]); break;
        case 3: text.insert(at, text.substr(rng.below(text.size()), rng.below(40))); break;
        default: text.resize(at); break;
      }
    }
    Parsed p = parse(text);
    if (!p.module) {
      EXPECT_FALSE(p.diags.empty());
      continue;
    }
    ++accepted;
    verify_module(*p.module);
    module_to_json(*p.module);
    std::string once = print_module(*p.module);
    Parsed again = parse(once);
    ASSERT_TRUE(again.module.has_value()) << text;
    EXPECT_EQ(print_module(*again.module), once) << text;
  }
  EXPECT_GT(accepted, 0);  // some edits (comments, whitespace) keep the text valid
  for (int iter = 0; iter < 500; ++iter) {
    std::string junk;
    size_t n = rng.below(200);
    for (size_t i = 0; i < n; ++i) junk += static_cast<char>(rng.below(256));
    Parsed p = parse(junk);
    if (!p.module) {
      EXPECT_FALSE(p.diags.empty());
    }
  }
}

// --- JSON ----------------------------------------------------------------------------------

// A strict recursive JSON checker (RFC 8259 grammar, no extensions).
class JsonChecker {
 public:
  explicit JsonChecker(const std::string& s) : s_(s) {}
  bool valid() {
    ws();
    if (!value(0)) return false;
    ws();
    return pos_ == s_.size();
  }

 private:
  void ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t' || s_[pos_] == '\r')) ++pos_;
  }
  bool lit(const char* w) {
    size_t n = std::strlen(w);
    if (s_.compare(pos_, n, w) != 0) return false;
    pos_ += n;
    return true;
  }
  bool digits() {
    size_t start = pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    return pos_ > start;
  }
  bool number() {
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '0') {
      ++pos_;
    } else if (!digits()) {
      return false;
    }
    if (pos_ < s_.size() && s_[pos_] == '.' && (++pos_, !digits())) return false;
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (!digits()) return false;
    }
    return true;
  }
  bool string() {
    if (!lit("\"")) return false;
    while (pos_ < s_.size()) {
      unsigned char c = static_cast<unsigned char>(s_[pos_++]);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c != '\\') continue;
      if (pos_ >= s_.size()) return false;
      char e = s_[pos_++];
      if (e == 'u') {
        for (int k = 0; k < 4; ++k)
          if (pos_ >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[pos_++]))) return false;
      } else if (!std::strchr("\"\\/bfnrt", e)) {
        return false;
      }
    }
    return false;
  }
  bool value(int depth) {
    if (depth > 64 || pos_ >= s_.size()) return false;
    char c = s_[pos_];
    if (c == '{' || c == '[') {
      char close = c == '{' ? '}' : ']';
      ++pos_;
      ws();
      if (lit(std::string(1, close).c_str())) return true;
      while (true) {
        ws();
        if (c == '{') {
          if (!string()) return false;
          ws();
          if (!lit(":")) return false;
          ws();
        }
        if (!value(depth + 1)) return false;
        ws();
        if (lit(",")) continue;
        return lit(std::string(1, close).c_str());
      }
    }
    if (c == '"') return string();
    if (c == 't') return lit("true");
    if (c == 'f') return lit("false");
    if (c == 'n') return lit("null");
    return number();
  }

  const std::string& s_;
  size_t pos_ = 0;
};

TEST(MirJson, IsValidAndRendersReferencesByMeaning) {
  Module m = sample();
  add_every_op(m);
  Inst nan = make(Op::ConstF, kFloat);
  nan.fimm = std::numeric_limits<double>::quiet_NaN();
  nan.result = ValueId{m.functions[kMain].value_count()};
  m.functions[kMain].value_tags.push_back(kFloat);
  m.functions[kMain].blocks[0].insts.insert(m.functions[kMain].blocks[0].insts.begin(), nan);
  m.intern(std::string("bad utf8 \xff\xc3", 11));
  std::string json = module_to_json(m);
  EXPECT_TRUE(JsonChecker(json).valid()) << json;
  for (const char* fragment :
       {"\"sources\": [\"tests/run/sample.hako\", \"tests/run/modules/sample_lib.hako\"]", "\"entry\": \"Main.main/0\"", "\"globals\": [\"Util.count\"]",
        "{\"name\": \"owner\", \"weak\": true}", "{\"name\": \"norm2\", \"arity\": 0, \"function\": \"Point.norm2/0\"}",
        "{\"op\": \"call\", \"result\": 5, \"tag\": \"Int\", \"args\": [4], \"function\": \"Main.fib/1\", "
        "\"loc\": {\"file\": \"tests/run/sample.hako\", \"line\": 12, \"col\": 16}}",
        "\"loc\": {\"file\": \"tests/run/modules/sample_lib.hako\", \"line\": 2, \"col\": 2}}",
        "\"string\": \"hi\\n\\t\\\"q\\\"\\\\ \\u0001 \xc3\xa9\"", "\"fimm\": \"nan\"", "\"fimm\": 0.1",
        "\"runtime\": \"reml_str_len\"", "\"box\": \"Point\", \"field\": \"x\", \"field_index\": 0",
        "\"global\": \"Util.count\"", "\"args\": [1, 7], \"targets\": [0, 3]", "\"args\": [2], \"targets\": [1, 2]",
        "{\"header\": 1, \"body\": 2, \"latch\": 3, \"exit\": 4}", "{\"cond\": 0, \"then\": 1, \"else\": 2, \"merge\": null}",
        "\"bad utf8 \\u00ff\\u00c3\"", "\"has_me\": true", "\"params\": [\"Box(Point)\"], \"ret\": \"Handle\""})
    EXPECT_NE(json.find(fragment), std::string::npos) << fragment;
  EXPECT_TRUE(JsonChecker(module_to_json(Module{})).valid());
  EXPECT_FALSE(JsonChecker("{\"a\": [1, 2,]}").valid());  // the checker itself rejects bad JSON
}

// --- verifier ---------------------------------------------------------------------------------

// Verifies `m` and expects exactly one error containing `fragment` at `fn bbN #K`.
void expect_one_error(const Module& m, const std::string& where, const std::string& fragment) {
  std::vector<VerifyError> errors = verify_module(m);
  ASSERT_EQ(errors.size(), 1u) << messages(errors);
  std::string text = format_verify_error(errors[0]);
  EXPECT_EQ(text.substr(0, where.size()), where) << text;
  EXPECT_NE(text.find(fragment), std::string::npos) << text;
}

Inst& inst_at(Module& m, FuncId f, BlockId b, size_t i) { return m.functions[f].blocks[b].insts[i]; }

// Appends a value of `tag` defined by `inst` just before the terminator of block `b`.
ValueId add_before_term(Module& m, FuncId fid, BlockId b, Inst inst, bool has_result = true) {
  Function& f = m.functions[fid];
  if (has_result) {
    inst.result = ValueId{f.value_count()};
    f.value_tags.push_back(inst.tag);
  }
  auto& insts = f.blocks[b].insts;
  insts.insert(insts.end() - 1, std::move(inst));
  return has_result ? ValueId{f.value_count() - 1} : kNoValue;
}

TEST(MirVerify, AcceptsWellFormedModules) {
  Module m = sample();
  add_every_op(m);
  EXPECT_EQ(messages(verify_module(m)), "");
}

TEST(MirVerify, FormatsLocations) {
  EXPECT_EQ(format_verify_error(VerifyError{"Main.f/0", 2_b, 3, "boom"}), "fn @Main.f/0 bb2 #3: boom");
  EXPECT_EQ(format_verify_error(VerifyError{"Main.f/0", 2_b, kNone, "boom"}), "fn @Main.f/0 bb2: boom");
  EXPECT_EQ(format_verify_error(VerifyError{"Main.f/0", kNoBlock, kNone, "boom"}), "fn @Main.f/0: boom");
  EXPECT_EQ(format_verify_error(VerifyError{"", kNoBlock, kNone, "boom"}), "module: boom");
}

TEST(MirVerify, LocationOfAMissingSourceFile) {
  Module m = sample();
  m.functions[kMain].blocks[4].insts[0].loc = Loc{3, 1, 2};  // sample() lists two sources
  expect_one_error(m, "fn @Main.main/0 bb4 #0:",
                   "the location names source file #2, which the module does not list");
  // File 0 needs no source: a module may list none.
  Module bare = sample();
  bare.sources.clear();
  bare.functions[kMain].blocks[4].insts[0].loc = Loc{3, 1, 0};
  EXPECT_EQ(messages(verify_module(bare)), "");
}

TEST(MirVerify, EmptyBlock) {
  Module m = sample();
  m.functions[kMain].blocks[4].insts.clear();
  expect_one_error(m, "fn @Main.main/0 bb4:", "block is empty");
}

TEST(MirVerify, MissingTerminator) {
  Module m = sample();
  Function& f = m.functions[kMain];
  Inst arr = make(Op::NewArray, kArray);
  arr.result = ValueId{f.value_count()};
  f.value_tags.push_back(kArray);
  f.blocks[4].insts[0] = arr;  // replaces `unreachable`
  expect_one_error(m, "fn @Main.main/0 bb4 #0:", "block does not end in a terminator");
}

TEST(MirVerify, TerminatorInTheMiddle) {
  Module m = sample();
  auto& insts = m.functions[kMain].blocks[1].insts;
  insts.insert(insts.begin(), insts.back());  // br bb3; const_i; br bb3
  expect_one_error(m, "fn @Main.main/0 bb1 #0:", "br: terminator in the middle of a block");
}

TEST(MirVerify, PhiAfterNonPhi) {
  Module m = sample();
  auto& insts = m.functions[kSum].blocks[1].insts;  // phi, phi, lt_i, cond_br
  std::swap(insts[1], insts[2]);
  expect_one_error(m, "fn @Main.sum/1 bb1 #2:", "phi after a non-phi instruction");
}

TEST(MirVerify, ValueDefinedTwice) {
  Module m = sample();
  inst_at(m, kFib, 2_b, 0).result = 1_v;  // %1 already defined in bb0
  std::vector<VerifyError> errors = verify_module(m);
  std::string all = messages(errors);
  EXPECT_NE(all.find("fn @Main.fib/1 bb2 #0: value %1 is defined more than once (first in bb0)"), std::string::npos)
      << all;
  EXPECT_NE(all.find("fn @Main.fib/1: value %3 is never defined"), std::string::npos) << all;
}

TEST(MirVerify, ValueNeverDefined) {
  Module m = sample();
  m.functions[kFib].value_tags.push_back(kInt);
  expect_one_error(m, "fn @Main.fib/1:", "value %9 is never defined");
}

TEST(MirVerify, ResultOutOfRangeAndParameterRedefined) {
  Module m = sample();
  inst_at(m, kFib, 2_b, 0).result = 4000_v;
  inst_at(m, kFib, 0_b, 0).result = 0_v;
  std::string all = messages(verify_module(m));
  EXPECT_NE(all.find("fn @Main.fib/1 bb2 #0: result %4000 is out of range (9 values)"), std::string::npos) << all;
  EXPECT_NE(all.find("fn @Main.fib/1 bb0 #0: redefines parameter %0"), std::string::npos) << all;
}

TEST(MirVerify, ResultTagDiffersFromValueTag) {
  Module m = sample();
  m.functions[kFib].value_tags[8] = kFloat;  // %8 = add_i ... : Int
  std::string all = messages(verify_module(m));
  EXPECT_NE(all.find("fn @Main.fib/1 bb2 #5: result tag Int differs from the value tag Float of %8"),
            std::string::npos)
      << all;
}

TEST(MirVerify, UseOfUndefinedOrOutOfRangeValue) {
  Module m = sample();
  m.functions[kFib].value_tags.push_back(kInt);  // %9 has a tag but no definition
  inst_at(m, kFib, 2_b, 5).args[1] = 9_v;
  inst_at(m, kFib, 1_b, 0).args[0] = 77_v;
  std::string all = messages(verify_module(m));
  EXPECT_NE(all.find("fn @Main.fib/1 bb2 #5: use of undefined value %9"), std::string::npos) << all;
  EXPECT_NE(all.find("fn @Main.fib/1 bb1 #0: operand %77 is out of range"), std::string::npos) << all;
}

TEST(MirVerify, UseNotDominatedByDefinition) {
  Module m = sample();
  inst_at(m, kFib, 1_b, 0).args[0] = 3_v;  // bb1 returns %3, defined in the sibling bb2
  expect_one_error(m, "fn @Main.fib/1 bb1 #0:", "use of %3 is not dominated by its definition in bb2");
}

TEST(MirVerify, UseBeforeDefinitionInBlock) {
  Module m = sample();
  inst_at(m, kFib, 2_b, 1).args[1] = 4_v;  // %4 = sub_i %0, %4
  expect_one_error(m, "fn @Main.fib/1 bb2 #1:", "use of %4 before its definition");
}

TEST(MirVerify, UseDefinedInUnreachableBlock) {
  Module m = sample();
  ValueId dead = add_before_term(m, kMain, 4_b, make(Op::NewArray, kArray));
  Inst len = with_ref(make(Op::CallRt, kInt, {dead}), rt("reml_array_len"));
  add_before_term(m, kMain, 3_b, len);
  expect_one_error(m, "fn @Main.main/0 bb3 #1:", "is not dominated by its definition in bb4");
}

TEST(MirVerify, PhiArgumentMustDominatePredecessorEnd) {
  Module m = sample();
  inst_at(m, kMain, 3_b, 0).args[0] = inst_at(m, kMain, 2_b, 0).result;  // value of bb2 flowing in from bb1
  expect_one_error(m, "fn @Main.main/0 bb3 #0:", "does not dominate the end of bb1");
}

TEST(MirVerify, PhiMissingPredecessor) {
  Module m = sample();
  Inst& phi = inst_at(m, kMain, 3_b, 0);
  phi.args.pop_back();
  phi.targets.pop_back();
  expect_one_error(m, "fn @Main.main/0 bb3 #0:", "no incoming from predecessor bb2");
}

TEST(MirVerify, PhiIncomingFromNonPredecessor) {
  Module m = sample();
  Inst& phi = inst_at(m, kMain, 3_b, 0);
  phi.args.push_back(3_v);  // %3 (bb0) is available at the end of bb0, but bb0 is no predecessor
  phi.targets.push_back(0_b);
  expect_one_error(m, "fn @Main.main/0 bb3 #0:", "incoming block bb0 is not a predecessor");
}

TEST(MirVerify, PhiDuplicateIncoming) {
  Module m = sample();
  Inst& phi = inst_at(m, kMain, 3_b, 0);
  phi.args.push_back(phi.args[0]);
  phi.targets.push_back(phi.targets[0]);
  expect_one_error(m, "fn @Main.main/0 bb3 #0:", "duplicate incoming from bb1");
}

TEST(MirVerify, PhiIncomingTag) {
  Module m = sample();
  Inst& phi = inst_at(m, kSum, 1_b, 0);  // %2: Int = phi [%1, bb0], [%7, bb3]
  phi.args[0] = 0_v;
  m.functions[kSum].value_tags[0] = kFloat;
  m.functions[kSum].params[0] = kFloat;
  std::string all = messages(verify_module(m));
  EXPECT_NE(all.find("fn @Main.sum/1 bb1 #0: phi: incoming %0 from bb0 is Float, expected Int"), std::string::npos)
      << all;
}

TEST(MirVerify, OperandTagByLetter) {
  Module m = sample();
  ValueId f = add_before_term(m, kFib, 1_b, make(Op::ConstF, kFloat));
  add_before_term(m, kFib, 1_b, make(Op::AddI, kInt, {0_v, f}));
  expect_one_error(m, "fn @Main.fib/1 bb1 #1:", "add_i: operand 2 %9 is Float, expected Int");
}

TEST(MirVerify, OperandCount) {
  Module m = sample();
  inst_at(m, kFib, 0_b, 1).args.push_back(0_v);
  expect_one_error(m, "fn @Main.fib/1 bb0 #1:", "lt_i: expects 2 operands, got 3");
}

TEST(MirVerify, ResultPresence) {
  Module m = sample();
  add_before_term(m, kFib, 1_b, make(Op::NegI, kInt, {0_v}), false);
  expect_one_error(m, "fn @Main.fib/1 bb1 #0:", "neg_i: must have a result");
  Module n = sample();
  inst_at(n, kFib, 1_b, 0).result = 1_v;
  std::string all = messages(verify_module(n));
  EXPECT_NE(all.find("fn @Main.fib/1 bb1 #0: ret: must not have a result"), std::string::npos) << all;
}

TEST(MirVerify, ResultTagByLetter) {
  Module m = sample();
  add_before_term(m, kFib, 1_b, make(Op::LtI, kInt, {0_v, 0_v}));
  expect_one_error(m, "fn @Main.fib/1 bb1 #0:", "lt_i: result is Int, expected Bool");
}

TEST(MirVerify, UserBoxOperand) {
  Module m = sample();
  add_before_term(m, kFib, 1_b, with_ref(make(Op::GetField, kHandle, {0_v}), 0, 0));
  expect_one_error(m, "fn @Main.fib/1 bb1 #0:", "get_field: operand 1 must be a user box, got Int");
}

TEST(MirVerify, CopyKeepsTag) {
  Module m = sample();
  add_before_term(m, kFib, 1_b, make(Op::Copy, kFloat, {0_v}));
  expect_one_error(m, "fn @Main.fib/1 bb1 #0:", "copy: result is Float but the operand %0 is Int; insert `i2f`");
}

TEST(MirVerify, BoxOfHandle) {
  Module m = sample();
  ValueId h = add_before_term(m, kFib, 1_b, make(Op::ConstVoid, kHandle));
  add_before_term(m, kFib, 1_b, make(Op::Box, kHandle, {h}));
  expect_one_error(m, "fn @Main.fib/1 bb1 #1:", "box: operand is already a Handle");
}

TEST(MirVerify, UnboxResultTag) {
  Module m = sample();
  ValueId h = add_before_term(m, kFib, 1_b, make(Op::ConstVoid, kHandle));
  add_before_term(m, kFib, 1_b, make(Op::Unbox, kHandle, {h}));
  expect_one_error(m, "fn @Main.fib/1 bb1 #1:", "unbox: result must not be Handle");
}

TEST(MirVerify, ConstVoidTag) {
  Module m = sample();
  add_before_term(m, kFib, 1_b, make(Op::ConstVoid, kInt));
  expect_one_error(m, "fn @Main.fib/1 bb1 #0:", "const_void: result must be Void, Handle or a pointer, got Int");
}

TEST(MirVerify, ConstBoolImmediate) {
  Module m = sample();
  Inst b = make(Op::ConstB, kBool);
  b.imm = 2;
  add_before_term(m, kFib, 1_b, b);
  expect_one_error(m, "fn @Main.fib/1 bb1 #0:", "const_b: immediate must be 0 or 1, got 2");
}

TEST(MirVerify, EqRefOperands) {
  Module m = sample();
  add_before_term(m, kFib, 1_b, make(Op::EqRef, kBool, {0_v, 0_v}));
  expect_one_error(m, "fn @Main.fib/1 bb1 #0:", "eq_ref: operands must be objects, got Int and Int");
  Module n = sample();
  ValueId a = add_before_term(n, kFib, 1_b, make(Op::NewArray, kArray));
  ValueId c = add_before_term(n, kFib, 1_b, make(Op::NewMap, kMap));
  add_before_term(n, kFib, 1_b, make(Op::NeRef, kBool, {a, c}));
  expect_one_error(n, "fn @Main.fib/1 bb1 #2:", "ne_ref: operands have different tags Box(ArrayBox) and Box(MapBox)");
}

TEST(MirVerify, TruthyOperand) {
  Module m = sample();
  ValueId a = add_before_term(m, kFib, 1_b, make(Op::NewArray, kArray));
  add_before_term(m, kFib, 1_b, make(Op::Truthy, kBool, {a}));
  expect_one_error(m, "fn @Main.fib/1 bb1 #1:", "truthy: operand must be Int, Float, String, Bool or Handle");
}

TEST(MirVerify, CallSignature) {
  Module m = sample();
  inst_at(m, kFib, 2_b, 2).args.push_back(0_v);
  expect_one_error(m, "fn @Main.fib/1 bb2 #2:", "call: call to @Main.fib/1 passes 2 arguments, expected 1");

  Module n = sample();
  ValueId f = add_before_term(n, kFib, 1_b, make(Op::ConstF, kFloat));
  add_before_term(n, kFib, 1_b, with_ref(make(Op::Call, kInt, {f}), kFib));
  expect_one_error(n, "fn @Main.fib/1 bb1 #1:", "argument 1 %9 of @Main.fib/1 is Float, expected Int");

  Module r = sample();
  add_before_term(r, kFib, 1_b, with_ref(make(Op::Call, kFloat, {0_v}), kFib));
  expect_one_error(r, "fn @Main.fib/1 bb1 #0:", "call: result is Float, but @Main.fib/1 returns Int");

  Module x = sample();
  inst_at(x, kFib, 2_b, 2).ref = 99;
  expect_one_error(x, "fn @Main.fib/1 bb2 #2:", "call: function #99 does not exist");
}

TEST(MirVerify, RuntimeCallSignature) {
  Module m = sample();
  add_before_term(m, kFib, 1_b, with_ref(make(Op::CallRt, kInt, {0_v}), rt("reml_str_len")));
  expect_one_error(m, "fn @Main.fib/1 bb1 #0:", "call_rt: argument 1 %0 of reml_str_len is Int, expected String; insert `to_str`");

  Module n = sample();
  add_before_term(n, kFib, 1_b, with_ref(make(Op::CallRt, kInt, {0_v}), rt("print_i64")));
  expect_one_error(n, "fn @Main.fib/1 bb1 #0:", "call_rt: print_i64 returns nothing, but the call has a result");

  Module r = sample();
  ValueId f = add_before_term(r, kFib, 1_b, make(Op::ConstF, kFloat));
  add_before_term(r, kFib, 1_b, with_ref(make(Op::CallRt, kFloat, {f}), rt("reml_f64_to_i64")));
  expect_one_error(r, "fn @Main.fib/1 bb1 #1:", "call_rt: result is Float, but reml_f64_to_i64 returns Int");

  Module c = sample();
  add_before_term(c, kFib, 1_b, with_ref(make(Op::CallRt, kVoid, {}), rt("print_i64")), false);
  expect_one_error(c, "fn @Main.fib/1 bb1 #0:", "call_rt: call to print_i64 passes 0 arguments, expected 1");
}

TEST(MirVerify, MethodCall) {
  Module m = sample();
  add_before_term(m, kFib, 1_b, with_ref(make(Op::CallMethod, kHandle, {0_v}), 0));
  expect_one_error(m, "fn @Main.fib/1 bb1 #0:", "call_method: operand 1 %0 is Int, expected Handle; insert `box`");

  Module n = sample();
  ValueId h = add_before_term(n, kFib, 1_b, make(Op::ConstVoid, kHandle));
  add_before_term(n, kFib, 1_b, with_ref(make(Op::CallMethod, kHandle, {h, 0_v}), 0));
  expect_one_error(n, "fn @Main.fib/1 bb1 #1:", "call_method: argument 1 %0 is Int, expected Handle; insert `box`");

  Module s = sample();
  ValueId g = add_before_term(s, kFib, 1_b, make(Op::ConstVoid, kHandle));
  add_before_term(s, kFib, 1_b, with_ref(make(Op::CallMethod, kHandle, {g}), 500));
  expect_one_error(s, "fn @Main.fib/1 bb1 #1:", "call_method: string #500 does not exist");
}

TEST(MirVerify, FieldsAndBoxes) {
  Module m = sample();
  m.boxes.push_back(BoxType{"Other", {Field{"y", false}}, {}});
  inst_at(m, kNorm, 0_b, 0).ref = 2;  // get_field of Other.y on a Box(Point)
  expect_one_error(m, "fn @Point.norm2/0 bb0 #0:", "get_field: operand is Box(Point) but the field belongs to box Other");

  Module n = sample();
  inst_at(n, kNorm, 0_b, 1).imm = 2;
  expect_one_error(n, "fn @Point.norm2/0 bb0 #1:", "set_field: field index 2 is out of range for box Point (2 fields)");

  Module b = sample();
  inst_at(b, kMain, 0_b, 0).ref = 1;  // new_box Util, written Box(Point)
  expect_one_error(b, "fn @Main.main/0 bb0 #0:", "new_box: result is Box(Point), expected Box(Util)");

  Module g = sample();
  inst_at(g, kMain, 0_b, 9).ref = 3;
  expect_one_error(g, "fn @Main.main/0 bb0 #9:", "get_global: global #3 does not exist");
}

TEST(MirVerify, ReturnTags) {
  Module m = sample();
  Inst& ret = inst_at(m, kFib, 1_b, 0);
  ret.args.clear();
  expect_one_error(m, "fn @Main.fib/1 bb1 #0:", "ret: returns no value from a function returning Int");

  Module n = sample();
  ValueId f = add_before_term(n, kFib, 1_b, make(Op::ConstF, kFloat));
  inst_at(n, kFib, 1_b, 1).args[0] = f;
  expect_one_error(n, "fn @Main.fib/1 bb1 #1:", "ret: returns %9 of tag Float from a function returning Int");

  Module v = sample();
  v.functions[kFib].ret = kVoid;
  std::string all = messages(verify_module(v));
  EXPECT_NE(all.find("fn @Main.fib/1 bb1 #0: ret: returns a value from a Void function"), std::string::npos) << all;
}

TEST(MirVerify, ConditionalBranch) {
  Module m = sample();
  inst_at(m, kFib, 0_b, 2).args[0] = 0_v;
  expect_one_error(m, "fn @Main.fib/1 bb0 #2:", "cond_br: operand 1 %0 is Int, expected Bool; insert `truthy`");

  Module n = sample();
  inst_at(n, kFib, 0_b, 2).targets[1] = 12_b;
  std::string all = messages(verify_module(n));
  EXPECT_NE(all.find("fn @Main.fib/1 bb0 #2: cond_br: target bb12 does not exist"), std::string::npos) << all;

  Module t = sample();
  inst_at(t, kFib, 0_b, 2).targets.pop_back();
  all = messages(verify_module(t));
  EXPECT_NE(all.find("cond_br: expects 2 block targets, got 1"), std::string::npos) << all;
}

TEST(MirVerify, StructuredFormsReferenceBlocks) {
  Module m = sample();
  m.functions[kSum].loops[0].latch = 40_b;
  expect_one_error(m, "fn @Main.sum/1:", "loop 0 latch bb40 does not exist");
  Module n = sample();
  n.functions[kMain].ifs[0].merge = 9_b;
  expect_one_error(n, "fn @Main.main/0:", "if 0 merge bb9 does not exist");
}

TEST(MirVerify, EntryFunction) {
  Module m = sample();
  m.entry = kNoFunc;
  expect_one_error(m, "module:", "no entry function");
  m.entry = kFib;
  expect_one_error(m, "module:", "entry function must be Main.main/0, Main.main/1, entry/0 or entry/1, not @Main.fib/1");
  m.entry = 17_f;
  expect_one_error(m, "module:", "entry function #17 does not exist");
}

TEST(MirVerify, BoxMethodsReferToReceiverFunctions) {
  Module m = sample();
  m.boxes[0].methods[0].func = kFib;
  expect_one_error(m, "module:", "method Point.norm2/0 refers to @Main.fib/1 whose first parameter is not Box(Point)");
  m.boxes[0].methods[0].func = 40_f;
  expect_one_error(m, "module:", "method Point.norm2/0 refers to missing function #40");
}

TEST(MirVerify, DuplicateNamesAndReservedBoxes) {
  Module m = sample();
  m.functions[kSum].name = "Main.fib/1";
  std::string all = messages(verify_module(m));
  EXPECT_NE(all.find("module: function @Main.fib/1 is defined twice"), std::string::npos) << all;
  Module b = sample();
  b.boxes[1].name = "MapBox";
  expect_one_error(b, "module:", "box name 'MapBox' is reserved for a built-in box");
}

TEST(MirVerify, MethodFunctionSignature) {
  Module m = sample();
  m.functions[kNorm].box = 1;
  std::string all = messages(verify_module(m));
  EXPECT_NE(all.find("fn @Point.norm2/0: receiver %0 must be Box(Util)"), std::string::npos) << all;
}

TEST(MirVerify, UnreachableBlocksAreCheckedStructurally) {
  Module m = sample();
  // A dead block may use values freely (no dominance), but tags still count.
  ValueId s = add_before_term(m, kMain, 4_b, with_ref(make(Op::ConstS, kString), 0));
  EXPECT_EQ(messages(verify_module(m)), "");
  add_before_term(m, kMain, 4_b, make(Op::NegI, kInt, {s}));
  expect_one_error(m, "fn @Main.main/0 bb4 #1:", "neg_i: operand 1 %16 is String, expected Int");
}

TEST(MirVerifyFuzz, MalformedModulesNeverCrash) {
  Rng rng;
  size_t total_errors = 0;
  for (int iter = 0; iter < 4000; ++iter) {
    Module m = sample();
    add_every_op(m);
    int edits = 1 + static_cast<int>(rng.below(5));
    for (int e = 0; e < edits; ++e) {
      Function& f = m.functions[rng.below(m.functions.size())];
      auto big = [&]() -> uint32_t {
        switch (rng.below(4)) {
          case 0: return kNone;
          case 1: return static_cast<uint32_t>(rng.below(1u << 31));
          default: return static_cast<uint32_t>(rng.below(12));
        }
      };
      if (f.blocks.empty()) continue;
      Block& blk = f.blocks[rng.below(f.blocks.size())];
      switch (rng.below(10)) {
        case 0: f.blocks.erase(f.blocks.begin() + static_cast<long>(rng.below(f.blocks.size()))); continue;
        case 1: f.value_tags.resize(rng.below(f.value_tags.size() + 3), Tag::user_box(big())); continue;
        case 2: m.entry = FuncId{big()}; continue;
        case 3: f.params.push_back(Tag::user_box(big())); continue;
        case 4: f.loops.push_back(LoopForm{BlockId{big()}, BlockId{big()}, BlockId{big()}, BlockId{big()}}); continue;
        default: break;
      }
      if (blk.insts.empty()) continue;
      Inst& inst = blk.insts[rng.below(blk.insts.size())];
      switch (rng.below(9)) {
        case 0: inst.op = static_cast<Op>(rng.below(op_count() + 3)); break;
        case 1: if (!inst.args.empty()) inst.args[rng.below(inst.args.size())] = ValueId{big()}; break;
        case 2: inst.args.push_back(ValueId{big()}); break;
        case 3: inst.targets.push_back(BlockId{big()}); break;
        case 4: inst.ref = big(); break;
        case 5: inst.result = ValueId{big()}; break;
        case 6: inst.imm = static_cast<int64_t>(rng.next()); break;
        case 7: inst.tag = Tag::user_box(big()); break;
        default: blk.insts.erase(blk.insts.begin() + static_cast<long>(rng.below(blk.insts.size()))); break;
      }
    }
    std::vector<VerifyError> errors = verify_module(m);
    total_errors += errors.size();
    for (const VerifyError& e : errors) EXPECT_FALSE(format_verify_error(e).empty());
    std::string text = print_module(m);
    EXPECT_TRUE(JsonChecker(module_to_json(m)).valid());
    // Whatever the printer writes either parses or is rejected with a diagnostic.
    Parsed p = parse(text);
    if (!p.module) {
      EXPECT_FALSE(p.diags.empty());
    }
  }
  EXPECT_GT(total_errors, 2000u);  // nearly every mutation is caught
}

// --- documentation -------------------------------------------------------------------------

// docs/mir.md carries a table generated from instructions.def; this keeps
// every row identical to the .def line it was generated from.
TEST(MirDocs, InstructionTableMatchesDef) {
  std::string path = std::string(HAKO_SOURCE_DIR) + "/docs/mir.md";
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::stringstream buf;
  buf << in.rdbuf();
  std::string doc = buf.str();
  for (uint32_t k = 0; k < op_count(); ++k) {
    const OpInfo& info = op_info(static_cast<Op>(k));
    std::string flags;
    const std::pair<uint8_t, const char*> names[] = {{PURE, "PURE"}, {FAILS, "FAILS"}, {EFFECT, "EFFECT"}, {TERM, "TERM"}};
    for (const auto& [bit, word] : names)
      if (info.flags & bit) flags += (flags.empty() ? "" : " ") + std::string(word);
    std::string meaning;
    for (const char* p = info.doc; *p; ++p) meaning += *p == '|' ? std::string("\\|") : std::string(1, *p);
    std::string operands = *info.operands ? "`" + std::string(info.operands) + "`" : "(none)";
    std::string row = "| `" + std::string(info.mnemonic) + "` | " + operands + " | `" + info.result + "` | " + flags +
                      " | " + meaning + " |\n";
    EXPECT_NE(doc.find(row), std::string::npos) << "docs/mir.md lacks or differs from the row\n" << row;
  }
}

}  // namespace
}  // namespace hako::mir
