// Unit tests of src/region: the slot registry, slot ref kinds, the regions
// of real Hako programs lowered by the front end (kinds, entries, exits,
// parents, live slots), NYASH_REGION_TRACE output and the JSON form.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "base/source.h"
#include "diag/diag.h"
#include "lower/lower.h"
#include "mir/builder.h"
#include "mir/mir.h"
#include "mir_ids.h"
#include "parse/parse.h"
#include "region/region.h"
#include "sema/sema.h"

namespace hako::region {

// Readable names in failure messages instead of the enums' bytes.
void PrintTo(RefSlotKind k, std::ostream* os) { *os << ref_slot_kind_name(k); }
void PrintTo(RegionKind k, std::ostream* os) { *os << region_kind_name(k); }

namespace {

using mir::BlockId;
using namespace mir::id_literals;

// Hako source → MIR as lowering leaves it (keep markers present).
std::optional<mir::Module> lower_source(const std::string& src) {
  base::SourceMap sources;
  const base::SourceFile& file = *sources.add("t.hako", src);
  diag::DiagEngine diags;
  ast::Program program = parse::parse_program(file, diags);
  if (diags.has_errors()) {
    ADD_FAILURE() << diags.render(diag::Format::Text);
    return std::nullopt;
  }
  std::optional<sema::CheckedProgram> checked = sema::check(program, sources, diags, sema::CheckOptions{});
  if (!checked) {
    ADD_FAILURE() << diags.render(diag::Format::Text);
    return std::nullopt;
  }
  return lower::lower_program(*checked);
}

const mir::Function& function(const mir::Module& m, const std::string& name) {
  mir::FuncId id = m.find_function(name);
  EXPECT_NE(id, mir::kNoFunc) << name;
  return m.functions.at(id);
}

// Regions are numbered: the function, each loop, each if, then each block scope from 1 on.
const Region& loop_region(const FunctionRegions& r, size_t loop) {
  const Region& reg = r.regions.at(1 + loop);
  EXPECT_EQ(reg.kind, RegionKind::Loop);
  return reg;
}
const Region& if_region(const FunctionRegions& r, const mir::Function& f, size_t i) {
  const Region& reg = r.regions.at(1 + f.loops.size() + i);
  EXPECT_EQ(reg.kind, RegionKind::If);
  return reg;
}
const Region& block_region(const FunctionRegions& r, const mir::Function& f, size_t scope) {
  const Region& reg = r.regions.at(f.loops.size() + f.ifs.size() + scope);
  EXPECT_EQ(reg.kind, RegionKind::Block);
  EXPECT_EQ(reg.entry_block, f.scopes.at(scope).entry);
  return reg;
}

std::vector<std::string> slot_names(const Region& r) {
  std::vector<std::string> out;
  for (const SlotMetadata& s : r.slots) out.push_back(s.name);
  return out;
}

bool has_slot(const Region& r, const std::string& name) {
  for (const SlotMetadata& s : r.slots)
    if (s.name == name) return true;
  return false;
}

RefSlotKind kind_of(const FunctionRegions& r, const std::string& name) {
  std::optional<SlotId> id = r.registry.lookup(name);
  EXPECT_TRUE(id.has_value()) << name;
  return id ? r.registry.get(*id).ref_kind : RefSlotKind::WeakRoot;
}

// Sets (or unsets, with nullptr) a variable for one test and restores it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::string traced(const FunctionRegions& r) {
  testing::internal::CaptureStderr();
  trace(r);
  return testing::internal::GetCapturedStderr();
}

// --- registry ----------------------------------------------------------------------------

TEST(SlotRegistry, EnsureAddLookupAndRefKinds) {
  FunctionSlotRegistry reg;
  SlotId x = reg.ensure_slot("x");
  EXPECT_EQ(x, 0u);
  EXPECT_EQ(reg.ensure_slot("x"), x);  // existing name: same slot
  SlotId y = reg.ensure_slot("y");
  EXPECT_EQ(y, 1u);
  SlotId x2 = reg.add_slot("x");  // shadowing: a second slot of the same name
  EXPECT_EQ(x2, 2u);
  EXPECT_EQ(reg.lookup("x"), std::optional<SlotId>(x));  // the name keeps its first slot
  EXPECT_EQ(reg.ensure_slot("x"), x);
  EXPECT_EQ(reg.lookup("nope"), std::nullopt);
  ASSERT_EQ(reg.slots().size(), 3u);
  EXPECT_EQ(reg.get(x2).name, "x");
  EXPECT_EQ(reg.get(y).ref_kind, RefSlotKind::NonRef);  // new slots start NonRef
  reg.set_ref_kind(y, RefSlotKind::StrongRoot);
  reg.set_ref_kind(99, RefSlotKind::Borrowed);  // out of range: ignored
  EXPECT_EQ(reg.get(y).ref_kind, RefSlotKind::StrongRoot);
  EXPECT_EQ(reg.get(x).ref_kind, RefSlotKind::NonRef);
  EXPECT_STREQ(ref_slot_kind_name(RefSlotKind::WeakRoot), "WeakRoot");
  EXPECT_STREQ(region_kind_name(RegionKind::Block), "Block");
}

// --- ref kinds ----------------------------------------------------------------------------

constexpr const char* kKinds = R"(
box Point {
    x
    birth(x) { me.x = x }
    describe(other, n, word) {
        local text = word + n
        return text
    }
}
static box Main {
    main() {
        local pt = new Point(1)
        local arr = new ArrayBox()
        local s = "a" + 1
        local lit = "plain"
        local n = 5
        local f = 1.5
        local grown = "x"
        grown = grown + n
        local shrunk = "y" + n
        shrunk = "z"
        print(pt.describe(pt, n, lit) + s + f + grown + shrunk)
        arr.push(n)
        return arr.length()
    }
}
)";

