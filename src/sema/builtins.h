// The built-in methods (runtime/include/reml_builtin_methods.def) as the
// compiler sees them: lookup and static resolution by argument kinds.
#pragma once

#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "sema/checked.h"
#include "sema/kinds.h"

namespace hako::sema {

// Every row of the table, in file order (row i has BuiltinMethod::row == i).
std::span<const BuiltinMethod> builtin_rows();

// The first row of `name` with `arity` parameters on receivers of `kind`
// (user boxes use Kind::Box), or null.
const BuiltinMethod* find_builtin(Kind kind, const std::string& name, uint32_t arity);

// The row of `name` on `kind` whose parameters best fit arguments of kinds
// `args` (nullopt: not known yet): per argument an exact kind scores 2 and a
// conversion 1, a row some argument cannot convert to is out, the first row
// wins ties. When no row fits, the first row of that arity (its conversions
// then report the error); null when `name` has no row of that arity.
const BuiltinMethod* resolve_builtin(Kind kind, const std::string& name, std::span<const KindOpt> args);

// Whether any arity of `name` exists on `kind` (to tell arity errors from
// unknown methods).
bool builtin_name_exists(Kind kind, const std::string& name);

// The distinct method names on `kind`, in table order (for "did you mean").
std::vector<std::string> builtin_method_names(Kind kind);

// What `name` on `kind` takes, for arity messages: "1 argument",
// "1 or 2 arguments".
std::string builtin_arities(Kind kind, const std::string& name);

// "2 arguments", "1 argument", "0 or 2 arguments" for a non-empty set.
std::string arities_text(const std::set<size_t>& arities);

// The name users see for a receiver kind in messages and the resolution
// trace: StringBox, IntegerBox, ArrayBox, MapBox, ... (Box: "Box").
const char* builtin_receiver_name(Kind kind);

}  // namespace hako::sema
