/* processes.c - `workshop processes`: the Process/doubler lesson; every rank and thread reports, MPMD by the application number (msg_appnum). */
#define _GNU_SOURCE /* sched_getcpu */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decomp.h"
#include "lessons.h"
#include "msg.h"
#include "par.h"
#include "workshop.h"

/// What one worker (rank, thread) reports; gathered to rank 0 as bytes.
typedef struct {
    int32_t rank;     ///< MPI rank
    int32_t thread;   ///< OpenMP thread
    int32_t appnum;   ///< MPMD application (msg_appnum)
    int32_t cpu;      ///< CPU it ran on when it computed (sched_getcpu)
    int32_t overflow; ///< 1 if the result does not fit in 64 bits
    int64_t pid;      ///< process id
    int64_t input;    ///< its number
    int64_t output;   ///< task(input)
    char task[16];    ///< the application's --task
    char host[64];    ///< host name
    char name[32];    ///< "Process-3" (rank 3), "Process-3.1" with threads
} proc_rec;

static void usage(void)
{
    printf("usage: workshop processes [--task NAME] [--input X] [--threads T] [--json]\n"
           "\n"
           "The Process lesson (the doubler): every rank, and with --threads every OpenMP\n"
           "thread, reports its rank, thread, host, pid, the CPU it runs on and its name,\n"
           "applies the task to its own number and prints the result.  Worker w = rank*T +\n"
           "thread gets 5*(w+1) (the doubler's 5, 10, 15, ...) unless --input gives one\n"
           "number to all.  The lines are gathered to rank 0 and printed in rank order:\n"
           "that is the fix for the interleaved output of processes printing at once.\n"
           "\n"
           "  --task NAME   double (default), square or cube\n"
           "  --input X     every worker's number, 0 to 1000000\n"
           "  --threads T   OpenMP threads per rank (default OMP_NUM_THREADS, else 1)\n"
           "  --json        one JSON object: {\"lesson\":\"processes\",\"ranks\":[{\"rank\":r,\n"
           "                \"appnum\":a,\"task\":...,\"host\":...,\"pid\":...,\"input\":x,\n"
           "                \"output\":y,...}, ...]}\n"
           "\n"
           "MPMD: each application gets its own function, found through MPI's APPNUM; every\n"
           "other option must be the same in all applications.\n"
           "\n"
           "examples:\n"
           "  mpirun -np 4 workshop processes\n"
           "  mpirun -np 2 workshop processes --threads 2 --task square\n"
           "  mpirun -np 1 workshop processes --task square --input 7 : "
           "-np 2 workshop processes --task cube --input 7\n");
}

static void defaults(ws_opts *o)
{
    snprintf(o->task, sizeof o->task, "double");
}

static int option(ws_ctx *x, ws_opts *o, int opt, const char *arg)
{
    if (opt == 'i') {
        o->has_input = 1;
        return ws_count(x, "--input", arg, 0, 1000000, &o->input);
    }
    if (!lesson_task_find(arg))       /* --task */
        return ws_usage(x, "unknown --task '%s' (choose %s)", arg, lesson_task_names());
    snprintf(o->task, sizeof o->task, "%s", arg);
    return 0;
}

/// This rank's workers: one record per thread, each filled by its own thread.
static void fill(proc_rec *recs, const ws_ctx *x, const ws_opts *o)
{
    const lesson_task *task = lesson_task_find(o->task);
    const int T = o->threads, app = msg_appnum();
    char host[64];

    par_host_name(host, sizeof host);
#pragma omp parallel for schedule(static, 1) num_threads(T)
    for (int t = 0; t < T; t++) {
        proc_rec *r = &recs[t];
        const int64_t w = decomp_worker(x->rank, T, t);
        r->rank = x->rank;
        r->thread = t;
        r->appnum = app;
        r->cpu = sched_getcpu();
        r->pid = (int64_t)getpid();
        r->input = o->has_input ? o->input : lesson_doubler_input(w);
        r->overflow = task->fn(r->input, &r->output);
        snprintf(r->task, sizeof r->task, "%s", task->name);
        snprintf(r->host, sizeof r->host, "%s", host);
        if (T > 1)
            snprintf(r->name, sizeof r->name, "Process-%d.%d", x->rank, t);
        else
            snprintf(r->name, sizeof r->name, "Process-%d", x->rank);
    }
}

