/* lesson.c - what the workshop lessons share: usage errors, verdicts, the clock, JSON and list output. */
#include "workshop.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "par.h"

/// How a usage error found in argv is said: kept in x->msg until the ranks agree.
static cli_say held(ws_ctx *x)
{
    return (cli_say){.prog = x->prog, .hold = 1, .msg = x->msg, .len = sizeof x->msg};
}

int ws_usage(ws_ctx *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int rc = cli_verror(&(const cli_say){.prog = x->prog, .hold = 1, .msg = x->msg,
                                               .len = sizeof x->msg}, fmt, ap);
    va_end(ap);
    return rc;
}

int ws_count(ws_ctx *x, const char *name, const char *arg, int64_t min, int64_t max,
             int64_t *out)
{
    const cli_say s = held(x);
    return cli_count(&s, name, arg, min, max, out);
}

int ws_seconds(ws_ctx *x, const char *name, const char *arg, double max, double *out)
{
    const cli_say s = held(x);
    return cli_seconds(&s, name, arg, max, out);
}

int ws_refuse(const ws_ctx *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int rc = cli_verror(&(const cli_say){.prog = x->prog, .printer = x->printer}, fmt, ap);
    va_end(ap);
    return rc;
}

int ws_same_threads(const ws_ctx *x, const ws_opts *o)
{
    int tmin, tmax;
    par_minmax_int(o->threads, &tmin, &tmax);
    if (tmin == tmax)
        return 0;
    return ws_refuse(x, "ranks disagree on the thread count (%d to %d): set OMP_NUM_THREADS "
                        "or --threads the same for all", tmin, tmax);
}

int ws_verdict(const ws_ctx *x, int pass, const char *what)
{
    if (!pass && x->printer)
        fprintf(stderr, "%s: self-check FAILED: %s\n", x->prog, what);
    return !pass;
}

double ws_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void ws_json_begin(json_out *j, const ws_ctx *x)
{
    json_begin(j, stdout);
    json_str(j, "lesson", x->lesson);
}

void ws_json_end(json_out *j)
{
    json_build(j);
    json_end(j);
}

void ws_print_list(const int64_t *v, int64_t n, int64_t show)
{
    fputc('[', stdout);
    for (int64_t i = 0; i < n; i++) {
        if (n > show && i == show / 2) {
            fputs(", ...", stdout);
            i = n - show / 2;
        }
        printf(i ? ", %lld" : "%lld", (long long)v[i]);
    }
    fputc(']', stdout);
}
