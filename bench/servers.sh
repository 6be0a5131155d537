#!/usr/bin/env bash
# Real servers on loopback for benchmarks: Postfix (and smtp-sink), Dovecot POP3, INN, pure-ftpd
# and nginx, each on 127.0.0.1 on an unprivileged port, with the test user bench/benchpass and
# seeded data. No systemd: every daemon is started directly, its real PID recorded, and `stop`
# ends exactly those PIDs. All state lives under /tmp/protoharness-bench/.
#
#   bench/servers.sh start [NAME...]   install (Debian packages), configure, seed, start; idempotent
#   bench/servers.sh stop [NAME...]    end exactly the recorded PIDs
#   bench/servers.sh status            each daemon up/down with its port and PID
#   bench/servers.sh check             peer clients against each daemon, one OK/FAIL line each
#
# NAME is one of: smtp-sink postfix dovecot inn ftp nginx. NGINX_WORKERS=N (default 1) sets
# nginx's worker_processes at start.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
STATE=/tmp/protoharness-bench
RUN=$STATE/run
LOGS=$STATE/logs

SMTP_SINK_PORT=12526
POSTFIX_PORT=12525
DOVECOT_POP3_PORT=12110
INN_PORT=12119
FTP_PORT=12121
NGINX_PORT=12080
BENCH_USER=bench
BENCH_PASS=benchpass
NNTP_GROUP=local.bench
FTP_BIG=big.bin
FTP_SMALL_DIR=small
HTTP_SMALL=/1k.bin
HTTP_BIG=/100m.bin
POP3_MESSAGES=200
NNTP_ARTICLES=200
# Passive FTP data ports (unprivileged, loopback only).
FTP_PASV_PORTS=30000:30999

DAEMONS=(smtp-sink postfix dovecot inn ftp nginx)
PACKAGES=(postfix dovecot-pop3d inn2 pure-ftpd nginx-light wrk iperf3 curl python3 openssl)

log() { printf '%s\n' "servers.sh: $*" >&2; }
die() {
  log "error: $*"
  exit 2
}

port_of() {
  case $1 in
  smtp-sink) echo $SMTP_SINK_PORT ;;
  postfix) echo $POSTFIX_PORT ;;
  dovecot) echo $DOVECOT_POP3_PORT ;;
  inn) echo $INN_PORT ;;
  ftp) echo $FTP_PORT ;;
  nginx) echo $NGINX_PORT ;;
  *) die "unknown daemon '$1' (one of: ${DAEMONS[*]})" ;;
  esac
}

# The process name a live PID must have, so a recycled PID is never mistaken for ours.
comm_of() {
  case $1 in
  smtp-sink) echo smtp-sink ;;
  postfix) echo master ;;
  dovecot) echo dovecot ;;
  inn) echo innd ;;
  ftp) echo pure-ftpd ;;
  nginx) echo nginx ;;
  esac
}

pid_of() {
  local f=$RUN/$1.pid pid
  [[ -s $f ]] || return 1
  pid=$(tr -dc 0-9 <"$f")
  [[ -n $pid ]] || return 1
  echo "$pid"
}

running() {
  local pid comm
  pid=$(pid_of "$1") || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [[ $comm == "$(comm_of "$1")"* ]]
}

listening() { [[ -n $(ss -Hltn "sport = :$1" 2>/dev/null) ]]; }

wait_listening() { # port seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    listening "$1" && return 0
    sleep 0.1
  done
  return 1
}

# ---------------------------------------------------------------------------------------------
# Installation

installed() { [[ $(dpkg-query -W -f '${Status}' "$1" 2>/dev/null) == "install ok installed" ]]; }

std_listeners() { ss -Hltnp '( sport = :25 or sport = :110 or sport = :119 or sport = :21 or sport = :80 )' 2>/dev/null | grep -o 'pid=[0-9]*' | sort -u || true; }

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  local apt=(apt-get -o DPkg::Lock::Timeout=600 -q)
  # Packages must not start their daemons (there is no systemd; we start ours on our ports).
  local own_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  local before
  before=$(std_listeners)
  echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
  echo "postfix postfix/mailname string bench.test" | debconf-set-selections
  "${apt[@]}" update >/dev/null
  # inn2's postinst fails when the host name has no domain: give inn.conf one, configure again.
  "${apt[@]}" install -y "${missing[@]}" || true
  if ! installed inn2 && [[ -f /etc/news/inn.conf ]]; then
    sed -i 's/^#\?domain:.*/domain:                      bench.test/' /etc/news/inn.conf
    dpkg --configure inn2 || true
  fi
  ((own_policy)) && rm -f /usr/sbin/policy-rc.d
  for p in "${PACKAGES[@]}"; do installed "$p" || die "package $p did not install"; done
  # Anything a postinst started on a standard port anyway: end exactly those new PIDs.
  local pid
  for pid in $(comm -13 <(echo "$before") <(std_listeners)); do
    log "stopping ${pid#pid=} started by a package install"
    kill "${pid#pid=}" 2>/dev/null || true
  done
}

