// Statements: scopes, locals, assignments, control flow checks.
#include "sema/checker.h"

#include <stdexcept>

namespace hako::sema {

namespace {

// Whether evaluating `e` does nothing but compute a value (a runtime error
// aside): no call, no allocation the program could observe, no block.
bool computes_only(const ast::Expr& e) {
  switch (e.kind) {
    case ast::ExprKind::IntLit:
    case ast::ExprKind::FloatLit:
    case ast::ExprKind::StringLit:
    case ast::ExprKind::BoolLit:
    case ast::ExprKind::NullLit:
    case ast::ExprKind::NameRef:
    case ast::ExprKind::MeRef:
      return true;
    case ast::ExprKind::Unary: return computes_only(*e.as<ast::Unary>().operand);
    case ast::ExprKind::WeakExpr: return computes_only(*e.as<ast::WeakExpr>().operand);
    case ast::ExprKind::Binary: {
      const auto& b = e.as<ast::Binary>();
      return computes_only(*b.lhs) && computes_only(*b.rhs);
    }
    case ast::ExprKind::Logical: {
      const auto& l = e.as<ast::Logical>();
      return computes_only(*l.lhs) && computes_only(*l.rhs);
    }
    case ast::ExprKind::Ternary: {
      const auto& t = e.as<ast::Ternary>();
      return computes_only(*t.cond) && computes_only(*t.then_expr) && computes_only(*t.else_expr);
    }
    case ast::ExprKind::FieldGet: return computes_only(*e.as<ast::FieldGet>().object);
    case ast::ExprKind::ArrayLit:
      for (const auto& el : e.as<ast::ArrayLit>().elements)
        if (!computes_only(*el)) return false;
      return true;
    case ast::ExprKind::MapLit:
      for (const auto& entry : e.as<ast::MapLit>().entries)
        if (!computes_only(*entry.key) || !computes_only(*entry.value)) return false;
      return true;
    case ast::ExprKind::Call:
    case ast::ExprKind::MethodCall:
    case ast::ExprKind::New:
    case ast::ExprKind::BlockExpr:
      return false;
  }
  throw std::logic_error("computes_only: unknown expression kind");
}

}  // namespace

void Checker::declare_local(uint32_t id, const std::string& name, ast::Span span) {
  auto& scope = scopes_.back();
  if (auto first = scope.find(name); first != scope.end()) {
    report(diag::Kind::DuplicateDefinition, span,
          "'" + name + "' is already declared in this block; assign to it or use another name.");
    if (auto where = local_spans_.find(first->second); where != local_spans_.end())
      note(where->second, "first defined here");
  }
  local_spans_[id] = span;
  scope[name] = id;
  out_.locals[id].name = name;
  declared_locals_.emplace_back(id, span);
}

uint32_t Checker::lookup_local(const std::string& name) const {
  for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
    auto found = it->find(name);
    if (found != it->end()) return found->second;
  }
  return kNone;
}

void Checker::block(const ast::Block& b, bool new_scope) {
  if (new_scope) scopes_.emplace_back();
  // Registered before the first statement: it sees only the names outside.
  if (b.cleanup) {
    barriers_.push_back(ControlBarrier{loop_depth_, diag::Kind::ControlInFini, "a cleanup block"});
    block(*b.cleanup);
    barriers_.pop_back();
  }
  bool exited = false;
  bool warned = false;
  for (size_t i = 0; i < b.stmts.size(); ++i) {
    const ast::StmtPtr& s = b.stmts[i];
    if (exited && !warned) {
      report(diag::Kind::UnreachableCode, s->span, "This statement can never run.");
      warned = true;
    }
    statement_word_ = nullptr;
    if (s->kind == ast::StmtKind::ExprStmt && i + 1 < b.stmts.size()) {
      const ast::Expr& e = *s->as<ast::ExprStmt>().expr;
      if (e.kind == ast::ExprKind::NameRef && same_line(e.span.end, b.stmts[i + 1]->span.begin)) statement_word_ = &e;
    }
    stmt(*s);
    statement_word_ = nullptr;
    if (always_exits(*s)) exited = true;
  }
  if (new_scope) scopes_.pop_back();
}

