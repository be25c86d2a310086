// to_json: the regions of one function as a JSON document for
// `hakoc emit-mir --emit=regions`. Names are escaped like src/mir's JSON
// writer does: valid UTF-8 is kept, any other byte becomes \u00XX, so the
// output is valid JSON for every input.
#include <cstdio>
#include <string>
#include <string_view>

#include "region/region.h"

namespace hako::region {

namespace {

// Bytes in the well-formed UTF-8 sequence at s[i] (no overlongs, surrogates
// or code points past U+10FFFF), or 0 when the byte at i starts none.
size_t utf8_sequence(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  auto cont = [&](size_t k) { return (byte(k) & 0xC0u) == 0x80u; };
  unsigned c = byte(i);
  if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return byte(i + 1) >= lo && byte(i + 1) <= hi && cont(i + 2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return byte(i + 1) >= lo && byte(i + 1) <= hi && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

void append_string(std::string& out, std::string_view s) {
  out += '"';
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
      ++i;
    } else if (size_t len = c >= 0x80 ? utf8_sequence(s, i) : 0) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", c);
      out += esc;
      ++i;
    }
  }
  out += '"';
}

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
