/* counter.c - `workshop counter`: the Lock/Value lesson; a shared counter unsafe, locked, atomic, and by MPI RMA. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counter.h"
#include "msg.h"
#include "par.h"
#include "workshop.h"

enum { UNSAFE, LOCK, ATOMIC, RMA, NVARIANTS };

/// A way to share the counter.
typedef struct {
    const char *name;                       ///< --variants name, JSON "name"
    const char *how;                        ///< one line for the report
    uint64_t (*kernel)(int64_t n, int threads); ///< the threads' counter; NULL for rma
} variant;

static const variant variants[NVARIANTS] = {
    {"unsafe", "relaxed atomic load, then store: other threads' updates overwritten",
     counter_unsafe},
    {"lock", "omp_set_lock / omp_unset_lock around counter++", counter_lock},
    {"atomic", "one atomic fetch-add per increment", counter_atomic},
    {"rma", "MPI_Fetch_and_op on one counter in rank 0's window", NULL},
};

/// What one variant did.
typedef struct {
    uint64_t final;      ///< the counter at the end (summed over ranks for the thread variants)
    double seconds;      ///< wall time of the slowest rank, s
} outcome;

static void usage(void)
{
    printf("usage: workshop counter [--increments N] [--variants LIST] [--threads T] [--json]\n"
           "\n"
           "The Lock and Value lessons: W = ranks x threads workers each add 1 to a shared\n"
           "counter N times, four ways:\n"
           "  unsafe  threads read the counter and write back value+1 (C11 relaxed atomic\n"
           "          load, then store): a lost-update race, by design, with no undefined\n"
           "          behaviour; the final count is at most the expected one\n"
           "  lock    an OpenMP lock around counter++ (the workshop's Lock): exact\n"
           "  atomic  an atomic fetch-add per increment: exact, and no lock\n"
           "  rma     one counter in an MPI window on rank 0, MPI_Fetch_and_op from every\n"
           "          rank (the MPI Value: shared by processes, atomic): exact\n"
           "In the first three the threads of a rank share a counter in that rank's memory\n"
           "(ranks are separate processes, as in Python): the ranks' counts are added at\n"
           "the end.  In rma each rank's master thread makes its T workers' increments\n"
           "(MPI calls are funneled through it).  Prints expected and final count, lost\n"
           "updates and nanoseconds per increment (wall time / all increments).  Exit 1 if\n"
           "lock, atomic or rma is not exact or unsafe exceeds the expected count.\n"
           "\n"
           "  --increments N  per worker, 1 to 1e12 (default 1e6)\n"
           "  --variants L    comma-separated subset of unsafe,lock,atomic,rma (default all)\n"
           "  --threads T     OpenMP threads per rank (default OMP_NUM_THREADS, else 2: a race\n"
           "                  needs two threads; give each thread its own core with mpirun\n"
           "                  --bind-to none or --map-by slot:PE=T)\n"
           "  --json          {\"lesson\":\"counter\",\"expected\":E,\"variants\":[{\"name\":...,\n"
           "                  \"final\":F,\"lost\":L,\"ns_per_increment\":X}, ...]}\n"
           "\n"
           "examples:\n"
           "  workshop counter --threads 4\n"
           "  mpirun -np 2 --bind-to none workshop counter --increments 1e5\n"
           "  workshop counter --variants unsafe,atomic --json\n");
}

static void defaults(ws_opts *o)
{
    o->increments = 1000000;
    o->variants = (1u << NVARIANTS) - 1;
}

/// --variants: a comma-separated list of names into a bit mask.
static int parse_variants(ws_ctx *x, ws_opts *o, const char *arg)
{
    char buf[128];
    if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf)
        return ws_usage(x, "invalid --variants '%s': too long", arg);
    o->variants = 0;
    for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int v = 0;
        while (v < NVARIANTS && strcmp(tok, variants[v].name))
            v++;
        if (v == NVARIANTS)
            return ws_usage(x, "invalid --variants '%s': unknown variant '%s' (choose unsafe, "
                               "lock, atomic, rma)", arg, tok);
        o->variants |= 1u << v;
    }
    if (!o->variants)
        return ws_usage(x, "invalid --variants '%s': no variant named", arg);
    return 0;
}

static int option(ws_ctx *x, ws_opts *o, int opt, const char *arg)
{
    if (opt == 'n')
        return ws_count(x, "--increments", arg, 1, 1000000000000, &o->increments);
    return parse_variants(x, o, arg);
}

/// rma: every rank adds its share to one counter in rank 0's window; final count everywhere.
static outcome run_rma(int64_t mine)
{
    outcome r;
    msg_win *w = msg_win_create(sizeof(uint64_t));
    par_barrier();
    const double t0 = par_wtime();
    msg_win_lock(w, 0);
    for (int64_t i = 0; i < mine; i++)
        msg_fetch_add(w, 0, 1);
    msg_win_unlock(w);
    r.seconds = par_max_double(par_wtime() - t0);
    uint64_t final = 0;
    if (par_rank() == 0) {                   /* every rank's epoch is closed: read it */
        msg_win_lock(w, 0);
        msg_get(w, &final, sizeof final, 0);
        msg_win_unlock(w);
    }
    r.final = par_sum_u64(final);            /* rank 0's value, on every rank */
    msg_win_free(w);
    return r;
}

