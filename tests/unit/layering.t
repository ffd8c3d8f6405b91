#!/usr/bin/env bash
# layering.t - the floors of the house (drivers/README.md): MPI only in drivers/common, no include up a floor or across programs.
. "$(dirname "$0")/../lib.sh"

scan=$TOP/tests/unit/layering.py
# bench/pingpong_plain.c is the baseline written straight against MPI on purpose (bench/README.md).
EXEMPT=(exempt bench/pingpong_plain.c)

# offenders ROOT CHECK: layering.py's offenders of CHECK in the tree at ROOT.
offenders() { "$JSON_PY" "$scan" "$1" "$2" "${EXEMPT[@]}"; }

# show TEXT: each offender as a TAP diagnostic (at most 20, then how many more).
show() { [ -z "$1" ] || { head -n 20 <<<"$1" | sed 's/^/#   /'; [ "$(wc -l <<<"$1")" -le 20 ] || diag "  ... $(($(wc -l <<<"$1") - 20)) more"; }; }

# 1. The scanner itself finds each planted offence in a small tree, and nothing in comments or strings.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/kernels "$tmp"/drivers/{common,pi,map,workshop} "$tmp"/bench
cat >"$tmp/kernels/k.c" <<'EOF'
/* k.c - planted: kernels include mpi.h, and an MPI_ call /* MPI_Comment */
#include <mpi.h>
#include "common.h"
// MPI_LineComment
static const char *s = "MPI_InString \" MPI_StillString";
static const char c = '"';
int k(void) { return MPI_Init(0, 0); }
EOF
cat >"$tmp/drivers/common/common.h" <<'EOF'
#include "pi.h"
#include "../pi/pi.h"
int MPI_fine_here;
EOF
cat >"$tmp/drivers/pi/pi.h" <<'EOF'
#include "common.h"
EOF
cat >"$tmp/drivers/map/main.c" <<'EOF'
#include "../pi/pi.h"
#include "common.h"
/* MPI_Comm in a comment is fine */ const char *help = "uses MPI_Put";
EOF
cat >"$tmp/drivers/workshop/main.c" <<'EOF'
#include "../workshop/own.h"
#include "common.h"
#include "pi.h"
EOF
echo '#include "common.h"' >"$tmp/drivers/workshop/own.h"
mpi=$(offenders "$tmp" mpi); mpi_h=$(offenders "$tmp" mpi_h); prog=$(offenders "$tmp" programs)
up=$(offenders "$tmp" upward); cyc=$(offenders "$tmp" cycle)
[ "$mpi" = "kernels/k.c:7: MPI_Init" ] && [ "$mpi_h" = "kernels/k.c:2: #include mpi.h" ] &&
    [ "$prog" = "drivers/map/main.c:1: #include ../pi/pi.h (drivers/map includes drivers/pi)
drivers/workshop/main.c:3: #include pi.h (drivers/workshop includes drivers/pi)" ] &&
    [ "$up" = "drivers/common/common.h:1: #include pi.h (floor 1 common includes floor 2 pi)
drivers/common/common.h:2: #include ../pi/pi.h (floor 1 common includes floor 2 pi)
kernels/k.c:3: #include common.h (floor 0 kernels includes floor 1 common)" ] &&
    [ "$cyc" = "drivers/common/common.h -> drivers/pi/pi.h -> drivers/common/common.h" ]
planted=$?
ok $planted "the scanner finds planted offences (MPI_Init, mpi.h, map -> pi, workshop -> pi by a bare name, common -> pi, kernels -> common, a circle), none in comments or strings"
[ $planted -eq 0 ] || show "$mpi
$mpi_h
$prog
$up
$cyc"

# 2. The tree itself.
bad=$(offenders "$TOP" mpi)
[ -z "$bad" ]
ok $? "no MPI_ in code outside drivers/common/"
show "$bad"
for check in "mpi_h:kernels/ never includes mpi.h" \
             "programs:no file in one program's folder includes another program's header" \
             "upward:no include runs up a floor (kernels < drivers/common < programs < bench, tests)" \
             "cycle:no circle of includes among the headers"; do
    bad=$(offenders "$TOP" "${check%%:*}")
    [ -z "$bad" ]
    ok $? "${check#*:}"
    show "$bad"
done
done_testing
