#include "reports/rfc_links.hpp"

#include <gtest/gtest.h>

namespace ph::reports {
namespace {

std::string joined(const std::vector<rfc_ref>& refs) {
  std::string out;
  for (const auto& r : refs)
    out += r.text;
  return out;
}

TEST(RfcLinks, OneSectionIsOneLink) {
  const auto refs = rfc_links("RFC 5321 §4.5.2");
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].text, "RFC 5321 §4.5.2");
  EXPECT_EQ(refs[0].url, "https://www.rfc-editor.org/rfc/rfc5321#section-4.5.2");
}

TEST(RfcLinks, ALaterSectionLinksIntoTheLastRfcNamed) {
  const auto refs = rfc_links("RFC 1870 §3, §5; RFC 5321 §4.3.1; §3.1");
  ASSERT_EQ(refs.size(), 7u);
  EXPECT_EQ(refs[0].url, "https://www.rfc-editor.org/rfc/rfc1870#section-3");
  EXPECT_EQ(refs[1].text, ", ");
  EXPECT_EQ(refs[1].url, "");
  EXPECT_EQ(refs[2].text, "§5");
  EXPECT_EQ(refs[2].url, "https://www.rfc-editor.org/rfc/rfc1870#section-5");
  EXPECT_EQ(refs[4].url, "https://www.rfc-editor.org/rfc/rfc5321#section-4.3.1");
  EXPECT_EQ(refs[6].text, "§3.1");
  EXPECT_EQ(refs[6].url, "https://www.rfc-editor.org/rfc/rfc5321#section-3.1");
  EXPECT_EQ(joined(refs), "RFC 1870 §3, §5; RFC 5321 §4.3.1; §3.1");
}

TEST(RfcLinks, RangesAppendicesAndBareNumbers) {
  auto refs = rfc_links("RFC 5321 §4.1.1.2–3");
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0].url, "https://www.rfc-editor.org/rfc/rfc5321#section-4.1.1.2");
  EXPECT_EQ(refs[1].text, "–3");
  refs = rfc_links("RFC 4648 §A.1");
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].url, "https://www.rfc-editor.org/rfc/rfc4648#appendix-A.1");
  refs = rfc_links("RFC 9112.");
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0].url, "https://www.rfc-editor.org/rfc/rfc9112");
  EXPECT_EQ(refs[1].text, ".");
}

TEST(RfcLinks, TextWithoutAnRfcStaysPlain) {
  for (const char* text : {"§3.1 alone", "implied", "", "XRFC 12", "RFC x"}) {
    const auto refs = rfc_links(text);
    for (const auto& r : refs)
      EXPECT_EQ(r.url, "") << text;
    EXPECT_EQ(joined(refs), text);
  }
}

}  // namespace
}  // namespace ph::reports
