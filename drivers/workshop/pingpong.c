/* pingpong.c - `workshop pingpong`: the closing exercise, two ranks sending a message back and forth, timed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "par.h"
#include "workshop.h"

enum { PING_TAG = 12, MAX_SIZES = 64 };
static const int64_t MAX_BYTES = 1 << 30;

static void usage(void)
{
    printf("usage: workshop pingpong [--size BYTES | --sizes [MIN:]MAX] [--iterations N]\n"
           "                         [--warmup N] [--json]\n"
           "\n"
           "The closing exercise: two ranks send a message back and forth (100 round trips\n"
           "by default) and time it.  Prints the total and per-round-trip time and a table\n"
           "size_bytes latency_us bandwidth_MBps: one-way latency = half a round trip,\n"
           "bandwidth = size / one-way latency (a ping-pong's; OSU's osu_bw streams a\n"
           "window of messages instead).  Ranks pair up 0-1, 2-3, ...; all pairs run at\n"
           "once and each reports.  Needs an even number of ranks (an odd one would leave a\n"
           "rank without a partner: refused, exit 2); 1 rank is refused too.  Each message\n"
           "comes back intact or the run fails (exit 1).\n"
           "\n"
           "  --size BYTES      message size, 1 to 1073741824 (default 8)\n"
           "  --sizes [MIN:]MAX sweep MIN, 2 MIN, 4 MIN, ... <= MAX bytes (as osu_latency -m);\n"
           "                    alone: 1:4194304, 1 B to 4 MiB\n"
           "  --iterations N    timed round trips per size (default 100)\n"
           "  --warmup N        untimed round trips before each size (default 10)\n"
           "  --json            {\"lesson\":\"pingpong\",\"pairs\":P,\"round_trips\":R,\"rows\":\n"
           "                    [{\"pair\":p,\"size_bytes\":S,\"latency_us\":L,\n"
           "                    \"bandwidth_MBps\":B,\"seconds\":T}, ...]}\n"
           "\n"
           "examples:\n"
           "  mpirun -np 2 workshop pingpong\n"
           "  mpirun -np 2 workshop pingpong --sizes --iterations 1000\n"
           "  mpirun -np 4 workshop pingpong --sizes 1024:1048576 --json\n");
}

static void defaults(ws_opts *o)
{
    o->size_min = o->size_max = 8;
    o->iterations = 100;
    o->warmup = 10;
}

/// --sizes [MIN:]MAX, or nothing for 1 B to 4 MiB.
static int parse_sizes(ws_ctx *x, ws_opts *o, const char *arg)
{
    char min[64];
    const char *colon = arg ? strchr(arg, ':') : NULL;
    o->sweep = 1;
    o->size_min = 1;
    o->size_max = 4 << 20;
    if (!arg)
        return 0;
    if (colon && (colon == arg || !colon[1]))   /* "3:" or ":64": say which half is missing */
        return ws_usage(x, "invalid --sizes '%s': no %s %s ':' (give MIN:MAX, or MAX)", arg,
                        colon == arg ? "minimum" : "maximum", colon == arg ? "before" : "after");
    if (colon) {
        snprintf(min, sizeof min, "%.*s", (int)(colon - arg), arg);
        if (ws_count(x, "--sizes minimum", min, 1, MAX_BYTES, &o->size_min))
            return 2;
    }
    if (ws_count(x, "--sizes", colon ? colon + 1 : arg, 1, MAX_BYTES, &o->size_max))
        return 2;
    if (o->size_min > o->size_max)
        return ws_usage(x, "invalid --sizes '%s': the minimum is above the maximum", arg);
    return 0;
}

static int option(ws_ctx *x, ws_opts *o, int opt, const char *arg)
{
    switch (opt) {
    case 'z':
        o->has_size = 1;
        if (o->sweep)
            return ws_usage(x, "--size and --sizes exclude each other");
        if (ws_count(x, "--size", arg, 1, MAX_BYTES, &o->size_min))
            return 2;
        o->size_max = o->size_min;
        return 0;
    case 'S':
        if (o->has_size)
            return ws_usage(x, "--size and --sizes exclude each other");
        return parse_sizes(x, o, arg);
    case 'i':
        return ws_count(x, "--iterations", arg, 1, 1000000000, &o->iterations);
    default:
        return ws_count(x, "--warmup", arg, 0, 1000000000, &o->warmup);
    }
}

/// One round trip between this rank and its partner; the initiator sends first.
static void round_trip(char *buf, size_t n, int partner, int initiator)
{
    if (initiator) {
        msg_send(buf, n, partner, PING_TAG);
        msg_recv(buf, n, partner, PING_TAG);
    } else {
        msg_recv(buf, n, partner, PING_TAG);
        msg_send(buf, n, partner, PING_TAG);
    }
}

/// The byte pattern message k carries at position i.
static char pattern(int k, size_t i)
{
    return (char)((i * 131 + (size_t)k * 7 + 1) & 0xff);
}