/// One variant on every rank.
static outcome run_variant(int v, const ws_opts *o)
{
    if (v == RMA)
        return run_rma(o->increments * o->threads);
    outcome r;
    par_barrier();
    const double t0 = par_wtime();
    const uint64_t local = variants[v].kernel(o->increments, o->threads);
    r.seconds = par_max_double(par_wtime() - t0);
    r.final = par_sum_u64(local);
    return r;
}

static void report(const ws_ctx *x, const ws_opts *o, const outcome *out, uint64_t expected,
                   int pass)
{
    json_out j;
    if (o->json) {
        ws_json_begin(&j, x);
        json_u64(&j, "expected", expected);
        json_int(&j, "increments", o->increments);
        json_int(&j, "ranks", x->ranks);
        json_int(&j, "threads", o->threads);
        json_begin_array(&j, "variants");
    } else {
        printf("counter: %d rank%s x %d thread%s = %lld workers, each adding 1 to a shared "
               "counter %lld times\n", x->ranks, x->ranks == 1 ? "" : "s", o->threads,
               o->threads == 1 ? "" : "s", (long long)x->ranks * o->threads,
               (long long)o->increments);
        printf("variant       expected          final           lost  ns/increment\n");
    }
    for (int v = 0; v < NVARIANTS; v++) {
        if (!(o->variants & (1u << v)))
            continue;
        const int64_t lost = (int64_t)(expected - out[v].final);
        const double ns = out[v].seconds * 1e9 / (double)expected;
        if (!o->json) {
            printf("%-7s %14llu %14llu %14lld  %12.3g  %s\n", variants[v].name,
                   (unsigned long long)expected, (unsigned long long)out[v].final,
                   (long long)lost, ns, variants[v].how);
            continue;
        }
        json_begin_element(&j);
        json_str(&j, "name", variants[v].name);
        json_u64(&j, "final", out[v].final);
        json_int(&j, "lost", lost);
        json_num(&j, "ns_per_increment", ns);
        json_num(&j, "seconds", out[v].seconds);
        json_end_element(&j);
    }
    if (o->json) {
        json_end_array(&j);
        json_str(&j, "check", pass ? "pass" : "fail");
        ws_json_end(&j);
    } else {
        printf("check: %s (lock, atomic and rma exact; unsafe never above the expected count)\n",
               pass ? "pass" : "FAIL");
    }
}

/// Note once when binding makes threads share CPUs: the unsafe race then loses few updates.
static void note_cpus(const ws_ctx *x, const ws_opts *o)
{
    int cmin, cmax;
    par_minmax_int(affinity_cpus(), &cmin, &cmax);
    if (x->printer && !o->json && o->threads > 1 && cmin > 0 && cmin < o->threads &&
        cmin < affinity_online_cpus())
        fprintf(stderr, "%s: note: a rank may run on only %d CPU%s for its %d threads: they "
                        "take turns, so unsafe loses fewer updates (mpirun --bind-to none)\n",
                x->prog, cmin, cmin == 1 ? "" : "s", o->threads);
}

static int run(const ws_ctx *x, const ws_opts *o)
{
    uint64_t expected;
    outcome out[NVARIANTS] = {{0, 0}};
    int pass = 1;

    if (ws_same_threads(x, o))
        return 2;
    if (__builtin_mul_overflow((uint64_t)o->increments, (uint64_t)x->ranks * o->threads,
                               &expected) || expected > INT64_MAX)
        return ws_refuse(x, "--increments %lld x %d workers is more than 2^63 increments",
                         (long long)o->increments, x->ranks * o->threads);
    note_cpus(x, o);
    for (int v = 0; v < NVARIANTS; v++) {
        if (!(o->variants & (1u << v)))
            continue;
        out[v] = run_variant(v, o);
        pass &= v == UNSAFE ? out[v].final <= expected : out[v].final == expected;
    }
    if (x->printer)
        report(x, o, out, expected, pass);
    return ws_verdict(x, pass, "a safe variant lost or invented updates, or unsafe counted "
                               "more than it was given");
}

static const struct option longopts[] = {{"increments", required_argument, 0, 'n'},
                                         {"variants", required_argument, 0, 'v'},
                                         WS_THREADS_LONGOPT,
                                         WS_COMMON_LONGOPTS};

const ws_lesson ws_counter = {
    .name = "counter",
    .summary = "Lock and Value: a shared counter, unsafe (lost updates), lock, atomic, MPI RMA",
    .longopts = longopts,
    .threads_default = 2,
    .defaults = defaults,
    .usage = usage,
    .option = option,
    .run = run,
};
