// VM tests: MIR modules built with mir::FunctionBuilder, run through the VM
// in a forked child with stdout and stderr captured (runtime errors exit the
// process), plus direct tests of the parallel-copy sequencer and the
// translator, and a timing run of fib(27).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "mir/builder.h"
#include "mir/mir.h"
#include "mir_ids.h"
#include "reml_runtime.h"
#include "vm/engine.h"
#include "vm/parallel_copy.h"
#include "vm/translate.h"
#include "vm/vm.h"

namespace {

namespace mir = hako::mir;
namespace vm = hako::vm;
using mir::BlockId;
using mir::FuncId;
using mir::Kind;
using mir::Op;
using mir::Tag;
using mir::ValueId;
using namespace mir::id_literals;

const Tag kVoid = Tag::of(Kind::Void);
const Tag kInt = Tag::of(Kind::Int);
const Tag kFloat = Tag::of(Kind::Float);
const Tag kBool = Tag::of(Kind::Bool);
const Tag kStr = Tag::of(Kind::String);
const Tag kHandle = Tag::of(Kind::Handle);
const Tag kArray = Tag::of(Kind::Array);
const Tag kMap = Tag::of(Kind::Map);
const Tag kConsole = Tag::of(Kind::Console);

// --- running ----------------------------------------------------------------------

struct Outcome {
  int status = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs the module in a child process; the status is the exit status, or
// 128 + signal if the child crashed.
Outcome run_captured(const mir::Module& m, const std::vector<std::string>& args = {},
                     const vm::TranslateOptions& options = {}) {
  char out_path[] = "/tmp/vm_test_out_XXXXXX";
  char err_path[] = "/tmp/vm_test_err_XXXXXX";
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
    const int status = vm::run_with_options(m, args, options);
    reml_flush_stdout();
    _exit(status);
  }
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  Outcome o;
  o.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  o.out = slurp(out_path);
  o.err = slurp(err_path);
  close(out_fd);
  close(err_fd);
  unlink(out_path);
  unlink(err_path);
  return o;
}

// Runs with and without fusion and immediates; both must agree.
Outcome run_both(const mir::Module& m, const std::vector<std::string>& args = {}) {
  Outcome fast = run_captured(m, args);
  Outcome plain = run_captured(m, args, vm::TranslateOptions{false, false, false, false, false});
  EXPECT_EQ(fast.status, plain.status);
  EXPECT_EQ(fast.out, plain.out);
  EXPECT_EQ(fast.err, plain.err);
  return fast;
}

// --- building MIR ---------------------------------------------------------------------

// A module under construction; functions are declared first (so builders'
// references stay valid), then given bodies through Fn.
struct Mod {
  mir::Module m;
  Mod() { m.sources = {"test.hako"}; }

  FuncId declare(const std::string& name, std::vector<Tag> params, Tag ret, uint32_t box = mir::kNone) {
    mir::Function f;
    f.name = name;
    f.params = std::move(params);
    f.ret = ret;
    f.box = box;
    f.has_me = box != mir::kNone;
    m.functions.push_back(std::move(f));
    return FuncId::from_size(m.functions.size() - 1);
  }

  uint32_t box(const std::string& name, std::vector<std::string> fields) {
    mir::BoxType b;
    b.name = name;
    for (auto& f : fields) b.fields.push_back(mir::Field{f, false});
    m.boxes.push_back(std::move(b));
    return static_cast<uint32_t>(m.boxes.size() - 1);
  }

  void method(uint32_t box, const std::string& name, uint32_t arity, FuncId f) {
    m.boxes[box].methods.push_back(mir::BoxType::Method{name, arity, f});
  }
};

class Fn {
 public:
  Fn(Mod& mod, FuncId id) : m_(mod.m), f_(mod.m.functions[id]), b_(mod.m.functions[id]) {
    b_.set_params(f_.params);
    b_.set_block(b_.new_block());
  }

  ValueId param(uint32_t i) const { return ValueId{i}; }
  BlockId block() { return b_.new_block(); }
  void at(BlockId b) { b_.set_block(b); }
  BlockId current() const { return b_.block(); }

  ValueId i(int64_t v) { return b_.const_i(v); }
  ValueId f(double v) { return b_.const_f(v); }
  ValueId b(bool v) { return b_.const_b(v); }
  ValueId s(const std::string& text) {
    mir::Inst in = make(Op::ConstS, kStr, {});
    in.ref = m_.intern(text);
    return b_.emit(std::move(in), true);
  }
  ValueId null(Tag t = kVoid) { return b_.emit(make(Op::ConstVoid, t, {}), true); }

  ValueId op(Op op, Tag tag, std::vector<ValueId> args, mir::Loc loc = {}) {
    mir::Inst in = make(op, tag, std::move(args));
    in.loc = loc;
    return b_.emit(std::move(in), true);
  }
  ValueId box(ValueId v) { return op(Op::Box, kHandle, {v}); }
  ValueId unbox(ValueId h, Tag t, mir::Loc loc = {}) { return op(Op::Unbox, t, {h}, loc); }

  ValueId call(FuncId callee, std::vector<ValueId> args, mir::Loc loc = {}) {
    mir::Inst in = make(Op::Call, m_.functions[callee].ret, std::move(args));
    in.ref = callee;
    in.loc = loc;
    return b_.emit(std::move(in), true);
  }
  ValueId method(const std::string& name, ValueId recv, std::vector<ValueId> args, mir::Loc loc = {}) {
    args.insert(args.begin(), recv);
    mir::Inst in = make(Op::CallMethod, kHandle, std::move(args));
    in.ref = m_.intern(name);
    in.loc = loc;
    return b_.emit(std::move(in), true);
  }
  ValueId rt(mir::RtFn fn, std::vector<ValueId> args, mir::Loc loc = {}) {
    const char* result = mir::rt_info(fn).result;
    mir::Inst in = make(Op::CallRt, kVoid, std::move(args));
    in.ref = static_cast<uint32_t>(fn);
    in.loc = loc;
    const bool has_result = result[0] != '-';
    if (has_result) in.tag = *mir::tag_of_letter(result[0]);
    return b_.emit(std::move(in), has_result);
  }
  void print(ValueId v) {
    switch (f_.value_tags[v].kind) {
      case Kind::Int: rt(mir::RtFn::PrintI64, {v}); return;
      case Kind::Float: rt(mir::RtFn::PrintF64, {v}); return;
      case Kind::Bool: rt(mir::RtFn::PrintBool, {v}); return;
      case Kind::String: rt(mir::RtFn::PrintStr, {v}); return;
      default: rt(mir::RtFn::PrintH, {box(v)}); return;
    }
  }

  ValueId new_box(uint32_t box) {
    mir::Inst in = make(Op::NewBox, Tag::user_box(box), {});
    in.ref = box;
    return b_.emit(std::move(in), true);
  }
  ValueId get_field(ValueId obj, uint32_t box, uint32_t field) {
    mir::Inst in = make(Op::GetField, kHandle, {obj});
    in.ref = box;
    in.imm = field;
    return b_.emit(std::move(in), true);
  }
  void set_field(ValueId obj, uint32_t box, uint32_t field, ValueId v) {
    mir::Inst in = make(Op::SetField, kVoid, {obj, v});
    in.ref = box;
    in.imm = field;
    b_.emit(std::move(in), false);
  }
  ValueId get_field_h(ValueId h, const std::string& field, mir::Loc loc = {}) {
    mir::Inst in = make(Op::GetFieldH, kHandle, {h});
    in.ref = m_.intern(field);
    in.loc = loc;
    return b_.emit(std::move(in), true);
  }
  void set_field_h(ValueId h, const std::string& field, ValueId v, mir::Loc loc = {}) {
    mir::Inst in = make(Op::SetFieldH, kVoid, {h, v});
    in.ref = m_.intern(field);
    in.loc = loc;
    b_.emit(std::move(in), false);
  }
  ValueId get_global(uint32_t g) {
    mir::Inst in = make(Op::GetGlobal, kHandle, {});
    in.ref = g;
    return b_.emit(std::move(in), true);
  }
  void set_global(uint32_t g, ValueId v) {
    mir::Inst in = make(Op::SetGlobal, kVoid, {v});
    in.ref = g;
    b_.emit(std::move(in), false);
  }