ensure_user() {
  if ! id -u "$BENCH_USER" >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir "$STATE/home" \
      --shell /usr/sbin/nologin "$BENCH_USER"
  fi
}

prepare_state() {
  mkdir -p "$STATE" "$RUN" "$LOGS" "$STATE/tls"
  chmod 755 "$STATE" "$RUN"
  chmod 1777 "$LOGS"
  # The repository's test certificate (names 127.0.0.1 and localhost, CA fakeservers/certs/ca.pem).
  cp "$ROOT/fakeservers/certs/server.pem" "$STATE/tls/cert.pem"
  cp "$ROOT/fakeservers/certs/server-key.pem" "$STATE/tls/key.pem"
  cp "$ROOT/fakeservers/certs/ca.pem" "$STATE/tls/ca.pem"
  cat "$STATE/tls/cert.pem" "$STATE/tls/key.pem" >"$STATE/tls/both.pem"
  chmod 644 "$STATE/tls/"*
  cat >"$STATE/servers.env" <<EOF
SMTP_SINK_PORT=$SMTP_SINK_PORT
POSTFIX_PORT=$POSTFIX_PORT
DOVECOT_POP3_PORT=$DOVECOT_POP3_PORT
INN_PORT=$INN_PORT
FTP_PORT=$FTP_PORT
NGINX_PORT=$NGINX_PORT
BENCH_USER=$BENCH_USER
BENCH_PASS=$BENCH_PASS
NNTP_GROUP=$NNTP_GROUP
FTP_BIG=$FTP_BIG
FTP_SMALL_DIR=$FTP_SMALL_DIR
HTTP_SMALL=$HTTP_SMALL
HTTP_BIG=$HTTP_BIG
POP3_MESSAGES=$POP3_MESSAGES
NNTP_ARTICLES=$NNTP_ARTICLES
EOF
}

# Random content, so no layer can compress it away.
make_file() { # path bytes
  [[ -f $1 && $(stat -c %s "$1") == "$2" ]] || head -c "$2" /dev/urandom >"$1"
}

# ---------------------------------------------------------------------------------------------
# smtp-sink: Postfix's test SMTP server, discards everything.

start_smtp_sink() {
  # -u: drop to nobody after binding; backlog 1024 for many concurrent clients.
  setsid /usr/sbin/smtp-sink -u nobody "127.0.0.1:$SMTP_SINK_PORT" 1024 \
    </dev/null >>"$LOGS/smtp-sink.log" 2>&1 &
  echo $! >"$RUN/smtp-sink.pid"
}

# ---------------------------------------------------------------------------------------------
# Postfix: a private instance (own config and queue), loopback only, every transport discards.

configure_postfix() {
  local d=$STATE/postfix
  mkdir -p "$d/etc" "$d/queue" "$d/data"
  chown postfix:postfix "$d/data"
  cat >"$d/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $d/queue
data_directory = $d/data
mail_owner = postfix
setgid_group = postdrop
myhostname = bench.test
mydomain = bench.test
myorigin = bench.test
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
# Accept mail for the test domains from loopback; every transport discards, nothing leaves.
relay_domains = bench.test, example.org
transport_maps = inline:{ bench.test=discard:, example.org=discard: }
default_transport = discard:
relay_transport = discard:
local_transport = discard:
virtual_transport = discard:
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination
alias_maps =
alias_database =
biff = no
append_dot_mydomain = no
message_size_limit = 209715200
# No flow-control pauses for smtpd: the queue drains into discard as fast as it fills.
in_flow_delay = 0
smtpd_tls_cert_file = $STATE/tls/cert.pem
smtpd_tls_key_file = $STATE/tls/key.pem
smtpd_tls_security_level = may
maillog_file_prefixes = $STATE
maillog_file = $LOGS/postfix.log
EOF
  # chroot off everywhere: the queue directory holds no copy of /etc.
  cat >"$d/etc/master.cf" <<EOF
127.0.0.1:$POSTFIX_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
}

