#!/usr/bin/env bash
# merge_scaling.sh - collect slurm/scaling.sbatch results (one JSON per task) into one table.
# Usage: bench/merge_scaling.sh [DIR]   (default: scaling)
set -eu
dir=${1:-scaling}
ls "$dir"/scaling_*.json >/dev/null 2>&1 || { echo "no scaling_*.json in $dir" >&2; exit 1; }
perl -MJSON::PP -e '
    my @r;
    for my $f (@ARGV) {
        open(my $fh, "<", $f) or die "$f: $!\n";
        my $d = eval { decode_json(join "", <$fh>) } or die "$f: not one JSON object\n";
        push @r, $d;
    }
    @r = sort { $a->{n} <=> $b->{n} || $a->{ranks} * $a->{threads} <=> $b->{ranks} * $b->{threads}
                || $a->{ranks} <=> $b->{ranks} } @r;
    my %base;
    for my $d (@r) {
        my $w = $d->{ranks} * $d->{threads};
        my ($rk) = grep { /_per_second$/ } keys %$d;
        my $per = $d->{$rk} / $w;
        $base{$d->{n}} //= $per if $w == 1;
        $d->{per} = $per;
        $d->{rk} = $rk;
    }
    printf("%-11s %14s %6s %8s %8s %10s %14s %10s  %s\n", "method", "n", "ranks", "threads",
           "workers", "seconds", "rate/worker", "efficiency", "check");
    for my $d (@r) {
        my $b = $base{$d->{n}};
        printf("%-11s %14s %6d %8d %8d %10.4f %14.4g %9s  %s\n", $d->{method}, $d->{n}, $d->{ranks},
               $d->{threads}, $d->{ranks} * $d->{threads}, $d->{seconds}, $d->{per},
               defined $b ? sprintf("%.1f%%", 100 * $d->{per} / $b) : "-", $d->{check});
    }
    printf("%d results\n", scalar @r);
' "$dir"/scaling_*.json
