#!/usr/bin/env bash
# install.t - --version; make install and uninstall (PREFIX, DESTDIR); the installed Lmod module
# (Debian's lmod): module load puts the programs on PATH and sets PI_ROOT; an installed script
# submitted from an unrelated directory on the private Slurm.  No Lmod, not root, no Slurm: SKIP.
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
cluster="$tmp/cluster"
trap '"$TOP/tests/slurm/cluster.sh" stop "$cluster"; mountpoint -q "$tmp/small" && umount "$tmp/small"
      [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
P=$tmp/prefix
share=$P/share/pi-workshop-mpi
tag=$(cd "$TOP" && git describe --tags --match 'v[0-9]*' 2>/dev/null)
version=${tag#v}
[ -n "$version" ] || version=$(sed -n 's/^BASE_VERSION *:= *//p' "$TOP/Makefile")
mkdir -p "$tmp/elsewhere"
# The build under test ($BIN) is what make install installs; its MPI's name in --version, and what
# a site of that MPI sets for the installed scripts (slurm/site.conf): MPICH's launcher, srun's pmi2.
if [ "$MPI_FLAVOR" = openmpi ]; then
    mpi_name='Open MPI v' site_env=()
else
    mpi_name='MPICH ' site_env=(MPIRUN="$MPIRUN" PI_SRUN_MPI=pmi2)
fi
cd "$tmp/elsewhere" || exit 1

# ---- --version ------------------------------------------------------------------------------
good=0
for p in pi map workshop; do
    out=$("$BIN/$p" --version 2>"$tmp/err")
    [ $? -eq 0 ] && [ ! -s "$tmp/err" ] && [ "$(head -n 1 <<<"$out")" = "$p (pi-workshop-mpi) $version" ] &&
        grep -q '^git  *\([0-9a-f]\{7,\}\|unknown\)' <<<"$out" && grep -q '^compiler  *mpi[^ ]* (\(gcc\|clang\) ' <<<"$out" &&
        grep -q '^cflags  *.*-ffp-contract=off' <<<"$out" && grep -q "^mpi  *$mpi_name" <<<"$out" &&
        good=$((good + 1))
done
ok $((good != 3)) "pi, map and workshop --version: '$version' (git tag, else the Makefile), git, compiler, flags, MPI; exit 0"
good=0
for p in pi map workshop; do
    out=$(mpi 2 "$BIN/$p" --version 2>&1)
    [ $? -eq 0 ] && [ "$(grep -c "^$p (pi-workshop-mpi)" <<<"$out")" -eq 1 ] && [ "$(wc -l <<<"$out")" -eq 6 ] &&
        good=$((good + 1))
done
ok $((good != 3)) "mpirun -np 2 pi, map, workshop --version: printed once, exit 0"
"$BIN/pi" --version >/dev/full 2>"$tmp/err"
[ $? -eq 1 ] && grep -q '^pi: cannot write standard output: No space left on device' "$tmp/err"
ok $? "pi --version >/dev/full: exit 1, the reason said"
[ "$("$PI" midpoint -n 1e6 --json | jfield version)" = "$version" ]
ok $? "the JSON record's build names the version"

# ---- make install, DESTDIR, uninstall ---------------------------------------------------------
make -s -C "$TOP" install PREFIX="$P" >"$tmp/install.log" 2>&1
rc=$?
files=1
for p in pi map workshop; do [ -x "$P/bin/$p" ] && cmp -s "$P/bin/$p" "$BIN/$p" || files=0; done
for f in "$TOP"/slurm/*.sbatch "$TOP"/slurm/common.sh "$TOP"/slurm/site.conf; do
    cmp -s "$f" "$share/slurm/${f##*/}" || files=0
done
mf=$P/share/modulefiles/pi-workshop-mpi/$version.lua
[ $rc -eq 0 ] && [ $files -eq 1 ] && grep -qF "prepend_path(\"PATH\", \"$P/bin\")" "$mf" &&
    grep -qF "setenv(\"PI_ROOT\", \"$share\")" "$mf" && grep -q '^help(' "$mf" &&
    grep -qF "whatis(\"Version: $version\")" "$mf"
ok $? "make install PREFIX=P: bin/pi map workshop, share/pi-workshop-mpi/slurm/ (every script, site.conf), modulefiles/pi-workshop-mpi/$version.lua ($rc)"
[ $rc -eq 0 ] || diag "$(tail -n 3 "$tmp/install.log")"

stage=$tmp/stage
make -s -C "$TOP" install DESTDIR="$stage" PREFIX=/opt/piw MODULE_DEPENDS="piw-dep" >"$tmp/install.log" 2>&1
rc=$?
smf=$stage/opt/piw/share/modulefiles/pi-workshop-mpi/$version.lua
[ $rc -eq 0 ] && [ "$(ls "$stage")" = opt ] && [ -x "$stage/opt/piw/bin/pi" ] &&
    grep -qF 'prepend_path("PATH", "/opt/piw/bin")' "$smf" && ! grep -q "$stage" "$smf"
ok $? "make install DESTDIR=S PREFIX=/opt/piw: everything under S/opt/piw, the modulefile names /opt/piw ($rc)"
[ "$(grep -c depends_on "$smf")" -eq 1 ] && grep -qx 'depends_on("piw-dep")' "$smf" && ! grep -q depends_on "$mf"
ok $? "MODULE_DEPENDS=piw-dep: the modulefile depends_on(\"piw-dep\"); none without it"
mkdir -p "$tmp/depmods/pi-workshop-mpi"      # for Lmod below: the dependency loaded first
cp "$smf" "$tmp/depmods/pi-workshop-mpi/"
echo 'setenv("PIW_DEP", "loaded")' >"$tmp/depmods/piw-dep.lua"
echo 'PI_LAUNCHER=srun   # this site' >>"$stage/opt/piw/share/pi-workshop-mpi/slurm/site.conf"
make -s -C "$TOP" install DESTDIR="$stage" PREFIX=/opt/piw >"$tmp/install.log" 2>&1
rc=$?
conf=$stage/opt/piw/share/pi-workshop-mpi/slurm/site.conf
[ $rc -eq 0 ] && grep -q 'PI_LAUNCHER=srun   # this site' "$conf" && cmp -s "$TOP/slurm/site.conf" "$conf.new" &&
    grep -q "keeping the edited .*site.conf; the new one is .*site.conf.new" "$tmp/install.log"
ok $? "make install again: the site's edited site.conf is kept, the new one beside it as site.conf.new"
rm "$conf.new"
cp "$TOP/slurm/site.conf" "$conf"       # as installed: uninstall removes it
make -s -C "$TOP" uninstall DESTDIR="$stage" PREFIX=/opt/piw >"$tmp/install.log" 2>&1
rc=$?
[ $rc -eq 0 ] && [ -z "$(find "$stage" -type f 2>/dev/null)" ] && [ ! -e "$stage/opt/piw/share/pi-workshop-mpi" ]
ok $? "make uninstall DESTDIR=S PREFIX=/opt/piw: no file left ($rc)"

# ---- installs that own their files: a manifest, spaces in PREFIX, foreign files ----------------
man=$share/MANIFEST
[ "$(head -n 1 "$man")" = "# pi-workshop-mpi MANIFEST: what make install put under PREFIX (paths relative to it)" ] &&
    grep -qx "file $(sha256sum <"$BIN/pi" | cut -d' ' -f1) bin/pi" "$man" &&
    grep -qx "file $(sha256sum <"$TOP/slurm/site.conf" | cut -d' ' -f1) share/pi-workshop-mpi/slurm/site.conf" "$man" &&
    grep -qx "file [0-9a-f]\{64\} share/modulefiles/pi-workshop-mpi/$version.lua" "$man" &&
    [ "$(grep -c '^file ' "$man")" -eq "$(find "$P" -type f ! -name MANIFEST | wc -l)" ]
ok $? "make install writes P/share/pi-workshop-mpi/MANIFEST: every file it installed with its sha256"

sp=$tmp/sp
mkdir -p "$sp"
echo 'keep me' >"$sp/victim.txt"
SP="$sp/victim.txt $sp/opt pi"            # the space turns an unquoted PREFIX into two paths
top_before=$(ls -A "$TOP")
make -s -C "$TOP" install PREFIX="$SP" >"$tmp/install.log" 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$("$SP/bin/pi" --version | head -n 1)" = "pi (pi-workshop-mpi) $version" ] &&
    cmp -s "$SP/share/pi-workshop-mpi/slurm/pi.sbatch" "$TOP/slurm/pi.sbatch" &&
    grep -qF "prepend_path(\"PATH\", \"$SP/bin\")" "$SP/share/modulefiles/pi-workshop-mpi/$version.lua" &&
    [ "$(cat "$sp/victim.txt")" = 'keep me' ] && [ "$(ls -A "$TOP")" = "$top_before" ] &&
    [ "$(ls -A "$sp")" = "victim.txt"$'\n'"victim.txt " ]
ok $? "make install PREFIX='victim.txt opt pi' (a space): all of it under that one PREFIX, nothing in the checkout ($rc)"
[ $rc -eq 0 ] || diag "$(tail -n 3 "$tmp/install.log")"
make -s -C "$TOP" uninstall PREFIX="$SP" >"$tmp/install.log" 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(cat "$sp/victim.txt")" = 'keep me' ] && [ "$(ls -A "$sp")" = victim.txt ]
ok $? "make uninstall PREFIX='victim.txt opt pi': the victim file survives; PREFIX and the directories install made are gone ($rc)"

P2=$tmp/p2
make -s -C "$TOP" install PREFIX="$P2" >/dev/null 2>&1
echo 'a site script' >"$P2/share/pi-workshop-mpi/slurm/mine.sbatch"
echo '# edited' >>"$P2/bin/map"
make -s -C "$TOP" uninstall PREFIX="$P2" >"$tmp/install.log" 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(cat "$P2/share/pi-workshop-mpi/slurm/mine.sbatch")" = 'a site script' ] &&
    [ "$(tail -c 9 "$P2/bin/map")" = '# edited' ] && [ ! -e "$P2/bin/pi" ] && [ ! -e "$P2/share/pi-workshop-mpi/MANIFEST" ] &&
    [ "$(find "$P2" -type f | wc -l)" -eq 2 ] && grep -qF "uninstall: keeping $P2/bin/map: changed since make install" "$tmp/install.log" &&
    [ ! -e "$P2/share/modulefiles" ]
ok $? "make uninstall over a foreign file and an edited one: both kept (the edit reported), the rest removed ($rc)"

P3=$tmp/p3
mkdir -p "$P3/bin"
echo 'Debian pi' >"$P3/bin/pi"
make -s -C "$TOP" uninstall PREFIX="$P3" >"$tmp/install.log" 2>&1
rc=$?
[ $rc -ne 0 ] && [ "$(cat "$P3/bin/pi")" = 'Debian pi' ] && grep -q "^uninstall: no $P3/share/pi-workshop-mpi/MANIFEST: nothing" "$tmp/install.log"
ok $? "make uninstall where nothing was installed: P/bin/pi (another package's) kept, the reason said, exit non-zero ($rc)"
before=$(cd "$P3" && find . -printf '%p %s\n' | sort)
make -s -C "$TOP" install PREFIX="$P3" >"$tmp/install.log" 2>&1
rc=$?
[ $rc -ne 0 ] && [ "$(grep -c '^install:' "$tmp/install.log")" -eq 1 ] && [ "$(cd "$P3" && find . -printf '%p %s\n' | sort)" = "$before" ] &&
    grep -qF "install: refusing to overwrite '$P3/bin/pi': not installed by pi-workshop-mpi" "$tmp/install.log" &&
    grep -q 'FORCE=1 overwrites' "$tmp/install.log"
ok $? "make install over a foreign P/bin/pi: refused in one line, nothing written ($rc)"
[ $rc -ne 0 ] || diag "$(cat "$tmp/install.log")"
make -s -C "$TOP" install PREFIX="$P3" FORCE=1 >"$tmp/install.log" 2>&1
rc=$?
[ $rc -eq 0 ] && cmp -s "$P3/bin/pi" "$BIN/pi" && grep -q ' bin/pi$' "$P3/share/pi-workshop-mpi/MANIFEST" &&
    grep -qF "FORCE=1: replacing '$P3/bin/pi'" "$tmp/install.log"
ok $? "make install FORCE=1 over it: replaced, said so, and now listed in the manifest ($rc)"
make -s -C "$TOP" install PREFIX="$P3" >"$tmp/install.log" 2>&1 && make -s -C "$TOP" uninstall PREFIX="$P3" >>"$tmp/install.log" 2>&1
[ $? -eq 0 ] && [ -z "$(find "$P3" -type f)" ] && [ -d "$P3/bin" ] && [ ! -e "$P3/share" ]
ok $? "then install again (its own files: no FORCE needed) and uninstall: every file gone, P/bin (there before) kept"

mkdir -p "$tmp/small"
mount_small "$tmp/small"
if [ "$mounted" != yes ]; then
    echo "ok $((tap_n += 1)) # SKIP $mounted"
else
    make -s -C "$TOP" install PREFIX="$tmp/small/p" >"$tmp/install.log" 2>&1
    rc=$?
    grep -q '^install: cannot write .*: No space left on device$' "$tmp/install.log" &&
        [ "$(grep -c '^install:' "$tmp/install.log")" -eq 1 ] && [ -z "$(find "$tmp/small" -name '*.tmp*')" ]
    st=$?
    make -s -C "$TOP" uninstall PREFIX="$tmp/small/p" >>"$tmp/install.log" 2>&1
    urc=$?
    [ $rc -ne 0 ] && [ $st -eq 0 ] && [ $urc -eq 0 ] && [ -z "$(ls -A "$tmp/small")" ]
    ok $? "make install on a full 1 MiB disk: one line with the reason, no temporary; uninstall then removes all it wrote ($rc)"
    [ $rc -ne 0 ] && [ $st -eq 0 ] || diag "$(cat "$tmp/install.log")"
    umount "$tmp/small"
fi

# ---- the installed scripts run from any directory ---------------------------------------------
# (the build under test is installed: it runs under its MPI's launcher as its site sets it, as with Lmod below)
env -u MPIRUN -u MPI_FLAVOR "${site_env[@]}" SLURM_JOB_ID=7 SLURM_NTASKS=2 SLURM_CPUS_PER_TASK=1 SLURM_JOB_NUM_NODES=1 PI_MODULES= \
    PI_ROOT="$share" PATH="$P/bin:$PATH" SLURM_SUBMIT_DIR="$tmp/elsewhere" \
    bash "$share/slurm/pi.sbatch" midpoint -n 1e6 >"$tmp/out" 2>"$tmp/err"
[ $? -eq 0 ] && grep -q "^job 7: .*, programs $P/bin$" "$tmp/out" && grep -q '^check  *pass' "$tmp/out"
ok $? "installed pi.sbatch with PI_ROOT=P/share/pi-workshop-mpi, P/bin on PATH, run elsewhere: uses P/bin, passes"

# ---- Lmod ---------------------------------------------------------------------------------------
lmod_init=""
for f in /usr/share/lmod/lmod/init/bash ${LMOD_PKG:+"$LMOD_PKG/init/bash"}; do
    [ -f "$f" ] && { lmod_init=$f; break; }
done
# lmod_shell SCRIPT: SCRIPT in a clean bash with Lmod, P's modules on MODULEPATH, in elsewhere/
lmod_shell() {
    env -i HOME="$tmp" PATH=/usr/local/bin:/usr/bin:/bin LMOD_ALLOW_ROOT_USE=yes \
        ${SLURM_CONF:+SLURM_CONF="$SLURM_CONF"} bash -c \
        ". '$lmod_init' && module use '$P/share/modulefiles' && $1"
}
if [ -z "$lmod_init" ]; then
    for i in 1 2 3 4 5; do echo "ok $((tap_n += 1)) # SKIP no Lmod (Debian: lmod)"; done
else
    out=$(lmod_shell 'module load pi-workshop-mpi && echo "which $(command -v pi)" && echo "root $PI_ROOT" &&
                      pi --version | head -n 1 && module -t list 2>&1')
    [ $? -eq 0 ] && grep -qx "which $P/bin/pi" <<<"$out" && grep -qx "root $share" <<<"$out" &&
        grep -qx "pi (pi-workshop-mpi) $version" <<<"$out" && grep -qx "pi-workshop-mpi/$version" <<<"$out"
    ok $? "Lmod: module use P/share/modulefiles; module load pi-workshop-mpi: pi is P/bin/pi, PI_ROOT set, pi --version"
    [ $? -eq 0 ] || diag "$out"
    out=$(lmod_shell 'module whatis pi-workshop-mpi 2>&1; module help pi-workshop-mpi 2>&1')
    grep -q "Version: $version" <<<"$out" && grep -q 'sbatch \$PI_ROOT/slurm/pi.sbatch' <<<"$out"
    ok $? "Lmod: module whatis and module help describe it"
    out=$(lmod_shell 'module load pi-workshop-mpi && module unload pi-workshop-mpi &&
                      echo "which $(command -v pi || echo none) root ${PI_ROOT:-unset}"')
    # Debian's own pi package may put a /usr/bin/pi on PATH: what matters is that P/bin/pi is gone
    [ "${out% root *}" != "which $P/bin/pi" ] && [ "${out##* root }" = unset ]
    ok $? "Lmod: module unload takes both back ($out)"
    out=$(lmod_shell "module use '$tmp/depmods' && module load pi-workshop-mpi && echo \$PIW_DEP \$PI_ROOT")
    [ "$out" = "loaded /opt/piw/share/pi-workshop-mpi" ]
    ok $? "Lmod: a modulefile installed with MODULE_DEPENDS loads its dependency first ($out)"
    make -s -C "$TOP" install PREFIX="$SP" >/dev/null 2>&1
    out=$(env -i HOME="$tmp" PATH=/usr/local/bin:/usr/bin:/bin LMOD_ALLOW_ROOT_USE=yes SP="$SP" bash -c \
        ". '$lmod_init' && module use \"\$SP/share/modulefiles\" && module load pi-workshop-mpi &&
         echo \"which \$(command -v pi)\" && echo \"root \$PI_ROOT\" && pi --version | head -n 1")
    [ $? -eq 0 ] && grep -qxF "which $SP/bin/pi" <<<"$out" && grep -qxF "root $SP/share/pi-workshop-mpi" <<<"$out" &&
        grep -qx "pi (pi-workshop-mpi) $version" <<<"$out"
    ok $? "Lmod: the module installed with PREFIX='victim.txt opt pi' (a space) loads: pi and PI_ROOT there"
    [ $? -eq 0 ] || diag "$out"
    make -s -C "$TOP" uninstall PREFIX="$SP" >/dev/null 2>&1
fi

# ---- an installed script on the private Slurm, submitted from elsewhere -----------------------
mkdir -p "$cluster"
if [ -z "$lmod_init" ]; then
    for i in 1 2; do echo "ok $((tap_n += 1)) # SKIP no Lmod (Debian: lmod)"; done
elif ! slurm_start "$cluster"; then
    for i in 1 2; do echo "ok $((tap_n += 1)) # SKIP $slurm_skip"; done
else
    ids=$(lmod_shell "export ${site_env[*]@Q} PI_MODULES=; "'module load pi-workshop-mpi && export PI_MODULES= OMPI_MCA_btl=self,tcp &&
        sbatch --parsable -n 2 --output=pi-%j.out "$PI_ROOT/slurm/pi.sbatch" midpoint -n 1e8 &&
        PI_LAUNCHER=srun sbatch --parsable -N 2 -n 2 --output=pi-%j.out \
            "$PI_ROOT/slurm/pi.sbatch" midpoint -n 1e8')
    read -r j_mpirun j_srun <<<"$(echo $ids)"
    for L in mpirun srun; do
        j=j_$L
        read -r st ec <<<"$(wait_job "${!j}")"
        out="pi-${!j}.out"
        [ "$st" = COMPLETED ] && grep -q "^job .*2 rank(s) x 1 thread(s), launcher $L, .*programs $P/bin$" "$out" &&
            grep -q '^layout 2 ranks x 1 thread .*(expected 2 ranks: ok)' "$out" &&
            grep -q '^pi  *3.1415926535897931$' "$out" && grep -q '^check  *pass' "$out"
        ok $? "Lmod + Slurm: module load; sbatch \$PI_ROOT/slurm/pi.sbatch from elsewhere, $L: P/bin/pi, pi 3.1415926535897931 ($st $ec)"
        [ "$st" = COMPLETED ] || diag "$(tail -n 5 "$out" 2>&1)"
    done
fi
done_testing
