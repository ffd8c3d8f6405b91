/* bbp.c - `pi bbp`: BBP hex digits at any position, or exact decimal digits, split like partialPi. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bbp.h"
#include "ckpt.h"
#include "cli.h"
#include "decomp.h"
#include "digits.h"
#include "par.h"
#include "pi.h"

enum { DEFAULT_DIGITS = 1000, MAX_HEX_DIGITS = 24 };
#define MAX_DIRECT_DIGITS INT64_C(10000000)
#define MAX_DIGITS BBP_SPLIT_MAX_DIGITS

/// How decimal digits are summed.
typedef enum { ALG_SPLIT, ALG_DIRECT } bbp_algorithm;

/// Options of `pi bbp`.
typedef struct {
    int64_t hex_at;         ///< D >= 1: hex digits from position D; 0: decimal mode
    int hex_digits;         ///< K hex digits wanted
    int64_t digits;         ///< N decimal digits (decimal mode)
    const char *digits_arg; ///< --digits as given (for messages)
    const char *out;        ///< -o FILE, or NULL for stdout
    bbp_algorithm algorithm; ///< decimal algorithm
    ckpt_opts ckpt;         ///< --checkpoint and friends (hex mode)
    int progress;           ///< --progress: progress lines on stderr even when not a terminal
    bbp_hex_kernel kernel;  ///< hex kernel, fast or ref
    const char *kernel_name;
} bbp_opts;

static void usage(void)
{
    printf("usage: pi bbp --hex-at D [--hex-digits K] [--kernel fast|ref] [--checkpoint FILE]\n"
           "       pi bbp [--digits N] [--algorithm split|direct] [--progress] [-o FILE]\n"
           "       (both with [--threads T] [--repeat R] [--json])\n"
           "\n"
           "The Bailey-Borwein-Plouffe series, its terms k split over ranks x threads as\n"
           "partialPi splits steps (worker w of W takes k = w, w+W, ...); every share is\n"
           "an exact integer, so the output is the same for every layout.\n"
           "\n"
           "  --hex-at D      hex digits of pi from position D (1 = first digit after\n"
           "                  the point: 243F6A88...), by digit extraction with exact\n"
           "                  modular arithmetic, 1 <= D <= 1e13\n"
           "  --hex-digits K  how many (default 14, at most %d); only digits the error\n"
           "                  bound guarantees are printed\n"
           "  --kernel K      fast (default) or ref (128-bit scalar reference), same digits\n"
           "  --digits N      pi to N decimal digits, truncated, exact (default %d)\n"
           "  --algorithm A   split (default): binary splitting over blocks of terms,\n"
           "                  block b on worker b mod W, each block's exact rational\n"
           "                  turned into P-bit fixed point once; quasi-linear time.\n"
           "                  Measured here on 2 ranks: 1e6 digits 1.0 s, 1e7 17 s\n"
           "                  (73 MiB a rank), 1e8 5 min (470 MiB a rank)\n"
           "                  direct: the workshop's term-by-term sum, O(N^2), N <= 1e7\n"
           DIGITS_HELP_OUTPUT
           "                  text, first and last 50 digits (or hex_at, hex, ...)\n"
           "  -h, --help      this help\n"
           "with --hex-at (long runs: checkpoint and resume, on any layout):\n",
           MAX_HEX_DIGITS, DEFAULT_DIGITS);
    ckpt_usage();
    printf("\n"
           "examples:\n"
           "  mpirun -np 4 pi bbp --hex-at 1e8\n"
           "  mpirun -np 4 pi bbp --hex-at 1e12 --checkpoint hex.ckpt   # rerun: resumes\n"
           "  mpirun -np 4 pi bbp --digits 100000 -o pi.txt\n"
           "  pi bbp --digits 2000 --json\n"
           "\n"
           "Before a split run rank 0 estimates the peak memory of a rank and refuses\n"
           "(exit 2) when the ranks on its host would not fit in the memory available\n"
           "(MemAvailable, the cgroup limit); PI_MEMORY_LIMIT=SIZE (bytes, or with K, M,\n"
           "G, T) sets what is taken as available instead.\n");
}

/// Option state while parsing: which modes were asked for.
typedef struct {
    bbp_opts *o;        ///< the options being filled
    int digits_given;   ///< --digits seen
    int hexdig_given;   ///< --hex-digits seen
    const char *kernel; ///< --kernel as given
    const char *algorithm; ///< --algorithm as given, or NULL
} bbp_args;

static int option(pi_common *c, int opt, const char *arg, void *vargs)
{
    bbp_args *a = vargs;
    bbp_opts *o = a->o;
    int64_t v;
    const int rc = ckpt_option(c, opt, arg, &o->ckpt);
    if (rc != 1)
        return rc;
    switch (opt) {
    case 'x':
        return pi_parse_count(c, "--hex-at", arg, 1, BBP_MAX_HEX_AT, &o->hex_at);
    case 'K':
        if (pi_parse_count(c, "--hex-digits", arg, 1, MAX_HEX_DIGITS, &v))
            return 2;
        o->hex_digits = (int)v;
        a->hexdig_given = 1;
        return 0;
    case 'd':
        if (cli_parse_count(arg, 1, MAX_DIGITS, &v) && !cli_parse_count(arg, 1, INT64_MAX, &v))
            return pi_usage_error(c, "invalid --digits '%s': too large (at most %lld)", arg,
                                  (long long)MAX_DIGITS);
        a->digits_given = 1;
        o->digits_arg = arg;
        return pi_parse_count(c, "--digits", arg, 1, MAX_DIGITS, &o->digits);
    case 'A':
        a->algorithm = arg;
        return 0;
    case 'P':
        o->progress = 1;
        return 0;
    case 'o':
        if (!*arg)
            return pi_usage_error(c, "invalid -o '': empty file name");
        o->out = arg;
        return 0;
    default: /* 'k' */
        a->kernel = arg;
        return 0;
    }
}