const char* const kWeakKinds = R"(
box Node {
    weak parent
    name
}
static box Main {
    main() {
        local n = new Node()
        local w = weak n
        n.parent = weak n
        local p = n.parent
        local q = n.name
        return 0
    }
}
)";

TEST(RegionSlots, WeakValuesAndWeakFieldReadsAreWeakRoots) {
  std::optional<mir::Module> m = lower_source(kWeakKinds);
  ASSERT_TRUE(m);
  FunctionRegions with_boxes = build_regions(function(*m, "Main.main/0"), &m->boxes);
  EXPECT_EQ(kind_of(with_boxes, "n"), RefSlotKind::StrongRoot);
  EXPECT_EQ(kind_of(with_boxes, "w"), RefSlotKind::WeakRoot);  // weak n
  EXPECT_EQ(kind_of(with_boxes, "p"), RefSlotKind::WeakRoot);  // a weak field's WeakRef, read as a Handle
  EXPECT_EQ(kind_of(with_boxes, "q"), RefSlotKind::StrongRoot);  // an ordinary field
  // Without the box types a field read cannot be known to be weak.
  FunctionRegions alone = build_regions(function(*m, "Main.main/0"));
  EXPECT_EQ(kind_of(alone, "w"), RefSlotKind::WeakRoot);
  EXPECT_EQ(kind_of(alone, "p"), RefSlotKind::StrongRoot);
}

