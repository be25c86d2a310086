#include "mir/verify_ops.h"

#include "mir/operands.h"
#include "mir/text_util.h"

namespace hako::mir::verify_detail {

std::string conversion_hint(const Module& m, Tag from, Tag to) {
  if (to.kind == Kind::Handle && from.kind != Kind::Handle)
    return "; insert `box` to turn the " + tag_name(m, from) + " into a Handle";
  if (from.kind == Kind::Handle && to.kind != Kind::Void)
    return "; insert `unbox` with tag " + tag_name(m, to) + " to take the value out of the Handle";
  if (to.kind == Kind::String && (from.kind == Kind::Int || from.kind == Kind::Float || from.kind == Kind::Bool))
    return "; insert `to_str` to turn the " + tag_name(m, from) + " into a String";
  if (from.kind == Kind::Int && to.kind == Kind::Float) return "; insert `i2f` to turn the Int into a Float";
  if (to.kind == Kind::Bool && (from.kind == Kind::Int || from.kind == Kind::Float || from.kind == Kind::String))
    return "; insert `truthy` to test the " + tag_name(m, from) + " for truth";
  return "; no single instruction converts " + tag_name(m, from) + " to " + tag_name(m, to);
}

bool valid_name(const std::string& name) { return !name.empty() && name.find('\0') == std::string::npos; }

namespace {

class InstChecker {
 public:
  InstChecker(const Module& m, const Function& f, BlockId block, uint32_t index, const Inst& inst, Reporter& report)
      : m_(m), f_(f), block_(block), index_(index), inst_(inst), info_(op_info(inst.op)), report_(report) {}

  void run() {
    counts();
    letters();
    result();
    specific();
  }

 private:
  void error(const std::string& message) { report_.error(block_, index_, std::string(info_.mnemonic) + ": " + message); }

  std::string name(Tag t) const { return tag_name(m_, t); }

  // "%N" for argument `k`.
  std::string value(size_t k) const { return k < inst_.args.size() ? "%" + std::to_string(inst_.args[k]) : "?"; }

  // The tag of argument `k`, or nullptr when the argument or its id is missing.
  const Tag* arg_tag(size_t k) const {
    if (k >= inst_.args.size() || inst_.args[k] >= f_.value_tags.size()) return nullptr;
    return &f_.value_tags[inst_.args[k]];
  }

  void counts() {
    const OperandShape& shape = operand_shape(inst_.op);
    size_t n = inst_.args.size();
    std::string fixed = std::to_string(shape.values);
    if (shape.phi) {
      if (n != inst_.targets.size())
        error("has " + std::to_string(n) + " incoming values but " + std::to_string(inst_.targets.size()) +
              " incoming blocks");
    } else if (shape.rest) {
      if (n < shape.values) error("expects at least " + fixed + " operands, got " + std::to_string(n));
    } else if (shape.optional) {
      if (n < shape.values || n > shape.values + 1)
        error("expects " + fixed + " or " + std::to_string(shape.values + 1) + " operands, got " + std::to_string(n));
    } else if (n != shape.values) {
      error("expects " + fixed + " operands, got " + std::to_string(n));
    }
    if (!shape.phi && inst_.targets.size() != shape.blocks)
      error("expects " + std::to_string(shape.blocks) + " block targets, got " + std::to_string(inst_.targets.size()));
    for (BlockId t : inst_.targets)
      if (t >= f_.blocks.size()) error("target bb" + std::to_string(t) + " does not exist");
  }

