// The entry of an instance Main: `new Main()` then main on it.
#include "lower/entry.h"

#include "lower/function_lowerer.h"
#include "mir/builder.h"

namespace hako::lower {

using mir::Inst;
using mir::Op;
using mir::Tag;

mir::Loc source_loc(const sema::CheckedProgram& program, base::Span span) {
  base::Location at = *program.sources->locate(span.begin);
  return mir::Loc{at.line, at.col, at.file};
}

mir::FuncId add_instance_entry(const sema::CheckedProgram& program, mir::Module& m) {
  const sema::CheckedProgram::MainInstance& inst = *program.main_instance;
  const sema::FuncInfo& main = program.funcs[program.main_func];
  uint32_t arity = static_cast<uint32_t>(main.params.size());
  mir::Loc loc = source_loc(program, program.boxes[inst.box].decl->name_span);

  m.functions.emplace_back();
  mir::FuncId id{static_cast<uint32_t>(m.functions.size() - 1)};
  mir::Function& f = m.functions.back();
  f.name = mir::instance_entry_name(arity);
  f.ret = main.ret;
  mir::FunctionBuilder b(f);
  std::vector<Tag> params;
  for (uint32_t p : main.params) params.push_back(program.locals[p].kind);
  b.set_params(params);
  b.set_block(b.new_block());

  Inst make;
  make.op = Op::NewBox;
  make.ref = inst.box;
  make.tag = Tag::user_box(inst.box);
  make.loc = loc;
  mir::ValueId me = b.emit(std::move(make), true);
  if (inst.birth) {
    Inst birth;
    birth.op = Op::Call;
    birth.ref = *inst.birth;
    birth.args = {me};
    birth.tag = program.funcs[*inst.birth].ret;
    birth.loc = loc;
    bool has_result = birth.tag.kind != mir::Kind::Void;
    b.emit(std::move(birth), has_result);
  }
  Inst call;
  call.op = Op::Call;
  call.ref = program.main_func;
  call.args = {me};
  for (uint32_t i = 0; i < arity; ++i) call.args.push_back(mir::ValueId{i});
  call.tag = main.ret;
  call.loc = loc;
  if (main.ret.kind == mir::Kind::Void) {
    b.emit(std::move(call), false);
    b.ret(std::nullopt);
  } else {
    b.ret(b.emit(std::move(call), true));
  }
  return id;
}

}  // namespace hako::lower