start_postfix() {
  local d=$STATE/postfix
  configure_postfix
  # The queue on a tmpfs: figures then measure Postfix, not the disk's fsync (several ms per
  # message here). POSTFIX_QUEUE_ON_DISK=1 keeps it on disk.
  if [[ ${POSTFIX_QUEUE_ON_DISK:-0} != 1 ]] && ! mountpoint -q "$d/queue"; then
    mount -t tmpfs -o size=512m,mode=755 protoharness-bench-postfix "$d/queue" ||
      log "postfix: no tmpfs for the queue, it stays on disk"
  fi
  postfix -c "$d/etc" set-permissions >/dev/null 2>&1 || true
  postfix -c "$d/etc" start >>"$LOGS/postfix-start.log" 2>&1 || {
    tail -5 "$LOGS/postfix-start.log" >&2
    return 1
  }
  printf '%s\n' "$(tr -dc 0-9 <"$d/queue/pid/master.pid")" >"$RUN/postfix.pid"
}

# ---------------------------------------------------------------------------------------------
# Dovecot POP3: a private instance, passwd-file user bench, Maildir of POP3_MESSAGES messages.

seed_dovecot() {
  local md=$STATE/dovecot/mail/$BENCH_USER/Maildir
  [[ -f $STATE/dovecot/.seeded ]] && return 0
  rm -rf "$md"
  mkdir -p "$md/cur" "$md/new" "$md/tmp"
  python3 - "$md/cur" "$POP3_MESSAGES" <<'EOF'
import os, sys, random, string
dest, count = sys.argv[1], int(sys.argv[2])
rng = random.Random(6)
for i in range(1, count + 1):
    head = (f"From: sender{i}@bench.test\r\nTo: bench@bench.test\r\n"
            f"Subject: bench message {i}\r\nMessage-ID: <m{i}@bench.test>\r\n"
            f"Date: Mon, 1 Jun 2026 12:00:00 +0000\r\n\r\n")
    lines, size = [], len(head)
    while size < 10240 - 80:
        line = "".join(rng.choice(string.ascii_letters) for _ in range(76))
        if i % 10 == 0 and len(lines) % 20 == 0:
            line = "." + line[1:]  # some lines need dot-stuffing on the wire
        lines.append(line)
        size += 78
    body = "\r\n".join(lines) + "\r\n"
    with open(os.path.join(dest, f"{1780000000 + i}.M{i}P1.bench:2,S"), "w", newline="") as f:
        f.write((head + body).replace("\r\n", "\n"))
EOF
  chown -R "$BENCH_USER:$BENCH_USER" "$STATE/dovecot/mail"
  touch "$STATE/dovecot/.seeded"
}

configure_dovecot() {
  local d=$STATE/dovecot uid
  uid=$(id -u "$BENCH_USER")
  mkdir -p "$d/run" "$d/state" "$d/mail"
  printf '%s:{PLAIN}%s::::::\n' "$BENCH_USER" "$BENCH_PASS" >"$d/users"
  chmod 644 "$d/users"
  local dh=""
  [[ -f /usr/share/dovecot/dh.pem ]] && dh="ssl_dh = </usr/share/dovecot/dh.pem"
  cat >"$d/dovecot.conf" <<EOF
instance_name = protoharness-bench
base_dir = $d/run
state_dir = $d/state
protocols = pop3
listen = 127.0.0.1
log_path = $LOGS/dovecot.log
disable_plaintext_auth = no
auth_mechanisms = plain login apop
first_valid_uid = $uid
last_valid_uid = $uid
mail_location = maildir:$d/mail/%u/Maildir
ssl = yes
ssl_cert = <$STATE/tls/cert.pem
ssl_key = <$STATE/tls/key.pem
$dh
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/users
}
userdb {
  driver = static
  args = uid=$uid gid=$(id -g "$BENCH_USER") home=$d/mail/%u
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $DOVECOT_POP3_PORT
  }
  inet_listener pop3s {
    port = 0
  }
  # High-performance mode: login processes serve many connections.
  service_count = 0
  process_min_avail = 2
}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = 0
  }
}
EOF
}

start_dovecot() {
  seed_dovecot
  configure_dovecot
  setsid /usr/sbin/dovecot -F -c "$STATE/dovecot/dovecot.conf" \
    </dev/null >>"$LOGS/dovecot-start.log" 2>&1 &
  echo $! >"$RUN/dovecot.pid"
}