/// --algorithm: a decimal-mode option; direct keeps its O(N^2) cap.
static int parse_algorithm(const pi_common *c, const bbp_args *a)
{
    bbp_opts *o = a->o;
    if (o->hex_at && o->progress)
        return pi_usage_error(c, "--progress applies to decimal digits, not --hex-at '%lld'",
                              (long long)o->hex_at);
    if (!a->algorithm)
        return 0;
    if (!strcmp(a->algorithm, "split"))
        o->algorithm = ALG_SPLIT;
    else if (!strcmp(a->algorithm, "direct"))
        o->algorithm = ALG_DIRECT;
    else
        return pi_usage_error(c, "invalid --algorithm '%s': choose split or direct", a->algorithm);
    if (o->hex_at)
        return pi_usage_error(c, "--algorithm '%s' applies to decimal digits, not --hex-at",
                              a->algorithm);
    if (o->algorithm == ALG_DIRECT && o->digits > MAX_DIRECT_DIGITS)
        return pi_usage_error(c, "invalid --digits '%s' with --algorithm direct: at most %lld "
                              "(the direct sum is O(N^2); split has no such cap)",
                              o->digits_arg, (long long)MAX_DIRECT_DIGITS);
    return 0;
}

static int parse(int argc, char **argv, pi_common *c, void *vopts)
{
    static const struct option longopts[] = {{"hex-at", required_argument, 0, 'x'},
                                             {"hex-digits", required_argument, 0, 'K'},
                                             {"digits", required_argument, 0, 'd'},
                                             {"output", required_argument, 0, 'o'},
                                             {"kernel", required_argument, 0, 'k'},
                                             {"algorithm", required_argument, 0, 'A'},
                                             {"progress", no_argument, 0, 'P'},
                                             CKPT_LONGOPTS, PI_COMMON_LONGOPTS};
    bbp_opts *o = vopts;
    bbp_args a = {o, 0, 0, "fast", NULL};

    o->hex_digits = 14;
    o->digits = DEFAULT_DIGITS;
    ckpt_defaults(&o->ckpt);
    const int rc = pi_parse_options(c, argc, argv, ":ho:", longopts, usage, option, &a);
    if (rc)
        return rc;
    const int digits_given = a.digits_given, hexdig_given = a.hexdig_given;
    const char *kernel = a.kernel;
    if (o->hex_at && (digits_given || o->out))
        return pi_usage_error(c, "--hex-at '%lld' and --digits/-o are different modes: "
                              "choose one", (long long)o->hex_at);
    if (!o->hex_at && hexdig_given)
        return pi_usage_error(c, "--hex-digits '%d' needs --hex-at", o->hex_digits);
    if (!strcmp(kernel, "fast"))
        o->kernel = bbp_hex_fast;
    else if (!strcmp(kernel, "ref"))
        o->kernel = bbp_hex_ref;
    else
        return pi_usage_error(c, "invalid --kernel '%s': choose fast or ref", kernel);
    if (!o->hex_at && strcmp(kernel, "fast"))
        return pi_usage_error(c, "--kernel '%s' applies to --hex-at only", kernel);
    o->kernel_name = kernel;
    if (!o->hex_at && o->ckpt.path[0])
        return pi_usage_error(c, "--checkpoint '%s' applies to --hex-at: decimal digits are "
                              "not checkpointed", o->ckpt.path);
    const int rc2 = parse_algorithm(c, &a);
    return rc2 ? rc2 : ckpt_check(c, &o->ckpt);
}

