#!/usr/bin/env bash
# install.sh - make install / make uninstall: files owned through a manifest of sha256 sums.
#
#   PI_PREFIX=/usr/local PI_DESTDIR= PI_VERSION=0.9.0 PI_BIN=bin [PI_MODULE_DEPENDS="gcc openmpi"]
#   [PI_FORCE=1] slurm/install.sh install|uninstall      (the Makefile passes them, quoted)
#
# install writes the programs, the Slurm scripts, site.conf and an Lmod modulefile under
# DESTDIR/PREFIX and lists them in PREFIX/share/pi-workshop-mpi/MANIFEST ("file SHA256 PATH",
# "dir PATH", paths relative to PREFIX).  It refuses, before writing anything, to replace a file
# the manifest does not list with a matching sum (a file it did not install), unless FORCE=1;
# an edited site.conf is kept and the new one goes beside it as site.conf.new.  uninstall
# removes what the manifest lists and is unchanged, says what it keeps, then the manifest and
# the empty directories install created.  Every path goes through the environment and quoted
# expansions, so PREFIX and DESTDIR may hold spaces or any character but a control character.
set -u

PROJECT=pi-workshop-mpi
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MANIFEST_HEAD="# $PROJECT MANIFEST: what make install put under PREFIX (paths relative to it)"

declare -A OLD_SUMS=()   # path -> the sums the old manifest accepts, space separated
declare -A OLD_DIRS=()   # directory -> 1: created by an earlier install
declare -a PLAN=()       # "mode<TAB>source<TAB>path" of each file to install
declare -A NEW_SUM=()    # path -> sha256 of what install writes there
declare -a KEEP=()       # old manifest entries carried over: "path<TAB>sum"
WORK=""

# fail TEXT: one line on stderr as CMD: TEXT, exit 1.
fail() { echo "$CMD: $1" >&2; exit 1; }

# reason TEXT: the system's reason at the end of a tool's message (after its last ": ").
reason() { local t=${1%%$'\n'*}; echo "${t##*: }"; }

# sum FILE: the sha256 of FILE.
sum() { local s; s=$(sha256sum <"$1") || return 1; echo "${s%% *}"; }