TEST(RegionSlots, RefKindsOfLocalsAndParameters) {
  std::optional<mir::Module> m = lower_source(kKinds);
  ASSERT_TRUE(m);
  FunctionRegions main = build_regions(function(*m, "Main.main/0"));
  EXPECT_EQ(main.function, "Main.main/0");
  EXPECT_EQ(kind_of(main, "pt"), RefSlotKind::StrongRoot);   // a user box it created
  EXPECT_EQ(kind_of(main, "arr"), RefSlotKind::StrongRoot);  // an ArrayBox it created
  EXPECT_EQ(kind_of(main, "s"), RefSlotKind::StrongRoot);    // a String it computed
  EXPECT_EQ(kind_of(main, "lit"), RefSlotKind::Borrowed);    // an immortal literal
  EXPECT_EQ(kind_of(main, "n"), RefSlotKind::NonRef);
  EXPECT_EQ(kind_of(main, "f"), RefSlotKind::NonRef);
  // A slot is as strong as the strongest value it ever holds, whatever the order.
  EXPECT_EQ(kind_of(main, "grown"), RefSlotKind::StrongRoot);
  EXPECT_EQ(kind_of(main, "shrunk"), RefSlotKind::StrongRoot);

  const mir::Function& describe = function(*m, "Point.describe/3");
  FunctionRegions d = build_regions(describe);
  // Slot ids match the MIR slot table.
  ASSERT_EQ(d.registry.slots().size(), describe.slot_names.size());
  for (size_t i = 0; i < describe.slot_names.size(); ++i) EXPECT_EQ(d.registry.get(i).name, describe.slot_names[i]);
  EXPECT_EQ(kind_of(d, "me"), RefSlotKind::Borrowed);     // the receiver belongs to the caller
  EXPECT_EQ(kind_of(d, "other"), RefSlotKind::Borrowed);  // an object parameter
  EXPECT_EQ(kind_of(d, "word"), RefSlotKind::Borrowed);   // a String parameter
  EXPECT_EQ(kind_of(d, "n"), RefSlotKind::NonRef);        // an Int parameter
  EXPECT_EQ(kind_of(d, "text"), RefSlotKind::StrongRoot);
}

// --- region structure -----------------------------------------------------------------------

constexpr const char* kNested = R"(
static box Main {
    main() {
        local names = new ArrayBox()
        local i = 0
        loop(i < 3) {
            local label = "n" + i
            if i == 1 {
                {
                    local tmp = label + "!"
                    names.push(tmp)
                }
            }
            names.push(label)
            i = i + 1
        }
        local after = "done" + i
        print(after)
        return names.length()
    }
}
)";

