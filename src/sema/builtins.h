// Lookup in builtin_methods.def: the built-in methods of statically known
// receiver kinds.
#pragma once

#include <cstdint>
#include <string>

#include "sema/checked.h"

namespace hako::sema {

// The method `name` with `arity` arguments on receivers of `kind` (user boxes
// use Kind::Box), or null.
const BuiltinMethod* find_builtin(Kind kind, const std::string& name, uint32_t arity);
// Whether any arity of `name` exists on `kind` (to tell arity errors from
// unknown methods).
bool builtin_name_exists(Kind kind, const std::string& name);

}  // namespace hako::sema
