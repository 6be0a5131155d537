#!/usr/bin/env python3
"""Keeps the coroutine shapes GCC 12 miscompiles out of the tree.

GCC 12 frees temporaries twice (or never) when a full-expression that contains `co_await`
also holds a conditional operator, a short-circuit `&&`/`||`, or a braced temporary; the
SMTP and POP3 model servers aborted on AUTH LOGIN through `ir ? ir : co_await ...`.

  coroutine_shapes.py ROOT...   lists every such full-expression as file:line: shape; exit 1
  coroutine_shapes.py --self-test   proves the scanner flags each shape and passes the fixes

The scan is lexical: comments and literals are blanked, the text is cut into statements at
`;`, `{` and `}` outside parentheses, and a control statement's condition is judged apart
from its body (the condition and the body are separate full-expressions).
"""
import os
import re
import sys

SOURCE_SUFFIXES = (".cpp", ".hpp", ".h", ".cc")
SKIP_DIRS = {".git", "node_modules"}
CONTROL = re.compile(r"^\s*(?:else\s+)?(if|while|switch|for)\s*(?:constexpr\s*)?\(")
LABEL = re.compile(r"^\s*(?:case\b[^:]*|default|public|private|protected)\s*:(?!:)")


def blank_literals(text):
    """Comments, string and character literals become spaces (newlines kept for line numbers)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "R" and text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            open_paren = text.find("(", i + 2)
            delim = text[i + 2:open_paren]
            j = text.find(")" + delim + '"', open_paren)
            j = n if j < 0 else j + len(delim) + 2
            out.append('"' + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) + '"')
            i = j
        elif c in "\"'":
            # A digit separator (1'000) is not a character literal.
            if c == "'" and i > 0 and text[i - 1].isalnum() and i + 1 < n and text[i + 1].isalnum():
                out.append(c)
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + c)
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def preprocessor_blanked(text):
    return re.sub(r"(?m)^[ \t]*#.*(?:\\\n.*)*", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def statements(text):
    """(offset, statement text) for each piece cut at ; { } outside parentheses."""
    depth, start = 0, 0
    for i, c in enumerate(text):
        if c in "([":
            depth += 1
        elif c in ")]":
            depth = max(0, depth - 1)
        elif depth == 0 and c in ";{}":
            yield start, text[start:i]
            start = i + 1
    yield start, text[start:]


def matching_paren(text, open_index):
    depth = 0
    for i in range(open_index, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return len(text)


def full_expressions(offset, stmt):
    """Splits a statement into its full-expressions: a control header's condition, the rest."""
    label = LABEL.match(stmt)
    if label:
        offset, stmt = offset + label.end(), stmt[label.end():]
    control = CONTROL.match(stmt)
    if not control:
        yield offset, stmt
        return
    open_index = control.end() - 1
    close = matching_paren(stmt, open_index)
    yield offset + open_index + 1, stmt[open_index + 1:close]
    yield from full_expressions(offset + close + 1, stmt[close + 1:])


# `&&` after a type (`auto&& x`, `T&& x`) declares a reference, it does not short-circuit.
RVALUE_REF = re.compile(r"(?:\bauto|>|\bconst)\s*&&")
BRACED_TEMP = re.compile(r"(?:[A-Za-z_0-9>]|[(,=]\s*)\{")


def shapes(expr):
    if not re.search(r"\bco_await\b", expr):
        return []
    found = []
    if "?" in expr:
        found.append("conditional operator")
    logical = RVALUE_REF.sub(" ", expr)
    if "&&" in logical or "||" in logical:
        found.append("&& or ||")
    # A lambda body opens after `)` or `]`; any other `{` inside the expression is a braced
    # temporary (T{...}, f({...}), x = {...}).
    for m in BRACED_TEMP.finditer(expr):
        before = expr[:m.end() - 1].rstrip()
        if before.endswith(("mutable", "noexcept")):
            continue
        found.append("braced temporary")
        break
    return found


def scan_text(text):
    clean = preprocessor_blanked(blank_literals(text))
    for offset, stmt in statements(clean):
        for start, expr in full_expressions(offset, stmt):
            kinds = shapes(expr)
            if kinds:
                at = start + re.search(r"\bco_await\b", expr).start()
                yield clean.count("\n", 0, at) + 1, kinds


def scan_tree(roots):
    problems = []
    for root in roots:
        paths = [root] if os.path.isfile(root) else []
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("build"))
            paths += [os.path.join(folder, f) for f in sorted(files) if f.endswith(SOURCE_SUFFIXES)]
        for path in paths:
            if os.path.basename(path) == os.path.basename(__file__):
                continue
            with open(path, encoding="utf-8", errors="replace") as f:
                for line, kinds in scan_text(f.read()):
                    problems.append(f"{path}:{line}: co_await with {', '.join(kinds)}")
    return problems


MUST_FLAG = [
    "auto u = ir ? ir : co_await challenge(\"x\");",
    "co_await reply(ok ? \"250 ok\" : \"550 no\");",
    "if (co_await read_some() == 0 && eof_) break;",
    "bool b = ready || co_await wait();",
    "co_await send(std::string{\"a\"});",
    "co_await write_lines({\"250-a\", \"250 b\"});",
    "while (!done && co_await step()) {}",
    "case 1: x = flag ? co_await a() : co_await b();",
]
MUST_PASS = [
    "if (!du || !dp) co_return co_await reply(\"501 bad\");",
    "if (hold_ && !s_.line_buffered()) co_await flush();",
    "auto n = co_await read_some();",
    "co_await login(name, [&](const mailbox& box) { return box.password == password; });",
    "auto&& r = co_await fetch();",
    "std::string s = cond ? \"a\" : \"b\";",
    "co_await reply(\"a ? b : c && d\"); // a ? b && c",
    "co_await reply(fmt::format(\"{} {}\", a, b));",
]


def self_test():
    failures = []
    for sample in MUST_FLAG:
        if not list(scan_text(sample)):
            failures.append(f"not flagged: {sample}")
    for sample in MUST_PASS:
        if list(scan_text(sample)):
            failures.append(f"flagged wrongly: {sample}")
    for f in failures:
        print(f)
    print(f"self-test: {len(MUST_FLAG)} shapes flagged, {len(MUST_PASS)} fixes passed"
          if not failures else f"self-test: {len(failures)} wrong")
    return 1 if failures else 0


def main(argv):
    if argv == ["--self-test"]:
        return self_test()
    if not argv:
        print(__doc__.strip())
        return 2
    problems = scan_tree(argv)
    for p in problems:
        print(p)
    print(f"coroutine shapes: {len(problems)} found")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
