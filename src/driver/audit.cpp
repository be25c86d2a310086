#include "driver/audit.h"

#include <ctime>

#include "diag/diag.h"
#include "mir/text_util.h"

namespace hako::driver {

namespace {

using mir::CClass;
using mir::Ownership;

void field(std::string& out, const char* key, const std::string& value) {
  mir::text::json_string(out, key);
  out += ':';
  mir::text::json_string(out, value);
}

// How the C result becomes a Hako value.
const char* wrap_of(const mir::Module& m, mir::CTypeId t) {
  switch (mir::ctype_info(m.ctypes[t].kind).cls) {
    case CClass::Int:
    case CClass::UInt: return "int";
    case CClass::Float: return "float";
    case CClass::Bool: return "bool";
    case CClass::Void: return "void";
    case CClass::CStr: return "string";
    case CClass::Handle: return "handle";
    case CClass::Pointer:
    case CClass::FnPointer: return "pointer";
    case CClass::Struct: return "struct";
  }
  return "void";
}

// Who releases what the result hands over: nothing; free() after the copy
// (a transferred CStr); Hako's release of the adopted reference (a
// transferred Handle); the program, through a C function of its own (a
// transferred pointer).
const char* release_of(const mir::Module& m, const mir::ExternFn& x) {
  if (x.ret_own != Ownership::Transferred) return "none";
  switch (mir::ctype_info(m.ctypes[x.ret].kind).cls) {
    case CClass::CStr: return "free";
    case CClass::Handle: return "hako_release";
    case CClass::Pointer: return "manual";
    default: return "none";
  }
}

// The bridge's contract as one word: transferred if anything moves across,
// else reference if C may keep something, else borrowed.
Ownership summary_ownership(const mir::ExternFn& x) {
  bool transferred = x.ret_own == Ownership::Transferred, reference = x.ret_own == Ownership::Reference;
  for (const mir::ExternParam& p : x.params) {
    transferred = transferred || p.own == Ownership::Transferred;
    reference = reference || p.own == Ownership::Reference;
  }
  return transferred ? Ownership::Transferred : reference ? Ownership::Reference : Ownership::Borrowed;
}

// The declaration's place: its file (of a program of several files) when
// the declaration is known, else the input file at the MIR location.
void span_json(std::string& out, const base::SourceMap& sources, const sema::ExternDeclInfo* decl,
               const mir::Loc& loc) {
  out += "\"span\":{";
  const base::SourceFile& file = decl ? *sources.file_of(decl->span.begin) : sources.file(0);
  field(out, "file", file.path());
  base::LineCol begin{loc.line, loc.col}, end{loc.line, loc.col};
  if (decl) {
    begin = file.line_col(decl->span.begin);
    end = file.line_col(decl->span.end);
  }
  out += ",\"line\":" + std::to_string(begin.line) + ",\"col\":" + std::to_string(begin.col) +
         ",\"end_line\":" + std::to_string(end.line) + ",\"end_col\":" + std::to_string(end.col) + "}";
}

}  // namespace

std::string audit_records(const mir::Module& m, std::span<const sema::ExternDeclInfo> decls,
                          std::span<const ResolvedExtern> resolved, const base::SourceMap& sources,
                          const base::TargetInfo& target, const std::string& timestamp) {
  std::string out;
  for (size_t i = 0; i < m.externs.size(); ++i) {
    const mir::ExternFn& x = m.externs[i];
    const sema::ExternDeclInfo* decl = decls.size() == m.externs.size() ? &decls[i] : nullptr;
    const ResolvedExtern* found = resolved.size() == m.externs.size() ? &resolved[i] : nullptr;
    const char* status = !found ? "unchecked" : found->problems.empty() ? "ok" : "error";

    out += '{';
    field(out, "timestamp", timestamp);
    out += ',';
    field(out, "category", "ffi.bridge");
    out += ',';
    span_json(out, sources, decl, x.loc);
    out += ",\"metadata\":{\"bridge\":{";
    field(out, "status", status);
    for (auto [key, value] : {std::pair{"target", target.triple}, {"arch", target.arch}, {"abi", target.abi},
                              {"platform", target.platform}}) {
      out += ',';
      field(out, key, value);
    }
    out += ',';
    field(out, "callconv", decl ? decl->callconv : "c");
    out += ',';
    field(out, "ownership", mir::ownership_name(summary_ownership(x)));
    out += ',';
    field(out, "extern_symbol", x.name);
    out += ',';
    field(out, "link_name", x.symbol);
    out += ",\"library\":";
    if (x.library.empty()) {
      out += "null";
    } else {
      mir::text::json_string(out, x.library);
    }
    out += ",\"variadic\":";
    out += x.variadic ? "true" : "false";
    out += ",\"params\":[";
    for (size_t k = 0; k < x.params.size(); ++k) {
      out += k ? ",{" : "{";
      field(out, "name", x.params[k].name);
      out += ',';
      field(out, "ctype", mir::ctype_text(m, x.params[k].type));
      out += ',';
      field(out, "ownership", mir::ownership_name(x.params[k].own));
      out += '}';
    }
    out += "],\"return\":{";
    field(out, "ctype", mir::ctype_text(m, x.ret));
    out += ',';
    field(out, "ownership", mir::ownership_name(x.ret_own));
    out += ',';
    field(out, "wrap", wrap_of(m, x.ret));
    out += ',';
    field(out, "release", release_of(m, x));
    out += "},\"diagnostics\":[";
    if (found) {
      for (size_t k = 0; k < found->problems.size(); ++k) {
        const diag::KindInfo& info = diag::info(found->problems[k]);
        out += k ? ",{" : "{";
        field(out, "code", info.code);
        out += ',';
        field(out, "name", info.stable_name);
        out += '}';
      }
    }
    out += "]}}}\n";
  }
  return out;
}

std::string utc_timestamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace hako::driver
