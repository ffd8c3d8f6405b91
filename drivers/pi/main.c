/* main.c - `pi METHOD [options]`: the workshop's pi computations under MPI + OpenMP. */
#define _GNU_SOURCE /* sched_getcpu */
#include "pi.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>
#include <sched.h>

#include "cli.h"
#include "outfile.h"
#include "par.h"

enum { MAX_THREADS = 4096, MAX_REPEAT = 64, LAYOUT_THREADS = 256 };

static const pi_method *const methods[] = {&pi_midpoint_method, &pi_montecarlo_method,
                                           &pi_bbp_method, &pi_chudnovsky_method};
static const int nmethods = (int)(sizeof methods / sizeof methods[0]);

/// Mark CPU id c in mask (ids past the mask's 4096 are left out).
static void mask_set(uint64_t *mask, int c)
{
    if (mask && c >= 0 && c < 64 * PAR_CPU_WORDS)
        mask[c / 64] |= UINT64_C(1) << (c % 64);
}

/// CPUs this rank may use: the union of its OpenMP places when OMP_PLACES binds
/// threads (libgomp then binds the initial thread to one place, so the thread's own
/// mask would say 1), else the process's affinity mask.  List into buf and the
/// CPU ids into mask (PAR_CPU_WORDS words), each if given.
static int rank_cpus(char *buf, size_t len, uint64_t *mask)
{
    const int np = omp_get_num_places();
    if (mask)
        memset(mask, 0, PAR_CPU_WORDS * sizeof *mask);
    if (np <= 0 || omp_get_proc_bind() == omp_proc_bind_false) {
        cpu_set_t set;
        if (buf)
            par_affinity_list(buf, len);
        if (mask && sched_getaffinity(0, sizeof set, &set) == 0)
            for (int c = 0; c < CPU_SETSIZE; c++)
                if (CPU_ISSET(c, &set))
                    mask_set(mask, c);
        return par_affinity_cpus();
    }
    int n = 0, ids[4096];
    size_t used = 0;
    if (buf)
        buf[0] = '\0';
    for (int p = 0; p < np; p++) {
        const int k = omp_get_place_num_procs(p);
        if (k <= 0 || k > 4096)
            continue;
        omp_get_place_proc_ids(p, ids);
        for (int i = 0; i < k; i++, n++) {
            mask_set(mask, ids[i]);
            if (buf && used < len)
                used += (size_t)snprintf(buf + used, len - used, used ? ",%d" : "%d", ids[i]);
        }
    }
    return n;
}

static void print_usage(FILE *f)
{
    fprintf(f,
            "usage: pi METHOD [options]      (under mpirun, srun or alone)\n"
            "       pi METHOD --help         options of one method\n"
            "       pi --version             the release and the build\n"
            "\n"
            "methods:\n");
    for (int i = 0; i < nmethods; i++)
        fprintf(f, "  %-11s %s\n", methods[i]->name, methods[i]->summary);
    fprintf(f, "  %-11s %s\n", "all", "run every method at its default size; summary table");
    fprintf(f, "  %-11s %s\n", "layout",
            "where every rank and thread runs (host, CPUs); --expect-ranks N");
    fprintf(f,
            "\n"
            "Work is split as the workshop's partialPi(rank, numProcesses, nSteps):\n"
            "worker w = rank*threads + thread of W = ranks*threads takes w, w+W, ...\n"
            "Results are bit-for-bit the same for every ranks x threads layout.\n"
            "\n"
            "examples:\n"
            "  mpirun -np 4 pi midpoint --steps 1e9\n"
            "  OMP_NUM_THREADS=2 mpirun -np 2 --map-by slot:PE=2 pi midpoint -n 1e10 --json\n"
            "  mpirun -np 4 pi montecarlo --samples 1e9 --seed 42\n"
            "  mpirun -np 4 pi bbp --hex-at 1e8\n"
            "  mpirun -np 4 pi bbp --digits 100000 -o pi.txt\n"
            "  mpirun -np 2 pi all\n"
            "\n"
            "exit status: 0 success, 1 self-check or runtime failure, 2 usage error,\n"
            "75 stopped by a signal after saving --checkpoint FILE (run again to resume);\n"
            "killed by the signal's status after SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGUSR1,\n"
            "SIGUSR2, SIGALRM or SIGXCPU (every temporary removed first; with --checkpoint\n"
            "SIGINT, SIGTERM and SIGUSR1 save and exit 75 instead)\n");
}

