// The MIR text printer. The grammar is in docs/mir.md; text_parser.cpp reads
// it back. Malformed references print as `<bad ...>` so that printing never
// fails and the parser rejects the result instead of silently repairing it.
#include "mir/printer.h"

#include "mir/operands.h"
#include "mir/text_util.h"

namespace hako::mir {

namespace {

std::string bad(const char* what, uint64_t index) { return "<bad " + std::string(what) + " " + std::to_string(index) + ">"; }

std::string box_text(const Module& m, uint32_t b) {
  if (b >= m.boxes.size()) return bad("box", b);
  const std::string& name = m.boxes[b].name;
  return text::name_or_quoted(name, text::is_ident(name));
}

std::string tag_text(const Module& m, Tag t) {
  if (t.kind == Kind::Box) return "Box(" + box_text(m, t.box) + ")";
  return tag_name(m, t);
}

std::string value_text(ValueId v) { return v == kNone ? std::string("<bad value>") : "%" + std::to_string(v); }
std::string block_text(BlockId b) { return b == kNone ? std::string("none") : "bb" + std::to_string(b); }

// ` @line:col` in the main source file, ` @file:line:col` in another (the
// index of its `source` line); nothing for "no location".
std::string loc_text(const Loc& loc) {
  if (loc.line == 0 && loc.col == 0 && loc.file == 0) return "";
  std::string out = " @";
  if (loc.file != 0) out += std::to_string(loc.file) + ":";
  return out + std::to_string(loc.line) + ":" + std::to_string(loc.col);
}

std::string function_ref(const Module& m, FuncId f) {
  if (f >= m.functions.size()) return bad("function", f);
  const std::string& name = m.functions[f].name;
  return "@" + text::name_or_quoted(name, text::is_function_name(name));
}

std::string field_text(const Module& m, uint32_t box, int64_t field) {
  std::string out = box_text(m, box) + ".";
  if (box < m.boxes.size() && field >= 0 && static_cast<uint64_t>(field) < m.boxes[box].fields.size()) {
    const std::string& name = m.boxes[box].fields[static_cast<size_t>(field)].name;
    return out + text::name_or_quoted(name, text::is_ident(name));
  }
  return out + bad("field", static_cast<uint64_t>(field));
}

std::string global_text(const Module& m, uint32_t g) {
  if (g >= m.globals.size()) return bad("global", g);
  const std::string& name = m.globals[g].name;
  return text::name_or_quoted(name, text::is_dotted(name));
}

std::string string_text(const Module& m, uint32_t s) {
  if (s >= m.strings.size()) return bad("string", s);
  return text::quote(m.strings[s]);
}

// The strong hints of `hints` as ` !{name name}` (hints.def order), or
// nothing when every hint is at its weakest.
std::string hints_text(HintSet hints) {
  if (hints.empty()) return "";
  std::string out = " !{";
  for (uint32_t h = 0; h < hint_count(); ++h) {
    if (!hints.has(static_cast<Hint>(h))) continue;
    if (out.back() != '{') out += " ";
    out += hint_info(static_cast<Hint>(h)).strong;
  }
  return out + "}";
}

std::string extern_text(const Module& m, uint32_t e) {
  if (e >= m.externs.size()) return bad("extern", e);
  const std::string& name = m.externs[e].name;
  return "$" + text::name_or_quoted(name, text::is_ident(name));
}

// The extern struct types of `m`, each after the structs its fields name
// (by value or through pointers), so the text parser meets every struct
// name declared; only pointer cycles between two structs cannot be ordered.
std::vector<CTypeId> structs_in_dependency_order(const Module& m) {
  std::vector<CTypeId> order;
  std::vector<uint8_t> seen(m.ctypes.size(), 0);
  std::function<void(CTypeId)> visit = [&](CTypeId t) {
    if (t >= m.ctypes.size() || seen[t.index()]) return;
    const CType& c = m.ctypes[t];
    if (c.kind != CTypeKind::Struct) {
      visit(c.pointee);
      return;
    }
    seen[t.index()] = 1;
    for (const CField& f : c.fields) visit(f.type);
    order.push_back(t);
  };
  for (CTypeId t{0}; t < m.ctypes.size(); ++t)
    if (m.ctypes[t].kind == CTypeKind::Struct) visit(t);
  return order;
}

// `extern $name "symbol" [library "lib"] (param: ctype [own], ..., [...]) -> ctype [own]`
std::string extern_decl_text(const Module& m, ExternId e) {
  const ExternFn& x = m.externs[e];
  std::string out = "extern " + extern_text(m, e) + " " + text::quote(x.symbol);
  if (!x.library.empty()) out += " library " + text::quote(x.library);
  out += " (";
  for (size_t i = 0; i < x.params.size(); ++i) {
    if (i) out += ", ";
    out += text::name_or_quoted(x.params[i].name, text::is_ident(x.params[i].name)) + ": " +
           ctype_text(m, x.params[i].type);
    if (x.params[i].own != Ownership::Borrowed) out += std::string(" ") + ownership_name(x.params[i].own);
  }
  if (x.variadic) out += x.params.empty() ? "..." : ", ...";
  out += ") -> " + ctype_text(m, x.ret);
  if (x.ret_own != Ownership::Borrowed) out += std::string(" ") + ownership_name(x.ret_own);
  out += loc_text(x.loc);
  return out + "\n";
}

std::string runtime_text(uint32_t r) {
  if (r >= rt_count()) return bad("runtime function", r);
  return rt_info(static_cast<RtFn>(r)).symbol;
}

// Writes the operands of `inst` in the order of its operand letters.
void print_operands(const Module& m, const Inst& inst, std::string& out) {
  const OperandShape& shape = operand_shape(inst.op);
  size_t next_arg = 0, next_target = 0;
  bool any = false;
  auto sep = [&] {
    out += any ? ", " : " ";
    any = true;
  };
  auto next_value = [&]() -> std::string {
    if (next_arg < inst.args.size()) return value_text(inst.args[next_arg++]);
    return "<missing value>";
  };
  OperandKind previous = OperandKind::Value;
  for (size_t k = 0; k < shape.operands.size(); previous = shape.operands[k++].kind) {
    switch (shape.operands[k].kind) {
      case OperandKind::Rest: {
        if (k > 0 && previous == OperandKind::IntImm) out += " ";
        out += "(";
        for (bool first = true; next_arg < inst.args.size(); first = false) {
          if (!first) out += ", ";
          out += value_text(inst.args[next_arg++]);
        }
        out += ")";
        any = true;
        break;
      }
      case OperandKind::Optional:
        if (next_arg < inst.args.size()) {
          sep();
          out += value_text(inst.args[next_arg++]);
        }
        break;
      case OperandKind::PhiList:
        for (; next_arg < inst.args.size(); ++next_arg, ++next_target) {
          sep();
          out += "[" + value_text(inst.args[next_arg]) + ", ";
          out += next_target < inst.targets.size() ? block_text(inst.targets[next_target]) : "<missing block>";
          out += "]";
        }
        break;
      case OperandKind::IntImm: sep(); out += std::to_string(inst.imm); break;
      case OperandKind::FloatImm: sep(); out += text::float_text(inst.fimm); break;
      case OperandKind::String: sep(); out += string_text(m, inst.ref); break;
      case OperandKind::Function: sep(); out += function_ref(m, inst.func()); break;
      case OperandKind::BoxType: sep(); out += box_text(m, inst.ref); break;
      case OperandKind::Field: sep(); out += field_text(m, inst.ref, inst.imm); break;
      case OperandKind::Global: sep(); out += global_text(m, inst.ref); break;
      case OperandKind::Runtime: sep(); out += runtime_text(inst.ref); break;
      case OperandKind::Extern: sep(); out += extern_text(m, inst.ref); break;
      case OperandKind::Block:
        sep();
        out += next_target < inst.targets.size() ? block_text(inst.targets[next_target++]) : "<missing block>";
        break;
      case OperandKind::Value:
        sep();
        out += next_value();
        break;
    }
  }
  // Operands the letters do not account for: shown, but unparsable.
  for (; next_arg < inst.args.size(); ++next_arg) out += ", <extra " + value_text(inst.args[next_arg]) + ">";
  for (; next_target < inst.targets.size(); ++next_target)
    out += ", <extra " + block_text(inst.targets[next_target]) + ">";
}

void print_inst(const Module& m, const Function& f, const Inst& inst, std::string& out) {
  out += "  ";
  if (inst.result != kNone) out += value_text(inst.result) + ": " + tag_text(m, inst.tag) + " = ";
  if (static_cast<uint32_t>(inst.op) >= op_count()) {
    out += bad("opcode", static_cast<uint32_t>(inst.op)) + "\n";
    return;
  }
  out += op_info(inst.op).mnemonic;
  print_operands(m, inst, out);
  out += loc_text(inst.loc);
  if (inst.result != kNone) out += hints_text(f.hints_of(inst.result));
  out += "\n";
}

}  // namespace

std::string print_function(const Module& m, const Function& f) {
  std::string out = "fn @" + text::name_or_quoted(f.name, text::is_function_name(f.name)) + "(";
  for (size_t i = 0; i < f.params.size(); ++i) {
    if (i) out += ", ";
    out += "%" + std::to_string(i) + ": " + tag_text(m, f.params[i]);
  }
  out += ") -> " + tag_text(m, f.ret);
  if (f.has_me) {
    out += " method " + box_text(m, f.box);
  } else if (f.box != kNone) {
    out += " static " + box_text(m, f.box);
  }
  out += hints_text(f.hints) + " {\n";
  for (const LoopForm& l : f.loops) {
    out += "  loop header=" + block_text(l.header) + " body=" + block_text(l.body) + " latch=" + block_text(l.latch) +
           " exit=" + block_text(l.exit) + "\n";
  }
  for (const IfForm& i : f.ifs) {
    out += "  if cond=" + block_text(i.cond) + " then=" + block_text(i.then_entry) + " else=" +
           block_text(i.else_entry) + " merge=" + block_text(i.merge) + "\n";
  }
  for (const ScopeForm& s : f.scopes) {
    out += "  scope entry=" + block_text(s.entry) + " parent=" +
           (s.parent == kNone ? std::string("none") : std::to_string(s.parent)) + "\n";
  }
  for (size_t s = 0; s < f.slot_names.size(); ++s) {
    out += "  slot " + text::name_or_quoted(f.slot_names[s], text::is_ident(f.slot_names[s])) + " =";
    for (size_t v = 0; v < f.value_slot.size(); ++v)
      if (f.value_slot[v] == s) out += " " + value_text(static_cast<ValueId>(v));
    out += "\n";
  }
  for (size_t b = 0; b < f.blocks.size(); ++b) {
    out += "bb" + std::to_string(b) + ":\n";
    for (const Inst& inst : f.blocks[b].insts) print_inst(m, f, inst, out);
  }
  out += "}\n";
  return out;
}

std::string print_module(const Module& m) {
  std::string out = "; hakoc MIR\n";
  for (const std::string& path : m.sources) out += "source " + text::quote(path) + "\n";
  for (const BoxType& box : m.boxes) {
    out += "box " + text::name_or_quoted(box.name, text::is_ident(box.name)) + " {\n";
    for (const Field& field : box.fields) {
      out += "  field ";
      if (field.is_weak) out += "weak ";
      out += text::name_or_quoted(field.name, text::is_ident(field.name)) + "\n";
    }
    for (const BoxType::Method& method : box.methods) {
      out += "  method " + text::name_or_quoted(method.name, text::is_ident(method.name)) + "/" +
             std::to_string(method.arity) + " = " + function_ref(m, method.func) + "\n";
    }
    out += "}\n";
  }
  for (const Global& g : m.globals) out += "global " + text::name_or_quoted(g.name, text::is_dotted(g.name)) + "\n";
  for (CTypeId id : structs_in_dependency_order(m)) {
    const CType& c = m.ctypes[id];
    out += "cstruct " + text::name_or_quoted(c.name, text::is_ident(c.name)) + " {";
    for (size_t i = 0; i < c.fields.size(); ++i)
      out += std::string(i ? ", " : " ") + text::name_or_quoted(c.fields[i].name, text::is_ident(c.fields[i].name)) +
             ": " + ctype_text(m, c.fields[i].type);
    out += " }\n";
  }
  for (ExternId e{0}; e < m.externs.size(); ++e) out += extern_decl_text(m, e);
  if (m.entry != kNone) out += "entry " + function_ref(m, m.entry) + "\n";
  if (m.rc_explicit) out += "rc explicit\n";
  for (const Function& f : m.functions) out += "\n" + print_function(m, f);
  return out;
}

}  // namespace hako::mir
