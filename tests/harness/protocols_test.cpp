#include "harness/protocols.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "harness/bench/workloads.hpp"
#include "harness/rules/rule.hpp"

namespace ph::harness {
namespace {

// Every column of every row is filled, and the rule set is the row's own protocol's: a row
// that hands the judge another protocol's rules (or none) fails here.
TEST(Protocols, EveryRowFillsEveryColumn) {
  std::set<std::string_view> names;
  ASSERT_FALSE(protocol_table().empty());
  for (const auto& row : protocol_table()) {
    SCOPED_TRACE(std::string(row.name));
    EXPECT_TRUE(names.insert(row.name).second) << "the name is in two rows";
    EXPECT_NE(row.port, 0);
    EXPECT_NE(row.implicit_tls_port, row.port);
    EXPECT_NE(row.dialect, nullptr);
    EXPECT_NE(row.client_driver, nullptr);
    ASSERT_NE(row.rules, nullptr);
    ASSERT_FALSE(row.rules().empty());
    for (const rules::rule* r : row.rules())
      EXPECT_EQ(r->info().protocol, row.name) << r->info().id;
    ASSERT_NE(row.workloads, nullptr);
    EXPECT_FALSE(row.workloads->ops.empty());
    EXPECT_TRUE(row.workloads->url.starts_with(std::string(row.name) + "://"))
        << row.workloads->url;
    EXPECT_EQ(find_protocol(row.name), &row);
  }
  EXPECT_EQ(find_protocol("gopher"), nullptr);
}

TEST(Protocols, NamesAndRulesComeFromTheRows) {
  EXPECT_EQ(protocol_names(), "smtp, pop3, nntp, ftp, http");
  std::size_t total = 0;
  for (const auto& row : protocol_table())
    total += row.rules().size();
  EXPECT_EQ(all_rules().size(), total);
}

}  // namespace
}  // namespace ph::harness