TEST(RegionStructure, NestedLoopIfAndBlocks) {
  std::optional<mir::Module> m = lower_source(kNested);
  ASSERT_TRUE(m);
  const mir::Function& f = function(*m, "Main.main/0");
  ASSERT_EQ(f.loops.size(), 1u);
  ASSERT_EQ(f.ifs.size(), 1u);
  ASSERT_EQ(f.scopes.size(), 4u);  // body, loop body, then branch, inner { }
  FunctionRegions r = build_regions(f);
  ASSERT_EQ(r.regions.size(), 1u + 1u + 1u + 3u);
  for (size_t i = 0; i < r.regions.size(); ++i) EXPECT_EQ(r.regions[i].id, i);

  const Region& fn = r.regions[0];
  EXPECT_EQ(fn.kind, RegionKind::Function);
  EXPECT_EQ(fn.parent, std::nullopt);
  EXPECT_EQ(fn.entry_block, 0_b);
  ASSERT_EQ(fn.exit_blocks.size(), 1u);
  EXPECT_EQ(f.blocks[fn.exit_blocks[0]].insts.back().op, mir::Op::Ret);
  EXPECT_EQ(slot_names(fn), (std::vector<std::string>{"names", "i", "label", "tmp", "after"}));

  const Region& loop = loop_region(r, 0);
  EXPECT_EQ(loop.entry_block, f.loops[0].header);
  EXPECT_EQ(loop.exit_blocks, std::vector<BlockId>{f.loops[0].exit});
  EXPECT_EQ(loop.parent, std::optional<RegionId>(0));
  // `after` is defined past the loop's exit and not yet live in it.
  EXPECT_EQ(slot_names(loop), (std::vector<std::string>{"names", "i", "label", "tmp"}));

  const Region& body = block_region(r, f, 1);
  EXPECT_EQ(body.entry_block, f.loops[0].body);
  // The body scope ends where `label` dies: the end of the if's merge block.
  EXPECT_EQ(body.exit_blocks, std::vector<BlockId>{f.ifs[0].merge});
  EXPECT_EQ(body.parent, std::optional<RegionId>(loop.id));

  const Region& branch = if_region(r, f, 0);
  EXPECT_EQ(branch.entry_block, f.ifs[0].cond);
  EXPECT_EQ(branch.entry_block, f.loops[0].body);  // the if starts in the body's first block
  EXPECT_EQ(branch.exit_blocks, std::vector<BlockId>{f.ifs[0].merge});
  EXPECT_EQ(branch.parent, std::optional<RegionId>(body.id));

  // Every scope exit has its keep, even where nothing holds a reference: the
  // then-branch ends in its own block, as does the inner { } (keep for tmp).
  const Region& then_scope = block_region(r, f, 2);
  EXPECT_EQ(then_scope.entry_block, f.ifs[0].then_entry);
  EXPECT_EQ(then_scope.exit_blocks, std::vector<BlockId>{f.ifs[0].then_entry});
  EXPECT_EQ(then_scope.parent, std::optional<RegionId>(branch.id));
  const Region& inner = block_region(r, f, 3);
  EXPECT_EQ(inner.entry_block, f.ifs[0].then_entry);
  EXPECT_EQ(inner.exit_blocks, std::vector<BlockId>{f.ifs[0].then_entry});
  EXPECT_EQ(inner.parent, std::optional<RegionId>(then_scope.id));  // same blocks: the outer scope is the parent

  EXPECT_EQ(slot_names(inner), (std::vector<std::string>{"names", "i", "label", "tmp"}));
  for (const Region& reg : r.regions) {
    if (reg.id != 0) {
      EXPECT_FALSE(has_slot(reg, "after")) << reg.id;
    }
  }
  EXPECT_EQ(kind_of(r, "names"), RefSlotKind::StrongRoot);
  EXPECT_EQ(kind_of(r, "i"), RefSlotKind::NonRef);
  EXPECT_EQ(kind_of(r, "label"), RefSlotKind::StrongRoot);
}

constexpr const char* kBreak = R"(
static box Main {
    main() {
        local i = 0
        loop {
            local a = "a" + i
            {
                local b = a + "b"
                if i == 5 {
                    local c = b + "c"
                    break
                }
            }
            i = i + 1
        }
        local after = "z" + i
        print(after)
        return 0
    }
}
)";

TEST(RegionStructure, BreakOutOfNestedScopesEndsEachOfThem) {
  std::optional<mir::Module> m = lower_source(kBreak);
  ASSERT_TRUE(m);
  const mir::Function& f = function(*m, "Main.main/0");
  ASSERT_EQ(f.loops.size(), 1u);
  ASSERT_EQ(f.ifs.size(), 1u);
  ASSERT_EQ(f.scopes.size(), 4u);  // body, loop body, { }, then branch
  FunctionRegions r = build_regions(f);
  const BlockId brk = f.ifs[0].then_entry;  // the block that breaks
  ASSERT_EQ(f.blocks[brk].insts.back().op, mir::Op::Br);
  EXPECT_EQ(f.blocks[brk].insts.back().targets[0], f.loops[0].exit);

  // The break leaves the then branch, the { } and the loop body: one keep for each.
  for (size_t scope : {1u, 2u, 3u}) {
    const Region& reg = block_region(r, f, scope);
    EXPECT_NE(std::find(reg.exit_blocks.begin(), reg.exit_blocks.end(), brk), reg.exit_blocks.end()) << scope;
  }
  EXPECT_EQ(block_region(r, f, 3).exit_blocks, std::vector<BlockId>{brk});  // the then branch ends only there
  EXPECT_EQ(block_region(r, f, 1).exit_blocks.size(), 2u);                  // normal end and break
  EXPECT_EQ(block_region(r, f, 2).exit_blocks.size(), 2u);

  // Parents follow the source nesting: loop ⊃ body ⊃ { } ⊃ if ⊃ then branch.
  const Region& loop = loop_region(r, 0);
  EXPECT_EQ(block_region(r, f, 1).parent, std::optional<RegionId>(loop.id));
  EXPECT_EQ(block_region(r, f, 2).parent, std::optional<RegionId>(block_region(r, f, 1).id));
  EXPECT_EQ(if_region(r, f, 0).parent, std::optional<RegionId>(block_region(r, f, 2).id));
  EXPECT_EQ(block_region(r, f, 3).parent, std::optional<RegionId>(if_region(r, f, 0).id));

  // The break is the loop's only way out, so the if's entry dominates the
  // loop exit; the if region still ends at the loop: nothing after it is part of it.
  EXPECT_EQ(slot_names(if_region(r, f, 0)), (std::vector<std::string>{"i", "a", "b", "c"}));
  EXPECT_EQ(slot_names(block_region(r, f, 3)), (std::vector<std::string>{"i", "a", "b", "c"}));
  for (const Region& reg : r.regions) {
    if (reg.id != 0) {
      EXPECT_FALSE(has_slot(reg, "after")) << reg.id;
    }
  }
}

