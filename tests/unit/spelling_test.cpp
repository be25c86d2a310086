// Edit distance and the closest-name choice behind "did you mean".
#include <gtest/gtest.h>

#include "base/spelling.h"

namespace hako::base {
namespace {

TEST(Spelling, EditDistanceCountsEachEditOnce) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("", "ab"), 2u);
  EXPECT_EQ(edit_distance("count", "count"), 0u);
  EXPECT_EQ(edit_distance("count", "cont"), 1u);     // deletion
  EXPECT_EQ(edit_distance("cont", "count"), 1u);     // insertion
  EXPECT_EQ(edit_distance("count", "mount"), 1u);    // substitution
  EXPECT_EQ(edit_distance("retrun", "return"), 1u);  // swap of neighbours
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(Spelling, ThresholdIsAThirdOfTheLengthAtLeastOne) {
  EXPECT_EQ(spelling_threshold("x"), 1u);
  EXPECT_EQ(spelling_threshold("abcde"), 1u);
  EXPECT_EQ(spelling_threshold("abcdef"), 2u);
  EXPECT_EQ(spelling_threshold("abcdefghi"), 3u);
}

TEST(Spelling, ClosestNameTakesTheNearestAndTheFirstOnTies) {
  EXPECT_EQ(closest_name("lenght", {"size", "length", "substring"}), "length");
  EXPECT_EQ(closest_name("cnt", {"cat", "cot"}), "cat");  // a tie: the first
  EXPECT_EQ(closest_name("totl", {"tot", "total"}), "tot");
  EXPECT_EQ(closest_name("counter", {"count", "counte"}), "counte");
  EXPECT_FALSE(closest_name("x", {"abc", "width"}));
  EXPECT_FALSE(closest_name("name", {"name"}));  // never the name itself
  EXPECT_FALSE(closest_name("abc", {}));
}

}  // namespace
}  // namespace hako::base