# ---------------------------------------------------------------------------------------------
# INN: a private instance (INNCONF points at our inn.conf), group local.bench, readers and
# posters from 127.0.0.1 without auth. 127.0.0.1 is deliberately no feeding peer
# (incoming.conf), so connections go straight to nnrpd.

inn_env() { env INNCONF="$STATE/inn/etc/inn.conf" "$@"; }
as_news() { setpriv --reuid news --regid news --init-groups env INNCONF="$STATE/inn/etc/inn.conf" "$@"; }

configure_inn() {
  local d=$STATE/inn
  [[ -f $d/.configured ]] && return 0
  rm -rf "$d"
  mkdir -p "$d/etc" "$d/db" "$d/log" "$d/run" "$d/spool"/{articles,overview,incoming/tmp,outgoing,archive} "$d/tmp"
  cp -a /etc/news/. "$d/etc/"
  local conf=$d/etc/inn.conf
  set_inn() { # key value
    if grep -qE "^#?$1:" "$conf"; then
      sed -i -E "s|^#?$1:.*|$1: $2|" "$conf"
    else
      echo "$1: $2" >>"$conf"
    fi
  }
  set_inn domain bench.test
  set_inn pathhost bench.test
  set_inn port "$INN_PORT"
  set_inn bindaddress 127.0.0.1
  set_inn server 127.0.0.1
  set_inn nnrpdpostport "$INN_PORT"
  set_inn nnrpdloadlimit 0
  set_inn doinnwatch false
  set_inn maxconnections 500
  set_inn pathetc "$d/etc"
  set_inn pathfilter "$d/etc/filter"
  set_inn pathdb "$d/db"
  set_inn pathlog "$d/log"
  set_inn pathrun "$d/run"
  set_inn pathspool "$d/spool"
  set_inn patharticles "$d/spool/articles"
  set_inn pathoverview "$d/spool/overview"
  set_inn pathincoming "$d/spool/incoming"
  set_inn pathoutgoing "$d/spool/outgoing"
  set_inn patharchive "$d/spool/archive"
  set_inn pathtmp "$d/tmp"
  set_inn pathhttp "$d/http"
  mkdir -p "$d/http"
  # No feeding peers at all: every connection is a reader (nnrpd); posts reach innd locally.
  printf 'streaming: true\nmax-connections: 8\n' >"$d/etc/incoming.conf"
  printf 'ME:!*/!local::\n' >"$d/etc/newsfeeds"
  cat >"$d/etc/readers.conf" <<EOF
auth "localhost" {
    hosts: "127.0.0.1, localhost, stdin"
    default: "<localhost>"
}
access "localhost" {
    users: "<localhost>"
    newsgroups: "*"
    access: RP
}
EOF
  cat >"$d/db/active" <<EOF
control 0000000000 0000000001 n
control.cancel 0000000000 0000000001 n
junk 0000000000 0000000001 n
$NNTP_GROUP 0000000000 0000000001 y
EOF
  printf '%s\tprotoharness benchmark group.\n' "$NNTP_GROUP" >"$d/db/newsgroups"
  : >"$d/db/active.times"
  : >"$d/db/history"
  chown -R news:news "$d"
  as_news /usr/lib/news/bin/makedbz -i -o
  touch "$d/.configured"
}

seed_inn() {
  [[ -f $STATE/inn/.seeded ]] && return 0
  python3 - "$INN_PORT" "$NNTP_GROUP" "$NNTP_ARTICLES" <<'EOF'
import socket, sys
port, group, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port), timeout=30)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
f = s.makefile("rb")
def reply():
    line = f.readline().decode()
    if not line:
        raise SystemExit("inn seed: connection closed")
    return line
def expect(code):
    line = reply()
    if not line.startswith(code):
        raise SystemExit(f"inn seed: expected {code}, got {line.strip()}")
expect("200")
s.sendall(b"GROUP " + group.encode() + b"\r\n")
have = int(reply().split()[1])
body = "".join(f"line {n:03} of a benchmark article, padded to make about one kilobyte.\r\n"
               for n in range(13))
for i in range(have + 1, count + 1):
    s.sendall(b"POST\r\n")
    expect("340")
    art = (f"From: bench@bench.test\r\nNewsgroups: {group}\r\n"
           f"Subject: bench article {i}\r\nMessage-ID: <a{i}.seed@bench.test>\r\n\r\n"
           + (". a line that needs dot-stuffing\r\n" if i % 10 == 0 else "") + body)
    s.sendall(art.replace("\r\n.", "\r\n..").encode() + b".\r\n")
    expect("240")
