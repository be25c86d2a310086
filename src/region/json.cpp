// to_json: the regions of one function as a JSON document for
// `hakoc emit-mir --emit=regions`. Names are escaped by src/mir's JSON
// writer (mir::text::json_string), so the output is valid JSON for every input.
#include <string>
#include <string_view>

#include "mir/text_util.h"
#include "region/region.h"

namespace hako::region {

namespace {

void append_string(std::string& out, std::string_view s) { mir::text::json_string(out, s); }

template <typename T, typename F>
void append_list(std::string& out, const std::vector<T>& items, F each) {
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    each(items[i]);
  }
  out += ']';
}

void append_region(std::string& out, const Region& r) {
  out += "{\"id\": " + std::to_string(r.id) + ", \"kind\": ";
  append_string(out, region_kind_name(r.kind));
  out += ", \"parent\": ";
  out += r.parent ? std::to_string(*r.parent) : "null";
  out += ", \"entry\": " + std::to_string(r.entry_block) + ", \"exits\": ";
  append_list(out, r.exit_blocks, [&](mir::BlockId b) { out += std::to_string(b); });
  out += ", \"slots\": ";
  append_list(out, r.slots, [&](const SlotMetadata& s) { append_string(out, s.name); });
  out += '}';
}

}  // namespace

std::string to_json(const FunctionRegions& r) {
  std::string out = "{\"function\": ";
  append_string(out, r.function);
  out += ", \"slots\": ";
  append_list(out, r.registry.slots(), [&](const SlotMetadata& s) {
    out += "{\"name\": ";
    append_string(out, s.name);
    out += ", \"ref_kind\": ";
    append_string(out, ref_slot_kind_name(s.ref_kind));
    out += '}';
  });
  out += ", \"regions\": ";
  append_list(out, r.regions, [&](const Region& region) { append_region(out, region); });
  out += "}";
  return out;
}

}  // namespace hako::region
