// The MIR text parser: a line-oriented recursive-descent reader of what
// printer.cpp writes (grammar in docs/mir.md). Syntax errors and unknown
// boxes, fields, globals, runtime symbols and mnemonics stop the parse at the
// first one; references that may legally come later in the text (functions,
// blocks, values) are collected and resolved at the end, each failure
// reported separately.
#include "mir/text_parser.h"

#include <charconv>
#include <cmath>
#include <unordered_map>

#include "mir/operands.h"
#include "mir/text_lexer.h"
#include "mir/text_util.h"

namespace hako::mir {

namespace {

using text::Tok;
using text::Token;

// Thrown after a fatal error has been reported; caught in parse_module.
struct Abort {};

std::string describe(const Token& t) {
  switch (t.kind) {
    case Tok::Ident:
    case Tok::Number:
    case Tok::Punct:
    case Tok::Arrow: return "'" + t.text + "'";
    case Tok::Value: return "'%" + t.text + "'";
    case Tok::String: return "a string literal";
    case Tok::Newline: return "end of line";
    case Tok::End: return "end of input";
  }
  return "a token";
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

base::Span join(base::Span a, base::Span b) { return base::Span{a.begin, b.end}; }

class Parser {
 public:
  Parser(const base::SourceFile& file, diag::DiagEngine& diags, TextPositions& positions)
      : file_(file), diags_(diags), pos_of_(positions) {}

  std::optional<Module> run() {
    uint32_t errors_before = diags_.error_count();
    text::LexError lex_error;
    if (!text::lex(file_.text(), toks_, lex_error)) {
      diags_.report(diag::Kind::MirSyntax, &file_, lex_error.span, lex_error.message);
      return std::nullopt;
    }
    try {
      module();
    } catch (const Abort&) {
      return std::nullopt;
    }
    if (diags_.error_count() != errors_before) return std::nullopt;
    return std::move(m_);
  }

 private:
  // Where a function name was used, to be resolved once every `fn` is known.
  struct FuncUse {
    enum class Site : uint8_t { Entry, Method, Call } site;
    std::string name;
    base::Span span;
    uint32_t a = 0, b = 0, c = 0;  // box/method, or function/block/instruction
  };

  // Per-function bookkeeping for references checked when the function ends.
  struct FunctionState {
    std::vector<bool> defined;
    std::vector<std::pair<ValueId, base::Span>> value_uses;
    std::vector<std::pair<BlockId, base::Span>> block_uses;
  };

  // --- tokens ---------------------------------------------------------------------

  const Token& peek(size_t ahead = 0) const { return toks_[std::min(pos_ + ahead, toks_.size() - 1)]; }
  const Token& take() {
    const Token& t = toks_[pos_];
    if (pos_ + 1 < toks_.size()) ++pos_;
    return t;
  }
  bool at_punct(char c, size_t ahead = 0) const {
    const Token& t = peek(ahead);
    return t.kind == Tok::Punct && t.text[0] == c;
  }
  bool at_word(std::string_view w, size_t ahead = 0) const {
    const Token& t = peek(ahead);
    return t.kind == Tok::Ident && t.text == w;
  }

  [[noreturn]] void fail(diag::Kind kind, base::Span span, std::string message) {
    diags_.report(kind, &file_, span, std::move(message));
    throw Abort{};
  }
  [[noreturn]] void expected(const Token& t, const std::string& what) {
    fail(diag::Kind::MirSyntax, t.span, "expected " + what + ", found " + describe(t));
  }
  void expect_punct(char c) {
    if (!at_punct(c)) expected(peek(), std::string("'") + c + "'");
    take();
  }
  void expect_word(std::string_view w) {
    if (!at_word(w)) expected(peek(), "'" + std::string(w) + "'");
    take();
  }
  void expect_eol() {
    if (peek().kind == Tok::End) return;
    if (peek().kind != Tok::Newline) expected(peek(), "end of line");
    take();
  }
  void skip_newlines() {
    while (peek().kind == Tok::Newline) take();
  }

  // --- small pieces -----------------------------------------------------------------

  // An identifier or a quoted string.
  std::string name(const char* what) {
    const Token& t = peek();
    if (t.kind != Tok::Ident && t.kind != Tok::String) expected(t, what);
    return take().text;
  }

  // Identifiers joined by dots, or a quoted string.
  std::string dotted_name(const char* what, base::Span& span) {
    const Token& first = peek();
    span = first.span;
    if (first.kind == Tok::String) return take().text;
    if (first.kind != Tok::Ident) expected(first, what);
    std::string out = take().text;
    while (at_punct('.')) {
      take();
      const Token& part = peek();
      if (part.kind != Tok::Ident) expected(part, "a name after '.'");
      out += "." + take().text;
      span = join(span, part.span);
    }
    return out;
  }

  // A function name after '@': a dotted name with an optional /arity, or a string.
  std::string function_name(base::Span& span) {
    if (peek().kind == Tok::String) {
      span = peek().span;
      return take().text;
    }
    std::string out = dotted_name("a function name", span);
    if (at_punct('/')) {
      take();
      const Token& arity = peek();
      if (arity.kind != Tok::Number || !all_digits(arity.text)) expected(arity, "an arity");
      out += "/" + take().text;
      span = join(span, arity.span);
    }
    return out;
  }

  uint32_t u32(const char* what) {
    const Token& t = peek();
    uint32_t v = 0;
    if (t.kind != Tok::Number || !all_digits(t.text)) expected(t, what);
    auto res = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
    if (res.ec != std::errc() || res.ptr != t.text.data() + t.text.size())
      fail(diag::Kind::MirSyntax, t.span, std::string(what) + " out of range");
    take();
    return v;
  }

  int64_t i64() {
    const Token& t = peek();
    if (t.kind != Tok::Number) expected(t, "an integer");
    int64_t v = 0;
    auto res = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
    if (res.ptr != t.text.data() + t.text.size() || res.ec == std::errc::invalid_argument)
      fail(diag::Kind::MirSyntax, t.span, "invalid integer '" + t.text + "'");
    if (res.ec != std::errc()) fail(diag::Kind::MirSyntax, t.span, "integer out of range: " + t.text);
    take();
    return v;
  }

  double float_imm() {
    const Token& t = peek();
    if (t.kind == Tok::Ident && t.text == "inf") {
      take();
      return HUGE_VAL;
    }
    if (t.kind == Tok::Ident && t.text == "nan") {
      take();
      if (!at_punct('(')) return text::double_from_bits(0x7ff8000000000000ull);
      take();
      const Token& bits_tok = peek();
      uint64_t bits = 0;
      std::string_view digits = bits_tok.text;
      bool ok = bits_tok.kind == Tok::Number && digits.size() > 2 && digits.substr(0, 2) == "0x";
      if (ok) {
        auto res = std::from_chars(digits.data() + 2, digits.data() + digits.size(), bits, 16);
        ok = res.ec == std::errc() && res.ptr == digits.data() + digits.size();
      }
      if (!ok || !std::isnan(text::double_from_bits(bits)))
        fail(diag::Kind::MirSyntax, bits_tok.span, "expected the hex bits of a NaN, found " + describe(bits_tok));
      take();
      expect_punct(')');
      return text::double_from_bits(bits);
    }
    if (t.kind != Tok::Number) expected(t, "a float");
    if (t.text == "-inf") {
      take();
      return -HUGE_VAL;
    }
    if (t.text == "-nan") {
      take();
      return text::double_from_bits(0xfff8000000000000ull);
    }
    std::optional<double> v = text::parse_decimal(t.text);
    if (!v) fail(diag::Kind::MirSyntax, t.span, "invalid float '" + t.text + "'");
    take();
    return *v;
  }

  Tag tag() {
    const Token& t = peek();
    if (t.kind != Tok::Ident) expected(t, "a tag");
    static const std::pair<const char*, Kind> kSimple[] = {
        {"Void", Kind::Void},     {"Int", Kind::Int},       {"Float", Kind::Float},
        {"Bool", Kind::Bool},     {"String", Kind::String}, {"Handle", Kind::Handle},
        {"WeakRef", Kind::Weak},
    };
    for (const auto& [word, kind] : kSimple) {
      if (t.text == word) {
        take();
        return Tag::of(kind);
      }
    }
    if (std::optional<CTypeKind> k = ctype_from_spelling(t.text);
        k && (ctype_info(*k).cls == CClass::Pointer || ctype_info(*k).cls == CClass::FnPointer))
      return Tag::pointer(ctype());
    if (t.text != "Box") expected(t, "a tag");
    take();
    expect_punct('(');
    base::Span span = peek().span;
    std::string box = name("a box name");
    expect_punct(')');
    if (box == "ArrayBox") return Tag::of(Kind::Array);
    if (box == "MapBox") return Tag::of(Kind::Map);
    if (box == "ConsoleBox") return Tag::of(Kind::Console);
    return Tag::user_box(lookup_box(box, span));
  }

  // A C type as Hako spells it (docs/ffi.md): i32, CStr, Ptr<u8>,
  // FnPtr<(i32, Ptr<void>) -> i32>. Interned into the module.
  CTypeId ctype() {
    const Token& t = peek();
    if (t.kind != Tok::Ident) expected(t, "a C type");
    std::optional<CTypeKind> k = ctype_from_spelling(t.text);
    if (!k || *k == CTypeKind::Struct) {
      // An extern struct declared by a `cstruct` line above.
      for (CTypeId i{0}; i < m_.ctypes.size(); ++i)
        if (m_.ctypes[i].kind == CTypeKind::Struct && m_.ctypes[i].name == t.text) {
          take();
          return i;
        }
      fail(diag::Kind::MirUndefined, t.span, "unknown C type '" + t.text + "'");
    }
    take();
    CType c;
    c.kind = *k;
    switch (ctype_info(*k).cls) {
      case CClass::Pointer:
        expect_punct('<');
        c.pointee = ctype();
        expect_punct('>');
        break;
      case CClass::FnPointer:
        expect_punct('<');
        expect_punct('(');
        while (!at_punct(')')) {
          if (!c.params.empty()) expect_punct(',');
          c.params.push_back(ctype());
        }
        take();
        if (peek().kind != Tok::Arrow) expected(peek(), "'->'");
        take();
        c.ret = ctype();
        expect_punct('>');
        break;
      case CClass::Int:
      case CClass::UInt:
      case CClass::Float:
      case CClass::Bool:
      case CClass::Void:
      case CClass::CStr:
      case CClass::Handle: break;
      case CClass::Struct: break;  // found above
    }
    return m_.intern_ctype(c);
  }

  // `cstruct Name { field: ctype, ... }`: an extern struct whose values are
  // instances of the box of the same name (declared above).
  void cstruct_decl() {
    take();
    base::Span span = peek().span;
    CType c;
    c.kind = CTypeKind::Struct;
    c.name = name("a struct name");
    c.box = lookup_box(c.name, span);
    for (const CType& other : m_.ctypes)
      if (other.kind == CTypeKind::Struct && other.box == c.box)
        fail(diag::Kind::MirSyntax, span, "cstruct " + c.name + " is declared twice");
    // Known before its fields, which may point to it (Ptr<Node> in Node).
    const CTypeId id = CTypeId::from_size(m_.ctypes.size());
    m_.ctypes.push_back(c);
    std::vector<CField> fields;
    expect_punct('{');
    while (!at_punct('}')) {
      if (!fields.empty()) expect_punct(',');
      CField f;
      f.name = name("a field name");
      expect_punct(':');
      base::Span type_span = peek().span;
      f.type = ctype();
      if (f.type == id) fail(diag::Kind::MirSyntax, span, "cstruct " + c.name + " contains itself");
      CClass cls = ctype_info(m_.ctypes[f.type].kind).cls;
      if (cls == CClass::Void || cls == CClass::CStr || cls == CClass::Handle || cls == CClass::FnPointer)
        fail(diag::Kind::MirSyntax, type_span, "a struct field cannot be " + ctype_text(m_, f.type));
      fields.push_back(f);
    }
    take();
    expect_eol();
    const BoxType& box = m_.boxes[c.box];
    bool same = box.fields.size() == fields.size();
    for (size_t i = 0; same && i < fields.size(); ++i) same = box.fields[i].name == fields[i].name;
    if (!same) fail(diag::Kind::MirSyntax, span, "the fields of cstruct " + c.name + " differ from those of its box");
    m_.ctypes[id].fields = std::move(fields);
    layout_struct(m_.ctypes, m_.ctypes[id]);
  }

  // An ownership word after a C type, or borrowed when none is written.
  Ownership ownership_opt() {
    for (Ownership o : {Ownership::Transferred, Ownership::Reference, Ownership::Borrowed}) {
      if (at_word(ownership_name(o))) {
        take();
        return o;
      }
    }
    return Ownership::Borrowed;
  }

  // `extern $name "symbol" [library "lib"] (p: ctype [own], ..., [...]) -> ctype [own] [@line:col]`
  void extern_decl() {
    take();
    expect_punct('$');
    const Token& name_tok = peek();
    ExternFn x;
    x.name = name("an extern function name");
    if (m_.find_extern(x.name))
      fail(diag::Kind::MirSyntax, name_tok.span, "extern $" + x.name + " is declared twice");
    if (peek().kind != Tok::String) expected(peek(), "the C symbol as a string literal");
    x.symbol = take().text;
    if (at_word("library")) {
      take();
      if (peek().kind != Tok::String) expected(peek(), "a library name as a string literal");
      x.library = take().text;
    }
    expect_punct('(');
    while (!at_punct(')')) {
      if (x.variadic) expected(peek(), "')' after '...'");
      if (!x.params.empty() || x.variadic) expect_punct(',');
      if (at_punct('.')) {
        for (int i = 0; i < 3; ++i) expect_punct('.');
        x.variadic = true;
        continue;
      }
      ExternParam p;
      p.name = name("a parameter name");
      expect_punct(':');
      p.type = ctype();
      p.own = ownership_opt();
      x.params.push_back(p);
    }
    take();
    if (peek().kind != Tok::Arrow) expected(peek(), "'->'");
    take();
    x.ret = ctype();
    x.ret_own = ownership_opt();
    if (at_punct('@')) x.loc = loc();
    expect_eol();
    m_.externs.push_back(std::move(x));
  }

  uint32_t lookup_box(const std::string& box, base::Span span) {
    uint32_t b = m_.find_box(box);
    if (b == kNone) fail(diag::Kind::MirUndefined, span, "unknown box '" + box + "'");
    return b;
  }

  uint32_t box_ref() {
    base::Span span = peek().span;
    std::string box = name("a box name");
    return lookup_box(box, span);
  }

  ValueId value_id(const Token& t) {
    uint64_t v = 0;
    auto res = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
    // A printed module never numbers values beyond its own length; the bound
    // keeps garbage like %4000000000 from sizing tables.
    if (res.ec != std::errc() || v > file_.text().size())
      fail(diag::Kind::MirSyntax, t.span, "value id %" + t.text + " is too large");
    return static_cast<ValueId>(v);
  }

  ValueId use_value(FunctionState& st) {
    const Token& t = peek();
    if (t.kind != Tok::Value) expected(t, "a value");
    ValueId v = value_id(t);
    st.value_uses.emplace_back(v, t.span);
    take();
    return v;
  }

  void define_value(FunctionState& st, Function& f, const Token& t, ValueId v, Tag tg) {
    if (v < st.defined.size() && st.defined[v])
      fail(diag::Kind::MirSyntax, t.span, "value %" + std::to_string(v) + " is defined twice");
    if (v >= st.defined.size()) st.defined.resize(v + 1, false);
    if (v >= f.value_tags.size()) f.value_tags.resize(v + 1, Tag::of(Kind::Void));
    st.defined[v] = true;
    f.value_tags[v] = tg;
  }

  BlockId block_number(const Token& t) {
    std::string_view s = t.text;
    if (t.kind != Tok::Ident || s.size() < 3 || s.substr(0, 2) != "bb" || !all_digits(s.substr(2)))
      expected(t, "a block (bbN)");
    uint32_t b = 0;
    auto res = std::from_chars(s.data() + 2, s.data() + s.size(), b);
    if (res.ec != std::errc() || b == kNone) fail(diag::Kind::MirSyntax, t.span, "block number out of range");
    return BlockId{b};
  }

  BlockId use_block(FunctionState& st, bool allow_none) {
    const Token& t = peek();
    if (allow_none && at_word("none")) {
      take();
      return kNoBlock;
    }
    BlockId b = block_number(t);
    st.block_uses.emplace_back(b, t.span);
    take();
    return b;
  }

  // --- module items --------------------------------------------------------------------

  void module() {
    while (true) {
      skip_newlines();
      const Token& t = peek();
      if (t.kind == Tok::End) break;
      if (at_word("source")) {
        source_line();
      } else if (at_word("box")) {
        box_decl();
      } else if (at_word("global")) {
        global_decl();
      } else if (at_word("entry")) {
        entry_decl();
      } else if (at_word("extern")) {
        extern_decl();
      } else if (at_word("cstruct")) {
        cstruct_decl();
      } else if (at_word("rc")) {
        take();
        expect_word("explicit");
        expect_eol();
        m_.rc_explicit = true;
      } else if (at_word("fn")) {
        function();
      } else {
        expected(t, "'source', 'box', 'global', 'cstruct', 'extern', 'entry', 'rc' or 'fn'");
      }
    }
    resolve_functions();
  }

  // `source "path"`: the next of the module's source files (the first is
  // file 0, the main file).
  void source_line() {
    take();
    if (peek().kind != Tok::String) expected(peek(), "a string literal");
    m_.sources.push_back(take().text);
    expect_eol();
  }

  // `@line:col` (in source file 0) or `@file:line:col`; the cursor is on `@`.
  Loc loc() {
    take();
    Loc l;
    l.line = u32("a line number");
    expect_punct(':');
    l.col = u32("a column number");
    if (at_punct(':')) {
      take();
      l.file = l.line;
      l.line = l.col;
      l.col = u32("a column number");
    }
    return l;
  }

  void box_decl() {
    take();
    const Token& name_tok = peek();
    std::string box_name = name("a box name");
    if (box_name == "ArrayBox" || box_name == "MapBox" || box_name == "ConsoleBox")
      fail(diag::Kind::MirSyntax, name_tok.span, "'" + box_name + "' is a built-in box");
    if (m_.find_box(box_name) != kNone)
      fail(diag::Kind::MirSyntax, name_tok.span, "box '" + box_name + "' is declared twice");
    expect_punct('{');
    expect_eol();
    uint32_t box_index = static_cast<uint32_t>(m_.boxes.size());
    m_.boxes.push_back(BoxType{box_name, {}, {}});
    pos_of_.boxes.push_back(name_tok.span);
    pos_of_.methods.emplace_back();
    while (true) {
      skip_newlines();
      if (at_punct('}')) {
        take();
        expect_eol();
        return;
      }
      BoxType& box = m_.boxes[box_index];
      if (at_word("field")) {
        take();
        bool weak = false;
        if (at_word("weak") && (peek(1).kind == Tok::Ident || peek(1).kind == Tok::String)) {
          take();
          weak = true;
        }
        const Token& field_tok = peek();
        std::string field_name = name("a field name");
        for (const Field& existing : box.fields)
          if (existing.name == field_name)
            fail(diag::Kind::MirSyntax, field_tok.span, "field '" + field_name + "' is declared twice");
        box.fields.push_back(Field{field_name, weak});
        expect_eol();
      } else if (at_word("method")) {
        pos_of_.methods[box_index].push_back(take().span);
        std::string method_name = name("a method name");
        expect_punct('/');
        uint32_t arity = u32("an arity");
        expect_punct('=');
        expect_punct('@');
        base::Span span;
        std::string fn = function_name(span);
        uint32_t method_index = static_cast<uint32_t>(box.methods.size());
        box.methods.push_back(BoxType::Method{method_name, arity, kNoFunc});
        func_uses_.push_back(FuncUse{FuncUse::Site::Method, fn, span, box_index, method_index, 0});
        expect_eol();
      } else {
        expected(peek(), "'field', 'method' or '}'");
      }
    }
  }

  void global_decl() {
    take();
    base::Span span;
    std::string global_name = dotted_name("a global name", span);
    for (const Global& g : m_.globals)
      if (g.name == global_name)
        fail(diag::Kind::MirSyntax, span, "global '" + global_name + "' is declared twice");
    m_.globals.push_back(Global{global_name});
    expect_eol();
  }

  void entry_decl() {
    const Token& kw = take();
    if (seen_entry_) fail(diag::Kind::MirSyntax, kw.span, "duplicate 'entry' line");
    pos_of_.entry = kw.span;
    seen_entry_ = true;
    expect_punct('@');
    base::Span span;
    std::string fn = function_name(span);
    func_uses_.push_back(FuncUse{FuncUse::Site::Entry, fn, span, 0, 0, 0});
    expect_eol();
  }

  void resolve_functions() {
    for (const FuncUse& use : func_uses_) {
      auto it = functions_.find(use.name);
      if (it == functions_.end()) {
        diags_.report(diag::Kind::MirUndefined, &file_, use.span, "unknown function @" + use.name);
        continue;
      }
      switch (use.site) {
        case FuncUse::Site::Entry: m_.entry = it->second; break;
        case FuncUse::Site::Method: m_.boxes[use.a].methods[use.b].func = it->second; break;
        case FuncUse::Site::Call: m_.functions[use.a].blocks[use.b].insts[use.c].ref = it->second; break;
      }
    }
  }

  // --- functions -------------------------------------------------------------------------

  void function() {
    take();
    expect_punct('@');
    base::Span name_span;
    std::string fn_name = function_name(name_span);
    if (functions_.count(fn_name))
      fail(diag::Kind::MirSyntax, name_span, "function @" + fn_name + " is defined twice");
    FuncId id = static_cast<FuncId>(m_.functions.size());
    functions_.emplace(fn_name, id);
    m_.functions.emplace_back();
    pos_of_.functions.push_back(name_span);
    pos_of_.labels.emplace_back();
    pos_of_.insts.emplace_back();
    Function& f = m_.functions.back();
    f.name = fn_name;
    FunctionState st;

    expect_punct('(');
    while (!at_punct(')')) {
      if (!f.params.empty()) expect_punct(',');
      const Token& v = peek();
      if (v.kind != Tok::Value) expected(v, "a parameter");
      if (value_id(v) != f.params.size())
        fail(diag::Kind::MirSyntax, v.span, "expected parameter %" + std::to_string(f.params.size()));
      take();
      expect_punct(':');
      Tag t = tag();
      define_value(st, f, v, static_cast<ValueId>(f.params.size()), t);
      f.params.push_back(t);
    }
    take();
    if (peek().kind != Tok::Arrow) expected(peek(), "'->'");
    take();
    f.ret = tag();
    if (at_word("method")) {
      take();
      f.has_me = true;
      f.box = box_ref();
    } else if (at_word("static")) {
      take();
      f.box = box_ref();
    }
    if (at_punct('!')) f.hints = hint_list(HintScope::Function, std::nullopt);
    expect_punct('{');
    expect_eol();

    while (true) {
      skip_newlines();
      const Token& t = peek();
      if (at_punct('}')) {
        take();
        expect_eol();
        break;
      }
      if (t.kind == Tok::End) expected(t, "'}'");
      if (at_word("loop") || at_word("if") || at_word("scope") || at_word("slot")) {
        if (!f.blocks.empty())
          fail(diag::Kind::MirSyntax, t.span, "'" + t.text + "' lines must come before the first block");
        if (at_word("scope")) {
          scope_line(f, st);
        } else if (at_word("slot")) {
          slot_line(f, st);
        } else {
          structure_line(f, st);
        }
      } else if (t.kind == Tok::Ident && at_punct(':', 1)) {
        BlockId b = block_number(t);
        if (b != f.blocks.size())
          fail(diag::Kind::MirSyntax, t.span, "expected label bb" + std::to_string(f.blocks.size()));
        pos_of_.labels.back().push_back(take().span);
        take();
        expect_eol();
        f.blocks.emplace_back();
        pos_of_.insts.back().emplace_back();
      } else {
        if (f.blocks.empty()) fail(diag::Kind::MirSyntax, t.span, "instruction before the first block label");
        instruction(id, f, st);
      }
    }

    if (!f.value_slot.empty()) f.value_slot.resize(std::max(st.defined.size(), f.value_slot.size()), kNone);
    for (const auto& [b, span] : st.block_uses)
      if (b >= f.blocks.size())
        diags_.report(diag::Kind::MirUndefined, &file_, span, "unknown block bb" + std::to_string(b));
    for (const auto& [v, span] : st.value_uses)
      if (v >= st.defined.size() || !st.defined[v])
        diags_.report(diag::Kind::MirUndefined, &file_, span, "value %" + std::to_string(v) + " is never defined");
  }

  // `scope entry=bbN parent=K|none`.
  void scope_line(Function& f, FunctionState& st) {
    take();
    ScopeForm s;
    expect_word("entry");
    expect_punct('=');
    s.entry = use_block(st, false);
    expect_word("parent");
    expect_punct('=');
    if (at_word("none")) {
      take();
    } else {
      const Token& t = peek();
      s.parent = u32("a scope number");
      if (s.parent >= f.scopes.size()) fail(diag::Kind::MirSyntax, t.span, "a parent scope must come first");
    }
    expect_eol();
    f.scopes.push_back(s);
  }

  // `slot NAME = %a %b ...`: the values bound to one source variable.
  void slot_line(Function& f, FunctionState& st) {
    take();
    uint32_t slot = static_cast<uint32_t>(f.slot_names.size());
    f.slot_names.push_back(name("a slot name"));
    expect_punct('=');
    while (peek().kind == Tok::Value) {
      const Token& v = take();
      ValueId id = value_id(v);
      if (id >= f.value_slot.size()) f.value_slot.resize(static_cast<size_t>(id) + 1, kNone);
      if (f.value_slot[id] != kNone) fail(diag::Kind::MirSyntax, v.span, "value in two slots");
      f.value_slot[id] = slot;
      st.value_uses.emplace_back(id, v.span);
    }
    expect_eol();
  }

  // `loop header=bbN body=bbN latch=bbN exit=bbN` or `if cond=.. then=.. else=.. merge=..`.
  void structure_line(Function& f, FunctionState& st) {
    bool is_loop = at_word("loop");
    take();
    static const char* const kLoopKeys[] = {"header", "body", "latch", "exit"};
    static const char* const kIfKeys[] = {"cond", "then", "else", "merge"};
    BlockId b[4];
    for (int i = 0; i < 4; ++i) {
      expect_word(is_loop ? kLoopKeys[i] : kIfKeys[i]);
      expect_punct('=');
      b[i] = use_block(st, true);
    }
    expect_eol();
    if (is_loop) {
      f.loops.push_back(LoopForm{b[0], b[1], b[2], b[3]});
    } else {
      f.ifs.push_back(IfForm{b[0], b[1], b[2], b[3]});
    }
  }

  void instruction(FuncId fid, Function& f, FunctionState& st) {
    Inst inst;
    pos_of_.insts.back().back().push_back(peek().span);
    const Token* def = nullptr;
    if (peek().kind == Tok::Value) {
      def = &take();
      inst.result = value_id(*def);
      expect_punct(':');
      inst.tag = tag();
      expect_punct('=');
    }
    const Token& mn = peek();
    if (mn.kind != Tok::Ident) expected(mn, "an instruction");
    std::optional<Op> op = op_from_mnemonic(mn.text);
    if (!op) fail(diag::Kind::MirSyntax, mn.span, "unknown instruction '" + mn.text + "'");
    take();
    inst.op = *op;
    const OpInfo& info = op_info(*op);
    if (def) {
      if (std::string_view(info.result) == "-")
        fail(diag::Kind::MirSyntax, def->span, "'" + mn.text + "' does not produce a value");
      define_value(st, f, *def, inst.result, inst.tag);
    }

    uint32_t block = static_cast<uint32_t>(f.blocks.size() - 1);
    uint32_t index = static_cast<uint32_t>(f.blocks.back().insts.size());
    bool any = false;
    auto separator = [&] {
      if (any) expect_punct(',');
      any = true;
    };
    for (const Operand& operand : operand_shape(*op).operands) {
      switch (operand.kind) {
        case OperandKind::Rest:
          expect_punct('(');
          if (!at_punct(')')) {
            inst.args.push_back(use_value(st));
            while (at_punct(',')) {
              take();
              inst.args.push_back(use_value(st));
            }
          }
          expect_punct(')');
          any = true;
          break;
        case OperandKind::Optional:
          if (any ? (at_punct(',') && peek(1).kind == Tok::Value) : peek().kind == Tok::Value) {
            if (any) take();
            inst.args.push_back(use_value(st));
            any = true;
          }
          break;
        case OperandKind::PhiList:
          while (any ? (at_punct(',') && at_punct('[', 1)) : at_punct('[')) {
            if (any) take();
            any = true;
            take();
            inst.args.push_back(use_value(st));
            expect_punct(',');
            inst.targets.push_back(use_block(st, false));
            expect_punct(']');
          }
          break;
        case OperandKind::IntImm: separator(); inst.imm = i64(); break;
        case OperandKind::FloatImm: separator(); inst.fimm = float_imm(); break;
        case OperandKind::String:
          separator();
          if (peek().kind != Tok::String) expected(peek(), "a string literal");
          inst.ref = intern(take().text);
          break;
        case OperandKind::Function: {
          separator();
          expect_punct('@');
          base::Span span;
          std::string fn = function_name(span);
          func_uses_.push_back(FuncUse{FuncUse::Site::Call, fn, span, fid, block, index});
          break;
        }
        case OperandKind::BoxType: separator(); inst.ref = box_ref(); break;
        case OperandKind::Field: {
          separator();
          inst.ref = box_ref();
          expect_punct('.');
          const Token& field_tok = peek();
          std::string field = name("a field name");
          const BoxType& box = m_.boxes[inst.ref];
          inst.imm = -1;
          for (size_t i = 0; i < box.fields.size(); ++i)
            if (box.fields[i].name == field) inst.imm = static_cast<int64_t>(i);
          if (inst.imm < 0)
            fail(diag::Kind::MirUndefined, field_tok.span, "box '" + box.name + "' has no field '" + field + "'");
          break;
        }
        case OperandKind::Global: {
          separator();
          base::Span span;
          std::string g = dotted_name("a global name", span);
          inst.ref = kNone;
          for (size_t i = 0; i < m_.globals.size(); ++i)
            if (m_.globals[i].name == g) inst.ref = static_cast<uint32_t>(i);
          if (inst.ref == kNone) fail(diag::Kind::MirUndefined, span, "unknown global '" + g + "'");
          break;
        }
        case OperandKind::Runtime: {
          separator();
          const Token& sym = peek();
          if (sym.kind != Tok::Ident) expected(sym, "a runtime function");
          std::optional<RtFn> rt = rt_from_symbol(sym.text);
          if (!rt) fail(diag::Kind::MirUndefined, sym.span, "unknown runtime function '" + sym.text + "'");
          inst.ref = static_cast<uint32_t>(*rt);
          take();
          break;
        }
        case OperandKind::Extern: {
          separator();
          expect_punct('$');
          const Token& name_tok = peek();
          std::string x = name("an extern function name");
          std::optional<ExternId> e = m_.find_extern(x);
          if (!e) fail(diag::Kind::MirUndefined, name_tok.span, "unknown extern function $" + x);
          inst.ref = e->index();
          break;
        }
        case OperandKind::Block: separator(); inst.targets.push_back(use_block(st, false)); break;
        case OperandKind::Value: separator(); inst.args.push_back(use_value(st)); break;
      }
    }
    if (at_punct('@')) inst.loc = loc();
    if (at_punct('!')) {
      if (!def) fail(diag::Kind::MirHint, peek().span, "'" + mn.text + "' produces no value to carry hints");
      HintSet hints = hint_list(HintScope::Value, inst.tag);
      if (!hints.empty()) {
        if (f.value_hints.size() <= inst.result) f.value_hints.resize(static_cast<size_t>(inst.result) + 1);
        f.value_hints[inst.result] = hints;
      }
    }
    expect_eol();
    f.blocks.back().insts.push_back(std::move(inst));
  }

  // `!{name name ...}`: soft hint values (hints.def) of a function (`tag`
  // empty) or of a value of tag `tag`. A weak name is accepted and sets
  // nothing; a name that is unknown, of the other scope, not applicable to
  // the tag, or a second value of one hint is an error.
  HintSet hint_list(HintScope scope, const std::optional<Tag>& tag) {
    expect_punct('!');
    expect_punct('{');
    HintSet strong;
    std::vector<bool> seen(hint_count(), false);
    while (!at_punct('}')) {
      const Token& t = peek();
      if (t.kind != Tok::Ident) expected(t, "a hint or '}'");
      std::optional<HintValue> hv = hint_from_name(t.text);
      if (!hv) fail(diag::Kind::MirHint, t.span, "unknown hint '" + t.text + "'");
      const HintInfo& info = hint_info(hv->hint);
      const char* where = scope == HintScope::Function ? "a function" : "a value";
      if (info.scope != scope)
        fail(diag::Kind::MirHint, t.span, "'" + t.text + "' is a hint of " +
                                              (info.scope == HintScope::Function ? "functions" : "values") +
                                              ", not of " + where);
      if (tag && !hint_applies(hv->hint, *tag))
        fail(diag::Kind::MirHint, t.span,
             "hint '" + t.text + "' does not apply to a value of tag " + tag_name(m_, *tag));
      if (seen[static_cast<uint32_t>(hv->hint)])
        fail(diag::Kind::MirHint, t.span, "hint '" + std::string(info.name) + "' is given twice");
      seen[static_cast<uint32_t>(hv->hint)] = true;
      strong.set(hv->hint, hv->strong);
      take();
    }
    take();
    return strong;
  }

  uint32_t intern(const std::string& s) { return m_.intern(s); }

  const base::SourceFile& file_;
  diag::DiagEngine& diags_;
  TextPositions& pos_of_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  Module m_;
  bool seen_entry_ = false;
  std::unordered_map<std::string, FuncId> functions_;
  std::vector<FuncUse> func_uses_;
};

}  // namespace

std::optional<Module> parse_module(const base::SourceFile& file, diag::DiagEngine& diags, TextPositions* positions) {
  TextPositions unused;
  return Parser(file, diags, positions ? *positions : unused).run();
}

}  // namespace hako::mir
