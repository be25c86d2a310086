#include "mir/hints.h"

#include <string>

#include "mir/mir.h"

namespace hako::mir {

namespace {

const HintInfo kHints[] = {
#define HINT(name, text, scope, kinds, weak, strong, doc) {text, HintScope::scope, kinds, weak, strong, doc},
#include "mir/hints.def"
#undef HINT
};

constexpr uint32_t kHintCount = sizeof(kHints) / sizeof(kHints[0]);
// HintSet keeps one bit per row.
static_assert(kHintCount <= 32, "HintSet holds at most 32 hints");

}  // namespace

const HintInfo& hint_info(Hint h) { return kHints[static_cast<uint32_t>(h)]; }

uint32_t hint_count() { return kHintCount; }

bool hint_applies(Hint h, const Tag& t) {
  const HintInfo& info = hint_info(h);
  if (info.scope != HintScope::Value) return false;
  for (const char* k = info.kinds; *k != '\0'; ++k) {
    // 'U' (any user box) has no single tag; the other letters are tag_of_letter's.
    if (*k == 'U' ? t.kind == Kind::Box : tag_of_letter(*k) == std::optional<Tag>(t)) return true;
  }
  return false;
}

std::optional<HintValue> hint_from_name(std::string_view name) {
  for (uint32_t i = 0; i < kHintCount; ++i) {
    if (name == kHints[i].weak) return HintValue{static_cast<Hint>(i), false};
    if (name == kHints[i].strong) return HintValue{static_cast<Hint>(i), true};
  }
  return std::nullopt;
}

}  // namespace hako::mir
