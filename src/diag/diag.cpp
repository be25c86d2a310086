#include "diag/diag.h"

#include <algorithm>
#include <cstdio>

#include "diag/excerpt.h"

namespace hako::diag {

namespace {

const KindInfo kInfos[] = {
#define DIAG(name, code, severity, stable_name) {#name, code, Severity::severity, stable_name},
#include "diag/diagnostics.def"
#undef DIAG
};

const char* severity_word(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

}  // namespace

const KindInfo& info(Kind kind) { return kInfos[static_cast<size_t>(kind)]; }

const std::vector<Kind>& all_kinds() {
  static const std::vector<Kind> kinds = [] {
    std::vector<Kind> v;
    for (size_t i = 0; i < sizeof kInfos / sizeof kInfos[0]; ++i) v.push_back(static_cast<Kind>(i));
    return v;
  }();
  return kinds;
}

void DiagEngine::report(Kind kind, const base::SourceFile* file, base::Span span, std::string message) {
  report(kind, file, span, std::move(message), std::string());
}

void DiagEngine::report(Kind kind, const base::SourceFile* file, base::Span span, std::string message,
                        std::string help) {
  if (capped_) {
    last_kept_ = false;
    return;
  }
  bool is_error = info(kind).severity == Severity::Error;
  if (is_error && error_count_ >= max_errors_) {
    capped_ = true;
    diags_.push_back(Diagnostic{Kind::TooManyErrors, file, file ? file->path() : std::string(), span,
                                "Too many errors; stopping after " + std::to_string(max_errors_) + ".", "", {}, {}});
    ++error_count_;
    last_kept_ = false;
    return;
  }
  if (is_error) ++error_count_;
  std::string path = file ? file->path() : std::string();
  diags_.push_back(Diagnostic{kind, file, std::move(path), span, std::move(message), std::move(help), {}, {}});
  last_kept_ = true;
}

void DiagEngine::report(Kind kind, const base::SourceMap& sources, base::Span span, std::string message,
                        std::string help) {
  report(kind, sources.file_of(span.begin), span, std::move(message), std::move(help));
}

void DiagEngine::report_path(Kind kind, std::string_view path, std::string message) {
  if (info(kind).severity == Severity::Error) ++error_count_;
  diags_.push_back(Diagnostic{kind, nullptr, std::string(path), base::Span{}, std::move(message), "", {}, {}});
  last_kept_ = true;
}

void DiagEngine::note(const base::SourceMap& sources, base::Span span, std::string message) {
  if (!last_kept_) return;
  diags_.back().notes.push_back(Note{sources.file_of(span.begin), span, std::move(message)});
}

void DiagEngine::note(const base::SourceFile* file, base::Span span, std::string message) {
  if (!last_kept_) return;
  diags_.back().notes.push_back(Note{file, span, std::move(message)});
}

void DiagEngine::suggest(std::string message, std::optional<Replacement> replacement) {
  if (!last_kept_) return;
  diags_.back().suggestions.push_back(Suggestion{std::move(message), std::move(replacement)});
}

void DiagEngine::suggest_replacement(const base::SourceMap& sources, base::Span span, std::string text,
                                     std::string message) {
  suggest(std::move(message), Replacement{sources.file_of(span.begin), span, std::move(text)});
}

uint32_t DiagEngine::warning_count() const {
  uint32_t n = 0;
  for (const Diagnostic& d : diags_) n += info(d.kind).severity == Severity::Warning;
  return n;
}

void DiagEngine::sort_by_position() {
  std::stable_sort(diags_.begin(), diags_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    bool a_last = a.kind == Kind::TooManyErrors;
    bool b_last = b.kind == Kind::TooManyErrors;
    if (a_last != b_last) return b_last;
    if (a.path != b.path) return a.path < b.path;
    return a.span.begin < b.span.begin;
  });
}

namespace {

// Where a span lies in its file, as users count: line and column from 1,
// byte offsets from the start of the file.
struct Place {
  base::LineCol lc{0, 0};
  base::LineCol end_lc{0, 0};
  uint32_t begin = 0;
  uint32_t end = 0;
};

Place place_of(const base::SourceFile* file, base::Span span) {
  Place p;
  p.begin = span.begin;
  p.end = span.end;
  if (file) {
    p.lc = file->line_col(span.begin);
    p.end_lc = file->line_col(span.end);
    p.begin = span.begin >= file->base() ? span.begin - file->base() : 0;
    p.end = span.end >= file->base() ? span.end - file->base() : 0;
  }
  return p;
}

// `"line":..,"col":..,"span":{..}` of a place (no braces around).
void append_json_place(std::string& out, const Place& p) {
  out += "\"line\":" + std::to_string(p.lc.line) + ",\"col\":" + std::to_string(p.lc.col);
  out += ",\"span\":{\"begin\":" + std::to_string(p.begin) + ",\"end\":" + std::to_string(p.end) +
         ",\"end_line\":" + std::to_string(p.end_lc.line) + ",\"end_col\":" + std::to_string(p.end_lc.col) + "}";
}

// One entry of a child's `spans`: file, place and the replacement (or null).
void append_json_child_span(std::string& out, const base::SourceFile* file, base::Span span,
                            const std::string* replacement) {
  out += "{\"file\":";
  append_json_string(out, file ? file->path() : std::string());
  out += ",";
  append_json_place(out, place_of(file, span));
  out += ",\"suggested_replacement\":";
  if (replacement) {
    append_json_string(out, *replacement);
  } else {
    out += "null";
  }
  out += "}";
}

// ANSI escapes of the text format's colours (empty without colour).
struct Palette {
  std::string_view bold, error, warning, note, help, reset;
};

constexpr Palette kPlain{"", "", "", "", "", ""};
constexpr Palette kColour{"\x1b[1m", "\x1b[1;31m", "\x1b[1;33m", "\x1b[1;36m", "\x1b[1;32m", "\x1b[0m"};

std::string_view severity_colour(const Palette& c, Severity s) {
  switch (s) {
    case Severity::Error: return c.error;
    case Severity::Warning: return c.warning;
    case Severity::Note: return c.note;
  }
  return c.error;
}

// The source line of `span` and a caret line under it, the carets in `colour`.
void append_source_excerpt(std::string& out, const base::SourceFile* file, base::Span span, const Place& p,
                           std::string_view colour, const Palette& c) {
  if (!file || file->line_count() == 0) return;
  uint32_t line_start = file->line_start(p.lc.line);
  uint32_t begin = span.begin > line_start ? span.begin - line_start : 0;
  uint32_t end = span.end > line_start ? span.end - line_start : 0;
  out += source_excerpt(file->line_text(p.lc.line), begin, end, colour, c.reset);
}

}  // namespace

std::string render_one(const Diagnostic& d, Format format, bool colour) {
  const KindInfo& ki = info(d.kind);
  Place p = place_of(d.file, d.span);
  std::string out;
  if (format == Format::Json) {
    out += "{\"code\":";
    append_json_string(out, ki.code);
    out += ",\"name\":";
    append_json_string(out, ki.stable_name);
    out += ",\"severity\":";
    append_json_string(out, severity_word(ki.severity));
    out += ",\"message\":";
    append_json_string(out, d.message);
    out += ",\"help\":";
    if (d.help.empty()) {
      out += "null";
    } else {
      append_json_string(out, d.help);
    }
    out += ",\"file\":";
    append_json_string(out, d.path);
    out += ",";
    append_json_place(out, p);
    out += ",\"children\":[";
    bool first = true;
    for (const Note& n : d.notes) {
      if (!first) out += ",";
      first = false;
      out += "{\"level\":\"note\",\"message\":";
      append_json_string(out, n.message);
      out += ",\"spans\":[";
      append_json_child_span(out, n.file, n.span, nullptr);
      out += "]}";
    }
    for (const Suggestion& s : d.suggestions) {
      if (!first) out += ",";
      first = false;
      out += "{\"level\":\"help\",\"message\":";
      append_json_string(out, s.message);
      out += ",\"spans\":[";
      if (s.replacement) append_json_child_span(out, s.replacement->file, s.replacement->span, &s.replacement->text);
      out += "]}";
    }
    out += "]}\n";
    return out;
  }
  const Palette& c = colour ? kColour : kPlain;
  std::string_view sev = severity_colour(c, ki.severity);
  out += c.bold;
  out += d.path;
  if (d.file) out += ":" + std::to_string(p.lc.line) + ":" + std::to_string(p.lc.col);
  out += ": ";
  out += c.reset;
  out += sev;
  out += severity_word(ki.severity);
  out += "[";
  out += ki.code;
  if (std::string_view(ki.stable_name).substr(0, 4) == "ffi.") {
    out += " ";
    out += ki.stable_name;
  }
  out += "]";
  out += c.reset;
  out += c.bold;
  out += ": " + d.message;
  out += c.reset;
  out += "\n";
  append_source_excerpt(out, d.file, d.span, p, sev, c);
  std::string help_word = std::string("  ") + std::string(c.help) + "help" + std::string(c.reset) + ": ";
  if (!d.help.empty()) out += help_word + d.help + "\n";
  for (const Suggestion& s : d.suggestions) out += help_word + s.message + "\n";
  for (const Note& n : d.notes) {
    Place np = place_of(n.file, n.span);
    out += c.bold;
    out += n.file ? n.file->path() : d.path;
    if (n.file) out += ":" + std::to_string(np.lc.line) + ":" + std::to_string(np.lc.col);
    out += ": ";
    out += c.reset;
    out += std::string(c.note) + "note" + std::string(c.reset) + ": " + n.message + "\n";
    append_source_excerpt(out, n.file, n.span, np, c.note, c);
  }
  return out;
}

std::string DiagEngine::render(Format format, bool colour) const {
  std::string out;
  for (const Diagnostic& d : diags_) out += render_one(d, format, colour);
  return out;
}

}  // namespace hako::diag
