#include "harness/drivers/op_table.hpp"

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace ph::harness::drivers {
namespace {

using json = nlohmann::json;

struct counter {
  int calls = 0;
  json last_args;
};

void positive(const scenario& scen, const std::string& pointer, const json& value) {
  if (value.get<long long>() == 0) scen.fail(pointer, "n must not be 0");
}

void a_or_b(const scenario& scen, const client_step& step) {
  if (step.args.value("a", "").empty() && step.args.value("b", "").empty())
    scen.fail(step.pointer, "a or b must be non-empty");
}

// A toy protocol: rows out of alphabetical order, to show check() lists them as written.
op_table<counter> toy(wording words) {
  using k = arg_kind;
  return op_table<counter>(
      "TOY", words,
      {
          {{"zap", {{"n", true, k::count, &positive}, {"flag", false, k::boolean}}},
           [](counter& c, const json& a) -> json {
             ++c.calls;
             c.last_args = a;
             return {{"zapped", a["n"]}};
           }},
          {{"ab", {{"a"}, {"b"}}, {{"a", "b"}}, &a_or_b},
           [](counter& c, const json&) -> json {
             ++c.calls;
             return json::object();
           }},
          {{"idle", {}}, [](counter&, const json&) -> json { return json::object(); }},
      });
}

scenario parsed(const std::string& body) {
  return parse_scenario(
      "protocol = \"smtp\"\nsummary = \"s\"\n" + body + "[server]\nmode = \"model\"\n", "t.toml",
      "");
}

std::string step(const std::string& op, const std::string& args = "") {
  return "[[client]]\nop = \"" + op + "\"\nargs = {" + args + "}\n";
}

// What check() says about `body` ("" when it passes).
std::string checked(const std::string& body, wording words = wording::argument) {
  try {
    toy(words).catalogue().check(parsed(body));
  } catch (const scenario_error& e) {
    return e.what();
  }
  return "";
}

TEST(OpTable, PerformCallsTheRowOfTheStepsOp) {
  const auto table = toy(wording::argument);
  counter c;
  client_step s;
  s.op = "zap";
  s.args = {{"n", 3}};
  EXPECT_EQ(table.perform(c, s), (json{{"zapped", 3}}));
  EXPECT_EQ(c.calls, 1);
  EXPECT_EQ(c.last_args, (json{{"n", 3}}));
  s.op = "nope";
  EXPECT_THROW(table.perform(c, s), std::logic_error);
}

TEST(OpTable, CheckNamesTheFirstFaultOfEachKind) {
  EXPECT_EQ(checked(step("zap", "n = 1") + step("ab", "a = \"x\"") + step("idle")), "");
  EXPECT_EQ(checked(step("nope")), "t.toml:4: unknown TOY op 'nope' (known: zap, ab, idle)");
  EXPECT_EQ(checked(step("zap")), "t.toml:3: op 'zap' needs args.n");
  EXPECT_EQ(checked(step("ab", "a = \"x\", b = \"y\"")),
            "t.toml:3: op 'ab' takes a or b, not both");
  EXPECT_EQ(checked(step("zap", "n = 1, m = 2")), "t.toml:5: op 'zap' takes no argument 'm'");
  EXPECT_EQ(checked(step("zap", "n = -1")),
            "t.toml:5: argument 'n' must be a non-negative integer");
  // The value check runs once the kind holds, the step check once every argument is valid.
  EXPECT_EQ(checked(step("zap", "n = 0")), "t.toml:5: n must not be 0");
  EXPECT_EQ(checked(step("ab", "b = \"\"")), "t.toml:3: a or b must be non-empty");
  // Required before types, types in key order.
  EXPECT_EQ(checked(step("zap", "flag = 1")), "t.toml:3: op 'zap' needs args.n");
  EXPECT_EQ(checked(step("zap", "n = \"1\", flag = 1")),
            "t.toml:5: argument 'flag' must be a boolean");
}

TEST(OpTable, EachWordingOfAMistypedArgument) {
  const std::string bad_flag = step("zap", "n = 1, flag = 1");
  EXPECT_EQ(checked(bad_flag, wording::argument), "t.toml:5: argument 'flag' must be a boolean");
  EXPECT_EQ(checked(bad_flag, wording::quoted), "t.toml:5: 'flag' must be true or false");
  EXPECT_EQ(checked(bad_flag, wording::bare), "t.toml:5: flag must be a boolean");
  EXPECT_EQ(checked(bad_flag, wording::terse), "t.toml:5: argument 'flag' has the wrong type");
  // Only the terse wording has its own message for an op that takes no arguments.
  EXPECT_EQ(checked(step("idle", "x = 1"), wording::argument),
            "t.toml:5: op 'idle' takes no argument 'x'");
  EXPECT_EQ(checked(step("idle", "x = 1"), wording::terse),
            "t.toml:5: op 'idle' takes no arguments");
}

TEST(OpTable, ClientOptionsAreCheckedAgainstTheirList) {
  const std::vector<arg_spec> options = {{"timeout_ms", false, arg_kind::any},
                                         {"mode", false, arg_kind::string},
                                         {"retries", false, arg_kind::count, &positive}};
  auto said = [&](const std::string& body) -> std::string {
    try {
      check_client_options(parsed(body), "TOY", wording::quoted, options);
    } catch (const scenario_error& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(said("[client_options]\nmode = \"a\"\nretries = 2\n"), "");
  EXPECT_EQ(said("[client_options]\nspeed = 1\n"),
            "t.toml:4: unknown TOY client option 'speed' (timeout_ms, mode, retries)");
  EXPECT_EQ(said("[client_options]\nmode = 1\n"), "t.toml:4: 'mode' must be a string");
  EXPECT_EQ(said("[client_options]\nretries = 0\n"), "t.toml:4: n must not be 0");
}

}  // namespace
}  // namespace ph::harness::drivers
