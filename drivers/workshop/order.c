/* order.c - `workshop join-order` and `workshop queue`: finishing order, the join, results by message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "decomp.h"
#include "lessons.h"
#include "msg.h"
#include "par.h"
#include "workshop.h"

enum { QUEUE_TAG = 11 };

/// One join-order worker's times, seconds since the common start.
typedef struct {
    int32_t rank;    ///< MPI rank
    int32_t thread;  ///< OpenMP thread
    double sleep;    ///< how long it sleeps, s
    double start;    ///< when it started, s
    double finish;   ///< when it finished, s
    double join;     ///< when its rank left the barrier (the join), s
} jo_rec;

static void order_defaults(ws_opts *o)
{
    o->scale = 0.1;
    o->tasks = 8;
    o->seed = 1;
}

static int order_option(ws_ctx *x, ws_opts *o, int opt, const char *arg)
{
    const char *why;
    switch (opt) {
    case 's':
        return ws_seconds(x, "--scale", arg, 10, &o->scale);
    case 'n':
        return ws_count(x, "--tasks", arg, 1, 100000, &o->tasks);
    default:                                   /* --seed */
        if ((why = cli_parse_u64(arg, &o->seed)) != NULL)
            return ws_usage(x, "invalid --seed '%s': %s", arg, why);
        return 0;
    }
}

static void join_usage(void)
{
    printf("usage: workshop join-order [--scale S] [--threads T] [--json]\n"
           "\n"
           "join_order.py: W = ranks x threads workers start together; worker w sleeps\n"
           "(W - w) x S seconds (3, 2, 1 s scaled by S) and reports when it started and\n"
           "finished.  The output shows that the finishing order is not the start order,\n"
           "and that the barrier (MPI's join) lets no rank through before the slowest\n"
           "worker is done.  Times are seconds since a common start; on one host all\n"
           "ranks read one clock, across hosts each rank its own.\n"
           "\n"
           "  --scale S     seconds per unit of sleep, 0 to 10 (default 0.1)\n"
           "  --threads T   OpenMP threads per rank (default OMP_NUM_THREADS, else 1)\n"
           "  --json        one JSON object: workers (rank, thread, sleep, start, finish),\n"
           "                finish_order, join_min, join_max, slowest_sleep, common_clock\n"
           "\n"
           "examples:\n"
           "  mpirun -np 3 workshop join-order\n"
           "  mpirun -np 2 workshop join-order --threads 2 --scale 0.5\n");
}

