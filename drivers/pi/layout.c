/* layout.c - where the workers are: the layout every method runs on, and `pi layout` that prints it. */
#define _GNU_SOURCE /* sched_getcpu */
#include "pi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>
#include <sched.h>

#include "affinity.h"
#include "par.h"

enum { LAYOUT_THREADS = 256 }; ///< threads of a rank `pi layout` lists

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
                        "give it %d cores (Open MPI: mpirun --map-by slot:PE=%d; MPICH: mpiexec "
                        "-bind-to core:%d) or no binding (--bind-to none; -bind-to none)\n",
                c->prog, L.cpus, L.cpus == 1 ? "" : "s", c->threads, c->threads, c->threads,
                c->threads);
    *same_threads = tmin == tmax;
    if (tmin != tmax)
        pi_usage_error(c, "ranks disagree on the thread count (%d to %d): set "
                       "OMP_NUM_THREADS or --threads the same for all", tmin, tmax);
    return L;
}

/// `pi layout --help`.
static void usage(void)
{
    printf("usage: pi layout [--expect-ranks N] [--threads T] [--json]\n"
           "Prints where every rank and OpenMP thread runs: host, the rank's CPUs, each\n"
           "thread's CPU and OpenMP place.  With --expect-ranks N it fails (exit 1) unless\n"
           "the MPI world has N ranks: a launcher that started N singletons (srun without\n"
           "PMI for this MPI) is caught.  --json: one object, {\"method\":\"layout\",\"ranks\":R,\n"
           "..., \"check\":\"pass\", \"layout\":[{\"rank\":0,\"host\":...,\"cpus\":\"0-3\",\n"
           "\"threads\":[{\"thread\":0,\"cpu\":0,\"place\":0}, ...]}, ...], \"build\":{...}}\n"
           "(the first %d threads of a rank listed).\n"
           "example: srun --cpus-per-task=$SLURM_CPUS_PER_TASK pi layout "
           "--expect-ranks $SLURM_NTASKS\n", LAYOUT_THREADS);
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

/// Where one rank and its first LAYOUT_THREADS threads run (gathered to rank 0 as bytes).
typedef struct {
    int32_t rank;                  ///< MPI rank
    int32_t threads;               ///< OpenMP threads it runs
    int32_t cpu[LAYOUT_THREADS];   ///< thread t's CPU (sched_getcpu)
    int32_t place[LAYOUT_THREADS]; ///< thread t's OpenMP place (-1: none)
    char host[256];                ///< host name
    char node[64];                 ///< Slurm's node name ("" outside Slurm)
    char cpus[512];                ///< the rank's CPUs as a list, "0-3,8"
} rank_where;

/// This rank's facts: every thread says where it runs.
static void where_am_i(const pi_layout *L, rank_where *w)
{
    memset(w, 0, sizeof *w);
    w->rank = L->rank;
    w->threads = L->threads;
#pragma omp parallel num_threads(L->threads)
    {
        const int t = omp_get_thread_num();
        if (t < LAYOUT_THREADS) {
            w->cpu[t] = sched_getcpu();
            w->place[t] = omp_get_place_num();
        }
    }
    par_host_name(w->host, sizeof w->host);
    affinity_rank_cpus(w->cpus, sizeof w->cpus, NULL);
    const char *node = getenv("SLURMD_NODENAME"); /* Slurm's node name, if any */
    snprintf(w->node, sizeof w->node, "%s", node ? node : "");
}

/// Rank 0, text: the summary line, then one line per rank.
static void layout_text(const pi_layout *L, const rank_where *all, int64_t expect, int bad)
{
    printf("layout %d rank%s x %d thread%s on %d host%s", L->ranks, L->ranks == 1 ? "" : "s",
           L->threads, L->threads == 1 ? "" : "s", L->hosts, L->hosts == 1 ? "" : "s");
    if (expect)
        printf(" (expected %lld rank%s: %s)", (long long)expect, expect == 1 ? "" : "s",
               bad ? "MISMATCH" : "ok");
    printf("\n");
    for (int r = 0; r < L->ranks; r++) {
        const rank_where *w = &all[r];
        printf("  rank %d host %s%s%s cpus %s threads", w->rank, w->host,
               w->node[0] ? " node " : "", w->node, w->cpus);
        for (int t = 0; t < w->threads && t < LAYOUT_THREADS; t++)
            printf(" t%d:cpu%d/place%d", t, w->cpu[t], w->place[t]);
        printf("\n");
    }
}

/// Rank 0, --json: one object, the ranks in "layout".
static void layout_json(const pi_layout *L, const rank_where *all, int64_t expect, int bad)
{
    json_out j;
    pi_json_open(&j, "layout", L);
    if (expect)
        json_int(&j, "expect_ranks", expect);
    json_str(&j, "check", bad ? "fail" : "pass");
    json_begin_array(&j, "layout");
    for (int r = 0; r < L->ranks; r++) {
        const rank_where *w = &all[r];
        json_begin_element(&j);
        json_int(&j, "rank", w->rank);
        json_str(&j, "host", w->host);
        if (w->node[0])
            json_str(&j, "node", w->node);
        json_str(&j, "cpus", w->cpus);
        json_begin_array(&j, "threads");
        for (int t = 0; t < w->threads && t < LAYOUT_THREADS; t++) {
            json_begin_element(&j);
            json_int(&j, "thread", t);
            json_int(&j, "cpu", w->cpu[t]);
            json_int(&j, "place", w->place[t]);
            json_end_element(&j);
        }
        json_end_array(&j);
        json_end_element(&j);
    }
    json_end_array(&j);
    json_build(&j);
    json_end(&j);
}

/// Gather every rank's facts to rank 0 and print them (text or --json); 1 if the world is not
/// --expect-ranks.
static int run(const void *vexpect, const pi_common *c, const pi_layout *L, pi_summary *s)
{
    const int64_t expect = *(const int64_t *)vexpect;
    rank_where mine;
    (void)s;
    where_am_i(L, &mine);
    rank_where *all = c->printer ? malloc((size_t)L->ranks * sizeof *all) : NULL;
    const int lost = par_bcast_int(c->printer && !all);
    if (lost) {
        if (c->printer)
            fprintf(stderr, "%s: out of memory for %d ranks' layout\n", c->prog, L->ranks);
        return 1;
    }
    par_gather(&mine, sizeof mine, all);
    const int bad = expect && expect != L->ranks;
    if (c->printer) {
        (c->json ? layout_json : layout_text)(L, all, expect, bad);
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