  ValueId phi(BlockId b, Tag t) { return b_.phi(b, t); }
  void incoming(BlockId b, ValueId phi, ValueId v, BlockId pred) { b_.add_phi_incoming(b, phi, v, pred); }
  void br(BlockId t) { b_.br(t); }
  void cond_br(ValueId c, BlockId t, BlockId e) { b_.cond_br(c, t, e); }
  void ret(ValueId v) { b_.ret(v); }
  void ret() { b_.ret(std::nullopt); }
  void unreachable() { b_.emit(make(Op::Unreachable, kVoid, {}), false); }

 private:
  static mir::Inst make(Op op, Tag tag, std::vector<ValueId> args) {
    mir::Inst in;
    in.op = op;
    in.tag = tag;
    in.args = std::move(args);
    return in;
  }

  mir::Module& m_;
  mir::Function& f_;
  mir::FunctionBuilder b_;
};

// fib(n) on Ints: if n < 2 return n; return fib(n - 1) + fib(n - 2).
FuncId add_fib(Mod& mod) {
  FuncId fib = mod.declare("Main.fib/1", {kInt}, kInt);
  Fn f(mod, fib);
  BlockId base = f.block(), rec = f.block();
  f.cond_br(f.op(Op::LtI, kBool, {f.param(0), f.i(2)}), base, rec);
  f.at(base);
  f.ret(f.param(0));
  f.at(rec);
  ValueId a = f.call(fib, {f.op(Op::SubI, kInt, {f.param(0), f.i(1)})});
  ValueId b = f.call(fib, {f.op(Op::SubI, kInt, {f.param(0), f.i(2)})});
  f.ret(f.op(Op::AddI, kInt, {a, b}));
  return fib;
}

// The identity on one tag: hides constants from the translator.
FuncId add_identity(Mod& mod, Tag t, const std::string& name) {
  FuncId id = mod.declare(name, {t}, t);
  Fn f(mod, id);
  f.ret(f.param(0));
  return id;
}

// --- tests ---------------------------------------------------------------------------

TEST(ParallelCopy, SwapAndRotationKeepParallelSemantics) {
  std::mt19937 rng(7);
  for (int round = 0; round < 500; ++round) {
    const uint32_t regs = 2 + rng() % 7;
    std::vector<uint32_t> dsts(regs);
    for (uint32_t r = 0; r < regs; ++r) dsts[r] = r;
    std::shuffle(dsts.begin(), dsts.end(), rng);
    std::vector<vm::Move> moves;
    const uint32_t count = 1 + rng() % regs;
    for (uint32_t k = 0; k < count; ++k) moves.push_back(vm::Move{dsts[k], static_cast<uint32_t>(rng() % regs)});
    std::vector<int> before(regs + 1);
    for (uint32_t r = 0; r < regs; ++r) before[r] = 100 + static_cast<int>(r);
    std::vector<int> expected = before;
    for (const vm::Move& mv : moves) expected[mv.dst] = before[mv.src];
    std::vector<int> state = before;
    for (const vm::Move& mv : vm::sequentialize(moves, regs)) state[mv.dst] = state[mv.src];
    for (uint32_t r = 0; r < regs; ++r) ASSERT_EQ(state[r], expected[r]) << "round " << round << " reg " << r;
  }
  // The swap needs exactly one save through the scratch register.
  auto swap = vm::sequentialize({{0, 1}, {1, 0}}, 9);
  EXPECT_EQ(swap.size(), 3u);
}

TEST(Vm, FibRecursion) {
  Mod mod;
  FuncId fib = add_fib(mod);
  mod.m.entry = mod.declare("Main.main/0", {}, kInt);
  Fn f(mod, mod.m.entry);
  f.print(f.call(fib, {f.i(20)}));
  f.ret(f.i(0));
  Outcome o = run_both(mod.m);
  EXPECT_EQ(o.status, 0);
  EXPECT_EQ(o.out, "6765\n");
  EXPECT_EQ(o.err, "");
}

TEST(Vm, TranslationFusesCompareAndBranch) {
  reml_runtime_init();
  Mod mod;
  FuncId fib = add_fib(mod);
  mod.m.entry = fib;
  auto fused = vm::translate(mod.m, vm::TranslateOptions{});
  const auto& ops = fused->funcs[fib].ops;
  // if n < 2 with the then-block next: one jump on the negated compare.
  EXPECT_EQ(ops.front(), vm::OpCode::JGeIImm) << vm::disassemble(*fused, fused->funcs[fib]);
  EXPECT_EQ(std::count(ops.begin(), ops.end(), vm::OpCode::LtIImm), 0);
  EXPECT_EQ(std::count(ops.begin(), ops.end(), vm::OpCode::LoadImm), 0);  // 1 and 2 are immediates
  auto plain = vm::translate(mod.m, vm::TranslateOptions{false, false, false, false, false});
  const auto& pops = plain->funcs[fib].ops;
  EXPECT_EQ(std::count(pops.begin(), pops.end(), vm::OpCode::LtI), 1) << vm::disassemble(*plain, plain->funcs[fib]);
  EXPECT_EQ(std::count(pops.begin(), pops.end(), vm::OpCode::Jz), 1);
}

TEST(Vm, LoopWithPhis) {
  Mod mod;
  mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
  Fn f(mod, mod.m.entry);
  BlockId entry = f.current(), head = f.block(), body = f.block(), exit = f.block();
  ValueId zero = f.i(0);
  f.br(head);
  f.at(head);
  ValueId i = f.phi(head, kInt), sum = f.phi(head, kInt);
  f.cond_br(f.op(Op::LtI, kBool, {i, f.i(10)}), body, exit);
  f.at(body);
  ValueId sum2 = f.op(Op::AddI, kInt, {sum, i});
  ValueId i2 = f.op(Op::AddI, kInt, {i, f.i(1)});
  f.br(head);
  f.incoming(head, i, zero, entry);
  f.incoming(head, i, i2, body);
  f.incoming(head, sum, zero, entry);
  f.incoming(head, sum, sum2, body);
  f.at(exit);
  f.print(sum);
  f.print(i);
  f.ret();
  Outcome o = run_both(mod.m);
  EXPECT_EQ(o.out, "45\n10\n");
}

// A loop value read again after its definition still shares its phi's
// register (i2); one whose phi's old value is read after it does not (x2);
// `box` of a loop-carried String shares the String's register.
TEST(Vm, CoalescedPhiInputsWithLaterUses) {
  Mod mod;
  mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
  Fn f(mod, mod.m.entry);
  BlockId entry = f.current(), head = f.block(), body = f.block(), exit = f.block();
  ValueId zero = f.i(0), one = f.i(1), a = f.s("a");
  f.br(head);
  f.at(head);
  ValueId i = f.phi(head, kInt), x = f.phi(head, kInt), str = f.phi(head, kStr);
  f.cond_br(f.op(Op::LtI, kBool, {i, f.i(5)}), body, exit);
  f.at(body);
  ValueId x2 = f.op(Op::AddI, kInt, {f.op(Op::MulI, kInt, {x, f.i(3)}), f.i(1)});
  f.print(x2);
  f.print(f.op(Op::AddI, kInt, {x2, x}));
  ValueId i2 = f.op(Op::AddI, kInt, {i, f.i(1)});
  f.rt(mir::RtFn::PrintH, {f.box(str)});
  ValueId str2 = f.op(Op::ConcatS, kStr, {str, f.s("b")});
  f.print(i2);
  f.br(head);
  f.incoming(head, i, zero, entry);
  f.incoming(head, i, i2, body);
  f.incoming(head, x, one, entry);
  f.incoming(head, x, x2, body);
  f.incoming(head, str, a, entry);
  f.incoming(head, str, str2, body);
  f.at(exit);
  f.print(x);
  f.print(str);
  f.ret();
  auto prog = vm::translate(mod.m, vm::TranslateOptions{});
  const auto& ops = prog->funcs[mod.m.entry].ops;
  // x2 needs its edge move (x is read after it); i2 and the box need none.
  EXPECT_EQ(std::count(ops.begin(), ops.end(), vm::OpCode::Mov), 1) << vm::disassemble(*prog, prog->funcs[mod.m.entry]);
  Outcome o = run_both(mod.m);
  EXPECT_EQ(o.out,
            "4\n5\na\n1\n13\n17\nab\n2\n40\n53\nabb\n3\n121\n161\nabbb\n4\n364\n485\nabbbb\n5\n364\nabbbbb\n");
}

// A counting loop's latch `i = i + k; if i < n` is one IncJLtIImm, whether
// the increment ends the body or the body falls through into an empty block.
TEST(Vm, CountingLoopLatchIsOneInstruction) {
  for (bool through_forwarder : {false, true}) {
    Mod mod;
    mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
    Fn f(mod, mod.m.entry);
    BlockId entry = f.current(), head = f.block(), body = f.block();
    BlockId cont = through_forwarder ? f.block() : body, exit = f.block();
    ValueId zero = f.i(0);
    f.br(head);
    f.at(head);
    ValueId i = f.phi(head, kInt), sum = f.phi(head, kInt);
    f.cond_br(f.op(Op::LtI, kBool, {i, f.i(20)}), body, exit);
    f.at(body);
    ValueId sum2 = f.op(Op::AddI, kInt, {sum, i});
    ValueId i2 = f.op(Op::AddI, kInt, {i, f.i(3)});
    if (through_forwarder) {
      f.br(cont);
      f.at(cont);
    }
    f.br(head);
    f.incoming(head, i, zero, entry);
    f.incoming(head, i, i2, cont);
    f.incoming(head, sum, zero, entry);
    f.incoming(head, sum, sum2, cont);
    f.at(exit);
    f.print(sum);
    f.print(i);
    f.ret();
    auto prog = vm::translate(mod.m, vm::TranslateOptions{});
    const auto& ops = prog->funcs[mod.m.entry].ops;
    EXPECT_EQ(std::count(ops.begin(), ops.end(), vm::OpCode::IncJLtIImm), 1)
        << vm::disassemble(*prog, prog->funcs[mod.m.entry]);
    Outcome o = run_both(mod.m);
    EXPECT_EQ(o.out, "63\n21\n");
  }
}

TEST(Vm, PhiSwapAndRotationUseParallelCopies) {
  Mod mod;
  mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
  Fn f(mod, mod.m.entry);
  BlockId entry = f.current(), head = f.block(), body = f.block(), exit = f.block();
  ValueId c1 = f.i(1), c2 = f.i(2), c3 = f.i(3), c0 = f.i(0);
  f.br(head);
  f.at(head);
  // a, b = b, a  and  x, y, z = y, z, x  and  p, q = q, p + q, five times.
  ValueId a = f.phi(head, kInt), b = f.phi(head, kInt);
  ValueId x = f.phi(head, kInt), y = f.phi(head, kInt), z = f.phi(head, kInt);
  ValueId p = f.phi(head, kInt), q = f.phi(head, kInt), k = f.phi(head, kInt);
  f.cond_br(f.op(Op::LtI, kBool, {k, f.i(5)}), body, exit);
  f.at(body);
  ValueId pq = f.op(Op::AddI, kInt, {p, q});
  ValueId k2 = f.op(Op::AddI, kInt, {k, f.i(1)});
  f.br(head);
  for (auto [phi, v] : {std::pair{a, c1}, {b, c2}, {x, c1}, {y, c2}, {z, c3}, {p, c0}, {q, c1}, {k, c0}})
    f.incoming(head, phi, v, entry);
  for (auto [phi, v] : {std::pair{a, b}, {b, a}, {x, y}, {y, z}, {z, x}, {p, q}, {q, pq}, {k, k2}})
    f.incoming(head, phi, v, body);
  f.at(exit);
  for (ValueId v : {a, b, x, y, z, p}) f.print(v);
  f.ret();
  Outcome o = run_both(mod.m);
  // 5 swaps: (2, 1); 5 rotations of (1, 2, 3): (3, 1, 2); fib: 5.
  EXPECT_EQ(o.out, "2\n1\n3\n1\n2\n5\n");
}

TEST(Vm, CriticalEdgesGetTheirOwnMoves) {
  Mod mod;
  FuncId id = add_identity(mod, kInt, "Main.id/1");
  mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
  Fn f(mod, mod.m.entry);
  // Self loop whose back edge is critical: x's old value is live on exit.
  BlockId entry = f.current(), loop = f.block(), exit = f.block(), skip = f.block(), join = f.block();
  ValueId zero = f.call(id, {f.i(0)});
  f.br(loop);
  f.at(loop);
  ValueId x = f.phi(loop, kInt);
  ValueId y = f.op(Op::AddI, kInt, {x, f.i(1)});
  f.cond_br(f.op(Op::LtI, kBool, {y, f.i(5)}), loop, exit);
  f.incoming(loop, x, zero, entry);
  f.incoming(loop, x, y, loop);
  f.at(exit);
  f.print(x);
  f.print(y);
  // cond_br straight into a phi block, with the other edge through `skip`.
  ValueId ten = f.i(10);
  ValueId c = f.op(Op::GtI, kBool, {y, x});
  f.cond_br(c, join, skip);
  f.at(skip);
  f.br(join);
  f.at(join);
  ValueId r = f.phi(join, kInt);
  f.incoming(join, r, ten, exit);
  f.incoming(join, r, x, skip);
  f.print(r);
  f.ret();
  Outcome o = run_both(mod.m);
  EXPECT_EQ(o.out, "4\n5\n10\n");
}

// Every Int and Float compare, through fused jumps in both layouts, with and
// without not_b, against C++'s own answer.
TEST(Vm, FusedBranchesMatchCompareSemantics) {
  Mod mod;
  FuncId idi = add_identity(mod, kInt, "Main.idi/1");
  FuncId idf = add_identity(mod, kFloat, "Main.idf/1");
  mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
  Fn f(mod, mod.m.entry);
  std::string expected;
  const Op int_ops[] = {Op::EqI, Op::NeI, Op::LtI, Op::LeI, Op::GtI, Op::GeI};
  const Op float_ops[] = {Op::EqF, Op::NeF, Op::LtF, Op::LeF, Op::GtF, Op::GeF};
  auto int_truth = [](Op op, int64_t a, int64_t b) {
    switch (op) {
      case Op::EqI: return a == b;
      case Op::NeI: return a != b;
      case Op::LtI: return a < b;
      case Op::LeI: return a <= b;
      case Op::GtI: return a > b;
      default: return a >= b;
    }
  };
  auto float_truth = [](Op op, double a, double b) {
    switch (op) {
      case Op::EqF: return a == b;
      case Op::NeF: return a != b;
      case Op::LtF: return a < b;
      case Op::LeF: return a <= b;
      case Op::GtF: return a > b;
      default: return a >= b;
    }
  };
  int layout = 0;
  // One test block: cond (maybe negated) chooses between printing 1 and 0.
  auto branch_on = [&](ValueId cond, bool negate, bool truth) {
    if (negate) cond = f.op(Op::NotB, kBool, {cond});
    BlockId yes, no;
    if (++layout % 2 == 0) {
      yes = f.block();
      no = f.block();
    } else {
      no = f.block();
      yes = f.block();
    }
    BlockId join = f.block();
    f.cond_br(cond, yes, no);
    f.at(yes);
    f.print(f.i(1));
    f.br(join);
    f.at(no);
    f.print(f.i(0));
    f.br(join);
    f.at(join);
    expected += (truth != negate) ? "1\n" : "0\n";
  };
  const std::pair<int64_t, int64_t> int_pairs[] = {{1, 2}, {2, 2}, {3, 2}, {-5, 7}};
  for (Op op : int_ops) {
    for (auto [a, b] : int_pairs) {
      for (int placement = 0; placement < 3; ++placement) {  // both registers, const right, const left
        for (bool negate : {false, true}) {
          ValueId l = placement == 2 ? f.i(a) : f.call(idi, {f.i(a)});
          ValueId r = placement == 1 ? f.i(b) : f.call(idi, {f.i(b)});
          branch_on(f.op(op, kBool, {l, r}), negate, int_truth(op, a, b));
        }
      }
    }
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::pair<double, double> float_pairs[] = {{1, 2}, {2, 2}, {3, 2}, {nan, 1}, {1, nan}};
  for (Op op : float_ops) {
    for (auto [a, b] : float_pairs) {
      for (bool negate : {false, true}) {
        ValueId l = f.call(idf, {f.f(a)});
        ValueId r = f.call(idf, {f.f(b)});
        branch_on(f.op(op, kBool, {l, r}), negate, float_truth(op, a, b));
      }
    }
  }
  f.ret();
  Outcome o = run_both(mod.m);
  EXPECT_EQ(o.out, expected);
}

TEST(Vm, IntArithmeticEdges) {
  Mod mod;
  FuncId id = add_identity(mod, kInt, "Main.id/1");
  mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
  Fn f(mod, mod.m.entry);
  const int64_t min = std::numeric_limits<int64_t>::min();
  ValueId vmin = f.call(id, {f.i(min)});
  ValueId m1 = f.call(id, {f.i(-1)});
  f.print(f.op(Op::DivI, kInt, {vmin, m1}));               // MIN / -1 = MIN
  f.print(f.op(Op::ModI, kInt, {vmin, m1}));               // 0
  f.print(f.op(Op::DivI, kInt, {f.call(id, {f.i(7)}), f.i(-2)}));   // -3 (immediate)
  f.print(f.op(Op::ModI, kInt, {f.call(id, {f.i(-7)}), f.i(3)}));   // -1 (immediate)
  f.print(f.op(Op::AddI, kInt, {f.call(id, {f.i(std::numeric_limits<int64_t>::max())}), f.i(1)}));  // wraps
  f.print(f.op(Op::SubI, kInt, {vmin, f.i(1)}));           // wraps to MAX
  f.print(f.op(Op::MulI, kInt, {f.call(id, {f.i(3)}), f.i(-4)}));
  f.print(f.op(Op::NegI, kInt, {vmin}));                   // MIN
  f.print(f.op(Op::ShlI, kInt, {f.call(id, {f.i(1)}), f.i(65)}));   // shift mod 64: 2
  f.print(f.op(Op::ShrI, kInt, {f.call(id, {f.i(-16)}), f.i(2)}));  // arithmetic: -4
  f.print(f.op(Op::AndI, kInt, {f.i(12), f.i(10)}));
  f.print(f.op(Op::OrI, kInt, {f.i(12), f.i(10)}));
  f.print(f.op(Op::XorI, kInt, {f.i(12), f.i(10)}));
  f.print(f.op(Op::NotI, kInt, {f.i(0)}));
  f.print(f.op(Op::SubI, kInt, {f.i(5), f.call(id, {f.i(8)})}));  // constant on the left
  f.ret();
  Outcome o = run_both(mod.m);
  EXPECT_EQ(o.out,
            "-9223372036854775808\n0\n-3\n-1\n-9223372036854775808\n9223372036854775807\n-12\n"
            "-9223372036854775808\n2\n-4\n8\n14\n6\n-1\n-3\n");
}

TEST(Vm, FloatOps) {
  Mod mod;
  mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
  Fn f(mod, mod.m.entry);
  f.print(f.op(Op::AddF, kFloat, {f.f(0.1), f.f(0.2)}));
  f.print(f.op(Op::SubF, kFloat, {f.f(1.0), f.f(3.5)}));
  f.print(f.op(Op::MulF, kFloat, {f.f(1.5), f.f(4.0)}));
  f.print(f.op(Op::DivF, kFloat, {f.f(1.0), f.f(0.0)}));
  f.print(f.op(Op::ModF, kFloat, {f.f(-7.5), f.f(2.0)}));
  f.print(f.op(Op::NegF, kFloat, {f.f(2.5)}));
  f.print(f.op(Op::IToF, kFloat, {f.i(3)}));
  f.print(f.op(Op::EqIF, kBool, {f.i(3), f.f(3.0)}));
  f.print(f.op(Op::EqIF, kBool, {f.i(3), f.f(3.5)}));
  f.print(f.op(Op::LtF, kBool, {f.f(std::nan("")), f.f(1.0)}));
  f.print(f.op(Op::NeF, kBool, {f.f(std::nan("")), f.f(std::nan(""))}));
  f.print(f.op(Op::GeF, kBool, {f.f(2.0), f.f(2.0)}));
  f.ret();
  Outcome o = run_both(mod.m);
  EXPECT_EQ(o.out, "0.30000000000000004\n-2.5\n6\ninf\n-1.5\n-2.5\n3\ntrue\nfalse\nfalse\ntrue\ntrue\n");
}

TEST(Vm, StringsAndConversions) {
  Mod mod;
  mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
  Fn f(mod, mod.m.entry);
  ValueId foobar = f.op(Op::ConcatS, kStr, {f.s("foo"), f.s("bar")});
  f.print(foobar);
  f.print(f.op(Op::EqS, kBool, {foobar, f.s("foobar")}));
  f.print(f.op(Op::NeS, kBool, {foobar, f.s("foobar")}));
  f.print(f.op(Op::LtS, kBool, {f.s("abc"), f.s("abd")}));
  f.print(f.op(Op::LeS, kBool, {f.s("abd"), f.s("abc")}));
  f.print(f.op(Op::GtS, kBool, {f.s("b"), f.s("abc")}));
  f.print(f.op(Op::GeS, kBool, {f.s(""), f.s("")}));
  f.print(f.op(Op::ConcatS, kStr, {f.s("n="), f.op(Op::ToStr, kStr, {f.i(42)})}));
  f.print(f.op(Op::ToStr, kStr, {f.f(2.5)}));
  f.print(f.op(Op::ToStr, kStr, {f.b(true)}));
  f.print(f.op(Op::ToStr, kStr, {f.null()}));
  f.print(f.op(Op::ToStr, kStr, {f.s("same")}));
  f.print(f.op(Op::ToStr, kStr, {f.box(f.f(1e21))}));
  ValueId arr = f.op(Op::NewArray, kArray, {});
  f.rt(mir::RtFn::ArrayPush, {arr, f.box(f.i(1))});
  f.rt(mir::RtFn::ArrayPush, {arr, f.box(f.s("two"))});
  f.rt(mir::RtFn::ArrayPush, {arr, f.null(kHandle)});
  f.print(f.op(Op::ToStr, kStr, {arr}));
  f.print(f.op(Op::Truthy, kBool, {f.s("")}));
  f.print(f.op(Op::Truthy, kBool, {f.i(-3)}));
  f.print(f.op(Op::Truthy, kBool, {f.f(0.0)}));
  f.print(f.op(Op::Truthy, kBool, {f.box(f.s("x"))}));
  f.ret();
  Outcome o = run_both(mod.m);
  EXPECT_EQ(o.out,
            "foobar\ntrue\nfalse\ntrue\nfalse\ntrue\ntrue\nn=42\n2.5\ntrue\nnull\nsame\n1e+21\n[1, two, null]\n"
            "false\ntrue\nfalse\ntrue\n");
}

TEST(Vm, BoxingRoundTrips) {
  Mod mod;
  mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
  Fn f(mod, mod.m.entry);
  f.print(f.unbox(f.box(f.i(7)), kInt));
  f.print(f.unbox(f.box(f.i((int64_t{1} << 62) + 5)), kInt));  // outside the small-Int range
  f.print(f.unbox(f.box(f.i(std::numeric_limits<int64_t>::min())), kInt));
  f.print(f.unbox(f.box(f.f(2.5)), kFloat));
  f.print(f.unbox(f.box(f.b(true)), kBool));
  f.print(f.unbox(f.box(f.s("hi")), kStr));
  ValueId arr = f.op(Op::NewArray, kArray, {});
  f.print(f.rt(mir::RtFn::ArrayLen, {f.unbox(f.box(arr), kArray)}));
  ValueId map = f.op(Op::NewMap, kMap, {});
  f.print(f.rt(mir::RtFn::MapSize, {f.unbox(f.box(map), kMap)}));
  f.print(f.op(Op::EqRef, kBool, {f.unbox(f.box(arr), kArray), arr}));
  f.print(f.unbox(f.null(kHandle), kHandle));
  f.print(f.box(f.null()));
  f.ret();
  Outcome o = run_both(mod.m);
  EXPECT_EQ(o.out, "7\n4611686018427387909\n-9223372036854775808\n2.5\ntrue\nhi\n0\n0\ntrue\nnull\nnull\n");
}

// main() { [print("before")]; print(unbox<Int>(box("x"))) } with the unbox at 3:7.
mir::Module unbox_mismatch(bool print_first) {
  Mod mod;
  mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
  Fn f(mod, mod.m.entry);
  if (print_first) f.print(f.s("before"));
  f.print(f.unbox(f.box(f.s("x")), kInt, mir::Loc{3, 7}));
  f.ret();
  return mod.m;
}

TEST(Vm, UnboxMismatchIsARuntimeError) {
  EXPECT_EXIT(vm::run(unbox_mismatch(false), {}, {}), ::testing::ExitedWithCode(1),
              "test\\.hako:3:7: runtime error: Type error: expected Int, got String");
  Outcome o = run_captured(unbox_mismatch(true));
  EXPECT_EQ(o.status, 1);
  EXPECT_EQ(o.out, "before\n");
  EXPECT_EQ(o.err, "test.hako:3:7: runtime error: Type error: expected Int, got String\n");
}

TEST(Vm, UnboxToUserBoxChecksTheType) {
  Mod mod;
  uint32_t a = mod.box("A", {}), b = mod.box("B", {});
  mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
  Fn f(mod, mod.m.entry);
  ValueId ha = f.box(f.new_box(a));
  f.print(f.unbox(ha, Tag::user_box(a)));
  f.unbox(ha, Tag::user_box(b), mir::Loc{4, 2});
  f.ret();
  Outcome o = run_captured(mod.m);
  EXPECT_EQ(o.status, 1);
  EXPECT_EQ(o.out, "<A instance>\n");
  EXPECT_EQ(o.err, "test.hako:4:2: runtime error: Type error: expected B, got A\n");
}

TEST(Vm, DivisionByZero) {
  for (Op op : {Op::DivI, Op::ModI}) {
    Mod mod;
    FuncId id = add_identity(mod, kInt, "Main.id/1");
    mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
    Fn f(mod, mod.m.entry);
    f.print(f.op(op, kInt, {f.i(10), f.i(3)}));
    f.print(f.op(op, kInt, {f.i(10), f.call(id, {f.i(0)})}, mir::Loc{5, 9}));
    f.ret();
    Outcome o = run_both(mod.m);
    EXPECT_EQ(o.status, 1);
    EXPECT_EQ(o.out, op == Op::DivI ? "3\n" : "1\n");
    EXPECT_EQ(o.err, "test.hako:5:9: runtime error: Division by zero\n");
  }
  Mod mod;  // a constant zero divisor is not turned into an immediate
  mod.m.entry = mod.declare("Main.main/0", {}, kInt);
  Fn f(mod, mod.m.entry);
  f.ret(f.op(Op::DivI, kInt, {f.i(1), f.i(0)}, mir::Loc{1, 2}));
  Outcome o = run_both(mod.m);
  EXPECT_EQ(o.status, 1);
  EXPECT_EQ(o.err, "test.hako:1:2: runtime error: Division by zero\n");
}

// box Point { x y  sum() add(k) name() } with fields set through Handles.
struct PointModule {
  Mod mod;
  uint32_t point = 0;
  FuncId sum = 0_f, add = 0_f, name = 0_f;

  PointModule() {
    point = mod.box("Point", {"x", "y"});
    const Tag self = Tag::user_box(point);
    sum = mod.declare("Point.sum/0", {self}, kInt, point);
    add = mod.declare("Point.add/1", {self, kInt}, kFloat, point);
    name = mod.declare("Point.name/0", {self}, kStr, point);
    mod.method(point, "sum", 0, sum);
    mod.method(point, "add", 1, add);
    mod.method(point, "name", 0, name);
    {
      Fn f(mod, sum);
      ValueId x = f.unbox(f.get_field(f.param(0), point, 0), kInt);
      ValueId y = f.unbox(f.get_field(f.param(0), point, 1), kInt);
      f.ret(f.op(Op::AddI, kInt, {x, y}));
    }
    {
      Fn f(mod, add);
      ValueId x = f.unbox(f.get_field(f.param(0), point, 0), kInt);
      f.ret(f.op(Op::IToF, kFloat, {f.op(Op::AddI, kInt, {x, f.param(1)})}));
    }
    {
      Fn f(mod, name);
      f.ret(f.s("pt"));
    }
  }
};

TEST(Vm, CallMethodOnUserInstance) {
  PointModule pm;
  Mod& mod = pm.mod;
  mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
  Fn f(mod, mod.m.entry);
  ValueId p = f.new_box(pm.point);
  f.set_field(p, pm.point, 0, f.box(f.i(3)));
  f.set_field(p, pm.point, 1, f.box(f.i(4)));
  ValueId h = f.box(p);
  f.print(f.method("sum", h, {}));
  f.print(f.method("add", h, {f.box(f.i(10))}));
  f.print(f.method("add", h, {f.i(20)}));  // a non-Handle argument is boxed, then unboxed
  f.print(f.method("name", h, {}));
  f.print(f.method("toString", h, {}));     // no user toString: the built-in one
  // The inline cache must not confuse two boxes at one site.
  f.print(f.get_field_h(h, "y"));
  f.set_field_h(h, "y", f.box(f.s("why")));
  f.print(f.get_field_h(h, "y"));
  f.ret();
  Outcome o = run_both(mod.m);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "7\n13\n23\npt\n<Point instance>\n4\nwhy\n");
}

TEST(Vm, CallMethodErrors) {
  struct Case {
    std::function<void(Fn&, ValueId)> body;
    std::string err;
  };
  const std::vector<Case> cases = {
      {[](Fn& f, ValueId h) { f.method("add", h, {f.box(f.s("no"))}, mir::Loc{2, 4}); },
       "test.hako:2:4: runtime error: Type error: expected Int, got String\n"},
      {[](Fn& f, ValueId h) { f.method("nope", h, {}, mir::Loc{3, 1}); },
       "test.hako:3:1: runtime error: Unknown method 'nope' on Point\n"},
      {[](Fn& f, ValueId h) { f.method("sum", h, {f.box(f.i(1))}, mir::Loc{3, 2}); },
       "test.hako:3:2: runtime error: Method 'sum' of Point takes 0 arguments, not 1\n"},
      {[](Fn& f, ValueId) { f.method("sum", f.null(kHandle), {}, mir::Loc{4, 4}); },
       "test.hako:4:4: runtime error: Type error: method 'sum' called on Void\n"},
      {[](Fn& f, ValueId h) { f.get_field_h(h, "zz", mir::Loc{5, 5}); },
       "test.hako:5:5: runtime error: Unknown field 'zz' on Point\n"},
  };
  for (const Case& c : cases) {
    PointModule pm;
    Mod& mod = pm.mod;
    mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
    Fn f(mod, mod.m.entry);
    ValueId p = f.new_box(pm.point);
    f.set_field(p, pm.point, 0, f.box(f.i(1)));
    c.body(f, f.box(p));
    f.ret();
    Outcome o = run_captured(mod.m);
    EXPECT_EQ(o.status, 1);
    EXPECT_EQ(o.err, c.err);
  }
}

TEST(Vm, CallMethodOnBuiltins) {
  Mod mod;
  mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
  Fn f(mod, mod.m.entry);
  ValueId arr = f.box(f.op(Op::NewArray, kArray, {}));
  f.method("push", arr, {f.box(f.i(5))});
  f.method("push", arr, {f.box(f.s("x"))});
  f.print(f.method("get", arr, {f.box(f.i(1))}));
  f.print(f.method("get", arr, {f.i(0)}));
  f.print(f.method("length", arr, {}));
  f.print(f.method("toUpper", f.box(f.s("abc")), {}));
  ValueId con = f.box(f.op(Op::NewConsole, kConsole, {}));
  f.method("println", con, {f.box(f.f(0.5))});
  ValueId map = f.op(Op::NewMap, kMap, {});
  f.rt(mir::RtFn::MapSet, {map, f.box(f.s("k")), f.box(f.i(9))}, mir::Loc{1, 1});
  f.print(f.rt(mir::RtFn::MapGet, {map, f.box(f.s("k"))}, mir::Loc{1, 1}));
  f.rt(mir::RtFn::MapSet, {map, f.box(f.f(1.5)), f.box(f.i(9))}, mir::Loc{6, 3});
  f.ret();
  Outcome o = run_both(mod.m);
  EXPECT_EQ(o.status, 1);
  EXPECT_EQ(o.out, "x\n5\n2\nABC\n0.5\n9\n");
  EXPECT_EQ(o.err, "test.hako:6:3: runtime error: Type error: map key must be Int or String, got Float\n");
}

// The ArrayBox and MapBox entry points get opcodes of their own; their inline
// cases and runtime fallbacks agree with the CallRt thunks (run_both), the
// index error included.
TEST(Vm, CollectionOpcodesMatchTheRuntimeCalls) {
  Mod mod;
  mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
  Fn f(mod, mod.m.entry);
  using mir::RtFn;
  ValueId arr = f.op(Op::NewArray, kArray, {});
  for (int k = 0; k < 6; ++k) f.rt(RtFn::ArrayPushI, {arr, f.i(k * 10)});  // grows past the first capacity
  f.rt(RtFn::ArrayPush, {arr, f.box(f.s("s"))});
  f.rt(RtFn::ArrayPush, {arr, f.box(f.i(int64_t{1} << 62))});               // a big Int: a boxed object
  f.print(f.rt(RtFn::ArrayLen, {arr}));                                      // 8
  f.print(f.rt(RtFn::ArrayGet, {arr, f.i(2)}));                              // 20
  f.print(f.rt(RtFn::ArrayGet, {arr, f.i(7)}));                              // 4611686018427387904
  f.print(f.rt(RtFn::ArrayGet, {arr, f.i(8)}));                              // null
  f.print(f.rt(RtFn::ArrayGet, {arr, f.i(-1)}));                             // null
  f.rt(RtFn::ArraySet, {arr, f.i(7), f.rt(RtFn::ArrayGet, {arr, f.i(7)})}, mir::Loc{2, 1});  // over itself
  f.rt(RtFn::ArraySet, {arr, f.i(0), f.box(f.s("zero"))}, mir::Loc{2, 2});
  f.rt(RtFn::ArraySetI, {arr, f.i(6), f.i(66)}, mir::Loc{2, 3});
  f.rt(RtFn::ArraySet, {arr, f.i(8), f.box(f.s("end"))}, mir::Loc{2, 4});   // at the length: appends
  f.rt(RtFn::ArraySetI, {arr, f.i(9), f.i(99)}, mir::Loc{2, 5});
  f.print(arr);  // [zero, 10, 20, 30, 40, 50, 66, 4611686018427387904, end, 99]
  ValueId map = f.op(Op::NewMap, kMap, {});
  f.rt(RtFn::MapSetH, {map, f.i(1), f.i(10)});
  f.rt(RtFn::MapSetHA, {map, f.i(2), f.box(f.s("two"))});
  f.rt(RtFn::MapSetAH, {map, f.box(f.s("k")), f.i(3)});
  f.rt(RtFn::MapSetHH, {map, f.box(f.s("h")), f.box(f.s("aitch"))});
  f.print(f.rt(RtFn::MapGetH, {map, f.i(1)}));               // 10
  f.print(f.rt(RtFn::MapGetH, {map, f.i(2)}));               // two
  f.print(f.rt(RtFn::MapGetHH, {map, f.box(f.s("k"))}));     // 3
  f.print(f.rt(RtFn::MapGetHH, {map, f.box(f.s("h"))}));     // aitch
  f.print(f.rt(RtFn::MapGetH, {map, f.i(5)}));               // null
  f.print(f.rt(RtFn::MapHas, {map, f.box(f.i(2))}, mir::Loc{3, 1}));  // true
  f.print(f.rt(RtFn::MapSize, {map}));                       // 4
  f.rt(RtFn::ArraySetI, {arr, f.i(11), f.i(0)}, mir::Loc{4, 7});
  f.ret();
  auto prog = vm::translate(mod.m, vm::TranslateOptions{});
  const auto& ops = prog->funcs[mod.m.entry].ops;
  for (vm::OpCode op : {vm::OpCode::ArrGet, vm::OpCode::ArrSet, vm::OpCode::ArrSetI, vm::OpCode::ArrLen,
                        vm::OpCode::ArrPush, vm::OpCode::ArrPushI, vm::OpCode::MapGetI, vm::OpCode::MapGetH,
                        vm::OpCode::MapSetII, vm::OpCode::MapSetIH, vm::OpCode::MapSetHI, vm::OpCode::MapSetHH,
                        vm::OpCode::MapHas, vm::OpCode::MapSize})
    EXPECT_GE(std::count(ops.begin(), ops.end(), op), 1) << vm::opcode_name(op);
  Outcome o = run_both(mod.m);
  EXPECT_EQ(o.status, 1);
  EXPECT_EQ(o.out,
            "8\n20\n4611686018427387904\nnull\nnull\n[zero, 10, 20, 30, 40, 50, 66, 4611686018427387904, end, 99]\n"
            "10\ntwo\n3\naitch\nnull\ntrue\n4\n");
  EXPECT_EQ(o.err, "test.hako:4:7: runtime error: Index out of range: 11 (length 10)\n");
}

// One get_field_h / set_field_h site (in a helper) sees several box types:
// its cache follows them, and a cached box type still gets the runtime's
// errors: an undeclared field, a finalised instance, a weak field's check.
TEST(Vm, FieldCachesKeepTheByNameErrors) {
  struct Case {
    std::function<void(Fn&, FuncId get, FuncId set, ValueId a, ValueId b, ValueId c)> tail;
    std::string out, err;
  };
  const std::vector<Case> cases = {
      {[](Fn& f, FuncId get, FuncId, ValueId, ValueId, ValueId c) { f.call(get, {c}, mir::Loc{5, 5}); },
       "1\n2\n12\n", "test.hako:9:9: runtime error: Unknown field 'y' on C\n"},
      {[](Fn& f, FuncId get, FuncId, ValueId a, ValueId, ValueId) {
         f.call(get, {a});  // the site now caches A
         f.rt(mir::RtFn::FiniBegin, {a});
         f.rt(mir::RtFn::FiniEnd, {a});
         f.call(get, {a});
       },
       "1\n2\n12\n", "test.hako:9:9: runtime error: use after fini\n"},
      {[](Fn& f, FuncId, FuncId set, ValueId, ValueId b, ValueId) { f.call(set, {b, f.box(f.i(5))}); },
       "1\n2\n12\n",
       "test.hako:8:8: runtime error: Weak field 'w' of B takes a WeakRef or null, not Int: write 'me.w = weak "
       "value'\n"},
  };
  for (const Case& c : cases) {
    Mod mod;
    const uint32_t ba = mod.box("A", {"x", "y", "w"});
    const uint32_t bb = mod.box("B", {"y", "w"});
    mod.m.boxes[bb].fields[1].is_weak = true;
    const uint32_t bc = mod.box("C", {"w"});
    FuncId get = mod.declare("Main.gety/1", {kHandle}, kHandle);
    FuncId set = mod.declare("Main.setw/2", {kHandle, kHandle}, kVoid);
    mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
    {
      Fn g(mod, get);
      g.ret(g.get_field_h(g.param(0), "y", mir::Loc{9, 9}));
    }
    {
      Fn g(mod, set);
      g.set_field_h(g.param(0), "w", g.param(1), mir::Loc{8, 8});
      g.ret();
    }
    Fn f(mod, mod.m.entry);
    ValueId a = f.box(f.new_box(ba)), b = f.box(f.new_box(bb)), cc = f.box(f.new_box(bc));
    f.set_field_h(a, "y", f.box(f.i(1)));
    f.set_field_h(b, "y", f.box(f.i(2)));
    f.call(set, {a, f.box(f.i(3))});  // fills the set site with A's strong field w
    f.call(set, {a, f.box(f.i(4))});
    f.call(set, {b, f.null(kHandle)});  // B's weak w takes null
    f.print(f.call(get, {a}));  // fills the get site with A
    f.print(f.call(get, {b}));  // refills it with B
    f.print(f.op(Op::AddH, kHandle, {f.box(f.i(8)), f.get_field_h(a, "w")}));
    c.tail(f, get, set, a, b, cc);
    f.ret();
    Outcome o = run_captured(mod.m);
    EXPECT_EQ(o.status, 1) << o.err;
    EXPECT_EQ(o.out, c.out);
    EXPECT_EQ(o.err, c.err);
  }
}

TEST(Vm, UserToStringHook) {
  Mod mod;
  uint32_t named = mod.box("Named", {"name"});
  uint32_t counter = mod.box("Counter", {});
  uint32_t plain = mod.box("Plain", {});
  FuncId named_ts = mod.declare("Named.toString/0", {Tag::user_box(named)}, kStr, named);
  FuncId counter_ts = mod.declare("Counter.toString/0", {Tag::user_box(counter)}, kInt, counter);
  mod.method(named, "toString", 0, named_ts);
  mod.method(counter, "toString", 0, counter_ts);
  {
    Fn f(mod, named_ts);
    ValueId n = f.unbox(f.get_field(f.param(0), named, 0), kStr);
    f.ret(f.op(Op::ConcatS, kStr, {f.op(Op::ConcatS, kStr, {f.s("Named("), n}), f.s(")")}));
  }
  {
    Fn f(mod, counter_ts);
    f.ret(f.i(5));
  }
  mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
  Fn f(mod, mod.m.entry);
  ValueId n = f.new_box(named);
  f.set_field(n, named, 0, f.box(f.s("bob")));
  ValueId h = f.box(n);
  f.print(h);
  f.print(f.op(Op::ToStr, kStr, {h}));
  f.print(f.op(Op::AddH, kHandle, {f.box(f.s("x=")), h}));
  ValueId arr = f.op(Op::NewArray, kArray, {});
  f.rt(mir::RtFn::ArrayPush, {arr, h});
  f.rt(mir::RtFn::ArrayPush, {arr, f.box(f.new_box(counter))});
  f.rt(mir::RtFn::ArrayPush, {arr, f.box(f.new_box(plain))});
  f.print(arr);
  f.print(f.method("toString", h, {}));
  f.ret();
  Outcome o = run_both(mod.m);
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, "Named(bob)\nNamed(bob)\nx=Named(bob)\n[Named(bob), 5, <Plain instance>]\nNamed(bob)\n");
}