/// PI_CHECK_SCALE into *v (1 if unset); NULL, or why it is refused.
static const char *check_scale(double *v)
{
    const char *e = getenv("PI_CHECK_SCALE");
    char *end;
    *v = 1.0;
    if (!e || !*e)                      /* unset or empty: the default */
        return NULL;
    errno = 0;
    *v = strtod(e, &end);
    if (!*e || *end || end == e)
        return "not a number";
    /* strtod says ERANGE for a tiny but representable value (a subnormal) too: accepted */
    if (errno == ERANGE && isinf(*v))
        return *v < 0 ? "negative" : "too large: above 1.8e308, the largest double";
    if (!isfinite(*v))
        return "not finite";
    if (*v < 0 || (signbit(*v) && errno == ERANGE))
        return "negative";
    if (errno == ERANGE && *v == 0)
        return "too small: it rounds to 0, and the least positive factor is 4.9e-324";
    return NULL;
}

double pi_check_scale(void)
{
    double v;
    return check_scale(&v) ? 1.0 : v;   /* refused at start-up: never reached */
}

int pi_usage_error(const pi_common *c, const char *fmt, ...)
{
    va_list ap;
    if (!c->printer)
        return 2;
    fprintf(stderr, "%s: ", c->prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n", stderr);
    return 2;
}

int pi_parse_count(const pi_common *c, const char *name, const char *arg, int64_t min,
                   int64_t max, int64_t *out)
{
    const char *why = cli_parse_count(arg, min, max, out);
    if (!why)
        return 0;
    if (!strcmp(why, "too large") || !strcmp(why, "too small"))
        return pi_usage_error(c, "invalid %s '%s': %s (allowed %lld to %lld)", name, arg,
                              why, (long long)min, (long long)max);
    return pi_usage_error(c, "invalid %s '%s': %s", name, arg, why);
}

/// Handle getopt's result `opt` if it is common (or an error): 0 handled, 2 error, 1 not common.
static int common_option(pi_common *c, int opt, char **argv)
{
    int64_t v;
    switch (opt) {
    case 'T':
        if (pi_parse_count(c, "--threads", optarg, 1, MAX_THREADS, &v))
            return 2;
        c->threads = (int)v;
        return 0;
    case 'R':
        if (pi_parse_count(c, "--repeat", optarg, 1, MAX_REPEAT, &v))
            return 2;
        c->repeat = (int)v;
        return 0;
    case 'J':
        c->json = 1;
        return 0;
    case ':':
        return pi_usage_error(c, "option '%s' needs a value", argv[optind - 1]);
    case '?':
        if (optopt && optopt != '?')
            return pi_usage_error(c, "unknown option '-%c' (see --help)", optopt);
        return pi_usage_error(c, "unknown option '%s' (see --help)", argv[optind - 1]);
    default:
        return 1;
    }
}

int pi_parse_options(pi_common *c, int argc, char **argv, const char *shortopts,
                     const struct option *longopts, void (*usage)(void), pi_option_fn own,
                     void *state)
{
    int opt;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if (opt == 'h') {
            if (c->printer)
                usage();
            return -1;
        }
        const int rc = common_option(c, opt, argv);
        if (rc == 1 ? own(c, opt, optarg, state) : rc)
            return 2;
    }
    if (optind < argc)
        return pi_usage_error(c, "unexpected argument '%s'", argv[optind]);
    return 0;
}

void pi_time(const pi_common *c, void (*fn)(void *), void *arg, double *best,
             double *median)
{
    double t[MAX_REPEAT] = {0};
    /* Start the OpenMP threads outside the timed region. */
#pragma omp parallel num_threads(c->threads)
    {
    }
    for (int r = 0; r < c->repeat; r++) {
        par_barrier();
        const double t0 = par_wtime();
        fn(arg);
        t[r] = par_max_double(par_wtime() - t0);
    }
    *best = t[0];
    for (int r = 1; r < c->repeat; r++)
        if (t[r] < *best)
            *best = t[r];
    *median = median_of(t, c->repeat);
}