static void print_json(const ws_ctx *x, const ws_opts *o, const proc_rec *all, int n, int apps)
{
    json_out j;
    ws_json_begin(&j, x);
    json_int(&j, "world", x->ranks);
    json_int(&j, "threads", o->threads);
    json_int(&j, "applications", apps);
    json_begin_array(&j, "ranks");
    for (int i = 0; i < n; i++) {
        const proc_rec *r = &all[i];
        json_begin_element(&j);
        json_int(&j, "rank", r->rank);
        json_int(&j, "thread", r->thread);
        json_int(&j, "appnum", r->appnum);
        json_str(&j, "task", r->task);
        json_str(&j, "host", r->host);
        json_int(&j, "pid", r->pid);
        json_int(&j, "cpu", r->cpu);
        json_str(&j, "name", r->name);
        json_int(&j, "input", r->input);
        if (r->overflow)
            json_bool(&j, "overflow", 1);
        else
            json_int(&j, "output", r->output);
        json_end_element(&j);
    }
    json_end_array(&j);
    ws_json_end(&j);
}

static void print_text(const ws_ctx *x, const ws_opts *o, const proc_rec *all, int n, int apps)
{
    printf("processes: %d rank%s x %d thread%s", x->ranks, x->ranks == 1 ? "" : "s", o->threads,
           o->threads == 1 ? "" : "s");
    if (apps > 1)
        printf(" in %d MPMD applications", apps);
    printf("; lines gathered to rank 0, printed in rank order\n");
    for (int i = 0; i < n; i++) {
        const proc_rec *r = &all[i];
        const lesson_task *task = lesson_task_find(r->task);
        printf("rank %d thread %d  app %d (%s)  host %s  pid %lld  cpu %d  %s: ", r->rank,
               r->thread, r->appnum, r->task, r->host, (long long)r->pid, r->cpu, r->name);
        if (r->overflow)
            printf("%lld %s overflows 64 bits\n", (long long)r->input, task->verb);
        else
            printf("%lld %s to %lld\n", (long long)r->input, task->verb, (long long)r->output);
    }
}

static int run(const ws_ctx *x, const ws_opts *o)
{
    if (ws_same_threads(x, o))
        return 2;
    const int T = o->threads, n = x->ranks * T;
    proc_rec *recs = calloc((size_t)T, sizeof *recs);
    proc_rec *all = x->printer ? calloc((size_t)n, sizeof *all) : NULL;
    int bad = !recs || (x->printer && !all), apps = 0;
    if (par_sum_u64((uint64_t)bad)) {
        free(recs);
        free(all);
        return ws_verdict(x, 0, "out of memory");
    }
    fill(recs, x, o);
    par_gather(recs, (size_t)T * sizeof *recs, all);
    if (x->printer) {
        for (int i = 0; i < n; i++)
            apps = all[i].appnum + 1 > apps ? all[i].appnum + 1 : apps;
        if (o->json)
            print_json(x, o, all, n, apps);
        else
            print_text(x, o, all, n, apps);
    }
    free(recs);
    free(all);
    return 0;
}

static const struct option longopts[] = {{"task", required_argument, 0, 't'},
                                         {"input", required_argument, 0, 'i'},
                                         WS_THREADS_LONGOPT,
                                         WS_COMMON_LONGOPTS};

const ws_lesson ws_processes = {
    .name = "processes",
    .summary = "Process and the doubler: who runs where (rank, thread, host, pid, CPU); MPMD",
    .longopts = longopts,
    .threads_default = 1,
    .defaults = defaults,
    .usage = usage,
    .option = option,
    .run = run,
};
