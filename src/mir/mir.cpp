#include "mir/mir.h"

#include <algorithm>
#include <cstdint>
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

const CTypeInfo kCTypes[] = {
#define CTYPE(name, spelling, cls, size, align, arg_min, arg_max) \
  {spelling, CClass::cls, size, align, arg_min, arg_max},
#include "mir/ctypes.def"
#undef CTYPE
};

}  // namespace

const CTypeInfo& ctype_info(CTypeKind k) { return kCTypes[static_cast<size_t>(k)]; }
uint32_t ctype_kind_count() { return sizeof kCTypes / sizeof kCTypes[0]; }

std::optional<CTypeKind> ctype_from_spelling(const std::string& spelling) {
  for (uint32_t i = 0; i < ctype_kind_count(); ++i)
    if (spelling == kCTypes[i].spelling) return static_cast<CTypeKind>(i);
  return std::nullopt;
}

const char* ownership_name(Ownership o) {
  switch (o) {
    case Ownership::Borrowed: return "borrowed";
    case Ownership::Transferred: return "transferred";
    case Ownership::Reference: return "reference";
  }
  return "?";
}

std::optional<Ownership> ownership_from_name(const std::string& name) {
  for (Ownership o : {Ownership::Borrowed, Ownership::Transferred, Ownership::Reference})
    if (name == ownership_name(o)) return o;
  return std::nullopt;
}

CTypeId Module::intern_ctype(const CType& t) {
  for (CTypeId i{0}; i < ctypes.size(); ++i)
    if (ctypes[i] == t) return i;
  ctypes.push_back(t);
  return CTypeId::from_size(ctypes.size() - 1);
}

std::optional<ExternId> Module::find_extern(const std::string& name) const {
  for (ExternId i{0}; i < externs.size(); ++i)
    if (externs[i].name == name) return i;
  return std::nullopt;
}

std::string ctype_text(const Module& m, CTypeId t) {
  if (t >= m.ctypes.size()) return "<bad C type " + std::to_string(t.index()) + ">";
  const CType& c = m.ctypes[t];
  const CTypeInfo& info = ctype_info(c.kind);
  switch (info.cls) {
    case CClass::Pointer: return std::string(info.spelling) + "<" + ctype_text(m, c.pointee) + ">";
    case CClass::FnPointer: {
      std::string out = std::string(info.spelling) + "<(";
      for (size_t i = 0; i < c.params.size(); ++i) out += (i ? ", " : "") + ctype_text(m, c.params[i]);
      return out + ") -> " + ctype_text(m, c.ret) + ">";
    }
    case CClass::Int:
    case CClass::UInt:
    case CClass::Float:
    case CClass::Bool:
    case CClass::Void:
    case CClass::CStr:
    case CClass::Handle: return info.spelling;
    case CClass::Struct: return c.name;
  }
  return "?";
}

std::optional<Tag> hako_tag_of_ctype(const Module& m, CTypeId t, CSide side) {
  if (t >= m.ctypes.size()) return std::nullopt;
  switch (ctype_info(m.ctypes[t].kind).cls) {
    case CClass::Int:
    case CClass::UInt: return Tag::of(Kind::Int);
    case CClass::Float: return Tag::of(Kind::Float);
    case CClass::Bool: return Tag::of(Kind::Bool);
    case CClass::Void:
      if (side == CSide::Argument) return std::nullopt;
      return Tag::of(Kind::Void);
    case CClass::CStr: return side == CSide::Argument ? Tag::of(Kind::String) : Tag::of(Kind::Handle);
    case CClass::Handle: return Tag::of(Kind::Handle);
    case CClass::Pointer:
    case CClass::FnPointer: return Tag::pointer(t);
    case CClass::Struct: return Tag::user_box(m.ctypes[t].box);
  }
  return std::nullopt;
}

