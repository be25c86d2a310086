// module_to_json: the whole module as one JSON document (--emit=mir-json).
// References are rendered by meaning (function, box, field and global names,
// string text, runtime symbols) so that consumers need no index tables; the
// shape is documented in docs/mir.md. Invalid references become null.
#include <cmath>

#include "mir/operands.h"
#include "mir/printer.h"
#include "mir/text_util.h"

namespace hako::mir {

namespace {

// A JSON string literal (text::json_string).
void str(std::string& out, std::string_view s) { text::json_string(out, s); }

void str_or_null(std::string& out, const std::string* s) {
  if (s) {
    str(out, *s);
  } else {
    out += "null";
  }
}

void key(std::string& out, const char* k) {
  str(out, k);
  out += ": ";
}

void block_or_null(std::string& out, BlockId b) { out += b == kNone ? "null" : std::to_string(b); }

template <class T, class F>
void list(std::string& out, const std::vector<T>& items, F each) {
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    each(items[i]);
  }
  out += ']';
}

const std::string* function_name(const Module& m, uint32_t f) {
  return f < m.functions.size() ? &m.functions[f].name : nullptr;
}
const std::string* box_name(const Module& m, uint32_t b) { return b < m.boxes.size() ? &m.boxes[b].name : nullptr; }

void tag(std::string& out, const Module& m, Tag t) { str(out, tag_name(m, t)); }

// The strong hints of `hints` as a JSON list of names (hints.def order).
void hints_json(std::string& out, HintSet hints) {
  out += '[';
  bool first = true;
  for (uint32_t h = 0; h < hint_count(); ++h) {
    if (!hints.has(static_cast<Hint>(h))) continue;
    if (!first) out += ", ";
    first = false;
    str(out, hint_info(static_cast<Hint>(h)).strong);
  }
  out += ']';
}

void inst_json(std::string& out, const Module& m, const Function& f, const Inst& inst) {
  bool known = static_cast<uint32_t>(inst.op) < op_count();
  out += "{";
  key(out, "op");
  if (known) {
    str(out, op_info(inst.op).mnemonic);
  } else {
    out += "null";
  }
  out += ", ";
  key(out, "result");
  if (inst.result == kNone) {
    out += "null";
  } else {
    out += std::to_string(inst.result) + ", ";
    key(out, "tag");
    tag(out, m, inst.tag);
    if (!f.hints_of(inst.result).empty()) {
      out += ", ";
      key(out, "hints");
      hints_json(out, f.hints_of(inst.result));
    }
  }
  out += ", ";
  key(out, "args");
  list(out, inst.args, [&](ValueId v) { out += std::to_string(v); });
  bool targets = false;
  static const std::vector<Operand> kNoOperands;
  for (const Operand& operand : known ? operand_shape(inst.op).operands : kNoOperands) {
    switch (operand.kind) {
      case OperandKind::IntImm: out += ", "; key(out, "imm"); out += std::to_string(inst.imm); break;
      case OperandKind::FloatImm:
        out += ", ";
        key(out, "fimm");
        // JSON has no NaN or infinity: those become their MIR spelling as a string.
        if (std::isfinite(inst.fimm)) {
          out += text::float_text(inst.fimm);
        } else {
          str(out, text::float_text(inst.fimm));
        }
        break;
      case OperandKind::String:
        out += ", ";
        key(out, "string");
        str_or_null(out, inst.ref < m.strings.size() ? &m.strings[inst.ref] : nullptr);
        break;
      case OperandKind::Function: out += ", "; key(out, "function"); str_or_null(out, function_name(m, inst.ref)); break;
      case OperandKind::BoxType: out += ", "; key(out, "box"); str_or_null(out, box_name(m, inst.ref)); break;
      case OperandKind::Field: {
        out += ", ";
        key(out, "box");
        str_or_null(out, box_name(m, inst.ref));
        out += ", ";
        key(out, "field");
        const std::string* field = nullptr;
        if (inst.ref < m.boxes.size() && inst.imm >= 0 &&
            static_cast<uint64_t>(inst.imm) < m.boxes[inst.ref].fields.size())
          field = &m.boxes[inst.ref].fields[static_cast<size_t>(inst.imm)].name;
        str_or_null(out, field);
        out += ", ";
        key(out, "field_index");
        out += std::to_string(inst.imm);
        break;
      }
      case OperandKind::Global:
        out += ", ";
        key(out, "global");
        str_or_null(out, inst.ref < m.globals.size() ? &m.globals[inst.ref].name : nullptr);
        break;
      case OperandKind::Runtime: {
        out += ", ";
        key(out, "runtime");
        std::string symbol = inst.ref < rt_count() ? rt_info(static_cast<RtFn>(inst.ref)).symbol : "";
        str_or_null(out, inst.ref < rt_count() ? &symbol : nullptr);
        break;
      }
      case OperandKind::Extern:
        out += ", ";
        key(out, "extern");
        str_or_null(out, inst.ref < m.externs.size() ? &m.externs[inst.ref].name : nullptr);
        break;
      case OperandKind::Block:
      case OperandKind::PhiList: targets = true; break;
      case OperandKind::Value:
      case OperandKind::Rest:
      case OperandKind::Optional: break;  // values are all in "args"
    }
  }
  if (targets || !inst.targets.empty()) {
    out += ", ";
    key(out, "targets");
    list(out, inst.targets, [&](BlockId b) { block_or_null(out, b); });
  }
  if (inst.loc.line != 0 || inst.loc.col != 0 || inst.loc.file != 0) {
    out += ", ";
    key(out, "loc");
    out += "{";
    key(out, "file");
    str_or_null(out, inst.loc.file < m.sources.size() ? &m.sources[inst.loc.file] : nullptr);
    out += ", \"line\": " + std::to_string(inst.loc.line) + ", \"col\": " + std::to_string(inst.loc.col) + "}";
  }
  out += "}";
}

void function_json(std::string& out, const Module& m, const Function& f) {
  out += "    {";
  key(out, "name");
  str(out, f.name);
  out += ", ";
  key(out, "box");
  str_or_null(out, f.box == kNone ? nullptr : box_name(m, f.box));
  out += ", ";
  key(out, "has_me");
  out += f.has_me ? "true" : "false";
  out += ", ";
  key(out, "params");
  list(out, f.params, [&](Tag t) { tag(out, m, t); });
  out += ", ";
  key(out, "ret");
  tag(out, m, f.ret);
  out += ", ";
  key(out, "hints");
  hints_json(out, f.hints);
  out += ", ";
  key(out, "value_count");
  out += std::to_string(f.value_count()) + ",\n      ";
  key(out, "loops");
  list(out, f.loops, [&](const LoopForm& l) {
    out += "{\"header\": ";
    block_or_null(out, l.header);
    out += ", \"body\": ";
    block_or_null(out, l.body);
    out += ", \"latch\": ";
    block_or_null(out, l.latch);
    out += ", \"exit\": ";
    block_or_null(out, l.exit);
    out += "}";
  });
  out += ",\n      ";
  key(out, "ifs");
  list(out, f.ifs, [&](const IfForm& i) {
    out += "{\"cond\": ";
    block_or_null(out, i.cond);
    out += ", \"then\": ";
    block_or_null(out, i.then_entry);
    out += ", \"else\": ";
    block_or_null(out, i.else_entry);
    out += ", \"merge\": ";
    block_or_null(out, i.merge);
    out += "}";
  });
  out += ",\n      ";
  key(out, "scopes");
  list(out, f.scopes, [&](const ScopeForm& s) {
    out += "{\"entry\": ";
    block_or_null(out, s.entry);
    out += ", \"parent\": ";
    out += s.parent == kNone ? std::string("null") : std::to_string(s.parent);
    out += "}";
  });
  out += ",\n      ";
  key(out, "slots");
  std::vector<uint32_t> slot_ids(f.slot_names.size());
  for (uint32_t k = 0; k < slot_ids.size(); ++k) slot_ids[k] = k;
  list(out, slot_ids, [&](uint32_t k) {
    out += "{\"name\": ";
    str_or_null(out, &f.slot_names[k]);
    out += ", \"values\": [";
    bool first = true;
    for (size_t v = 0; v < f.value_slot.size(); ++v) {
      if (f.value_slot[v] != k) continue;
      out += first ? "" : ", ";
      first = false;
      out += std::to_string(v);
    }
    out += "]}";
  });
  out += ",\n      ";
  key(out, "blocks");
  out += "[";
  for (size_t b = 0; b < f.blocks.size(); ++b) {
    out += b ? ",\n        " : "\n        ";
    out += "{\"id\": " + std::to_string(b) + ", \"insts\": [";
    const std::vector<Inst>& insts = f.blocks[b].insts;
    for (size_t i = 0; i < insts.size(); ++i) {
      out += i ? ",\n          " : "\n          ";
      inst_json(out, m, f, insts[i]);
    }
    out += insts.empty() ? "]}" : "\n        ]}";
  }
  out += f.blocks.empty() ? "]}" : "\n      ]}";
}

}  // namespace