TEST(Vm, RecursiveToStringStopsWithStackOverflow) {
  Mod mod;
  uint32_t loop = mod.box("Loop", {});
  FuncId ts = mod.declare("Loop.toString/0", {Tag::user_box(loop)}, kStr, loop);
  mod.method(loop, "toString", 0, ts);
  {
    Fn f(mod, ts);  // toString() { return "" + me }
    f.ret(f.op(Op::ToStr, kStr, {f.param(0)}, mir::Loc{2, 3}));
  }
  mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
  Fn f(mod, mod.m.entry);
  f.print(f.new_box(loop));
  f.ret();
  Outcome o = run_captured(mod.m);
  EXPECT_EQ(o.status, 1);
  EXPECT_EQ(o.err, "test.hako:2:3: runtime error: Stack overflow\n");
}

TEST(Vm, Globals) {
  Mod mod;
  mod.m.globals = {mir::Global{"Util.count"}, mir::Global{"Util.other"}};
  FuncId bump = mod.declare("Util.bump/0", {}, kVoid);
  {
    Fn f(mod, bump);
    ValueId v = f.unbox(f.get_global(0), kInt);
    f.set_global(0, f.box(f.op(Op::AddI, kInt, {v, f.i(1)})));
    f.ret();
  }
  mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
  Fn f(mod, mod.m.entry);
  f.print(f.get_global(0));
  f.set_global(0, f.box(f.i(41)));
  f.call(bump, {});
  f.print(f.get_global(0));
  f.print(f.get_global(1));
  f.set_global(1, f.box(f.s("s")));
  f.print(f.get_global(1));
  f.ret();
  Outcome o = run_both(mod.m);
  EXPECT_EQ(o.out, "null\n42\nnull\ns\n");
}

