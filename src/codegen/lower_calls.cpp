// Calls: direct calls of module functions (Void parameters and results carry
// no value), call_method through the per-(name, arity) dispatcher, and
// call_rt to the C function of runtime_calls.def with its C types. Like the
// VM, every call first checks the stack (`Stack overflow` at the call).
#include <cstring>

#include "codegen/lower_ops.h"

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

llvm::Value* call_method(FunctionState& fs, const mir::Inst& in) {
  const uint32_t argc = static_cast<uint32_t>(in.args.size() - 1);
  std::vector<llvm::Value*> args;
  // Receiver and arguments travel as Handles (MIR passes Handles already).
  for (mir::ValueId v : in.args) args.push_back(to_handle(fs.ms, fs.b, fs.tag(v), fs.val(v)));
  args.push_back(fs.loc(in));
  emit_stack_check(fs.ms, fs.b, fs.stack_exhausted(), fs.loc(in));
  return hako_call(fs.b, fs.ms.dispatcher(fs.ms.mir.strings.at(in.ref), argc), args);
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
  note_runtime_loc(fs.ms, fs.b, fs.loc(in));  // printing and joining may run a user toString()
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
