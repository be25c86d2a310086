// Expressions → MIR values, applying exactly the conversions sema recorded.
#include "lower/function_lowerer.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>

#include "sema/builtins.h"
#include "sema/kinds.h"

namespace hako::lower {

namespace {

// The instruction sema planned for an expression that checked; sema leaves
// it absent only for plans that need none, so absence here is a compiler bug.
mir::Op planned_op(const std::optional<mir::Op>& op, const char* what) {
  if (!op) throw std::logic_error(std::string(what) + ": sema planned no instruction");
  return *op;
}

}  // namespace

using mir::Inst;
using mir::Kind;
using mir::Op;
using sema::Tag;

mir::Loc FunctionLowerer::loc(ast::Span span) const {
  return source_loc(program_, span);
}

ValueId FunctionLowerer::const_void(Tag tag) {
  Inst i;
  i.op = Op::ConstVoid;
  i.tag = tag;
  return b_.emit(std::move(i), true);
}

ValueId FunctionLowerer::const_string(const std::string& s, mir::Loc l) {
  Inst i;
  i.op = Op::ConstS;
  i.tag = Tag::of(Kind::String);
  i.ref = module_.intern(s);
  i.loc = l;
  return b_.emit(std::move(i), true);
}

ValueId FunctionLowerer::call_rt(mir::RtFn fn, std::vector<ValueId> args, mir::Loc l) {
  const mir::RtInfo& ri = mir::rt_info(fn);
  Inst i;
  i.op = Op::CallRt;
  i.ref = static_cast<uint32_t>(fn);
  i.args = std::move(args);
  i.loc = l;
  bool has_result = ri.result[0] != '-';
  i.tag = has_result ? *mir::tag_of_letter(ri.result[0]) : Tag::of(Kind::Void);
  ValueId r = b_.emit(std::move(i), has_result);
  return has_result ? r : const_void(Tag::of(Kind::Void));
}

ValueId FunctionLowerer::apply(ValueId v, Tag from, Coercion c, Tag to, mir::Loc l) {
  switch (c) {
    case Coercion::None:
    case Coercion::Discard:
      return v;
    case Coercion::Box:
      if (from.kind == Kind::Void) return const_void(Tag::of(Kind::Handle));
      return b_.unary(Op::Box, Tag::of(Kind::Handle), v, l);
    case Coercion::Unbox:
      // A value sema found always Void (it warned) is checked as the Void
      // Handle it is, with the same runtime error.
      if (from.kind == Kind::Void) v = const_void(Tag::of(Kind::Handle));
      return b_.unary(Op::Unbox, to, v, l);
    case Coercion::IntToFloat:
      return b_.unary(Op::IToF, Tag::of(Kind::Float), v, l);
    case Coercion::NullPtr:
      return const_void(to);
    case Coercion::Truthy:
      if (from.kind == Kind::Bool) return v;
      if (from.kind == Kind::Void) v = const_void(Tag::of(Kind::Handle));  // as for Unbox
      return b_.unary(Op::Truthy, Tag::of(Kind::Bool), v, l);
    case Coercion::ToString: {
      if (from.kind == Kind::String) return v;
      if (from.kind == Kind::Box && program_.boxes[from.box].has_to_string) {
        uint32_t f = program_.boxes[from.box].to_string_func;
        guard_live(v, from.box, l);
        Inst i;
        i.op = Op::Call;
        i.ref = f;
        i.args = {v};
        i.loc = l;
        Tag ret = program_.funcs[f].ret;
        i.tag = ret;
        ValueId r = ret.kind == Kind::Void ? (b_.emit(std::move(i), false), const_void(ret)) : b_.emit(std::move(i), true);
        if (ret.kind == Kind::String) return r;
        return b_.unary(Op::ToStr, Tag::of(Kind::String), r, l);
      }
      return b_.unary(Op::ToStr, Tag::of(Kind::String), v, l);
    }
  }
  return v;
}

ValueId FunctionLowerer::value(const ast::Expr& e) {
  const ExprInfo& info = program_.info(e);
  ValueId v = raw_value(e);
  return apply(v, info.kind, info.coercion, info.target, loc(e.span));
}

ValueId FunctionLowerer::raw_value(const ast::Expr& e) {
  const ExprInfo& info = program_.info(e);
  switch (e.kind) {
    case ast::ExprKind::IntLit: return b_.const_i(e.as<ast::IntLit>().value);
    case ast::ExprKind::FloatLit: return b_.const_f(e.as<ast::FloatLit>().value);
    case ast::ExprKind::StringLit: return const_string(e.as<ast::StringLit>().value, loc(e.span));
    case ast::ExprKind::BoolLit: return b_.const_b(e.as<ast::BoolLit>().value);
    case ast::ExprKind::NullLit: return const_void(Tag::of(Kind::Void));
    case ast::ExprKind::NameRef: return read_var(info.local, b_.block());
    case ast::ExprKind::MeRef: return me_;
    case ast::ExprKind::Unary: {
      const auto& u = e.as<ast::Unary>();
      ValueId operand = value(*u.operand);
      return b_.unary(planned_op(info.op, "unary expression"), info.kind, operand, loc(e.span));
    }
    case ast::ExprKind::Binary: return binary(e.as<ast::Binary>(), info);
    case ast::ExprKind::Logical: return logical(e.as<ast::Logical>());
    case ast::ExprKind::Ternary: return ternary(e.as<ast::Ternary>(), info);
    case ast::ExprKind::FieldGet: return field_get(e.as<ast::FieldGet>(), info);
    case ast::ExprKind::Call: {
      const auto& c = e.as<ast::Call>();
      if (info.res == sema::ResKind::ExternCall) return extern_call(c, info);
      std::optional<ValueId> me;
      if (program_.funcs[info.func].has_me) {
        me = me_;
        guard_method_call(me_, info.func, loc(c.name_span));
      }
      return direct_call(info.func, me, c.args, loc(c.name_span));
    }
    case ast::ExprKind::MethodCall: return method_call(e.as<ast::MethodCall>(), info);
    case ast::ExprKind::New: return new_expr(e.as<ast::New>(), info);
    case ast::ExprKind::ArrayLit: {
      Inst i;
      i.op = Op::NewArray;
      i.tag = Tag::of(Kind::Array);
      ValueId arr = b_.emit(std::move(i), true);
      for (const auto& el : e.as<ast::ArrayLit>().elements) call_rt(mir::RtFn::ArrayPush, {arr, value(*el)}, loc(el->span));
      return arr;
    }
    case ast::ExprKind::MapLit: {
      Inst i;
      i.op = Op::NewMap;
      i.tag = Tag::of(Kind::Map);
      ValueId map = b_.emit(std::move(i), true);
      for (const auto& entry : e.as<ast::MapLit>().entries) {
        ValueId k = value(*entry.key);
        ValueId v = value(*entry.value);
        call_rt(mir::RtFn::MapSet, {map, k, v}, loc(entry.key->span));
      }
      return map;
    }
    case ast::ExprKind::BlockExpr: {
      const auto& be = e.as<ast::BlockExpr>();
      if (be.result) return block(be.block, be.result.get());
      block(be.block);
      return const_void(Tag::of(Kind::Void));
    }
    case ast::ExprKind::WeakExpr: {
      // weak_new takes the box as it is, or a Handle it checks at run time.
      ValueId target = value(*e.as<ast::WeakExpr>().operand);
      return b_.unary(Op::WeakNew, Tag::of(Kind::Weak), target, loc(e.span));
    }
  }
  return const_void(info.kind);
}

namespace {

// The runtime function of `+` between a String and a number that formats
// the number straight into the result: for a concatenation whose one side
// converts an Int or a Float to String; nullopt otherwise.
std::optional<mir::RtFn> number_concat(const sema::BinaryPlan& plan, Tag lhs_kind, Tag rhs_kind) {
  if (plan.impl != sema::BinaryImpl::Op || plan.op != Op::ConcatS) return std::nullopt;
  bool lhs_text = plan.lhs == sema::Coercion::None && lhs_kind.kind == Kind::String;
  bool rhs_text = plan.rhs == sema::Coercion::None && rhs_kind.kind == Kind::String;
  if (lhs_text && plan.rhs == sema::Coercion::ToString) {
    if (rhs_kind.kind == Kind::Int) return mir::RtFn::StrConcatI64;
    if (rhs_kind.kind == Kind::Float) return mir::RtFn::StrConcatF64;
  }
  if (rhs_text && plan.lhs == sema::Coercion::ToString) {
    if (lhs_kind.kind == Kind::Int) return mir::RtFn::I64ConcatStr;
    if (lhs_kind.kind == Kind::Float) return mir::RtFn::F64ConcatStr;
  }
  return std::nullopt;
}

}  // namespace

ValueId FunctionLowerer::run_plan(const sema::BinaryPlan& plan, ValueId lhs, Tag lhs_kind, ValueId rhs,
                                  Tag rhs_kind, mir::Loc l) {
  if (std::optional<mir::RtFn> fn = number_concat(plan, lhs_kind, rhs_kind)) return call_rt(*fn, {lhs, rhs}, l);
  ValueId a = apply(lhs, lhs_kind, plan.lhs, plan.lhs_target, l);
  ValueId c = apply(rhs, rhs_kind, plan.rhs, plan.rhs_target, l);
  switch (plan.impl) {
    case sema::BinaryImpl::Op: return b_.binary(planned_op(plan.op, "binary plan"), plan.result, a, c, l);
    case sema::BinaryImpl::SwapOp: return b_.binary(planned_op(plan.op, "binary plan"), plan.result, c, a, l);
    case sema::BinaryImpl::NotOp:
      return b_.unary(Op::NotB, plan.result, b_.binary(planned_op(plan.op, "binary plan"), plan.result, a, c, l), l);
    case sema::BinaryImpl::NotSwapOp:
      return b_.unary(Op::NotB, plan.result, b_.binary(planned_op(plan.op, "binary plan"), plan.result, c, a, l), l);
    case sema::BinaryImpl::ConstFalse: return b_.const_b(false, l);
    case sema::BinaryImpl::ConstTrue: return b_.const_b(true, l);
  }
  return a;
}

ValueId FunctionLowerer::binary(const ast::Binary& e, const ExprInfo& info) {
  ValueId l = value(*e.lhs);
  ValueId r = value(*e.rhs);
  return run_plan(info.binary, l, program_.info(*e.lhs).target, r, program_.info(*e.rhs).target, loc(e.op_span));
}

ValueId FunctionLowerer::logical(const ast::Logical& e) {
  bool is_and = e.op == ast::LogicalOp::And;
  ValueId a = value(*e.lhs);
  BlockId from_a = b_.block();
  BlockId rhs = new_block();
  BlockId merge = new_block();
  if (is_and)
    branch(a, rhs, merge);
  else
    branch(a, merge, rhs);
  seal(rhs);
  b_.set_block(rhs);
  ValueId c = value(*e.rhs);
  BlockId from_b = b_.block();
  jump(merge);
  seal(merge);
  b_.set_block(merge);
  // Reaching merge straight from the left side means `a` decided the result.
  return two_way_phi(merge, Tag::of(Kind::Bool), a, from_a, c, from_b);
}

ValueId FunctionLowerer::two_way_phi(BlockId merge, Tag tag, ValueId a, BlockId from_a, ValueId b, BlockId from_b) {
  ValueId phi = b_.phi(merge, tag);
  b_.add_phi_incoming(merge, phi, a, from_a);
  b_.add_phi_incoming(merge, phi, b, from_b);
  return phi;
}

ValueId FunctionLowerer::ternary(const ast::Ternary& e, const ExprInfo& info) {
  ValueId c = value(*e.cond);
  mir::IfForm form;
  form.cond = b_.block();
  BlockId then_b = new_block();
  BlockId else_b = new_block();
  BlockId merge = new_block();
  branch(c, then_b, else_b);
  seal(then_b);
  seal(else_b);
  form.then_entry = then_b;
  form.else_entry = else_b;
  form.merge = merge;
  b_.set_block(then_b);
  ValueId tv = value(*e.then_expr);
  BlockId then_end = b_.block();
  jump(merge);
  b_.set_block(else_b);
  ValueId ev = value(*e.else_expr);
  BlockId else_end = b_.block();
  jump(merge);
  seal(merge);
  b_.set_block(merge);
  f_.ifs.push_back(form);
  Tag kind = info.kind;
  if (kind.kind == Kind::Void) return const_void(kind);
  return two_way_phi(merge, kind, tv, then_end, ev, else_end);
}

ValueId FunctionLowerer::extern_call(const ast::Call& e, const ExprInfo& info) {
  Inst i;
  i.op = Op::CallC;
  i.ref = info.ext;
  for (const auto& a : e.args) i.args.push_back(value(*a));
  i.loc = loc(e.name_span);
  i.tag = info.kind;
  if (info.kind.kind == Kind::Void) {
    b_.emit(std::move(i), false);
    return const_void(Tag::of(Kind::Void));
  }
  return b_.emit(std::move(i), true);
}

ValueId FunctionLowerer::field_get(const ast::FieldGet& e, const ExprInfo& info) {
  if (info.res == sema::ResKind::CallbackRef) {
    Inst i;
    i.op = Op::FnPtr;
    i.ref = info.func;
    i.tag = info.kind;
    return b_.emit(std::move(i), true);
  }
  std::optional<ValueId> receiver;
  if (info.res != sema::ResKind::Global) receiver = value(*e.object);
  return load_field(e, info, receiver);
}

ValueId FunctionLowerer::load_field(const ast::FieldGet& e, const ExprInfo& info, std::optional<ValueId> receiver) {
  Inst i;
  i.tag = Tag::of(Kind::Handle);
  i.loc = loc(e.field_span);
  switch (info.res) {
    case sema::ResKind::Global:
      i.op = Op::GetGlobal;
      i.ref = info.global;
      break;
    case sema::ResKind::InstanceField:
      guard_live(*receiver, info.box, i.loc);
      i.op = Op::GetField;
      i.args = {*receiver};
      i.ref = info.box;
      i.imm = info.field;
      break;
    default:
      i.op = Op::GetFieldH;
      i.args = {*receiver};
      i.ref = module_.intern(e.field);
      break;
  }
  return b_.emit(std::move(i), true);
}

ValueId FunctionLowerer::direct_call(uint32_t func, std::optional<ValueId> me, const std::vector<ast::ExprPtr>& args,
                                     mir::Loc l) {
  Inst i;
  i.op = Op::Call;
  i.ref = func;
  if (me) i.args.push_back(*me);
  for (const auto& a : args) i.args.push_back(value(*a));
  i.loc = l;
  Tag ret = program_.funcs[func].ret;
  i.tag = ret;
  if (ret.kind == Kind::Void) {
    b_.emit(std::move(i), false);
    return const_void(ret);
  }
  return b_.emit(std::move(i), true);
}

namespace {

// Whether HAKO_FFI_TRACE=1 asks for the resolution trace (read once).
bool ffi_trace_enabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("HAKO_FFI_TRACE");
    return v != nullptr && std::strcmp(v, "1") == 0;
  }();
  return enabled;
}

