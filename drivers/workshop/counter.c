/* counter.c - `workshop counter`: the Lock/Value lesson; a shared counter unsafe, locked, atomic, and by MPI RMA. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counter.h"
#include "msg.h"
#include "par.h"
#include "workshop.h"

enum { UNSAFE, LOCK, ATOMIC, RMA, NVARIANTS };

/// unsafe is run again, the same way, until it loses an update or this much wall time has
/// passed (s): threads that happen not to overlap in time (one ran in a time slice while the
/// other waited for a CPU) lose nothing, and the lesson would show nothing.
static const double RACE_SECONDS = 5.0;

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
    {"rma", "MPI fetch-and-op on one counter in rank 0's window", NULL},
};

/// What one variant did.
typedef struct {
    uint64_t final;      ///< the counter at the end (summed over ranks for the thread variants)
    double seconds;      ///< wall time of the slowest rank, s
    int64_t tries;       ///< runs made (unsafe: until one lost an update; else 1)
    double race_seconds; ///< unsafe: wall time of all its tries, s
} outcome;

static void usage(void)
{
    printf("usage: workshop counter [--increments N] [--variants LIST] [--threads T] [--json]\n"
           "\n"
           "The Lock and Value lessons: W = ranks x threads workers each add 1 to a shared\n"
           "counter N times, four ways:\n"
           "  unsafe  threads read the counter and write back value+1 (C11 relaxed atomic\n"
           "          load, then store): a lost-update race, by design, with no undefined\n"
           "          behaviour; the final count is at most the expected one.  Threads that\n"
           "          happen not to overlap in time lose nothing, so with two threads or more\n"
           "          it runs again until a run loses updates or 5 s have passed (the table\n"
           "          shows that run; a line under it says which); when it loses nothing a\n"
           "          line says why (one thread a rank, threads sharing one CPU, no overlap)\n"
           "  lock    an OpenMP lock around counter++ (the workshop's Lock): exact\n"
           "  atomic  an atomic fetch-add per increment: exact, and no lock\n"
           "  rma     one counter in an MPI window on rank 0, an MPI fetch-and-op from every\n"
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
           "                  needs two threads; give each thread its own core: Open MPI\n"
           "                  mpirun --bind-to none or --map-by slot:PE=T, MPICH mpiexec\n"
           "                  -bind-to none or -bind-to core:T)\n"
           "  --json          {\"lesson\":\"counter\",\"expected\":E,\"variants\":[{\"name\":...,\n"
           "                  \"final\":F,\"lost\":L,\"ns_per_increment\":X,\"tries\":K}, ...]};\n"
           "                  unsafe also \"race_seconds\" (all its runs) and, if it lost\n"
           "                  nothing, \"note\" (why)\n"
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

/// One variant on every rank; unsafe with two threads or more again until a run loses an
/// update (on any rank) or RACE_SECONDS have passed, decided alike on every rank.
static outcome run_variant(int v, const ws_opts *o, uint64_t expected)
{
    if (v == RMA) {
        outcome r = run_rma(o->increments * o->threads);
        r.tries = 1;
        return r;
    }
    outcome r = {.tries = 0};
    const double start = par_wtime();
    do {
        par_barrier();
        const double t0 = par_wtime();
        const uint64_t local = variants[v].kernel(o->increments, o->threads);
        r.seconds = par_max_double(par_wtime() - t0);
        r.final = par_sum_u64(local);
        r.tries++;
        r.race_seconds = par_max_double(par_wtime() - start);
    } while (v == UNSAFE && o->threads > 1 && r.final == expected &&
             r.race_seconds < RACE_SECONDS);
    return r;
}

/// Why unsafe lost no update (into buf), or "" when it lost some.
static void why_no_loss(const ws_opts *o, const outcome *u, uint64_t expected, int cpus,
                        char *buf, size_t len)
{
    if (u->final != expected)
        snprintf(buf, len, "%s", "");
    else if (o->threads == 1)
        snprintf(buf, len, "no update can be lost: each rank's counter has one thread (ranks "
                 "count apart), and a race needs two (--threads 2 or more)");
    else if (cpus > 0 && cpus < 2)
        snprintf(buf, len, "no update lost in %lld runs (%.1f s): a rank's %d threads share "
                 "one CPU and took turns, never overlapping (mpirun --bind-to none)",
                 (long long)u->tries, u->race_seconds, o->threads);
    else
        snprintf(buf, len, "no update lost in %lld runs (%.1f s): the threads never "
                 "overlapped in time (the CPUs busy with other work?); more --increments "
                 "make overlap likelier", (long long)u->tries, u->race_seconds);
}

/// One variant's element of the "variants" array (note: unsafe's, "" if none).
static void json_variant(json_out *j, int v, const outcome *r, uint64_t expected,
                         const char *note)
{
    json_begin_element(j);
    json_str(j, "name", variants[v].name);
    json_u64(j, "final", r->final);
    json_int(j, "lost", (int64_t)(expected - r->final));
    json_num(j, "ns_per_increment", r->seconds * 1e9 / (double)expected);
    json_num(j, "seconds", r->seconds);
    json_int(j, "tries", r->tries);
    if (v == UNSAFE) {
        json_num(j, "race_seconds", r->race_seconds);
        if (*note)
            json_str(j, "note", note);
    }
    json_end_element(j);
}

/// unsafe's line under the table: why it lost nothing, or that it took more than one run.
static void text_note(const outcome *u, const char *note)
{
    if (*note)
        printf("unsafe: %s\n", note);
    else if (u->tries > 1)
        printf("unsafe: lost updates in run %lld; the %lld before it lost none (their threads "
               "did not overlap in time: each ran while the other waited for a CPU)\n",
               (long long)u->tries, (long long)u->tries - 1);
}

static void report(const ws_ctx *x, const ws_opts *o, const outcome *out, uint64_t expected,
                   int pass, const char *note)
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
        if (o->json) {
            json_variant(&j, v, &out[v], expected, note);
            continue;
        }
        printf("%-7s %14llu %14llu %14lld  %12.3g  %s\n", variants[v].name,
               (unsigned long long)expected, (unsigned long long)out[v].final,
               (long long)(expected - out[v].final),
               out[v].seconds * 1e9 / (double)expected, variants[v].how);
    }
    if (o->json) {
        json_end_array(&j);
        json_str(&j, "check", pass ? "pass" : "fail");
        ws_json_end(&j);
        return;
    }
    if (o->variants & (1u << UNSAFE))
        text_note(&out[UNSAFE], note);
    printf("check: %s (lock, atomic and rma exact; unsafe never above the expected count)\n",
           pass ? "pass" : "FAIL");
}

/// Note once when binding makes threads share CPUs: the unsafe race then loses few updates.
/// Returns the fewest CPUs a rank may run on (-1 if unknown).
static int note_cpus(const ws_ctx *x, const ws_opts *o)
{
    int cmin, cmax;
    par_minmax_int(affinity_cpus(), &cmin, &cmax);
    if (x->printer && !o->json && o->threads > 1 && cmin > 0 && cmin < o->threads &&
        cmin < affinity_online_cpus())
        fprintf(stderr, "%s: note: a rank may run on only %d CPU%s for its %d threads: they "
                        "take turns, so unsafe loses fewer updates (Open MPI: mpirun "
                        "--bind-to none; MPICH: mpiexec -bind-to none)\n",
                x->prog, cmin, cmin == 1 ? "" : "s", o->threads);
    return cmin;
}

static int run(const ws_ctx *x, const ws_opts *o)
{
    uint64_t expected;
    outcome out[NVARIANTS] = {{0, 0, 0, 0}};
    char note[256] = "";
    int pass = 1;

    if (ws_same_threads(x, o))
        return 2;
    if (__builtin_mul_overflow((uint64_t)o->increments, (uint64_t)x->ranks * o->threads,
                               &expected) || expected > INT64_MAX)
        return ws_refuse(x, "--increments %lld x %d workers is more than 2^63 increments",
                         (long long)o->increments, x->ranks * o->threads);
    const int cpus = note_cpus(x, o);
    for (int v = 0; v < NVARIANTS; v++) {
        if (!(o->variants & (1u << v)))
            continue;
        out[v] = run_variant(v, o, expected);
        pass &= v == UNSAFE ? out[v].final <= expected : out[v].final == expected;
    }
    if (o->variants & (1u << UNSAFE))
        why_no_loss(o, &out[UNSAFE], expected, cpus, note, sizeof note);
    if (x->printer)
        report(x, o, out, expected, pass, note);
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