TEST(RegionStructure, StraightLineFunctionHasOnlyItsOwnRegion) {
  std::optional<mir::Module> m = lower_source(R"(
static box Main {
    add(a, b) {
        local sum = a + b
        return sum
    }
    main() { return Main.add(1, 2) }
}
)");
  ASSERT_TRUE(m);
  const mir::Function& f = function(*m, "Main.add/2");
  FunctionRegions r = build_regions(f);
  ASSERT_EQ(r.regions.size(), 1u);
  const Region& fn = r.regions[0];
  EXPECT_EQ(fn.kind, RegionKind::Function);
  EXPECT_EQ(fn.parent, std::nullopt);
  EXPECT_EQ(fn.entry_block, 0_b);
  EXPECT_EQ(fn.exit_blocks, std::vector<BlockId>{0_b});
  EXPECT_EQ(slot_names(fn), (std::vector<std::string>{"a", "b", "sum"}));
  for (const SlotMetadata& s : fn.slots) EXPECT_EQ(s.ref_kind, RefSlotKind::NonRef) << s.name;
}

TEST(RegionStructure, EarlyReturnsAreFunctionExits) {
  std::optional<mir::Module> m = lower_source(R"(
static box Main {
    sign(n) {
        if n < 0 { return -1 }
        if n == 0 { return 0 }
        return 1
    }
    main() { return Main.sign(3) }
}
)");
  ASSERT_TRUE(m);
  const mir::Function& f = function(*m, "Main.sign/1");
  FunctionRegions r = build_regions(f);
  std::vector<BlockId> rets;
  for (BlockId b{0}; b < f.blocks.size(); ++b)
    if (f.blocks[b].insts.back().op == mir::Op::Ret) rets.push_back(b);
  EXPECT_EQ(rets.size(), 3u);
  EXPECT_EQ(r.regions[0].exit_blocks, rets);
  ASSERT_EQ(f.ifs.size(), 2u);
  // The second if starts at the first one's merge: a sibling, not a child.
  EXPECT_EQ(f.ifs[1].cond, f.ifs[0].merge);
  EXPECT_EQ(if_region(r, f, 0).parent, std::optional<RegionId>(0));
  EXPECT_EQ(if_region(r, f, 1).parent, std::optional<RegionId>(0));
}