// An argument's kind in the trace: Int, Float, Bool, String, Handle, Void,
// ArrayBox, MapBox, ConsoleBox or a user box's name.
std::string trace_kind_name(const sema::CheckedProgram& p, Tag t) {
  if (t.kind == Kind::Handle) return "Handle";
  return sema::kind_name(p, t);
}

}  // namespace

void FunctionLowerer::trace_resolution(const sema::BuiltinMethod& m, const std::vector<ast::ExprPtr>& args) {
  if (!ffi_trace_enabled() || !m.rt || m.impl == sema::BuiltinImpl::Op) return;
  std::string line = "[ffi/resolve] ";
  line += sema::builtin_receiver_name(m.receiver);
  line += '.';
  line += m.name;
  line += '(';
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) line += ',';
    line += trace_kind_name(program_, program_.info(*args[i]).kind);
  }
  line += ") -> ";
  line += mir::rt_info(*m.rt).symbol;
  std::fprintf(stderr, "%s\n", line.c_str());
}

ValueId FunctionLowerer::builtin_call(const sema::BuiltinMethod& m, ValueId receiver,
                                      const std::vector<ast::ExprPtr>& args, Tag result, mir::Loc l) {
  trace_resolution(m, args);
  std::vector<ValueId> vals{receiver};
  for (size_t i = 0; i < args.size(); ++i) {
    vals.push_back(value(*args[i]));
    // A map key not known to be an Int or a String is checked here, where
    // the error can name the call's location (the typed entries take none).
    Kind k = program_.info(*args[i]).kind.kind;
    if (m.params[i] == 'K' && k != Kind::Int && k != Kind::String) call_rt(mir::RtFn::MapCheckKey, {vals.back()}, l);
  }
  switch (m.impl) {
    case sema::BuiltinImpl::Runtime: return call_rt(*m.rt, std::move(vals), l);
    case sema::BuiltinImpl::RuntimeArgs: return call_rt(*m.rt, std::vector<ValueId>(vals.begin() + 1, vals.end()), l);
    case sema::BuiltinImpl::Identity: return receiver;
    case sema::BuiltinImpl::ToStr: return b_.unary(Op::ToStr, Tag::of(Kind::String), receiver, l);
    case sema::BuiltinImpl::Op:
      if (vals.size() == 1) return b_.unary(*m.op, result, vals[0], l);
      return b_.binary(*m.op, result, vals[0], vals[1], l);
  }
  throw std::logic_error("builtin_call: unhandled BuiltinImpl");
}

