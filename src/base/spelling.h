// Spelling distance between names, for the "did you mean" suggestions of
// diagnostics (docs/language.md, "Diagnostics: notes and suggestions").
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hako::base {

// The optimal-string-alignment (restricted Damerau-Levenshtein) distance:
// insertions, deletions, substitutions and swaps of two neighbours, each 1.
size_t edit_distance(std::string_view a, std::string_view b);

// The largest distance at which `name` still counts as a misspelling: a
// third of its length, at least 1.
size_t spelling_threshold(std::string_view name);

// The candidate closest to `name` within spelling_threshold(name), the
// first such on ties; never `name` itself. Nullopt when none is close.
std::optional<std::string> closest_name(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace hako::base
