// The expansion estimate behind kMaxFiniCopiedStatements: one walk over the
// method body, counting statements as lowering will emit them.
#include "sema/fini_budget.h"

#include <utility>
#include <vector>

namespace hako::sema {

namespace {

// Counts saturate far below overflow; anything that large is over the limit.
constexpr uint64_t kCap = uint64_t{1} << 62;

uint64_t sat_add(uint64_t a, uint64_t b) { return a >= kCap - b ? kCap : a + b; }
uint64_t sat_mul(uint64_t a, uint64_t b) { return b != 0 && a >= kCap / b ? kCap : a * b; }

struct Cost {
  uint64_t emitted = 0;  // statements lowering emits, copies included
  uint64_t plain = 0;    // statements in the source
  uint64_t returns = 0;  // `return`s inside
  uint64_t jumps = 0;    // `break`/`continue`s that leave the construct
};

void add(Cost& to, const Cost& c) {
  to.emitted = sat_add(to.emitted, c.emitted);
  to.plain = sat_add(to.plain, c.plain);
  to.returns = sat_add(to.returns, c.returns);
  to.jumps = sat_add(to.jumps, c.jumps);
}

class Walk {
 public:
  FiniExpansion out;

  Cost block(const ast::Block& b) {
    Cost c;
    std::vector<std::pair<Cost, ast::Span>> finis;  // each body and where it is
    if (b.cleanup) {
      c.emitted = sat_add(c.emitted, 1);
      c.plain = sat_add(c.plain, 1);
      finis.emplace_back(block(*b.cleanup), b.cleanup->span);
    }
    for (const ast::StmtPtr& s : b.stmts) {
      if (s->kind == ast::StmtKind::FiniStmt) {
        Cost body = block(s->as<ast::FiniStmt>().block);
        c.emitted = sat_add(c.emitted, 1);
        c.plain = sat_add(c.plain, 1);
        finis.emplace_back(body, s->span);
        continue;
      }
      add(c, stmt(*s));
      if (s->kind == ast::StmtKind::LocalStmt) {
        const auto& l = s->as<ast::LocalStmt>();
        if (l.fini) finis.emplace_back(block(*l.fini), l.fini->span);
      }
    }
    // Every exit of the block gets a copy: its end and each way out of it.
    // A return, break or continue inside a fini body is an error (E0311), so
    // only the bodies' statements count.
    uint64_t copies = sat_add(1, sat_add(c.returns, c.jumps));
    for (const auto& [body, span] : finis) {
      c.emitted = sat_add(c.emitted, sat_mul(copies, body.emitted));
      c.plain = sat_add(c.plain, body.plain);
      if (!out.over_at && c.emitted - c.plain > kMaxFiniCopiedStatements) out.over_at = span;
    }
    return c;
  }

 private:
  Cost stmt(const ast::Stmt& s) {
    Cost c;
    c.emitted = c.plain = 1;
    switch (s.kind) {
      case ast::StmtKind::LocalStmt:
        for (const ast::LocalBinding& b : s.as<ast::LocalStmt>().bindings) add(c, expr(b.init.get()));
        break;  // the fini body is the enclosing block's to count
      case ast::StmtKind::AssignStmt: {
        const auto& a = s.as<ast::AssignStmt>();
        add(c, expr(a.target.get()));
        add(c, expr(a.value.get()));
        break;
      }
      case ast::StmtKind::IfStmt: {
        const auto& i = s.as<ast::IfStmt>();
        add(c, expr(i.cond.get()));
        add(c, block(i.then_block));
        if (i.else_stmt) add(c, stmt(*i.else_stmt));
        break;
      }
      case ast::StmtKind::LoopStmt: {
        const auto& l = s.as<ast::LoopStmt>();
        add(c, expr(l.cond.get()));
        Cost body = block(l.body);
        body.jumps = 0;  // the loop's own break and continue stay inside it
        add(c, body);
        break;
      }
      case ast::StmtKind::BreakStmt:
      case ast::StmtKind::ContinueStmt: c.jumps = 1; break;
      case ast::StmtKind::ReturnStmt:
        c.returns = 1;
        add(c, expr(s.as<ast::ReturnStmt>().value.get()));
        break;
      case ast::StmtKind::PrintStmt: add(c, expr(s.as<ast::PrintStmt>().value.get())); break;
      case ast::StmtKind::ExprStmt: add(c, expr(s.as<ast::ExprStmt>().expr.get())); break;
      case ast::StmtKind::BlockStmt: add(c, block(s.as<ast::BlockStmt>().block)); break;
      case ast::StmtKind::UnsafeStmt: add(c, block(s.as<ast::UnsafeStmt>().block)); break;
      case ast::StmtKind::FiniStmt: break;  // counted by the enclosing block
    }
    return c;
  }

  // Only block expressions hold statements; nothing may leave them (E0310).
  Cost expr(const ast::Expr* e) {
    Cost c;
    if (e == nullptr) return c;
    auto sum = [&](const ast::Expr* x) { add(c, expr(x)); };
    switch (e->kind) {
      case ast::ExprKind::Unary: sum(e->as<ast::Unary>().operand.get()); break;
      case ast::ExprKind::WeakExpr: sum(e->as<ast::WeakExpr>().operand.get()); break;
      case ast::ExprKind::Binary:
        sum(e->as<ast::Binary>().lhs.get());
        sum(e->as<ast::Binary>().rhs.get());
        break;
      case ast::ExprKind::Logical:
        sum(e->as<ast::Logical>().lhs.get());
        sum(e->as<ast::Logical>().rhs.get());
        break;
      case ast::ExprKind::Ternary: {
        const auto& t = e->as<ast::Ternary>();
        sum(t.cond.get());
        sum(t.then_expr.get());
        sum(t.else_expr.get());
        break;
      }
      case ast::ExprKind::FieldGet: sum(e->as<ast::FieldGet>().object.get()); break;
      case ast::ExprKind::Call:
        for (const auto& a : e->as<ast::Call>().args) sum(a.get());
        break;
      case ast::ExprKind::MethodCall:
        sum(e->as<ast::MethodCall>().receiver.get());
        for (const auto& a : e->as<ast::MethodCall>().args) sum(a.get());
        break;
      case ast::ExprKind::New:
        for (const auto& a : e->as<ast::New>().args) sum(a.get());
        break;
      case ast::ExprKind::ArrayLit:
        for (const auto& a : e->as<ast::ArrayLit>().elements) sum(a.get());
        break;
      case ast::ExprKind::MapLit:
        for (const auto& entry : e->as<ast::MapLit>().entries) {
          sum(entry.key.get());
          sum(entry.value.get());
        }
        break;
      case ast::ExprKind::BlockExpr: {
        const auto& b = e->as<ast::BlockExpr>();
        add(c, block(b.block));
        sum(b.result.get());
        c.returns = c.jumps = 0;
        break;
      }
      default: break;  // literals, names, me
    }
    return c;
  }
};

}  // namespace

FiniExpansion fini_expansion(const ast::Block& body) {
  Walk w;
  Cost c = w.block(body);
  w.out.copied = c.emitted - c.plain;
  return std::move(w.out);
}

}  // namespace hako::sema
