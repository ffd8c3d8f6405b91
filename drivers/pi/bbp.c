/* bbp.c - `pi bbp`: BBP hex digits at any position, or exact decimal digits, split like partialPi. */
#include <errno.h>
#include <math.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bbp.h"
#include "ckpt.h"
#include "cli.h"
#include "decomp.h"
#include "memlimit.h"
#include "outfile.h"
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
           "  --progress      blocks done, elapsed and time left on stderr (shown anyway\n"
           "                  when stderr is a terminal)\n"
           "  -o FILE         write \"3.\" + N digits + newline to FILE (atomically);\n"
           "                  without it the same line goes to stdout, the report to stderr\n"
           "  --threads T     OpenMP threads per rank (default OMP_NUM_THREADS, else 1)\n"
           "  --repeat R      time R runs, report best and median (default 1)\n"
           "  --json          one JSON object on stdout: digits, SHA-256 of the output\n"
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
    ckpt_finish(&o->ckpt);
    if (!s->pass)
        fprintf(stderr, "%s: no hex digit is guaranteed at position %lld\n", c->prog,
                (long long)o->hex_at);
    return !s->pass;
}

/* ---- decimal mode ------------------------------------------------------ */

/// Rank 0: decide how -o is written and create its temporary; every rank learns the
/// temporary's name, so whichever rank survives a signal removes it.  0 or errno (every rank).
static int prepare_output(const char *path, const pi_layout *L, outfile *of)
{
    int e = 0;
    memset(of, 0, sizeof *of);
    if (L->rank == 0)
        e = outfile_prepare(path, of);
    if ((e = par_bcast_int(e)) != 0)
        return e;
    par_bcast_text(of->tmp, sizeof of->tmp);
    if (L->rank != 0 && of->tmp[0])
        cleanup_add(of->tmp);
    return 0;
}

/// Rank 0: write "3.ddd\n" to the output, sync it and publish it; 0 ok, else errno.
static int write_output(outfile *of, const char *text)
{
    const struct iovec line[2] = {{(void *)text, strlen(text)}, {"\n", 1}};
    return outfile_store(of, line, 2);
}

/// Progress of rank 0's own blocks, shown on stderr (rank 0 only; other ranks pass NULL).
typedef struct {
    const bbp_split_plan *plan;
    int ranks;          ///< to say whose blocks these are
    int tty;            ///< stderr is a terminal: one line redrawn in place
    double t0, last;    ///< start, last line printed
    double done_w, total_w; ///< work of rank 0's blocks done and in all (cost ~ bits needed)
    int64_t done, mine; ///< rank 0's blocks done and in all
} bbp_progress;

/// Work weight of a block: its share needs P - 4a bits, and it costs about that.
static double block_weight(const bbp_split_plan *pl, int64_t b)
{
    return (double)(pl->bits - 4 * pl->start[b]) + 64.0;
}

static void progress_init(bbp_progress *pr, const bbp_split_plan *pl, const pi_layout *L)
{
    const int64_t W = (int64_t)L->ranks * L->threads;
    *pr = (bbp_progress){.plan = pl, .ranks = L->ranks, .tty = isatty(2), .t0 = par_wtime()};
    pr->last = pr->t0;
    for (int t = 0; t < L->threads; t++)
        for (int64_t b = decomp_worker(0, L->threads, t); b < pl->blocks; b += W) {
            pr->total_w += block_weight(pl, b);
            pr->mine++;
        }
}

static void progress_line(bbp_progress *pr, double now, int final)
{
    const double el = now - pr->t0, f = pr->total_w > 0 ? pr->done_w / pr->total_w : 1;
    char left[48] = "";
    if (!final && f > 0.02)
        snprintf(left, sizeof left, ", ~%.0f s left", el * (1 - f) / f);
    if (pr->ranks > 1)
        fprintf(stderr, "%spi bbp: blocks %lld/%lld of rank 0 (%lld in all), %.1f s elapsed%s%s",
                pr->tty ? "\r" : "", (long long)pr->done, (long long)pr->mine,
                (long long)pr->plan->blocks, el, left, pr->tty && !final ? "   " : "\n");
    else
        fprintf(stderr, "%spi bbp: blocks %lld/%lld, %.1f s elapsed%s%s", pr->tty ? "\r" : "",
                (long long)pr->done, (long long)pr->mine, el, left,
                pr->tty && !final ? "   " : "\n");
    fflush(stderr);
    pr->last = now;
}

