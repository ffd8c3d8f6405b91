/* montecarlo.c - `pi montecarlo`: darts from counter-based Philox streams, the same count on any layout. */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ckpt.h"
#include "cli.h"
#include "montecarlo.h"
#include "par.h"
#include "pi.h"

enum { DEFAULT_SEED = 1 };

/// Options of `pi montecarlo`.
typedef struct {
    int64_t samples;      ///< n, darts thrown
    uint64_t seed;        ///< Philox key, or base seed of the GSL generators
    mc_span_kernel kernel; ///< Philox kernel (fast or ref), NULL with --rng gsl
    char kernel_name[8];  ///< "fast" or "ref"
    char gsl_type[64];    ///< GSL generator name with --rng gsl
    char rng[80];         ///< as reported: "philox4x32-10" or "gsl:NAME"
    ckpt_opts ckpt;       ///< --checkpoint and friends
} mc_opts;

static void usage(void)
{
    printf("usage: pi montecarlo [-n SAMPLES] [--seed S] [--rng philox|gsl|gsl:NAME]\n"
           "                     [--kernel fast|ref] [--threads T] [--repeat R] [--json]\n"
           "          [--checkpoint FILE [--checkpoint-every S] [--keep-checkpoint]]\n"
           "\n"
           "Throws n darts at the unit square and counts those inside the quarter circle:\n"
           "pi ~ 4 hits / n.  Dart i is Philox4x32-10 (Random123) of counter i under key\n"
           "seed, so the darts, the hits and the estimate are the same for every\n"
           "ranks x threads layout; the hit test is exact integer arithmetic on the\n"
           "32-bit words (cell centres; none can lie on the circle).\n"
           "\n"
           "  -n, --samples N   darts, integer or exact 1e9 form (default 1e9)\n"
           "      --seed S      64-bit seed, decimal or 0x hex (default %d; with --rng gsl\n"
           "                    GSL_RNG_SEED if set)\n"
           "      --rng R       philox (default), gsl (GSL_RNG_TYPE, default mt19937) or\n"
           "                    gsl:NAME; GSL generators are one per worker, seeded\n"
           "                    1 + (seed + worker) mod (2^32-1): results then depend on\n"
           "                    the layout\n"
           "      --kernel K    fast (default) or ref (scalar reference), same hits\n"
           "      --threads T   OpenMP threads per rank (default OMP_NUM_THREADS, else 1)\n"
           "      --repeat R    time R runs, report best and median (default 1)\n"
           "      --json        one JSON object on stdout instead of text\n",
           DEFAULT_SEED);
    ckpt_usage();
    printf("  -h, --help        this help\n"
           "\n"
           "Reports the estimate, hits, the standard error 4 sqrt(p(1-p)/n), a 99%%\n"
           "confidence interval and the error in sigmas; the self-check fails (exit 1)\n"
           "beyond 6 sigma, sigma = 4 sqrt(p(1-p)/n) at p = pi/4.\n"
           "\n"
           "examples:\n"
           "  mpirun -np 4 pi montecarlo --samples 1e9 --seed 42\n"
           "  OMP_NUM_THREADS=2 mpirun -np 2 --map-by slot:PE=2 pi montecarlo -n 1e10 --json\n"
           "  GSL_RNG_TYPE=ranlxd2 pi montecarlo -n 1e7 --rng gsl\n"
           "  mpirun -np 4 pi montecarlo -n 1e13 --checkpoint mc.ckpt  # rerun: resumes\n");
}

/// Pick GSL generator `name` (NULL or empty: mt19937), given as `what` = 'text'; 0 ok, 2 error (said).
static int choose_gsl(const pi_common *c, mc_opts *o, const char *name, const char *what,
                      const char *text)
{
    char names[4096];
    if (!name || !*name)
        name = "mt19937";
    if (strlen(name) >= sizeof o->gsl_type || !mc_gsl_known(name)) {
        mc_gsl_names(names, sizeof names);
        return pi_usage_error(c, "invalid %s '%s': no GSL generator '%s'; choose one of: %s",
                              what, text, name, names);
    }
    strcpy(o->gsl_type, name);
    snprintf(o->rng, sizeof o->rng, "gsl:%s", name);
    o->kernel = NULL;
    return 0;
}

/// Option values kept as text until all are read (--kernel depends on --rng).
typedef struct {
    mc_opts *o;                     ///< the options being filled
    const char *rng, *seed, *kernel; ///< --rng, --seed, --kernel as given
} mc_args;

static int option(pi_common *c, int opt, const char *arg, void *vargs)
{
    mc_args *a = vargs;
    const int rc = ckpt_option(c, opt, arg, &a->o->ckpt);
    if (rc != 1)
        return rc;
    switch (opt) {
    case 'n':
        return pi_parse_count(c, "--samples", arg, 1, INT64_MAX, &a->o->samples);
    case 's':
        a->seed = arg;
        return 0;
    case 'g':
        a->rng = arg;
        return 0;
    default: /* 'k' */
        a->kernel = arg;
        return 0;
    }
}

