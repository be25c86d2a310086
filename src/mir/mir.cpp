#include "mir/mir.h"

#include <unordered_map>

#include "reml_runtime.h"

namespace hako::mir {

namespace {

const OpInfo kOps[] = {
#define DYN_NONE DynPath::None, nullptr, nullptr
#define DYN_FAST(inline_fn, native_fn) DynPath::Fast, #inline_fn, #native_fn
#define DYN_CALL(fn) DynPath::Call, #fn, #fn
#define INST(name, mnemonic, operands, result, flags, ref, consumes, dyn, doc) \
  {#name, mnemonic, operands, result, flags, ResultRef::ref, Consumes::consumes, dyn, doc},
#include "mir/instructions.def"
#undef INST
#undef DYN_NONE
#undef DYN_FAST
#undef DYN_CALL
};

constexpr bool LOC = true;
constexpr bool NONE_LOC = false;
const RtInfo kRts[] = {
#define NONE NONE_LOC
#define RT(name, symbol, result, params, flags) {#name, #symbol, result, params, flags},
#include "mir/runtime_calls.def"
#undef RT
#undef NONE
};

}  // namespace

bool is_object_kind(Kind k) {
  return k == Kind::String || k == Kind::Array || k == Kind::Map || k == Kind::Console || k == Kind::Box ||
         k == Kind::Weak;
}

bool is_weak_target_kind(Kind k) {
  return k == Kind::Array || k == Kind::Map || k == Kind::Console || k == Kind::Box || k == Kind::Handle;
}

Op retain_op(Kind k, bool weak_ref) { return k == Kind::Weak || weak_ref ? Op::WeakRetain : Op::Retain; }
Op release_op(Kind k, bool weak_ref) { return k == Kind::Weak || weak_ref ? Op::WeakDrop : Op::Release; }

std::optional<uint32_t> object_type_tag(Tag t) {
  switch (t.kind) {
    case Kind::String: return REML_TAG_STRING;
    case Kind::Array: return REML_TAG_ARRAY;
    case Kind::Map: return REML_TAG_MAP;
    case Kind::Console: return REML_TAG_CONSOLE;
    case Kind::Box: return REML_TAG_USER_BASE + t.box;
    case Kind::Weak: return REML_TAG_WEAK;
    case Kind::Void:
    case Kind::Int:
    case Kind::Float:
    case Kind::Bool:
    case Kind::Handle: return std::nullopt;
  }
  return std::nullopt;
}

const OpInfo& op_info(Op op) { return kOps[static_cast<size_t>(op)]; }
uint32_t op_count() { return sizeof kOps / sizeof kOps[0]; }

std::optional<size_t> consumed_operand(Op op) {
  switch (op_info(op).consumes) {
    case Consumes::Operand0: return 0;
    case Consumes::Operand1: return 1;
    case Consumes::Nothing:
    case Consumes::PhiIncoming: return std::nullopt;
  }
  return std::nullopt;
}

std::optional<Op> op_from_mnemonic(const std::string& mnemonic) {
  static const std::unordered_map<std::string, Op> table = [] {
    std::unordered_map<std::string, Op> t;
    for (uint32_t i = 0; i < op_count(); ++i) t.emplace(kOps[i].mnemonic, static_cast<Op>(i));
    return t;
  }();
  auto it = table.find(mnemonic);
  if (it == table.end()) return std::nullopt;
  return it->second;
}

const RtInfo& rt_info(RtFn fn) { return kRts[static_cast<size_t>(fn)]; }
uint32_t rt_count() { return sizeof kRts / sizeof kRts[0]; }

std::optional<RtFn> rt_from_symbol(const std::string& symbol) {
  for (uint32_t i = 0; i < rt_count(); ++i)
    if (symbol == kRts[i].symbol) return static_cast<RtFn>(i);
  return std::nullopt;
}

std::optional<Tag> tag_of_letter(char letter) {
  switch (letter) {
    case 'I': return Tag::of(Kind::Int);
    case 'F': return Tag::of(Kind::Float);
    case 'B': return Tag::of(Kind::Bool);
    case 'S': return Tag::of(Kind::String);
    case 'H': return Tag::of(Kind::Handle);
    case 'A': return Tag::of(Kind::Array);
    case 'M': return Tag::of(Kind::Map);
    case 'C': return Tag::of(Kind::Console);
    case 'W': return Tag::of(Kind::Weak);
    default: return std::nullopt;
  }
}

uint32_t Module::intern(const std::string& s) {
  auto [it, added] = string_ids.emplace(s, static_cast<uint32_t>(strings.size()));
  if (added) strings.push_back(s);
  return it->second;
}

FuncId Module::find_function(const std::string& name) const {
  for (FuncId i{0}; i < functions.size(); ++i)
    if (functions[i].name == name) return i;
  return kNoFunc;
}

uint32_t Module::find_box(const std::string& name) const {
  for (uint32_t i = 0; i < boxes.size(); ++i)
    if (boxes[i].name == name) return i;
  return kNone;
}

std::string tag_name(const Module& m, Tag t) {
  switch (t.kind) {
    case Kind::Void: return "Void";
    case Kind::Int: return "Int";
    case Kind::Float: return "Float";
    case Kind::Bool: return "Bool";
    case Kind::String: return "String";
    case Kind::Array: return "Box(ArrayBox)";
    case Kind::Map: return "Box(MapBox)";
    case Kind::Console: return "Box(ConsoleBox)";
    case Kind::Weak: return "WeakRef";
    case Kind::Handle: return "Handle";
    case Kind::Box:
      if (t.box < m.boxes.size()) return "Box(" + m.boxes[t.box].name + ")";
      return "Box(#" + std::to_string(t.box) + ")";
  }
  return "?";
}

}  // namespace hako::mir