  void letters() {
    size_t k = 0;
    for (const Operand& operand : operand_shape(inst_.op).operands) {
      switch (operand.kind) {
        case OperandKind::Value: {
          const Tag* t = arg_tag(k);
          ++k;
          if (!t) break;
          if (operand.tag) {
            if (*t != *operand.tag)
              error("operand " + std::to_string(k) + " " + value(k - 1) + " is " + name(*t) + ", expected " +
                    name(*operand.tag) + conversion_hint(m_, *t, *operand.tag));
          } else if (operand.user_box && (t->kind != Kind::Box || t->box >= m_.boxes.size())) {
            error("operand " + std::to_string(k) + " must be a user box, got " + name(*t));
          }
          break;
        }
        case OperandKind::String:
          if (inst_.ref >= m_.strings.size()) {
            error("string #" + std::to_string(inst_.ref) + " does not exist");
          } else if (inst_.op != Op::ConstS && !valid_name(m_.strings[inst_.ref])) {
            error("the name " + text::quote(m_.strings[inst_.ref]) + " is empty or contains a NUL byte");
          }
          break;
        case OperandKind::Function:
          if (inst_.ref >= m_.functions.size()) error("function #" + std::to_string(inst_.ref) + " does not exist");
          break;
        case OperandKind::BoxType:
          if (inst_.ref >= m_.boxes.size()) error("box #" + std::to_string(inst_.ref) + " does not exist");
          break;
        case OperandKind::Field:
          if (inst_.ref >= m_.boxes.size()) {
            error("box #" + std::to_string(inst_.ref) + " does not exist");
          } else if (inst_.imm < 0 || static_cast<uint64_t>(inst_.imm) >= m_.boxes[inst_.ref].fields.size()) {
            error("field index " + std::to_string(inst_.imm) + " is out of range for box " +
                  m_.boxes[inst_.ref].name + " (" + std::to_string(m_.boxes[inst_.ref].fields.size()) + " fields)");
          }
          break;
        case OperandKind::Global:
          if (inst_.ref >= m_.globals.size()) error("global #" + std::to_string(inst_.ref) + " does not exist");
          break;
        case OperandKind::Runtime:
          if (inst_.ref >= rt_count()) error("runtime function #" + std::to_string(inst_.ref) + " does not exist");
          break;
        case OperandKind::Extern:
          if (inst_.ref >= m_.externs.size()) error("extern function #" + std::to_string(inst_.ref) + " does not exist");
          break;
        case OperandKind::Rest:      // further values of any tag (calls check them below)
        case OperandKind::Optional:  // ret's value: checked against the return tag below
        case OperandKind::IntImm:
        case OperandKind::FloatImm:
        case OperandKind::Block:     // targets: counted and range-checked above
        case OperandKind::PhiList:   // checked against the CFG by the caller
          break;
      }
    }
  }

  void result() {
    std::string_view letter = info_.result;
    if (letter == "-") {
      if (inst_.result != kNone) error("must not have a result");
      return;
    }
    if (inst_.result == kNone) {
      // Calls and other effects may discard their value; a pure op without a result is a lowering bug.
      if (!(info_.flags & EFFECT)) error("must have a result");
      return;
    }
    const Tag& t = inst_.tag;
    if (std::optional<Tag> want = tag_of_letter(letter[0])) {
      if (t != *want) error("result is " + name(t) + ", expected " + name(*want));
      return;
    }
    if (letter == "U") {
      if (inst_.ref < m_.boxes.size() && t != Tag::user_box(inst_.ref))
        error("result is " + name(t) + ", expected " + name(Tag::user_box(inst_.ref)));
      return;
    }
    switch (inst_.op) {
      case Op::ConstVoid:
        if (t.kind != Kind::Void && t.kind != Kind::Handle && t.kind != Kind::Ptr)
          error("result must be Void, Handle or a pointer, got " + name(t));
        break;
      case Op::Copy:
        if (const Tag* a = arg_tag(0); a && *a != t)
          error("result is " + name(t) + " but the operand " + value(0) + " is " + name(*a) +
                conversion_hint(m_, *a, t));
        break;
      case Op::Unbox:
        if (t.kind == Kind::Handle || t.kind == Kind::Void) error("result must not be " + name(t));
        break;
      case Op::Call:
        if (inst_.ref < m_.functions.size() && t != m_.functions[inst_.ref].ret)
          error("result is " + name(t) + ", but @" + m_.functions[inst_.ref].name + " returns " +
                name(m_.functions[inst_.ref].ret));
        break;
      case Op::CallRt:
        if (inst_.ref < rt_count()) {
          const RtInfo& rt = rt_info(static_cast<RtFn>(inst_.ref));
          std::optional<Tag> want = tag_of_letter(rt.result[0]);
          if (!want) {
            error(std::string(rt.symbol) + " returns nothing, but the call has a result");
          } else if (t != *want) {
            error("result is " + name(t) + ", but " + rt.symbol + " returns " + name(*want));
          }
        }
        break;
      case Op::CallC:
        if (inst_.ref < m_.externs.size()) {
          const ExternFn& x = m_.externs[inst_.ref];
          std::optional<Tag> want = hako_tag_of_ctype(m_, x.ret, CSide::Result);
          if (want && t != *want)
            error("result is " + name(t) + ", but $" + x.name + " returns " + name(*want) + " (C type " +
                  ctype_text(m_, x.ret) + ")");
        }
        break;
      case Op::FnPtr:
        if (t.kind != Kind::Ptr || t.ctype() >= m_.ctypes.size() ||
            ctype_info(m_.ctypes[t.ctype()].kind).cls != CClass::FnPointer)
          error("result must have an FnPtr tag, got " + name(t));
        break;
      default: break;  // phi: its incoming values are checked against the CFG
    }
  }