TEST(Vm, ExitStatusOfMainsResult) {
  struct Case {
    Tag tag;
    std::function<ValueId(Fn&)> value;
    int status;
  };
  const std::vector<Case> cases = {
      {kInt, [](Fn& f) { return f.i(256 + 3); }, 3},
      {kInt, [](Fn& f) { return f.i(-1); }, 255},
      {kInt, [](Fn& f) { return f.i(-256); }, 0},
      {kBool, [](Fn& f) { return f.b(true); }, 1},
      {kBool, [](Fn& f) { return f.b(false); }, 0},
      {kHandle, [](Fn& f) { return f.box(f.i(300)); }, 44},
      {kHandle, [](Fn& f) { return f.box(f.b(true)); }, 1},
      {kHandle, [](Fn& f) { return f.box(f.s("7")); }, 0},
      {kStr, [](Fn& f) { return f.s("7"); }, 0},
      {kFloat, [](Fn& f) { return f.f(3.0); }, 0},
  };
  for (const Case& c : cases) {
    Mod mod;
    mod.m.entry = mod.declare("Main.main/0", {}, c.tag);
    Fn f(mod, mod.m.entry);
    f.ret(c.value(f));
    EXPECT_EQ(run_captured(mod.m).status, c.status) << mir::tag_name(mod.m, c.tag);
  }
  Mod mod;  // no return value
  mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
  Fn f(mod, mod.m.entry);
  f.ret();
  EXPECT_EQ(run_captured(mod.m).status, 0);
}

