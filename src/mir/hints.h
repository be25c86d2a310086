// Soft hints (hints.def): optional facts about MIR values and functions that
// back ends may use for speed only. They live in a side table of Function
// next to the value tags; an absent hint is the weakest value. This header
// is the one reader of the table; the printer, the text parser, the JSON
// writer and infer_hints.h go through it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace hako::mir {

struct Tag;

// One soft hint, a row of hints.def.
enum class Hint : uint8_t {
#define HINT(name, text, scope, kinds, weak, strong, doc) name,
#include "mir/hints.def"
#undef HINT
};

// Whether a hint describes one SSA value or a whole function.
enum class HintScope : uint8_t { Value, Function };

// The columns of one row of hints.def.
struct HintInfo {
  const char* name;    // the hint's name, e.g. "nullability"
  HintScope scope;
  const char* kinds;   // tag letters the hint applies to (Value hints)
  const char* weak;    // the weakest value's name: what an absent hint means
  const char* strong;  // the strongest value's name: the fact it states
  const char* doc;
};

// The table row of `h`.
const HintInfo& hint_info(Hint h);
// The number of rows of hints.def.
uint32_t hint_count();
// Whether a Value hint applies to values of tag `t` (its `kinds` column);
// false for Function hints.
bool hint_applies(Hint h, const Tag& t);

// A hint value named in MIR text: which hint, and whether it is the strong value.
struct HintValue {
  Hint hint;
  bool strong;
};
// The hint value with this name (weak or strong), if any.
std::optional<HintValue> hint_from_name(std::string_view name);

// The hints of one value or function that hold their strong value; every
// other hint is at its weakest. A plain bit set over hints.def's rows.
class HintSet {
 public:
  // Whether `h` holds its strong value.
  bool has(Hint h) const { return (bits_ >> static_cast<unsigned>(h)) & 1u; }
  // Sets `h` to its strong value (true) or its weakest value (false).
  void set(Hint h, bool strong) {
    const uint32_t bit = 1u << static_cast<unsigned>(h);
    bits_ = strong ? (bits_ | bit) : (bits_ & ~bit);
  }
  // Whether every hint is at its weakest (nothing to print).
  bool empty() const { return bits_ == 0; }
  bool operator==(const HintSet& o) const { return bits_ == o.bits_; }
  bool operator!=(const HintSet& o) const { return bits_ != o.bits_; }

 private:
  uint32_t bits_ = 0;
};

}  // namespace hako::mir