s.sendall(b"QUIT\r\n")
EOF
  # Posts reach the spool asynchronously through innd: wait until the group holds them all.
  local i n=0
  for ((i = 0; i < 100; i++)); do
    n=$(awk -v g="$NNTP_GROUP" '$1 == g { print $2 + 0 }' "$STATE/inn/db/active")
    ((n >= NNTP_ARTICLES)) && break
    sleep 0.1
  done
  ((n >= NNTP_ARTICLES)) || die "inn: only $n of $NNTP_ARTICLES articles arrived"
  touch "$STATE/inn/.seeded"
}

start_inn() {
  configure_inn
  rm -f "$STATE/inn/run/innd.pid"
  # -f: stay in the foreground so $! is innd itself (setpriv execs, it does not fork).
  setsid setpriv --reuid news --regid news --init-groups \
    env INNCONF="$STATE/inn/etc/inn.conf" /usr/lib/news/bin/innd -f \
    </dev/null >>"$LOGS/innd.log" 2>&1 &
  echo $! >"$RUN/inn.pid"
}

# ---------------------------------------------------------------------------------------------
# pure-ftpd: virtual user bench (SHA-512 crypt hash: pure-pw's default hash costs seconds per
# login here), chrooted to a root with big.bin and small/, writable for STOR.

configure_ftp() {
  local d=$STATE/ftp root=$STATE/ftp/root
  mkdir -p "$root/$FTP_SMALL_DIR" "$root/upload"
  make_file "$root/$FTP_BIG" $((100 * 1024 * 1024))
  local i
  for ((i = 1; i <= 100; i++)); do make_file "$root/$FTP_SMALL_DIR/$(printf 'f%03d.bin' $i)" 10240; done
  chown -R "$BENCH_USER:$BENCH_USER" "$root"
  local hash
  hash=$(openssl passwd -6 "$BENCH_PASS")
  printf '%s:%s:%s:%s::%s/./::::::::::::\n' "$BENCH_USER" "$hash" "$(id -u "$BENCH_USER")" \
    "$(id -g "$BENCH_USER")" "$root" >"$d/pureftpd.passwd"
  chmod 600 "$d/pureftpd.passwd"
  rm -f "$d/pureftpd.pdb"
  pure-pw mkdb "$d/pureftpd.pdb" -f "$d/pureftpd.passwd" >/dev/null
}

start_ftp() {
  configure_ftp
  local d=$STATE/ftp
  # -S bind, -l auth, -E no anonymous, -A chroot, -H no DNS, -P/-p passive address and ports,
  # -u lowest uid, -c/-C client limits, -Y 1 TLS optional, -2 certificate.
  setsid /usr/sbin/pure-ftpd -S "127.0.0.1,$FTP_PORT" -l "puredb:$d/pureftpd.pdb" -E -A -H \
    -P 127.0.0.1 -p "$FTP_PASV_PORTS" -u 100 -c 200 -C 200 -Y 1 \
    -2 "$STATE/tls/cert.pem,$STATE/tls/key.pem" -O "clf:$LOGS/pure-ftpd-transfer.log" \
    </dev/null >>"$LOGS/pure-ftpd.log" 2>&1 &
  echo $! >"$RUN/ftp.pid"
}

# ---------------------------------------------------------------------------------------------
# nginx: static files with keep-alive, one worker unless NGINX_WORKERS says otherwise; any POST
# is answered 200 with the body discarded.

configure_nginx() {
  local d=$STATE/nginx
  mkdir -p "$d/www" "$d/tmp"
  make_file "$d/www${HTTP_SMALL}" 1024
  make_file "$d/www${HTTP_BIG}" $((100 * 1024 * 1024))
  chmod 755 "$d/www"
  chmod 644 "$d/www/"*
  cat >"$d/nginx.conf" <<EOF
worker_processes ${NGINX_WORKERS:-1};
daemon off;
pid $d/nginx.pid;
user www-data;
error_log $LOGS/nginx-error.log warn;
events {
    worker_connections 16384;
}
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    types { application/octet-stream bin; text/plain txt; }
    default_type application/octet-stream;
    client_body_temp_path $d/tmp/body;
    proxy_temp_path $d/tmp/proxy;
    fastcgi_temp_path $d/tmp/fastcgi;
    uwsgi_temp_path $d/tmp/uwsgi;
    scgi_temp_path $d/tmp/scgi;
    client_max_body_size 0;
    server {
        listen 127.0.0.1:$NGINX_PORT backlog=4096;
        root $d/www;
        location / {
            if (\$request_method = POST) {
                return 200 "ok\n";
            }
        }
    }
}
EOF
}