  // The arguments of call_c against the extern's C parameter types: the
  // Hako tag of each type (a pointer tag the parameter accepts), and for
  // variadic extras a tag with a C default promotion.
  void extern_args(const ExternFn& x) {
    std::string callee = "$" + x.name;
    size_t given = inst_.args.size();
    if (given < x.params.size() || (!x.variadic && given != x.params.size())) {
      error("call to " + callee + " passes " + std::to_string(given) + " arguments, expected " +
            (x.variadic ? "at least " : "") + std::to_string(x.params.size()));
      return;
    }
    for (size_t k = 0; k < given; ++k) {
      const Tag* t = arg_tag(k);
      if (!t) continue;
      if (k >= x.params.size()) {
        if (!is_vararg_kind(t->kind))
          error("variadic argument " + std::to_string(k + 1) + " " + value(k) + " of " + callee + " is " + name(*t) +
                ", expected Int, Float, Bool, String or a pointer");
        continue;
      }
      std::optional<Tag> want = hako_tag_of_ctype(m_, x.params[k].type, CSide::Argument);
      if (!want) {
        error("parameter " + std::to_string(k + 1) + " of " + callee + " has the C type " +
              ctype_text(m_, x.params[k].type) + ", which takes no argument");
      } else if (want->kind == Kind::Ptr && t->kind == Kind::Ptr) {
        if (!pointer_accepts(m_, want->ctype(), t->ctype()))
          error("argument " + std::to_string(k + 1) + " " + value(k) + " of " + callee + " is " + name(*t) +
                ", which " + name(*want) + " does not accept");
      } else if (*t != *want) {
        error("argument " + std::to_string(k + 1) + " " + value(k) + " of " + callee + " is " + name(*t) +
              ", expected " + name(*want) + conversion_hint(m_, *t, *want));
      }
    }
  }

  // fn_ptr: a static function whose parameters take the Hako values of the
  // FnPtr's C parameter types (or Handles), and whose result converts to
  // the C result type.
  void callback(const CType& sig) {
    if (inst_.ref >= m_.functions.size()) return;
    const Function& target = m_.functions[inst_.ref];
    if (target.has_me) error("@" + target.name + " is an instance method; a callback must be static");
    if (target.params.size() != sig.params.size()) {
      error("@" + target.name + " takes " + std::to_string(target.params.size()) + " parameters, the FnPtr type " +
            std::to_string(sig.params.size()));
      return;
    }
    for (size_t k = 0; k < sig.params.size(); ++k) {
      std::optional<Tag> natural = hako_tag_of_ctype(m_, sig.params[k], CSide::Result);
      if (natural && target.params[k] != *natural && target.params[k].kind != Kind::Handle)
        error("parameter " + std::to_string(k + 1) + " of @" + target.name + " is " + name(target.params[k]) +
              ", but the callback passes " + name(*natural) + " (or a Handle)");
    }
    if (sig.ret < m_.ctypes.size()) {
      CClass ret = ctype_info(m_.ctypes[sig.ret].kind).cls;
      if (ret == CClass::CStr || ret == CClass::Handle)
        error("a callback cannot return " + ctype_text(m_, sig.ret) + " (no one would own it)");
    }
    std::optional<Tag> want = hako_tag_of_ctype(m_, sig.ret, CSide::Argument);
    if (want && target.ret != *want && target.ret.kind != Kind::Handle)
      error("@" + target.name + " returns " + name(target.ret) + ", but the callback must give " + name(*want) +
            " (or a Handle)");
  }

