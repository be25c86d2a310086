// The MIR verifier driver: module-level references, block structure, SSA
// definitions and dominance, and phi/predecessor agreement. Per-instruction
// tag rules live in verify_ops.cpp, the CFG and dominators in cfg.cpp.
// Every index is range-checked before use: malformed modules yield errors.
#include "mir/verify.h"

#include <algorithm>
#include <unordered_set>

#include "mir/cfg.h"
#include "mir/text_util.h"
#include "mir/verify_ops.h"

namespace hako::mir {

namespace {

using verify_detail::Reporter;
using verify_detail::valid_name;

constexpr BlockId kParamBlock{UINT32_MAX - 1};  // "defined on entry" for parameters

bool tag_valid(const Module& m, Tag t) { return t.kind != Kind::Box || t.box < m.boxes.size(); }

std::string value_name(ValueId v) { return "%" + std::to_string(v); }
std::string block_name(BlockId b) { return "bb" + std::to_string(b); }

// Whether `loc` names a file of the module: runtime errors print that path.
// File 0 is always valid (a module without sources prints no path).
bool loc_valid(const Module& m, const Loc& loc) { return loc.file == 0 || loc.file < m.sources.size(); }

std::string loc_error(const Loc& loc) {
  return "the location names source file #" + std::to_string(loc.file) + ", which the module does not list";
}

// The entry function: Main.main/0 without parameters, or Main.main/1 whose
// one parameter receives the command-line arguments as an ArrayBox (also
// readable as a Handle: the same bits); no receiver. For an instance Main the
// entry is instance_entry_name(0) or (1) (mir.h), of the same shape.
void check_entry(const Module& m, Reporter& report) {
  auto error = [&](std::string message) { report.error(kNoBlock, kNone, std::move(message)); };
  if (m.entry == kNone) {
    error("no entry function");
    return;
  }
  if (m.entry >= m.functions.size()) {
    error("entry function #" + std::to_string(m.entry) + " does not exist");
    return;
  }
  const Function& f = m.functions[m.entry];
  size_t want = 0;
  if (f.name == "Main.main/1" || f.name == instance_entry_name(1)) {
    want = 1;
  } else if (f.name != "Main.main/0" && f.name != instance_entry_name(0)) {
    error("entry function must be Main.main/0, Main.main/1, entry/0 or entry/1, not @" + f.name);
    return;
  }
  if (f.params.size() != want) {
    error("entry function @" + f.name + " must take " + std::to_string(want) + " parameter" + (want == 1 ? "" : "s") +
          ", not " + std::to_string(f.params.size()));
  } else if (want == 1 && f.params[0].kind != Kind::Array && f.params[0].kind != Kind::Handle) {
    error("entry function @" + f.name + " receives the arguments in %0, which must be Box(ArrayBox) or Handle, not " +
          tag_name(m, f.params[0]));
  }
  if (f.has_me) error("entry function @" + f.name + " must not be a method");
}

// A method-table entry: the function takes the receiver of its own box and
// exactly `arity` further parameters, and no other entry of the box has the
// same name and arity (call_method dispatches on both).
void check_method(const Module& m, uint32_t b, uint32_t k, Reporter& report) {
  const BoxType& box = m.boxes[b];
  const BoxType::Method& method = box.methods[k];
  auto error = [&](std::string message) { report.box_error(b, k, std::move(message)); };
  std::string what = "method " + box.name + "." + method.name + "/" + std::to_string(method.arity);
  if (!valid_name(method.name)) error(what + ": the name is empty or contains a NUL byte");
  for (uint32_t j = 0; j < k; ++j)
    if (box.methods[j].name == method.name && box.methods[j].arity == method.arity)
      error(what + " is declared twice");
  if (method.func >= m.functions.size()) {
    error(what + " refers to missing function #" + std::to_string(method.func));
    return;
  }
  const Function& f = m.functions[method.func];
  if (f.params.empty() || f.params[0] != Tag::user_box(b)) {
    error(what + " refers to @" + f.name + " whose first parameter is not Box(" + box.name + ")");
  } else if (f.params.size() - 1 != method.arity) {
    error(what + " refers to @" + f.name + ", which takes " + std::to_string(f.params.size() - 1) +
          " arguments besides the receiver, not " + std::to_string(method.arity));
  }
}

void check_module(const Module& m, std::vector<VerifyError>& out) {
  Reporter report(out, "", kNoFunc);
  auto error = [&](std::string message) { report.error(kNoBlock, kNone, std::move(message)); };
  check_entry(m, report);
  for (const std::string& path : m.sources)
    if (path.find('\0') != std::string::npos) error("the source path " + text::quote(path) + " contains a NUL byte");
  for (const ExternFn& x : m.externs)
    if (!loc_valid(m, x.loc)) error("extern $" + x.name + ": " + loc_error(x.loc));

  std::unordered_set<std::string> names;
  for (uint32_t b = 0; b < m.boxes.size(); ++b) {
    const BoxType& box = m.boxes[b];
    auto box_error = [&](std::string message) { report.box_error(b, kNone, std::move(message)); };
    if (!valid_name(box.name)) box_error("box name " + text::quote(box.name) + " is empty or contains a NUL byte");
    if (box.name == "ArrayBox" || box.name == "MapBox" || box.name == "ConsoleBox")
      box_error("box name '" + box.name + "' is reserved for a built-in box");
    if (!names.insert(box.name).second) box_error("box '" + box.name + "' is declared twice");
    std::unordered_set<std::string> fields;
    for (const Field& field : box.fields) {
      if (!valid_name(field.name))
        box_error("box " + box.name + " has a field named " + text::quote(field.name) +
                  ", which is empty or contains a NUL byte");
      if (!fields.insert(field.name).second) box_error("box " + box.name + " declares field '" + field.name + "' twice");
    }
    for (uint32_t k = 0; k < box.methods.size(); ++k) check_method(m, b, k, report);
  }
  names.clear();
  for (const Global& g : m.globals) {
    if (!valid_name(g.name)) error("global " + text::quote(g.name) + " is empty or contains a NUL byte");
    if (!names.insert(g.name).second) error("global '" + g.name + "' is declared twice");
  }
  names.clear();
  for (const Function& f : m.functions) {
    if (!valid_name(f.name)) error("function " + text::quote(f.name) + " is empty or contains a NUL byte");
    if (!names.insert(f.name).second) error("function @" + f.name + " is defined twice");
  }
}

class FunctionVerifier {
 public:
  FunctionVerifier(const Module& m, FuncId id, std::vector<VerifyError>& out)
      : m_(m), f_(m.functions[id]), report_(out, m.functions[id].name, id), cfg_(m.functions[id]) {}