bool Checker::always_exits(const ast::Block& b) {
  for (const ast::StmtPtr& s : b.stmts)
    if (always_exits(*s)) return true;
  return false;
}

bool Checker::always_exits(const ast::Stmt& s) {
  switch (s.kind) {
    case ast::StmtKind::ReturnStmt:
    case ast::StmtKind::BreakStmt:
    case ast::StmtKind::ContinueStmt:
      return true;
    case ast::StmtKind::BlockStmt:
      return always_exits(s.as<ast::BlockStmt>().block);
    case ast::StmtKind::UnsafeStmt:
      return always_exits(s.as<ast::UnsafeStmt>().block);
    case ast::StmtKind::IfStmt: {
      const auto& i = s.as<ast::IfStmt>();
      return i.else_stmt && always_exits(i.then_block) && always_exits(*i.else_stmt);
    }
    case ast::StmtKind::LoopStmt: {
      // `loop { }` without a break never falls through.
      const auto& l = s.as<ast::LoopStmt>();
      if (l.cond) return false;
      struct BreakFinder {
        static bool in_block(const ast::Block& b) {
          for (const auto& st : b.stmts)
            if (in_stmt(*st)) return true;
          return false;
        }
        static bool in_stmt(const ast::Stmt& st) {
          switch (st.kind) {
            case ast::StmtKind::BreakStmt: return true;
            case ast::StmtKind::BlockStmt: return in_block(st.as<ast::BlockStmt>().block);
            case ast::StmtKind::UnsafeStmt: return in_block(st.as<ast::UnsafeStmt>().block);
            case ast::StmtKind::IfStmt: {
              const auto& i = st.as<ast::IfStmt>();
              return in_block(i.then_block) || (i.else_stmt && in_stmt(*i.else_stmt));
            }
            default: return false;  // a nested loop's break is its own
          }
        }
      };
      return !BreakFinder::in_block(l.body);
    }
    default:
      return false;
  }
}