start_nginx() {
  configure_nginx
  setsid /usr/sbin/nginx -p "$STATE/nginx" -c "$STATE/nginx/nginx.conf" -e "$LOGS/nginx-error.log" \
    </dev/null >>"$LOGS/nginx-start.log" 2>&1 &
  echo $! >"$RUN/nginx.pid"
}

# ---------------------------------------------------------------------------------------------

start_one() {
  local name=$1 port
  port=$(port_of "$name")
  if running "$name"; then
    log "$name already running (pid $(pid_of "$name"), port $port)"
    return 0
  fi
  if listening "$port"; then
    die "$name: port $port is taken by a process this kit did not start"
  fi
  case $name in
  smtp-sink) start_smtp_sink ;;
  postfix) start_postfix ;;
  dovecot) start_dovecot ;;
  inn) start_inn ;;
  ftp) start_ftp ;;
  nginx) start_nginx ;;
  esac
  if ! wait_listening "$port" 20 || ! running "$name"; then
    die "$name did not come up on port $port (logs: $LOGS)"
  fi
  [[ $name == inn ]] && seed_inn
  log "$name up (pid $(pid_of "$name"), 127.0.0.1:$port)"
}

stop_one() {
  local name=$1 pid i
  if ! running "$name"; then
    rm -f "$RUN/$name.pid"
    return 0
  fi
  pid=$(pid_of "$name")
  if [[ $name == inn ]]; then
    # innd shuts down cleanly (history, overview flushed) through its control channel.
    as_news /usr/lib/news/bin/ctlinnd -t 10 shutdown servers.sh >/dev/null 2>&1 ||
      kill -TERM "$pid" 2>/dev/null || true
  else
    kill -TERM "$pid" 2>/dev/null || true
  fi
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name (pid $pid) ignored SIGTERM for 10 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN/$name.pid"
  if [[ $name == postfix ]] && mountpoint -q "$STATE/postfix/queue"; then
    umount "$STATE/postfix/queue" || log "postfix: could not unmount the queue's tmpfs"
  fi
  log "$name stopped (pid $pid)"
}

status_all() { # exit status 1 when any daemon is down
  local name port state rc=0
  printf '%-10s %-6s %-5s %s\n' daemon port state pid
  for name in "${DAEMONS[@]}"; do
    port=$(port_of "$name")
    if running "$name" && listening "$port"; then state=up; else
      state=down
      rc=1
    fi
    printf '%-10s %-6s %-5s %s\n' "$name" "$port" "$state" "$(running "$name" && pid_of "$name" || echo -)"
  done
  return $rc
}

select_daemons() { # names... -> validated list, all daemons when none given
  if (($# == 0)); then
    echo "${DAEMONS[@]}"
  else
    local n
    for n; do port_of "$n" >/dev/null; done
    echo "$@"
  fi
}


main() {
  local cmd=${1:-}
  # One start or stop at a time (several engineers may share the machine). flock -o holds
  # the lock in its own process, so no daemon started here inherits it.
  if [[ ($cmd == start || $cmd == stop) && -z ${PH_SERVERS_LOCKED:-} ]]; then
    PH_SERVERS_LOCKED=1 exec flock -o -w 900 -E 2 "$STATE.lock" "$0" "$@"
  fi
  (($#)) && shift
  case $cmd in
  start)
    [[ $(id -u) == 0 ]] || die "start needs root (package installs, daemons dropping privileges)"
    local names
    names=$(select_daemons "$@")
    install_packages
    ensure_user
    prepare_state
    for n in $names; do start_one "$n"; done
    log "environment: $STATE/servers.env"
    ;;
  stop)
    local names
    names=$(select_daemons "$@")
    for n in $names; do stop_one "$n"; done
    ;;
  status) status_all ;;
  check)
    [[ -f $STATE/servers.env ]] || die "no $STATE/servers.env: run '$0 start' first"
    python3 -W ignore "$HERE/check_servers.py" "$STATE"
    ;;
  *)
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
  esac
}

main "$@"
