# layering.py - the floors of the house (drivers/README.md) checked on the C sources; used by layering.t.
"""Usage: layering.py ROOT CHECK [exempt FILE...]

Prints one offender a line (FILE:LINE: what) for CHECK, nothing when the tree keeps the rule:
  mpi       an MPI_ identifier in code (comments and string literals stripped) outside drivers/common/
  mpi_h     kernels/ includes mpi.h
  programs  a file in one program's folder includes another program's header
  upward    an include that runs up a floor (kernels -> drivers, drivers/common -> a program, ...)
  cycle     a circle of includes among the headers
Files given after "exempt" are skipped by the mpi check (the baseline bench/pingpong_plain.c).
"""
import os
import re
import sys

PROGRAMS = ("pi", "map", "workshop")
SEARCH = ("kernels", "drivers/common", "build")   # the Makefile's -I paths, in order
INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*([<"])([^>"]+)[>"]', re.M)


def strip(text, strings=True):
    """text with comments (and string/char literals, if strings) blanked; newlines kept for line numbers."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) + c if strings else text[i:j])
            i = j
            continue
        else:
            out.append(c)
            i += 1
            continue
        out.append(re.sub(r"[^\n]", " ", text[i:j]))
        i = j
    return "".join(out)


def floor(path):
    """(floor, folder) of a path relative to ROOT: 0 kernels, 1 drivers/common, 2 a program, 3 above."""
    parts = path.split("/")
    if parts[0] == "kernels" or parts[0] == "build":
        return 0, parts[0]
    if parts[0] == "drivers" and len(parts) > 2:
        return (1, "common") if parts[1] == "common" else (2, parts[1])
    return 3, parts[0]


def sources(root):
    """every .c and .h under kernels/, drivers/, bench/ and tests/, relative to root, sorted."""
    found = []
    for top in ("kernels", "drivers", "bench", "tests"):
        for d, _, files in os.walk(os.path.join(root, top)):
            found += [os.path.relpath(os.path.join(d, f), root) for f in files if f.endswith((".c", ".h"))]
    return sorted(found)


def includes(root, path, code):
    """(line, name, resolved path or None) for each #include of a file (code: comments stripped only)."""
    for m in INCLUDE.finditer(code):
        line, name = code.count("\n", 0, m.start()) + 1, m.group(2)
        here = [os.path.dirname(path)] if m.group(1) == '"' else []
        if path.startswith("tests/"):
            here.append("drivers/map")                # the unit tests' extra -I (Makefile)
        hit = None
        # then every program's folder: a bare name that only another program has is that program's
        for d in here + list(SEARCH) + [f"drivers/{p}" for p in PROGRAMS]:
            cand = os.path.normpath(os.path.join(d, name))
            if os.path.isfile(os.path.join(root, cand)) or cand == "build/buildinfo.h":
                hit = cand
                break
        yield line, name, hit


def check(root, what, exempt):
    """the offenders of one check, as printable lines."""
    bad, graph = [], {}
    for path in sources(root):
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            text = f.read()
        code = strip(text)
        fl, folder = floor(path)
        if what == "mpi" and fl != 1 and path not in exempt:
            for m in re.finditer(r"\bMPI_\w*", code):
                bad.append(f"{path}:{code.count(chr(10), 0, m.start()) + 1}: {m.group(0)}")
        for line, name, hit in includes(root, path, strip(text, strings=False)):
            where = f"{path}:{line}: #include {name}"
            if what == "mpi_h" and fl == 0 and os.path.basename(name) == "mpi.h":
                bad.append(where)
            if hit is None:
                continue
            hfl, hfolder = floor(hit)
            if what == "programs" and fl == 2 and hfl == 2 and hfolder != folder:
                bad.append(f"{where} (drivers/{folder} includes drivers/{hfolder})")
            if what == "upward" and hfl > fl:
                bad.append(f"{where} (floor {fl} {folder} includes floor {hfl} {hfolder})")
            if path.endswith(".h"):
                graph.setdefault(path, []).append(hit)
    if what == "cycle":
        bad += cycles(graph)
    return bad


def cycles(graph):
    """each include circle among headers once, as 'a.h -> b.h -> a.h'."""
    found, state = [], {}

    def visit(node, stack):
        state[node] = 1
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                found.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


if __name__ == "__main__":
    args = sys.argv[1:]
    exempt = set(args[3:]) if len(args) > 2 and args[2] == "exempt" else set()
    for offender in check(args[0], args[1], exempt):
        print(offender)
