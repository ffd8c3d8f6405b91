/* layout.c - where the workers are: the layout every method runs on, and `pi layout` that prints it. */
#define _GNU_SOURCE /* sched_getcpu */
#include "pi.h"

#include <stdio.h>
#include <stdlib.h>

#include <omp.h>
#include <sched.h>

#include "affinity.h"
#include "par.h"

pi_layout pi_find_layout(pi_common *c, int *same_threads)
{
    pi_layout L = {.rank = par_rank(), .ranks = par_size(), .threads = c->threads};
    int tmin, tmax;
    uint64_t mask[AFFINITY_CPU_WORDS];
    c->printer = L.rank == 0;
    L.hosts = par_hosts();
    par_host_name(L.host, sizeof L.host);
    par_minmax_int(affinity_rank_cpus(NULL, 0, mask), &L.cpus, &tmax);
    L.host_cpus = par_host_cpus(mask);
    par_minmax_int(c->threads, &tmin, &tmax);
    /* Warn when binding, not the machine, leaves threads without cores. */
    if (L.cpus > 0 && L.cpus < c->threads && L.cpus < affinity_online_cpus() && c->printer)
        fprintf(stderr, "%s: warning: a rank may run on only %d CPU%s but has %d threads; "
                        "with mpirun use --map-by slot:PE=%d (or --bind-to none)\n",
                c->prog, L.cpus, L.cpus == 1 ? "" : "s", c->threads, c->threads);
    *same_threads = tmin == tmax;
    if (tmin != tmax)
        pi_usage_error(c, "ranks disagree on the thread count (%d to %d): set "
                       "OMP_NUM_THREADS or --threads the same for all", tmin, tmax);
    return L;
}

/// `pi layout --help`.
static void usage(void)
{
    printf("usage: pi layout [--expect-ranks N] [--threads T]\n"
           "Prints where every rank and OpenMP thread runs: host, the rank's CPUs, each\n"
           "thread's CPU and OpenMP place.  With --expect-ranks N it fails (exit 1) unless\n"
           "the MPI world has N ranks: a launcher that started N singletons (srun without\n"
           "PMI for this MPI) is caught.\n"
           "example: srun --cpus-per-task=$SLURM_CPUS_PER_TASK pi layout "
           "--expect-ranks $SLURM_NTASKS\n");
}

/// --expect-ranks N, the only option of its own.
static int option(pi_common *c, int opt, const char *arg, void *expect)
{
    (void)opt;
    return pi_parse_count(c, "--expect-ranks", arg, 1, INT32_MAX, expect);
}

/// Parse `pi layout`'s options (argv[0] = "layout"): pi_method.parse.
static int parse(int argc, char **argv, pi_common *c, void *expect)
{
    static const struct option longopts[] = {{"expect-ranks", required_argument, 0, 'E'},
                                             PI_COMMON_LONGOPTS};
    return pi_parse_options(c, argc, argv, ":h", longopts, usage, option, expect);
}

/// This rank's line: host, Slurm node, CPUs, and each thread's CPU and place.
static void rank_line(const pi_layout *L, char *mine, size_t len)
{
    char host[256], cpus[256], threads[1024] = "";
    size_t used = 0;

#pragma omp parallel num_threads(L->threads)
    {
#pragma omp for ordered schedule(static, 1)
        for (int t = 0; t < L->threads; t++) {
#pragma omp ordered
            if (used < sizeof threads)
                used += (size_t)snprintf(threads + used, sizeof threads - used, " t%d:cpu%d/place%d",
                                         t, sched_getcpu(), omp_get_place_num());
        }
    }
    par_host_name(host, sizeof host);
    affinity_rank_cpus(cpus, sizeof cpus, NULL);
    const char *node = getenv("SLURMD_NODENAME"); /* Slurm's node name, if any */
    snprintf(mine, len, "rank %d host %s%s%s cpus %s threads%s", L->rank, host,
             node ? " node " : "", node ? node : "", cpus, threads);
}

/// Gather every rank's line to rank 0 and print them; 1 if the world is not --expect-ranks.
static int run(const void *vexpect, const pi_common *c, const pi_layout *L, pi_summary *s)
{
    enum { LEN = 2048 };
    const int64_t expect = *(const int64_t *)vexpect;
    char mine[LEN];
    (void)s;
    rank_line(L, mine, sizeof mine);
    char *all = c->printer ? malloc((size_t)L->ranks * LEN) : NULL;
    par_gather(mine, LEN, all);
    const int bad = expect && expect != L->ranks;
    if (c->printer) {
        printf("layout %d rank%s x %d thread%s on %d host%s", L->ranks, L->ranks == 1 ? "" : "s",
               L->threads, L->threads == 1 ? "" : "s", L->hosts, L->hosts == 1 ? "" : "s");
        if (expect)
            printf(" (expected %lld rank%s: %s)", (long long)expect, expect == 1 ? "" : "s",
                   bad ? "MISMATCH" : "ok");
        printf("\n");
        for (int r = 0; r < L->ranks; r++)
            printf("  %s\n", all + (size_t)r * LEN);
        free(all);
        if (bad)
            fprintf(stderr, "%s: FAILED: the MPI world has %d rank%s, expected %lld: the launcher "
                            "started separate singletons or a different layout\n", c->prog,
                    L->ranks, L->ranks == 1 ? "" : "s", (long long)expect);
    }
    return bad;
}

const pi_method pi_layout_command = {
    .name = "layout",
    .summary = "where every rank and thread runs (host, CPUs); --expect-ranks N",
    .opts_size = sizeof(int64_t),
    .parse = parse,
    .run = run,
};