TEST(Vm, MainReceivesArguments) {
  for (Tag param : {kArray, kHandle}) {
    Mod mod;
    mod.m.entry = mod.declare("Main.main/1", {param}, kInt);
    Fn f(mod, mod.m.entry);
    ValueId arr = param == kArray ? f.param(0) : f.unbox(f.param(0), kArray);
    ValueId n = f.rt(mir::RtFn::ArrayLen, {arr});
    f.print(n);
    f.print(f.rt(mir::RtFn::ArrayGet, {arr, f.i(1)}));
    f.print(f.rt(mir::RtFn::ArrayJoin, {arr, f.s("+")}));
    f.ret(n);
    Outcome o = run_captured(mod.m, {"a", "b c", ""});
    EXPECT_EQ(o.status, 3);
    EXPECT_EQ(o.out, "3\nb c\na+b c+\n");
  }
}

TEST(Vm, DeepRecursionIsAStackOverflowError) {
  Mod mod;
  FuncId down = mod.declare("Main.down/1", {kInt}, kInt);
  {
    Fn f(mod, down);
    f.ret(f.call(down, {f.op(Op::AddI, kInt, {f.param(0), f.i(1)})}, mir::Loc{2, 3}));
  }
  mod.m.entry = mod.declare("Main.main/0", {}, kInt);
  Fn f(mod, mod.m.entry);
  f.ret(f.call(down, {f.i(0)}));
  Outcome o = run_captured(mod.m);
  EXPECT_EQ(o.status, 1);
  EXPECT_EQ(o.err, "test.hako:2:3: runtime error: Stack overflow\n");
}

