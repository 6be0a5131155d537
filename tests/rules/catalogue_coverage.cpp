// The catalogue coverage check (CTest rules/catalogue-coverage): every rule `protoharness
// rules` lists must have at least one failing case and one passing case asserted in the rule
// tests, so that a rule whose check is broken cannot pass the suite unnoticed.
//
// Usage: catalogue_coverage RULE_TEST_EXECUTABLE...
// Runs each rule test executable whole with PH_RULE_OBSERVATIONS naming a fresh file; the
// executables write the (rule id, verdict) pairs their expect_fail/expect_pass calls saw
// (tests/rules/rule_test_support.hpp). An executable that fails, or writes nothing, fails the
// check: it cannot pass on missing data.
//
// Rules short of a case are listed in known_gaps below. The list may only shrink: an id short
// of a case and not listed fails the check, and so does a listed id that is no longer short
// (or no longer in the catalogue).

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness/protocols.hpp"
#include "harness/rules/rule.hpp"

namespace {

namespace fs = std::filesystem;

struct gap {
  std::string_view id;
  bool lacks_fail;
  bool lacks_pass;
};

// Rules without a failing case (lacks_fail) or without a passing case (lacks_pass) in the
// rule tests, each with a comment saying why: {"ID", lacks_fail, lacks_pass}. Remove an entry
// once a test asserts what it lacks; never add one for a new rule. Empty since the check was
// introduced: the eleven HTTP rules it found without a passing case got one in
// tests/rules/http_rules_test.cpp.
const std::vector<gap> known_gaps = {};

struct coverage {
  bool fail = false;
  bool pass = false;
};

// Runs `exe` whole, its observations going to `out`; returns "" or what went wrong.
std::string run_tests(const std::string& exe, const fs::path& out, const fs::path& log) {
  if (setenv("PH_RULE_OBSERVATIONS", out.c_str(), 1) != 0) return "cannot set the environment";
  const std::string cmd = "'" + exe + "' --gtest_brief=1 > '" + log.string() + "' 2>&1";
  const int status = std::system(cmd.c_str());
  if (status == -1) return "cannot start " + exe;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return exe + " failed (status " + std::to_string(status) + "; output in " + log.string() + ")";
  if (!fs::exists(out) || fs::file_size(out) == 0) return exe + " recorded no observations";
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: catalogue_coverage RULE_TEST_EXECUTABLE...\n";
    return 2;
  }
  std::string dir_template = (fs::temp_directory_path() / "ph-catalogue-coverage-XXXXXX").string();
  if (mkdtemp(dir_template.data()) == nullptr) {
    std::perror("mkdtemp");
    return 2;
  }
  const fs::path dir = dir_template;

  std::map<std::string, coverage> seen;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    const fs::path out = dir / ("observed-" + std::to_string(i) + ".txt");
    const fs::path log = dir / ("output-" + std::to_string(i) + ".txt");
    if (const std::string problem = run_tests(argv[i], out, log); !problem.empty()) {
      std::cout << "FAIL: " << problem << "\n";
      ok = false;
      continue;
    }
    std::ifstream in(out);
    std::string id, verdict;
    while (in >> id >> verdict) {
      if (verdict == "fail") seen[id].fail = true;
      if (verdict == "pass") seen[id].pass = true;
    }
  }
  if (!ok) return 1;  // the run directory stays, with the failing executable's output

  std::map<std::string, gap> listed;
  for (const gap& g : known_gaps)
    listed[std::string(g.id)] = g;

  std::size_t total = 0;
  std::size_t both = 0;
  std::set<std::string> catalogue;
  for (const auto* r : ph::harness::all_rules()) {
    const std::string& id = r->info().id;
    if (!catalogue.insert(id).second) continue;
    ++total;
    const coverage c = seen[id];
    if (c.fail && c.pass) ++both;
    const auto it = listed.find(id);
    if (it == listed.end()) {
      if (!c.fail || !c.pass) {
        std::cout << "FAIL: " << id << " has no " << (c.fail ? "passing" : "failing")
                  << (!c.fail && !c.pass ? " or passing" : "")
                  << " case in the rule tests: add one (tests/rules/)\n";
        ok = false;
      }
      continue;
    }
    const gap& g = it->second;
    if (!g.lacks_fail && !g.lacks_pass) {
      std::cout << "FAIL: " << id << " is listed in known_gaps as lacking nothing\n";
      ok = false;
    } else if (g.lacks_fail != !c.fail || g.lacks_pass != !c.pass) {
      std::cout << "FAIL: " << id << " is listed in known_gaps as lacking"
                << (g.lacks_fail ? " a failing case" : "")
                << (g.lacks_pass ? " a passing case" : "") << " but now lacks"
                << (!c.fail ? " a failing case" : "") << (!c.pass ? " a passing case" : "")
                << (c.fail && c.pass ? " nothing" : "")
                << ": update the entry (tests/rules/catalogue_coverage.cpp)\n";
      ok = false;
    } else {
      std::cout << "known gap: " << id << " lacks" << (g.lacks_fail ? " a failing case" : "")
                << (g.lacks_pass ? " a passing case" : "") << "\n";
    }
  }
  for (const auto& [id, g] : listed)
    if (!catalogue.contains(id)) {
      std::cout << "FAIL: " << id << " is listed in known_gaps but is not in the catalogue\n";
      ok = false;
    }
  std::cout << both << " of " << total << " rules have both a failing and a passing case; "
            << known_gaps.size() << " known gaps\n";
  fs::remove_all(dir);
  return ok ? 0 : 1;
}
