#pragma once
// The test process's own memory, from /proc/self (Linux), for coarse bounds in tests that
// drive a server in-process: never a timing, only "grew by less than N".

#include <cstddef>
#include <fstream>
#include <string>

namespace ph::testing_support {

// True under AddressSanitizer: its quarantine keeps freed memory resident (256 MiB by
// default), so an RSS bound says nothing about the code under test there.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool address_sanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool address_sanitized = true;
#else
inline constexpr bool address_sanitized = false;
#endif
#else
inline constexpr bool address_sanitized = false;
#endif

// A /proc/self/status field in KiB: "VmRSS" (resident now) or "VmHWM" (peak); 0 if absent.
inline std::size_t status_kib(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string key;
  while (in >> key) {
    if (key == field + ":") {
      std::size_t kib = 0;
      in >> kib;
      return kib;
    }
    in.ignore(1 << 10, '\n');
  }
  return 0;
}

// Makes VmHWM start again from the current VmRSS.
inline void reset_peak() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

}  // namespace ph::testing_support
