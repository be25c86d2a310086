// Calls: direct calls of module functions (Void parameters and results carry
// no value), call_method through the per-(name, arity) dispatcher (after
// direct calls guarded by the receiver's type tag where few boxes have the
// method), and call_rt to the C function of runtime_calls.def with its C
// types. Like the VM, every call first checks the stack (`Stack overflow` at
// the call).
#include <cstring>

#include "codegen/lower_ops.h"
#include "codegen/module_glue.h"
#include "mir/field_owners.h"

namespace hako::codegen {

namespace {

using mir::Kind;
using mir::Op;

llvm::Value* call(FunctionState& fs, const mir::Inst& in) {
  const mir::Function& callee = fs.ms.mir.functions.at(in.ref);
  std::vector<llvm::Value*> args;
  for (size_t k = 0; k < in.args.size(); ++k)
    if (callee.params[k].kind != Kind::Void) args.push_back(fs.val(in.args[k]));
  emit_stack_check(fs.ms, fs.b, fs.stack_exhausted(), fs.loc(in));
  llvm::CallInst* c = hako_call(fs.b, fs.ms.funcs[in.ref], args);
  // A call of the function itself may become a loop at -O2, which then
  // counts its rounds instead (codegen/tail_recursion.h).
  if (c->getCalledFunction() == fs.fn) c->setTailCallKind(llvm::CallInst::TCK_None);
  return c;
}

// A call_method whose name and arity only a few user boxes have: a test of
// the receiver's type tag and a direct call of the method per box, with the
// dispatcher (which tests again, then asks the runtime) for every other
// receiver. Otherwise the dispatcher alone.
llvm::Value* call_method(FunctionState& fs, const mir::Inst& in) {
  ModuleState& ms = fs.ms;
  llvm::IRBuilder<>& b = fs.b;
  const std::string& name = ms.mir.strings.at(in.ref);
  const uint32_t argc = static_cast<uint32_t>(in.args.size() - 1);
  std::vector<llvm::Value*> args;
  // Receiver and arguments travel as Handles (MIR passes Handles already).
  for (mir::ValueId v : in.args) args.push_back(to_handle(ms, b, fs.tag(v), fs.val(v)));
  llvm::Value* loc = fs.loc(in);
  emit_stack_check(ms, b, fs.stack_exhausted(), loc);
  const std::vector<mir::MethodOwner> owners = mir::method_owners(ms.mir, name, argc);
  if (owners.empty() || owners.size() > mir::kMaxGuardedOwners) {
    args.push_back(loc);
    return hako_call(b, ms.dispatcher(name, argc), args);
  }
  llvm::Value* recv = args[0];
  const std::vector<llvm::Value*> rest(args.begin() + 1, args.end());
  auto* other = llvm::BasicBlock::Create(ms.ctx, "method.other", fs.fn);
  auto* done = llvm::BasicBlock::Create(ms.ctx, "method.done", fs.fn);
  llvm::SwitchInst* sw = b.CreateSwitch(b.CreateCall(ms.rt.get(Rt::FpTag), {recv}), other,
                                        static_cast<unsigned>(owners.size()));
  b.SetInsertPoint(done);
  llvm::PHINode* result = b.CreatePHI(ms.i64, static_cast<unsigned>(owners.size() + 1), "method.result");
  for (const mir::MethodOwner& o : owners) {
    auto* bb = llvm::BasicBlock::Create(ms.ctx, "method." + ms.mir.boxes[o.box].name, fs.fn, other);
    sw->addCase(llvm::ConstantInt::get(ms.i32, user_type_tag(o.box)), bb);
    b.SetInsertPoint(bb);
    llvm::Value* r = call_user_method(ms, b, o.func, recv, rest, loc);
    result->addIncoming(r, b.GetInsertBlock());
    b.CreateBr(done);
  }
  b.SetInsertPoint(other);
  args.push_back(loc);
  result->addIncoming(hako_call(b, ms.dispatcher(name, argc), args), b.GetInsertBlock());
  b.CreateBr(done);
  b.SetInsertPoint(done);
  return result;
}

// Whether runtime function `fn` may reach the to-string hook, which reports
// a stack overflow at hako.runtime_loc (docs/codegen.md, "Stack overflow").
// ArrayBox's element access never does: it prints and converts nothing, and
// the release of a replaced element runs destructors, never user code. Not
// publishing the location saves a store per access in array loops.
bool reaches_to_string_hook(mir::RtFn fn) {
  switch (fn) {
    case mir::RtFn::ArrayLen:
    case mir::RtFn::ArrayPush:
    case mir::RtFn::ArrayPushI:
    case mir::RtFn::ArrayGet:
    case mir::RtFn::ArraySet:
    case mir::RtFn::ArraySetI: return false;
    default: return true;
  }
}

llvm::Value* call_rt(FunctionState& fs, const mir::Inst& in) {
  const auto fn = static_cast<mir::RtFn>(in.ref);
  const mir::RtInfo& info = mir::rt_info(fn);
  std::vector<llvm::Value*> args;
  for (size_t k = 0; k < in.args.size(); ++k) {
    llvm::Value* v = fs.val(in.args[k]);
    // Bools cross the C boundary as int64_t 0/1, WeakRefs (cell pointers
    // here) as the seed ABI's int64_t.
    if (info.params[k] == 'B') v = bool_to_i64(fs.ms, fs.b, v);
    if (info.params[k] == 'W') v = fs.b.CreatePtrToInt(v, fs.ms.i64);
    args.push_back(v);
  }
  if (info.takes_loc) args.push_back(fs.loc(in));
  if (reaches_to_string_hook(fn)) note_runtime_loc(fs.ms, fs.b, fs.loc(in));  // printing may run a user toString()
  llvm::Value* r = fs.b.CreateCall(fs.ms.rt.get(fn), args);
  if (info.result[0] == '-') return nullptr;
  return info.result[0] == 'B' ? i64_to_bool(fs.ms, fs.b, r) : r;
}

}  // namespace

void lower_call(FunctionState& fs, const mir::Inst& in) {
  llvm::Value* r = nullptr;
  switch (in.op) {
    case Op::Call: r = call(fs, in); break;
    case Op::CallMethod: r = call_method(fs, in); break;
    case Op::CallRt: r = call_rt(fs, in); break;
    default: unhandled(fs, in, "lower_call");
  }
  fs.set(in, r);
}

}  // namespace hako::codegen