TEST(Vm, DeepButFiniteRecursionWorks) {
  Mod mod;  // sum(n) = n == 0 ? 0 : n + sum(n - 1), 100000 frames deep
  FuncId sum = mod.declare("Main.sum/1", {kInt}, kInt);
  {
    Fn f(mod, sum);
    BlockId zero = f.block(), more = f.block();
    f.cond_br(f.op(Op::EqI, kBool, {f.param(0), f.i(0)}), zero, more);
    f.at(zero);
    f.ret(f.i(0));
    f.at(more);
    ValueId rest = f.call(sum, {f.op(Op::SubI, kInt, {f.param(0), f.i(1)})});
    f.ret(f.op(Op::AddI, kInt, {f.param(0), rest}));
  }
  mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
  Fn f(mod, mod.m.entry);
  f.print(f.call(sum, {f.i(100000)}));
  f.ret();
  EXPECT_EQ(run_both(mod.m).out, "5000050000\n");
}

TEST(Vm, DynamicOperatorsOnHandles) {
  Mod mod;
  mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
  Fn f(mod, mod.m.entry);
  f.print(f.op(Op::AddH, kHandle, {f.box(f.i(2)), f.box(f.i(3))}));
  f.print(f.op(Op::AddH, kHandle, {f.box(f.s("a")), f.box(f.i(1))}));
  f.print(f.op(Op::MulH, kHandle, {f.box(f.i(2)), f.box(f.f(1.25))}));
  f.print(f.op(Op::NegH, kHandle, {f.box(f.i(4))}));
  f.print(f.op(Op::ShlH, kHandle, {f.box(f.i(1)), f.box(f.i(4))}));
  f.print(f.op(Op::LtH, kBool, {f.box(f.i(1)), f.box(f.f(2.5))}));
  f.print(f.op(Op::EqH, kBool, {f.box(f.i(1)), f.box(f.f(1.0))}));
  f.print(f.op(Op::NeH, kBool, {f.box(f.i(1)), f.box(f.s("1"))}));
  f.op(Op::Truthy, kBool, {f.null(kHandle)}, mir::Loc{9, 1});
  f.ret();
  Outcome o = run_both(mod.m);
  EXPECT_EQ(o.status, 1);
  EXPECT_EQ(o.out, "5\na1\n2.5\n-4\n16\ntrue\ntrue\ntrue\n");
  EXPECT_EQ(o.err, "test.hako:9:1: runtime error: Type error: Void in boolean context\n");
}

