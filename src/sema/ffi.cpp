// Extern "C" declarations and calls (docs/ffi.md): the attributes, the C
// type whitelist and the ownership contracts of each declaration, the
// choice of declarations by target, and the checks and conversions of every
// argument at a call site. The C types go into CheckedProgram::ffi, the MIR
// tables lowering hands on.
#include <set>
#include <unordered_map>

#include "base/targets.h"
#include "sema/checker.h"

namespace hako::sema {

namespace {

using mir::CClass;
using mir::CTypeId;
using mir::CTypeKind;
using mir::Ownership;

// Common C spellings and the whitelist type to write instead.
const std::unordered_map<std::string, const char*>& c_spellings() {
  static const std::unordered_map<std::string, const char*> table = {
      {"int", "i32"},       {"unsigned", "u32"}, {"long", "i64"},    {"short", "i16"},  {"char", "i8 or u8"},
      {"double", "f64"},    {"float", "f32"},    {"size_t", "usize"}, {"ssize_t", "isize"},
      {"int8_t", "i8"},     {"int16_t", "i16"},  {"int32_t", "i32"}, {"int64_t", "i64"}, {"uint8_t", "u8"},
      {"uint16_t", "u16"},  {"uint32_t", "u32"}, {"uint64_t", "u64"}, {"String", "CStr"}, {"Int", "i64"},
      {"Float", "f64"},     {"Bool", "bool"},    {"string", "CStr"}, {"Void", "void"},
  };
  return table;
}

// The attribute names and where each may appear.
struct AttrRule {
  const char* name;
  bool block, function, param;
};
constexpr AttrRule kAttrRules[] = {
    {"link_name", false, true, false}, {"library", true, true, false}, {"ownership", false, true, true},
    {"callconv", true, true, false},   {"target", true, true, false},
};

}  // namespace

Checker::FfiAttrs Checker::ffi_attributes(const std::vector<ast::Attribute>& attrs, AttrSite site) {
  FfiAttrs out;
  for (const ast::Attribute& a : attrs) {
    const AttrRule* rule = nullptr;
    for (const AttrRule& r : kAttrRules)
      if (a.name == r.name) rule = &r;
    if (!rule) {
      report(diag::Kind::FfiUnknownAttribute, a.span, "Unknown attribute '@" + a.name + "'.",
             "extern declarations take @link_name, @library, @ownership, @callconv and @target");
      continue;
    }
    bool allowed = site == AttrSite::Block ? rule->block : site == AttrSite::Function ? rule->function : rule->param;
    if (!allowed) {
      report(diag::Kind::FfiUnknownAttribute, a.span,
             "'@" + a.name + "' does not apply to " +
                 (site == AttrSite::Block ? "an extern block" : site == AttrSite::Function ? "an extern function" : "a parameter") +
                 ".",
             "move it to the item it describes (docs/ffi.md, \"Attributes\")");
      continue;
    }
    const ast::Attribute** slot = a.name == "link_name" ? &out.link_name
                                  : a.name == "library" ? &out.library
                                  : a.name == "ownership" ? &out.ownership
                                  : a.name == "callconv" ? &out.callconv
                                                         : &out.target;
    if (*slot) {
      report(diag::Kind::FfiUnknownAttribute, a.span, "'@" + a.name + "' is given twice.", "keep one of them");
      continue;
    }
    if (a.value.empty() || a.value.find('\0') != std::string::npos) {
      report(diag::Kind::FfiUnknownAttribute, a.value_span, "'@" + a.name + "' needs a non-empty name.");
      continue;
    }
    *slot = &a;
  }
  return out;
}

std::optional<CTypeId> Checker::resolve_ctype(const ast::CTypeExpr& t, CTypeSite site) {
  mir::CType c;
  switch (t.form) {
    case ast::CTypeForm::Named: {
      std::optional<CTypeKind> k = mir::ctype_from_spelling(t.name);
      if (k == CTypeKind::Struct) k.reset();  // the row's spelling is no type name
      if (!k) {
        for (size_t i = 0; i < program_.structs.size(); ++i) {
          if (program_.structs[i].name != t.name) continue;
          if (!struct_ctypes_[i]) return std::nullopt;  // its declaration was reported
          return struct_ctypes_[i];
        }
        auto hint = c_spellings().find(t.name);
        report(diag::Kind::FfiUnknownType, t.span, "'" + t.name + "' is not a C type hakoc can pass.",
               hint != c_spellings().end()
                   ? std::string("write ") + hint->second
                   : "use one of the types of docs/ffi.md: i8 … u64, isize, usize, f32, f64, bool, void, CStr, "
                     "Handle, Ptr<T>, MutPtr<T>, NonNullPtr<T>, FnPtr<(…) -> R> or an extern struct");
        return std::nullopt;
      }
      CClass cls = mir::ctype_info(*k).cls;
      if (cls == CClass::Pointer || cls == CClass::FnPointer) {
        report(diag::Kind::FfiUnknownType, t.span, "'" + t.name + "' needs type arguments.",
               cls == CClass::Pointer ? "write " + t.name + "<u8> (or " + t.name + "<void> for an untyped pointer)"
                                      : std::string("write FnPtr<(i32) -> i32> with the callback's C signature"));
        return std::nullopt;
      }
      // Nothing could own what a callback gives back: once the Hako method has
      // returned, no one would free a String copy or release a Handle.
      if ((cls == CClass::CStr || cls == CClass::Handle) && site == CTypeSite::CallbackResult) {
        report(diag::Kind::FfiUnknownType, t.span, "A callback cannot return " + t.name + ".",
               "return a scalar or a pointer, and hand values to C through a call that takes them");
        return std::nullopt;
      }
      if (site == CTypeSite::StructField &&
          (cls == CClass::Void || cls == CClass::CStr || cls == CClass::Handle)) {
        report(diag::Kind::FfiUnknownType, t.span, "A struct field cannot be " + t.name + ".",
               "C stores numbers, bool, pointers and structs in a struct; pass strings and Hako values as "
               "arguments");
        return std::nullopt;
      }
      if (cls == CClass::Void && (site == CTypeSite::Param || site == CTypeSite::CallbackParam)) {
        report(diag::Kind::FfiUnknownType, t.span, "'void' is not a parameter type.",
               "remove the parameter: a C function without parameters is written 'fn f()'");
        return std::nullopt;
      }
      c.kind = *k;
      break;
    }
    case ast::CTypeForm::Ptr:
    case ast::CTypeForm::MutPtr:
    case ast::CTypeForm::NonNullPtr: {
      c.kind = t.form == ast::CTypeForm::Ptr      ? CTypeKind::Ptr
               : t.form == ast::CTypeForm::MutPtr ? CTypeKind::MutPtr
                                                  : CTypeKind::NonNullPtr;
      if (t.args.size() != 1) {
        report(diag::Kind::FfiUnknownType, t.span, "A pointer type takes exactly one pointee type.");
        return std::nullopt;
      }
      std::optional<CTypeId> pointee = resolve_ctype(t.args[0], CTypeSite::Pointee);
      if (!pointee) return std::nullopt;
      c.pointee = *pointee;
      break;
    }
    case ast::CTypeForm::FnPtr: {
      if (site == CTypeSite::StructField) {
        report(diag::Kind::FfiUnknownType, t.span, "A struct field cannot be an FnPtr yet.",
               "pass the callback as an argument of its own");
        return std::nullopt;
      }
      c.kind = CTypeKind::FnPtr;
      bool ok = true;
      for (const ast::CTypeExpr& p : t.args) {
        std::optional<CTypeId> id = resolve_ctype(p, CTypeSite::CallbackParam);
        if (id) c.params.push_back(*id);
        ok = ok && id.has_value();
      }
      if (t.ret.size() != 1) {
        report(diag::Kind::FfiUnknownType, t.span, "An FnPtr type needs one result type: FnPtr<(…) -> R>.");
        return std::nullopt;
      }
      std::optional<CTypeId> ret = resolve_ctype(t.ret[0], CTypeSite::CallbackResult);
      if (!ok || !ret) return std::nullopt;
      c.ret = *ret;
      break;
    }
  }
  return out_.ffi.intern_ctype(c);
}

std::optional<Ownership> Checker::ffi_ownership(const ast::Attribute* attr, CTypeId type, const std::string& what) {
  if (!attr) return Ownership::Borrowed;
  std::optional<Ownership> o = mir::ownership_from_name(attr->value);
  if (!o) {
    report(diag::Kind::FfiUnknownAttribute, attr->value_span,
           "'@ownership(\"" + attr->value + "\")' is not a contract.",
           "write @ownership(\"borrowed\"), @ownership(\"transferred\") or @ownership(\"reference\")");
    return std::nullopt;
  }
  CClass cls = mir::ctype_info(out_.ffi.ctypes[type].kind).cls;
  bool carries = cls == CClass::Handle || cls == CClass::CStr || cls == CClass::Pointer;
  if (*o != Ownership::Borrowed && !carries) {
    report(diag::Kind::FfiOwnershipMismatch, attr->span,
           std::string("@ownership(\"") + mir::ownership_name(*o) + "\") does not apply to " + what + " of type " +
               ctype(type) + ": only Handle, CStr and pointer values carry ownership.",
           "remove the @ownership attribute");
    return std::nullopt;
  }
  if (*o == Ownership::Reference && cls == CClass::CStr) {
    report(diag::Kind::FfiOwnershipMismatch, attr->span,
           std::string("@ownership(\"reference\") does not apply to ") + what +
               " of type CStr: the C string is a copy that lives only for the call.",
           "use \"borrowed\" (C reads it during the call) or \"transferred\" (C receives a malloc'ed copy it frees)");
    return std::nullopt;
  }
  return o;
}

void Checker::declare_struct_boxes() {
  for (const ast::ExternStruct& s : program_.structs) {
    if (find_box(s.name) != kNone || is_builtin_box_name(s.name)) {
      report(diag::Kind::DuplicateDefinition, s.name_span, "The name '" + s.name + "' is already a box.",
             "rename the struct or the box");
      continue;
    }
    BoxInfo box;
    box.name = s.name;
    std::set<std::string> names;
    for (const ast::ExternStructField& f : s.fields) {
      if (!names.insert(f.name).second) {
        report(diag::Kind::DuplicateDefinition, f.span,
               "The field '" + f.name + "' is declared twice in extern struct '" + s.name + "'.");
        continue;
      }
      box.fields.push_back(FieldInfo{f.name, false});
    }
    out_.boxes.push_back(std::move(box));
  }
}

void Checker::declare_struct_types() {
  // First every struct's C type without fields, so fields may point to any
  // of them (Ptr<Node> inside Node); then the fields; then the layouts.
  struct_ctypes_.assign(program_.structs.size(), std::nullopt);
  for (size_t i = 0; i < program_.structs.size(); ++i) {
    const ast::ExternStruct& s = program_.structs[i];
    uint32_t box = find_box(s.name);
    if (box == kNone || out_.boxes[box].decl != nullptr || out_.boxes[box].cstruct) continue;  // reported
    for (const ast::Attribute& a : s.attrs)
      report(diag::Kind::FfiUnknownAttribute, a.span, "'@" + a.name + "' does not apply to an extern struct.",
             "remove it");
    if (s.fields.empty()) {
      report(diag::Kind::FfiUnknownType, s.name_span, "The extern struct '" + s.name + "' has no fields.",
             "C structs need at least one field");
      continue;
    }
    mir::CType c;
    c.kind = CTypeKind::Struct;
    c.name = s.name;
    c.box = box;
    struct_ctypes_[i] = out_.ffi.intern_ctype(c);
    out_.boxes[box].cstruct = struct_ctypes_[i];
  }
  for (size_t i = 0; i < program_.structs.size(); ++i) {
    if (!struct_ctypes_[i]) continue;
    std::vector<mir::CField> fields;
    bool ok = true;
    std::set<std::string> names;
    for (const ast::ExternStructField& f : program_.structs[i].fields) {
      if (!names.insert(f.name).second) continue;
      std::optional<CTypeId> t = resolve_ctype(f.type, CTypeSite::StructField);
      ok = ok && t.has_value();
      if (t) fields.push_back(mir::CField{f.name, *t, 0});
    }
    out_.ffi.ctypes[*struct_ctypes_[i]].fields = std::move(fields);
    if (!ok) struct_ctypes_[i].reset();
  }
  std::vector<uint8_t> state(program_.structs.size(), 0);
  for (size_t i = 0; i < program_.structs.size(); ++i)
    if (struct_ctypes_[i] && !layout_struct_type(i, state)) struct_ctypes_[i].reset();
}

bool Checker::layout_struct_type(size_t s, std::vector<uint8_t>& state) {
  enum : uint8_t { kTodo, kActive, kDone };
  if (state[s] == kDone) return true;
  const ast::ExternStruct& decl = program_.structs[s];
  if (state[s] == kActive) {
    report(diag::Kind::FfiUnknownType, decl.name_span,
           "The extern struct '" + decl.name + "' contains itself by value.",
           "hold the inner one through a pointer, e.g. Ptr<" + decl.name + ">");
    return false;
  }
  state[s] = kActive;
  mir::CType& c = out_.ffi.ctypes[*struct_ctypes_[s]];
  for (const mir::CField& f : c.fields) {
    const mir::CType& ft = out_.ffi.ctypes[f.type];
    if (ft.kind != CTypeKind::Struct) continue;
    for (size_t k = 0; k < program_.structs.size(); ++k)
      if (struct_ctypes_[k] == f.type && !layout_struct_type(k, state)) {
        state[s] = kDone;
        return false;
      }
  }
  mir::layout_struct(out_.ffi.ctypes, out_.ffi.ctypes[*struct_ctypes_[s]]);
  state[s] = kDone;
  return true;
}

void Checker::declare_externs() {
  declare_struct_types();
  for (const ast::ExternBlock& block : program_.externs) {
    if (block.abi != "C")
      report(diag::Kind::FfiUnsupportedAbi, block.abi_span,
             "The ABI \"" + block.abi + "\" is not supported: extern blocks declare C functions.",
             "write extern \"C\" { ... } (a calling convention is chosen with @callconv)");
    FfiAttrs block_attrs = ffi_attributes(block.attrs, AttrSite::Block);
    for (const ast::ExternFn& fn : block.fns) declare_extern(block, block_attrs, fn);
  }
}

void Checker::declare_extern(const ast::ExternBlock& block, const FfiAttrs& block_attrs, const ast::ExternFn& fn) {
  (void)block;
  FfiAttrs attrs = ffi_attributes(fn.attrs, AttrSite::Function);
  bool ok = true;

  // The target: the item's overrides the block's, but may not contradict it.
  const ast::Attribute* target = attrs.target ? attrs.target : block_attrs.target;
  if (attrs.target && block_attrs.target && attrs.target->value != block_attrs.target->value) {
    report(diag::Kind::FfiTargetConflict, attrs.target->span,
           "'" + fn.name + "' is declared for " + attrs.target->value + " inside a block declared for " +
               block_attrs.target->value + ".",
           "remove one of the two @target attributes, or move the function to a block of its own");
    ok = false;
  }
  std::optional<base::TargetInfo> decl_target;
  if (target) {
    decl_target = base::find_target(target->value);
    if (!decl_target) {
      std::string list;
      for (const base::TargetInfo& t : base::targets()) list += (list.empty() ? "" : ", ") + std::string(t.triple);
      report(diag::Kind::FfiTargetConflict, target->value_span, "'" + target->value + "' is not a target hakoc supports.",
             "use one of " + list);
      ok = false;
    }
  }
  std::optional<base::TargetInfo> build = base::find_target(options_.target);
  const base::TargetInfo& for_target = decl_target ? *decl_target : *build;

  const ast::Attribute* callconv = attrs.callconv ? attrs.callconv : block_attrs.callconv;
  std::string cc = callconv ? callconv->value : "c";
  if (cc != "c" && cc != for_target.callconv) {
    report(diag::Kind::FfiUnsupportedAbi, callconv->value_span,
           "The calling convention '" + cc + "' is not available on " + for_target.triple + ".",
           std::string("write @callconv(\"c\") (or @callconv(\"") + for_target.callconv + "\"), the same convention)");
    ok = false;
  }

  mir::ExternFn x;
  x.name = fn.name;
  x.symbol = attrs.link_name ? attrs.link_name->value : fn.name;
  const ast::Attribute* library = attrs.library ? attrs.library : block_attrs.library;
  if (library) x.library = library->value;
  x.variadic = fn.variadic;
  base::Location at = *sources_.locate(fn.name_span.begin);
  x.loc = mir::Loc{at.line, at.col, at.file};

  for (const ast::ExternParam& p : fn.params) {
    FfiAttrs pattrs = ffi_attributes(p.attrs, AttrSite::Param);
    std::optional<CTypeId> type = resolve_ctype(p.type, CTypeSite::Param);
    if (!type) {
      ok = false;
      continue;
    }
    std::optional<Ownership> own = ffi_ownership(pattrs.ownership, *type, "parameter '" + p.name + "'");
    if (!own) ok = false;
    x.params.push_back(mir::ExternParam{p.name, *type, own.value_or(Ownership::Borrowed)});
  }
  std::optional<CTypeId> ret;
  if (fn.ret) {
    ret = resolve_ctype(*fn.ret, CTypeSite::Result);
  } else {
    mir::CType v;
    v.kind = CTypeKind::Void;
    ret = out_.ffi.intern_ctype(v);
  }
  if (!ret) {
    ok = false;
  } else {
    std::optional<Ownership> own = ffi_ownership(attrs.ownership, *ret, "the result");
    if (!own) ok = false;
    x.ret = *ret;
    x.ret_own = own.value_or(Ownership::Borrowed);
  }

  if (decl_target && decl_target->triple != options_.target) {
    other_target_externs_.emplace(fn.name, decl_target->triple);
    return;
  }
  if (std::optional<mir::ExternId> first = out_.ffi.find_extern(fn.name)) {
    report(diag::Kind::DuplicateDefinition, fn.name_span,
           "The extern function '" + fn.name + "' is declared twice for " + options_.target + ".",
           "remove one declaration, or give them different @target attributes");
    note(out_.extern_decls[first->index()].span, "first defined here");
    return;
  }
  if (!ok) return;
  out_.ffi.externs.push_back(std::move(x));
  out_.extern_decls.push_back(ExternDeclInfo{fn.span, cc, decl_target ? decl_target->triple : ""});
}

// --- call sites -------------------------------------------------------------------

KindOpt Checker::extern_call(const ast::Call& e, uint32_t ext, ExprInfo& info) {
  const mir::ExternFn& x = out_.ffi.externs[ext];
  if (unsafe_depth_ == 0)
    report(diag::Kind::FfiUnsafeRequired, e.name_span,
           "The extern function '" + e.name + "' can only be called inside 'unsafe { }'.",
           "wrap the call: unsafe { " + e.name + "(...) }");
  size_t given = e.args.size();
  if (given < x.params.size() || (!x.variadic && given > x.params.size())) {
    report(diag::Kind::ArityMismatch, e.name_span,
           "The extern function '" + e.name + "' takes " + (x.variadic ? "at least " : "") +
               std::to_string(x.params.size()) + " argument(s), not " + std::to_string(given) + ".");
    for (const auto& a : e.args) expr(*a);
    return mir::hako_tag_of_ctype(out_.ffi, x.ret, mir::CSide::Result);
  }
  for (size_t k = 0; k < given; ++k) {
    if (k < x.params.size()) {
      extern_arg(x, k, *e.args[k]);
    } else {
      extern_vararg(x, k, *e.args[k]);
    }
  }
  info.res = ResKind::ExternCall;
  info.ext = ext;
  return mir::hako_tag_of_ctype(out_.ffi, x.ret, mir::CSide::Result);
}

bool Checker::callback_arg(const mir::ExternFn& x, size_t k, const ast::Expr& arg) {
  if (arg.kind != ast::ExprKind::FieldGet) return false;
  const auto& fg = arg.as<ast::FieldGet>();
  if (fg.object->kind != ast::ExprKind::NameRef || lookup_local(fg.object->as<ast::NameRef>().name) != kNone)
    return false;
  uint32_t box = find_box(fg.object->as<ast::NameRef>().name);
  if (box == kNone) return false;
  const mir::CType& sig = out_.ffi.ctypes[x.params[k].type];
  uint32_t arity = static_cast<uint32_t>(sig.params.size());
  ExprInfo& info = out_.exprs[arg.id];
  info.kind = mir::Tag::pointer(x.params[k].type);
  if (!out_.boxes[box].is_static) {
    report(diag::Kind::FfiCallbackMismatch, arg.span,
           "'" + out_.boxes[box].name + "' is not a static box: a callback must be a method of a static box.");
    return true;
  }
  uint32_t f = find_method(box, fg.field, arity);
  if (f == kNone) {
    report(diag::Kind::FfiCallbackMismatch, fg.field_span,
           "'" + out_.boxes[box].name + "' has no method '" + fg.field + "' taking " + std::to_string(arity) +
               " argument(s), as parameter '" + x.params[k].name + "' of '" + x.name + "' (" + ctype(x.params[k].type) +
               ") requires.");
    return true;
  }
  info.res = ResKind::CallbackRef;
  info.func = f;
  // C passes the Hako values of its argument types.
  const FuncInfo& fn = out_.funcs[f];
  for (size_t j = 0; j < arity; ++j)
    join_local(fn.params[j], mir::hako_tag_of_ctype(out_.ffi, sig.params[j], mir::CSide::Result));
  std::optional<Tag> want = mir::hako_tag_of_ctype(out_.ffi, sig.ret, mir::CSide::Argument);
  // A callback that returns only null where C expects a nullable pointer
  // gives C a null pointer, as null passes for a pointer argument: its
  // result is widened to a Handle, which both trampolines unbox (Void is
  // NULL). Every other kind mismatch is reported below.
  if (want && want->kind == Kind::Ptr && out_.ffi.ctypes[sig.ret].kind != CTypeKind::NonNullPtr &&
      ret_kinds_[f] && ret_kinds_[f]->kind == Kind::Void)
    join_ret(f, Tag::of(Kind::Handle));
  if (recording_) {
    KindOpt got = ret_kinds_[f];
    if (want && want->kind != Kind::Void && got && *got != *want && got->kind != Kind::Handle &&
        !(got->kind == Kind::Int && want->kind == Kind::Float))
      report(diag::Kind::FfiCallbackMismatch, fg.field_span,
             "'" + out_.boxes[box].name + "." + fg.field + "' returns " + name(got) + ", but the callback must return " +
                 ctype(sig.ret) + " (" + name(*want) + ").");
  }
  return true;
}

void Checker::extern_arg(const mir::ExternFn& x, size_t k, const ast::Expr& arg) {
  const mir::ExternParam& p = x.params[k];
  const mir::CType& c = out_.ffi.ctypes[p.type];
  Tag want = *mir::hako_tag_of_ctype(out_.ffi, p.type, mir::CSide::Argument);
  if (c.kind == CTypeKind::FnPtr && callback_arg(x, k, arg)) return;
  KindOpt got = expr(arg);
  if (!got) return;
  ExprInfo& info = out_.exprs[arg.id];
  // An argument that is always Void may sit in code that never runs (`if s !=
  // null { strlen(s) }`): a warning, and reached, the check a Void Handle gets.
  auto void_argument = [&] {
    report(diag::Kind::VoidConversion, arg.span,
           "Argument '" + p.name + "' of '" + x.name + "' is " + ctype(p.type) +
               ", found a value that is always null (Void)" + kVoidReached);
    info.coercion = Coercion::Unbox;
    info.target = want;
  };
  auto mismatch = [&](diag::Kind kind, const std::string& help) {
    report(kind, arg.span,
           "Argument '" + p.name + "' of '" + x.name + "' is " + ctype(p.type) + ", which does not take " + name(got) +
               ".",
           help);
  };
  if (want.kind == Kind::Ptr) {
    if (got->kind == Kind::Ptr) {
      if (!mir::pointer_accepts(out_.ffi, want.ctype(), got->ctype()))
        mismatch(diag::Kind::FfiPointerMismatch,
                 "pass a pointer of type " + ctype(p.type) + ", or declare the parameter Ptr<void>");
      return;  // the pointer passes as it is
    }
    if (got->kind == Kind::Void) {
      if (c.kind == CTypeKind::NonNullPtr) {
        void_argument();
        return;
      }
      info.coercion = Coercion::NullPtr;
      info.target = want;
      return;
    }
    if (got->kind == Kind::Handle) {
      info.coercion = Coercion::Unbox;
      info.target = want;
      return;
    }
    mismatch(c.kind == CTypeKind::FnPtr ? diag::Kind::FfiCallbackMismatch : diag::Kind::FfiArgumentKind,
             c.kind == CTypeKind::FnPtr ? "pass a static box method, e.g. Sorter.compare"
                                        : "pass a pointer a C function returned, or null");
    return;
  }
  if (*got == want) return;
  if (want.kind == Kind::Handle) {
    info.coercion = Coercion::Box;
    info.target = want;
    return;
  }
  if (got->kind == Kind::Handle) {
    info.coercion = Coercion::Unbox;
    info.target = want;
    return;
  }
  if (got->kind == Kind::Int && want.kind == Kind::Float) {
    info.coercion = Coercion::IntToFloat;
    info.target = want;
    return;
  }
  if (got->kind == Kind::Void) {
    void_argument();
    return;
  }
  std::string help = "pass " + name(want);
  if (want.kind == Kind::String) help = "pass a String (convert with \"\" + value)";
  mismatch(diag::Kind::FfiArgumentKind, help);
}

void Checker::extern_vararg(const mir::ExternFn& x, size_t k, const ast::Expr& arg) {
  KindOpt got = expr(arg);
  if (!got || mir::is_vararg_kind(got->kind)) return;
  report(diag::Kind::FfiArgumentKind, arg.span,
         "Variadic argument " + std::to_string(k + 1) + " of '" + x.name + "' is " + name(got) +
             "; variadic arguments must be Int, Float, Bool, String or a pointer, known when compiling.",
         got->kind == Kind::Handle ? "give it a kind first: new IntegerBox(x), new FloatBox(x) or new StringBox(x) "
                                     "(checked when the program runs)"
                                   : "pass one of those kinds");
}

}  // namespace hako::sema