// Hand-written MIR (run-mir) may name blocks, scopes and slots that do not
// exist; the region layer must skip them, not index with them.
TEST(RegionStructure, MalformedFormsAreSkipped) {
  mir::Function f;
  f.name = "Bad.f/0";
  f.ret = mir::Tag::of(mir::Kind::Void);
  mir::FunctionBuilder b(f);
  b.set_params({});
  BlockId b0 = b.new_block(), b1 = b.new_block();
  b.set_block(b0);
  mir::ValueId v = b.const_i(1);
  mir::Inst keep;
  keep.op = mir::Op::Keep;
  keep.imm = 7;  // no such scope
  keep.args = {v};
  b.emit(keep, false);
  b.br(b1);
  b.set_block(b1);
  b.ret(std::nullopt);
  f.loops.push_back(mir::LoopForm{mir::kNoBlock, b1, b1, 40_b});  // no header: no region
  f.ifs.push_back(mir::IfForm{b0, b1, b1, 99_b});                 // merge that does not exist: no exit
  f.scopes.push_back(mir::ScopeForm{b0, mir::kNone});
  f.scopes.push_back(mir::ScopeForm{12_b, 0});  // entry that does not exist: no region
  f.slot_names = {"x"};
  f.value_slot = {5};  // shorter than the values, and naming a slot that does not exist

  FunctionRegions r = build_regions(f);
  ASSERT_EQ(r.regions.size(), 2u);
  EXPECT_EQ(r.regions[0].exit_blocks, std::vector<BlockId>{b1});
  EXPECT_EQ(r.regions[1].kind, RegionKind::If);
  EXPECT_TRUE(r.regions[1].exit_blocks.empty());
  EXPECT_EQ(r.regions[1].parent, std::optional<RegionId>(0));
  EXPECT_EQ(r.registry.get(0).ref_kind, RefSlotKind::NonRef);
  EXPECT_TRUE(r.regions[0].slots.empty());

  mir::Function empty;
  empty.name = "Empty.f/0";
  FunctionRegions e = build_regions(empty);
  ASSERT_EQ(e.regions.size(), 1u);
  EXPECT_TRUE(e.regions[0].exit_blocks.empty());
}

// A function with thousands of blocks and regions: the analysis stays near
// linear, so this finishes quickly even under sanitizers and Valgrind.
TEST(RegionStructure, ThousandsOfBlocks) {
  std::string src = "static box Main {\n  main() {\n    local s = \"a\" + 1\n    local i = 0\n";
  const int kIfs = 1500;
  for (int k = 0; k < kIfs; ++k)
    src += "    if i == " + std::to_string(k) + " { local t = s + i\n print(t) } else { i = i + 1 }\n";
  src += "    return i\n  }\n}\n";
  std::optional<mir::Module> m = lower_source(src);
  ASSERT_TRUE(m);
  const mir::Function& f = function(*m, "Main.main/0");
  ASSERT_EQ(f.ifs.size(), static_cast<size_t>(kIfs));
  EXPECT_GT(f.blocks.size(), 3u * kIfs);
  FunctionRegions r = build_regions(f);
  ASSERT_EQ(r.regions.size(), 1 + f.ifs.size() + f.scopes.size() - 1);
  for (size_t k = 0; k < f.ifs.size(); ++k) {
    const Region& reg = if_region(r, f, k);
    ASSERT_EQ(reg.parent, std::optional<RegionId>(0)) << k;
    ASSERT_EQ(slot_names(reg), (std::vector<std::string>{"s", "i", "t"})) << k;
  }
}

// --- trace -------------------------------------------------------------------------------

constexpr const char* kTraced = R"(
static box Main {
    main() {
        local s = "a" + 1
        local i = 0
        loop(i < 2) { i = i + 1 }
        print(s)
        return 0
    }
    other() { return 1 }
}
)";

