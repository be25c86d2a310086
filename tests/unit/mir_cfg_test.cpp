// Unit tests of src/mir/cfg.h: successors, predecessors, reverse postorder
// and dominators, the one CFG every stage reads.
#include <gtest/gtest.h>

#include "mir/cfg.h"

namespace hako::mir {
namespace {

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
    if (t.op == Op::CondBr) t.args = {0};
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
  for (BlockId b = 0; b < f.blocks.size(); ++b) {
    EXPECT_EQ(cfg.succs(b), successors(f, b)) << "bb" << b;
    EXPECT_EQ(cfg.preds(b), preds[b]) << "bb" << b;
  }
  EXPECT_EQ(cfg.rpo(), reverse_postorder(f));
}

TEST(Cfg, DiamondSuccessorsPredecessorsAndDominators) {
  // bb0 → bb1 | bb2 → bb3
  Function f = shaped({{1, 2}, {3}, {3}, {}});
  expect_consistent(f);
  Cfg cfg(f);
  EXPECT_EQ(cfg.succs(0), (Blocks{1, 2}));
  EXPECT_EQ(cfg.succs(3), Blocks{});
  EXPECT_EQ(cfg.preds(3), (Blocks{1, 2}));
  EXPECT_EQ(cfg.preds(0), Blocks{});
  EXPECT_EQ(cfg.rpo().front(), 0u);
  EXPECT_EQ(cfg.rpo().back(), 3u);
  EXPECT_EQ(cfg.rpo().size(), 4u);
  EXPECT_EQ(cfg.idom(0), kNone);
  EXPECT_EQ(cfg.idom(1), 0u);
  EXPECT_EQ(cfg.idom(3), 0u);
  EXPECT_TRUE(cfg.dominates(0, 3));
  EXPECT_TRUE(cfg.dominates(3, 3));
  EXPECT_FALSE(cfg.dominates(1, 3));
  EXPECT_FALSE(cfg.dominates(3, 0));
}

TEST(Cfg, BothEdgesToOneBlockAreOneSuccessor) {
  Function f = shaped({{1, 1}, {}});
  expect_consistent(f);
  EXPECT_EQ(successors(f, 0), Blocks{1});
  EXPECT_EQ(predecessors(f)[1], Blocks{0});
}

TEST(Cfg, SuccessorsKeepTargetOrder) {
  Function f = shaped({{2, 1}, {}, {}});
  EXPECT_EQ(successors(f, 0), (Blocks{2, 1}));
  EXPECT_EQ(reverse_postorder(f), (Blocks{0, 1, 2}));  // bb2 finishes first, so it comes last
}

TEST(Cfg, LoopHeaderDominatesBodyAndComesFirst) {
  // bb0 → bb1 (header) → bb2 (body) → bb1; bb1 → bb3 (exit)
  Function f = shaped({{1}, {2, 3}, {1}, {}});
  expect_consistent(f);
  Cfg cfg(f);
  EXPECT_EQ(cfg.preds(1), (Blocks{0, 2}));
  EXPECT_EQ(cfg.idom(2), 1u);
  EXPECT_EQ(cfg.idom(3), 1u);
  EXPECT_TRUE(cfg.dominates(1, 2));
  EXPECT_FALSE(cfg.dominates(2, 1));
  const Blocks& rpo = cfg.rpo();
  auto pos = [&](BlockId b) { return std::find(rpo.begin(), rpo.end(), b) - rpo.begin(); };
  EXPECT_LT(pos(1), pos(2));
  EXPECT_LT(pos(1), pos(3));
}

TEST(Cfg, UnreachableBlocksHaveEdgesButNoDominators) {
  // bb2 is dead code jumping into bb1.
  Function f = shaped({{1}, {}, {1}});
  expect_consistent(f);
  Cfg cfg(f);
  EXPECT_FALSE(cfg.reachable(2));
  EXPECT_EQ(cfg.idom(2), kNone);
  EXPECT_EQ(cfg.preds(1), (Blocks{0, 2}));  // predecessors include unreachable ones
  EXPECT_EQ(cfg.idom(1), 0u);               // but they do not weaken dominance
  EXPECT_FALSE(cfg.dominates(2, 2));
  EXPECT_EQ(cfg.rpo(), (Blocks{0, 1}));
}

TEST(Cfg, MissingTargetsAndTerminatorsAreIgnored) {
  Function f = shaped({{7, 1}, {}});
  f.blocks.push_back(Block{});  // an empty block: no terminator at all
  expect_consistent(f);
  EXPECT_EQ(successors(f, 0), Blocks{1});
  EXPECT_EQ(successors(f, 2), Blocks{});
  EXPECT_EQ(successors(f, 99), Blocks{});
  Cfg cfg(f);
  EXPECT_FALSE(cfg.reachable(7));
  EXPECT_FALSE(cfg.dominates(0, 7));
}

TEST(Cfg, EmptyFunction) {
  Function f;
  EXPECT_TRUE(reverse_postorder(f).empty());
  EXPECT_TRUE(predecessors(f).empty());
  Cfg cfg(f);
  EXPECT_FALSE(cfg.reachable(0));
}

TEST(Cfg, DeepChainDoesNotExhaustTheStack) {
  const BlockId n = 200000;
  std::vector<Blocks> ends(n);
  for (BlockId b = 0; b + 1 < n; ++b) ends[b] = {b + 1};
  Function f = shaped(ends);
  Cfg cfg(f);
  EXPECT_EQ(cfg.rpo().size(), n);
  EXPECT_EQ(cfg.idom(n - 1), n - 2);
  EXPECT_TRUE(cfg.dominates(0, n - 1));
  EXPECT_TRUE(cfg.dominates(n / 2, n - 1));
  EXPECT_FALSE(cfg.dominates(n - 1, n / 2));
}

}  // namespace
}  // namespace hako::mir