std::string module_to_json(const Module& m) {
  std::string out = "{\n  ";
  key(out, "sources");
  list(out, m.sources, [&](const std::string& path) { str(out, path); });
  out += ",\n  ";
  key(out, "entry");
  str_or_null(out, function_name(m, m.entry));
  out += ",\n  ";
  key(out, "strings");
  list(out, m.strings, [&](const std::string& s) { str(out, s); });
  out += ",\n  ";
  key(out, "boxes");
  out += "[";
  for (size_t b = 0; b < m.boxes.size(); ++b) {
    const BoxType& box = m.boxes[b];
    out += b ? ",\n    {" : "\n    {";
    key(out, "name");
    str(out, box.name);
    out += ", ";
    key(out, "fields");
    list(out, box.fields, [&](const Field& f) {
      out += "{\"name\": ";
      str(out, f.name);
      out += f.is_weak ? ", \"weak\": true}" : ", \"weak\": false}";
    });
    out += ", ";
    key(out, "methods");
    list(out, box.methods, [&](const BoxType::Method& method) {
      out += "{\"name\": ";
      str(out, method.name);
      out += ", \"arity\": " + std::to_string(method.arity) + ", \"function\": ";
      str_or_null(out, function_name(m, method.func));
      out += "}";
    });
    out += "}";
  }
  out += m.boxes.empty() ? "]" : "\n  ]";
  out += ",\n  ";
  key(out, "globals");
  list(out, m.globals, [&](const Global& g) { str(out, g.name); });
  out += ",\n  ";
  key(out, "externs");
  list(out, m.externs, [&](const ExternFn& x) {
    out += "{\"name\": ";
    str(out, x.name);
    out += ", \"symbol\": ";
    str(out, x.symbol);
    out += ", \"library\": ";
    str_or_null(out, x.library.empty() ? nullptr : &x.library);
    out += ", \"params\": ";
    list(out, x.params, [&](const ExternParam& p) {
      out += "{\"name\": ";
      str(out, p.name);
      out += ", \"type\": ";
      str(out, ctype_text(m, p.type));
      out += ", \"ownership\": ";
      str(out, ownership_name(p.own));
      out += "}";
    });
    out += std::string(", \"variadic\": ") + (x.variadic ? "true" : "false") + ", \"ret\": ";
    str(out, ctype_text(m, x.ret));
    out += ", \"ret_ownership\": ";
    str(out, ownership_name(x.ret_own));
    out += "}";
  });
  out += ",\n  ";
  key(out, "functions");
  out += "[";
  for (size_t f = 0; f < m.functions.size(); ++f) {
    out += f ? ",\n" : "\n";
    function_json(out, m, m.functions[f]);
  }
  out += m.functions.empty() ? "]" : "\n  ]";
  out += "\n}\n";
  return out;
}

}  // namespace hako::mir