TEST(RegionTrace, PrintsOneLinePerRegion) {
  std::optional<mir::Module> m = lower_source(kTraced);
  ASSERT_TRUE(m);
  const mir::Function& f = function(*m, "Main.main/0");
  FunctionRegions r = build_regions(f);
  ASSERT_EQ(r.regions.size(), 3u);
  ASSERT_EQ(r.regions[0].exit_blocks.size(), 1u);
  const std::string bb = "bb";
  std::string expected =
      "[region/observe] fn=Main.main/0 id=RegionId(0) kind=Function entry=bb0 exits=[" + bb +
      std::to_string(r.regions[0].exit_blocks[0]) + "] slots=[s:StrongRoot, i:NonRef]\n" +
      "[region/observe] fn=Main.main/0 id=RegionId(1) kind=Loop entry=" + bb + std::to_string(f.loops[0].header) +
      " exits=[" + bb + std::to_string(f.loops[0].exit) + "] slots=[s:StrongRoot, i:NonRef]\n" +
      "[region/observe] fn=Main.main/0 id=RegionId(2) kind=Block entry=" + bb + std::to_string(f.loops[0].body) +
      " exits=[" + bb + std::to_string(f.loops[0].body) + "] slots=[s:StrongRoot, i:NonRef]\n";

  {
    ScopedEnv on("NYASH_REGION_TRACE", "1");
    ScopedEnv filter("NYASH_REGION_TRACE_FILTER", nullptr);
    EXPECT_TRUE(trace_enabled("Main.main/0"));
    EXPECT_EQ(traced(r), expected);
  }
  {
    ScopedEnv on("NYASH_REGION_TRACE", "1");
    ScopedEnv filter("NYASH_REGION_TRACE_FILTER", "");  // empty: no filter
    EXPECT_EQ(traced(r), expected);
  }
  {
    ScopedEnv on("NYASH_REGION_TRACE", "1");
    ScopedEnv filter("NYASH_REGION_TRACE_FILTER", "n.ma");  // a substring of the name
    EXPECT_TRUE(trace_enabled("Main.main/0"));
    EXPECT_FALSE(trace_enabled("Main.other/0"));
    EXPECT_EQ(traced(r), expected);
    EXPECT_EQ(traced(build_regions(function(*m, "Main.other/0"))), "");
  }
  {
    ScopedEnv on("NYASH_REGION_TRACE", "1");
    ScopedEnv filter("NYASH_REGION_TRACE_FILTER", "StageB");
    EXPECT_FALSE(trace_enabled("Main.main/0"));
    EXPECT_EQ(traced(r), "");
  }
}

TEST(RegionTrace, SilentUnlessEnabled) {
  std::optional<mir::Module> m = lower_source(kTraced);
  ASSERT_TRUE(m);
  FunctionRegions r = build_regions(function(*m, "Main.main/0"));
  ScopedEnv filter("NYASH_REGION_TRACE_FILTER", nullptr);
  for (const char* value : {static_cast<const char*>(nullptr), "0", "", "yes", "11"}) {
    ScopedEnv on("NYASH_REGION_TRACE", value);
    EXPECT_FALSE(trace_enabled("Main.main/0")) << (value ? value : "(unset)");
    EXPECT_EQ(traced(r), "") << (value ? value : "(unset)");
  }
}

// --- JSON ----------------------------------------------------------------------------------

// Parses `json` with Python's json module (a real parser, strict about
// control characters) and returns one line per region:
// "id kind parent entry exits slots", or the parser's error.
std::string python_summary(const std::string& json) {
  std::string path = testing::TempDir() + "region_test_" + std::to_string(::getpid()) + ".json";
  {
    std::ofstream out(path, std::ios::binary);
    out << json;
  }
  const std::string script =
      "import json,sys\n"
      "d = json.load(open(sys.argv[1], encoding='utf-8'))\n"
      "assert set(d) == {'function', 'slots', 'regions'}\n"
      "print('function', d['function'].encode('utf-8').hex())\n"
      "print('slots', ' '.join(s['name'] + ':' + s['ref_kind'] for s in d['slots']))\n"
      "for r in d['regions']:\n"
      "    print(r['id'], r['kind'], 'null' if r['parent'] is None else r['parent'], r['entry'],\n"
      "          ','.join(map(str, r['exits'])), ','.join(r['slots']))\n";
  std::string script_path = path + ".py";
  {
    std::ofstream out(script_path, std::ios::binary);
    out << script;
  }
  std::string cmd = "python3 " + script_path + " " + path + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return "popen failed";
  std::string text;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
  int status = pclose(p);
  std::remove(path.c_str());
  std::remove(script_path.c_str());
  if (status != 0) text += "exit status " + std::to_string(status);
  return text;
}

