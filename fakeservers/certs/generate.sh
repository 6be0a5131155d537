#!/usr/bin/env bash
# Regenerates the test PKI the fake servers present (committed; valid for 100 years).
# ca.pem signs server.pem (localhost, fake.test, 127.0.0.1, ::1) and wrong-name.pem (wrong.test),
# so a client that trusts ca.pem must still reject wrong-name.pem on host name grounds.
set -euo pipefail
cd "$(dirname "$0")"
days=36500
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days $days \
  -subj "/CN=protoharness test CA" -keyout ca-key.pem -out ca.pem \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
issue() {  # name subject-alt-names
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$1" \
    -keyout "$1-key.pem" -out "$1.csr"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days $days \
    -extfile <(printf "subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n" "$2") \
    -out "$1.pem"
  rm -f "$1.csr"
}
issue server "DNS:localhost,DNS:fake.test,IP:127.0.0.1,IP:::1"
issue wrong-name "DNS:wrong.test"
rm -f ca.srl ca-key.pem
