#!/usr/bin/env bash
# Keeps the three implementations apart (STYLE.md): the thing tested (clients/), the puppet
# (fakeservers/) and the judge (harness/rules/) share no protocol code, and public
# headers stay free of Asio and OpenSSL. Fails listing every offending include.
set -u
cd "$(dirname "$0")/.."
bad=0
forbid() {  # folder, include pattern, why
  local hits
  hits=$(grep -rnE "^\s*#\s*include\s*[<\"]($2)" "$1" --include='*.hpp' --include='*.cpp' 2>/dev/null)
  if [ -n "$hits" ]; then
    echo "layering: $1 must not include $2 ($3):"
    echo "$hits"
    bad=1
  fi
}
forbid clients 'harness/|fakeservers/|reports/' "the client under test stands alone"
forbid fakeservers 'clients/|harness/rules/|reports/' "the fake servers must not share the client's or the judge's parsing"
forbid harness/rules 'clients/|fakeservers/|reports/' "the judge reads transcripts only"
forbid harness/model 'clients/|fakeservers/|harness/rules/|reports/|boost/' "the model is plain data"
forbid reports 'clients/|fakeservers/|harness/rules/|boost/' "reports read the model only"
# Public headers of the libraries: no Asio/OpenSSL (compile time, and an ABI-free API).
for h in clients/*/*.hpp fakeservers/fake_server.hpp; do
  if grep -nE '^\s*#\s*include\s*<(boost/asio|openssl/)' "$h"; then
    echo "layering: public header $h includes Asio or OpenSSL"
    bad=1
  fi
done
[ $bad -eq 0 ] && echo "layering: ok"
exit $bad
