// Explanations of diagnostic codes: the longer text `hakoc explain CODE`
// prints, one Markdown file per code in docs/explain/, embedded into the
// binary at build time (cmake/embed_explain.cmake). tests/explain_test.py
// checks that every code of diagnostics.def has one and that its examples
// report that code.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hako::diag {

// The explanation of `code` ("E0312", "W0301"; a lowercase first letter is
// accepted too): the Markdown text of docs/explain/CODE.md, starting with
// its title line `# E0312: short name`. nullopt for a code without one.
std::optional<std::string_view> explanation(std::string_view code);

// The short name of `code` from its explanation's title line ("invalid
// operands" for E0312), for a listing of codes; nullopt as explanation().
std::optional<std::string_view> explanation_title(std::string_view code);

// `text` without the lines that are only an HTML comment (`<!-- failing:
// check -->`, the markers tests/explain_test.py reads before each example),
// for printing an explanation to a terminal; everything else is kept as is.
std::string without_markers(std::string_view text);

// Every code that has an explanation, in ascending order (E codes, then W
// codes, each by number). The views point into static storage.
std::vector<std::string_view> explained_codes();

}  // namespace hako::diag
