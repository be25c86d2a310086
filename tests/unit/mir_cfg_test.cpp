// Unit tests of src/mir/cfg.h: successors, predecessors, reverse postorder
// and dominators, the one CFG every stage reads.
#include <gtest/gtest.h>

#include "mir/cfg.h"
#include "mir_ids.h"

namespace hako::mir {
namespace {

using namespace id_literals;
using Blocks = std::vector<BlockId>;

// A function whose blocks end as `ends` says: {} is `ret`, {t} is `br t`,
// {t, e} is `cond_br` on parameter 0.
Function shaped(const std::vector<Blocks>& ends) {
  Function f;
  f.name = "Main.f/1";
  f.params = {Tag::of(Kind::Bool)};
  f.value_tags = {Tag::of(Kind::Bool)};
  for (const Blocks& targets : ends) {
    Inst t;
    t.op = targets.empty() ? Op::Ret : targets.size() == 1 ? Op::Br : Op::CondBr;
    t.targets = targets;
    if (t.op == Op::CondBr) t.args = {0_v};
    Block blk;
    blk.insts.push_back(t);
    f.blocks.push_back(blk);
  }
  return f;
}

// The free functions and the Cfg class must give the same answers.
void expect_consistent(const Function& f) {
  Cfg cfg(f);
  std::vector<std::vector<BlockId>> preds = predecessors(f);
  for (BlockId b{0}; b < f.blocks.size(); ++b) {
    EXPECT_EQ(cfg.succs(b), successors(f, b)) << "bb" << b;
    EXPECT_EQ(cfg.preds(b), preds[b]) << "bb" << b;
  }
  EXPECT_EQ(cfg.rpo(), reverse_postorder(f));
}

TEST(Cfg, DiamondSuccessorsPredecessorsAndDominators) {
  // bb0 → bb1 | bb2 → bb3
  Function f = shaped({{1_b, 2_b}, {3_b}, {3_b}, {}});
  expect_consistent(f);
  Cfg cfg(f);
  EXPECT_EQ(cfg.succs(0_b), (Blocks{1_b, 2_b}));
  EXPECT_EQ(cfg.succs(3_b), Blocks{});
  EXPECT_EQ(cfg.preds(3_b), (Blocks{1_b, 2_b}));
  EXPECT_EQ(cfg.preds(0_b), Blocks{});
  EXPECT_EQ(cfg.rpo().front(), 0_b);
  EXPECT_EQ(cfg.rpo().back(), 3_b);
  EXPECT_EQ(cfg.rpo().size(), 4u);
  EXPECT_EQ(cfg.idom(0_b), kNoBlock);
  EXPECT_EQ(cfg.idom(1_b), 0_b);
  EXPECT_EQ(cfg.idom(3_b), 0_b);
  EXPECT_TRUE(cfg.dominates(0_b, 3_b));
  EXPECT_TRUE(cfg.dominates(3_b, 3_b));
  EXPECT_FALSE(cfg.dominates(1_b, 3_b));
  EXPECT_FALSE(cfg.dominates(3_b, 0_b));
}

TEST(Cfg, BothEdgesToOneBlockAreOneSuccessor) {
  Function f = shaped({{1_b, 1_b}, {}});
  expect_consistent(f);
  EXPECT_EQ(successors(f, 0_b), Blocks{1_b});
  EXPECT_EQ(predecessors(f)[1], Blocks{0_b});
}

TEST(Cfg, SuccessorsKeepTargetOrder) {
  Function f = shaped({{2_b, 1_b}, {}, {}});
  EXPECT_EQ(successors(f, 0_b), (Blocks{2_b, 1_b}));
  EXPECT_EQ(reverse_postorder(f), (Blocks{0_b, 1_b, 2_b}));  // bb2 finishes first, so it comes last
}

TEST(Cfg, LoopHeaderDominatesBodyAndComesFirst) {
  // bb0 → bb1 (header) → bb2 (body) → bb1; bb1 → bb3 (exit)
  Function f = shaped({{1_b}, {2_b, 3_b}, {1_b}, {}});
  expect_consistent(f);
  Cfg cfg(f);
  EXPECT_EQ(cfg.preds(1_b), (Blocks{0_b, 2_b}));
  EXPECT_EQ(cfg.idom(2_b), 1_b);
  EXPECT_EQ(cfg.idom(3_b), 1_b);
  EXPECT_TRUE(cfg.dominates(1_b, 2_b));
  EXPECT_FALSE(cfg.dominates(2_b, 1_b));
  const Blocks& rpo = cfg.rpo();
  auto pos = [&](BlockId b) { return std::find(rpo.begin(), rpo.end(), b) - rpo.begin(); };
  EXPECT_LT(pos(1_b), pos(2_b));
  EXPECT_LT(pos(1_b), pos(3_b));
}

TEST(Cfg, UnreachableBlocksHaveEdgesButNoDominators) {
  // bb2 is dead code jumping into bb1.
  Function f = shaped({{1_b}, {}, {1_b}});
  expect_consistent(f);
  Cfg cfg(f);
  EXPECT_FALSE(cfg.reachable(2_b));
  EXPECT_EQ(cfg.idom(2_b), kNoBlock);
  EXPECT_EQ(cfg.preds(1_b), (Blocks{0_b, 2_b}));  // predecessors include unreachable ones
  EXPECT_EQ(cfg.idom(1_b), 0_b);                  // but they do not weaken dominance
  EXPECT_FALSE(cfg.dominates(2_b, 2_b));
  EXPECT_EQ(cfg.rpo(), (Blocks{0_b, 1_b}));
}

TEST(Cfg, MissingTargetsAndTerminatorsAreIgnored) {
  Function f = shaped({{7_b, 1_b}, {}});
  f.blocks.push_back(Block{});  // an empty block: no terminator at all
  expect_consistent(f);
  EXPECT_EQ(successors(f, 0_b), Blocks{1_b});
  EXPECT_EQ(successors(f, 2_b), Blocks{});
  EXPECT_EQ(successors(f, 99_b), Blocks{});
  Cfg cfg(f);
  EXPECT_FALSE(cfg.reachable(7_b));
  EXPECT_FALSE(cfg.dominates(0_b, 7_b));
}

TEST(Cfg, EmptyFunction) {
  Function f;
  EXPECT_TRUE(reverse_postorder(f).empty());
  EXPECT_TRUE(predecessors(f).empty());
  Cfg cfg(f);
  EXPECT_FALSE(cfg.reachable(0_b));
}

TEST(Cfg, DeepChainDoesNotExhaustTheStack) {
  const uint32_t n = 200000;
  std::vector<Blocks> ends(n);
  for (BlockId b{0}; b + 1 < n; ++b) ends[b] = {BlockId{b + 1}};
  Function f = shaped(ends);
  Cfg cfg(f);
  const BlockId last{n - 1}, middle{n / 2};
  EXPECT_EQ(cfg.rpo().size(), n);
  EXPECT_EQ(cfg.idom(last), BlockId{n - 2});
  EXPECT_TRUE(cfg.dominates(0_b, last));
  EXPECT_TRUE(cfg.dominates(middle, last));
  EXPECT_FALSE(cfg.dominates(last, middle));
}

}  // namespace
}  // namespace hako::mir
