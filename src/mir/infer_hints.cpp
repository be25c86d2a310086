// The hint pass (infer_hints.h). Every fact is local or a fixpoint over
// copies, boxes and phis of one function, except pure, which is a fixpoint
// over the call graph. The value facts start optimistic (true wherever the
// defining instruction may give it) and are lowered until nothing changes,
// so a loop's phi keeps a fact only when every incoming value has it.
#include "mir/infer_hints.h"

#include <cstdio>
#include <cstdlib>
#include <numeric>

#include "reml_runtime.h"

namespace hako::mir {

namespace {

// The instruction defining each value (nullptr for parameters).
std::vector<const Inst*> definitions(const Function& f) {
  std::vector<const Inst*> def(f.value_count(), nullptr);
  for (const Block& b : f.blocks)
    for (const Inst& in : b.insts)
      if (in.result != kNone && in.result < def.size()) def[in.result] = &in;
  return def;
}

// A value fact computed by a monotone fixpoint: `seed(in)` says whether the
// defining instruction may give the fact (nullopt: it passes its operands'
// facts on, like copy and phi, when every one of `forwarded(in)` has it).
template <class Seed, class Forwarded>
std::vector<bool> fixpoint(const std::vector<const Inst*>& def, Seed seed, Forwarded forwarded) {
  std::vector<bool> fact(def.size(), false);
  for (size_t v = 0; v < def.size(); ++v) fact[v] = def[v] != nullptr && seed(*def[v]).value_or(true);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t v = 0; v < def.size(); ++v) {
      if (!fact[v] || seed(*def[v]).has_value()) continue;
      for (ValueId a : forwarded(*def[v])) {
        if (a < fact.size() && fact[a]) continue;
        fact[v] = false;
        changed = true;
        break;
      }
    }
  }
  return fact;
}

// The operands whose fact a copy, a phi or a Handle-to-Handle box passes on.
std::vector<ValueId> passed_on(const Inst& in) {
  if (in.op == Op::Phi) return in.args;
  if ((in.op == Op::Copy || in.op == Op::Box) && !in.args.empty()) return {in.args[0]};
  return {};
}

bool is_const_int(const std::vector<const Inst*>& def, ValueId v, bool (*pred)(int64_t)) {
  return v < def.size() && def[v] != nullptr && def[v]->op == Op::ConstI && pred(def[v]->imm);
}

// nullability: Handles that are never Void.
std::vector<bool> nonnull_handles(const Function& f, const std::vector<const Inst*>& def) {
  auto seed = [&](const Inst& in) -> std::optional<bool> {
    if (in.tag.kind != Kind::Handle) return false;
    switch (in.op) {
      case Op::Copy:
      case Op::Phi: return std::nullopt;
      case Op::Box: {
        // Boxing a Handle keeps its nullness; any other tag but Void is a value.
        Kind k = in.args.empty() || in.args[0] >= f.value_count() ? Kind::Void : f.value_tags[in.args[0]].kind;
        if (k == Kind::Handle) return std::nullopt;
        return k != Kind::Void;
      }
      // The dynamic operators give a number or a String, or fail.
      case Op::AddH: case Op::SubH: case Op::MulH: case Op::DivH: case Op::ModH: case Op::NegH:
      case Op::AndH: case Op::OrH: case Op::XorH: case Op::ShlH: case Op::ShrH: case Op::NotH: return true;
      default: return false;
    }
  };
  return fixpoint(def, seed, passed_on);
}

// shape: Handles that hold a small Int.
std::vector<bool> small_int_handles(const Function& f, const std::vector<const Inst*>& def) {
  auto seed = [&](const Inst& in) -> std::optional<bool> {
    if (in.tag.kind != Kind::Handle) return false;
    if (in.op == Op::Copy || in.op == Op::Phi) return std::nullopt;
    if (in.op != Op::Box || in.args.empty() || in.args[0] >= f.value_count()) return false;
    if (f.value_tags[in.args[0]].kind == Kind::Handle) return std::nullopt;
    return is_const_int(def, in.args[0], [](int64_t v) { return v >= REML_SMALL_INT_MIN && v <= REML_SMALL_INT_MAX; });
  };
  return fixpoint(def, seed, passed_on);
}

