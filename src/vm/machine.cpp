#include "vm/machine.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "reml_runtime.h"
#include "vm/ffi_tables.h"

namespace hako::vm {

namespace {

// The runtime keeps pointers into the registered box table for the rest of
// the process, so each table lives until the next registration replaces it.
struct BoxTable {
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> field_names;
  std::vector<std::vector<const char*>> field_ptrs;
  std::vector<std::vector<uint8_t>> field_weak;
  std::vector<std::vector<const char*>> method_names;  // into the module's BoxType::methods
  std::vector<std::vector<uint32_t>> method_arities;
  std::vector<reml_box_type_t> types;
};
BoxTable* g_box_table = nullptr;

void register_boxes(const mir::Module& m) {
  auto* t = new BoxTable;
  const size_t n = m.boxes.size();
  t->names.resize(n);
  t->field_names.resize(n);
  t->field_ptrs.resize(n);
  t->field_weak.resize(n);
  t->method_names.resize(n);
  t->method_arities.resize(n);
  t->types.resize(n);
  for (size_t b = 0; b < n; ++b) {
    const mir::BoxType& box = m.boxes[b];
    t->names[b] = box.name;
    for (const mir::Field& f : box.fields) t->field_names[b].push_back(f.name);
    for (const std::string& f : t->field_names[b]) t->field_ptrs[b].push_back(f.c_str());
    for (const mir::Field& f : box.fields) t->field_weak[b].push_back(f.is_weak ? 1 : 0);
    bool has_to_string = false;
    for (const mir::BoxType::Method& meth : box.methods)
      has_to_string = has_to_string || (meth.name == "toString" && meth.arity == 0);
    for (const mir::BoxType::Method& meth : box.methods) {
      t->method_names[b].push_back(meth.name.c_str());
      t->method_arities[b].push_back(meth.arity);
    }
    t->types[b] = reml_box_type_t{t->names[b].c_str(),
                                  static_cast<uint32_t>(box.fields.size()),
                                  t->field_ptrs[b].data(),
                                  has_to_string ? 1 : 0,
                                  t->field_weak[b].data(),
                                  static_cast<uint32_t>(box.methods.size()),
                                  t->method_names[b].data(),
                                  t->method_arities[b].data()};
  }
  reml_register_box_types(t->types.data(), static_cast<uint32_t>(n));
  delete g_box_table;
  g_box_table = t;
}

// The machine whose run loop is active, for the to-string hook.
Machine* g_active = nullptr;

// Text of a toString() result `v` of tag `t` (to_str semantics), which the
// call handed over owned; the text is owned too (the runtime releases it).
reml_string_t* result_text(mir::Tag t, Slot v) {
  switch (t.kind) {
    case mir::Kind::String: return static_cast<reml_string_t*>(v.p);
    case mir::Kind::Int: return reml_i64_to_string(v.i);
    case mir::Kind::Float: return reml_f64_to_string(v.f);
    case mir::Kind::Bool: return reml_bool_to_string(v.i);
    case mir::Kind::Void: return reml_str_new("null", 4);
    case mir::Kind::Ptr: return reml_ptr_to_string(v.p);
    default: {
      reml_string_t* text = reml_h_to_string(v.u);
      reml_h_release(v.u);
      return text;
    }
  }
}

// Runs the user's toString/0 of `self` re-entrantly on the register stack.
reml_string_t* to_string_hook(reml_handle_t self) {
  Machine* vm = g_active;
  if (vm == nullptr) reml_internal_error("to-string hook called with no active VM");
  // A toString that prints itself, say.
  vm->check_c_stack();
  const uint32_t tag = reml_h_tag(self);
  const uint32_t box = tag - REML_TAG_USER_BASE;
  if (tag < REML_TAG_USER_BASE || box >= vm->prog->to_string.size() || vm->prog->to_string[box] == nullptr)
    reml_internal_error("to-string hook called for a value without toString()");
  const FuncCode& f = *vm->prog->to_string[box];
  Slot arg;
  arg.u = self;
  return result_text(f.ret, vm->invoke(f, &arg, 1));
}

// How much C stack nested to-string runs may use: half the stack the
// runtime reports (8 MiB when unknown or unlimited, at most 64 MiB).
size_t c_stack_budget() {
  constexpr size_t kDefault = size_t{8} << 20;
  const int64_t reported = reml_stack_size();
  size_t limit = reported <= 0 || reported == INT64_MAX ? kDefault : static_cast<size_t>(reported);
  if (limit > (size_t{64} << 20)) limit = size_t{64} << 20;
  return limit / 2;
}

}  // namespace

Machine::Machine(const mir::Module& m, const TranslateOptions& options, const std::vector<void*>& externs) {
  prog = translate(m, options);
  bind_externs(*prog->ffi, externs);
  attach_callbacks(*prog->ffi, this);
  if (const char* dump = std::getenv("HAKO_VM_DUMP"); dump != nullptr && *dump != '\0' && *dump != '0') {
    reml_flush_stdout();
    for (const FuncCode& f : prog->funcs) std::fputs(disassemble(*prog, f).c_str(), stderr);
  }
  const void* const* handlers = handler_table();
  link(*prog, handlers);
  halt.op = handlers[static_cast<size_t>(OpCode::Halt)];
  if (size_t{prog->max_frame} + 64 > kStackSlots) reml_stack_overflow(nullptr);
  stack.reset(new Slot[kStackSlots]);
  stack_base = stack.get();
  // Slack past the limit covers an invocation's result slot and header.
  stack_limit = stack_base + (kStackSlots - prog->max_frame - 8);
  globals.assign(m.globals.size(), REML_VOID);
  register_boxes(m);
  c_stack_start = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  c_stack_budget = vm::c_stack_budget();
  g_active = this;
  reml_set_to_string_hook(&to_string_hook);
}

Machine::~Machine() {
  if (g_active == this) {
    g_active = nullptr;
    reml_set_to_string_hook(nullptr);
  }
}

Slot Machine::invoke(const FuncCode& f, const Slot* args, size_t n) {
  Slot* const saved_fp = cur_fp;
  const Code* const saved_pc = cur_pc;
  // Above every register of the innermost frame, whichever function it is.
  Slot* const base = saved_fp != nullptr ? saved_fp + prog->max_frame : stack_base;
  Slot* const fp = base + 1 + kFrameHeader;
  if (base > stack_limit) stack_overflow(current_loc());
  for (size_t k = 0; k < n; ++k) fp[k] = args[k];
  fp[kHdrRetPc].cp = &halt;
  fp[kHdrCallerFp].p = base;
  fp[kHdrMeta].u = 0;  // the result lands in base[0]
  execute(*this, f.entry, fp);
  cur_fp = saved_fp;
  cur_pc = saved_pc;
  return base[0];
}

void Machine::stack_overflow(const reml_loc_t* loc) { reml_stack_overflow(loc); }

const reml_loc_t* Machine::current_loc() const { return cur_pc != nullptr ? &prog->locs[cur_pc->d] : nullptr; }

void Machine::check_c_stack() const {
  // Nested runs are the only C recursion of the VM; bound it before the
  // native stack runs out.
  const auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (here < c_stack_start && c_stack_start - here > c_stack_budget) stack_overflow(current_loc());
}


}  // namespace hako::vm