static int parse(int argc, char **argv, pi_common *c, void *vopts)
{
    static const struct option longopts[] = {{"samples", required_argument, 0, 'n'},
                                             {"seed", required_argument, 0, 's'},
                                             {"rng", required_argument, 0, 'g'},
                                             {"kernel", required_argument, 0, 'k'},
                                             CKPT_LONGOPTS, PI_COMMON_LONGOPTS};
    mc_opts *o = vopts;
    mc_args a = {o, "philox", NULL, "fast"};
    const char *why;

    o->samples = 1000000000;
    ckpt_defaults(&o->ckpt);
    int rc = pi_parse_options(c, argc, argv, ":hn:", longopts, usage, option, &a);
    if (rc || (rc = ckpt_check(c, &o->ckpt)) != 0)
        return rc;
    const char *rng = a.rng, *seed = a.seed, *kernel = a.kernel;

    if (!strcmp(rng, "philox")) {
        snprintf(o->rng, sizeof o->rng, "philox4x32-10");
        if (!strcmp(kernel, "fast"))
            o->kernel = mc_span_fast;
        else if (!strcmp(kernel, "ref"))
            o->kernel = mc_span_ref;
        else
            return pi_usage_error(c, "invalid --kernel '%s': choose fast or ref", kernel);
        snprintf(o->kernel_name, sizeof o->kernel_name, "%s", kernel);
    } else if (!strcmp(rng, "gsl")) {
        if (choose_gsl(c, o, getenv("GSL_RNG_TYPE"), "GSL_RNG_TYPE", getenv("GSL_RNG_TYPE")))
            return 2;
    } else if (!strncmp(rng, "gsl:", 4)) {
        if (!rng[4])
            return pi_usage_error(c, "invalid --rng '%s': name a GSL generator after gsl:", rng);
        if (choose_gsl(c, o, rng + 4, "--rng", rng))
            return 2;
    } else {
        return pi_usage_error(c, "invalid --rng '%s': choose philox, gsl or gsl:NAME", rng);
    }
    if (!o->kernel && strcmp(kernel, "fast"))
        return pi_usage_error(c, "--kernel '%s' applies to --rng philox only", kernel);
    if (!o->kernel && o->ckpt.path[0])
        return pi_usage_error(c, "--checkpoint needs --rng philox: GSL generators' darts "
                              "depend on the layout, so their progress cannot be resumed");

    o->seed = DEFAULT_SEED;
    if (!seed && !o->kernel && getenv("GSL_RNG_SEED")) {
        if ((why = cli_parse_u64(getenv("GSL_RNG_SEED"), &o->seed)) != NULL)
            return pi_usage_error(c, "invalid GSL_RNG_SEED '%s': %s", getenv("GSL_RNG_SEED"),
                                  why);
    } else if (seed && (why = cli_parse_u64(seed, &o->seed)) != NULL) {
        return pi_usage_error(c, "invalid --seed '%s': %s", seed, why);
    }
    return 0;
}

/// One timed run's inputs and output.
typedef struct {
    const mc_opts *o;
    const pi_layout *L;
    uint64_t hits; ///< darts inside, all workers
} mc_job;

/// This rank's hits among the darts [lo, hi) (Philox only).
static fx_u128 span(const void *arg, int64_t lo, int64_t hi)
{
    const mc_job *job = arg;
    const pi_layout *L = job->L;
    return mc_span_rank(job->o->kernel, job->o->seed, lo, hi, L->rank, L->ranks, L->threads);
}

static void compute(void *arg)
{
    mc_job *job = arg;
    const mc_opts *o = job->o;
    const pi_layout *L = job->L;
    const uint64_t local =
        o->kernel ? (uint64_t)span(job, 0, o->samples)
                  : mc_hits_gsl_rank(o->gsl_type, o->seed, o->samples, L->rank, L->ranks,
                                     L->threads);
    job->hits = par_sum_u64(local);
}

/// The statistics of one estimate.
typedef struct {
    double sigma, z, std_error, sigmas, ci_low, ci_high;
} mc_stats;

static void json_mc(const mc_opts *o, const pi_common *c, const pi_layout *L,
                    const pi_summary *s, const mc_job *job, const ckpt_result *ck,
                    const mc_stats *st, double median)
{
    json_out j;
    pi_json_begin(&j, c, L, s, median);
    json_int(&j, "samples", o->samples);
    json_u64(&j, "hits", job->hits);
    json_u64(&j, "seed", o->seed);
    json_str(&j, "rng", o->rng);
    json_str(&j, "kernel", o->kernel ? o->kernel_name : "gsl");
    json_bool(&j, "layout_independent", o->kernel != NULL);
    json_num(&j, "std_error", st->std_error);
    json_num(&j, "ci_low", st->ci_low);
    json_num(&j, "ci_high", st->ci_high);
    json_num(&j, "sigmas", st->sigmas);
    if (o->ckpt.path[0])
        ckpt_json(&j, &o->ckpt, ck);
    json_build(&j);
    json_end(&j);
}

