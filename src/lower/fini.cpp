// Scope-exit cleanup and user fini() methods (hako-core §8).
//
// A `fini { }` body is not a closure: each exit of its scope gets its own copy
// of the body, lowered in place, so it reads the bindings' values at that exit
// like any other statement would. A user fini() method is guarded by the
// runtime's per-instance flags (runtime/src/fini.c).
#include "lower/function_lowerer.h"

namespace hako::lower {

using mir::Kind;
using sema::Tag;

void FunctionLowerer::register_fini(const ast::Block& body) { scopes_.back().finis.push_back(&body); }

bool FunctionLowerer::unreachable_here() const {
  // Blocks are entered only after every forward edge into them exists, and a
  // loop header always has its entry edge, so no predecessor means dead code
  // (the statements after a return, break or continue).
  return b_.block() != entry_ && preds_[b_.block()].empty();
}

void FunctionLowerer::run_finis(size_t index) {
  if (scopes_[index].finis.empty() || unreachable_here()) return;
  // Taken out while they are lowered, so that whatever a body contains can
  // never lower this scope's exit again (sema already forbids a return, break
  // or continue that would leave the body). Copies also survive scopes_
  // growing while a body's own scopes are open.
  std::vector<const ast::Block*> finis = std::move(scopes_[index].finis);
  scopes_[index].finis.clear();
  for (auto it = finis.rbegin(); it != finis.rend(); ++it) block(**it);
  scopes_[index].finis = std::move(finis);
}

bool FunctionLowerer::is_fini_method() const {
  return fn_.has_me && program_.boxes[fn_.box].fini_func == func_;
}

void FunctionLowerer::begin_method_lifetime() {
  if (!fn_.has_me || program_.boxes[fn_.box].fini_func == sema::kNone) return;
  mir::Loc l = loc(fn_.decl->name_span);
  if (!is_fini_method()) {
    guard_live(me_, fn_.box, l);
    return;
  }
  ValueId self = b_.unary(mir::Op::Box, Tag::of(Kind::Handle), me_, l);
  ValueId first = call_rt(mir::RtFn::FiniBegin, {self}, l);
  BlockId body = new_block();
  BlockId skip = new_block();
  branch(first, body, skip);
  seal(body);
  seal(skip);
  // A later call (or one from inside the running body) does nothing.
  b_.set_block(skip);
  exit_scopes(0);
  if (fn_.ret.kind == Kind::Void)
    b_.ret(std::nullopt);
  else
    b_.ret(const_void(fn_.ret));
  b_.set_block(body);
}

void FunctionLowerer::end_fini_method() {
  if (!is_fini_method()) return;
  mir::Loc l = loc(fn_.decl->name_span);
  call_rt(mir::RtFn::FiniEnd, {b_.unary(mir::Op::Box, Tag::of(Kind::Handle), me_, l)}, l);
}

void FunctionLowerer::guard_live(ValueId obj, uint32_t box, mir::Loc l) {
  if (box == sema::kNone || program_.boxes[box].fini_func == sema::kNone) return;
  // Inside its own fini() body `me` is finalising, never finalised yet.
  if (obj == me_ && is_fini_method()) return;
  call_rt(mir::RtFn::CheckLive, {b_.unary(mir::Op::Box, Tag::of(Kind::Handle), obj, l)}, l);
}

void FunctionLowerer::guard_method_call(ValueId obj, uint32_t func, mir::Loc l) {
  uint32_t box = program_.funcs[func].box;
  if (program_.boxes[box].fini_func != func) guard_live(obj, box, l);
}

void FunctionLowerer::guard_dynamic_call(ValueId receiver, const std::string& name, size_t arity, mir::Loc l) {
  for (const sema::BoxInfo& box : program_.boxes) {
    if (box.fini_func == sema::kNone) continue;
    for (uint32_t f : box.methods) {
      if (f == box.fini_func || program_.funcs[f].decl->name != name || program_.funcs[f].params.size() != arity)
        continue;
      call_rt(mir::RtFn::CheckLive, {receiver}, l);
      return;
    }
  }
}

}  // namespace hako::lower
