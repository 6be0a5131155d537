#!/usr/bin/env python3
"""Python's protocol libraries through the model command paths the basic peers leave out.

Usage: serve_library_peers.py PROTOHARNESS PEER
PEER:
  smtplib-auth-login-challenges  AUTH LOGIN answering both challenges, without the initial
                         response serve_peers.py's smtplib-auth-login sends
  smtplib-cram-md5       smtplib's preferred CRAM-MD5 (scenarios/smtp/model-auth-cram-md5.toml)
  poplib-commands        APOP, CAPA, LIST n, UIDL, TOP, DELE, RSET, NOOP
  nntplib-commands       AUTHINFO, LIST NEWSGROUPS, NEWGROUPS, NEWNEWS, XOVER, HEAD/BODY/STAT,
                         NEXT/LAST, DATE, HELP, IHAVE-less POST
  ftplib-commands        MKD/RMD, STOR in ASCII, RETR with REST, RNFR/RNTO, DELE, SIZE, MDTM,
                         MLSD, NLST, CWD/CDUP/PWD
  http.client-methods   PUT, PATCH, DELETE, OPTIONS, HEAD, a chunked request body
  ftplib-tls-refusals    FTP_TLS: AUTH inside TLS (503), PROT S (536) and X (504), then a
                         data connection left unprotected after PROT P (522)
  ftplib-ipv6-pasv       PASV on an IPv6 control connection (425: use EPSV)
Each answer is checked; then serve must judge the one connection PASS or WARN (the last two
break rules on purpose: FAIL is accepted there, a crash or no verdict is not).
"""
import ftplib
import hashlib
import http.client
import io
import json
import os
import poplib
import smtplib
import socket
import ssl
import sys
import warnings

sys.path.insert(0, os.path.dirname(__file__))
from served import Served  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        import nntplib
    except ImportError:  # Python 3.13+
        nntplib = None

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CA = os.path.join(ROOT, "fakeservers", "certs", "ca.pem")
HOST = "127.0.0.1"
TIMEOUT = 5
MESSAGE = ("From: a@client.example.org\r\nTo: b@example.org\r\nSubject: library peer\r\n"
           "Date: Tue, 22 Dec 2026 10:00:00 +0000\r\nMessage-ID: <lib.1@client.example.org>\r\n"
           "\r\n.a line with a leading dot\r\nbye\r\n")


def smtp(peer, port):
    with smtplib.SMTP(HOST, port, local_hostname="client.example.org", timeout=TIMEOUT) as s:
        s.ehlo()
        if peer == "smtplib-cram-md5":
            code, _ = s.login("test", "test")  # smtplib prefers CRAM-MD5 when listed
            assert code == 235, code
        else:
            s.user, s.password = "test", "test"
            code, _ = s.auth("LOGIN", s.auth_login, initial_response_ok=False)
            assert code == 235, code
        assert s.sendmail("a@client.example.org", ["b@example.org"], MESSAGE) == {}


def pop3(port):
    p = poplib.POP3(HOST, port, timeout=TIMEOUT)
    assert "TOP" in p.capa()
    p.apop("test", "test")
    assert p.list(2).split()[1:] == [b"2", b"143"]
    assert p.uidl(4).split()[2] == b"PH0004"
    _, lines, _ = p.top(3, 2)
    assert lines[-2:] == [b"body line 1", b"body line 2"], lines
    p.dele(1)
    assert p.stat()[0] == 3
    p.rset()
    assert p.stat()[0] == 4
    p.noop()
    p.quit()


def nntp(port):
    with nntplib.NNTP(HOST, port, user="test", password="test", timeout=TIMEOUT) as n:
        assert n.description("local.test") == "protoharness test group"
        _, groups = n.newgroups(nntplib.datetime.date(2024, 3, 1))
        assert [g.group for g in groups] == ["local.empty"], groups
        _, ids = n.newnews("local.*", nntplib.datetime.datetime(2024, 1, 1, 12, 4))
        assert ids == ["<ph.4@fake.test>", "<ph.5@fake.test>", "<ph.6@fake.test>"], ids
        n.group("local.test")
        _, over = n.xover(2, 4)
        assert [num for num, _ in over] == [2, 3, 4], over
        assert n.stat(2)[1:] == (2, "<ph.2@fake.test>")
        assert n.next()[1] == 3
        assert n.last()[1] == 2
        _, head = n.head("<ph.1@fake.test>")
        assert b"Subject: First article" in head.lines
        _, body = n.body(3)
        assert b".hidden dot line" in body.lines
        assert n.date()[1].year >= 2024
        n.help()
        n.post(io.BytesIO(MESSAGE.replace("To: b@example.org", "Newsgroups: local.test")
                          .encode()))