TEST(Vm, UnreachableIsAnInternalError) {
  Mod mod;
  mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
  Fn f(mod, mod.m.entry);
  f.unreachable();
  Outcome o = run_captured(mod.m);
  EXPECT_EQ(o.status, 70);
}

TEST(Vm, MalformedModulesAreInternalErrorsNotCrashes) {
  {
    Mod mod;  // no entry
    mod.declare("Main.main/0", {}, kVoid);
    EXPECT_EQ(run_captured(mod.m).status, 70);
  }
  {
    Mod mod;  // operand that is not a value
    mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
    Fn f(mod, mod.m.entry);
    f.print(f.op(Op::AddI, kInt, {0_v, 99_v}));
    f.ret();
    EXPECT_EQ(run_captured(mod.m).status, 70);
  }
  {
    Mod mod;  // call with too few arguments
    FuncId fib = add_fib(mod);
    mod.m.entry = mod.declare("Main.main/0", {}, kVoid);
    Fn f(mod, mod.m.entry);
    f.call(fib, {});
    f.ret();
    EXPECT_EQ(run_captured(mod.m).status, 70);
  }
}

// Timing only (no assertion on time): fib(27) on typed Ints. VM_BENCH_FIB=n
// picks another n.
TEST(VmBenchmark, Fib27) {
  int n = 27;
  if (const char* env = std::getenv("VM_BENCH_FIB")) n = std::atoi(env);
  Mod mod;
  FuncId fib = add_fib(mod);
  mod.m.entry = mod.declare("Main.main/0", {}, kInt);
  Fn f(mod, mod.m.entry);
  f.ret(f.op(Op::ModI, kInt, {f.call(fib, {f.i(n)}), f.i(1000000007)}));
  int64_t a = 0, b = 1;
  for (int k = 0; k < n; ++k) std::tie(a, b) = std::pair{b, a + b};
  for (bool optimised : {true, false}) {
    vm::TranslateOptions options{optimised, optimised, optimised, optimised, optimised};
    auto start = std::chrono::steady_clock::now();
    int status = vm::run_with_options(mod.m, {}, options);
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(status, static_cast<int>(a % 1000000007 % 256));
    std::printf("[ timing   ] fib(%d) %s: %.1f ms\n", n, optimised ? "all optimisations" : "none", ms);
  }
}

