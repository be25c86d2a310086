// Statements → MIR blocks, recording LoopForm and IfForm.
#include "lower/function_lowerer.h"

namespace hako::lower {

using mir::Inst;
using mir::Kind;
using mir::Op;
using sema::Tag;

ValueId FunctionLowerer::block(const ast::Block& b, const ast::Expr* result) {
  open_scope();
  if (b.cleanup) register_fini(*b.cleanup);
  for (const ast::StmtPtr& s : b.stmts) stmt(*s);
  ValueId v = result ? value(*result) : mir::kNoValue;
  close_scope();
  return v;
}

void FunctionLowerer::stmt(const ast::Stmt& s) {
  switch (s.kind) {
    case ast::StmtKind::LocalStmt: local_stmt(s.as<ast::LocalStmt>()); break;
    case ast::StmtKind::AssignStmt: assign_stmt(s.as<ast::AssignStmt>()); break;
    case ast::StmtKind::IfStmt: if_stmt(s.as<ast::IfStmt>()); break;
    case ast::StmtKind::LoopStmt: loop_stmt(s.as<ast::LoopStmt>()); break;
    case ast::StmtKind::BreakStmt:
      exit_scopes(loops_.back().scope_depth);
      jump(loops_.back().exit);
      start_dead_block();
      break;
    case ast::StmtKind::ContinueStmt:
      exit_scopes(loops_.back().scope_depth);
      jump(loops_.back().latch);
      start_dead_block();
      break;
    case ast::StmtKind::ReturnStmt: return_stmt(s.as<ast::ReturnStmt>()); break;
    case ast::StmtKind::PrintStmt: print_stmt(s.as<ast::PrintStmt>()); break;
    case ast::StmtKind::ExprStmt: value(*s.as<ast::ExprStmt>().expr); break;
    case ast::StmtKind::BlockStmt: block(s.as<ast::BlockStmt>().block); break;
    case ast::StmtKind::FiniStmt: register_fini(s.as<ast::FiniStmt>().block); break;
    case ast::StmtKind::UnsafeStmt: block(s.as<ast::UnsafeStmt>().block); break;
  }
}

void FunctionLowerer::local_stmt(const ast::LocalStmt& s) {
  for (const ast::LocalBinding& b : s.bindings) {
    ValueId v;
    if (b.init) {
      v = value(*b.init);
    } else {
      Tag kind = program_.locals[b.id].kind;
      v = const_void(kind.kind == Kind::Handle ? kind : Tag::of(Kind::Void));
    }
    declare_local(b.id);
    write_var(b.id, b_.block(), v);
    note_slot(b.id, v);
  }
  if (s.fini) register_fini(*s.fini);
}

void FunctionLowerer::store_field(const ast::FieldGet& target, const ExprInfo& info, std::optional<ValueId> receiver,
                                  ValueId v, Tag stored) {
  Inst i;
  i.loc = loc(target.field_span);
  // A weak field takes a Handle only after a run-time check (sema rejects
  // other kinds at compile time, §7).
  if (info.res == sema::ResKind::InstanceField && program_.boxes[info.box].fields[info.field].is_weak &&
      stored.kind == Kind::Handle) {
    Inst check;
    check.op = Op::CheckWeak;
    check.ref = info.box;
    check.imm = info.field;
    check.args = {*receiver, v};
    check.loc = i.loc;
    b_.emit(std::move(check), false);
  }
  switch (info.res) {
    case sema::ResKind::Global:
      i.op = Op::SetGlobal;
      i.ref = info.global;
      i.args = {v};
      break;
    case sema::ResKind::InstanceField:
      guard_live(*receiver, info.box, i.loc);
      i.op = Op::SetField;
      i.ref = info.box;
      i.imm = info.field;
      i.args = {*receiver, v};
      break;
    default:
      i.op = Op::SetFieldH;
      i.ref = module_.intern(target.field);
      i.args = {*receiver, v};
      break;
  }
  b_.emit(std::move(i), false);
}

void FunctionLowerer::assign_stmt(const ast::AssignStmt& s) {
  const ast::Expr& target = *s.target;
  const ExprInfo& ti = program_.info(target);
  bool compound = s.op != ast::AssignOp::Assign;

  if (target.kind == ast::ExprKind::NameRef) {
    ValueId v;
    ValueId old = read_var(ti.local, b_.block());
    if (!compound) {
      v = value(*s.value);
    } else {
      const sema::CompoundInfo& ci = program_.compounds.at(&s);
      ValueId rhs = value(*s.value);
      mir::Loc l = loc(s.op_span);
      ValueId r = run_plan(ci.plan, old, ti.kind, rhs, program_.info(*s.value).target, l);
      v = apply(r, ci.plan.result, ci.store, ci.store_target, l);
    }
    write_var(ti.local, b_.block(), v);
    note_slot(ti.local, v);
    end_binding_value(old);
    return;
  }

  // A field: evaluate the receiver once.
  const auto& fg = target.as<ast::FieldGet>();
  std::optional<ValueId> receiver;
  if (ti.res != sema::ResKind::Global) receiver = value(*fg.object);
  if (!compound) {
    store_field(fg, ti, receiver, value(*s.value), program_.info(*s.value).kind);
    return;
  }
  const sema::CompoundInfo& ci = program_.compounds.at(&s);
  ValueId cur = load_field(fg, ti, receiver);
  ValueId rhs = value(*s.value);
  mir::Loc l = loc(s.op_span);
  ValueId r = run_plan(ci.plan, cur, Tag::of(Kind::Handle), rhs, program_.info(*s.value).target, l);
  store_field(fg, ti, receiver, apply(r, ci.plan.result, ci.store, ci.store_target, l), ci.plan.result);
}

void FunctionLowerer::if_stmt(const ast::IfStmt& s) {
  ValueId c = value(*s.cond);
  mir::IfForm form;
  form.cond = b_.block();
  BlockId then_b = new_block();
  BlockId else_b = s.else_stmt ? new_block() : mir::kNoBlock;
  BlockId merge = new_block();
  branch(c, then_b, s.else_stmt ? else_b : merge);
  seal(then_b);
  form.then_entry = then_b;
  form.else_entry = s.else_stmt ? else_b : merge;
  form.merge = merge;
  f_.ifs.push_back(form);

  b_.set_block(then_b);
  block(s.then_block);
  if (!b_.terminated()) jump(merge);
  if (s.else_stmt) {
    seal(else_b);
    b_.set_block(else_b);
    stmt(*s.else_stmt);
    if (!b_.terminated()) jump(merge);
  }
  seal(merge);
  b_.set_block(merge);
}

void FunctionLowerer::loop_stmt(const ast::LoopStmt& s) {
  mir::LoopForm form;
  BlockId header = new_block();
  BlockId body = new_block();
  BlockId latch = new_block();
  BlockId exit = new_block();
  form.header = header;
  form.body = body;
  form.latch = latch;
  form.exit = exit;
  f_.loops.push_back(form);

  jump(header);
  b_.set_block(header);  // sealed only once the back edge is known
  if (s.cond) {
    ValueId c = value(*s.cond);
    branch(c, body, exit);
  } else {
    jump(body);
  }
  seal(body);
  b_.set_block(body);
  loops_.push_back(LoopTargets{latch, exit, scopes_.size()});
  block(s.body);
  loops_.pop_back();
  if (!b_.terminated()) jump(latch);

  seal(latch);
  b_.set_block(latch);
  if (preds_[latch].empty()) {
    // The body never reaches its end: there is no back edge.
    Inst u;
    u.op = Op::Unreachable;
    b_.emit(std::move(u), false);
  } else {
    jump(header);
  }
  seal(header);
  seal(exit);
  b_.set_block(exit);
}

void FunctionLowerer::return_stmt(const ast::ReturnStmt& s) {
  // The value first, then the fini blocks of every scope left (§8).
  if (fn_.ret.kind == Kind::Void) {
    if (s.value) value(*s.value);
    exit_scopes(0);
    end_fini_method();
    b_.ret(std::nullopt);
  } else {
    ValueId v = s.value ? value(*s.value) : const_void(fn_.ret);
    exit_scopes(0);
    end_fini_method();
    b_.ret(v);
  }
  start_dead_block();
}

void FunctionLowerer::print_stmt(const ast::PrintStmt& s) {
  ValueId v = value(*s.value);
  mir::RtFn fn;
  switch (program_.info(*s.value).target.kind) {
    case Kind::Int: fn = mir::RtFn::PrintI64; break;
    case Kind::Float: fn = mir::RtFn::PrintF64; break;
    case Kind::Bool: fn = mir::RtFn::PrintBool; break;
    case Kind::String: fn = mir::RtFn::PrintStr; break;
    default: fn = mir::RtFn::PrintH; break;
  }
  call_rt(fn, {v}, loc(s.span));
}

void FunctionLowerer::finish_function() {
  if (!b_.terminated()) {
    if (fn_.ret.kind == Kind::Void) {
      b_.ret(std::nullopt);
    } else if (fn_.ret.kind == Kind::Handle) {
      b_.ret(const_void(fn_.ret));
    } else {
      Inst u;
      u.op = Op::Unreachable;
      b_.emit(std::move(u), false);
    }
  }
  // Dead blocks started after return/break/continue may be empty.
  for (mir::Block& blk : f_.blocks) {
    if (blk.insts.empty() || !(mir::op_info(blk.insts.back().op).flags & mir::TERM)) {
      Inst u;
      u.op = Op::Unreachable;
      blk.insts.push_back(std::move(u));
    }
  }
}

}  // namespace hako::lower