  void run() {
    signature();
    if (f_.blocks.empty()) report_.error(kNoBlock, kNone, "function has no blocks");
    structure();
    definitions();
    for (BlockId b{0}; b < f_.blocks.size(); ++b) {
      const std::vector<Inst>& insts = f_.blocks[b].insts;
      for (uint32_t i = 0; i < insts.size(); ++i) {
        const Inst& inst = insts[i];
        if (static_cast<uint32_t>(inst.op) >= op_count()) continue;  // reported by structure()
        uses(b, i, inst);
        if (!loc_valid(m_, inst.loc)) report_.error(b, i, loc_error(inst.loc));
        verify_detail::check_inst(m_, f_, b, i, inst, report_);
        if (inst.op == Op::Phi) phi(b, i, inst);
      }
    }
    forms();
  }

 private:
  void signature() {
    auto error = [&](std::string message) { report_.error(kNoBlock, kNone, std::move(message)); };
    for (size_t i = 0; i < f_.params.size(); ++i)
      if (!tag_valid(m_, f_.params[i])) error("parameter %" + std::to_string(i) + " has a tag of a missing box");
    if (!tag_valid(m_, f_.ret)) error("return tag names a missing box");
    for (size_t v = 0; v < f_.value_tags.size(); ++v)
      if (!tag_valid(m_, f_.value_tags[v])) error("value %" + std::to_string(v) + " has a tag of a missing box");
    if (f_.box != kNone && f_.box >= m_.boxes.size()) error("owning box #" + std::to_string(f_.box) + " does not exist");
    if (f_.has_me) {
      if (f_.box >= m_.boxes.size()) {
        error("method function has no owning box");
      } else if (f_.params.empty() || f_.params[0] != Tag::user_box(f_.box)) {
        error("receiver %0 must be Box(" + m_.boxes[f_.box].name + ")");
      }
    }
    if (f_.value_tags.size() < f_.params.size()) {
      error("value_tags has " + std::to_string(f_.value_tags.size()) + " entries for " +
            std::to_string(f_.params.size()) + " parameters");
    } else {
      for (size_t i = 0; i < f_.params.size(); ++i)
        if (f_.value_tags[i] != f_.params[i]) error("parameter %" + std::to_string(i) + " differs from its value tag");
    }
  }

