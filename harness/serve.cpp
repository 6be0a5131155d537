#include "harness/serve.hpp"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "harness/protocols.hpp"
#include "harness/runner.hpp"

namespace ph::harness {

namespace {

// Finished connections on their way from the server's io thread to the judge thread.
class judge_queue {
 public:
  explicit judge_queue(std::size_t limit) : limit_(std::max<std::size_t>(limit, 1)) {}

  // Blocks while the queue is full (back-pressure on the server).
  void push(fakeservers::connection_record rec) {
    std::unique_lock lock(mutex_);
    if (items_.size() >= limit_) {
      ++stats_.pauses;
      room_.wait(lock, [&] { return items_.size() < limit_; });
    }
    items_.push_back(std::move(rec));
    stats_.peak_queue = std::max(stats_.peak_queue, items_.size());
    ready_.notify_one();
  }

  // The next record, waiting up to `idle` for one; nullopt when none came in time or the
  // queue is closed and drained (then closed_and_drained() is true).
  std::optional<fakeservers::connection_record> pop(std::chrono::milliseconds idle) {
    std::unique_lock lock(mutex_);
    ready_.wait_for(lock, idle, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return std::nullopt;
    auto rec = std::move(items_.front());
    items_.pop_front();
    room_.notify_one();
    return rec;
  }

  bool closed_and_drained() {
    std::lock_guard lock(mutex_);
    return closed_ && items_.empty();
  }

  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_all();
  }

  void trimmed() {
    std::lock_guard lock(mutex_);
    ++stats_.trims;
  }

  // Called by the judge thread after each record.
  void judged(verdict v) {
    std::lock_guard lock(mutex_);
    ++stats_.judged;
    ++stats_.verdicts[static_cast<std::size_t>(v)];
    done_.notify_all();
  }

  // Waits up to `d` for `count` judged connections (0: just waits); true when reached.
  bool wait_judged(std::uint64_t count, std::chrono::milliseconds d) {
    std::unique_lock lock(mutex_);
    return done_.wait_for(lock, d, [&] { return count > 0 && stats_.judged >= count; });
  }

  serve_stats stats() {
    std::lock_guard lock(mutex_);
    return stats_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_, room_, done_;
  std::deque<fakeservers::connection_record> items_;
  std::size_t limit_;
  bool closed_ = false;
  serve_stats stats_;
};

const protocol_row& row_of(const scenario& scen) {
  const protocol_row* row = find_protocol(scen.protocol);
  if (!row)
    scen.fail("/protocol",
              fmt::format("unknown protocol '{}' (known: {})", scen.protocol, protocol_names()));
  return *row;
}

// Serves with `server` (a fake server or a relay) and judges each connection it hands over,
// as serve() and record() describe.
template <class Server>
serve_stats judge_connections(Server& server, const scenario& scen, const serve_options& opts,
                              const std::atomic<bool>& stop) {
  judge_queue queue(opts.queue_limit);
  server.on_connection_done(
      [&queue](fakeservers::connection_record rec) { queue.push(std::move(rec)); });

  std::exception_ptr failed;  // from on_result: rethrown once the server has stopped
  std::thread judge_thread([&] {
    bool since_trim = false;  // judged something since memory was last handed back
    while (true) {
      auto rec = queue.pop(opts.trim_after);
      if (!rec) {
        if (since_trim) {
          // A burst has ended: the server and the judge freed its buffers and transcripts,
          // but the allocator keeps the pages unless asked (its arenas only shrink from the
          // top). Hand them back so a long-running serve returns to its idle size.
          ::malloc_trim(0);
          since_trim = false;
          queue.trimmed();
        }
        if (queue.closed_and_drained()) break;
        continue;
      }
      since_trim = true;
      scenario_result r = result_for_connection(std::move(*rec), scen);
      const verdict v = r.final;
      if (opts.on_result && !failed) {
        try {
          opts.on_result(r);
        } catch (...) {
          failed = std::current_exception();
        }
      }
      queue.judged(v);
    }
  });
  try {
    const std::uint16_t port = server.start();
    if (opts.on_listening) opts.on_listening(port);
    while (!stop.load() && !queue.wait_judged(opts.count, std::chrono::milliseconds(100))) {
    }
  } catch (...) {
    server.stop();
    queue.close();
    judge_thread.join();
    throw;
  }
  server.stop();  // connections still open end now and are queued like the others
  queue.close();
  judge_thread.join();
  if (failed) std::rethrow_exception(failed);
  return queue.stats();
}

}  // namespace

serve_stats serve(const scenario& scen, const serve_options& opts, const std::atomic<bool>& stop) {
  auto server_opts = opts.server;
  server_opts.keep_records = false;
  fakeservers::fake_server server(*row_of(scen).dialect, scen, server_opts);
  return judge_connections(server, scen, opts, stop);
}

serve_stats record(const scenario& scen, const fakeservers::relay_options& relay,
                   const serve_options& opts, const std::atomic<bool>& stop) {
  row_of(scen);
  fakeservers::relay server(relay);
  return judge_connections(server, scen, opts, stop);
}

}  // namespace ph::harness