/// After each block (any thread of rank 0): a line every 0.5 s on a terminal, else every 10 s.
static void progress_block(void *ctx, int64_t b)
{
    bbp_progress *pr = ctx;
#pragma omp critical(bbp_progress)
    {
        pr->done++;
        pr->done_w += block_weight(pr->plan, b);
        const double now = par_wtime();
        if (now - pr->last >= (pr->tty ? 0.5 : 10.0))
            progress_line(pr, now, 0);
    }
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
    bbp_progress pr;
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
        progress_init(&pr, &plan, L);
    mpz_init(acc);
    bbp_split_rank(&plan, L->rank, L->ranks, L->threads, acc,
                   job->show_progress ? progress_block : NULL, &pr);
    if (job->show_progress)
        progress_line(&pr, par_wtime(), 1);
    job->failed |= pi_sum_mpz_root(acc);
    /* every block floors once and the tail after the last term is below one unit */
    if (L->rank == 0 && !job->failed)
        text = bbp_digits_string(acc, 0, (uint64_t)plan.blocks + 1, plan.bits, job->o->digits);
    job->bits = plan.bits;
    job->blocks = plan.blocks;
    mpz_clear(acc);
    bbp_split_plan_free(&plan);
    return text;
}

static void dec_compute(void *arg)
{
    dec_job *job = arg;
    free(job->text);
    job->text = NULL;
    /* more guard bits in the (never yet seen) case the error interval straddles a digit */
    for (int extra = 0; extra < 4 && !job->failed; extra++) {
        if (job->o->algorithm == ALG_DIRECT) {
            job->bits = bbp_decimal_bits(job->o->digits) + 64 * extra;
            job->text = direct_digits(job, job->bits);
        } else {
            job->text = split_digits(job, 64 * extra);
        }
        if (job->failed || par_bcast_int(job->L->rank != 0 || job->text != NULL))
            break;
    }
}

/// Peak bytes of one rank for N digits at P bits on T threads: each thread's blocks hold a few
/// P-bit integers, rank 0 turns P bits into N digits.  Measured peaks (2x1: 20 MB at 1e6, 77 MB
/// at 1e7, 490 MB at 1e8; 1x2: 102 MB at 1e7) are 10-20% below this.
static double split_memory_estimate(int64_t digits, int threads)
{
    const double P = (double)bbp_decimal_bits(digits) / 8;   /* bytes of one P-bit integer */
    return (8.0 + 4.0 * threads) * P + (double)digits + 32e6;
}

/// "12.3 GiB": bytes in binary units.
static const char *human_bytes(double b, char buf[32])
{
    static const char *unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int u = 0;
    while (b >= 1024 && u < 5) {
        b /= 1024;
        u++;
    }
    snprintf(buf, 32, "%.*f %s", u ? 1 : 0, b, unit[u]);
    return buf;
}

/// Rank 0 checks the estimate against the memory of its host; every rank gets the verdict.
static int check_memory(const bbp_opts *o, const pi_common *c, const pi_layout *L)
{
    int bad = 0;
    if (o->algorithm == ALG_SPLIT && L->rank == 0) {
        uint64_t avail;
        const char *from;
        const int per_host = (L->ranks + L->hosts - 1) / L->hosts;
        const double need = split_memory_estimate(o->digits, L->threads) * per_host;
        if (mem_available(&avail, &from) != 0) {
            fprintf(stderr, "%s: invalid PI_MEMORY_LIMIT '%s': give bytes, or a number "
                    "with K, M, G or T\n", c->prog, getenv("PI_MEMORY_LIMIT"));
            bad = 1;
        } else if (need > (double)avail) {
            char n1[32], n2[32];
            fprintf(stderr, "%s: --digits '%s' needs about %s of memory (%d rank(s) on this "
                    "host), more than the %s available (%s)\n", c->prog,
                    o->digits_arg ? o->digits_arg : "1000", human_bytes(need, n1),
                    per_host, human_bytes((double)avail, n2), from);
            bad = 1;
        }
    }
    return par_bcast_int(bad) ? 2 : 0;
}

static void sha256_hex(const char *text, char out[65])
{
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, strlen(text), (const uint8_t *)text);
    sha256_update(&ctx, 1, (const uint8_t *)"\n");
    sha256_digest(&ctx, sizeof digest, digest);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        sprintf(out + 2 * i, "%02x", digest[i]);
}

/// Self-check: the digits agree with the double nearest pi as far as both go.
static void self_check(const bbp_opts *o, const char *text, const char *ref, pi_summary *s)
{
    char head[32];
    snprintf(head, sizeof head, "%.*s", 19, text);
    const size_t cmp = strlen(text) < strlen(ref) ? strlen(text) : strlen(ref);
    s->pi = strtod(head, NULL);
    s->abs_error = pi_abs_error(s->pi);
    s->error_bound = (pow(10.0, -(double)(o->digits < 17 ? o->digits : 17)) + 0x1p-52) *
                     pi_check_scale();
    s->pass = strncmp(text, ref, cmp - 1) == 0 && s->abs_error <= s->error_bound;
}

