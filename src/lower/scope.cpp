// Source scopes and binding lifetimes. A binding holds its value until its
// scope is left or it is reassigned (hako-core §8); lowering marks those
// points with `keep`, a use that src/rc turns into releases; the scope's fini
// blocks (fini.cpp) run just before, while the bindings are still held. The
// slot table names the values of each source variable for the region layer.
#include "lower/function_lowerer.h"

namespace hako::lower {

void FunctionLowerer::open_scope() {
  uint32_t id = static_cast<uint32_t>(f_.scopes.size());
  uint32_t parent = scopes_.empty() ? mir::kNone : scopes_.back().id;
  f_.scopes.push_back(mir::ScopeForm{b_.block(), parent});
  scopes_.push_back(OpenScope{id, {}, {}});
}

void FunctionLowerer::close_scope() {
  if (!b_.terminated()) end_scope(scopes_.size() - 1);
  scopes_.pop_back();
}

void FunctionLowerer::declare_local(uint32_t local) { scopes_.back().locals.push_back(local); }

void FunctionLowerer::exit_scopes(size_t depth) {
  for (size_t i = scopes_.size(); i > depth; --i) end_scope(i - 1);
}

void FunctionLowerer::end_scope(size_t index) {
  // The bindings stay alive while the fini blocks run: keep comes after.
  run_finis(index);
  mir::Inst keep;
  keep.op = mir::Op::Keep;
  keep.imm = scopes_[index].id;
  for (uint32_t local : scopes_[index].locals) {
    ValueId v = read_var(local, b_.block());
    mir::Kind k = f_.value_tags[v].kind;
    if (mir::is_object_kind(k) || k == mir::Kind::Handle) keep.args.push_back(v);
  }
  b_.emit(std::move(keep), false);  // even empty: it marks the exit for the region layer
}

void FunctionLowerer::end_binding_value(ValueId old) {
  mir::Kind k = f_.value_tags[old].kind;
  if (!mir::is_object_kind(k) && k != mir::Kind::Handle) return;
  mir::Inst keep;
  keep.op = mir::Op::Keep;
  keep.imm = -1;
  keep.args = {old};
  b_.emit(std::move(keep), false);
}

uint32_t FunctionLowerer::slot_for(uint32_t local, const std::string& name) {
  if (local != mir::kNone) {
    auto it = slot_of_local_.find(local);
    if (it != slot_of_local_.end()) return it->second;
  }
  uint32_t slot = static_cast<uint32_t>(f_.slot_names.size());
  f_.slot_names.push_back(name);
  if (local != mir::kNone) slot_of_local_[local] = slot;
  return slot;
}

void FunctionLowerer::note_slot(uint32_t local, ValueId value) {
  uint32_t slot = slot_for(local, program_.locals[local].name);
  slot_of_value_.emplace(value, slot);
}

}  // namespace hako::lower
