#!/usr/bin/env bash
# Keeps the layers' arrows (DESIGN.md "Layers", lowest first: the vocabulary (vocabulary/, namespace ph),
# clients, fake servers, judge harness/rules, reports, then the harness on top): a layer
# includes only itself and the layers below it, and the three implementations, the thing tested
# (clients/), the puppet (fakeservers/) and the judge (harness/rules/), share no protocol code.
# Public headers stay free of Asio and OpenSSL. Protocol names are matched only by the protocol
# registry (harness/protocols.cpp). Fails listing every offence.
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
# folder, the project folders it may include from (a pattern), why: any other project
# include (clients/, fakeservers/, harness/, reports/, tests/) is an arrow pointing up or across.
only() {
  local hits
  hits=$(grep -rnE "^\s*#\s*include\s*\"(clients|fakeservers|harness|reports|tests|vocabulary)/" "$1" \
           --include='*.hpp' --include='*.cpp' 2>/dev/null |
         grep -vE "^[^:]+:[0-9]+:\s*#\s*include\s*\"($2)")
  if [ -n "$hits" ]; then
    echo "layering: $1 may include only $2 ($3):"
    echo "$hits"
    bad=1
  fi
}
only vocabulary 'vocabulary/' "the vocabulary is the bottom layer"
only clients 'clients/' "the client under test stands alone"
only fakeservers 'fakeservers/|vocabulary/' \
  "the fake servers use the vocabulary only, and share no parsing with the client or the judge"
only harness/rules 'harness/rules/|vocabulary/' "the judge reads transcripts only"
only reports 'reports/|vocabulary/' "reports read the vocabulary only"
# The fake servers' engine and model loop serve every protocol and know none; a protocol's
# folder plugs into them (dialect, step keys, session::extra), never the reverse.
for core in fakeservers/engine fakeservers/model; do
  forbid "$core" 'fakeservers/(smtp|pop3|nntp|ftp|http)/' "the engine knows no protocol"
done
forbid vocabulary 'boost/' "the model is plain data"
forbid reports 'boost/' "reports read the model only"
# Public headers of the libraries: no Asio/OpenSSL (compile time, and an ABI-free API).
for h in clients/*/*.hpp fakeservers/fake_server.hpp; do
  if grep -nE '^\s*#\s*include\s*<(boost/asio|openssl/)' "$h"; then
    echo "layering: public header $h includes Asio or OpenSSL"
    bad=1
  fi
done
# No if-chain over protocol names outside the registry: the harness and the reports compare
# no name with a protocol's (the registry's rows hand each layer what it needs).
names='"(smtp|pop3|nntp|ftp|http)"'
hits=$(grep -rnE "(==|!=)\s*$names|$names\s*(==|!=)" harness reports --include='*.hpp' \
         --include='*.cpp' 2>/dev/null | grep -v '^harness/protocols.cpp:')
if [ -n "$hits" ]; then
  echo "layering: a protocol name compared outside the registry (harness/protocols.cpp):"
  echo "$hits"
  bad=1
fi
[ $bad -eq 0 ] && echo "layering: ok"
exit $bad
