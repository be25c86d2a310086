#include "diag/explain.h"

#include <algorithm>
#include <string>

#include "diag/explain_table.h"

namespace hako::diag {

namespace {

const detail::Explanation* find(std::string_view code) {
  if (code.size() != 5) return nullptr;
  std::string key(code);
  if (key[0] == 'e' || key[0] == 'w') key[0] = static_cast<char>(key[0] - 'a' + 'A');
  const detail::Explanation* begin = detail::kExplanations;
  const detail::Explanation* end = begin + detail::kExplanationCount;
  const detail::Explanation* it = std::lower_bound(
      begin, end, key, [](const detail::Explanation& e, const std::string& k) { return std::string_view(e.code) < k; });
  if (it == end || std::string_view(it->code) != key) return nullptr;
  return it;
}

}  // namespace

std::optional<std::string_view> explanation(std::string_view code) {
  const detail::Explanation* e = find(code);
  if (!e) return std::nullopt;
  return std::string_view(e->text);
}

std::optional<std::string_view> explanation_title(std::string_view code) {
  std::optional<std::string_view> text = explanation(code);
  if (!text) return std::nullopt;
  // "# E0312: invalid operands\n..." -> "invalid operands"
  std::string_view line = text->substr(0, text->find('\n'));
  size_t colon = line.find(": ");
  if (colon == std::string_view::npos) return std::string_view();
  return line.substr(colon + 2);
}

std::string without_markers(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end == std::string_view::npos ? text.size() : end + 1);
    text.remove_prefix(line.size());
    std::string_view body = line;
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r' || body.back() == ' ')) body.remove_suffix(1);
    bool marker = body.starts_with("<!--") && body.ends_with("-->") && body.find("-->") == body.size() - 3;
    if (!marker) out += line;
  }
  return out;
}

std::vector<std::string_view> explained_codes() {
  std::vector<std::string_view> codes;
  codes.reserve(detail::kExplanationCount);
  for (size_t i = 0; i < detail::kExplanationCount; ++i) codes.push_back(detail::kExplanations[i].code);
  return codes;
}

}  // namespace hako::diag
