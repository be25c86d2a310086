// MIR → bytecode for a whole module: function headers, every function's
// body (translate_function.cpp), user-box method tables; then linking to
// handler addresses, and a disassembler for tests and HAKO_VM_DUMP.
#include "vm/translate.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include "vm/ffi_tables.h"
#include "vm/translate_facts.h"
#include "vm/translate_function.h"

namespace hako::vm {

namespace {

const char* const kOpNames[] = {
#define OP(name, doc) #name,
#include "vm/ops.def"
#undef OP
};

}  // namespace

const char* opcode_name(OpCode op) {
  auto i = static_cast<uint32_t>(op);
  return i < kOpCount ? kOpNames[i] : "?";
}

Program::Program() : ffi(std::make_unique<FfiTables>()) {}

Program::~Program() = default;

const reml_ptr_type_t* Program::ptr_type(mir::Tag t) const {
  const reml_ptr_type_t* desc = t.kind == mir::Kind::Ptr ? ptr_types.find(t.ctype()) : nullptr;
  if (desc == nullptr) reml_internal_error("a pointer value without a pointer type (C type #%u)", t.box);
  return desc;
}

const FuncCode* Program::find_method(uint32_t box, uint64_t key) const {
  if (box >= methods.size()) return nullptr;
  auto it = methods[box].find(key);
  return it == methods[box].end() ? nullptr : it->second;
}

std::unique_ptr<Program> translate(const mir::Module& m, const TranslateOptions& options) {
  auto p = std::make_unique<Program>();
  p->sources = m.sources;
  p->entry = m.entry;
  p->null_text = reml_str_new_immortal("null", 4);
  p->strings.assign(m.strings.size(), nullptr);
  p->ptr_types = PtrTypes(m);
  p->ffi->structs = StructTypes(m, p->ptr_types);
  build_extern_bridges(m, *p->ffi);

  // Method names compare by canonical id: the first pool index of the text.
  std::unordered_map<std::string, uint32_t> ids;
  for (uint32_t i = 0; i < m.strings.size(); ++i) {
    p->pool_cstr.push_back(m.strings[i].c_str());
    p->canonical.push_back(ids.emplace(m.strings[i], i).first->second);
  }
  auto name_id = [&](const std::string& s) {
    return ids.emplace(s, static_cast<uint32_t>(m.strings.size() + ids.size())).first->second;
  };

  p->funcs.resize(m.functions.size());
  for (size_t i = 0; i < m.functions.size(); ++i) {
    const mir::Function& f = m.functions[i];
    FuncCode& fc = p->funcs[i];
    fc.name = f.name;
    fc.params = f.params;
    fc.ret = f.ret;
    fc.box = f.box;
    fc.frame_size = f.value_count() + 2;  // + parallel-copy scratch + result sink
    p->max_frame = std::max(p->max_frame, fc.frame_size + kFrameHeader);
  }
  for (mir::FuncId i{0}; i < m.functions.size(); ++i) translate_function(m, *p, options, i);

  p->methods.resize(m.boxes.size());
  p->to_string.assign(m.boxes.size(), nullptr);
  for (uint32_t b = 0; b < m.boxes.size(); ++b) {
    for (const mir::BoxType::Method& meth : m.boxes[b].methods) {
      if (meth.func >= m.functions.size() || m.functions[meth.func].params.size() != meth.arity + 1)
        malformed(m.boxes[b].name, "method entry does not match its function");
      const FuncCode* fc = &p->funcs[meth.func];
      p->methods[b].emplace(Program::method_key(name_id(meth.name), meth.arity), fc);
      if (meth.name == "toString" && meth.arity == 0) p->to_string[b] = fc;
    }
  }
  return p;
}

void link(Program& p, const void* const* labels) {
  for (FuncCode& f : p.funcs) f.entry = f.code.data();
  for (FuncCode& f : p.funcs) {
    for (size_t k = 0; k < f.code.size(); ++k) {
      Code& c = f.code[k];
      c.op = labels[static_cast<size_t>(f.ops[k])];
      // A direct call needs only the callee's first instruction.
      if (f.ops[k] == OpCode::Call || f.ops[k] == OpCode::Call1) c.x.p = static_cast<const FuncCode*>(c.x.p)->entry;
    }
  }
}

std::string disassemble(const Program& p, const FuncCode& f) {
  (void)p;
  std::string out = f.name + ":\n";
  char line[160];
  for (size_t k = 0; k < f.code.size(); ++k) {
    const Code& c = f.code[k];
    std::snprintf(line, sizeof line, "%4zu  %-11s a=%u b=%u c=%u d=%d x=%lld\n", k, opcode_name(f.ops[k]), c.a, c.b,
                  c.c, static_cast<int32_t>(c.d), static_cast<long long>(c.x.i));
    out += line;
  }
  return out;
}

}  // namespace hako::vm