/// Worker indices sorted by finishing time (ties by index).
static void finish_order(const jo_rec *r, int n, int64_t *order)
{
    for (int i = 0; i < n; i++) {
        int k = i;
        while (k > 0 && r[order[k - 1]].finish > r[i].finish) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
}

static void join_report(const ws_ctx *x, const ws_opts *o, const jo_rec *r, int n, int common)
{
    int64_t *order = malloc((size_t)n * sizeof *order);
    double jmin = r[0].join, jmax = r[0].join, slowest = 0;
    if (!order)
        return;
    finish_order(r, n, order);
    for (int i = 0; i < n; i++) {
        jmin = r[i].join < jmin ? r[i].join : jmin;
        jmax = r[i].join > jmax ? r[i].join : jmax;
        slowest = r[i].sleep > slowest ? r[i].sleep : slowest;
    }
    if (o->json) {
        json_out j;
        ws_json_begin(&j, x);
        json_int(&j, "ranks", x->ranks);
        json_int(&j, "threads", o->threads);
        json_num(&j, "scale", o->scale);
        json_bool(&j, "common_clock", common);
        json_begin_array(&j, "workers");
        for (int i = 0; i < n; i++) {
            json_begin_element(&j);
            json_int(&j, "worker", i);
            json_int(&j, "rank", r[i].rank);
            json_int(&j, "thread", r[i].thread);
            json_num(&j, "sleep", r[i].sleep);
            json_num(&j, "start", r[i].start);
            json_num(&j, "finish", r[i].finish);
            json_end_element(&j);
        }
        json_end_array(&j);
        json_begin_array(&j, "finish_order");
        for (int i = 0; i < n; i++)
            json_elem_int(&j, order[i]);
        json_end_array(&j);
        json_num(&j, "join_min", jmin);
        json_num(&j, "join_max", jmax);
        json_num(&j, "slowest_sleep", slowest);
        ws_json_end(&j);
        free(order);
        return;
    }
    printf("join-order: %d worker%s (%d rank%s x %d thread%s); worker w sleeps (%d - w) x %g s\n",
           n, n == 1 ? "" : "s", x->ranks, x->ranks == 1 ? "" : "s", o->threads,
           o->threads == 1 ? "" : "s", n, o->scale);
    printf("times: seconds since a common start, %s\n",
           common ? "one clock (all ranks on one host)" : "each rank's own clock (several hosts)");
    printf("worker  rank  thread  sleeps   started  finished\n");
    for (int i = 0; i < n; i++)
        printf("%6d  %4d  %6d  %6.3f  %8.3f  %8.3f\n", i, r[i].rank, r[i].thread, r[i].sleep,
               r[i].start, r[i].finish);
    printf("finishing order: workers");
    for (int i = 0; i < n; i++)
        printf(" %lld", (long long)order[i]);
    printf("\n  (all started together, in the order 0..%d of the Python loop's start calls: the\n"
           "  finishing order follows the sleeps instead)\n", n - 1);
    printf("join: the ranks left the barrier at %.3f to %.3f s; the slowest worker slept %.3f s:\n"
           "  the join waits for the slowest\n", jmin, jmax, slowest);
    free(order);
}

static int join_run(const ws_ctx *x, const ws_opts *o)
{
    if (ws_same_threads(x, o))
        return 2;
    const int T = o->threads, n = x->ranks * T, common = x->hosts == 1;
    jo_rec *mine = calloc((size_t)T, sizeof *mine);
    jo_rec *all = x->printer ? calloc((size_t)n, sizeof *all) : NULL;
    if (par_sum_u64(!mine || (x->printer && !all))) {
        free(mine);
        free(all);
        return ws_verdict(x, 0, "out of memory");
    }
    par_barrier();
    double t0 = ws_now();
    const double t0_root = msg_bcast_double(t0);
    if (common)                 /* one host, one CLOCK_MONOTONIC: rank 0's start for all */
        t0 = t0_root;
#pragma omp parallel for schedule(static, 1) num_threads(T)
    for (int t = 0; t < T; t++) {
        const int64_t w = decomp_worker(x->rank, T, t);
        mine[t] = (jo_rec){.rank = x->rank, .thread = t, .sleep = (double)(n - w) * o->scale};
        mine[t].start = ws_now() - t0;
        lesson_sleep(mine[t].sleep);
        mine[t].finish = ws_now() - t0;
    }
    par_barrier();                                   /* the join */
    const double join = ws_now() - t0;
    for (int t = 0; t < T; t++)
        mine[t].join = join;
    par_gather(mine, (size_t)T * sizeof *mine, all);
    if (x->printer)
        join_report(x, o, all, n, common);
    free(mine);
    free(all);
    return 0;
}

static const struct option join_longopts[] = {{"scale", required_argument, 0, 's'},
                                              WS_THREADS_LONGOPT, WS_COMMON_LONGOPTS};

const ws_lesson ws_join_order = {
    .name = "join-order",
    .summary = "join_order.py: finishing order is not start order; the join waits for the slowest",
    .longopts = join_longopts,
    .threads_default = 1,
    .defaults = order_defaults,
    .usage = join_usage,
    .option = order_option,
    .run = join_run,
};

static void queue_usage(void)
{
    printf("usage: workshop queue [--tasks N] [--seed S] [--scale S] [--json]\n"
           "\n"
           "The Queue and result-order lessons (queue_order.py): task i squares the seed's\n"
           "data (2, 4, 6, 3, 5, 8, 9, 7, then +10 per round of 8) after sleeping 1 to 3\n"
           "units of --scale seconds, seeded like random.randint(1, 3).  Ranks 1..R-1 are\n"
           "the workers (task i goes to rank 1 + i mod (R-1); alone, rank 0 does every task\n"
           "itself) and send (index, result) to rank 0 as each task finishes; rank 0 takes\n"
           "them from any source in arrival order, prints that order, then the results\n"
           "in index order.  The arrival order changes with the seed and the layout; the\n"
           "results in index order are always the same.\n"
           "\n"
           "  --tasks N     number of tasks, 1 to 100000 (default 8)\n"
           "  --seed S      seed of the task lengths, 0 to 2^64-1 (default 1)\n"
           "  --scale S     seconds per unit, 0 to 10 (default 0.1)\n"
           "  --json        one JSON object: {\"lesson\":\"queue\",\"arrival\":[...],\n"
           "                \"results\":[...],...}\n"
           "\n"
           "examples:\n"
           "  mpirun -np 4 workshop queue\n"
           "  mpirun -np 9 --oversubscribe workshop queue --seed 42   (one task per worker)\n");
}

/// What rank 0 learns: arrival order, who sent what, and the results by index.
typedef struct {
    int64_t *arrival;   ///< task index of the k-th arrival
    int64_t *source;    ///< rank the k-th arrival came from
    double *when;       ///< seconds since the start of the k-th arrival
    int64_t *results;   ///< result of task i
    int64_t *seen;      ///< how many times task i arrived
} queue_log;

/// Task i: sleep its seeded time, return the square of its value.
static int64_t queue_task(const ws_opts *o, int64_t i)
{
    const int64_t v = lesson_queue_value(i);
    lesson_sleep(o->scale * lesson_queue_units(o->seed, i));
    return v * v;
}

/// Record the k-th arrival: (index, result) from rank src; bad indices only count as bad.
static void queue_arrive(queue_log *q, const ws_opts *o, int64_t k, const int64_t m[2], int src,
                         double t)
{
    q->arrival[k] = m[0];
    q->source[k] = src;
    q->when[k] = t;
    if (m[0] >= 0 && m[0] < o->tasks) {
        q->results[m[0]] = m[1];
        q->seen[m[0]]++;
    }
}

static void queue_report(const ws_ctx *x, const ws_opts *o, const queue_log *q, int workers,
                         int pass)
{
    const int64_t N = o->tasks;
    int in_order = 1;
    for (int64_t k = 0; k < N; k++)
        in_order &= q->arrival[k] == k;
    if (o->json) {
        json_out j;
        ws_json_begin(&j, x);
        json_int(&j, "tasks", N);
        json_u64(&j, "seed", o->seed);
        json_num(&j, "scale", o->scale);
        json_int(&j, "workers", workers);
        const int64_t *lists[] = {q->arrival, q->source, q->results};
        const char *names[] = {"arrival", "sources", "results"};
        for (int l = 0; l < 3; l++) {
            json_begin_array(&j, names[l]);
            for (int64_t k = 0; k < N; k++)
                json_elem_int(&j, lists[l][k]);
            json_end_array(&j);
        }
        json_begin_array(&j, "arrival_seconds");
        for (int64_t k = 0; k < N; k++)
            json_elem_num(&j, q->when[k]);
        json_end_array(&j);
        json_bool(&j, "in_index_order", in_order);
        json_str(&j, "check", pass ? "pass" : "fail");
        ws_json_end(&j);
        return;
    }
    printf("queue: %lld task%s (x*x, each sleeping 1-3 x %g s, seed %llu) on %d worker rank%s; "
           "results go to rank 0 as they finish (received from any source)\n", (long long)N,
           N == 1 ? "" : "s", o->scale, (unsigned long long)o->seed, workers,
           workers == 1 ? "" : "s");
    if (N <= 100) {
        printf("arrival  time_s  task  from     x       x*x\n");
        for (int64_t k = 0; k < N; k++) {
            const int64_t i = q->arrival[k] >= 0 && q->arrival[k] < N ? q->arrival[k] : 0;
            printf("%7lld  %6.3f  %4lld  rank %-3lld %4lld  %8lld\n", (long long)k + 1,
                   q->when[k], (long long)q->arrival[k], (long long)q->source[k],
                   (long long)lesson_queue_value(i), (long long)q->results[i]);
        }
    }
    printf("arrival order:          ");
    ws_print_list(q->arrival, N, 32);
    printf(in_order ? "  (index order this time)\n" : "  (not index order)\n");
    printf("results in index order: ");
    ws_print_list(q->results, N, 32);
    printf("\ncheck: %s (every task arrived once, with x*x)\n", pass ? "pass" : "FAIL");
}

/// Rank 0: receive every result (or, alone, compute them), then check and report.
static int queue_collect(const ws_ctx *x, const ws_opts *o)
{
    const int64_t N = o->tasks;
    int64_t *block = calloc((size_t)N * 5, 8), m[2];
    if (!block) {
        for (int64_t k = 0; x->ranks > 1 && k < N; k++)  /* let every worker finish */
            msg_recv_any(m, sizeof m, QUEUE_TAG);
        return ws_verdict(x, 0, "out of memory");
    }
    queue_log q = {block, block + N, (double *)(block + 2 * N), block + 3 * N, block + 4 * N};
    int pass = 1;
    const double t0 = ws_now();
    for (int64_t k = 0; k < N; k++) {
        int src = 0;
        m[0] = k;
        if (x->ranks > 1)
            src = msg_recv_any(m, sizeof m, QUEUE_TAG);
        else
            m[1] = queue_task(o, k);
        queue_arrive(&q, o, k, m, src, ws_now() - t0);
    }
    for (int64_t i = 0; i < N; i++)
        pass &= q.seen[i] == 1 && q.results[i] == lesson_queue_value(i) * lesson_queue_value(i);
    queue_report(x, o, &q, x->ranks > 1 ? x->ranks - 1 : 1, pass);
    free(block);
    return ws_verdict(x, pass, "a task's result is missing, repeated or wrong");
}

static int queue_run(const ws_ctx *x, const ws_opts *o)
{
    par_barrier();
    if (x->rank == 0)
        return queue_collect(x, o);
    for (int64_t i = x->rank - 1; i < o->tasks; i += x->ranks - 1) {
        const int64_t m[2] = {i, queue_task(o, i)};
        msg_send(m, sizeof m, 0, QUEUE_TAG);
    }
    return 0;
}

static const struct option queue_longopts[] = {{"tasks", required_argument, 0, 'n'},
                                               {"seed", required_argument, 0, 'S'},
                                               {"scale", required_argument, 0, 's'},
                                               WS_COMMON_LONGOPTS};

const ws_lesson ws_queue = {
    .name = "queue",
    .summary = "Queue and result order: results arrive as tasks finish; sorted, always the same",
    .longopts = queue_longopts,
    .defaults = order_defaults,
    .usage = queue_usage,
    .option = order_option,
    .run = queue_run,
};