// Timing only: nested Int loops, 3000 x 3000 iterations of s = s + i * j % 7.
TEST(VmBenchmark, NestedLoops) {
  Mod mod;
  mod.m.entry = mod.declare("Main.main/0", {}, kInt);
  Fn f(mod, mod.m.entry);
  BlockId entry = f.current(), outer = f.block(), inner_pre = f.block(), inner = f.block(), inner_body = f.block(),
          outer_latch = f.block(), done = f.block();
  ValueId zero = f.i(0);
  const int64_t n = 3000;
  f.br(outer);
  f.at(outer);
  ValueId i = f.phi(outer, kInt), s = f.phi(outer, kInt);
  f.cond_br(f.op(Op::LtI, kBool, {i, f.i(n)}), inner_pre, done);
  f.at(inner_pre);
  f.br(inner);
  f.at(inner);
  ValueId j = f.phi(inner, kInt), t = f.phi(inner, kInt);
  f.cond_br(f.op(Op::LtI, kBool, {j, f.i(n)}), inner_body, outer_latch);
  f.at(inner_body);
  ValueId t2 = f.op(Op::AddI, kInt, {t, f.op(Op::ModI, kInt, {f.op(Op::MulI, kInt, {i, j}), f.i(7)})});
  ValueId j2 = f.op(Op::AddI, kInt, {j, f.i(1)});
  f.br(inner);
  f.at(outer_latch);
  ValueId i2 = f.op(Op::AddI, kInt, {i, f.i(1)});
  f.br(outer);
  f.at(done);
  f.ret(f.op(Op::ModI, kInt, {s, f.i(251)}));
  f.incoming(outer, i, zero, entry);
  f.incoming(outer, i, i2, outer_latch);
  f.incoming(outer, s, zero, entry);
  f.incoming(outer, s, t, outer_latch);
  f.incoming(inner, j, zero, inner_pre);
  f.incoming(inner, j, j2, inner_body);
  f.incoming(inner, t, s, inner_pre);
  f.incoming(inner, t, t2, inner_body);
  int64_t expect = 0;
  for (int64_t x = 0; x < n; ++x)
    for (int64_t y = 0; y < n; ++y) expect += x * y % 7;
  for (bool optimised : {true, false}) {
    vm::TranslateOptions options{optimised, optimised, optimised, optimised, optimised};
    auto start = std::chrono::steady_clock::now();
    int status = vm::run_with_options(mod.m, {}, options);
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(status, static_cast<int>(expect % 251));
    std::printf("[ timing   ] nested loops %lldx%lld %s: %.1f ms\n", static_cast<long long>(n),
                static_cast<long long>(n), optimised ? "all optimisations" : "none", ms);
  }
}

}  // namespace
