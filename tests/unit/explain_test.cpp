// The embedded explanations (src/diag/explain.h) are the files of
// docs/explain/, byte for byte, one for every code of diagnostics.def.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "diag/diag.h"
#include "diag/explain.h"

namespace hako::diag {
namespace {

std::string read_doc(std::string_view code) {
  std::ifstream in(std::string(HAKO_SOURCE_DIR) + "/docs/explain/" + std::string(code) + ".md", std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Explain, EveryCodeHasItsFileEmbedded) {
  for (Kind kind : all_kinds()) {
    std::string code = info(kind).code;
    std::optional<std::string_view> text = explanation(code);
    ASSERT_TRUE(text.has_value()) << code;
    EXPECT_EQ(*text, read_doc(code)) << code;
    EXPECT_EQ(text->substr(0, code.size() + 4), "# " + code + ": ") << code;
  }
  EXPECT_EQ(explained_codes().size(), all_kinds().size());
}

TEST(Explain, LooksCodesUpAsUsersWriteThem) {
  ASSERT_TRUE(explanation("E0312").has_value());
  EXPECT_EQ(explanation("e0312"), explanation("E0312"));
  EXPECT_EQ(explanation_title("E0312"), std::optional<std::string_view>("invalid operands"));
  EXPECT_EQ(explanation_title("w0308"), std::optional<std::string_view>("unused local"));
  EXPECT_FALSE(explanation("E9999").has_value());
  EXPECT_FALSE(explanation("E031").has_value());
  EXPECT_FALSE(explanation("").has_value());
  EXPECT_FALSE(explanation_title("X0312").has_value());
}

TEST(Explain, MarkersAreDroppedForDisplay) {
  EXPECT_EQ(without_markers("# E1: x\n\n<!-- failing: check -->\n```hako\nprint(1)\n```\n<!-- dir: lib -->"),
            "# E1: x\n\n```hako\nprint(1)\n```\n");
  EXPECT_EQ(without_markers("text <!-- kept --> here\n"), "text <!-- kept --> here\n");
  for (std::string_view code : explained_codes()) {
    std::string shown = without_markers(*explanation(code));
    EXPECT_EQ(shown.find("<!--"), std::string::npos) << code;
    EXPECT_EQ(shown.substr(0, 2), "# ") << code;
  }
}

TEST(Explain, CodesAreSortedAndUnique) {
  std::vector<std::string_view> codes = explained_codes();
  for (size_t i = 1; i < codes.size(); ++i) EXPECT_LT(codes[i - 1], codes[i]);
}

}  // namespace
}  // namespace hako::diag
