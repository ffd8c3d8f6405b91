#!/usr/bin/env bash
# docs.t - the READMEs hold together: the top one short with the two commands first, every link, anchor and path real.
. "$(dirname "$0")/../lib.sh"

# docs_check CHECK: the offenders of CHECK over every README.md of the tree, one a line.
docs_check() {
    "$JSON_PY" - "$TOP" "$1" <<'EOF'
import os, re, sys
top, what = sys.argv[1], sys.argv[2]
readmes = sorted(os.path.relpath(os.path.join(d, f), top)
                 for d, dirs, files in os.walk(top)
                 for f in files if f == "README.md"
                 if not os.path.relpath(d, top).startswith((".git", "build", "bin")))

def anchors(path):
    """GitHub's anchors of a Markdown file's headings (lower case, punctuation dropped, - for spaces)."""
    text = re.sub(r"```.*?```", "", open(path, encoding="utf-8").read(), flags=re.S)
    seen = set()
    for h in re.findall(r"^#{1,6} +(.+?) *$", text, re.M):
        a = re.sub(r"[^\w\- ]", "", h.lower().replace("`", "")).replace(" ", "-")
        seen.add(a)
    return seen

for rel in readmes:
    text = open(os.path.join(top, rel), encoding="utf-8").read()
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    here = os.path.dirname(rel)
    if what == "links":
        for m in re.finditer(r"\]\(([^)\s]+)\)", prose):
            target = m.group(1)
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            dest = os.path.normpath(os.path.join(here, path)) if path else rel
            line = text[:text.find(m.group(0))].count("\n") + 1
            if not os.path.exists(os.path.join(top, dest)):
                print(f"{rel}:{line}: link to a missing file {target}")
            elif anchor and (not dest.endswith(".md") or anchor not in anchors(os.path.join(top, dest))):
                print(f"{rel}:{line}: link to a missing anchor {target}")
    if what == "paths":
        for m in re.finditer(r"`((?:kernels|drivers|tests|bench|slurm)/[\w./-]*)`", text):
            p = m.group(1).rstrip("/")
            if "*" not in p and not os.path.exists(os.path.join(top, p)):
                print(f"{rel}:{text[:m.start()].count(chr(10)) + 1}: no such path {m.group(1)}")
EOF
}

n=$(wc -l <"$TOP/README.md")
[ "$n" -le 250 ]
ok $? "README.md has at most 250 lines ($n)"
first=$(head -n 40 "$TOP/README.md")
grep -q '^make run ' <<<"$first" && grep -q '^make check ' <<<"$first" && grep -q 'bin/pi ' <<<"$first" &&
    grep -q '^pi  *3\.1415926535897931$' <<<"$first"
ok $? "README.md's first 40 lines: make run, make check, a first bin/pi run and its output"
for f in drivers/README.md drivers/common/README.md drivers/pi/README.md drivers/map/README.md \
         drivers/workshop/README.md slurm/README.md bench/README.md; do
    [ -s "$TOP/$f" ] && grep -q "](.*README.md\|](#" "$TOP/$f"
    ok $? "$f is there and links on"
done
grep -q '^## Failure contract$' "$TOP/drivers/common/README.md" &&
    [ "$(grep -l '^## Failure contract' "$TOP"/README.md "$TOP"/*/README.md "$TOP"/*/*/README.md | wc -l)" -eq 1 ]
ok $? "the failure contract is written once, in drivers/common/README.md"
for check in "links:every relative link and #anchor of every README.md resolves" \
             "paths:every kernels/, drivers/, tests/, bench/, slurm/ path the READMEs name exists"; do
    bad=$(docs_check "${check%%:*}")
    [ -z "$bad" ]
    ok $? "${check#*:}"
    [ -z "$bad" ] || sed 's/^/#   /' <<<"$bad"
done
done_testing