void pi_print_common(const pi_common *c, const pi_layout *L, const pi_summary *s,
                     double median)
{
    const int cores = L->ranks * L->threads;
    printf("layout         %d rank%s x %d thread%s = %d worker%s on %d host%s\n", L->ranks,
           L->ranks == 1 ? "" : "s", L->threads, L->threads == 1 ? "" : "s", cores,
           cores == 1 ? "" : "s", L->hosts, L->hosts == 1 ? "" : "s");
    if (c->repeat > 1)
        printf("wall time      %.6f s best, %.6f s median of %d runs\n", s->seconds, median,
               c->repeat);
    else
        printf("wall time      %.6f s\n", s->seconds);
    printf("rate           %.4g %s/s (%.4g per worker)\n", s->rate, s->unit,
           s->rate / cores);
    printf("check          %s (|error| %s bound)\n", s->pass ? "pass" : "FAIL",
           s->pass ? "<=" : ">");
}

void pi_json_common(json_out *j, const pi_layout *L, const pi_summary *s, int repeat,
                    double median)
{
    char rate_key[64];
    snprintf(rate_key, sizeof rate_key, "%s_per_second", s->unit);
    json_str(j, "method", s->method);
    json_int(j, "n", s->n);
    json_int(j, "ranks", L->ranks);
    json_int(j, "threads", L->threads);
    json_int(j, "workers", (int64_t)L->ranks * L->threads);
    json_int(j, "hosts", L->hosts);
    json_int(j, "cpus", L->host_cpus);
    json_str(j, "host", L->host);
    json_num(j, "pi", s->pi);
    json_num(j, "abs_error", s->abs_error);
    json_num(j, "error_bound", s->error_bound);
    json_num(j, "seconds", s->seconds);
    json_num(j, "seconds_median", median);
    json_int(j, "repeat", repeat);
    json_num(j, rate_key, s->rate);
    json_str(j, "check", s->pass ? "pass" : "fail");
}

static const pi_method *find_method(const char *name)
{
    for (int i = 0; i < nmethods; i++)
        if (!strcmp(methods[i]->name, name))
            return methods[i];
    return NULL;
}

static void all_usage(void)
{
    printf("usage: pi all [--threads T] [--repeat R] [--json]\n"
           "Runs every method at its default size and prints a summary table\n"
           "(with --json: one JSON object, the table in \"results\").\n"
           "example: mpirun -np 2 pi all\n");
}

static void layout_usage(void)
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

