// NYASH_REGION_TRACE: one `[region/observe]` line per region on stderr, in
// the seed's format, so region structure can be watched on real programs
// without a debugger. Off by default; when off nothing is printed at all.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "region/region.h"

namespace hako::region {

bool trace_enabled(const std::string& function) {
  const char* on = std::getenv("NYASH_REGION_TRACE");
  if (on == nullptr || std::string(on) != "1") return false;
  const char* filter = std::getenv("NYASH_REGION_TRACE_FILTER");
  return filter == nullptr || *filter == '\0' || function.find(filter) != std::string::npos;
}

namespace {

std::string trace_line(const std::string& function, const Region& r) {
  std::string line = "[region/observe] fn=" + function + " id=RegionId(" + std::to_string(r.id) + ")";
  line += " kind=";
  line += region_kind_name(r.kind);
  line += " entry=bb" + std::to_string(r.entry_block) + " exits=[";
  for (size_t i = 0; i < r.exit_blocks.size(); ++i) {
    if (i > 0) line += ", ";
    line += "bb" + std::to_string(r.exit_blocks[i]);
  }
  line += "] slots=[";
  for (size_t i = 0; i < r.slots.size(); ++i) {
    if (i > 0) line += ", ";
    line += r.slots[i].name + ":" + ref_slot_kind_name(r.slots[i].ref_kind);
  }
  line += "]\n";
  return line;
}

}  // namespace

void trace(const FunctionRegions& r) {
  if (!trace_enabled(r.function)) return;
  for (const Region& region : r.regions) {
    std::string line = trace_line(r.function, region);
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
}

}  // namespace hako::region
