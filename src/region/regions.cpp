// build_regions: the slot registry with each slot's RefSlotKind, and the
// function, loop, if and block regions with their parents and live slots.
// The rules are in docs/regions.md.
#include <algorithm>

#include "mir/cfg.h"
#include "region/liveness.h"
#include "region/region.h"
#include "region/region_blocks.h"

namespace hako::region {

using detail::RegionShape;
using mir::BlockId;
using mir::kNone;
using mir::ValueId;

const char* region_kind_name(RegionKind k) {
  switch (k) {
    case RegionKind::Function: return "Function";
    case RegionKind::Loop: return "Loop";
    case RegionKind::If: return "If";
    case RegionKind::Block: return "Block";
  }
  return "?";
}

namespace {

// How strongly a slot holds its values: the strongest of them decides.
int strength(RefSlotKind k) {
  switch (k) {
    case RefSlotKind::StrongRoot: return 3;
    case RefSlotKind::WeakRoot: return 2;
    case RefSlotKind::Borrowed: return 1;
    case RefSlotKind::NonRef: return 0;
  }
  return 0;
}

// The slot of value `v`, or kNone (temporaries, or a table that does not cover `v`).
uint32_t slot_of(const mir::Function& f, ValueId v) {
  if (v >= f.value_slot.size() || f.value_slot[v] >= f.slot_names.size()) return kNone;
  return f.value_slot[v];
}

void classify_slots(const mir::Function& f, const ValueOwnership& values, FunctionSlotRegistry& registry) {
  std::vector<RefSlotKind> kind(registry.slots().size(), RefSlotKind::NonRef);
  for (ValueId v{0}; v < values.kind.size(); ++v) {
    uint32_t s = slot_of(f, v);
    if (s != kNone && strength(values.kind[v]) > strength(kind[s])) kind[s] = values.kind[v];
  }
  for (SlotId s = 0; s < kind.size(); ++s) registry.set_ref_kind(s, kind[s]);
}

// Blocks ending in `ret`: where the function region is left.
std::vector<BlockId> return_blocks(const mir::Function& f) {
  std::vector<BlockId> out;
  for (BlockId b{0}; b < f.blocks.size(); ++b)
    if (!f.blocks[b].insts.empty() && f.blocks[b].insts.back().op == mir::Op::Ret) out.push_back(b);
  return out;
}

// For every scope, the blocks holding a `keep` that names it, ascending.
std::vector<std::vector<BlockId>> scope_exits(const mir::Function& f) {
  std::vector<std::vector<BlockId>> out(f.scopes.size());
  for (BlockId b{0}; b < f.blocks.size(); ++b)
    for (const mir::Inst& in : f.blocks[b].insts) {
      if (in.op != mir::Op::Keep || in.imm < 0 || static_cast<uint64_t>(in.imm) >= out.size()) continue;
      std::vector<BlockId>& exits = out[static_cast<size_t>(in.imm)];
      if (exits.empty() || exits.back() != b) exits.push_back(b);
    }
  return out;
}

// The regions in id order: the function, then each loop, if and block scope.
// A form whose entry is no block of the function (only possible in
// hand-written MIR) gives no region; exits that are no block are dropped.
std::vector<RegionShape> collect_shapes(const mir::Function& f) {
  const size_t n = f.blocks.size();
  auto exists = [&](BlockId b) { return b < n; };
  auto exit_list = [&](BlockId b) { return exists(b) ? std::vector<BlockId>{b} : std::vector<BlockId>{}; };
  std::vector<RegionShape> shapes;
  shapes.push_back(RegionShape{RegionKind::Function, BlockId{0}, return_blocks(f), mir::kNoBlock});
  for (const mir::LoopForm& l : f.loops)
    if (exists(l.header)) shapes.push_back(RegionShape{RegionKind::Loop, l.header, exit_list(l.exit), l.latch});
  for (const mir::IfForm& i : f.ifs)
    if (exists(i.cond)) shapes.push_back(RegionShape{RegionKind::If, i.cond, exit_list(i.merge), mir::kNoBlock});
  std::vector<std::vector<BlockId>> keeps = scope_exits(f);
  for (size_t s = 1; s < f.scopes.size(); ++s)
    if (exists(f.scopes[s].entry))
      shapes.push_back(RegionShape{RegionKind::Block, f.scopes[s].entry, std::move(keeps[s]), mir::kNoBlock});
  return shapes;
}

// The parent of each region: the smallest other region holding its entry.
// Regions are ordered by (size, then lower id first as the larger); a parent
// always comes strictly later in that order, so equal block sets (nested
// `{ }` inside one block) cannot make a cycle.
std::vector<std::optional<RegionId>> choose_parents(const std::vector<RegionShape>& shapes,
                                                    const std::vector<std::vector<BlockId>>& blocks, size_t nblocks) {
  auto larger = [&](size_t a, size_t b) {
    return blocks[a].size() != blocks[b].size() ? blocks[a].size() > blocks[b].size() : a < b;
  };
  std::vector<std::vector<uint32_t>> holders(nblocks);
  for (size_t r = 0; r < blocks.size(); ++r)
    for (BlockId b : blocks[r]) holders[b].push_back(static_cast<uint32_t>(r));
  std::vector<std::optional<RegionId>> parent(shapes.size());
  for (size_t r = 1; r < shapes.size(); ++r) {
    size_t best = 0;  // regions nothing else holds (unreachable code) hang off the function
    bool found = false;
    if (shapes[r].entry < nblocks)
      for (uint32_t h : holders[shapes[r].entry]) {
        if (h == r || !larger(h, r)) continue;
        if (!found || larger(best, h)) best = h;
        found = true;
      }
    parent[r] = static_cast<RegionId>(best);
  }
  return parent;
}

}  // namespace

FunctionRegions build_regions(const mir::Function& f, const std::vector<mir::BoxType>* boxes) {
  FunctionRegions out;
  out.function = f.name;
  for (const std::string& name : f.slot_names) out.registry.add_slot(name);
  out.values = classify_values(f, boxes);
  classify_slots(f, out.values, out.registry);

  const size_t nblocks = f.blocks.size();
  const size_t nslots = f.slot_names.size();
  mir::Cfg cfg(f);
  std::vector<RegionShape> shapes = collect_shapes(f);
  std::vector<std::vector<BlockId>> blocks = detail::region_blocks(f, cfg, shapes);
  std::vector<std::optional<RegionId>> parents = choose_parents(shapes, blocks, nblocks);

  // The slots each block defines a value of (parameters count as bb0's).
  std::vector<std::vector<SlotId>> defined(nblocks);
  auto define = [&](BlockId b, ValueId v) {
    uint32_t s = slot_of(f, v);
    if (s != kNone) defined[b].push_back(s);
  };
  if (nblocks > 0)
    for (ValueId p{0}; p < f.params.size(); ++p) define(BlockId{0}, p);
  for (BlockId b{0}; b < nblocks; ++b)
    for (const mir::Inst& in : f.blocks[b].insts)
      if (in.result != kNone) define(b, in.result);

  // Slot-bound values live into each region's entry block.
  std::vector<ValueId> key(f.value_count(), mir::kNoValue);
  for (ValueId v{0}; v < key.size(); ++v)
    if (slot_of(f, v) != kNone) key[v] = v;
  std::vector<bool> is_entry(nblocks, false);
  for (const RegionShape& s : shapes)
    if (s.entry < nblocks) is_entry[s.entry] = true;
  std::vector<std::vector<ValueId>> live_in = value_liveness(f, key, &is_entry).live_in;

  // One stamp array dedupes each region's slots without a per-region bitmap.
  std::vector<uint32_t> taken(nslots, 0);
  for (size_t r = 0; r < shapes.size(); ++r) {
    const uint32_t stamp = static_cast<uint32_t>(r) + 1;
    std::vector<SlotId> ids;
    auto add = [&](SlotId s) {
      if (taken[s] == stamp) return;
      taken[s] = stamp;
      ids.push_back(s);
    };
    for (BlockId b : blocks[r])
      for (SlotId s : defined[b]) add(s);
    if (shapes[r].entry < nblocks)
      for (ValueId v : live_in[shapes[r].entry]) add(slot_of(f, v));
    std::sort(ids.begin(), ids.end());

    Region region;
    region.id = static_cast<RegionId>(r);
    region.kind = shapes[r].kind;
    region.parent = parents[r];
    region.entry_block = shapes[r].entry;
    region.exit_blocks = shapes[r].exits;
    for (SlotId s : ids) region.slots.push_back(out.registry.get(s));
    out.regions.push_back(std::move(region));
  }
  return out;
}

}  // namespace hako::region
