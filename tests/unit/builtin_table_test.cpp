// The built-in method table (runtime/include/reml_builtin_methods.def) and
// its consumers: sema's static resolution, the runtime's dynamic dispatch,
// the method ids of the runtime (also used by the VM) and of codegen, and
// docs/abi.md, which is rendered from the table and must match it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>
#include <string>
#include <vector>

#include "codegen/module_glue.h"
#include "mir/mir.h"
#include "reml_runtime.h"
#include "sema/builtins.h"

namespace hako {
namespace {

using mir::Kind;
using mir::Tag;

constexpr const char* kNames[] = {
#define BUILTIN_NAME(id, name) name,
#include "reml_builtin_methods.def"
};

// A value of each receiver kind, for the runtime's choice of row.
reml_handle_t value_of(Kind k) {
  static const char* const field_names[] = {"x"};
  static const reml_box_type_t types[] = {{"Plain", 1, field_names, 0, nullptr, 0, nullptr, nullptr}};
  switch (k) {
    case Kind::Void: return REML_VOID;
    case Kind::Int: return reml_box_i64(7);
    case Kind::Float: return reml_box_f64(1.5);
    case Kind::Bool: return reml_box_bool(1);
    case Kind::String: return reml_h_from_ptr(reml_str_new("s", 1));
    case Kind::Array: return reml_h_from_ptr(reml_array_new());
    case Kind::Map: return reml_h_from_ptr(reml_map_new());
    case Kind::Console: return reml_h_from_ptr(reml_console_new());
    case Kind::Box:
      reml_register_box_types(types, 1);
      return reml_h_from_ptr(reml_instance_new(0));
    case Kind::Weak: {
      // A WeakRef whose target has died is still a WeakRef receiver.
      reml_array_t* target = reml_array_new();
      const int64_t w = nyrt_weak_new(static_cast<int64_t>(reml_h_from_ptr(target)));
      dec_ref(target);
      return static_cast<reml_handle_t>(w);
    }
    case Kind::Ptr: {
      static int cell;
      static const reml_ptr_type_t type = {"Ptr<i32>", "i32", REML_PTR_CONST};
      return reml_ptr_box_new(&cell, &type);
    }
    case Kind::Handle: break;
  }
  ADD_FAILURE() << "no receiver value for this kind";
  return REML_VOID;
}

TEST(BuiltinTable, RuntimeDispatchPicksTheRowSemaPicksForHandles) {
  std::set<std::tuple<Kind, std::string, size_t>> groups;
  for (const sema::BuiltinMethod& m : sema::builtin_rows()) groups.insert({m.receiver, m.name, std::strlen(m.params)});
  ASSERT_GT(groups.size(), 50u);
  for (const auto& [kind, name, arity] : groups) {
    std::vector<sema::KindOpt> handles(arity, Tag::of(Kind::Handle));
    const sema::BuiltinMethod* m = sema::resolve_builtin(kind, name, handles);
    ASSERT_NE(m, nullptr) << name;
    reml_handle_t recv = value_of(kind);
    int32_t row = reml_builtin_row(recv, reml_builtin_method_id(name.c_str()), static_cast<int64_t>(arity));
    EXPECT_EQ(row, static_cast<int32_t>(m->row)) << sema::builtin_receiver_name(kind) << "." << name << "/" << arity;
    reml_h_release(recv);
  }
}

TEST(BuiltinTable, RuntimeHasNoRowSemaLacks) {
  reml_handle_t s = value_of(Kind::String);
  EXPECT_EQ(reml_builtin_row(s, REML_METHOD_PUSH, 1), -1);
  EXPECT_EQ(reml_builtin_row(s, REML_METHOD_SUBSTRING, 3), -1);
  EXPECT_EQ(reml_builtin_row(s, -1, 0), -1);
  reml_h_release(s);
}

TEST(BuiltinTable, MethodIdsAgreeAcrossRuntimeVmAndCodegen) {
  // The VM passes reml_builtin_method_id(name) (src/vm/translate_function.cpp);
  // native code passes codegen::builtin_method_id(name).
  ASSERT_EQ(std::size(kNames), static_cast<size_t>(REML_METHOD_COUNT));
  for (int32_t id = 0; id < REML_METHOD_COUNT; ++id) {
    EXPECT_EQ(reml_builtin_method_id(kNames[id]), id) << kNames[id];
    EXPECT_EQ(codegen::builtin_method_id(kNames[id]), id) << kNames[id];
  }
  EXPECT_EQ(reml_builtin_method_id("noSuchMethod"), -1);
  EXPECT_EQ(codegen::builtin_method_id("noSuchMethod"), -1);
  // Every name has a row, so no id is dead.
  for (const char* name : kNames) {
    bool used = false;
    for (const sema::BuiltinMethod& m : sema::builtin_rows()) used = used || std::strcmp(m.name, name) == 0;
    EXPECT_TRUE(used) << name;
  }
}

// The C symbol sema resolves `kind.name(args...)` to.
std::string resolved(Kind kind, const std::string& name, std::vector<Kind> args) {
  std::vector<sema::KindOpt> kinds;
  for (Kind k : args) kinds.push_back(Tag::of(k));
  const sema::BuiltinMethod* m = sema::resolve_builtin(kind, name, kinds);
  if (m == nullptr) return "<none>";
  if (!m->rt || m->impl == sema::BuiltinImpl::Op) return "<instruction>";
  return mir::rt_info(*m->rt).symbol;
}

TEST(BuiltinTable, TypedMapAndArrayEntries) {
  EXPECT_EQ(resolved(Kind::Map, "set", {Kind::Int, Kind::Int}), "nyash_map_set_h");
  EXPECT_EQ(resolved(Kind::Map, "set", {Kind::Handle, Kind::Handle}), "nyash_map_set_hh");
  EXPECT_EQ(resolved(Kind::Map, "set", {Kind::Int, Kind::String}), "nyash_map_set_ha");
  EXPECT_EQ(resolved(Kind::Map, "set", {Kind::Int, Kind::Handle}), "nyash_map_set_ha");
  EXPECT_EQ(resolved(Kind::Map, "set", {Kind::String, Kind::Int}), "nyash_map_set_ah");
  EXPECT_EQ(resolved(Kind::Map, "set", {Kind::Handle, Kind::Int}), "nyash_map_set_ah");
  EXPECT_EQ(resolved(Kind::Map, "set", {Kind::String, Kind::String}), "nyash_map_set_hh");
  EXPECT_EQ(resolved(Kind::Map, "get", {Kind::Int}), "nyash_map_get_h");
  EXPECT_EQ(resolved(Kind::Map, "get", {Kind::String}), "nyash_map_get_hh");
  EXPECT_EQ(resolved(Kind::Map, "get", {Kind::Handle}), "nyash_map_get_hh");
  EXPECT_EQ(resolved(Kind::Map, "has", {Kind::Int}), "nyash_map_has_h");
  EXPECT_EQ(resolved(Kind::Map, "has", {Kind::String}), "reml_map_has");
  EXPECT_EQ(resolved(Kind::Array, "push", {Kind::Int}), "reml_array_push_i");
  EXPECT_EQ(resolved(Kind::Array, "push", {Kind::String}), "reml_array_push");
  EXPECT_EQ(resolved(Kind::Array, "set", {Kind::Int, Kind::Int}), "reml_array_set_i");
  EXPECT_EQ(resolved(Kind::Array, "set", {Kind::Int, Kind::Float}), "reml_array_set");
  EXPECT_EQ(resolved(Kind::String, "substring", {Kind::Int}), "reml_str_substring_from");
  EXPECT_EQ(resolved(Kind::String, "concat", {Kind::String}), "<instruction>");
  EXPECT_EQ(resolved(Kind::String, "push", {Kind::Int}), "<none>");
}

TEST(BuiltinTable, MapGetHUnboxes) {
  reml_map_t* m = reml_map_new();
  nyash_map_set_h(m, 5, 123456789012345);
  reml_handle_t s = reml_h_from_ptr(reml_str_new("text", 4));
  nyash_map_set_ha(m, 6, s);
  reml_handle_t v = nyash_map_get_h(m, 5);
  int ok = -1;
  EXPECT_EQ(nyash_unbox_i64(v, &ok), 123456789012345);
  EXPECT_EQ(ok, 1);
  reml_handle_t t = nyash_map_get_h(m, 6);
  ok = -1;
  nyash_unbox_i64(t, &ok);
  EXPECT_EQ(ok, 0);
  reml_h_release(v);
  reml_h_release(t);
  reml_h_release(s);
  reml_h_release(reml_h_from_ptr(m));
}

// --- docs/abi.md ---------------------------------------------------------------

// A letter of runtime_calls.def as a C type.
std::string c_type(char letter) {
  switch (letter) {
    case 'I': return "int64_t";
    case 'F': return "double";
    case 'B': return "int64_t";
    case 'S': return "reml_string_t*";
    case 'H': return "reml_handle_t";
    case 'A': return "reml_array_t*";
    case 'M': return "reml_map_t*";
    case 'C': return "void*";
    case 'W': return "int64_t";  // the seed ABI's weak handle
    case '-': return "void";
  }
  ADD_FAILURE() << "letter " << letter;
  return "?";
}

std::string kind_list(const char* params) {
  std::string out;
  for (const char* p = params; *p != '\0'; ++p) {
    if (p != params) out += ", ";
    switch (*p) {
      case 'I': out += "Int"; break;
      case 'F': out += "Float"; break;
      case 'B': out += "Bool"; break;
      case 'S': out += "String"; break;
      case 'H': out += "any"; break;
      case 'K': out += "key"; break;
      case 'A': out += "ArrayBox"; break;
      case 'M': out += "MapBox"; break;
      default: ADD_FAILURE() << "letter " << *p;
    }
  }
  return out;
}

const char* result_kind(char r) {
  switch (r) {
    case 'I': return "Int";
    case 'F': return "Float";
    case 'B': return "Bool";
    case 'S': return "String";
    case 'H': return "any";
    case 'A': return "ArrayBox";
    case 'M': return "MapBox";
    case '-': return "Void";
  }
  return "?";
}

// The generated part of docs/abi.md: one line per row of the table.
std::string render_abi_table() {
  std::ostringstream out;
  out << "| receiver | method | arguments | result | compiled code | C signature | ownership |\n";
  out << "|---|---|---|---|---|---|---|\n";
  for (const sema::BuiltinMethod& m : sema::builtin_rows()) {
    out << "| " << sema::builtin_receiver_name(m.receiver) << " | " << m.name << " | " << kind_list(m.params)
        << " | " << result_kind(m.result) << " | ";
    std::string signature = "—";
    std::string ownership = "—";
    switch (m.impl) {
      case sema::BuiltinImpl::Identity: out << "the receiver itself"; break;
      case sema::BuiltinImpl::ToStr: out << "instruction `to_str`"; break;
      case sema::BuiltinImpl::Op: out << "instruction `" << mir::op_info(*m.op).mnemonic << "`"; break;
      case sema::BuiltinImpl::Runtime:
      case sema::BuiltinImpl::RuntimeArgs: out << "`" << mir::rt_info(*m.rt).symbol << "`"; break;
    }
    if (m.rt) {
      const mir::RtInfo& ri = mir::rt_info(*m.rt);
      // The seed ABI's WeakRef functions pass handles as int64_t (the same word).
      const bool seed_abi = std::string_view(ri.symbol).starts_with("nyrt_");
      signature = "`" + (seed_abi ? std::string("int64_t") : c_type(ri.result[0])) + " " + ri.symbol + "(";
      std::string params;
      for (const char* p = ri.params; *p != '\0'; ++p) params += (params.empty() ? "" : ", ") + c_type(*p);
      if (ri.takes_loc) params += (params.empty() ? "" : ", ") + std::string("const reml_loc_t*");
      signature += (params.empty() ? "void" : params) + ")`";
      char r = ri.result[0];
      bool owned = r == 'S' || r == 'H' || r == 'A' || r == 'M';
      ownership = owned ? "arguments borrowed; result owned" : "arguments borrowed";
      if (m.impl == sema::BuiltinImpl::Op) signature += " (run-time dispatch)";
    }
    out << " | " << signature << " | " << ownership << " |\n";
  }
  return out.str();
}

constexpr const char* kBegin = "<!-- BEGIN TABLE: generated from reml_builtin_methods.def; see tests/unit/builtin_table_test.cpp -->\n";
constexpr const char* kEnd = "<!-- END TABLE -->\n";

TEST(BuiltinTable, AbiDocMatchesTable) {
  const std::string path = std::string(HAKO_SOURCE_DIR) + "/docs/abi.md";
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::stringstream buf;
  buf << in.rdbuf();
  std::string doc = buf.str();
  size_t begin = doc.find(kBegin);
  size_t end = doc.find(kEnd);
  ASSERT_NE(begin, std::string::npos) << "docs/abi.md lacks the table's begin marker";
  ASSERT_NE(end, std::string::npos) << "docs/abi.md lacks the table's end marker";
  begin += std::strlen(kBegin);
  std::string expected = render_abi_table();
  if (const char* update = std::getenv("HAKO_UPDATE_ABI_DOC"); update != nullptr && std::strcmp(update, "1") == 0) {
    doc.replace(begin, end - begin, expected);
    std::ofstream(path) << doc;
    GTEST_SKIP() << "rewrote " << path;
  }
  EXPECT_EQ(doc.substr(begin, end - begin), expected)
      << "docs/abi.md is stale: rerun this test with HAKO_UPDATE_ABI_DOC=1 to regenerate its table";
}

}  // namespace
}  // namespace hako
