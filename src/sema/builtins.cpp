#include "sema/builtins.h"

#include <cstring>

namespace hako::sema {

namespace {

const BuiltinMethod kMethods[] = {
#define METHOD(recv, name, params, result, impl, rt, op) \
  {Kind::recv, name, params, result, BuiltinImpl::impl, mir::RtFn::rt, mir::Op::op},
#include "sema/builtin_methods.def"
#undef METHOD
};

}  // namespace

const BuiltinMethod* find_builtin(Kind kind, const std::string& name, uint32_t arity) {
  for (const BuiltinMethod& m : kMethods)
    if (m.receiver == kind && name == m.name && std::strlen(m.params) == arity) return &m;
  return nullptr;
}

bool builtin_name_exists(Kind kind, const std::string& name) {
  for (const BuiltinMethod& m : kMethods)
    if (m.receiver == kind && name == m.name) return true;
  return false;
}

}  // namespace hako::sema