# check_env: PREFIX, DESTDIR, VERSION and the dependencies usable as paths and Lua strings.
check_env() {
    PREFIX=${PI_PREFIX-}
    DESTDIR=${PI_DESTDIR-}
    VERSION=${PI_VERSION-}
    case $PREFIX in /*) ;; *) fail "PREFIX '$PREFIX' is not an absolute path (e.g. PREFIX=/usr/local)" ;; esac
    case $DESTDIR in '' | /*) ;; *) fail "DESTDIR '$DESTDIR' is not an absolute path" ;; esac
    case $PREFIX$DESTDIR in *[[:cntrl:]]*) fail "PREFIX or DESTDIR holds a control character" ;; esac
    [[ $VERSION =~ ^[A-Za-z0-9][A-Za-z0-9._+-]*$ ]] || fail "VERSION '$VERSION' is not a version like 1.2.0"
    [[ ${PI_MODULE_DEPENDS-} =~ ^[A-Za-z0-9._/+[:space:]-]*$ ]] ||
        fail "MODULE_DEPENDS '${PI_MODULE_DEPENDS-}': want module names like 'gcc openmpi/4.1'"
    ROOT=$DESTDIR$PREFIX
    SHARE=share/$PROJECT
    MANIFEST=$ROOT/$SHARE/MANIFEST
}

# read_manifest: OLD_SUMS and OLD_DIRS from an existing manifest; 1 when there is none.
read_manifest() {
    [ -e "$MANIFEST" ] || [ -L "$MANIFEST" ] || return 1
    if [ ! -f "$MANIFEST" ] || [ -L "$MANIFEST" ]; then fail "$MANIFEST is not a regular file: not ours, left alone"; fi
    local line n=0 kind a b
    while IFS= read -r line || [ -n "$line" ]; do
        n=$((n + 1))
        if [ $n -eq 1 ]; then
            [ "$line" = "$MANIFEST_HEAD" ] && continue
            [ "${PI_FORCE-}" = 1 ] && return 1          # a foreign MANIFEST: replaced as any file
            fail "refusing to overwrite $MANIFEST: not a $PROJECT manifest; nothing written; FORCE=1 overwrites"
        fi
        case $line in '#'* | '') continue ;; esac
        read -r kind a b <<<"$line"
        case $kind in
            file) [[ $a =~ ^[0-9a-f]{64}$ ]] && safe_path "$b" || fail "$MANIFEST line $n is damaged: '$line'"
                  OLD_SUMS[$b]="${OLD_SUMS[$b]-} $a" ;;
            dir) [ -z "$b" ] && { [[ $a =~ ^\.(\.(/\.\.)*)?$ ]] || safe_path "$a"; } || fail "$MANIFEST line $n is damaged: '$line'"
                 OLD_DIRS[$a]=1 ;;
            *) fail "$MANIFEST line $n is damaged: '$line'" ;;
        esac
    done <"$MANIFEST" || fail "cannot read $MANIFEST: $(reason "$(cat "$MANIFEST" 2>&1 >/dev/null)")"
    return 0
}

# dir_path DIR: the directory a manifest "dir" line names (., .., ../.. are PREFIX and its parents).
dir_path() {
    local d=$ROOT rest=$1
    [ "$rest" = . ] && { echo "$d"; return; }
    [[ $rest == ..* ]] || { echo "$d/$rest"; return; }
    while [ -n "$rest" ]; do d=$(dirname "$d"); rest=${rest#..}; rest=${rest#/}; done
    echo "$d"
}

# only_kept DIR: DIR holds nothing but directories uninstall already kept (said once, deepest).
only_kept() {
    local e
    for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
        [ -e "$e" ] || [ -L "$e" ] || continue
        [ -n "${kept_dirs[$e]+x}" ] || return 1
    done
}

# dir_depth: each directory line prefixed with its depth below PREFIX (. 0, .. -1, bin 1).
dir_depth() { awk '{ n = gsub("/", "/") + 1; print ($0 == "." ? 0 : $0 ~ /^\.\./ ? -n : n) " " $0 }'; }

# safe_path PATH: a relative path below PREFIX (no "..", no leading "/", no empty part).
safe_path() { [[ -n $1 && $1 != /* && /$1/ != *//* && /$1/ != */../* && /$1/ != */./* ]]; }

# ours PATH: the file at PATH (relative to ROOT) is one the old manifest lists with this sum.
ours() {
    local f=$ROOT/$1 s
    [ -f "$f" ] && [ ! -L "$f" ] || return 1
    s=$(sum "$f") || return 1
    [[ " ${OLD_SUMS[$1]-} " == *" $s "* ]]
}

# modulefile OUT: the Lmod modulefile for PREFIX, from slurm/modulefile.lua.in (paths as Lua strings).
modulefile() {
    local lua_prefix lua_data deps="" m
    lua_prefix=$(sed_text "$(lua_text "$PREFIX")")
    lua_data=$(sed_text "$(lua_text "$PREFIX/$SHARE")")
    for m in ${PI_MODULE_DEPENDS-}; do deps="$deps${deps:+\\n}depends_on(\"$m\")"; done
    sed -e "s|@PREFIX@|$lua_prefix|g" -e "s|@DATADIR@|$lua_data|g" -e "s|@VERSION@|$VERSION|g" \
        -e "s|@PROJECT@|$PROJECT|g" -e "s|^-- @DEPENDS@\$|$deps|" "$HERE/modulefile.lua.in" >"$1" ||
        fail "cannot write the modulefile in $WORK"
}

# lua_text TEXT: TEXT with \ and " escaped for a Lua string.
lua_text() { local t=${1//\\/\\\\}; printf '%s' "${t//\"/\\\"}"; }

# sed_text TEXT: TEXT with \, | and & escaped for a sed replacement.
sed_text() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

# plan_file MODE SOURCE PATH: install SOURCE as ROOT/PATH with MODE.
plan_file() {
    [ -f "$2" ] || fail "$2 not found: run make first"
    PLAN+=("$1"$'\t'"$2"$'\t'"$3")
    NEW_SUM[$3]=$(sum "$2") || fail "cannot read $2"
}

# plan: every file to install; site.conf kept when edited (the new one as site.conf.new).
plan() {
    local bin=${PI_BIN:-bin} p f conf=$SHARE/slurm/site.conf s
    case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
    for p in pi map workshop; do plan_file 755 "$bin/$p" "bin/$p"; done
    for f in "$HERE"/*.sbatch "$HERE"/*.sh; do
        [ "$f" = "$HERE/install.sh" ] || plan_file 644 "$f" "$SHARE/slurm/${f##*/}"
    done
    plan_file 755 "$HERE/mpilaunch" "$SHARE/slurm/mpilaunch"   # the launcher's dialect (common.sh)
    modulefile "$WORK/module.lua"
    plan_file 644 "$WORK/module.lua" "share/modulefiles/$PROJECT/$VERSION.lua"
    s=$(sum "$HERE/site.conf") || fail "cannot read $HERE/site.conf"
    if [ -e "$ROOT/$conf" ] && ! ours "$conf" && [ "$(sum "$ROOT/$conf" 2>/dev/null)" != "$s" ]; then
        echo "$CMD: keeping the edited $ROOT/$conf; the new one is $ROOT/$conf.new"
        plan_file 644 "$HERE/site.conf" "$conf.new"
    elif ! [ -e "$ROOT/$conf" ] || ours "$conf"; then
        plan_file 644 "$HERE/site.conf" "$conf"
    fi    # else: a site.conf identical to the new one, not ours: left as it is, not listed
}