// signedness: Ints known to be >= 0.
std::vector<bool> nonneg_ints(const std::vector<const Inst*>& def) {
  auto nonneg_const = [](int64_t v) { return v >= 0; };
  auto seed = [&](const Inst& in) -> std::optional<bool> {
    if (in.tag.kind != Kind::Int) return false;
    switch (in.op) {
      case Op::ConstI: return in.imm >= 0;
      case Op::Copy:
      case Op::Phi: return std::nullopt;
      // A length or a size.
      case Op::CallRt: {
        if (in.ref >= rt_count()) return false;
        auto fn = static_cast<RtFn>(in.ref);
        return fn == RtFn::StrLen || fn == RtFn::ArrayLen || fn == RtFn::MapSize;
      }
      // Masking with a non-negative constant gives a non-negative Int.
      case Op::AndI:
        return in.args.size() == 2 &&
               (is_const_int(def, in.args[0], nonneg_const) || is_const_int(def, in.args[1], nonneg_const));
      default: return false;
    }
  };
  return fixpoint(def, seed, passed_on);
}

// How an instruction uses an operand, for escape.
enum class Use : uint8_t { Harmless, Escapes };

Use operand_use(const Inst& in, size_t k) {
  switch (in.op) {
    // Stored where others can reach it (operand 1 is the stored value).
    case Op::SetField:
    case Op::SetFieldH: return k == 1 ? Use::Escapes : Use::Harmless;
    case Op::SetGlobal:
    // Handed to the caller, to another function or to the runtime.
    case Op::Ret:
    case Op::Call:
    case Op::CallMethod:
    case Op::CallRt:
    // C may keep what it receives (a Handle under the reference contract).
    case Op::CallC:
    // A WeakRef can be upgraded anywhere it reaches.
    case Op::WeakNew: return Use::Escapes;
    // Reference counting and scope ends only count references.
    case Op::Keep:
    case Op::Retain:
    case Op::Release:
    case Op::WeakRetain:
    case Op::WeakDrop: return Use::Harmless;
    // The operand's reference ends here; its memory, when reused, is the
    // result: a new object with its own class.
    case Op::NewBoxReuse: return Use::Harmless;
    default: break;
  }
  // Any other instruction that writes memory must be classified above.
  if (op_info(in.op).flags & EFFECT) {
    std::fprintf(stderr, "internal compiler error: the hint pass does not know how `%s` uses its operands\n",
                 op_info(in.op).mnemonic);
    std::abort();
  }
  return Use::Harmless;
}

// The instructions whose result is an object this function creates.
bool creates_object(Op op) {
  return op == Op::NewBox || op == Op::NewBoxReuse || op == Op::NewArray || op == Op::NewMap || op == Op::NewConsole || op == Op::ConcatS;
}

