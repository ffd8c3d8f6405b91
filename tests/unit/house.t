#!/usr/bin/env bash
# house.t - the house rules of issue 19 that a script can see: short functions, no exit() in library code, one hash, no GMP in drivers/common.
. "$(dirname "$0")/../lib.sh"

# long_functions FILE...: "FILE:LINE: N lines: NAME" for every function body over 80 lines.
# House style: a definition's body opens with '{' and closes with '}' in column 0; its name
# is on the last column-0 line with a '(' before the '{'.  A definition ending in ') {' on its
# own line opens a body there too.
long_functions() {
    awk '/^[A-Za-z_].*\(/ && !inside { name = $0; line = FNR }
         /^[A-Za-z_].*\)[ \t]*\{[ \t]*$/ && !inside { inside = 1; start = FNR }
         /^\{/ && !inside { inside = 1; start = FNR }
         /^\}/ && inside { n = FNR - start + 1; inside = 0
                           if (n > 80) printf "%s:%d: %d lines: %s\n", FILENAME, line, n, name }' "$@"
}

# The checker itself finds a long function (and not a short one).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{ echo 'static int short_one(void)'; echo '{'; echo '    return 0;'; echo '}'
  echo 'int long_one(int a,'; echo '             int b)'; echo '{'
  for i in $(seq 79); do echo "    a += b;"; done
  echo '    return a;'; echo '}'; } >"$tmp/sample.c"
{ echo 'int brace_on_line(void) {'; for i in $(seq 80); do echo "    f();"; done; echo '}'; } \
    >>"$tmp/sample.c"
out=$(long_functions "$tmp/sample.c")
[ "$out" = "$tmp/sample.c:5: 82 lines: int long_one(int a,
$tmp/sample.c:89: 82 lines: int brace_on_line(void) {" ]
ok $? "the checker reports 82-line functions (brace on its own line or not) by their first line, and not a short one"

cd "$TOP" || exit 1
files=$(ls kernels/*.c drivers/*/*.c)
out=$(long_functions $files)
[ -z "$out" ]
ok $? "no function over 80 lines in kernels/ and drivers/"
[ -z "$out" ] || sed "s/^/# /" <<<"$out"

# exit() only from main's return: none in library code or between collectives.  The two
# exceptions return no status by nature: ompenv.c's constructor runs before main (and MPI),
# outfile.c's signal handler ends the process with the signal's status.
out=$(grep -n '\<_\?exit *(' $files kernels/*.h drivers/*/*.h /dev/null |
      grep -Ev '^drivers/common/ompenv\.c:[0-9]+: +_exit\(1\);|^drivers/common/outfile\.c:[0-9]+: +_exit\(128 \+ sig\);')
[ -z "$out" ]
ok $? "no exit() in kernels/ and drivers/"
[ -z "$out" ] || sed "s/^/# /" <<<"$out"

# one hash: the FNV-1a prime stands in drivers/common/hash.c only
out=$(grep -rln --include='*.[ch]' '1099511628211' kernels drivers bench tests/unit | grep -v '^drivers/common/hash\.c$')
[ -z "$out" ]
ok $? "one hash: FNV-1a only in drivers/common/hash.c"
[ -z "$out" ] || sed "s/^/# /" <<<"$out"

# drivers/common is the programs' shared floor: no program's own code (GMP, BBP) in it
out=$(grep -n 'gmp\.h\|mpz_\|mp_limb\|bbp' drivers/common/*.[ch])
[ -z "$out" ]
ok $? "no GMP or BBP code in drivers/common"
[ -z "$out" ] || sed "s/^/# /" <<<"$out"

# no program includes another program's headers
bad=""
for prog in pi map workshop; do
    for other in pi map workshop; do
        [ "$prog" = "$other" ] && continue
        for h in drivers/"$other"/*.h; do
            grep -l "#include \"$(basename "$h")\"" drivers/"$prog"/*.c drivers/"$prog"/*.h 2>/dev/null |
                sed "s|\$| includes $h|"
        done
    done
done >"$tmp/cross"
[ ! -s "$tmp/cross" ]
ok $? "no program includes another program's headers"
[ -s "$tmp/cross" ] && sed "s/^/# /" "$tmp/cross"
done_testing