/* ---- hex mode ---------------------------------------------------------- */

/// One timed hex run.
typedef struct {
    const bbp_opts *o;
    const pi_layout *L;
    bbp_hex_sums total; ///< chunk sums over all workers
} hex_job;

static void hex_compute(void *arg)
{
    hex_job *job = arg;
    const int64_t d = job->o->hex_at - 1;
    bbp_hex_rank(job->o->kernel, d, 0, bbp_hex_terms(d), job->L->rank, job->L->ranks,
                 job->L->threads, &job->total);
    par_sum_u64_array(&job->total.sums[0][0], 4 * BBP_CHUNKS);
}

/// This rank's share of frac(16^d pi) over the terms [lo, hi), as a 120-bit fraction: the
/// combination is linear mod 2^120, so spans and ranks add up mod 2^120 (checkpointed runs).
static fx_u128 hex_span(const void *arg, int64_t lo, int64_t hi)
{
    const hex_job *job = arg;
    bbp_hex_sums sums;
    bbp_hex_rank(job->o->kernel, job->o->hex_at - 1, lo, hi, job->L->rank, job->L->ranks,
                 job->L->threads, &sums);
    return bbp_hex_combine(&sums);
}

/// The fraction, computed at once or through --checkpoint (0, or ckpt_run's status).
static int hex_fraction(const bbp_opts *o, const pi_common *c, hex_job *job, pi_summary *s,
                        double *median, ckpt_result *ck, fx_u128 *frac)
{
    const int64_t d = o->hex_at - 1;
    ck->computed = bbp_hex_terms(d);
    if (!o->ckpt.path[0]) {
        pi_time(c, hex_compute, job, &s->seconds, median);
        *frac = bbp_hex_combine(&job->total);
        return 0;
    }
    const ckpt_run_id id = {"bbp-hex", bbp_hex_terms(d), 0, "none", o->kernel_name, 0, 120,
                            "--hex-at", bbp_hex_terms(d) - o->hex_at};
    const int rc = ckpt_run(&o->ckpt, &id, c, hex_span, job, ck);
    *frac = ck->total;
    s->seconds = *median = ck->seconds;
    return rc;
}

