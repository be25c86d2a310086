// Diagnostics: the registry of kinds (diagnostics.def) and the engine that
// collects and renders them. Every stage reports through a DiagEngine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/source.h"
#include "base/source_map.h"

namespace hako::diag {

enum class Kind : uint16_t {
#define DIAG(name, code, severity, stable_name) name,
#include "diag/diagnostics.def"
#undef DIAG
};

enum class Severity : uint8_t { Error, Warning, Note };

// The static facts of a kind, from diagnostics.def.
struct KindInfo {
  const char* name;         // the enumerator
  const char* code;         // "E0601"
  Severity severity;
  const char* stable_name;  // "ffi.contract.symbol_missing"
};

const KindInfo& info(Kind kind);
// Every registered kind, in table order.
const std::vector<Kind>& all_kinds();

// A secondary place a diagnostic points to ("'add' declared here").
struct Note {
  const base::SourceFile* file = nullptr;
  base::Span span;  // global offsets, as Diagnostic::span
  std::string message;
};

// Text that replaces `span` (empty for an insertion) of `file`, as a tool
// may apply it without asking.
struct Replacement {
  const base::SourceFile* file = nullptr;
  base::Span span;
  std::string text;
};

// A proposed fix: what to do, and the edit when it is mechanical.
struct Suggestion {
  std::string message;
  std::optional<Replacement> replacement;
};

// One reported diagnostic. `file` may be null for input errors with no file.
struct Diagnostic {
  Kind kind;
  const base::SourceFile* file = nullptr;
  std::string path;  // used when `file` is null
  base::Span span;
  std::string message;
  std::string help;  // a suggested fix, or empty
  std::vector<Note> notes;
  std::vector<Suggestion> suggestions;
};

enum class Format : uint8_t { Text, Json };

// Collects diagnostics in order of report. After `max_errors` errors further
// reports are dropped and one TooManyErrors diagnostic is added.
class DiagEngine {
 public:
  explicit DiagEngine(uint32_t max_errors = 100) : max_errors_(max_errors) {}

  void report(Kind kind, const base::SourceFile* file, base::Span span, std::string message);
  // The same with a suggested fix, shown as `help:` (and `help` in JSON).
  void report(Kind kind, const base::SourceFile* file, base::Span span, std::string message, std::string help);
  // The same at a span of a program of several files: the file is the one
  // whose range holds span.begin.
  void report(Kind kind, const base::SourceMap& sources, base::Span span, std::string message,
              std::string help = std::string());
  // A diagnostic without a source position (e.g. an unreadable file).
  void report_path(Kind kind, std::string_view path, std::string message);

  // Attach a note or a suggestion to the diagnostic reported last; nothing
  // when that report was dropped (after TooManyErrors), so callers need not
  // know whether it was kept.
  void note(const base::SourceMap& sources, base::Span span, std::string message);
  // The same for a span of `file` (a stage that sees one file).
  void note(const base::SourceFile* file, base::Span span, std::string message);
  void suggest(std::string message, std::optional<Replacement> replacement = std::nullopt);
  // A suggestion that replaces `span` (a span of `sources`) by `text`.
  void suggest_replacement(const base::SourceMap& sources, base::Span span, std::string text, std::string message);

  bool has_errors() const { return error_count_ > 0; }
  uint32_t error_count() const { return error_count_; }
  // How many warnings were reported (for -W error).
  uint32_t warning_count() const;
  const std::vector<Diagnostic>& diagnostics() const { return diags_; }

  // Orders the diagnostics by file, then position (stable; the lexer
  // reports before the parser, but readers expect source order). A
  // TooManyErrors report stays last.
  void sort_by_position();

  // Renders every diagnostic: text is `file:line:col: error[CODE]: message`
  // (`error[CODE stable.name]` for the FFI contract kinds, whose names users
  // search for), the source line, a caret and any `help:` line, then each
  // suggestion as a `help:` line and each note as `file:line:col: note:`
  // with its source line and caret; JSON is one object per line with
  // `code`, `name`, `severity`, `message`, `help` (or null), file and span
  // (line, column and byte offsets within the file, not the global offsets
  // of base/source_map.h) and `children`: the notes (`level` "note") and
  // suggestions (`level` "help"), each with `message` and `spans`, a span
  // of a suggestion carrying its `suggested_replacement`. With `colour`,
  // the text format marks the parts with ANSI escapes (as a terminal shows
  // them); JSON never has them.
  std::string render(Format format, bool colour = false) const;

 private:
  uint32_t max_errors_;
  uint32_t error_count_ = 0;
  bool capped_ = false;
  // Whether the last report() was kept (notes attach to it only then).
  bool last_kept_ = false;
  std::vector<Diagnostic> diags_;
};

// One diagnostic rendered as DiagEngine::render renders each.
std::string render_one(const Diagnostic& d, Format format, bool colour = false);

}  // namespace hako::diag
