// Declarations: user boxes, their fields (or globals for static boxes) and
// their methods, and the entry point.
#include "sema/checker.h"

namespace hako::sema {

Checker::Checker(const ast::Program& program, const base::SourceFile& file, diag::DiagEngine& diags,
                 const CheckOptions& options)
    : program_(program), file_(file), diags_(diags), options_(options) {
  out_.target = options.target;
  out_.program = &program;
  out_.file = &file;
  out_.locals.resize(program.local_count);
  out_.exprs.resize(program.expr_count);
  local_kinds_.resize(program.local_count);
}

uint32_t Checker::find_box(const std::string& name) const {
  for (uint32_t i = 0; i < out_.boxes.size(); ++i)
    if (out_.boxes[i].name == name) return i;
  return kNone;
}

uint32_t Checker::find_method(uint32_t box, const std::string& name, uint32_t arity) const {
  for (uint32_t f : out_.boxes[box].methods)
    if (out_.funcs[f].decl->name == name && out_.funcs[f].params.size() == arity) return f;
  return kNone;
}

bool Checker::method_name_exists(uint32_t box, const std::string& name) const {
  for (uint32_t f : out_.boxes[box].methods)
    if (out_.funcs[f].decl->name == name) return true;
  return false;
}

uint32_t Checker::find_field(uint32_t box, const std::string& name) const {
  const auto& fields = out_.boxes[box].fields;
  for (uint32_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == name) return i;
  return kNone;
}

uint32_t Checker::find_global(uint32_t box, const std::string& name) const {
  for (uint32_t g : out_.boxes[box].globals)
    if (out_.globals[g].name == out_.boxes[box].name + "." + name) return g;
  return kNone;
}

bool is_builtin_box_name(const std::string& name) {
  static const char* const kBuiltinNames[] = {"ArrayBox", "MapBox", "ConsoleBox", "StringBox",
                                              "IntegerBox", "FloatBox", "BoolBox"};
  for (const char* n : kBuiltinNames)
    if (name == n) return true;
  return false;
}

void Checker::declare_boxes() {
  for (const ast::BoxDecl& decl : program_.boxes) {
    if (find_box(decl.name) != kNone) {
      report(diag::Kind::DuplicateDefinition, decl.name_span, "The box '" + decl.name + "' is defined twice.");
      continue;
    }
    if (is_builtin_box_name(decl.name)) {
      report(diag::Kind::DuplicateDefinition, decl.name_span,
            "The box '" + decl.name + "' is built in and cannot be redefined.");
      continue;
    }
    declare_box(decl);
  }
  declare_struct_boxes();
}

void Checker::declare_box(const ast::BoxDecl& decl) {
  uint32_t index = static_cast<uint32_t>(out_.boxes.size());
  out_.boxes.push_back(BoxInfo{});
  BoxInfo& box = out_.boxes.back();
  box.name = decl.name;
  box.is_static = decl.is_static;
  box.decl = &decl;

  std::set<std::string> field_names;
  for (const ast::FieldDecl& f : decl.fields) {
    if (!field_names.insert(f.name).second) {
      report(diag::Kind::DuplicateDefinition, f.span,
            "The field '" + f.name + "' is declared twice in box '" + decl.name + "'.");
      continue;
    }
    if (decl.is_static && f.is_weak)
      report(diag::Kind::NotSupportedYet, f.span,
            "A field of static box '" + decl.name + "' cannot be declared 'weak'; store a WeakRef ('weak x') in an "
            "ordinary field instead.");
    if (decl.is_static) {
      out_.globals.push_back(GlobalInfo{decl.name + "." + f.name});
      out_.boxes[index].globals.push_back(static_cast<uint32_t>(out_.globals.size() - 1));
    } else {
      out_.boxes[index].fields.push_back(FieldInfo{f.name, f.is_weak});
    }
  }

  for (const ast::MethodDecl& m : decl.methods) {
    uint32_t arity = static_cast<uint32_t>(m.params.size());
    if (find_method(index, m.name, arity) != kNone) {
      report(diag::Kind::DuplicateDefinition, m.name_span,
            "The method '" + m.name + "' with " + std::to_string(arity) + " parameter(s) is defined twice in box '" +
                decl.name + "'.");
      continue;
    }
    FuncInfo fn;
    fn.name = decl.name + "." + m.name + "/" + std::to_string(arity);
    fn.box = index;
    fn.has_me = !decl.is_static;
    fn.decl = &m;
    std::set<std::string> param_names;
    for (const ast::Param& p : m.params) {
      if (!param_names.insert(p.name).second)
        report(diag::Kind::DuplicateDefinition, p.span, "The parameter '" + p.name + "' is declared twice.");
      out_.locals[p.id].name = p.name;
      fn.params.push_back(p.id);
    }
    out_.funcs.push_back(std::move(fn));
    uint32_t fi = static_cast<uint32_t>(out_.funcs.size() - 1);
    out_.boxes[index].methods.push_back(fi);
    if (m.name == "toString" && arity == 0 && !decl.is_static) {
      out_.boxes[index].has_to_string = true;
      out_.boxes[index].to_string_func = fi;
    }
    if (m.name == "fini" && arity == 0 && !decl.is_static) out_.boxes[index].fini_func = fi;
  }
  ret_kinds_.resize(out_.funcs.size());
}

void Checker::find_main() {
  uint32_t main_box = find_box("Main");
  if (main_box == kNone) {
    report(diag::Kind::MissingMain, ast::Span{0, 0},
           "The program has no box 'Main' ('static box Main' or 'box Main') with a main() method.");
    return;
  }
  const BoxInfo& box = out_.boxes[main_box];
  const char* what = box.is_static ? "'static box Main'" : "'box Main'";
  for (uint32_t f : box.methods) {
    if (out_.funcs[f].decl->name != "main") continue;
    if (out_.funcs[f].params.size() > 1) {
      report(diag::Kind::MainSignature, out_.funcs[f].decl->name_span,
            "main takes no parameters or one (the ArrayBox of command-line arguments).");
      return;
    }
    out_.main_func = f;
    if (!box.is_static) {
      // main runs on `new Main()`: that needs a birth() taking nothing, or none at all.
      uint32_t birth = find_method(main_box, "birth", 0);
      if (birth == kNone && method_name_exists(main_box, "birth")) {
        report(diag::Kind::NoMatchingBirth, box.decl->name_span,
               "'box Main' is created without arguments to run main(), but it has no birth() taking 0 "
               "arguments.");
        return;
      }
      CheckedProgram::MainInstance inst;
      inst.box = main_box;
      if (birth != kNone) inst.birth = birth;
      out_.main_instance = inst;
    }
    return;
  }
  report(diag::Kind::MissingMain, box.decl->name_span, std::string(what) + " has no main() method.");
}

}  // namespace hako::sema