  void structure() {
    for (BlockId b{0}; b < f_.blocks.size(); ++b) {
      const std::vector<Inst>& insts = f_.blocks[b].insts;
      if (insts.empty()) {
        report_.error(b, kNone, "block is empty");
        continue;
      }
      bool past_phis = false;
      for (uint32_t i = 0; i < insts.size(); ++i) {
        const Inst& inst = insts[i];
        bool last = i + 1 == insts.size();
        if (static_cast<uint32_t>(inst.op) >= op_count()) {
          report_.error(b, i, "unknown opcode " + std::to_string(static_cast<uint32_t>(inst.op)));
          continue;
        }
        const OpInfo& info = op_info(inst.op);
        bool term = info.flags & TERM;
        if (term && !last) report_.error(b, i, std::string(info.mnemonic) + ": terminator in the middle of a block");
        // bb0 is entered once, with the parameters: the passes after the
        // verifier (reference counts, regions) rely on its having no predecessor.
        if (term && std::find(inst.targets.begin(), inst.targets.end(), BlockId{0}) != inst.targets.end())
          report_.error(b, i, std::string(info.mnemonic) + ": bb0 is the entry block and cannot be a branch target");
        if (!term && last) report_.error(b, i, "block does not end in a terminator");
        if (inst.op == Op::Phi) {
          if (past_phis) report_.error(b, i, "phi: phi after a non-phi instruction");
        } else {
          past_phis = true;
        }
      }
    }
  }

  void definitions() {
    size_t n = f_.value_tags.size();
    def_block_.assign(n, kNoBlock);
    def_index_.assign(n, 0);
    for (size_t v = 0; v < f_.params.size() && v < n; ++v) def_block_[v] = kParamBlock;
    for (BlockId b{0}; b < f_.blocks.size(); ++b) {
      const std::vector<Inst>& insts = f_.blocks[b].insts;
      for (uint32_t i = 0; i < insts.size(); ++i) {
        ValueId r = insts[i].result;
        if (r == kNone) continue;
        if (r >= n) {
          report_.error(b, i, "result " + value_name(r) + " is out of range (" + std::to_string(n) + " values)");
          continue;
        }
        if (def_block_[r] == kParamBlock) {
          report_.error(b, i, "redefines parameter " + value_name(r));
          continue;
        }
        if (def_block_[r] != kNone) {
          report_.error(b, i, "value " + value_name(r) + " is defined more than once (first in " +
                                  block_name(def_block_[r]) + ")");
          continue;
        }
        def_block_[r] = b;
        def_index_[r] = i;
        if (insts[i].tag != f_.value_tags[r])
          report_.error(b, i, "result tag " + tag_name(m_, insts[i].tag) + " differs from the value tag " +
                                  tag_name(m_, f_.value_tags[r]) + " of " + value_name(r));
      }
    }
    for (size_t v = f_.params.size(); v < n; ++v)
      if (def_block_[v] == kNone)
        report_.error(kNoBlock, kNone, "value " + value_name(static_cast<ValueId>(v)) + " is never defined");
  }

  // Every operand names a defined value whose definition dominates the use
  // (for a phi: the end of the incoming predecessor).
  void uses(BlockId b, uint32_t i, const Inst& inst) {
    bool is_phi = inst.op == Op::Phi;
    for (size_t k = 0; k < inst.args.size(); ++k) {
      ValueId v = inst.args[k];
      if (v >= def_block_.size()) {
        report_.error(b, i, "operand " + value_name(v) + " is out of range");
        continue;
      }
      BlockId d = def_block_[v];
      if (d == kNone) {
        report_.error(b, i, "use of undefined value " + value_name(v));
        continue;
      }
      if (d == kParamBlock || !cfg_.reachable(b)) continue;  // unreachable code: structure only
      if (is_phi) {
        if (k >= inst.targets.size()) continue;
        BlockId pred = inst.targets[k];
        if (pred >= f_.blocks.size() || !cfg_.reachable(pred)) continue;
        if (!cfg_.dominates(d, pred))
          report_.error(b, i, "phi: incoming " + value_name(v) + " (defined in " + block_name(d) +
                                  ") does not dominate the end of " + block_name(pred));
      } else if (d == b) {
        if (def_index_[v] >= i) report_.error(b, i, "use of " + value_name(v) + " before its definition");
      } else if (!cfg_.dominates(d, b)) {
        report_.error(b, i, "use of " + value_name(v) + " is not dominated by its definition in " + block_name(d));
      }
    }
  }

