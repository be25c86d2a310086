// The region layer (seed 004): what each SSA value and each source variable
// holds (RefSlotKind), and the lexical and structured regions of a function
// (function body, loops, ifs, `{ }` blocks) with the slots live in each.
// Input: one MIR function as lowering leaves it (keep markers present).
// Output: FunctionRegions. src/rc reads the value classification to insert
// retain/release; NYASH_REGION_TRACE prints the regions; `hakoc emit-mir
// --emit=regions` writes them as JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "mir/mir.h"

namespace hako::region {

// What a slot (a source variable) or an SSA value holds.
enum class RefSlotKind : uint8_t {
  StrongRoot,  // owns one strong reference: released when its lifetime ends
  WeakRoot,    // a weak reference: never keeps its target alive
  Borrowed,    // a reference owned elsewhere (a parameter, a literal, or a view of another value)
  NonRef,      // no reference: Int, Float, Bool, Void
};
const char* ref_slot_kind_name(RefSlotKind k);

// --- values ------------------------------------------------------------------------

// The ownership of every SSA value of a function. A Borrowed value whose
// `root` is another value is a view of it (copy, box of an object, unbox to
// an object, to_str of a String): the same object, kept alive by the root,
// whose lifetime therefore extends over the view's uses. Parameters and
// literals are Borrowed roots of their own: the caller or the program owns them.
struct ValueOwnership {
  std::vector<RefSlotKind> kind;  // per value
  std::vector<mir::ValueId> root;  // per value: itself, or the value it is a view of
  // Per value: a view of a field its root holds (borrow_field, and views of
  // one), not of the root itself. Its uses keep the root alive, but handing
  // it over always takes a reference of its own.
  std::vector<bool> of_field;
};
// `boxes` (the module's box types) tells which field reads yield a weak
// reference (WeakRoot); without it no field is taken as weak, for tests of
// lone functions.
ValueOwnership classify_values(const mir::Function& f, const std::vector<mir::BoxType>* boxes = nullptr);

// --- slots -------------------------------------------------------------------------

using SlotId = uint32_t;

struct SlotMetadata {
  std::string name;
  RefSlotKind ref_kind = RefSlotKind::NonRef;
};

// The source variables of one function, by name and id (seed 004's
// FunctionSlotRegistry). Slot ids match mir::Function::slot_names.
class FunctionSlotRegistry {
 public:
  // The slot named `name`, created (NonRef) if there is none yet. Names that
  // occur twice (shadowing) get the first slot; use `add_slot` to keep both.
  SlotId ensure_slot(const std::string& name);
  SlotId add_slot(const std::string& name);
  void set_ref_kind(SlotId slot, RefSlotKind kind);
  std::optional<SlotId> lookup(const std::string& name) const;
  const SlotMetadata& get(SlotId slot) const { return slots_[slot]; }
  const std::vector<SlotMetadata>& slots() const { return slots_; }

 private:
  std::vector<SlotMetadata> slots_;
  std::unordered_map<std::string, SlotId> by_name_;
};

// --- regions -----------------------------------------------------------------------

enum class RegionKind : uint8_t { Function, Loop, If, Block };
const char* region_kind_name(RegionKind k);

using RegionId = uint32_t;

struct Region {
  RegionId id = 0;
  RegionKind kind = RegionKind::Function;
  std::optional<RegionId> parent;          // none for the function region
  mir::BlockId entry_block = mir::kNoBlock;
  std::vector<mir::BlockId> exit_blocks;   // where control leaves the region
  std::vector<SlotMetadata> slots;         // slots with a value live in the region
};

struct FunctionRegions {
  std::string function;  // mir::Function::name
  FunctionSlotRegistry registry;
  std::vector<Region> regions;  // regions[0] is the function region
  ValueOwnership values;
};

FunctionRegions build_regions(const mir::Function& f, const std::vector<mir::BoxType>* boxes = nullptr);

// One `[region/observe] ...` line per region on stderr, when NYASH_REGION_TRACE=1
// (and the function name contains NYASH_REGION_TRACE_FILTER, if set).
bool trace_enabled(const std::string& function);
void trace(const FunctionRegions& r);

// `{"function": ..., "slots": [...], "regions": [...]}` for --emit=regions.
std::string to_json(const FunctionRegions& r);

}  // namespace hako::region
