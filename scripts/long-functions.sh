#!/usr/bin/env bash
# Lists the product functions longer than N lines (default 60), longest first; exits 1 if there is any.
#
#   scripts/long-functions.sh [-n N] [--all] [paths…]      (paths default to Sources/)
#
# Counted: the bodies of `func`, `init`, `deinit`, `subscript`, computed properties (`var x: T { … }`) and closures
# assigned to stored properties (`let x = { … }`). A body's length is the number of lines between its braces that hold
# code: blank lines and lines holding only a comment do not count (SwiftLint's function_body_length). Braces inside
# string literals (including multi-line and raw strings) and comments are ignored; lines inside a multi-line string
# literal count as code. A nested function counts in its own right and inside the function that contains it.
# `--all` lists every body (not just the long ones) and always exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 - "$@" <<'PY'
import os, re, sys

limit, show_all, paths = 60, False, []
args = sys.argv[1:]
while args:
    a = args.pop(0)
    if a == "-n":
        limit = int(args.pop(0))
    elif a == "--all":
        show_all = True
    elif a in ("-h", "--help"):
        print("usage: scripts/long-functions.sh [-n N] [--all] [paths...]")
        sys.exit(0)
    else:
        paths.append(a)
paths = paths or ["Sources"]


def mask(text):
    """Returns (code, codeful): code with string contents and comments replaced by spaces (newlines kept);
    codeful[i] is True when line i holds code (or is inside a string literal)."""
    out, i, n = [], 0, len(text)
    line, codeful = 0, {}
    stack = []  # interpolation depths: each entry is the paren depth of an open \( inside a string

    def mark():
        codeful[line] = True

    def lex_string(i):
        """i at the opening quote(s) (after any #s). Returns index after the closing delimiter."""
        nonlocal line
        hashes = 0
        j = i
        while j > 0 and text[j - 1] == "#":
            hashes += 1
            j -= 1
        multi = text.startswith('"""', i)
        delim = ('"""' if multi else '"') + "#" * hashes
        out.append(text[i : i + (3 if multi else 1)])
        i += 3 if multi else 1
        esc = "\\" + "#" * hashes
        while i < n:
            if text.startswith(delim, i):
                out.append(delim)
                mark()
                return i + len(delim)
            if text.startswith(esc + "(", i):
                # interpolation: lex code until the matching paren
                out.append(" " * (len(esc) + 1))
                i += len(esc) + 1
                i = lex_code(i, until_paren=True)
                continue
            if text.startswith(esc, i):
                out.append(" " * (len(esc) + 1))
                i += len(esc) + 1
                continue
            c = text[i]
            if c == "\n":
                out.append("\n")
                line += 1
                if multi:
                    mark()
            else:
                out.append(" ")
                mark()
            i += 1
        return i

    def lex_code(i, until_paren=False):
        nonlocal line
        depth = 0
        while i < n:
            c = text[i]
            if text.startswith("//", i):
                while i < n and text[i] != "\n":
                    out.append(" ")
                    i += 1
                continue
            if text.startswith("/*", i):
                level = 0
                while i < n:
                    if text.startswith("/*", i):
                        level += 1
                        out.append("  ")
                        i += 2
                    elif text.startswith("*/", i):
                        level -= 1
                        out.append("  ")
                        i += 2
                        if level == 0:
                            break
                    else:
                        if text[i] == "\n":
                            out.append("\n")
                            line += 1
                        else:
                            out.append(" ")
                        i += 1
                continue
            if c == '"':
                i = lex_string(i)
                continue
            if c == "\n":
                out.append("\n")
                line += 1
                i += 1
                continue
            if not c.isspace():
                mark()
            if until_paren:
                if c == "(":
                    depth += 1
                elif c == ")":
                    if depth == 0:
                        out.append(" ")
                        return i + 1
                    depth -= 1
            out.append(c)
            i += 1
        return i

    lex_code(0)
    return "".join(out), codeful


DECL = re.compile(
    r"\b(?:func\s+(?P<func>[^\s(<]+)|(?P<init>init)\s*[?!]?\s*[(<]|(?P<deinit>deinit)\b|(?P<sub>subscript)\s*[(<]"
    r"|(?:var|let)\s+(?P<prop>\w+)\s*(?::[^={\n]*)?(?P<propbrace>\{|=\s*\{))"
)
TYPE = re.compile(r"\b(?:class|struct|enum|actor|extension|protocol)\s+([\w.]+)")


def bodies(path):
    text = open(path, encoding="utf-8").read()
    code, codeful = mask(text)
    # line index of each offset
    line_starts = [0]
    for m in re.finditer("\n", code):
        line_starts.append(m.end())
    import bisect

    def line_of(off):
        return bisect.bisect_right(line_starts, off) - 1

    # matching braces
    match, stack = {}, []
    for k, c in enumerate(code):
        if c == "{":
            stack.append(k)
        elif c == "}" and stack:
            match[stack.pop()] = k
    # enclosing type names by brace
    types = []
    for m in TYPE.finditer(code):
        b = code.find("{", m.end())
        if b >= 0 and b in match:
            types.append((b, match[b], m.group(1)))
    results = []
    for m in DECL.finditer(code):
        if m.group("func") is not None:
            name = m.group("func")
        elif m.group("init"):
            name = "init"
        elif m.group("deinit"):
            name = "deinit"
        elif m.group("sub"):
            name = "subscript"
        else:
            name = m.group("prop")
        if m.group("prop") is not None:
            open_brace = m.end() - 1
        else:
            # the body's brace: the first `{` outside parentheses/brackets/generics after the signature; a
            # requirement without a body ends at a newline followed by another declaration or a `}`.
            k, depth, open_brace = m.end(), 0, None
            while k < len(code):
                c = code[k]
                if c in "([":
                    depth += 1
                elif c in ")]":
                    depth -= 1
                elif c == "{" and depth <= 0:
                    open_brace = k
                    break
                elif c == "}" and depth <= 0:
                    break
                elif depth <= 0 and re.match(r"\n\s*(?:@|(?:public|private|internal|fileprivate|static|func|var|let|init|mutating|nonisolated|associatedtype|subscript|case)\b)", code[k:k+40]):
                    break
                k += 1
        if open_brace is None or open_brace not in match:
            continue
        close = match[open_brace]
        first, last = line_of(open_brace), line_of(close)
        length = sum(1 for ln in range(first + 1, last) if codeful.get(ln))
        owner = [t for t in types if t[0] < m.start() < t[1]]
        qual = (owner[-1][2] + "." if owner else "") + name
        results.append((length, path, line_of(m.start()) + 1, qual))
    return results


found = []
for root in paths:
    if os.path.isfile(root):
        found += bodies(root)
        continue
    for dirpath, _, files in os.walk(root):
        for f in sorted(files):
            if f.endswith(".swift"):
                found += bodies(os.path.join(dirpath, f))
found.sort(key=lambda r: (-r[0], r[1], r[2]))
long = [r for r in found if r[0] > limit]
for length, path, line, name in (found if show_all else long):
    print(f"{length:5d}  {path}:{line}  {name}")
if show_all:
    sys.exit(0)
sys.stdout.flush()
if long:
    print(f"{len(long)} bodies over {limit} lines (split them into well-named helpers)", file=sys.stderr)
    sys.exit(1)
print(f"no function body over {limit} lines", file=sys.stderr)
PY