std::string hex(const std::string& s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// The same summary, from the C++ structure.
std::string expected_summary(const FunctionRegions& r, const std::string& function_utf8) {
  std::string out = "function " + hex(function_utf8) + "\nslots ";
  for (size_t i = 0; i < r.registry.slots().size(); ++i) {
    if (i > 0) out += " ";
    out += r.registry.slots()[i].name + ":" + ref_slot_kind_name(r.registry.slots()[i].ref_kind);
  }
  out += "\n";
  for (const Region& reg : r.regions) {
    out += std::to_string(reg.id) + " " + region_kind_name(reg.kind) + " " +
           (reg.parent ? std::to_string(*reg.parent) : "null") + " " + std::to_string(reg.entry_block) + " ";
    for (size_t i = 0; i < reg.exit_blocks.size(); ++i) out += (i ? "," : "") + std::to_string(reg.exit_blocks[i]);
    out += " ";
    for (size_t i = 0; i < reg.slots.size(); ++i) out += (i ? "," : "") + reg.slots[i].name;
    out += "\n";
  }
  return out;
}

TEST(RegionJson, MatchesTheRegionsAndParses) {
  std::optional<mir::Module> m = lower_source(kNested);
  ASSERT_TRUE(m);
  const mir::Function& f = function(*m, "Main.main/0");
  FunctionRegions r = build_regions(f);
  std::string json = to_json(r);
  EXPECT_EQ(json.rfind("{\"function\": \"Main.main/0\", \"slots\": [{\"name\": \"names\", \"ref_kind\": \"StrongRoot\"}, "
                       "{\"name\": \"i\", \"ref_kind\": \"NonRef\"}, ",
                       0),
            0u)
      << json;
  EXPECT_NE(json.find("\"regions\": [{\"id\": 0, \"kind\": \"Function\", \"parent\": null, \"entry\": 0, \"exits\": [" +
                      std::to_string(r.regions[0].exit_blocks[0]) +
                      "], \"slots\": [\"names\", \"i\", \"label\", \"tmp\", \"after\"]}, {\"id\": 1, \"kind\": \"Loop\", "
                      "\"parent\": 0, \"entry\": " +
                      std::to_string(f.loops[0].header) + ", \"exits\": [" + std::to_string(f.loops[0].exit) + "]"),
            std::string::npos)
      << json;
  EXPECT_EQ(python_summary(json), expected_summary(r, "Main.main/0"));
}

TEST(RegionJson, EscapesEveryName) {
  FunctionRegions r;
  r.function = "Odd \"fn\"\\ \n\t\x01 caf\xc3\xa9 \xff\xc3";
  r.registry.add_slot("tab\there");
  r.registry.add_slot("\xe2\x82\xac");  // a valid three-byte sequence is kept as is
  Region fn;
  fn.entry_block = 0_b;
  fn.slots = r.registry.slots();
  r.regions.push_back(fn);
  std::string json = to_json(r);
  EXPECT_NE(json.find("\"function\": \"Odd \\\"fn\\\"\\\\ \\n\\t\\u0001 caf\xc3\xa9 \\u00ff\\u00c3\""),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("{\"name\": \"tab\\there\", \"ref_kind\": \"NonRef\"}, {\"name\": \"\xe2\x82\xac\""),
            std::string::npos)
      << json;
  // Bytes that are not UTF-8 come back as the code points of the same value.
  EXPECT_EQ(python_summary(json), expected_summary(r, "Odd \"fn\"\\ \n\t\x01 caf\xc3\xa9 \xc3\xbf\xc3\x83"));
}

}  // namespace
}  // namespace hako::region
