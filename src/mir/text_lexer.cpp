#include "mir/text_lexer.h"

namespace hako::mir::text {

namespace {

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string describe(unsigned char c) {
  if (c >= 0x21 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
  static const char kHex[] = "0123456789abcdef";
  return std::string("byte 0x") + kHex[c >> 4] + kHex[c & 15];
}

class Lexer {
 public:
  Lexer(std::string_view src, std::vector<Token>& out, LexError& error) : src_(src), out_(out), error_(error) {}

  bool run() {
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      uint32_t begin = pos_;
      if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (c == '\n') {
        ++pos_;
        push(Tok::Newline, begin, "\n");
      } else if (c == ';') {
        while (pos_ < src_.size() && src_[pos_] != '\n') ++pos_;
      } else if (is_alpha(c)) {
        while (pos_ < src_.size() && is_alnum(src_[pos_])) ++pos_;
        push(Tok::Ident, begin, std::string(src_.substr(begin, pos_ - begin)));
      } else if (is_digit(c) || ((c == '-' || c == '+') && pos_ + 1 < src_.size() &&
                                 (is_alnum(src_[pos_ + 1]) || src_[pos_ + 1] == '.'))) {
        number();
      } else if (c == '-' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '>') {
        pos_ += 2;
        push(Tok::Arrow, begin, "->");
      } else if (c == '%') {
        ++pos_;
        while (pos_ < src_.size() && is_digit(src_[pos_])) ++pos_;
        if (pos_ == begin + 1) return fail("expected digits after '%'", begin, pos_);
        push(Tok::Value, begin, std::string(src_.substr(begin + 1, pos_ - begin - 1)));
      } else if (c == '"') {
        if (!string()) return false;
      } else if (std::string_view("()[]{},:=./@!$<>").find(c) != std::string_view::npos) {
        ++pos_;
        push(Tok::Punct, begin, std::string(1, c));
      } else {
        return fail("unexpected character " + describe(static_cast<unsigned char>(c)), begin, begin + 1);
      }
    }
    push(Tok::End, pos_, "");
    return true;
  }

 private:
  void push(Tok kind, uint32_t begin, std::string text) {
    out_.push_back(Token{kind, base::Span{begin, pos_}, std::move(text)});
  }

  bool fail(std::string message, uint32_t begin, uint32_t end) {
    error_ = LexError{std::move(message), base::Span{begin, end}};
    return false;
  }

  // A sign, then alphanumerics and dots; '+'/'-' continue the token only right
  // after an exponent letter (1e+21) so that `-> Int` and lists still split.
  void number() {
    uint32_t begin = pos_;
    ++pos_;
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (is_alnum(c) || c == '.') {
        ++pos_;
      } else if ((c == '+' || c == '-') && (src_[pos_ - 1] == 'e' || src_[pos_ - 1] == 'E') &&
                 is_digit(src_[begin] == '-' || src_[begin] == '+' ? src_[begin + 1] : src_[begin])) {
        ++pos_;
      } else {
        break;
      }
    }
    push(Tok::Number, begin, std::string(src_.substr(begin, pos_ - begin)));
  }

  bool string() {
    uint32_t begin = pos_;
    ++pos_;
    std::string text;
    while (true) {
      if (pos_ >= src_.size() || src_[pos_] == '\n') return fail("unterminated string literal", begin, pos_);
      char c = src_[pos_];
      if (c == '"') break;
      if (c != '\\') {
        text += c;
        ++pos_;
        continue;
      }
      uint32_t esc = pos_;
      if (pos_ + 1 >= src_.size()) return fail("unterminated string literal", begin, pos_);
      char e = src_[pos_ + 1];
      pos_ += 2;
      switch (e) {
        case 'n': text += '\n'; break;
        case 't': text += '\t'; break;
        case '\\': text += '\\'; break;
        case '"': text += '"'; break;
        case 'x': {
          int hi = pos_ < src_.size() ? hex_value(src_[pos_]) : -1;
          int lo = pos_ + 1 < src_.size() ? hex_value(src_[pos_ + 1]) : -1;
          if (hi < 0 || lo < 0) return fail("\\x needs two hex digits", esc, pos_);
          text += static_cast<char>(hi * 16 + lo);
          pos_ += 2;
          break;
        }
        default: return fail("unknown escape in string literal", esc, pos_);
      }
    }
    ++pos_;
    push(Tok::String, begin, std::move(text));
    return true;
  }

  std::string_view src_;
  std::vector<Token>& out_;
  LexError& error_;
  uint32_t pos_ = 0;
};

}  // namespace

bool lex(std::string_view src, std::vector<Token>& out, LexError& error) {
  out.clear();
  if (src.size() >= UINT32_MAX) {
    error = LexError{"input too large", base::Span{0, 0}};
    return false;
  }
  return Lexer(src, out, error).run();
}

}  // namespace hako::mir::text