void Checker::stmt(const ast::Stmt& s) {
  switch (s.kind) {
    case ast::StmtKind::LocalStmt:
      local_stmt(s.as<ast::LocalStmt>());
      break;
    case ast::StmtKind::AssignStmt:
      assign_stmt(s.as<ast::AssignStmt>());
      break;
    case ast::StmtKind::IfStmt: {
      const auto& i = s.as<ast::IfStmt>();
      condition(*i.cond);
      block(i.then_block);
      if (i.else_stmt) stmt(*i.else_stmt);
      break;
    }
    case ast::StmtKind::LoopStmt: {
      const auto& l = s.as<ast::LoopStmt>();
      if (l.cond) condition(*l.cond);
      ++loop_depth_;
      block(l.body);
      --loop_depth_;
      break;
    }
    case ast::StmtKind::BreakStmt:
    case ast::StmtKind::ContinueStmt:
      check_control_exit(s.kind == ast::StmtKind::BreakStmt ? "break" : "continue", false, s.span);
      break;
    case ast::StmtKind::ReturnStmt: {
      const auto& r = s.as<ast::ReturnStmt>();
      check_control_exit("return", true, s.span);
      if (r.value) {
        KindOpt k = expr(*r.value);
        join_ret(cur_func_, k);
        if (ret_kinds_[cur_func_]) convert(*r.value, k, *ret_kinds_[cur_func_], "as the return value");
      } else {
        join_ret(cur_func_, Tag::of(Kind::Void));
      }
      break;
    }
    case ast::StmtKind::PrintStmt: {
      const auto& p = s.as<ast::PrintStmt>();
      KindOpt k = expr(*p.value);
      // Int/Float/Bool/String/Handle print directly; boxes, pointers and Void through a Handle.
      if (k && (k->kind == Kind::Void || k->kind == Kind::Ptr ||
                (mir::is_object_kind(k->kind) && k->kind != Kind::String)))
        convert(*p.value, k, Tag::of(Kind::Handle), "");
      break;
    }
    case ast::StmtKind::ExprStmt: {
      const auto& e = s.as<ast::ExprStmt>();
      if (computes_only(*e.expr)) {
        // Often a line meant to continue the one before: `x = a` / `- b`.
        bool may_continue = e.expr->kind == ast::ExprKind::ArrayLit ||
                            (e.expr->kind == ast::ExprKind::Unary && e.expr->as<ast::Unary>().op == ast::UnaryOp::Neg);
        if (may_continue)
          report(diag::Kind::UnusedValue, e.expr->span, "This expression's value is never used.",
                 "a line starting with '-' or '[' begins a new statement; to continue the expression of the line "
                 "before, end that line with the operator");
        else
          report(diag::Kind::UnusedValue, e.expr->span, "This expression's value is never used.");
      }
      // Restored after: a block expression inside may hold statements of its own.
      const ast::Expr* outer = discarded_;
      discarded_ = e.expr.get();
      expr(*e.expr);
      discarded_ = outer;
      out_.exprs[e.expr->id].coercion = Coercion::Discard;
      break;
    }
    case ast::StmtKind::BlockStmt:
      block(s.as<ast::BlockStmt>().block);
      break;
    case ast::StmtKind::FiniStmt:
      fini_block(s.as<ast::FiniStmt>().block);
      break;
    case ast::StmtKind::UnsafeStmt:
      ++unsafe_depth_;
      block(s.as<ast::UnsafeStmt>().block);
      --unsafe_depth_;
      break;
  }
}

void Checker::local_stmt(const ast::LocalStmt& s) {
  for (const ast::LocalBinding& b : s.bindings) {
    // The initialiser is checked before the name is in scope: `local x = x`
    // reads an outer x.
    KindOpt k = b.init ? expr(*b.init) : KindOpt(Tag::of(Kind::Void));
    join_local(b.id, k);
    declare_local(b.id, b.name, b.span);
    if (b.init && local_kinds_[b.id]) convert(*b.init, k, *local_kinds_[b.id], "in this local");
  }
  // After the bindings: the cleanup sees them.
  if (s.fini) fini_block(*s.fini);
}

void Checker::fini_block(const ast::Block& b) {
  barriers_.push_back(ControlBarrier{loop_depth_, diag::Kind::ControlInFini, "a fini block"});
  block(b);
  barriers_.pop_back();
}

void Checker::check_control_exit(const char* word, bool is_return, ast::Span span) {
  std::string quoted = std::string("'") + word + "'";
  if (is_return) {
    // A return leaves every construct it is in; name the innermost.
    if (!barriers_.empty())
      report(barriers_.back().kind, span, quoted + " cannot leave " + barriers_.back().what + ".");
    return;
  }
  // break/continue target the innermost loop: an error only when that loop
  // lies outside the innermost barrier.
  if (!barriers_.empty() && barriers_.back().loop_depth == loop_depth_) {
    report(barriers_.back().kind, span,
           quoted + " cannot leave " + barriers_.back().what + "; only a loop inside it can be left this way.");
  } else if (loop_depth_ == 0) {
    report(diag::Kind::BreakOutsideLoop, span, quoted + " is only allowed inside a loop.");
  }
}

void Checker::weak_field_contract(const ast::Expr& target, KindOpt value, base::Span value_span) {
  const ExprInfo& ti = out_.exprs[target.id];
  if (ti.res != ResKind::InstanceField || !value) return;
  const BoxInfo& box = out_.boxes[ti.box];
  const FieldInfo& field = box.fields[ti.field];
  // A WeakRef, Void, or a Handle (checked at run time by reml_weak_field_check).
  if (!field.is_weak || value->kind == Kind::Weak || value->kind == Kind::Void || value->kind == Kind::Handle) return;
  report(diag::Kind::WeakFieldNeedsWeakRef, value_span,
        weak_field_message(box.name, field.name, name(value)));
}