static void print_mc(const mc_opts *o, const pi_common *c, const pi_layout *L,
                     const pi_summary *s, const mc_job *job, const ckpt_result *ck,
                     const mc_stats *st, double median)
{
    const int independent = o->kernel != NULL;
    printf("pi montecarlo  n = %lld samples, seed %llu, rng %s%s%s\n", (long long)o->samples,
           (unsigned long long)o->seed, o->rng, independent ? ", " : "",
           independent ? o->kernel_name : "");
    printf("pi             %.16f (4 hits / n)\n", s->pi);
    printf("hits           %llu of %lld\n", (unsigned long long)job->hits, (long long)o->samples);
    printf("std error      %.3e (4 sqrt(p(1-p)/n))\n", st->std_error);
    printf("99%% interval   [%.10f, %.10f] (z = %.4f)\n", st->ci_low, st->ci_high, st->z);
    printf("|pi - true pi| %.3e = %.2f sigma (sigma %.3e at p = pi/4)\n", s->abs_error,
           fabs(st->sigmas), st->sigma);
    pi_print_common(c, L, s, median);
    if (o->ckpt.path[0])
        ckpt_print(&o->ckpt, ck, o->samples);
    if (!independent)
        printf("note           GSL generators, one per worker: the darts, and so the\n"
               "               result, depend on the ranks x threads layout\n");
}

/// Every rank must draw the same way (the environment may differ between hosts): 0 or 2.
static int same_generator(const mc_opts *o, const pi_common *c)
{
    uint64_t h = o->seed ^ UINT64_C(0x9E3779B97F4A7C15);
    int hmin, hmax;
    for (const char *p = o->rng; *p; p++)
        h = (h ^ (unsigned char)*p) * UINT64_C(0x100000001B3);
    par_minmax_int((int)(h >> 33), &hmin, &hmax);
    if (hmin == hmax)
        return 0;
    return pi_usage_error(c, "ranks disagree on the generator or seed (rank 0: %s, seed "
                          "%llu): give every rank the same GSL_RNG_TYPE and GSL_RNG_SEED "
                          "(mpirun -x)", o->rng, (unsigned long long)o->seed);
}

static int run(const void *vopts, const pi_common *c, const pi_layout *L, pi_summary *s)
{
    const mc_opts *o = vopts;
    mc_job job = {.o = o, .L = L};
    double median;
    const double n = (double)o->samples, p_true = M_PI / 4;
    mc_stats st = {.z = gsl_cdf_ugaussian_Pinv(0.995),                   /* 99% two-sided */
                   .sigma = 4 * sqrt(p_true * (1 - p_true) / n)};        /* never 0 */

    *s = (pi_summary){.method = "montecarlo", .n = o->samples, .unit = "samples"};
    if (same_generator(o, c) != 0)
        return 2;
    ckpt_result ck = {.computed = o->samples};
    if (o->ckpt.path[0]) {
        const ckpt_run_id id = {"montecarlo", o->samples, o->seed, o->rng, o->kernel_name, 1,
                                0, NULL, 0};
        const int rc = ckpt_run(&o->ckpt, &id, c, span, &job, &ck);
        if (rc)
            return rc;
        job.hits = (uint64_t)ck.total;
        s->seconds = median = ck.seconds;
    } else {
        pi_time(c, compute, &job, &s->seconds, &median);
    }
    const double p = (double)job.hits / n;
    st.std_error = 4 * sqrt(p * (1 - p) / n);
    s->pi = 4 * p;
    s->abs_error = pi_abs_error(s->pi);
    s->error_bound = 6 * st.sigma * pi_check_scale();
    s->rate = (double)ck.computed / s->seconds;
    s->pass = s->abs_error <= s->error_bound && job.hits <= (uint64_t)o->samples;
    st.sigmas = (s->pi - M_PI) / st.sigma;
    st.ci_low = s->pi - st.z * st.std_error;
    st.ci_high = s->pi + st.z * st.std_error;
    if (!c->printer || c->quiet)
        return !s->pass;
    if (c->json)
        json_mc(o, c, L, s, &job, &ck, &st, median);
    else
        print_mc(o, c, L, s, &job, &ck, &st, median);
    ckpt_finish(&o->ckpt, &ck, c);
    if (!s->pass)
        fprintf(stderr, "%s: self-check FAILED: estimate is %.2f sigma from pi (limit %.3g)\n",
                c->prog, fabs(st.sigmas), 6 * pi_check_scale());
    return !s->pass;
}

const pi_method pi_montecarlo_method = {
    .name = "montecarlo",
    .summary = "darts in the unit square, Philox4x32-10 streams (or GSL generators)",
    .opts_size = sizeof(mc_opts),
    .parse = parse,
    .run = run,
};
