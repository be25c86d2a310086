// Lints: warnings about code that compiles and runs but most likely does not
// do what was meant (W0308-W0310, docs/language.md "Front end").
#include "sema/checker.h"

#include <stdexcept>

namespace hako::sema {

namespace {

bool stmt_has_value_return(const ast::Stmt& s);

bool block_has_value_return(const ast::Block& b) {
  for (const ast::StmtPtr& s : b.stmts)
    if (stmt_has_value_return(*s)) return true;
  return b.cleanup && block_has_value_return(*b.cleanup);
}

bool stmt_has_value_return(const ast::Stmt& s) {
  switch (s.kind) {
    case ast::StmtKind::ReturnStmt: return s.as<ast::ReturnStmt>().value != nullptr;
    case ast::StmtKind::BlockStmt: return block_has_value_return(s.as<ast::BlockStmt>().block);
    case ast::StmtKind::UnsafeStmt: return block_has_value_return(s.as<ast::UnsafeStmt>().block);
    case ast::StmtKind::FiniStmt: return block_has_value_return(s.as<ast::FiniStmt>().block);
    case ast::StmtKind::LoopStmt: return block_has_value_return(s.as<ast::LoopStmt>().body);
    case ast::StmtKind::IfStmt: {
      const auto& i = s.as<ast::IfStmt>();
      return block_has_value_return(i.then_block) || (i.else_stmt && stmt_has_value_return(*i.else_stmt));
    }
    case ast::StmtKind::LocalStmt: {
      const auto& l = s.as<ast::LocalStmt>();
      return l.fini && block_has_value_return(*l.fini);
    }
    // A block expression cannot hold a return (E0310).
    case ast::StmtKind::AssignStmt:
    case ast::StmtKind::BreakStmt:
    case ast::StmtKind::ContinueStmt:
    case ast::StmtKind::PrintStmt:
    case ast::StmtKind::ExprStmt:
      return false;
  }
  throw std::logic_error("stmt_has_value_return: unknown statement kind");
}

}  // namespace

bool Checker::has_value_return(const ast::Block& b) { return block_has_value_return(b); }

void Checker::note_unused_locals() {
  for (const auto& [local, span] : declared_locals_) {
    const std::string& n = out_.locals[local].name;
    if (!local_read_[local] && !n.empty() && n[0] != '_') unread_locals_.emplace_back(local, span);
  }
}

void Checker::report_unused_locals(bool program_has_errors) {
  if (program_has_errors) return;
  for (const auto& [local, span] : unread_locals_) {
    const std::string& n = out_.locals[local].name;
    report(diag::Kind::UnusedLocal, span,
           "The local '" + n + "' is never read" + (out_.locals[local].reassigned ? " (only assigned)." : "."),
           "remove it, or start its name with '_' if it is meant to be unused");
  }
}

void Checker::mixed_kind_equality(ast::BinaryOp op, ast::Span span, Tag l, Tag r, const BinaryPlan& plan) {
  // The plan already made it a constant: values of two different known kinds
  // are never equal (Int and Float compare by value and get an instruction).
  if (plan.impl != BinaryImpl::ConstFalse && plan.impl != BinaryImpl::ConstTrue) return;
  if (l == r) return;  // null == null
  bool eq = op == ast::BinaryOp::Eq;
  report(diag::Kind::MixedKindEquality, span,
         std::string("'") + ast::binary_op_text(op) + "' of " + name(l) + " and " + name(r) + " is always " +
             (eq ? "false" : "true") + ": values of different kinds are never equal.");
}

void Checker::no_value_used(const ast::Expr& e, const ExprInfo& info) {
  if (&e == discarded_ || info.res != ResKind::DirectCall || returns_value_[info.func]) return;
  const FuncInfo& fn = out_.funcs[info.func];
  report(diag::Kind::NoValueUsed, e.span,
         "'" + out_.boxes[fn.box].name + "." + fn.decl->name + "' never returns a value ('return e'), so this is always null (Void).",
         "call it as a statement, or make it 'return' the value meant here");
}

}  // namespace hako::sema