  void call_args(const std::vector<Tag>& params, size_t first, const std::string& callee) {
    size_t given = inst_.args.size() > first ? inst_.args.size() - first : 0;
    if (given != params.size()) {
      error("call to " + callee + " passes " + std::to_string(given) + " arguments, expected " +
            std::to_string(params.size()));
      return;
    }
    for (size_t k = 0; k < params.size(); ++k) {
      const Tag* t = arg_tag(first + k);
      if (t && *t != params[k])
        error("argument " + std::to_string(k + 1) + " " + value(first + k) + " of " + callee + " is " + name(*t) +
              ", expected " + name(params[k]) + conversion_hint(m_, *t, params[k]));
    }
  }

  // The instruction defining `v` (nullptr for parameters and undefined ids).
  const Inst* definition(ValueId v) const {
    for (const Block& b : f_.blocks)
      for (const Inst& in : b.insts)
        if (in.result == v) return &in;
    return nullptr;
  }

  // reml_fini_begin / reml_fini_end mark the instance whose fini() runs: the
  // runtime takes any other value for a compiler bug (an internal error), so
  // the operand must be the method's receiver %0, boxed.
  void fini_receiver(const char* symbol) {
    if (inst_.args.empty()) return;  // the count is reported by call_args
    const Inst* def = definition(inst_.args[0]);
    bool ok = f_.has_me && def != nullptr && def->op == Op::Box && def->args.size() == 1 && def->args[0] == 0;
    if (!ok)
      error(std::string(symbol) + " takes the receiver of a method, boxed (`box %0` in a method), not " + value(0));
  }

