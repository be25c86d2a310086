// Declarations: user boxes, their fields (or globals for static boxes) and
// their methods, and the entry point.
#include "sema/checker.h"

namespace hako::sema {

Checker::Checker(const ast::Program& program, const base::SourceMap& sources, diag::DiagEngine& diags,
                 const CheckOptions& options)
    : program_(program), sources_(sources), diags_(diags), options_(options) {
  out_.target = options.target;
  out_.program = &program;
  out_.sources = &sources;
  aliases_.resize(sources.size());
  out_.locals.resize(program.local_count);
  out_.exprs.resize(program.expr_count);
  local_kinds_.resize(program.local_count);
  local_read_.resize(program.local_count);
}

uint32_t Checker::find_box(const std::string& name) const {
  for (uint32_t i = 0; i < out_.boxes.size(); ++i)
    if (out_.boxes[i].name == name) return i;
  // Inside a method, the aliases of the file the method is written in.
  if (cur_box_ != kNone && out_.boxes[cur_box_].decl != nullptr) {
    const base::SourceFile* file = sources_.file_of(out_.boxes[cur_box_].decl->span.begin);
    if (file != nullptr && file->id() < aliases_.size()) {
      const auto& in_file = aliases_[file->id()];
      if (auto it = in_file.find(name); it != in_file.end()) return it->second;
    }
  }
  return kNone;
}

std::string Checker::where(uint32_t offset) const {
  const base::SourceFile* file = sources_.file_of(offset);
  if (file == nullptr) return "?";
  return file->path() + ":" + std::to_string(file->line_col(offset).line);
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

const std::vector<std::string>& builtin_box_names() {
  static const std::vector<std::string> names = {"ArrayBox", "MapBox", "ConsoleBox", "StringBox",
                                                 "IntegerBox", "FloatBox", "BoolBox"};
  return names;
}

bool is_builtin_box_name(const std::string& name) {
  for (const std::string& n : builtin_box_names())
    if (name == n) return true;
  return false;
}

void Checker::declare_boxes() {
  for (const ast::BoxDecl& decl : program_.boxes) {
    if (uint32_t first = find_box(decl.name); first != kNone) {
      // Across files the first definition is the one loaded first: an
      // imported file's before its importer's.
      const ast::BoxDecl* earlier = out_.boxes[first].decl;
      report(diag::Kind::DuplicateDefinition, decl.name_span,
             "The box '" + decl.name + "' is defined twice; the first definition is at " +
                 (earlier ? where(earlier->name_span.begin) : std::string("?")) + ".");
      if (earlier) note(earlier->name_span, "first defined here");
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

void Checker::declare_aliases() {
  for (const ast::UsingDecl& u : program_.usings) {
    if (!u.alias || !u.file) continue;
    const base::SourceFile* importer = sources_.file_of(u.span.begin);
    const base::SourceFile& target = sources_.file(*u.file);
    // The alias stands for the imported file's static box, so the file must
    // have exactly one.
    std::vector<uint32_t> statics;
    for (uint32_t b = 0; b < out_.boxes.size(); ++b) {
      const ast::BoxDecl* d = out_.boxes[b].decl;
      if (d != nullptr && out_.boxes[b].is_static && target.contains(d->name_span.begin)) statics.push_back(b);
    }
    if (statics.size() != 1) {
      std::string found = "none";
      if (!statics.empty()) {
        found.clear();
        for (uint32_t b : statics) found += (found.empty() ? "'" : ", '") + out_.boxes[b].name + "'";
      }
      report(diag::Kind::UsingAliasTarget, u.alias_span,
             "'as " + *u.alias + "' names the static box of '" + target.path() +
                 "', but that file must declare exactly one static box (it declares " + found + ").");
      continue;
    }
    uint32_t box = statics[0];
    if (*u.alias != out_.boxes[box].name) {
      if (uint32_t other = find_box(*u.alias); other != kNone) {
        report(diag::Kind::UsingAliasConflict, u.alias_span,
               "The alias '" + *u.alias + "' is already the name of the box defined at " +
                   where(out_.boxes[other].decl ? out_.boxes[other].decl->name_span.begin : 0) + ".");
        continue;
      }
      if (is_builtin_box_name(*u.alias)) {
        report(diag::Kind::UsingAliasConflict, u.alias_span,
               "The alias '" + *u.alias + "' is the name of a built-in box.");
        continue;
      }
    }
    auto [it, fresh] = aliases_[importer->id()].emplace(*u.alias, box);
    if (!fresh && it->second != box)
      report(diag::Kind::UsingAliasConflict, u.alias_span,
             "The alias '" + *u.alias + "' already stands for the static box '" + out_.boxes[it->second].name +
                 "' in this file.");
  }
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
      for (const ast::FieldDecl& g : decl.fields)
        if (g.name == f.name) {
          note(g.span, "first defined here");
          break;
        }
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
    if (uint32_t first = find_method(index, m.name, arity); first != kNone) {
      report(diag::Kind::DuplicateDefinition, m.name_span,
            "The method '" + m.name + "' with " + std::to_string(arity) + " parameter(s) is defined twice in box '" +
                decl.name + "'.");
      note(out_.funcs[first].decl->name_span, "first defined here");
      continue;
    }
    FuncInfo fn;
    fn.name = decl.name + "." + m.name + "/" + std::to_string(arity);
    fn.box = index;
    fn.has_me = !decl.is_static;
    fn.decl = &m;
    std::set<std::string> param_names;
    for (const ast::Param& p : m.params) {
      if (!param_names.insert(p.name).second) {
        report(diag::Kind::DuplicateDefinition, p.span, "The parameter '" + p.name + "' is declared twice.");
        for (const ast::Param& q : m.params)
          if (q.name == p.name) {
            note(q.span, "first defined here");
            break;
          }
      }
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