PtrTypeText ptr_type_text(const Module& m, CTypeId t) {
  const CType& c = m.ctypes[t];
  PtrTypeText out{ctype_text(m, t), "", REML_PTR_CONST};
  if (c.kind == CTypeKind::MutPtr) out.flavour = REML_PTR_MUT;
  if (c.kind == CTypeKind::NonNullPtr) out.flavour = REML_PTR_NONNULL;
  // An FnPtr is its own pointee: two FnPtr types match when their signatures do.
  out.pointee = c.kind == CTypeKind::FnPtr ? out.name : ctype_text(m, c.pointee);
  return out;
}

void layout_struct(const std::vector<CType>& ctypes, CType& t) {
  uint32_t offset = 0, align = 1;
  for (CField& f : t.fields) {
    const CType& ft = ctypes[f.type];
    const uint32_t fsize = ft.kind == CTypeKind::Struct ? ft.size : ctype_info(ft.kind).size;
    const uint32_t falign = ft.kind == CTypeKind::Struct ? ft.align : ctype_info(ft.kind).align;
    offset = (offset + falign - 1) / falign * falign;
    f.offset = offset;
    offset += fsize;
    align = std::max(align, falign);
  }
  t.size = (offset + align - 1) / align * align;
  t.align = align;
}

uint32_t ctype_size(const Module& m, CTypeId t) {
  const CType& c = m.ctypes[t];
  return c.kind == CTypeKind::Struct ? c.size : ctype_info(c.kind).size;
}

uint32_t ctype_align(const Module& m, CTypeId t) {
  const CType& c = m.ctypes[t];
  return c.kind == CTypeKind::Struct ? c.align : ctype_info(c.kind).align;
}

std::optional<uint32_t> cfield_kind(CTypeKind k) {
  switch (k) {
    case CTypeKind::I8: return REML_CF_I8;
    case CTypeKind::I16: return REML_CF_I16;
    case CTypeKind::I32: return REML_CF_I32;
    case CTypeKind::I64:
    case CTypeKind::ISize: return REML_CF_I64;
    case CTypeKind::U8: return REML_CF_U8;
    case CTypeKind::U16: return REML_CF_U16;
    case CTypeKind::U32: return REML_CF_U32;
    case CTypeKind::U64:
    case CTypeKind::USize: return REML_CF_U64;
    case CTypeKind::F32: return REML_CF_F32;
    case CTypeKind::F64: return REML_CF_F64;
    case CTypeKind::Bool: return REML_CF_BOOL;
    case CTypeKind::Ptr:
    case CTypeKind::MutPtr:
    case CTypeKind::NonNullPtr:
    case CTypeKind::FnPtr: return REML_CF_PTR;
    case CTypeKind::Struct: return REML_CF_STRUCT;
    case CTypeKind::Void:
    case CTypeKind::CStr:
    case CTypeKind::Handle: return std::nullopt;
  }
  return std::nullopt;
}

std::string extern_param_name(const ExternFn& x, size_t k) {
  return k < x.params.size() ? x.params[k].name : "#" + std::to_string(k + 1);
}

bool pointer_accepts(const Module& m, CTypeId to, CTypeId from) {
  if (to >= m.ctypes.size() || from >= m.ctypes.size()) return false;
  PtrTypeText a = ptr_type_text(m, to), b = ptr_type_text(m, from);
  reml_ptr_type_t ra{a.name.c_str(), a.pointee.c_str(), a.flavour};
  reml_ptr_type_t rb{b.name.c_str(), b.pointee.c_str(), b.flavour};
  return reml_ptr_accepts(&ra, &rb) != 0;
}

bool is_vararg_kind(Kind k) {
  return k == Kind::Int || k == Kind::Float || k == Kind::Bool || k == Kind::String || k == Kind::Ptr;
}

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
    case Kind::Ptr:
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
    case Kind::Ptr: return ctype_text(m, t.ctype());
    case Kind::Box:
      if (t.box < m.boxes.size()) return "Box(" + m.boxes[t.box].name + ")";
      return "Box(#" + std::to_string(t.box) + ")";
  }
  return "?";
}

}  // namespace hako::mir