  // One incoming per CFG predecessor, none from elsewhere, tags equal to the phi's.
  void phi(BlockId b, uint32_t i, const Inst& inst) {
    const std::vector<BlockId>& preds = cfg_.preds(b);
    if (inst.targets.empty()) report_.error(b, i, "phi: has no incoming value");
    std::vector<BlockId> seen;
    for (size_t k = 0; k < inst.targets.size(); ++k) {
      BlockId t = inst.targets[k];
      if (t >= f_.blocks.size()) continue;  // reported by check_inst
      if (!std::binary_search(preds.begin(), preds.end(), t)) {
        report_.error(b, i, "phi: incoming block " + block_name(t) + " is not a predecessor");
      } else if (std::find(seen.begin(), seen.end(), t) != seen.end()) {
        report_.error(b, i, "phi: duplicate incoming from " + block_name(t));
      } else {
        seen.push_back(t);
      }
      if (k < inst.args.size() && inst.args[k] < f_.value_tags.size() && inst.result != kNone) {
        Tag vt = f_.value_tags[inst.args[k]];
        if (vt != inst.tag)
          report_.error(b, i, "phi: incoming " + value_name(inst.args[k]) + " from " + block_name(t) + " is " +
                                  tag_name(m_, vt) + ", expected " + tag_name(m_, inst.tag) +
                                  verify_detail::conversion_hint(m_, vt, inst.tag) + " at the end of " +
                                  block_name(t));
      }
    }
    for (BlockId p : preds)
      if (std::find(seen.begin(), seen.end(), p) == seen.end())
        report_.error(b, i, "phi: no incoming from predecessor " + block_name(p));
  }

  void forms() {
    auto check = [&](const char* what, size_t index, const char* field, BlockId b) {
      if (b != kNone && b >= f_.blocks.size())
        report_.error(kNoBlock, kNone, std::string(what) + " " + std::to_string(index) + " " + field + " " +
                                        block_name(b) + " does not exist");
    };
    for (size_t k = 0; k < f_.loops.size(); ++k) {
      const LoopForm& l = f_.loops[k];
      check("loop", k, "header", l.header);
      check("loop", k, "body", l.body);
      check("loop", k, "latch", l.latch);
      check("loop", k, "exit", l.exit);
    }
    for (size_t k = 0; k < f_.ifs.size(); ++k) {
      const IfForm& c = f_.ifs[k];
      check("if", k, "cond", c.cond);
      check("if", k, "then", c.then_entry);
      check("if", k, "else", c.else_entry);
      check("if", k, "merge", c.merge);
    }
    for (size_t k = 0; k < f_.scopes.size(); ++k) {
      check("scope", k, "entry", f_.scopes[k].entry);
      if (f_.scopes[k].parent != kNone && f_.scopes[k].parent >= k)
        report_.error(kNoBlock, kNone, "scope " + std::to_string(k) + " has parent " +
                                        std::to_string(f_.scopes[k].parent) + ", which does not come before it");
    }
    if (f_.value_slot.size() > f_.value_count())
      report_.error(kNoBlock, kNone, "slot table names " + std::to_string(f_.value_slot.size()) + " values, the function has " +
                                      std::to_string(f_.value_count()));
    for (uint32_t s : f_.value_slot)
      if (s != kNone && s >= f_.slot_names.size()) report_.error(kNoBlock, kNone, "slot " + std::to_string(s) + " does not exist");
  }

  const Module& m_;
  const Function& f_;
  Reporter report_;
  Cfg cfg_;
  std::vector<BlockId> def_block_;  // block defining each value; kParamBlock, or kNone if never
  std::vector<uint32_t> def_index_;
};

}  // namespace

std::vector<VerifyError> verify_module(const Module& m) {
  std::vector<VerifyError> out;
  check_module(m, out);
  for (FuncId f{0}; f < m.functions.size(); ++f) FunctionVerifier(m, f, out).run();
  return out;
}

std::string format_verify_error(const VerifyError& e) {
  std::string out = e.function.empty() ? std::string("module") : "fn @" + e.function;
  if (e.block != kNone) out += " bb" + std::to_string(e.block);
  if (e.inst != kNone) out += " #" + std::to_string(e.inst);
  return out + ": " + e.message;
}

}  // namespace hako::mir
