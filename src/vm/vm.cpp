// vm::run: runtime set-up, main's argument, the exit status of its result.
#include "vm/vm.h"

#include "vm/engine.h"
#include "vm/machine.h"

namespace hako::vm {

namespace {

// main(args): an ArrayBox of the argument strings, as the parameter's tag
// (a Box(ArrayBox) pointer and a Handle have the same bits).
Slot main_argument(mir::Tag param, const std::vector<std::string>& args) {
  if (param.kind != mir::Kind::Array && param.kind != mir::Kind::Handle)
    reml_internal_error("main's parameter must be an ArrayBox or a Handle");
  reml_array_t* array = reml_array_new();
  for (const std::string& a : args) {
    reml_string_t* s = reml_str_new(a.data(), static_cast<int64_t>(a.size()));
    reml_array_push(array, reml_h_from_ptr(s));  // the array retains it
    dec_ref(s);
  }
  Slot slot;
  slot.p = array;
  return slot;
}

// The process exit status of main's result (§2).
int exit_status(mir::Tag ret, Slot value) {
  switch (ret.kind) {
    case mir::Kind::Int: return static_cast<int>(((value.i % 256) + 256) % 256);
    case mir::Kind::Bool: return value.i != 0 ? 1 : 0;
    case mir::Kind::Handle: return reml_exit_status_of(value.u);
    default: return 0;
  }
}

}  // namespace

int run_with_options(const mir::Module& m, const std::vector<std::string>& args, const TranslateOptions& options,
                     const std::vector<void*>& externs) {
  reml_runtime_init();
  if (m.entry >= m.functions.size()) reml_internal_error("the module has no entry function");
  Machine vm(m, options, externs);
  const FuncCode& main = vm.prog->funcs[m.entry];
  Slot argv[1];
  size_t argc = 0;
  if (main.params.size() == 1) {
    argv[argc++] = main_argument(main.params[0], args);
  } else if (!main.params.empty()) {
    reml_internal_error("main takes at most one parameter");
  }
  const Slot result = vm.invoke(main, argv, argc);
  const int status = exit_status(main.ret, result);
  // main's argument and result are references like any other, released
  // when something watches what is left (docs/runtime.md, reml_finish).
  if (reml_exit_teardown_needed()) {
    if (argc == 1) reml_h_release(argv[0].u);
    if (mir::is_object_kind(main.ret.kind) || main.ret.kind == mir::Kind::Handle) reml_h_release(result.u);
  }
  return reml_finish(vm.globals.data(), static_cast<uint32_t>(vm.globals.size()), status);
}

int run(const mir::Module& m, const std::vector<std::string>& args, const std::vector<void*>& externs) {
  return run_with_options(m, args, TranslateOptions{}, externs);
}


}  // namespace hako::vm
