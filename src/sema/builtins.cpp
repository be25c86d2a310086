#include "sema/builtins.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <set>
#include <string_view>
#include <vector>

#include "reml_runtime.h"

namespace hako::sema {

namespace {

// --- compile-time checks of the table against runtime_calls.def ---------------

// One runtime_calls.def entry, as far as the built-in table refers to it.
struct RtEntry {
  std::string_view symbol;
  mir::RtFn fn;
  std::string_view result;
  std::string_view params;
};

constexpr RtEntry kRtEntries[] = {
#define RT(name, symbol, result, params, flags) {#symbol, mir::RtFn::name, result, params},
#include "mir/runtime_calls.def"
#undef RT
};

constexpr const char* kNames[] = {
#define BUILTIN_NAME(id, name) name,
#include "reml_builtin_methods.def"
};
static_assert(std::size(kNames) == REML_METHOD_COUNT);

// The letter of a receiver kind as the first parameter of a C function.
consteval char receiver_letter(Kind k) {
  switch (k) {
    case Kind::Int: return 'I';
    case Kind::Float: return 'F';
    case Kind::Bool: return 'B';
    case Kind::String: return 'S';
    case Kind::Array: return 'A';
    case Kind::Map: return 'M';
    case Kind::Console: return 'C';
    case Kind::Weak: return 'W';
    case Kind::Ptr: break;  // Ptr rows are toString() only, which passes no receiver
    case Kind::Void:
    case Kind::Box:
    case Kind::Handle: return 'H';
  }
  throw "receiver kind without a letter";
}

// The runtime_calls.def entry of `symbol`, proved to take `recv` (0: no
// receiver) then `params` (K read as H) and to return `result`. A failure
// is a compile error: the call is a constant expression that throws.
consteval mir::RtFn checked_rt(std::string_view symbol, char recv, std::string_view params, char result) {
  for (const RtEntry& e : kRtEntries) {
    if (e.symbol != symbol) continue;
    size_t n = e.params.size();
    size_t first = recv != 0 ? 1 : 0;
    if (n != first + params.size()) throw "reml_builtin_methods.def: arity differs from runtime_calls.def";
    if (recv != 0 && e.params[0] != recv) throw "reml_builtin_methods.def: receiver differs from runtime_calls.def";
    for (size_t i = 0; i < params.size(); ++i) {
      char want = params[i] == 'K' ? 'H' : params[i];
      if (e.params[first + i] != want) throw "reml_builtin_methods.def: parameter differs from runtime_calls.def";
    }
    if (e.result.size() != 1 || e.result[0] != result)
      throw "reml_builtin_methods.def: result differs from runtime_calls.def";
    return e.fn;
  }
  throw "reml_builtin_methods.def: C function missing from runtime_calls.def";
}

consteval BuiltinMethod call_row(uint32_t row, Kind k, int32_t id, const char* params, char result,
                                 std::string_view symbol) {
  return {row, k, id, kNames[id], params, result, BuiltinImpl::Runtime,
          checked_rt(symbol, receiver_letter(k), params, result), std::nullopt};
}

consteval BuiltinMethod args_row(uint32_t row, Kind k, int32_t id, const char* params, char result,
                                 std::string_view symbol) {
  return {row, k, id, kNames[id], params, result, BuiltinImpl::RuntimeArgs, checked_rt(symbol, 0, params, result),
          std::nullopt};
}

consteval BuiltinMethod op_row(uint32_t row, Kind k, int32_t id, const char* params, char result, mir::Op op,
                               std::string_view symbol) {
  return {row, k, id, kNames[id], params, result, BuiltinImpl::Op,
          checked_rt(symbol, receiver_letter(k), params, result), op};
}

consteval BuiltinMethod plain_row(uint32_t row, Kind k, int32_t id, const char* params, char result,
                                  BuiltinImpl impl) {
  return {row, k, id, kNames[id], params, result, impl, std::nullopt, std::nullopt};
}

// Every row, numbered by builtin_rows().
constexpr BuiltinMethod kMethods[] = {
#define BUILTIN_CALL(recv, id, params, result, symbol) \
  call_row(0, Kind::recv, REML_METHOD_##id, params, result, #symbol),
#define BUILTIN_CALL_ARGS(recv, id, params, result, symbol) \
  args_row(0, Kind::recv, REML_METHOD_##id, params, result, #symbol),
#define BUILTIN_OP(recv, id, params, result, op, symbol) \
  op_row(0, Kind::recv, REML_METHOD_##id, params, result, mir::Op::op, #symbol),
#define BUILTIN_SELF(recv, id, params, result) \
  plain_row(0, Kind::recv, REML_METHOD_##id, params, result, BuiltinImpl::Identity),
#define BUILTIN_TO_STRING(recv, id, params, result) \
  plain_row(0, Kind::recv, REML_METHOD_##id, params, result, BuiltinImpl::ToStr),
#include "reml_builtin_methods.def"
};

// -1 when the argument cannot take the parameter's kind, else its score.
int fit(const KindOpt& arg, char param) {
  if (!arg) return 0;
  std::optional<Coercion> c = conversion(*arg, tag_of_builtin_letter(param));
  if (!c) return -1;
  return *c == Coercion::None ? 2 : 1;
}

}  // namespace

std::span<const BuiltinMethod> builtin_rows() {
  // 0 may have started above zero in this file: renumber from 0.
  static const std::vector<BuiltinMethod> rows = [] {
    std::vector<BuiltinMethod> v(std::begin(kMethods), std::end(kMethods));
    for (uint32_t i = 0; i < v.size(); ++i) v[i].row = i;
    return v;
  }();
  return rows;
}

const BuiltinMethod* find_builtin(Kind kind, const std::string& name, uint32_t arity) {
  for (const BuiltinMethod& m : builtin_rows())
    if (m.receiver == kind && name == m.name && std::strlen(m.params) == arity) return &m;
  return nullptr;
}

const BuiltinMethod* resolve_builtin(Kind kind, const std::string& name, std::span<const KindOpt> args) {
  const BuiltinMethod* best = nullptr;
  int best_score = -1;
  for (const BuiltinMethod& m : builtin_rows()) {
    if (m.receiver != kind || name != m.name || std::strlen(m.params) != args.size()) continue;
    int score = 0;
    for (size_t i = 0; i < args.size() && score >= 0; ++i) {
      int f = fit(args[i], m.params[i]);
      score = f < 0 ? -1 : score + f;
    }
    if (score > best_score) {
      best = &m;
      best_score = score;
    }
  }
  if (best == nullptr) return find_builtin(kind, name, static_cast<uint32_t>(args.size()));
  return best;
}

bool builtin_name_exists(Kind kind, const std::string& name) {
  for (const BuiltinMethod& m : builtin_rows())
    if (m.receiver == kind && name == m.name) return true;
  return false;
}

std::vector<std::string> builtin_method_names(Kind kind) {
  std::vector<std::string> out;
  for (const BuiltinMethod& m : builtin_rows())
    if (m.receiver == kind && std::find(out.begin(), out.end(), m.name) == out.end()) out.push_back(m.name);
  return out;
}

std::string builtin_arities(Kind kind, const std::string& name) {
  std::set<size_t> arities;
  for (const BuiltinMethod& m : builtin_rows())
    if (m.receiver == kind && name == m.name) arities.insert(std::strlen(m.params));
  return arities_text(arities);
}

std::string arities_text(const std::set<size_t>& arities) {
  std::string out;
  for (auto it = arities.begin(); it != arities.end(); ++it) {
    if (it != arities.begin()) out += std::next(it) == arities.end() ? " or " : ", ";
    out += std::to_string(*it);
  }
  bool one = arities.size() == 1 && *arities.begin() == 1;
  return out + (one ? " argument" : " arguments");
}

const char* builtin_receiver_name(Kind kind) {
  switch (kind) {
    case Kind::Void: return "null";
    case Kind::Int: return "IntegerBox";
    case Kind::Float: return "FloatBox";
    case Kind::Bool: return "BoolBox";
    case Kind::String: return "StringBox";
    case Kind::Array: return "ArrayBox";
    case Kind::Map: return "MapBox";
    case Kind::Console: return "ConsoleBox";
    case Kind::Weak: return "WeakRef";
    case Kind::Ptr: return "Ptr";
    case Kind::Box: return "Box";
    case Kind::Handle: return "Handle";
  }
  return "?";
}

}  // namespace hako::sema
