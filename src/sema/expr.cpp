// Expressions: resolution, kinds and conversions.
#include <cstring>

#include "sema/builtins.h"
#include "sema/checker.h"

namespace hako::sema {

namespace {

const char* const kValueBoxes[] = {"StringBox", "IntegerBox", "FloatBox", "BoolBox"};

}  // namespace

KindOpt Checker::expr(const ast::Expr& e) {
  ExprInfo& info = out_.exprs[e.id];
  info = ExprInfo{};
  KindOpt k = expr_inner(e, out_.exprs[e.id]);
  ExprInfo& after = out_.exprs[e.id];  // expr_inner may not grow the vector, but stay safe
  after.kind = k ? *k : Tag::of(Kind::Void);
  after.target = after.kind;
  if (e.kind == ast::ExprKind::Call || e.kind == ast::ExprKind::MethodCall) no_value_used(e, after);
  return k;
}

void Checker::convert(const ast::Expr& e, KindOpt from, Tag to, const char* position) {
  if (!from) return;
  ExprInfo& info = out_.exprs[e.id];
  auto c = conversion(*from, to);
  if (!c && from->kind == Kind::Void && conversion(Tag::of(Kind::Handle), to) == Coercion::Unbox) {
    // Unboxed as a Void Handle would be: `Type error: expected K, got Void`.
    report(diag::Kind::VoidConversion, e.span,
           "Expected " + name(to) + (*position ? std::string(" ") + position : std::string()) +
               ", found a value that is always null (Void)" + kVoidReached);
    info.coercion = Coercion::Unbox;
    info.target = to;
    return;
  }
  if (!c) {
    report(diag::Kind::BadConversion, e.span,
          "Expected " + name(to) + (*position ? std::string(" ") + position : std::string()) + ", found " +
              name(*from) + ".");
    return;
  }
  info.coercion = *c;
  info.target = to;
}

void Checker::condition(const ast::Expr& e) {
  KindOpt k = expr(e);
  if (!k) return;
  ExprInfo& info = out_.exprs[e.id];
  switch (k->kind) {
    case Kind::Bool:
      return;
    case Kind::Int:
    case Kind::Float:
    case Kind::String:
    case Kind::Handle:
      info.coercion = Coercion::Truthy;
      info.target = Tag::of(Kind::Bool);
      return;
    case Kind::Void:
      // Lowered as a Void Handle's truthiness: `Void in boolean context`.
      report(diag::Kind::VoidCondition, e.span, std::string("This condition is always null (Void)") + kVoidReached);
      info.coercion = Coercion::Truthy;
      info.target = Tag::of(Kind::Bool);
      return;
    default:
      report(diag::Kind::InvalidOperands, e.span, name(k) + " cannot be used as a condition (it is never true or false).");
  }
}

void Checker::void_as_handle(const ast::Expr& e) {
  ExprInfo& info = out_.exprs[e.id];
  info.coercion = Coercion::Box;
  info.target = Tag::of(Kind::Handle);
}

bool Checker::map_key(const ast::Expr& key, KindOpt k) {
  if (!k || k->kind == Kind::Int || k->kind == Kind::String || k->kind == Kind::Handle) return true;
  if (k->kind == Kind::Void) {
    // It goes in as the Void Handle it is, which the map refuses when reached.
    report(diag::Kind::VoidConversion, key.span,
           std::string("Map keys must be Int or String, found a value that is always null (Void)") + kVoidReached);
    return true;
  }
  report(diag::Kind::BadConversion, key.span, "Map keys must be Int or String, found " + name(k) + ".");
  return false;
}

KindOpt Checker::expr_inner(const ast::Expr& e, ExprInfo& info) {
  switch (e.kind) {
    case ast::ExprKind::IntLit: return Tag::of(Kind::Int);
    case ast::ExprKind::FloatLit: return Tag::of(Kind::Float);
    case ast::ExprKind::StringLit: return Tag::of(Kind::String);
    case ast::ExprKind::BoolLit: return Tag::of(Kind::Bool);
    case ast::ExprKind::NullLit: return Tag::of(Kind::Void);
    case ast::ExprKind::NameRef: return name_ref(e.as<ast::NameRef>(), info);
    case ast::ExprKind::MeRef: {
      if (cur_box_ != kNone && out_.boxes[cur_box_].is_static) {
        report(diag::Kind::MeOutsideBox, e.span,
              "In a static box 'me' only names its methods and fields ('me.f()', 'me.x'); it is not a value.");
        return Tag::of(Kind::Handle);
      }
      return Tag::user_box(cur_box_);
    }
    case ast::ExprKind::Unary: return unary(e.as<ast::Unary>(), info);
    case ast::ExprKind::WeakExpr: {
      // The operand stays as it is: weak_new takes any box, or a Handle it checks.
      const ast::Expr& operand = *e.as<ast::WeakExpr>().operand;
      KindOpt k = expr(operand);
      if (k && k->kind == Kind::Void) {
        report(diag::Kind::VoidOperand, e.span,
               std::string("The operand of 'weak' is always null (Void)") + kVoidReached,
               "a weak field is cleared with plain null");
        void_as_handle(operand);
      } else if (k && !mir::is_weak_target_kind(k->kind))
        report(diag::Kind::WeakOfNonBox, e.span,
              "'weak' needs a box (an instance, ArrayBox, MapBox or ConsoleBox), found " + name(k) + ".");
      return Tag::of(Kind::Weak);
    }
    case ast::ExprKind::Binary: return binary(e.as<ast::Binary>(), info);
    case ast::ExprKind::Logical: {
      const auto& l = e.as<ast::Logical>();
      condition(*l.lhs);
      condition(*l.rhs);
      return Tag::of(Kind::Bool);
    }
    case ast::ExprKind::Ternary: {
      const auto& t = e.as<ast::Ternary>();
      condition(*t.cond);
      KindOpt a = expr(*t.then_expr);
      KindOpt b = expr(*t.else_expr);
      KindOpt j = join(a, b);
      if (j) {
        convert(*t.then_expr, a, *j, "");
        convert(*t.else_expr, b, *j, "");
      }
      return j;
    }
    case ast::ExprKind::FieldGet: return field_get(e.as<ast::FieldGet>(), info);
    case ast::ExprKind::Call: return call(e.as<ast::Call>(), info);
    case ast::ExprKind::MethodCall: return method_call(e.as<ast::MethodCall>(), info);
    case ast::ExprKind::New: return new_expr(e.as<ast::New>(), info);
    case ast::ExprKind::ArrayLit: {
      for (const auto& el : e.as<ast::ArrayLit>().elements) {
        KindOpt k = expr(*el);
        convert(*el, k, Tag::of(Kind::Handle), "as an array element");
      }
      return Tag::of(Kind::Array);
    }
    case ast::ExprKind::MapLit: {
      for (const auto& entry : e.as<ast::MapLit>().entries) {
        KindOpt k = expr(*entry.key);
        if (map_key(*entry.key, k)) convert(*entry.key, k, Tag::of(Kind::Handle), "as a map key");
        KindOpt v = expr(*entry.value);
        convert(*entry.value, v, Tag::of(Kind::Handle), "as a map value");
      }
      return Tag::of(Kind::Map);
    }
    case ast::ExprKind::BlockExpr: {
      const auto& b = e.as<ast::BlockExpr>();
      barriers_.push_back(ControlBarrier{loop_depth_, diag::Kind::ControlInBlockExpr, "a block expression"});
      scopes_.emplace_back();
      block(b.block, /*new_scope=*/false);
      KindOpt k = b.result ? expr(*b.result) : KindOpt(Tag::of(Kind::Void));
      scopes_.pop_back();
      barriers_.pop_back();
      return k;
    }
  }
  return Tag::of(Kind::Handle);
}

KindOpt Checker::name_ref(const ast::NameRef& e, ExprInfo& info) {
  uint32_t local = lookup_local(e.name);
  if (local != kNone) {
    info.res = ResKind::Local;
    info.local = local;
    local_read_[local] = true;
    return local_kinds_[local];
  }
  if (find_box(e.name) != kNone) {
    report(diag::Kind::UndefinedName, e.span,
          "'" + e.name + "' is a box, not a value; call its methods with '" + e.name + ".method()'.");
  } else {
    report(diag::Kind::UndefinedName, e.span, "Unknown name '" + e.name + "'.");
    if (&e != statement_word_ || !suggest_keyword(e.span, e.name)) did_you_mean(e.span, e.name, visible_names());
  }
  return Tag::of(Kind::Handle);
}

KindOpt Checker::unary(const ast::Unary& e, ExprInfo& info) {
  if (e.op == ast::UnaryOp::Not) {
    condition(*e.operand);
    info.op = mir::Op::NotB;
    return Tag::of(Kind::Bool);
  }
  KindOpt k = expr(*e.operand);
  if (!k) return k;
  bool neg = e.op == ast::UnaryOp::Neg;
  switch (k->kind) {
    case Kind::Int:
      info.op = neg ? mir::Op::NegI : mir::Op::NotI;
      return k;
    case Kind::Float:
      if (neg) {
        info.op = mir::Op::NegF;
        return k;
      }
      break;
    case Kind::Handle:
      info.op = neg ? mir::Op::NegH : mir::Op::NotH;
      return k;
    case Kind::Void:
      report(diag::Kind::VoidOperand, e.span,
             std::string("The operand of '") + ast::unary_op_text(e.op) + "' is always null (Void)" + kVoidReached);
      void_as_handle(*e.operand);
      info.op = neg ? mir::Op::NegH : mir::Op::NotH;
      return Tag::of(Kind::Handle);
    default:
      break;
  }
  report(diag::Kind::InvalidOperands, e.span,
        std::string("Cannot apply '") + ast::unary_op_text(e.op) + "' to " + name(k) + ".");
  return Tag::of(Kind::Handle);
}

std::optional<BinaryPlan> Checker::operator_plan(ast::BinaryOp op, ast::Span span, Tag l, Tag r) {
  if (auto plan = plan_binary(op, l, r)) return plan;
  if (auto plan = plan_binary_void_as_handle(op, l, r)) {
    report(diag::Kind::VoidOperand, span,
           std::string("An operand of '") + ast::binary_op_text(op) + "' is always null (" + name(l) + " and " +
               name(r) + ")" + kVoidReached);
    return plan;
  }
  report(diag::Kind::InvalidOperands, span,
         std::string("Cannot apply '") + ast::binary_op_text(op) + "' to " + name(l) + " and " + name(r) + ".");
  return std::nullopt;
}

KindOpt Checker::binary(const ast::Binary& e, ExprInfo& info) {
  KindOpt l = expr(*e.lhs);
  KindOpt r = expr(*e.rhs);
  if (!l || !r) return std::nullopt;
  auto plan = operator_plan(e.op, e.op_span, *l, *r);
  if (!plan) return e.op >= ast::BinaryOp::Eq ? Tag::of(Kind::Bool) : Tag::of(Kind::Handle);
  if (e.op == ast::BinaryOp::Eq || e.op == ast::BinaryOp::Ne) mixed_kind_equality(e.op, e.op_span, *l, *r, *plan);
  info.binary = *plan;
  return plan->result;
}

uint32_t Checker::static_receiver(const ast::Expr& receiver) {
  if (receiver.kind == ast::ExprKind::MeRef && cur_box_ != kNone && out_.boxes[cur_box_].is_static) {
    out_.exprs[receiver.id] = ExprInfo{};
    out_.exprs[receiver.id].res = ResKind::StaticBox;
    out_.exprs[receiver.id].box = cur_box_;
    return cur_box_;
  }
  if (receiver.kind != ast::ExprKind::NameRef) return kNone;
  const auto& n = receiver.as<ast::NameRef>();
  if (lookup_local(n.name) != kNone) return kNone;
  uint32_t box = find_box(n.name);
  if (box == kNone) return kNone;
  out_.exprs[receiver.id] = ExprInfo{};
  out_.exprs[receiver.id].res = ResKind::StaticBox;
  out_.exprs[receiver.id].box = box;
  return box;
}

KindOpt Checker::field_get(const ast::FieldGet& e, ExprInfo& info) {
  uint32_t sbox = static_receiver(*e.object);
  if (sbox != kNone) {
    if (!out_.boxes[sbox].is_static) {
      report(diag::Kind::NotAStaticBox, e.object->span,
            "'" + out_.boxes[sbox].name + "' is not a static box; its fields belong to instances.");
      return Tag::of(Kind::Handle);
    }
    uint32_t g = find_global(sbox, e.field);
    if (g == kNone) {
      report(diag::Kind::UnknownField, e.field_span,
            "Static box '" + out_.boxes[sbox].name + "' has no field '" + e.field + "'.");
      did_you_mean(e.field_span, e.field, static_field_names(sbox));
      return Tag::of(Kind::Handle);
    }
    info.res = ResKind::Global;
    info.global = g;
    return Tag::of(Kind::Handle);
  }
  KindOpt k = expr(*e.object);
  if (!k) return std::nullopt;
  if (k->kind == Kind::Box) {
    uint32_t f = find_field(k->box, e.field);
    if (f == kNone) {
      if (!assign_target_ && method_name_exists(k->box, e.field)) {
        method_without_call(e, "Box '" + out_.boxes[k->box].name + "'");
        return Tag::of(Kind::Handle);
      }
      report(diag::Kind::UnknownField, e.field_span,
            "Box '" + out_.boxes[k->box].name + "' has no field '" + e.field + "'.");
      did_you_mean(e.field_span, e.field, field_names(k->box));
      return Tag::of(Kind::Handle);
    }
    info.res = ResKind::InstanceField;
    info.box = k->box;
    info.field = f;
    return Tag::of(Kind::Handle);
  }
  if (k->kind == Kind::Handle) {
    info.res = ResKind::DynamicField;
    return Tag::of(Kind::Handle);
  }
  if (k->kind == Kind::Void) {
    // Looked up on a Void Handle: `Unknown field 'f' on Void`.
    report(diag::Kind::FieldOfVoid, e.field_span,
           "Field '" + e.field + "' is used on a value that is always null (Void)" + kVoidReached);
    void_as_handle(*e.object);
    info.res = ResKind::DynamicField;
    return Tag::of(Kind::Handle);
  }
  if (!assign_target_ && builtin_name_exists(k->kind, e.field)) {
    method_without_call(e, name(k));
    return Tag::of(Kind::Handle);
  }
  report(diag::Kind::UnknownField, e.field_span, name(k) + " has no fields ('" + e.field + "').");
  return Tag::of(Kind::Handle);
}

void Checker::call_args(uint32_t func, const std::vector<ast::ExprPtr>& args) {
  const FuncInfo& fn = out_.funcs[func];
  for (size_t i = 0; i < args.size() && i < fn.params.size(); ++i) {
    KindOpt k = expr(*args[i]);
    join_local(fn.params[i], k);
    if (local_kinds_[fn.params[i]]) convert(*args[i], k, *local_kinds_[fn.params[i]], "as an argument");
  }
}

KindOpt Checker::call_direct(uint32_t func, const std::vector<ast::ExprPtr>& args, ExprInfo& info) {
  call_args(func, args);
  info.res = ResKind::DirectCall;
  info.func = func;
  return ret_kinds_[func];
}

KindOpt Checker::call(const ast::Call& e, ExprInfo& info) {
  uint32_t arity = static_cast<uint32_t>(e.args.size());
  if (cur_box_ != kNone) {
    uint32_t f = find_method(cur_box_, e.name, arity);
    // Methods of one box are all static or all instance methods, so the
    // callee takes `me` exactly when the caller has one.
    if (f != kNone) return call_direct(f, e.args, info);
  }
  // Then an extern function (docs/ffi.md).
  if (std::optional<mir::ExternId> x = out_.ffi.find_extern(e.name)) return extern_call(e, x->index(), info);
  if (cur_box_ != kNone) {
    if (method_name_exists(cur_box_, e.name)) {
      method_arity_mismatch(cur_box_, e.name, out_.boxes[cur_box_].name + "." + e.name, arity, e.name_span);
      for (const auto& a : e.args) expr(*a);
      return Tag::of(Kind::Handle);
    }
  }
  if (auto other = other_target_externs_.find(e.name); other != other_target_externs_.end()) {
    report(diag::Kind::FfiTargetConflict, e.name_span,
           "The extern function '" + e.name + "' is declared for " + other->second + " only; this program is compiled for " +
               options_.target + ".");
    for (const auto& a : e.args) expr(*a);
    return Tag::of(Kind::Handle);
  }
  for (const auto& a : e.args) expr(*a);
  if (e.name == "print") {
    report(diag::Kind::PrintArity, e.span, "print takes exactly one argument.");
  } else {
    report(diag::Kind::UndefinedName, e.name_span, "Unknown function '" + e.name + "'.");
    std::vector<std::string> candidates;
    if (cur_box_ != kNone) candidates = method_names(cur_box_);
    for (const mir::ExternFn& x : out_.ffi.externs) candidates.push_back(x.name);
    did_you_mean(e.name_span, e.name, candidates);
  }
  return Tag::of(Kind::Handle);
}

KindOpt Checker::method_call(const ast::MethodCall& e, ExprInfo& info) {
  uint32_t arity = static_cast<uint32_t>(e.args.size());
  auto check_args_only = [&] {
    for (const auto& a : e.args) expr(*a);
  };

  uint32_t sbox = static_receiver(*e.receiver);
  if (sbox != kNone) {
    const BoxInfo& box = out_.boxes[sbox];
    if (!box.is_static) {
      report(diag::Kind::NotAStaticBox, e.receiver->span,
            "'" + box.name + "' is not a static box; call '" + e.method + "' on an instance (new " + box.name +
                "(...))." );
      check_args_only();
      return Tag::of(Kind::Handle);
    }
    uint32_t f = find_method(sbox, e.method, arity);
    if (f == kNone) {
      check_args_only();
      if (method_name_exists(sbox, e.method)) {
        method_arity_mismatch(sbox, e.method, box.name + "." + e.method, arity, e.method_span);
      } else {
        report(diag::Kind::UnknownMethod, e.method_span, "Static box '" + box.name + "' has no method '" + e.method + "'.");
        did_you_mean(e.method_span, e.method, method_names(sbox));
      }
      return Tag::of(Kind::Handle);
    }
    return call_direct(f, e.args, info);
  }

  KindOpt recv = expr(*e.receiver);
  if (!recv) {
    check_args_only();
    return std::nullopt;
  }

  if (recv->kind == Kind::Box) {
    uint32_t f = find_method(recv->box, e.method, arity);
    if (f != kNone) return call_direct(f, e.args, info);
    if (!method_name_exists(recv->box, e.method)) {
      if (const BuiltinMethod* bm = find_builtin(Kind::Box, e.method, arity)) {
        info.res = ResKind::Builtin;
        info.builtin = bm;
        return tag_of_builtin_letter(bm->result);
      }
    }
    check_args_only();
    if (method_name_exists(recv->box, e.method)) {
      method_arity_mismatch(recv->box, e.method, out_.boxes[recv->box].name + "." + e.method, arity, e.method_span);
    } else {
      report(diag::Kind::UnknownMethod, e.method_span,
            "Box '" + out_.boxes[recv->box].name + "' has no method '" + e.method + "'.");
      did_you_mean(e.method_span, e.method, method_names(recv->box));
    }
    return Tag::of(Kind::Handle);
  }

  if (recv->kind == Kind::Handle) {
    dynamic_calls_.insert({e.method, arity});
    for (const auto& a : e.args) {
      KindOpt k = expr(*a);
      convert(*a, k, Tag::of(Kind::Handle), "as an argument");
    }
    info.res = ResKind::DynamicCall;
    return Tag::of(Kind::Handle);
  }

  if (recv->kind == Kind::Void && !find_builtin(Kind::Void, e.method, arity)) {
    // Called on a Void Handle: `Type error: method 'm' called on Void`. No
    // user method can be reached, so dynamic_calls_ is left alone.
    report(diag::Kind::MethodOnVoid, e.method_span,
           "Method '" + e.method + "' is called on a value that is always null (Void)" + kVoidReached);
    void_as_handle(*e.receiver);
    for (const auto& a : e.args) {
      KindOpt k = expr(*a);
      convert(*a, k, Tag::of(Kind::Handle), "as an argument");
    }
    info.res = ResKind::DynamicCall;
    return Tag::of(Kind::Handle);
  }

  const BuiltinMethod* bm = find_builtin(recv->kind, e.method, arity);
  if (!bm) {
    check_args_only();
    if (builtin_name_exists(recv->kind, e.method)) {
      report(diag::Kind::ArityMismatch, e.method_span,
            "'" + name(recv) + "." + e.method + "' takes " + builtin_arities(recv->kind, e.method) + " but " +
                std::to_string(arity) + (arity == 1 ? " was" : " were") + " given.");
    } else {
      report(diag::Kind::UnknownMethod, e.method_span, name(recv) + " has no method '" + e.method + "'.");
      did_you_mean(e.method_span, e.method, builtin_method_names(recv->kind));
    }
    return Tag::of(Kind::Handle);
  }
  // The arguments' kinds pick the row (typed entry points such as map.set(Int, Int)).
  std::vector<KindOpt> kinds;
  for (const auto& a : e.args) kinds.push_back(expr(*a));
  bm = resolve_builtin(recv->kind, e.method, kinds);
  for (size_t i = 0; i < e.args.size(); ++i) {
    // A key goes in as a Handle the call checks; one of a known kind that is
    // never a key (`m.get(true)`) is the error a map literal gives it.
    if (bm->params[i] == 'K' && !map_key(*e.args[i], kinds[i])) continue;
    convert(*e.args[i], kinds[i], tag_of_builtin_letter(bm->params[i]), "as an argument");
  }
  info.res = ResKind::Builtin;
  info.builtin = bm;
  return tag_of_builtin_letter(bm->result);
}

KindOpt Checker::new_expr(const ast::New& e, ExprInfo& info) {
  uint32_t arity = static_cast<uint32_t>(e.args.size());
  auto builtin_box = [&](Kind k) -> KindOpt {
    for (const auto& a : e.args) expr(*a);
    if (arity != 0)
      report(diag::Kind::ArityMismatch, e.box_span, "'new " + e.box + "()' takes no arguments.");
    info.res = ResKind::NewBuiltin;
    return Tag::of(k);
  };
  if (e.box == "ArrayBox") return builtin_box(Kind::Array);
  if (e.box == "MapBox") return builtin_box(Kind::Map);
  if (e.box == "ConsoleBox") return builtin_box(Kind::Console);
  static const Kind kValueKinds[] = {Kind::String, Kind::Int, Kind::Float, Kind::Bool};
  for (int i = 0; i < 4; ++i) {
    if (e.box != kValueBoxes[i]) continue;
    if (arity != 1) {
      for (const auto& a : e.args) expr(*a);
      report(diag::Kind::ArityMismatch, e.box_span, "'new " + e.box + "(value)' takes exactly one argument.");
      return Tag::of(kValueKinds[i]);
    }
    KindOpt k = expr(*e.args[0]);
    convert(*e.args[0], k, Tag::of(kValueKinds[i]), "");
    info.res = ResKind::NewValueBox;
    return Tag::of(kValueKinds[i]);
  }

  uint32_t box = find_box(e.box);
  if (box == kNone) {
    for (const auto& a : e.args) expr(*a);
    report(diag::Kind::UndefinedBox, e.box_span, "Unknown box '" + e.box + "'.");
    did_you_mean(e.box_span, e.box, box_names());
    return Tag::of(Kind::Handle);
  }
  if (out_.boxes[box].is_static) {
    for (const auto& a : e.args) expr(*a);
    report(diag::Kind::NewOfStaticBox, e.box_span,
          "'" + e.box + "' is a static box; it has no instances (call its methods as " + e.box + ".method()).");
    return Tag::of(Kind::Handle);
  }
  if (out_.boxes[box].cstruct) {
    const size_t fields = out_.boxes[box].fields.size();
    for (const auto& a : e.args) convert(*a, expr(*a), Tag::of(Kind::Handle), "as a field value");
    if (arity != 0 && arity != fields)
      report(diag::Kind::NoMatchingBirth, e.box_span,
             "'new " + e.box + "(...)' takes no arguments (every field zero) or one per field (" +
                 std::to_string(fields) + ").");
    info.res = ResKind::NewStruct;
    info.box = box;
    return Tag::user_box(box);
  }
  info.res = ResKind::NewUser;
  info.box = box;
  uint32_t birth = find_method(box, "birth", arity);
  if (birth == kNone) {
    if (arity != 0 || method_name_exists(box, "birth")) {
      for (const auto& a : e.args) expr(*a);
      report(diag::Kind::NoMatchingBirth, e.box_span,
            "Box '" + e.box + "' has no birth(...) taking " + std::to_string(arity) + " argument(s).");
      return Tag::user_box(box);
    }
    info.func = kNone;
    return Tag::user_box(box);
  }
  call_args(birth, e.args);
  info.func = birth;
  return Tag::user_box(box);
}

}  // namespace hako::sema