  void specific() {
    const Tag* a0 = arg_tag(0);
    switch (inst_.op) {
      case Op::ConstB:
        if (inst_.imm != 0 && inst_.imm != 1) error("immediate must be 0 or 1, got " + std::to_string(inst_.imm));
        break;
      case Op::Box:
        if (a0 && a0->kind == Kind::Handle) error("operand is already a Handle");
        break;
      case Op::EqRef:
      case Op::NeRef: {
        const Tag* a1 = arg_tag(1);
        if (!a0 || !a1) break;
        if (!is_object_kind(a0->kind) || !is_object_kind(a1->kind)) {
          error("operands must be objects, got " + name(*a0) + " and " + name(*a1));
        } else if (*a0 != *a1) {
          error("operands have different tags " + name(*a0) + " and " + name(*a1));
        }
        break;
      }
      case Op::Truthy:
        if (a0 && a0->kind != Kind::Int && a0->kind != Kind::Float && a0->kind != Kind::String &&
            a0->kind != Kind::Bool && a0->kind != Kind::Handle)
          error("operand must be Int, Float, String, Bool or Handle, got " + name(*a0));
        break;
      case Op::Call:
        if (inst_.ref < m_.functions.size())
          call_args(m_.functions[inst_.ref].params, 0, "@" + m_.functions[inst_.ref].name);
        break;
      case Op::CallRt:
        if (inst_.ref < rt_count()) {
          const RtInfo& rt = rt_info(static_cast<RtFn>(inst_.ref));
          std::vector<Tag> params;
          for (const char* p = rt.params; *p; ++p) params.push_back(tag_of_letter(*p).value_or(Tag::of(Kind::Void)));
          call_args(params, 0, rt.symbol);
          auto fn = static_cast<RtFn>(inst_.ref);
          if (fn == RtFn::FiniBegin || fn == RtFn::FiniEnd) fini_receiver(rt.symbol);
        }
        break;
      case Op::CallC:
        if (inst_.ref < m_.externs.size()) extern_args(m_.externs[inst_.ref]);
        break;
      case Op::FnPtr:
        if (inst_.tag.kind == Kind::Ptr && inst_.tag.ctype() < m_.ctypes.size() &&
            ctype_info(m_.ctypes[inst_.tag.ctype()].kind).cls == CClass::FnPointer)
          callback(m_.ctypes[inst_.tag.ctype()]);
        break;
      case Op::CallMethod:
        for (size_t k = 1; k < inst_.args.size(); ++k) {
          const Tag* t = arg_tag(k);
          if (t && t->kind != Kind::Handle)
            error("argument " + std::to_string(k) + " " + value(k) + " is " + name(*t) + ", expected Handle" +
                  conversion_hint(m_, *t, Tag::of(Kind::Handle)));
        }
        break;
      case Op::GetField:
      case Op::BorrowField:
      case Op::SetField:
      case Op::CheckWeak:
        if (a0 && a0->kind == Kind::Box && a0->box != inst_.ref && inst_.ref < m_.boxes.size())
          error("operand is " + name(*a0) + " but the field belongs to box " + m_.boxes[inst_.ref].name);
        if (inst_.op == Op::CheckWeak && inst_.ref < m_.boxes.size() && inst_.imm >= 0 &&
            static_cast<uint64_t>(inst_.imm) < m_.boxes[inst_.ref].fields.size() &&
            !m_.boxes[inst_.ref].fields[inst_.imm].is_weak)
          error("field " + m_.boxes[inst_.ref].fields[inst_.imm].name + " of box " + m_.boxes[inst_.ref].name +
                " is not weak");
        break;
      case Op::NewBoxReuse:
        // The new instance lives in the operand's memory, which fits exactly.
        if (a0 && a0->kind == Kind::Box && a0->box < m_.boxes.size() && inst_.ref < m_.boxes.size() &&
            m_.boxes[a0->box].fields.size() != m_.boxes[inst_.ref].fields.size())
          error("operand is " + name(*a0) + " with " + std::to_string(m_.boxes[a0->box].fields.size()) +
                " fields, but box " + m_.boxes[inst_.ref].name + " has " +
                std::to_string(m_.boxes[inst_.ref].fields.size()));
        break;
      case Op::Keep:
        if (m_.rc_explicit) error("keep in a module whose reference counting is explicit");
        if (inst_.imm < -1 || (inst_.imm >= 0 && static_cast<uint64_t>(inst_.imm) >= f_.scopes.size()))
          error("scope " + std::to_string(inst_.imm) + " does not exist");
        break;
      case Op::Retain:
      case Op::Release:
        if (a0 && a0->kind == Kind::Weak)
          error(std::string("a WeakRef is counted by weak_retain / weak_drop, not by ") + info_.mnemonic);
        else if (a0 && !is_object_kind(a0->kind) && a0->kind != Kind::Handle)
          error("operand must be an object or a Handle, got " + name(*a0));
        break;
      case Op::WeakRetain:
      case Op::WeakDrop:
        if (a0 && a0->kind != Kind::Weak && a0->kind != Kind::Handle)
          error("operand must be a WeakRef or a Handle, got " + name(*a0));
        break;
      case Op::WeakNew:
        if (a0 && !is_weak_target_kind(a0->kind))
          error("operand must be a box or a Handle, got " + name(*a0));
        break;
      case Op::Ret:
        if (inst_.args.empty()) {
          if (f_.ret.kind != Kind::Void) error("returns no value from a function returning " + name(f_.ret));
        } else if (f_.ret.kind == Kind::Void) {
          error("returns a value from a Void function");
        } else if (a0 && *a0 != f_.ret) {
          error("returns " + value(0) + " of tag " + name(*a0) + " from a function returning " + name(f_.ret) +
                conversion_hint(m_, *a0, f_.ret));
        }
        break;
      default: break;
    }
  }

  const Module& m_;
  const Function& f_;
  BlockId block_;
  uint32_t index_;
  const Inst& inst_;
  const OpInfo& info_;
  Reporter& report_;
};

}  // namespace

void check_inst(const Module& m, const Function& f, BlockId block, uint32_t index, const Inst& inst,
                Reporter& report) {
  InstChecker(m, f, block, index, inst, report).run();
}

}  // namespace hako::mir::verify_detail
