#include "sema/kinds.h"

#include <stdexcept>

namespace hako::sema {

namespace {

bool is_number(Kind k) { return k == Kind::Int || k == Kind::Float; }

BinaryPlan typed(std::optional<mir::Op> op, Tag result, Tag operand) {
  BinaryPlan p;
  p.op = op;
  p.result = result;
  p.lhs_target = operand;
  p.rhs_target = operand;
  return p;
}

// Both operands converted to Handle (where they are not already) and a
// dynamic instruction.
BinaryPlan dynamic(mir::Op op, Tag result, Tag lhs, Tag rhs) {
  BinaryPlan p;
  p.op = op;
  p.result = result;
  p.lhs = lhs.kind == Kind::Handle ? Coercion::None : Coercion::Box;
  p.rhs = rhs.kind == Kind::Handle ? Coercion::None : Coercion::Box;
  p.lhs_target = Tag::of(Kind::Handle);
  p.rhs_target = Tag::of(Kind::Handle);
  return p;
}

// Int/Float arithmetic or comparison, promoting a lone Int to Float.
BinaryPlan numeric(mir::Op int_op, mir::Op float_op, bool compare, Tag lhs, Tag rhs) {
  Tag result_int = compare ? Tag::of(Kind::Bool) : Tag::of(Kind::Int);
  Tag result_float = compare ? Tag::of(Kind::Bool) : Tag::of(Kind::Float);
  if (lhs.kind == Kind::Int && rhs.kind == Kind::Int) return typed(int_op, result_int, lhs);
  BinaryPlan p = typed(float_op, result_float, Tag::of(Kind::Float));
  if (lhs.kind == Kind::Int) p.lhs = Coercion::IntToFloat;
  if (rhs.kind == Kind::Int) p.rhs = Coercion::IntToFloat;
  return p;
}

// The instructions of one operator per operand kind; `s` is absent for the
// operators Strings do not have.
struct OpSet {
  mir::Op i, f;
  std::optional<mir::Op> s;
  mir::Op h;
};

}  // namespace

KindOpt join(KindOpt a, KindOpt b) {
  if (!a) return b;
  if (!b) return a;
  if (*a == *b) return a;
  return Tag::of(Kind::Handle);
}

std::string kind_name(const CheckedProgram& p, Tag t) {
  switch (t.kind) {
    case Kind::Void: return "Void";
    case Kind::Int: return "Int";
    case Kind::Float: return "Float";
    case Kind::Bool: return "Bool";
    case Kind::String: return "String";
    case Kind::Array: return "ArrayBox";
    case Kind::Map: return "MapBox";
    case Kind::Console: return "ConsoleBox";
    case Kind::Weak: return "WeakRef";
    case Kind::Handle: return "a value of unknown kind";
    case Kind::Ptr: return mir::ctype_text(p.ffi, t.ctype());
    case Kind::Box: return t.box < p.boxes.size() ? p.boxes[t.box].name : "box";
  }
  return "?";
}

std::string weak_field_message(const std::string& box, const std::string& field, const std::string& kind) {
  return "Weak field '" + field + "' of " + box + " takes a WeakRef or null, not " + kind + ": write 'me." + field +
         " = weak value'";
}

std::optional<Coercion> conversion(Tag from, Tag to) {
  if (from == to) return Coercion::None;
  if (to.kind == Kind::Handle) return Coercion::Box;
  if (from.kind == Kind::Handle && to.kind != Kind::Void) return Coercion::Unbox;
  if (from.kind == Kind::Int && to.kind == Kind::Float) return Coercion::IntToFloat;
  return std::nullopt;
}

std::optional<BinaryPlan> plan_binary(ast::BinaryOp op, Tag l, Tag r) {
  using ast::BinaryOp;
  using mir::Op;
  const bool any_handle = l.kind == Kind::Handle || r.kind == Kind::Handle;
  const bool any_void = l.kind == Kind::Void || r.kind == Kind::Void;
  switch (op) {
    case BinaryOp::Add: {
      if (any_void) return std::nullopt;
      if (any_handle) return dynamic(Op::AddH, Tag::of(Kind::Handle), l, r);
      if (l.kind == Kind::String || r.kind == Kind::String) {
        BinaryPlan p = typed(Op::ConcatS, Tag::of(Kind::String), Tag::of(Kind::String));
        if (l.kind != Kind::String) p.lhs = Coercion::ToString;
        if (r.kind != Kind::String) p.rhs = Coercion::ToString;
        return p;
      }
      if (is_number(l.kind) && is_number(r.kind)) return numeric(Op::AddI, Op::AddF, false, l, r);
      return std::nullopt;
    }
    case BinaryOp::Sub:
    case BinaryOp::Mul:
    case BinaryOp::Div:
    case BinaryOp::Mod: {
      static const OpSet ops[] = {{Op::SubI, Op::SubF, std::nullopt, Op::SubH},
                                  {Op::MulI, Op::MulF, std::nullopt, Op::MulH},
                                  {Op::DivI, Op::DivF, std::nullopt, Op::DivH},
                                  {Op::ModI, Op::ModF, std::nullopt, Op::ModH}};
      const OpSet& s = ops[op == BinaryOp::Sub ? 0 : op == BinaryOp::Mul ? 1 : op == BinaryOp::Div ? 2 : 3];
      if (any_handle && (is_number(l.kind) || l.kind == Kind::Handle) &&
          (is_number(r.kind) || r.kind == Kind::Handle))
        return dynamic(s.h, Tag::of(Kind::Handle), l, r);
      if (is_number(l.kind) && is_number(r.kind)) return numeric(s.i, s.f, false, l, r);
      return std::nullopt;
    }
    case BinaryOp::Shl:
    case BinaryOp::Shr:
    case BinaryOp::BitAnd:
    case BinaryOp::BitXor:
    case BinaryOp::BitOr: {
      mir::Op iop = op == BinaryOp::Shl ? Op::ShlI : op == BinaryOp::Shr ? Op::ShrI
                    : op == BinaryOp::BitAnd ? Op::AndI : op == BinaryOp::BitXor ? Op::XorI : Op::OrI;
      mir::Op hop = op == BinaryOp::Shl ? Op::ShlH : op == BinaryOp::Shr ? Op::ShrH
                    : op == BinaryOp::BitAnd ? Op::AndH : op == BinaryOp::BitXor ? Op::XorH : Op::OrH;
      bool l_ok = l.kind == Kind::Int || l.kind == Kind::Handle;
      bool r_ok = r.kind == Kind::Int || r.kind == Kind::Handle;
      if (!l_ok || !r_ok) return std::nullopt;
      if (any_handle) return dynamic(hop, Tag::of(Kind::Handle), l, r);
      return typed(iop, Tag::of(Kind::Int), l);
    }
    case BinaryOp::Lt:
    case BinaryOp::Le:
    case BinaryOp::Gt:
    case BinaryOp::Ge: {
      static const OpSet ops[] = {{Op::LtI, Op::LtF, Op::LtS, Op::LtH},
                                  {Op::LeI, Op::LeF, Op::LeS, Op::LeH},
                                  {Op::GtI, Op::GtF, Op::GtS, Op::GtH},
                                  {Op::GeI, Op::GeF, Op::GeS, Op::GeH}};
      const OpSet& s = ops[op == BinaryOp::Lt ? 0 : op == BinaryOp::Le ? 1 : op == BinaryOp::Gt ? 2 : 3];
      auto comparable = [](Kind k) { return is_number(k) || k == Kind::String || k == Kind::Handle; };
      if (!comparable(l.kind) || !comparable(r.kind)) return std::nullopt;
      if (any_handle) return dynamic(s.h, Tag::of(Kind::Bool), l, r);
      if (l.kind == Kind::String && r.kind == Kind::String && s.s) return typed(s.s, Tag::of(Kind::Bool), l);
      if (is_number(l.kind) && is_number(r.kind)) return numeric(s.i, s.f, true, l, r);
      return std::nullopt;
    }
    case BinaryOp::Eq:
    case BinaryOp::Ne: {
      bool eq = op == BinaryOp::Eq;
      Tag b = Tag::of(Kind::Bool);
      // Pointers compare by address, and a null pointer equals null
      // (docs/ffi.md): the runtime's Handle equality knows both.
      if (any_handle || l.kind == Kind::Ptr || r.kind == Kind::Ptr) return dynamic(eq ? Op::EqH : Op::NeH, b, l, r);
      if (l == r) {
        switch (l.kind) {
          case Kind::Int: return typed(eq ? Op::EqI : Op::NeI, b, l);
          case Kind::Float: return typed(eq ? Op::EqF : Op::NeF, b, l);
          case Kind::Bool: return typed(eq ? Op::EqB : Op::NeB, b, l);
          case Kind::String: return typed(eq ? Op::EqS : Op::NeS, b, l);
          case Kind::Void: {
            BinaryPlan p = typed(std::nullopt, b, l);
            p.impl = eq ? BinaryImpl::ConstTrue : BinaryImpl::ConstFalse;
            return p;
          }
          default: return typed(eq ? Op::EqRef : Op::NeRef, b, l);
        }
      }
      // Int == Float is exact (§5), so it is its own instruction.
      if (l.kind == Kind::Int && r.kind == Kind::Float) {
        BinaryPlan p = typed(Op::EqIF, b, l);
        p.impl = eq ? BinaryImpl::Op : BinaryImpl::NotOp;
        p.rhs_target = r;
        return p;
      }
      if (l.kind == Kind::Float && r.kind == Kind::Int) {
        BinaryPlan p = typed(Op::EqIF, b, l);
        p.impl = eq ? BinaryImpl::SwapOp : BinaryImpl::NotSwapOp;
        p.rhs_target = r;
        return p;
      }
      BinaryPlan p = typed(std::nullopt, b, l);
      p.rhs_target = r;
      p.impl = eq ? BinaryImpl::ConstFalse : BinaryImpl::ConstTrue;
      return p;
    }
  }
  return std::nullopt;
}

std::optional<BinaryPlan> plan_binary_void_as_handle(ast::BinaryOp op, Tag l, Tag r) {
  if (l.kind != Kind::Void && r.kind != Kind::Void) return std::nullopt;
  auto as_handle = [](Tag t) { return t.kind == Kind::Void ? Tag::of(Kind::Handle) : t; };
  std::optional<BinaryPlan> p = plan_binary(op, as_handle(l), as_handle(r));
  if (!p) return std::nullopt;
  // With a Handle operand every plan is dynamic: both operands go in as
  // Handles, and the Void one must be boxed (dynamic() saw a Handle there).
  if (p->lhs_target.kind != Kind::Handle || p->rhs_target.kind != Kind::Handle)
    throw std::logic_error("plan_binary_void_as_handle: a plan with a Handle operand that is not dynamic");
  if (l.kind == Kind::Void) p->lhs = Coercion::Box;
  if (r.kind == Kind::Void) p->rhs = Coercion::Box;
  return p;
}

Tag tag_of_builtin_letter(char letter) {
  if (letter == '-') return Tag::of(Kind::Void);
  if (letter == 'K') return Tag::of(Kind::Handle);  // a map key: boxed, checked where not Int or String
  auto t = mir::tag_of_letter(letter);
  return t ? *t : Tag::of(Kind::Handle);
}

}  // namespace hako::sema