ValueId FunctionLowerer::method_call(const ast::MethodCall& e, const ExprInfo& info) {
  mir::Loc l = loc(e.method_span);
  switch (info.res) {
    case sema::ResKind::DirectCall: {
      std::optional<ValueId> me;
      if (program_.funcs[info.func].has_me) {
        me = value(*e.receiver);
        guard_method_call(*me, info.func, l);
      }
      return direct_call(info.func, me, e.args, l);
    }
    case sema::ResKind::Builtin:
      return builtin_call(*info.builtin, value(*e.receiver), e.args, info.kind, l);
    case sema::ResKind::DynamicCall: {
      Inst i;
      i.op = Op::CallMethod;
      i.ref = module_.intern(e.method);
      i.args.push_back(value(*e.receiver));
      guard_dynamic_call(i.args[0], e.method, e.args.size(), l);
      for (const auto& a : e.args) i.args.push_back(value(*a));
      i.tag = Tag::of(Kind::Handle);
      i.loc = l;
      return b_.emit(std::move(i), true);
    }
    default:
      return const_void(info.kind);
  }
}

ValueId FunctionLowerer::new_expr(const ast::New& e, const ExprInfo& info) {
  mir::Loc l = loc(e.box_span);
  switch (info.res) {
    case sema::ResKind::NewValueBox:
      return value(*e.args[0]);
    case sema::ResKind::NewBuiltin: {
      Inst i;
      i.op = info.kind.kind == Kind::Array ? Op::NewArray : info.kind.kind == Kind::Map ? Op::NewMap : Op::NewConsole;
      i.tag = info.kind;
      i.loc = l;
      return b_.emit(std::move(i), true);
    }
    case sema::ResKind::NewUser: {
      Inst i;
      i.op = Op::NewBox;
      i.ref = info.box;
      i.tag = Tag::user_box(info.box);
      i.loc = l;
      ValueId obj = b_.emit(std::move(i), true);
      if (info.func != sema::kNone) direct_call(info.func, obj, e.args, l);
      return obj;
    }
    case sema::ResKind::NewStruct: {
      std::vector<ValueId> fields;
      for (const auto& a : e.args) fields.push_back(value(*a));
      return new_struct(info.box, fields, l);
    }
    default:
      return const_void(info.kind);
  }
}