/// Time every size; secs[k] = seconds of the timed round trips; 1 if every echo was intact.
static int sweep(const ws_ctx *x, const ws_opts *o, char *buf, int nsizes, double *secs)
{
    const int partner = x->rank ^ 1, initiator = x->rank % 2 == 0;
    int intact = 1;
    for (int k = 0; k < nsizes; k++) {
        const size_t n = (size_t)o->size_min << k;
        for (size_t i = 0; initiator && i < n; i++)
            buf[i] = pattern(k, i);
        par_barrier();
        for (int64_t i = 0; i < o->warmup; i++)
            round_trip(buf, n, partner, initiator);
        par_barrier();
        const double t0 = par_wtime();
        for (int64_t i = 0; i < o->iterations; i++)
            round_trip(buf, n, partner, initiator);
        secs[k] = par_wtime() - t0;
        for (size_t i = 0; initiator && i < n; i++)
            intact &= buf[i] == pattern(k, i);
    }
    return intact;
}

static void report(const ws_ctx *x, const ws_opts *o, const double *all, int nsizes, int pass)
{
    const int pairs = x->ranks / 2;
    json_out j;
    if (o->json) {
        ws_json_begin(&j, x);
        json_int(&j, "pairs", pairs);
        json_int(&j, "round_trips", o->iterations);
        json_int(&j, "warmup", o->warmup);
        json_begin_array(&j, "rows");
    } else {
        printf("pingpong: %d pair%s (ranks 0-1%s), %lld round trips per size after %lld "
               "warm-up\n", pairs, pairs == 1 ? "" : "s", pairs > 1 ? ", 2-3, ..." : "",
               (long long)o->iterations, (long long)o->warmup);
    }
    for (int p = 0; p < pairs; p++) {
        const double *secs = all + (size_t)2 * p * nsizes;   /* the pair's initiator */
        if (!o->json) {
            if (!o->sweep)
                printf("pair %d (ranks %d-%d): %lld round trips of %lld bytes in %.6f s: "
                       "%.3f us per round trip\n", p, 2 * p, 2 * p + 1,
                       (long long)o->iterations, (long long)o->size_min, secs[0],
                       secs[0] * 1e6 / (double)o->iterations);
            printf("# pair %d: ranks %d-%d\nsize_bytes  latency_us  bandwidth_MBps\n", p,
                   2 * p, 2 * p + 1);
        }
        for (int k = 0; k < nsizes; k++) {
            const int64_t n = o->size_min << k;
            const double lat = secs[k] * 1e6 / (2.0 * (double)o->iterations);
            if (!o->json) {
                printf("%10lld  %10.3f  %14.2f\n", (long long)n, lat, (double)n / lat);
                continue;
            }
            json_begin_element(&j);
            json_int(&j, "pair", p);
            json_int(&j, "size_bytes", n);
            json_num(&j, "latency_us", lat);
            json_num(&j, "bandwidth_MBps", (double)n / lat);
            json_num(&j, "seconds", secs[k]);
            json_end_element(&j);
        }
    }
    if (o->json) {
        json_end_array(&j);
        json_str(&j, "check", pass ? "pass" : "fail");
        ws_json_end(&j);
    }
}

static int run(const ws_ctx *x, const ws_opts *o)
{
    if (x->ranks < 2)
        return ws_refuse(x, "needs 2 ranks or more to send between, got 1 (mpirun -np 2 ...)");
    if (x->ranks % 2)
        return ws_refuse(x, "needs an even number of ranks (pairs 0-1, 2-3, ...): with %d, "
                            "rank %d would have no partner", x->ranks, x->ranks - 1);
    int nsizes = 0;
    while (nsizes < MAX_SIZES && o->size_min << nsizes <= o->size_max)
        nsizes++;
    const size_t bytes = ((size_t)o->size_max + 4095) / 4096 * 4096;
    char *buf = aligned_alloc(4096, bytes);
    double *secs = calloc((size_t)nsizes, sizeof *secs);
    double *all = x->printer ? calloc((size_t)nsizes * x->ranks, sizeof *all) : NULL;
    if (par_sum_u64(!buf || !secs || (x->printer && !all))) {
        free(buf), free(secs), free(all);
        return ws_verdict(x, 0, "out of memory for the message buffer");
    }
    memset(buf, 0, bytes);                        /* touch every page before timing */
    const int pass = par_sum_u64(!sweep(x, o, buf, nsizes, secs)) == 0;
    par_gather(secs, (size_t)nsizes * sizeof *secs, all);
    if (x->printer)
        report(x, o, all, nsizes, pass);
    free(buf), free(secs), free(all);
    return ws_verdict(x, pass, "a message came back changed");
}

static const struct option longopts[] = {{"size", required_argument, 0, 'z'},
                                         {"sizes", optional_argument, 0, 'S'},
                                         {"iterations", required_argument, 0, 'i'},
                                         {"warmup", required_argument, 0, 'w'},
                                         WS_COMMON_LONGOPTS};

const ws_lesson ws_pingpong = {
    .name = "pingpong",
    .summary = "the exercise: two ranks send a message back and forth 100 times; size sweep",
    .longopts = longopts,
    .defaults = defaults,
    .usage = usage,
    .option = option,
    .run = run,
};
