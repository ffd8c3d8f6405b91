/* midpoint.c - `pi midpoint`: the workshop's midpoint-rule pi, summed exactly across workers. */
#include <stdio.h>
#include <string.h>

#include "ckpt.h"
#include "midpoint.h"
#include "par.h"
#include "pi.h"

/// Options of `pi midpoint`.
typedef struct {
    int64_t steps;               ///< n, the number of midpoint steps
    midpoint_span_kernel kernel; ///< fast (default) or the scalar reference
    const char *kernel_name;
    ckpt_opts ckpt;              ///< --checkpoint and friends
} midpoint_opts;

static void usage(void)
{
    printf("usage: pi midpoint [-n STEPS] [--kernel fast|ref] [--threads T] [--repeat R] "
           "[--json]\n"
           "                  [--checkpoint FILE [--checkpoint-every S] [--keep-checkpoint]]\n"
           "\n"
           "pi = (1/n) sum 4/(1+x^2) at x = (i+0.5)/n, i = 0..n-1: the workshop's\n"
           "partialPi, with the steps split over ranks x threads.  Each term is summed as\n"
           "an exact integer, so pi is the same to the last bit for every layout.\n"
           "\n"
           "  -n, --steps N     steps n, integer or exact 1e9 / 2.5e8 form (default 1e9,\n"
           "                    at most 2^52 = 4503599627370496)\n"
           "      --kernel K    fast (vectorized, default) or ref (plain scalar loop);\n"
           "                    both give the same bits\n"
           "      --threads T   OpenMP threads per rank (default OMP_NUM_THREADS, else 1)\n"
           "      --repeat R    time R runs, report best and median (default 1)\n"
           "      --json        one JSON object on stdout instead of text\n");
    ckpt_usage();
    printf("  -h, --help        this help\n"
           "\n"
           "The self-check passes when |pi - true pi| <= h^2/12 + 17u (h = 1/n,\n"
           "u = 2^-53): the rule's truncation error plus the bound on rounding.\n"
           "\n"
           "examples:\n"
           "  mpirun -np 4 pi midpoint --steps 1e9\n"
           "  OMP_NUM_THREADS=2 mpirun -np 2 --map-by slot:PE=2 pi midpoint -n 1e10 --json\n"
           "  pi midpoint -n 1e8 --kernel ref --repeat 5\n"
           "  mpirun -np 4 pi midpoint -n 1e14 --checkpoint pi.ckpt   # rerun: resumes\n");
}

static int option(pi_common *c, int opt, const char *arg, void *vopts)
{
    midpoint_opts *o = vopts;
    const int rc = ckpt_option(c, opt, arg, &o->ckpt);
    if (rc != 1)
        return rc;
    if (opt == 'n')
        return pi_parse_count(c, "--steps", arg, 1, MIDPOINT_MAX_STEPS, &o->steps);
    if (!strcmp(arg, "fast"))                                  /* 'k' */
        o->kernel = midpoint_span_fast;
    else if (!strcmp(arg, "ref"))
        o->kernel = midpoint_span_ref;
    else
        return pi_usage_error(c, "invalid --kernel '%s': choose fast or ref", arg);
    o->kernel_name = arg;
    return 0;
}

static int parse(int argc, char **argv, pi_common *c, void *vopts)
{
    static const struct option longopts[] = {{"steps", required_argument, 0, 'n'},
                                             {"kernel", required_argument, 0, 'k'},
                                             CKPT_LONGOPTS, PI_COMMON_LONGOPTS};
    midpoint_opts *o = vopts;

    o->steps = 1000000000;
    o->kernel = midpoint_span_fast;
    o->kernel_name = "fast";
    ckpt_defaults(&o->ckpt);
    const int rc = pi_parse_options(c, argc, argv, ":hn:", longopts, usage, option, o);
    return rc ? rc : ckpt_check(c, &o->ckpt);
}

/// One timed run's inputs and output.
typedef struct {
    const midpoint_opts *o;
    const pi_layout *L;
    fx_u128 total; ///< exact sum of t_i * 2^51 over all workers
} midpoint_job;

/// This rank's exact sum over the steps [lo, hi).
static fx_u128 span(const void *arg, int64_t lo, int64_t hi)
{
    const midpoint_job *job = arg;
    return midpoint_span_rank(job->o->kernel, job->o->steps, lo, hi, job->L->rank,
                              job->L->ranks, job->L->threads);
}

static void compute(void *arg)
{
    midpoint_job *job = arg;
    job->total = par_sum_u128(span(job, 0, job->o->steps));
}

static int run(const void *vopts, const pi_common *c, const pi_layout *L, pi_summary *s)
{
    const midpoint_opts *o = vopts;
    midpoint_job job = {.o = o, .L = L};
    double median;
    const double trunc = midpoint_truncation(o->steps);
    const double rounding = midpoint_rounding_bound();

    ckpt_result ck = {.computed = o->steps};

    *s = (pi_summary){.method = "midpoint", .n = o->steps, .unit = "steps"};
    if (o->ckpt.path[0]) {
        const ckpt_run_id id = {"midpoint", o->steps, 0, "none", o->kernel_name,
                                (fx_u128)1 << 53, 0, NULL, 0};
        const int rc = ckpt_run(&o->ckpt, &id, c, span, &job, &ck);
        if (rc)
            return rc;
        job.total = ck.total;
        s->seconds = median = ck.seconds;
    } else {
        pi_time(c, compute, &job, &s->seconds, &median);
    }
    s->pi = midpoint_pi(job.total, o->steps);
    s->abs_error = pi_abs_error(s->pi);
    s->error_bound = (trunc + rounding) * pi_check_scale();
    s->rate = (double)ck.computed / s->seconds;
    s->pass = s->abs_error <= s->error_bound;
    if (!c->printer || c->quiet)
        return !s->pass;
    if (c->json) {
        json_out j;
        pi_json_begin(&j, c, L, s, median);
        json_str(&j, "kernel", o->kernel_name);
        json_num(&j, "truncation_error", trunc);
        json_num(&j, "rounding_bound", rounding);
        if (o->ckpt.path[0])
            ckpt_json(&j, &o->ckpt, &ck);
        json_build(&j);
        json_end(&j);
    } else {
        printf("pi midpoint    n = %lld steps, %s kernel\n", (long long)o->steps,
               o->kernel_name);
        printf("pi             %.16f\n", s->pi);
        printf("|pi - true pi| %.3e\n", s->abs_error);
        printf("truncation     %.3e (midpoint rule, h^2/12, h = 1/n)\n", trunc);
        printf("rounding bound %.3e (17u: terms to 14u, summed exactly, rounded once)\n",
               rounding);
        pi_print_common(c, L, s, median);
        if (o->ckpt.path[0])
            ckpt_print(&o->ckpt, &ck, o->steps);
    }
    ckpt_finish(&o->ckpt, &ck, c);
    if (!s->pass)
        fprintf(stderr, "%s: self-check FAILED: |error| %.3e > bound %.3e\n", c->prog,
                s->abs_error, s->error_bound);
    return !s->pass;
}

const pi_method pi_midpoint_method = {
    .name = "midpoint",
    .summary = "midpoint rule for the integral of 4/(1+x^2) on [0,1] (partialPi)",
    .opts_size = sizeof(midpoint_opts),
    .parse = parse,
    .run = run,
};
