#include "harness/external_client.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace ph::harness {

namespace {

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

std::string unique_name(const std::string& dir, const std::string& id, const char* ext) {
  static std::atomic<int> counter{0};
  std::string safe = replace_all(id, "/", "__");
  return fmt::format("{}/protoharness-{}-{}-{}{}", dir, getpid(), counter++, safe, ext);
}

}  // namespace

external_run run_external_client(const std::string& command_template, const scenario& scen,
                                 const endpoint& ep, const std::string& work_dir) {
  external_run run;
  const std::string steps_file = unique_name(work_dir, scen.id, ".json");
  const std::string ca_file = unique_name(work_dir, scen.id, "-ca.pem");
  {
    std::ofstream(ca_file) << ep.ca_pem;
    nlohmann::json doc = {
        {"scenario", scen.id},
        {"protocol", scen.protocol},
        {"host", ep.host},
        {"port", ep.port},
        {"ca_file", ca_file},
        {"options", scen.client_options},
        {"server_tls", scen.server.is_object() ? scen.server.value("tls", "") : ""},
        {"steps", nlohmann::json::array()}};
    for (const auto& st : scen.client) {
      nlohmann::json step = {{"op", st.op}, {"args", st.args}};
      if (st.timeout) step["timeout_ms"] = st.timeout->count();
      doc["steps"].push_back(std::move(step));
    }
    std::ofstream(steps_file) << doc.dump(2);
  }
  std::string command = replace_all(command_template, "{host}", ep.host);
  command = replace_all(command, "{port}", std::to_string(ep.port));
  command = replace_all(command, "{steps}", steps_file);

  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    run.problems.push_back(fmt::format("harness: pipe failed: {}", std::strerror(errno)));
    return run;
  }
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (pid < 0) {
    run.problems.push_back(fmt::format("harness: fork failed: {}", std::strerror(errno)));
    close(out_pipe[0]);
    close(err_pipe[0]);
    return run;
  }
  std::string out, err;
  const auto deadline = std::chrono::steady_clock::now() + scen.timeout;
  bool timed_out = false;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    if (poll(fds, 2, static_cast<int>(left.count())) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[8192];
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? out : err).append(buf, static_cast<std::size_t>(n));
      }
    }
  }
  if (timed_out) {
    kill(-pid, SIGKILL);
    run.problems.push_back(
        fmt::format("external client did not finish within {} ms; killed", scen.timeout.count()));
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  int status = 0;
  waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.stderr_text = err;
  if (!timed_out && run.exit_code != 0)
    run.problems.push_back(fmt::format("external client exited with status {}", run.exit_code));

  // One JSON object per line, or one document with "outcomes".
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      auto j = nlohmann::json::parse(line);
      if (j.is_object() && j.contains("outcomes") && j["outcomes"].is_array()) {
        for (auto& o : j["outcomes"])
          run.outcomes.push_back(o);
      } else {
        run.outcomes.push_back(std::move(j));
      }
    } catch (const std::exception&) {
      run.problems.push_back(fmt::format("external client printed a line that is not JSON: '{}'",
                                         line.substr(0, 200)));
    }
  }
  std::error_code ignored;
  std::filesystem::remove(steps_file, ignored);
  std::filesystem::remove(ca_file, ignored);
  return run;
}

}  // namespace ph::harness