static int run_hex(const bbp_opts *o, const pi_common *c, const pi_layout *L, pi_summary *s)
{
    hex_job job = {.o = o, .L = L};
    double median;
    char hex[32];
    const int64_t d = o->hex_at - 1;
    ckpt_result ck;
    fx_u128 frac;

    *s = (pi_summary){.method = "bbp", .n = o->hex_at, .unit = "terms"};
    const int rc = hex_fraction(o, c, &job, s, &median, &ck, &frac);
    if (rc)
        return rc;
    const fx_u128 err = bbp_hex_error_units(d);
    const int g = bbp_hex_guaranteed(frac, err, hex, o->hex_digits);
    const int shown = g < o->hex_digits ? g : o->hex_digits;
    hex[shown] = '\0';
    s->pi = NAN;
    s->abs_error = NAN;
    s->error_bound = ldexp((double)err, -120);
    s->rate = 4.0 * (double)ck.computed / s->seconds;
    s->pass = shown >= 1;
    if (!c->printer || c->quiet)
        return !s->pass;
    if (c->json) {
        json_out j;
        pi_json_begin(&j, c, L, s, median);
        json_int(&j, "hex_at", o->hex_at);
        json_str(&j, "hex", hex);
        json_int(&j, "hex_digits_requested", o->hex_digits);
        json_int(&j, "hex_digits_guaranteed", g);
        json_str(&j, "kernel", o->kernel_name);
        if (o->ckpt.path[0])
            ckpt_json(&j, &o->ckpt, &ck);
        json_build(&j);
        json_end(&j);
    } else {
        printf("pi bbp         hex digits from position %lld, %s kernel\n",
               (long long)o->hex_at, o->kernel_name);
        printf("hex            %s%s\n", hex,
               shown < o->hex_digits ? "  (the rest not guaranteed: not printed)" : "");
        printf("guaranteed     %d hex digits (error of frac(16^%lld pi) < %.2e)\n", g,
               (long long)d, s->error_bound);
        pi_print_common(c, L, s, median);
        if (o->ckpt.path[0])
            ckpt_print(&o->ckpt, &ck, bbp_hex_terms(d));
    }
    ckpt_finish(&o->ckpt, &ck, c);
    if (!s->pass)
        fprintf(stderr, "%s: no hex digit is guaranteed at position %lld\n", c->prog,
                (long long)o->hex_at);
    return !s->pass;
}

/* ---- decimal mode ------------------------------------------------------ */

/// Work weight of a block: its share needs P - 4a bits, and it costs about that.
static double block_weight(const void *plan, int64_t b)
{
    const bbp_split_plan *pl = plan;
    return (double)(pl->bits - 4 * pl->start[b]) + 64.0;
}

/// One timed decimal run.
typedef struct {
    const bbp_opts *o;
    const pi_layout *L;
    int show_progress; ///< rank 0 shows progress
    int64_t bits;      ///< fixed-point precision
    int64_t blocks;    ///< blocks of the split (terms for direct)
    char *text;        ///< "3." + digits on rank 0 (NULL elsewhere or if uncertain)
    int failed;        ///< 1 on every rank once a run failed (said by rank 0)
} dec_job;

/// Direct sum at P = bits: the total on rank 0 and the string, NULL if uncertain.
static char *direct_digits(dec_job *job, int64_t bits)
{
    const pi_layout *L = job->L;
    char *text = NULL;
    mpz_t pos, neg;
    mpz_inits(pos, neg, NULL);
    bbp_decimal_rank(bits, L->rank, L->ranks, L->threads, pos, neg);
    job->failed |= pi_sum_mpz_root(pos) | pi_sum_mpz_root(neg);
    if (L->rank == 0 && !job->failed)
        text = bbp_decimal_string(pos, neg, bits, job->o->digits);
    job->blocks = bits / 4 + 2;
    mpz_clears(pos, neg, NULL);
    return text;
}