ValueId FunctionLowerer::new_struct(uint32_t box, const std::vector<ValueId>& fields, mir::Loc l) {
  Inst i;
  i.op = Op::NewBox;
  i.ref = box;
  i.tag = Tag::user_box(box);
  i.loc = l;
  ValueId obj = b_.emit(std::move(i), true);
  const mir::CType& c = program_.ffi.ctypes[*program_.boxes[box].cstruct];
  for (uint32_t k = 0; k < c.fields.size(); ++k) {
    ValueId v = k < fields.size() ? fields[k] : zero_field(program_.ffi.ctypes[c.fields[k].type], l);
    Inst set;
    set.op = Op::SetField;
    set.ref = box;
    set.imm = k;
    set.args = {obj, v};
    set.loc = l;
    b_.emit(std::move(set), false);
  }
  return obj;
}

ValueId FunctionLowerer::zero_field(const mir::CType& t, mir::Loc l) {
  const Tag handle = Tag::of(Kind::Handle);
  switch (mir::ctype_info(t.kind).cls) {
    case mir::CClass::Int:
    case mir::CClass::UInt: return b_.unary(Op::Box, handle, b_.const_i(0), l);
    case mir::CClass::Float: return b_.unary(Op::Box, handle, b_.const_f(0.0), l);
    case mir::CClass::Bool: return b_.unary(Op::Box, handle, b_.const_b(false), l);
    case mir::CClass::Pointer: return const_void(handle);  // a null pointer
    case mir::CClass::Struct: return b_.unary(Op::Box, handle, new_struct(t.box, {}, l), l);
    case mir::CClass::Void:
    case mir::CClass::CStr:
    case mir::CClass::Handle:
    case mir::CClass::FnPointer: break;
  }
  throw std::logic_error("lowering: an extern struct field of a type sema refuses");
}

}  // namespace hako::lower