void Checker::assign_stmt(const ast::AssignStmt& s) {
  const ast::Expr& target = *s.target;
  KindOpt value = expr(*s.value);
  Tag target_kind = Tag::of(Kind::Handle);
  KindOpt current;  // the target's kind, for compound assignment

  if (target.kind == ast::ExprKind::NameRef) {
    const auto& n = target.as<ast::NameRef>();
    uint32_t local = lookup_local(n.name);
    ExprInfo& ti = out_.exprs[target.id];
    ti = ExprInfo{};
    if (local == kNone) {
      if (find_box(n.name) != kNone)
        report(diag::Kind::InvalidAssignTarget, target.span, "'" + n.name + "' is a box and cannot be assigned to.");
      else
        report(diag::Kind::UndefinedName, target.span,
              "'" + n.name + "' is not declared; declare it first with 'local " + n.name + "'.");
      return;
    }
    ti.res = ResKind::Local;
    ti.local = local;
    out_.locals[local].reassigned = true;
    if (s.op == ast::AssignOp::Assign) {
      join_local(local, value);
    }
    current = local_kinds_[local];
    ti.kind = current ? *current : Tag::of(Kind::Void);
    ti.target = ti.kind;
  } else if (target.kind == ast::ExprKind::FieldGet) {
    // The receiver is evaluated as for a read; stores always hold Handles.
    assign_target_ = true;  // `a.m = v` is no call of method m
    current = expr(target);
    assign_target_ = false;
    target_kind = Tag::of(Kind::Handle);
    if (s.op == ast::AssignOp::Assign) weak_field_contract(target, value, s.value->span);
  } else if (target.kind == ast::ExprKind::MeRef) {
    report(diag::Kind::AssignToMe, target.span, "'me' cannot be assigned to.");
    return;
  } else {
    report(diag::Kind::InvalidAssignTarget, target.span, "Only locals and fields can be assigned to.");
    return;
  }

  if (s.op == ast::AssignOp::Assign) {
    Tag to = target.kind == ast::ExprKind::NameRef ? (current ? *current : Tag::of(Kind::Void)) : target_kind;
    convert(*s.value, value, to, "in this assignment");
    return;
  }

  // Compound: t = t op v.
  static const ast::BinaryOp kOps[] = {ast::BinaryOp::Add, ast::BinaryOp::Add, ast::BinaryOp::Sub,
                                       ast::BinaryOp::Mul, ast::BinaryOp::Div, ast::BinaryOp::Mod};
  ast::BinaryOp op = kOps[static_cast<int>(s.op)];
  if (!current || !value) return;
  auto plan = operator_plan(op, s.op_span, *current, *value);
  if (!plan) return;
  if (target.kind == ast::ExprKind::FieldGet) weak_field_contract(target, plan->result, s.value->span);
  CompoundInfo ci;
  ci.plan = *plan;
  if (target.kind == ast::ExprKind::NameRef) {
    uint32_t local = out_.exprs[target.id].local;
    join_local(local, plan->result);
    Tag to = *local_kinds_[local];
    auto c = conversion(plan->result, to);
    ci.store = c ? *c : Coercion::None;
    ci.store_target = to;
    out_.exprs[target.id].kind = to;
    out_.exprs[target.id].target = to;
  } else {
    auto c = conversion(plan->result, Tag::of(Kind::Handle));
    ci.store = c ? *c : Coercion::None;
    ci.store_target = Tag::of(Kind::Handle);
  }
  if (recording_) out_.compounds[&s] = ci;
}

}  // namespace hako::sema