/// Blocked binary splitting with `extra` guard bits; the string on rank 0, NULL if uncertain.
static char *split_digits(dec_job *job, int64_t extra)
{
    const pi_layout *L = job->L;
    bbp_split_plan plan;
    digits_progress pr;
    char *text = NULL;
    mpz_t acc;
    const int no_plan = bbp_split_plan_make(job->o->digits, extra, &plan) != 0;
    if (par_fail(no_plan, "pi bbp: out of memory for the block plan")) {
        if (!no_plan)
            bbp_split_plan_free(&plan);
        job->failed = 1;
        return NULL;
    }
    if (job->show_progress)
        digits_progress_init(&pr, "bbp", plan.blocks, block_weight, &plan, L);
    mpz_init(acc);
    bbp_split_rank(&plan, L->rank, L->ranks, L->threads, acc,
                   job->show_progress ? digits_progress_block : NULL, &pr);
    if (job->show_progress)
        digits_progress_end(&pr);
    job->failed |= pi_sum_mpz_root(acc);
    /* every block floors once and the tail after the last term is below one unit */
    if (L->rank == 0 && !job->failed)
        text = bbp_digits_string(acc, 0, (uint64_t)plan.blocks + 1, plan.bits, job->o->digits,
                                 L->threads);
    job->bits = plan.bits;
    job->blocks = plan.blocks;
    mpz_clear(acc);
    bbp_split_plan_free(&plan);
    return text;
}

/// One try with 64 x extra more guard bits: the text on rank 0, or NULL.
static char *dec_attempt(void *arg, int extra)
{
    dec_job *job = arg;
    if (job->o->algorithm != ALG_DIRECT)
        return split_digits(job, 64 * extra);
    job->bits = bbp_decimal_bits(job->o->digits) + 64 * extra;
    return direct_digits(job, job->bits);
}

static void dec_compute(void *arg)
{
    dec_job *job = arg;
    free(job->text);
    job->text = digits_with_guard(dec_attempt, job, &job->failed, job->L);
}

/// Peak bytes of one rank for N digits at P bits on T threads: each thread's blocks hold a few
/// P-bit integers, rank 0 turns P bits into N digits.  Measured peaks (2x1: 20 MB at 1e6, 77 MB
/// at 1e7, 490 MB at 1e8; 1x2: 102 MB at 1e7) are 10-20% below this.
static double split_memory_estimate(int64_t digits, int threads)
{
    const double P = (double)bbp_decimal_bits(digits) / 8;   /* bytes of one P-bit integer */
    return (8.0 + 4.0 * threads) * P + (double)digits + 32e6;
}

static void dec_describe(const void *vjob, char *buf, size_t len)
{
    const dec_job *job = vjob;
    snprintf(buf, len, "%s, %lld block(s), %lld-bit fixed point",
             job->o->algorithm == ALG_SPLIT ? "binary splitting" : "direct sum",
             (long long)job->blocks, (long long)job->bits);
}

static void dec_json(const void *vjob, json_out *j)
{
    const dec_job *job = vjob;
    json_int(j, "bits", job->bits);
    json_str(j, "algorithm", job->o->algorithm == ALG_SPLIT ? "split" : "direct");
    json_int(j, "blocks", job->blocks);
}

static int run_decimal(const bbp_opts *o, const pi_common *c, const pi_layout *L,
                       pi_summary *s)
{
    dec_job job = {.o = o, .L = L};
    job.show_progress = L->rank == 0 && !c->quiet && o->algorithm == ALG_SPLIT &&
                        (o->progress || isatty(2));
    digits_spec d = {.name = "bbp", .digits = o->digits, .digits_arg = o->digits_arg,
                     .out = o->out, .compute = dec_compute, .describe = dec_describe,
                     .json_keys = dec_json, .text = &job.text, .job = &job,
                     .failed = &job.failed};
    d.memory_need = o->algorithm == ALG_SPLIT ? split_memory_estimate(o->digits, L->threads) : 0;
    return digits_run(&d, c, L, s);
}

static int run(const void *vopts, const pi_common *c, const pi_layout *L, pi_summary *s)
{
    const bbp_opts *o = vopts;
    return o->hex_at ? run_hex(o, c, L, s) : run_decimal(o, c, L, s);
}

const pi_method pi_bbp_method = {
    .name = "bbp",
    .summary = "Bailey-Borwein-Plouffe series: hex digits at any position, or N decimals",
    .opts_size = sizeof(bbp_opts),
    .parse = parse,
    .run = run,
};
