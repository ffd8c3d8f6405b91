/* method.c - what every pi method shares: the method table, options, usage errors, timing, the common report lines, big sums. */
#include "pi.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "par.h"

const pi_method *const pi_methods[] = {&pi_midpoint_method, &pi_montecarlo_method,
                                       &pi_bbp_method, &pi_chudnovsky_method, NULL};

const pi_method *pi_find_method(const char *name)
{
    for (int i = 0; pi_methods[i]; i++)
        if (!strcmp(pi_methods[i]->name, name))
            return pi_methods[i];
    return NULL;
}

const char *pi_check_scale_why(double *v)
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
    return pi_check_scale_why(&v) ? 1.0 : v;   /* refused at start-up: never reached */
}

/// How a pi_common says a usage error (at once, from the printer).
static cli_say say_of(const pi_common *c)
{
    return (cli_say){.prog = c->prog, .printer = c->printer};
}

int pi_usage_error(const pi_common *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int rc = cli_verror(&(const cli_say){.prog = c->prog, .printer = c->printer}, fmt, ap);
    va_end(ap);
    return rc;
}

int pi_parse_count(const pi_common *c, const char *name, const char *arg, int64_t min,
                   int64_t max, int64_t *out)
{
    const cli_say s = say_of(c);
    return cli_count(&s, name, arg, min, max, out);
}

/// A method's options in the engine: --repeat here, its own through own.
typedef struct {
    pi_common *c;      ///< the common options being filled
    pi_option_fn own;  ///< the method's own options
    void *state;       ///< handed to own
} method_options;

/// The engine's callback: --repeat, else the method's own option.
static int method_option(void *state, int opt, const char *arg)
{
    method_options *m = state;
    int64_t v;
    if (opt != 'R')
        return m->own(m->c, opt, arg, m->state);
    if (pi_parse_count(m->c, "--repeat", arg, 1, PI_MAX_REPEAT, &v))
        return 2;
    m->c->repeat = (int)v;
    return 0;
}

int pi_parse_options(pi_common *c, int argc, char **argv, const char *shortopts,
                     const struct option *longopts, void (*usage)(void), pi_option_fn own,
                     void *state)
{
    method_options m = {c, own, state};
    const cli_parser p = {.shortopts = shortopts, .longopts = longopts, .usage = usage,
                          .see = "--help", .json = &c->json, .threads = &c->threads,
                          .threads_max = CLI_MAX_THREADS, .option = method_option, .state = &m};
    const cli_say s = say_of(c);
    const int rc = cli_options(&s, &p, argc, argv);
    return rc == 1 ? -1 : rc;
}

void pi_time(const pi_common *c, void (*fn)(void *), void *arg, double *best,
             double *median)
{
    double t[PI_MAX_REPEAT] = {0};
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

void pi_json_open(json_out *j, const char *method, const pi_layout *L)
{
    json_begin(j, stdout);
    json_str(j, "method", method);
    json_int(j, "ranks", L->ranks);
    json_int(j, "threads", L->threads);
    json_int(j, "workers", (int64_t)L->ranks * L->threads);
    json_int(j, "hosts", L->hosts);
}

void pi_json_begin(json_out *j, const pi_common *c, const pi_layout *L, const pi_summary *s,
                   double median)
{
    char rate_key[64];
    json_begin(j, stdout);
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
    json_int(j, "repeat", c->repeat);
    json_num(j, rate_key, s->rate);
    json_str(j, "check", s->pass ? "pass" : "fail");
}

int pi_sum_mpz_root(mpz_t x)
{
    size_t count = 0, *start;
    uint64_t *all;
    /* little-endian 64-bit words; rank 0 gathers and adds */
    uint64_t *mine = mpz_export(NULL, &count, -1, sizeof(uint64_t), 0, 0, x);
    const int bad = par_gatherv_u64(mine, count, &all, &start);
    free(mine);
    if (par_fail(bad, "pi: out of memory for the partial sums on rank 0"))
        return 1;
    if (par_rank() == 0) {
        mpz_t t;
        mpz_init(t);
        mpz_set_ui(x, 0);
        for (int r = 0; r < par_size(); r++) {
            mpz_import(t, start[r + 1] - start[r], -1, sizeof(uint64_t), 0, 0, all + start[r]);
            mpz_add(x, x, t);
        }
        mpz_clear(t);
    }
    free(all);
    free(start);
    return 0;
}

_Static_assert(sizeof(mp_limb_t) == sizeof(uint64_t), "GMP limbs travel as 64-bit words");

/// Where a received integer's limbs go: into its own storage, sized for them.
static uint64_t *limbs_place(void *ctx, int k, int64_t len)
{
    return (uint64_t *)mpz_limbs_write(((mpz_ptr *)ctx)[k], len ? (mp_size_t)len : 1);
}

void pi_exchange_mpz(const pi_mpz_msg *sends, int ns, pi_mpz_msg *recvs, int nr)
{
    par_words_msg *w = malloc(((size_t)ns + nr + 1) * sizeof *w), *wr = w + ns;
    if (!w)
        abort();    /* a few bytes a message */
    for (int i = 0; i < ns; i++) {
        w[i] = (par_words_msg){.peer = sends[i].peer, .tag = sends[i].tag, .n = sends[i].n};
        for (int k = 0; k < sends[i].n; k++) {
            w[i].len[k] = mpz_sgn(sends[i].v[k]) * (int64_t)mpz_size(sends[i].v[k]);
            w[i].words[k] = (const uint64_t *)mpz_limbs_read(sends[i].v[k]);
        }
    }
    for (int i = 0; i < nr; i++)
        wr[i] = (par_words_msg){.peer = recvs[i].peer, .tag = recvs[i].tag, .n = recvs[i].n,
                                .place = limbs_place, .ctx = recvs[i].v};
    par_exchange_words(w, ns, wr, nr);
    for (int i = 0; i < nr; i++)
        for (int k = 0; k < recvs[i].n; k++)
            mpz_limbs_finish(recvs[i].v[k], (mp_size_t)wr[i].len[k]);
    free(w);
}