def ftp(port):
    with ftplib.FTP() as f:
        f.connect(HOST, port, timeout=TIMEOUT)
        f.af = socket.AF_INET6  # EPSV, as serve_ftp_peers.py (FTP-EPSV-USE)
        f.login("test", "test")
        f.cwd("upload")
        assert f.pwd() == "/upload"
        f.mkd("dir")
        f.storlines("STOR notes.txt", io.BytesIO(b"one\ntwo\n"))
        f.voidcmd("TYPE I")
        assert f.size("notes.txt") == 8
        got = bytearray()
        f.retrbinary("RETR notes.txt", got.extend, rest=4)
        assert bytes(got) == b"two\n", got
        f.rename("notes.txt", "dir/moved.txt")
        assert f.nlst("dir") == ["moved.txt"], f.nlst("dir")
        facts = dict(f.mlsd("dir"))
        assert facts["moved.txt"]["size"] == "8", facts
        assert f.sendcmd("MDTM dir/moved.txt").startswith("213 ")
        f.delete("dir/moved.txt")
        f.rmd("dir")
        f.sendcmd("CDUP")
        f.quit()


def http_methods(port):
    c = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    for method, body in (("PUT", b"put body"), ("PATCH", b"p"), ("DELETE", None),
                         ("OPTIONS", None)):
        c.request(method, "/echo/x", body=body)
        r = c.getresponse()
        echo = json.loads(r.read())
        assert (r.status, echo["method"], echo["body"]) == (200, method, (body or b"").decode())
    c.request("HEAD", "/small")
    r = c.getresponse()
    assert (r.status, r.read(), r.getheader("Content-Length")) == (200, b"", "13")
    c.request("POST", "/upload", body=iter([b"chunk one ", b"chunk two"]),
              headers={"Transfer-Encoding": "chunked"}, encode_chunked=True)
    r = c.getresponse()
    echo = json.loads(r.read())
    assert echo["chunked"] and echo["body_sha256"] == hashlib.sha256(
        b"chunk one chunk two").hexdigest(), echo
    c.close()


def refused(call, code):
    try:
        call()
    except ftplib.Error as e:
        assert str(e).startswith(code), e
        return
    raise AssertionError(f"expected a {code} reply")


def ftp_tls_refusals(port):
    with ftplib.FTP_TLS(context=ssl.create_default_context(cafile=CA)) as f:
        f.connect(HOST, port, timeout=TIMEOUT)
        f.auth()
        refused(lambda: f.sendcmd("AUTH TLS"), "503")
        f.login("test", "test")
        f.voidcmd("PBSZ 0")
        refused(lambda: f.sendcmd("PROT S"), "536")
        refused(lambda: f.sendcmd("PROT X"), "504")
        f.prot_p()
        data_port = int(f.sendcmd("EPSV").split("|||")[1].split("|")[0])
        plain = socket.create_connection((HOST, data_port), timeout=TIMEOUT)
        f.putcmd("NLST")
        assert f.getline().startswith("150"), "no 150"
        plain.close()  # no TLS handshake on the data connection
        assert f.getline().startswith("522"), "no 522"
        f.quit()


def ftp_ipv6_pasv(port):
    with ftplib.FTP() as f:
        f.connect("::1", port, timeout=TIMEOUT)
        f.login("test", "test")
        refused(lambda: f.sendcmd("PASV"), "425")
        f.quit()


PEERS = {
    "smtplib-auth-login-challenges": (["--model", "smtp"],
                                      lambda p: smtp("smtplib-auth-login-challenges", p)),
    "smtplib-cram-md5": ([os.path.join(ROOT, "scenarios/smtp/model-auth-cram-md5.toml")],
                         lambda p: smtp("smtplib-cram-md5", p)),
    "poplib-commands": (["--model", "pop3"], pop3),
    "nntplib-commands": (["--model", "nntp"], nntp),
    "ftplib-commands": (["--model", "ftp"], ftp),
    "http.client-methods": (["--model", "http"], http_methods),
    "ftplib-tls-refusals": (["--model", "ftp"], ftp_tls_refusals),
    "ftplib-ipv6-pasv": (["--model", "ftp", "--bind", "::1"], ftp_ipv6_pasv),
}
RULES_BROKEN_ON_PURPOSE = {"ftplib-tls-refusals", "ftplib-ipv6-pasv"}


def main():
    exe, peer = sys.argv[1], sys.argv[2]
    if peer not in PEERS:
        sys.exit(f"unknown peer {peer} (known: {', '.join(PEERS)})")
    if peer.startswith("nntplib") and nntplib is None:
        print("nntplib is not available in this Python; skipped")
        return 0
    args, run = PEERS[peer]
    srv = Served(exe, [*args, "--count", "1"])
    try:
        run(srv.port)
    finally:
        judged = srv.wait_verdicts(1, 30)
        status = srv.finish(timeout=30) if judged else srv.stop()
        print(srv.output())
    verdict = srv.verdicts[0][0] if srv.verdicts else "none"
    accepted = ("PASS", "WARN", "FAIL") if peer in RULES_BROKEN_ON_PURPOSE else ("PASS", "WARN")
    if verdict not in accepted or status not in (0, 1) or (status == 1 and verdict != "FAIL"):
        sys.exit(f"{peer}: judged {verdict}, serve exited {status}")
    print(f"{peer}: served and judged {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
