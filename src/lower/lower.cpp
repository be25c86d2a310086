// The module: box types, globals and one function per checked method.
#include "lower/lower.h"

#include "lower/entry.h"
#include "lower/function_lowerer.h"

namespace hako::lower {

FunctionLowerer::FunctionLowerer(const CheckedProgram& program, mir::Module& module, uint32_t func)
    : program_(program), module_(module), func_(func), fn_(program.funcs[func]), f_(module.functions[func]), b_(f_) {}

void FunctionLowerer::lower() {
  std::vector<mir::Tag> params;
  if (fn_.has_me) params.push_back(mir::Tag::user_box(fn_.box));
  for (uint32_t p : fn_.params) params.push_back(program_.locals[p].kind);
  b_.set_params(params);
  BlockId entry = new_block();
  entry_ = entry;
  seal(entry);
  b_.set_block(entry);
  ValueId next{0};
  open_scope();  // the function body: parameters and its top-level bindings
  if (fn_.has_me) {
    me_ = next++;
    slot_of_value_[me_] = slot_for(mir::kNone, "me");
  }
  for (uint32_t p : fn_.params) {
    declare_local(p);
    write_var(p, entry, next);
    note_slot(p, next++);
  }
  begin_method_lifetime();
  if (fn_.decl->body.cleanup) register_fini(*fn_.decl->body.cleanup);
  for (const ast::StmtPtr& s : fn_.decl->body.stmts) stmt(*s);
  close_scope();
  if (!b_.terminated()) end_fini_method();
  finish_function();
  remove_trivial_phis();
  remove_dead_values();
  remove_dead_blocks();
  renumber_values();
}

mir::Module lower_program(const CheckedProgram& program) {
  mir::Module m;
  m.sources = program.sources->paths();
  for (const sema::BoxInfo& box : program.boxes) {
    mir::BoxType t;
    t.name = box.name;
    for (const sema::FieldInfo& f : box.fields) t.fields.push_back(mir::Field{f.name, f.is_weak});
    for (uint32_t fi : box.methods) {
      const sema::FuncInfo& fn = program.funcs[fi];
      if (fn.has_me) t.methods.push_back({fn.decl->name, static_cast<uint32_t>(fn.params.size()), mir::FuncId{fi}});
    }
    m.boxes.push_back(std::move(t));
  }
  for (const sema::GlobalInfo& g : program.globals) m.globals.push_back(mir::Global{g.name});
  m.ctypes = program.ffi.ctypes;
  m.externs = program.ffi.externs;
  m.functions.resize(program.funcs.size());
  for (uint32_t i = 0; i < program.funcs.size(); ++i) {
    mir::Function& f = m.functions[i];
    f.name = program.funcs[i].name;
    f.box = program.funcs[i].has_me ? program.funcs[i].box : mir::kNone;
    f.has_me = program.funcs[i].has_me;
    f.ret = program.funcs[i].ret;
  }
  for (uint32_t i = 0; i < program.funcs.size(); ++i) FunctionLowerer(program, m, i).lower();
  // kNone becomes kNoFunc
  m.entry = program.main_instance ? add_instance_entry(program, m) : mir::FuncId{program.main_func};
  return m;
}

}  // namespace hako::lower