/// `pi layout --expect-ranks N` (the only option of its own; `pi all` has none).
static int layout_option(pi_common *c, int opt, const char *arg, void *expect)
{
    (void)opt;
    return pi_parse_count(c, "--expect-ranks", arg, 1, INT32_MAX, expect);
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
    rank_cpus(w->cpus, sizeof w->cpus, NULL);
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
    json_begin(&j, stdout);
    json_str(&j, "method", "layout");
    json_int(&j, "ranks", L->ranks);
    json_int(&j, "threads", L->threads);
    json_int(&j, "workers", (int64_t)L->ranks * L->threads);
    json_int(&j, "hosts", L->hosts);
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

static int run_layout(const pi_common *c, const pi_layout *L, int64_t expect)
{
    rank_where mine;
    where_am_i(L, &mine);
    rank_where *all = c->printer ? malloc((size_t)L->ranks * sizeof *all) : NULL;
    const int lost = par_bcast_int(c->printer && !all);
    if (lost) {
        if (c->printer)
            fprintf(stderr, "%s: out of memory for %d ranks' layout\n", c->prog, L->ranks);
        return 1;
    }
    par_gather_text((const char *)&mine, sizeof mine, (char *)all);
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

static int run_all(pi_common *c, const pi_layout *L)
{
    pi_summary s[sizeof methods / sizeof methods[0]];
    int status = 0;

    for (int i = 0; i < nmethods; i++) {
        void *opts = calloc(1, methods[i]->opts_size);
        char *argv[] = {(char *)methods[i]->name, NULL};
        pi_common mc = *c;
        mc.quiet = 1;
        snprintf(mc.prog, sizeof mc.prog, "pi %s", methods[i]->name);
        if (!opts || methods[i]->parse(1, argv, &mc, opts) != 0) {
            free(opts);
            return 1;
        }
        status |= methods[i]->run(opts, &mc, L, &s[i]);
        free(opts);
    }
    if (!c->printer)
        return status;
    if (c->json) {                  /* one object: the table as an array */
        json_out j;
        json_begin(&j, stdout);
        json_str(&j, "method", "all");
        json_int(&j, "ranks", L->ranks);
        json_int(&j, "threads", L->threads);
        json_int(&j, "hosts", L->hosts);
        json_str(&j, "check", status ? "fail" : "pass");
        json_begin_array(&j, "results");
        for (int i = 0; i < nmethods; i++) {
            json_begin_element(&j);
            json_str(&j, "method", s[i].method);
            json_int(&j, "n", s[i].n);
            json_str(&j, "unit", s[i].unit);
            json_num(&j, "pi", s[i].pi);
            json_num(&j, "abs_error", s[i].abs_error);
            json_num(&j, "error_bound", s[i].error_bound);
            json_num(&j, "seconds", s[i].seconds);
            json_num(&j, "rate", s[i].rate);
            json_str(&j, "check", s[i].pass ? "pass" : "fail");
            json_end_element(&j);
        }
        json_end_array(&j);
        json_build(&j);
        json_end(&j);
        return status;
    }
    printf("pi, every method: %d rank%s x %d thread%s on %d host%s\n\n", L->ranks,
           L->ranks == 1 ? "" : "s", L->threads, L->threads == 1 ? "" : "s", L->hosts,
           L->hosts == 1 ? "" : "s");
    printf("%-10s %14s %-8s %-19s %9s %9s %10s %11s  %s\n", "method", "n", "unit", "pi",
           "|error|", "bound", "seconds", "rate/s", "check");
    for (int i = 0; i < nmethods; i++)
        printf("%-10s %14lld %-8s %-19.16f %9.2e %9.2e %10.4f %11.4g  %s\n", s[i].method,
               (long long)s[i].n, s[i].unit, s[i].pi, s[i].abs_error, s[i].error_bound,
               s[i].seconds, s[i].rate, s[i].pass ? "pass" : "FAIL");
    return status;
}

/// Parse everything after `pi`: the method's options, OMP_NUM_THREADS, PI_CHECK_SCALE.
/// 0 ok, -1 help shown, 2 usage error (said), 1 out of memory; *m and *opts for a method.
static int parse_command(pi_common *c, int argc, char **argv, const pi_method **m, void **opts,
                         int64_t *expect)
{
    static const struct option all_opts[] = {PI_COMMON_LONGOPTS};
    static const struct option layout_opts[] = {{"expect-ranks", required_argument, 0, 'E'},
                                                PI_COMMON_LONGOPTS};
    int rc;
    snprintf(c->prog, sizeof c->prog, "pi %s", argv[1]);
    if (!strcmp(argv[1], "all")) {
        rc = pi_parse_options(c, argc - 1, argv + 1, ":h", all_opts, all_usage, layout_option,
                              expect);
    } else if (!strcmp(argv[1], "layout")) {
        rc = pi_parse_options(c, argc - 1, argv + 1, ":h", layout_opts, layout_usage,
                              layout_option, expect);
    } else if ((*m = find_method(argv[1])) != NULL) {
        if (!(*opts = calloc(1, (*m)->opts_size))) {
            fprintf(stderr, "pi: out of memory\n");
            return 1;
        }
        rc = (*m)->parse(argc - 1, argv + 1, c, *opts);
    } else {
        char list[256] = "";
        for (int i = 0; i < nmethods; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s, ", methods[i]->name);
        strcpy(c->prog, "pi");
        rc = pi_usage_error(c, "unknown method '%s' (choose %sall, layout; see pi --help)",
                            argv[1], list);
    }
    if (!rc && !c->threads) {       /* no --threads: OMP_NUM_THREADS, else 1 */
        const char *why = cli_env_threads(MAX_THREADS, &c->threads);
        if (why)
            rc = pi_usage_error(c, "invalid OMP_NUM_THREADS '%s': %s (1 to %d)",
                                getenv("OMP_NUM_THREADS"), why, MAX_THREADS);
    }
    double scale;
    const char *bad_scale = rc ? NULL : check_scale(&scale);
    if (bad_scale)
        rc = pi_usage_error(c, "invalid PI_CHECK_SCALE '%s': %s (a finite factor >= 0 on "
                               "every self-check bound; default 1)", getenv("PI_CHECK_SCALE"),
                            bad_scale);
    return rc;
}

/// Where the workers are, once MPI runs; *same_threads 0 if ranks disagree on the threads.
static pi_layout find_layout(pi_common *c, int *same_threads)
{
    pi_layout L = {.rank = par_rank(), .ranks = par_size(), .threads = c->threads};
    int tmin, tmax;
    uint64_t mask[PAR_CPU_WORDS];
    c->printer = L.rank == 0;
    L.hosts = par_hosts();
    par_host_name(L.host, sizeof L.host);
    par_minmax_int(rank_cpus(NULL, 0, mask), &L.cpus, &tmax);
    L.host_cpus = par_host_cpus(mask);
    par_minmax_int(c->threads, &tmin, &tmax);
    /* Warn when binding, not the machine, leaves threads without cores. */
    if (L.cpus > 0 && L.cpus < c->threads && L.cpus < par_online_cpus() && c->printer)
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

/// Help or the version was shown (by rank 0): under a launcher the other processes, which may
/// run another command (MPMD), hear of it in the start-up agreement instead of waiting for
/// ever in MPI's start-up; 0, or 2 when they run something else (said by rank 0).
static int help_shown(const pi_common *c, int argc, char **argv)
{
    if (par_launch_size() > 1 &&
        par_start(&argc, &argv, par_hash_args(argc, argv), 1, c->prog) != 1)
        return 2;
    return c->printer ? report_finish_stdout(c->prog) : 0;
}

int main(int argc, char **argv)
{
    pi_common c = {.prog = "pi", .repeat = 1, .printer = par_launch_rank() == 0};
    const pi_method *m = NULL;
    void *opts = NULL;
    int64_t expect = 0;
    int rc, same;

    stop_install();                  /* first: no stop signal is lost, even while MPI starts */
    /* Reports are held in one buffer and flushed once at the end, so a failure to write
     * them is seen there with its reason (bulk output goes through report_write_stdout). */
    if (c.printer)
        setvbuf(stdout, NULL, _IOFBF, 1 << 20);
    if (argc < 2) {
        if (c.printer)
            print_usage(stderr);
        return par_start(&argc, &argv, par_hash_args(argc, argv), 2, c.prog);
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "--version")) {
        if (c.printer && argv[1][2] == 'v')
            report_version(c.prog);
        else if (c.printer)
            print_usage(stdout);
        return help_shown(&c, argc, argv);
    }
    if ((rc = parse_command(&c, argc, argv, &m, &opts, &expect)) < 0) {   /* help shown */
        free(opts);
        return help_shown(&c, argc, argv);
    }
    if (rc == 1)
        return 1;
    stop_settle();                   /* without --checkpoint every stop signal ends the run */
    /* decided before MPI starts, from the same command line on every rank (checked) */
    if ((rc = par_start(&argc, &argv, par_hash_args(argc, argv), rc, c.prog)) != 0) {
        free(opts);
        return rc;
    }
    pi_layout L = find_layout(&c, &same);
    if (!same) {
        rc = 2;
    } else if (m) {
        pi_summary s;
        rc = m->run(opts, &c, &L, &s);
    } else if (!strcmp(argv[1], "layout")) {
        rc = run_layout(&c, &L, expect);
    } else {
        rc = run_all(&c, &L);
    }
    free(opts);
    if (c.printer && report_finish_stdout(c.prog))
        rc = 1;
    rc = par_bcast_int(rc);          /* also: every message is out before anyone exits */
    par_finalize();
    return rc;
}