static void json_decimal(const bbp_opts *o, const pi_common *c, const pi_layout *L,
                         const pi_summary *s, const dec_job *job, double median, double rss)
{
    char sha[65], first[64], last[64];
    const size_t len = strlen(job->text), tail = len - 2 < 50 ? len - 2 : 50;
    json_out j;
    sha256_hex(job->text, sha);
    snprintf(first, sizeof first, "%.*s", (int)tail, job->text + 2);
    snprintf(last, sizeof last, "%s", job->text + len - tail);
    pi_json_begin(&j, c, L, s, median);
    json_int(&j, "digits", o->digits);
    json_str(&j, "sha256", sha);
    json_str(&j, "first_50", first);
    json_str(&j, "last_50", last);
    json_int(&j, "bits", job->bits);
    json_str(&j, "algorithm", o->algorithm == ALG_SPLIT ? "split" : "direct");
    json_int(&j, "blocks", job->blocks);
    json_int(&j, "peak_rss_bytes", (int64_t)rss);
    if (o->out)
        json_str(&j, "output", o->out);
    json_build(&j);
    json_end(&j);
}

/// The human report: with -o on stdout, else the digits on stdout and the report on stderr.
/// 0, or 1 if stdout could not take the digits (said by pi's main).
static int print_decimal(const bbp_opts *o, const pi_common *c, const pi_layout *L,
                         const pi_summary *s, const dec_job *job, double median)
{
    char sha[65];
    const size_t len = strlen(job->text), tail = len - 2 < 50 ? len - 2 : 50;
    FILE *rep = o->out ? stdout : stderr;  /* stdout carries the digits alone */
    if (!o->out && report_write_stdout(job->text, 1) != 0)
        return 1;
    sha256_hex(job->text, sha);
    fprintf(rep, "pi bbp         %lld decimal digits (truncated), %s, %lld block(s), "
            "%lld-bit fixed point%s%s\n", (long long)o->digits,
            o->algorithm == ALG_SPLIT ? "binary splitting" : "direct sum",
            (long long)job->blocks, (long long)job->bits, o->out ? ", written to " : "",
            o->out ? o->out : "");
    fprintf(rep, "sha256         %s (of the output line)\n", sha);
    fprintf(rep, "last digits    ...%s\n", job->text + len - tail);
    if (rep == stdout) {
        pi_print_common(c, L, s, median);
    } else {
        fprintf(rep, "wall time      %.6f s, %.4g digits/s on %d x %d workers\n", s->seconds,
                s->rate, L->ranks, L->threads);
        fprintf(rep, "check          %s\n", s->pass ? "pass" : "FAIL");
    }
    return 0;
}

/// Rank 0 after the run: check, publish -o, report.  0, 1 (failed), as every rank returns.
static int finish_decimal(const bbp_opts *o, const pi_common *c, const pi_layout *L,
                          pi_summary *s, dec_job *job, outfile *of, double median, double rss)
{
    char ref[32];
    int rc = 0, e;
    snprintf(ref, sizeof ref, "%.15f", M_PI);                    /* 3.141592653589793 */
    self_check(o, job->text, ref, s);
    /* a failed self-check publishes nothing: the previous file stays as it was */
    if (o->out && !s->pass)
        outfile_discard(of);
    else if (o->out && (e = write_output(of, job->text)) != 0) {
        fprintf(stderr, "%s: cannot write %s: %s\n", c->prog, o->out, strerror(e));
        rc = 1;
    }
    if (!c->quiet && !rc) {
        if (c->json)
            json_decimal(o, c, L, s, job, median, rss);
        else
            rc = print_decimal(o, c, L, s, job, median);
    }
    if (!s->pass)
        fprintf(stderr, "%s: self-check FAILED: digits disagree with %s\n", c->prog, ref);
    return rc ? rc : !s->pass;
}

static int run_decimal(const bbp_opts *o, const pi_common *c, const pi_layout *L,
                       pi_summary *s)
{
    dec_job job = {.o = o, .L = L};
    outfile of;
    double median;
    job.show_progress = L->rank == 0 && !c->quiet && o->algorithm == ALG_SPLIT &&
                        (o->progress || isatty(2));

    *s = (pi_summary){.method = "bbp", .n = o->digits, .unit = "digits"};
    if (check_memory(o, c, L) != 0)
        return 2;
    /* a bad output path is a usage error, found before the work, on every rank */
    int e = o->out ? prepare_output(o->out, L, &of) : 0;
    if (e)
        return pi_usage_error(c, "cannot write -o '%s': %s", o->out, strerror(e));

    pi_time(c, dec_compute, &job, &s->seconds, &median);
    s->rate = (double)o->digits / s->seconds;
    const double rss = par_max_double((double)mem_peak_rss());
    if (job.failed) {                 /* said once (par_fail), the same on every rank */
        free(job.text);
        if (o->out && L->rank == 0)
            outfile_discard(&of);
        else if (o->out)
            cleanup_forget(of.tmp);
        return 1;
    }
    if (L->rank != 0) {
        free(job.text);
        const int rc = par_bcast_int(0);
        if (o->out)
            cleanup_forget(of.tmp);   /* renamed or removed by rank 0 by now */
        return rc;
    }
    if (!job.text) {
        fprintf(stderr, "%s: could not certify the last digit (error interval too wide)\n",
                c->prog);
        if (o->out)
            outfile_discard(&of);
        return par_bcast_int(1);
    }
    const int rc = finish_decimal(o, c, L, s, &job, &of, median, rss);
    free(job.text);
    return par_bcast_int(rc);
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