// escape: values whose object is created here and never escapes. Values that
// may be the same object (copy, box, unbox, to_str of a String, phi) form one
// class; a class is local when all its objects are created here and no
// member escapes.
std::vector<bool> local_objects(const Function& f, const std::vector<const Inst*>& def) {
  const uint32_t n = f.value_count();
  std::vector<uint32_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0u);
  auto find = [&](uint32_t v) {
    while (parent[v] != v) v = parent[v] = parent[parent[v]];
    return v;
  };
  auto unite = [&](uint32_t a, uint32_t b) {
    if (a < n && b < n) parent[find(a)] = find(b);
  };
  for (const Block& b : f.blocks) {
    for (const Inst& in : b.insts) {
      if (in.result == kNone || in.result >= n) continue;
      ResultRef ref = op_info(in.op).ref;
      if (in.op == Op::Phi) {
        for (ValueId a : in.args) unite(in.result, a);
      } else if ((ref == ResultRef::View || ref == ResultRef::Boxed || ref == ResultRef::Printed) && !in.args.empty()) {
        unite(in.result, in.args[0]);
      }
    }
  }
  std::vector<bool> spoiled(n, false);  // by class root: escapes, or holds a foreign object
  for (uint32_t v = 0; v < n; ++v) {
    bool counted = is_object_kind(f.value_tags[v].kind) || f.value_tags[v].kind == Kind::Handle;
    bool own = def[v] != nullptr && (creates_object(def[v]->op) || def[v]->op == Op::Phi ||
                                     op_info(def[v]->op).ref == ResultRef::View ||
                                     op_info(def[v]->op).ref == ResultRef::Boxed ||
                                     op_info(def[v]->op).ref == ResultRef::Printed);
    // A scalar boxed into a Handle is no object of anyone else's.
    if (counted && !own) spoiled[find(v)] = true;
  }
  for (const Block& b : f.blocks)
    for (const Inst& in : b.insts)
      for (size_t k = 0; k < in.args.size(); ++k)
        if (in.args[k] < n && operand_use(in, k) == Use::Escapes) spoiled[find(in.args[k])] = true;
  std::vector<bool> local(n, false);
  for (uint32_t v = 0; v < n; ++v) {
    Kind k = f.value_tags[v].kind;
    local[v] = (is_object_kind(k) || k == Kind::Handle) && !spoiled[find(v)];
  }
  return local;
}

// no_throw: no instruction that may raise a runtime error. A call always may
// (`Stack overflow`), whatever its callee does.
bool cannot_fail(const Function& f) {
  for (const Block& b : f.blocks)
    for (const Inst& in : b.insts)
      if (op_info(in.op).flags & FAILS) return false;
  return true;
}

// Whether the instruction has an effect besides its result, given which
// functions are pure. Reference counts are not effects: releasing never
// runs user code (a user fini() runs only when called).
bool has_effect(const Inst& in, const std::vector<bool>& pure) {
  if (in.op == Op::Keep || in.op == Op::Retain || in.op == Op::Release || in.op == Op::WeakRetain ||
      in.op == Op::WeakDrop)
    return false;
  if (in.op == Op::Call) return !(in.ref < pure.size() && pure[in.ref]);
  return (op_info(in.op).flags & EFFECT) != 0;
}

// pure: the greatest fixpoint over the call graph (a recursive function
// without other effects is pure).
std::vector<bool> pure_functions(const Module& m) {
  std::vector<bool> pure(m.functions.size(), true);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < m.functions.size(); ++i) {
      if (!pure[i]) continue;
      for (const Block& b : m.functions[i].blocks)
        for (const Inst& in : b.insts)
          if (pure[i] && has_effect(in, pure)) pure[i] = false;
      changed = changed || !pure[i];
    }
  }
  return pure;
}

}  // namespace

void infer_hints(Module& m) {
  std::vector<bool> pure = pure_functions(m);
  for (size_t i = 0; i < m.functions.size(); ++i) {
    Function& f = m.functions[i];
    std::vector<const Inst*> def = definitions(f);
    std::vector<bool> nonnull = nonnull_handles(f, def);
    std::vector<bool> small = small_int_handles(f, def);
    std::vector<bool> nonneg = nonneg_ints(def);
    std::vector<bool> local = local_objects(f, def);
    f.value_hints.assign(f.value_count(), HintSet{});
    for (uint32_t v = 0; v < f.value_count(); ++v) {
      // Only where hints.def lets the hint apply, so the text parses back.
      const Tag& t = f.value_tags[v];
      HintSet& h = f.value_hints[v];
      h.set(Hint::Nullability, nonnull[v] && hint_applies(Hint::Nullability, t));
      h.set(Hint::Shape, small[v] && hint_applies(Hint::Shape, t));
      h.set(Hint::Signedness, nonneg[v] && hint_applies(Hint::Signedness, t));
      h.set(Hint::Escape, local[v] && hint_applies(Hint::Escape, t));
    }
    f.hints = HintSet{};
    f.hints.set(Hint::Pure, pure[i]);
    f.hints.set(Hint::NoThrow, cannot_fail(f));
  }
}

}  // namespace hako::mir