# check_plan: refuse (one line, nothing written) a file install did not write, unless FORCE=1.
check_plan() {
    local e path foreign=() what d
    for d in . bin share "$SHARE" "$SHARE/slurm" share/modulefiles "share/modulefiles/$PROJECT"; do
        if [ -e "$ROOT/$d" ] || [ -L "$ROOT/$d" ]; then
            [ -d "$ROOT/$d" ] || fail "refusing: $ROOT/$d is not a directory (nothing written)"
        fi
    done
    for e in "${PLAN[@]}" "x"$'\t'"x"$'\t'"$SHARE/MANIFEST"; do
        path=${e##*$'\t'}
        [ -e "$ROOT/$path" ] || [ -L "$ROOT/$path" ] || continue
        [ -d "$ROOT/$path" ] && [ ! -L "$ROOT/$path" ] &&
            fail "refusing: $ROOT/$path is a directory (nothing written)"
        [ "$path" = "$SHARE/MANIFEST" ] && [ -n "$HAVE_MANIFEST" ] && continue
        ours "$path" || foreign+=("$ROOT/$path")
    done
    [ ${#foreign[@]} -eq 0 ] && return 0
    what="'${foreign[0]}'"
    [ ${#foreign[@]} -gt 1 ] && what="$what and $((${#foreign[@]} - 1)) more"
    if [ "${PI_FORCE-}" = 1 ]; then
        echo "$CMD: FORCE=1: replacing $what, not installed by $PROJECT"
        return 0
    fi
    fail "refusing to overwrite $what: not installed by $PROJECT (not in $MANIFEST with its sha256); nothing written; FORCE=1 overwrites"
}

# carry_over: old manifest entries install does not rewrite (an edited site.conf, an older
# version's modulefile) whose files are still there; their old sums stay.
carry_over() {
    local path s
    for path in "${!OLD_SUMS[@]}"; do
        [ -n "${NEW_SUM[$path]+x}" ] && continue
        [ -e "$ROOT/$path" ] || continue
        for s in ${OLD_SUMS[$path]}; do KEEP+=("$path"$'\t'"$s"); done
    done
}

# write_manifest BOTH: the manifest, atomically; BOTH=1 also accepts the old sums of the files
# about to be replaced (so an install stopped half-way still owns every file it touched).
write_manifest() {
    local tmpf="$ROOT/$SHARE/.MANIFEST.tmp.$$" e path s d
    if ! {
        echo "$MANIFEST_HEAD"
        echo "# version $VERSION; make uninstall removes a file only while its sha256 matches"
        for d in "${!OLD_DIRS[@]}"; do echo "dir $d"; done | sort
        for path in "${!NEW_SUM[@]}"; do
            echo "file ${NEW_SUM[$path]} $path"
            if [ "$1" = 1 ]; then for s in ${OLD_SUMS[$path]-}; do echo "file $s $path"; done; fi
        done | sort -k 3 | uniq
        for e in "${KEEP[@]}"; do echo "file ${e#*$'\t'} ${e%%$'\t'*}"; done
    } >"$tmpf" 2>"$WORK/err" || ! sync "$tmpf" 2>"$WORK/err" || ! mv -f "$tmpf" "$MANIFEST" 2>"$WORK/err"; then
        rm -f "$tmpf"
        fail "cannot write $MANIFEST: $(reason "$(cat "$WORK/err")")"
    fi
}

# make_dirs: the directories install needs; those it creates are listed in the manifest.
make_dirs() {
    local d err up=..
    if [ ! -d "$ROOT" ]; then          # PREFIX and its missing parents, listed as ., .., ../..
        d=$(dirname "$ROOT")
        while [ ! -d "$d" ] && [ ! -L "$d" ]; do OLD_DIRS[$up]=1; up=$up/..; d=$(dirname "$d"); done
    fi
    for d in . bin share "$SHARE" "$SHARE/slurm" share/modulefiles "share/modulefiles/$PROJECT"; do
        [ -d "$ROOT/$d" ] && continue
        err=$(mkdir -p "$ROOT/$d" 2>&1) || fail "cannot create $ROOT/$d: $(reason "$err")"
        OLD_DIRS[$d]=1
    done
}

# put_files: each planned file under a temporary name beside it, synced, then renamed.
put_files() {
    local e mode src path tmpf err
    for e in "${PLAN[@]}"; do
        IFS=$'\t' read -r mode src path <<<"$e"
        tmpf="$ROOT/$path.tmp-install.$$"
        TMPF=$tmpf
        if ! err=$({ install -m "$mode" "$src" "$tmpf" && sync "$tmpf" && mv -f "$tmpf" "$ROOT/$path"; } 2>&1); then
            rm -f "$tmpf"
            fail "cannot write $ROOT/$path: $(reason "$err")"
        fi
        TMPF=""
    done
}

# do_install: plan, check, then directories, manifest (old and new sums), files, manifest.
do_install() {
    HAVE_MANIFEST=""
    read_manifest && HAVE_MANIFEST=1
    plan
    check_plan
    carry_over
    make_dirs
    write_manifest 1
    put_files
    write_manifest 0
    echo "$CMD: ${#PLAN[@]} files in $ROOT, listed with their sha256 in $MANIFEST"
    echo "$CMD: done; users: module use $PREFIX/share/modulefiles; module load $PROJECT"
}

# do_uninstall: remove the listed unchanged files, say what is kept, then the manifest and the
# empty directories install created.
do_uninstall() {
    read_manifest || fail "no $MANIFEST: nothing of $PROJECT is installed in $ROOT (nothing removed)"
    local path removed=0 kept=0 gone=0 d err files dirs
    declare -A kept_dirs=()
    mapfile -t files < <(printf '%s\n' "${!OLD_SUMS[@]}" | sort)
    mapfile -t dirs < <(printf '%s\n' "${!OLD_DIRS[@]}" | dir_depth | sort -rn | cut -d' ' -f2-)
    for path in "${files[@]}"; do
        [ -n "$path" ] || continue
        if [ ! -e "$ROOT/$path" ] && [ ! -L "$ROOT/$path" ]; then
            gone=$((gone + 1))
        elif ours "$path"; then
            err=$(rm -f "$ROOT/$path" 2>&1) || fail "cannot remove $ROOT/$path: $(reason "$err")"
            removed=$((removed + 1))
        else
            echo "$CMD: keeping $ROOT/$path: changed since make install (sha256 differs)"
            kept=$((kept + 1))
        fi
    done
    err=$(rm -f "$MANIFEST" 2>&1) || fail "cannot remove $MANIFEST: $(reason "$err")"
    for d in "${dirs[@]}"; do
        if [ -z "$d" ] || [ ! -d "$(dir_path "$d")" ]; then continue; fi
        rmdir "$(dir_path "$d")" 2>/dev/null && continue
        kept_dirs[$(dir_path "$d")]=1
        only_kept "$(dir_path "$d")" || echo "$CMD: keeping the directory $(dir_path "$d"): not empty"
    done
    local note=""
    [ $kept -eq 0 ] || note="$note; kept $kept changed (above)"
    [ $gone -eq 0 ] || note="$note; $gone listed were already gone"
    echo "$CMD: removed $removed files from $ROOT$note"
}

CMD=${1-}
case $CMD in install | uninstall) ;; *) echo "usage: slurm/install.sh install|uninstall" >&2; exit 2 ;; esac
TMPF=""
WORK=$(mktemp -d) || { echo "$CMD: cannot create a temporary directory" >&2; exit 1; }
trap 'rm -rf "$WORK"; [ -z "$TMPF" ] || rm -f "$TMPF"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
check_env
"do_$CMD"
