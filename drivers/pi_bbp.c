/* pi_bbp.c - `pi bbp`: BBP hex digits at any position, or exact decimal digits, split like partialPi. */
#include <errno.h>
#include <math.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bbp.h"
#include "cli.h"
#include "outfile.h"
#include "par.h"
#include "pi.h"

enum { DEFAULT_DIGITS = 1000, MAX_HEX_DIGITS = 24 };
#define MAX_DIGITS INT64_C(10000000)

/// Options of `pi bbp`.
typedef struct {
    int64_t hex_at;         ///< D >= 1: hex digits from position D; 0: decimal mode
    int hex_digits;         ///< K hex digits wanted
    int64_t digits;         ///< N decimal digits (decimal mode)
    const char *out;        ///< -o FILE, or NULL for stdout
    bbp_hex_kernel kernel;  ///< hex kernel, fast or ref
    const char *kernel_name;
} bbp_opts;

static void usage(void)
{
    printf("usage: pi bbp --hex-at D [--hex-digits K] [--kernel fast|ref]\n"
           "       pi bbp [--digits N] [-o FILE]\n"
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
           "  --digits N      pi to N decimal digits, truncated, exact (GMP fixed point;\n"
           "                  default %d, at most 1e7: the method is O(N^2))\n"
           "  -o FILE         write \"3.\" + N digits + newline to FILE (atomically);\n"
           "                  without it the same line goes to stdout, the report to stderr\n"
           "  --threads T     OpenMP threads per rank (default OMP_NUM_THREADS, else 1)\n"
           "  --repeat R      time R runs, report best and median (default 1)\n"
           "  --json          one JSON object on stdout: digits, SHA-256 of the output\n"
           "                  text, first and last 50 digits (or hex_at, hex, ...)\n"
           "  -h, --help      this help\n"
           "\n"
           "examples:\n"
           "  mpirun -np 4 pi bbp --hex-at 1e8\n"
           "  mpirun -np 4 pi bbp --digits 100000 -o pi.txt\n"
           "  pi bbp --digits 2000 --json\n",
           MAX_HEX_DIGITS, DEFAULT_DIGITS);
}

/// Option state while parsing: which modes were asked for.
typedef struct {
    bbp_opts *o;        ///< the options being filled
    int digits_given;   ///< --digits seen
    int hexdig_given;   ///< --hex-digits seen
    const char *kernel; ///< --kernel as given
} bbp_args;

static int option(pi_common *c, int opt, const char *arg, void *vargs)
{
    bbp_args *a = vargs;
    bbp_opts *o = a->o;
    int64_t v;
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
        if (cli_parse_count(arg, 1, MAX_DIGITS, &v) && !cli_parse_count(arg, 1, INT64_MAX, &v)) {
            /* a real number, just absurd: say what it would take */
            const double bytes = 6.0 * (double)v; /* pos, neg, work, string */
            return pi_usage_error(c, "invalid --digits '%s': too large (at most %lld; "
                                  "%s digits would need about %.0f %s of memory and "
                                  "O(N^2) time)", arg, (long long)MAX_DIGITS, arg,
                                  bytes >= 1e9 ? bytes / 1e9 : bytes / 1e6,
                                  bytes >= 1e9 ? "GB" : "MB");
        }
        a->digits_given = 1;
        return pi_parse_count(c, "--digits", arg, 1, MAX_DIGITS, &o->digits);
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

static int parse(int argc, char **argv, pi_common *c, void *vopts)
{
    static const struct option longopts[] = {{"hex-at", required_argument, 0, 'x'},
                                             {"hex-digits", required_argument, 0, 'K'},
                                             {"digits", required_argument, 0, 'd'},
                                             {"output", required_argument, 0, 'o'},
                                             {"kernel", required_argument, 0, 'k'},
                                             PI_COMMON_LONGOPTS};
    bbp_opts *o = vopts;
    bbp_args a = {o, 0, 0, "fast"};

    o->hex_digits = 14;
    o->digits = DEFAULT_DIGITS;
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
    return 0;
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
    bbp_hex_rank(job->o->kernel, job->o->hex_at - 1, job->L->rank, job->L->ranks,
                 job->L->threads, &job->total);
    par_sum_u64_array(&job->total.sums[0][0], 4 * BBP_CHUNKS);
}

static int run_hex(const bbp_opts *o, const pi_common *c, const pi_layout *L, pi_summary *s)
{
    hex_job job = {.o = o, .L = L};
    double median;
    char hex[32];
    const int64_t d = o->hex_at - 1;

    *s = (pi_summary){.method = "bbp", .n = o->hex_at, .unit = "terms"};
    pi_time(c, hex_compute, &job, &s->seconds, &median);
    const fx_u128 frac = bbp_hex_combine(&job.total);
    const fx_u128 err = bbp_hex_error_units(d);
    const int g = bbp_hex_guaranteed(frac, err, hex, o->hex_digits);
    const int shown = g < o->hex_digits ? g : o->hex_digits;
    hex[shown] = '\0';
    s->pi = NAN;
    s->abs_error = NAN;
    s->error_bound = ldexp((double)err, -120);
    s->rate = 4.0 * (double)(d + 1 + BBP_TAIL) / s->seconds;
    s->pass = shown >= 1;
    if (!c->printer || c->quiet)
        return !s->pass;
    if (c->json) {
        json_out j;
        json_begin(&j, stdout);
        pi_json_common(&j, L, s, c->repeat, median);
        json_int(&j, "hex_at", o->hex_at);
        json_str(&j, "hex", hex);
        json_int(&j, "hex_digits_requested", o->hex_digits);
        json_int(&j, "hex_digits_guaranteed", g);
        json_str(&j, "kernel", o->kernel_name);
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
    }
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
    const int fd = outfile_open(of);
    int e = fd < 0 ? errno : 0;
    if (!e)
        e = outfile_write_all(fd, text, strlen(text));
    if (!e)
        e = outfile_write_all(fd, "\n", 1);
    if (fd >= 0) {
        const int c = outfile_close(fd);
        e = e ? e : c;
    }
    if (!e)
        e = outfile_publish(of);
    outfile_discard(of);
    return e;
}

/// One timed decimal run.
typedef struct {
    const bbp_opts *o;
    const pi_layout *L;
    int64_t bits;  ///< fixed-point precision
    char *text;    ///< "3." + digits on rank 0 (NULL elsewhere or if uncertain)
} dec_job;

static void dec_compute(void *arg)
{
    dec_job *job = arg;
    mpz_t pos, neg;
    mpz_inits(pos, neg, NULL);
    free(job->text);
    job->text = NULL;
    /* more guard bits in the (never yet seen) case the error interval straddles a digit */
    for (int extra = 0; extra < 4 && !job->text; extra++) {
        const int64_t bits = bbp_decimal_bits(job->o->digits) + 64 * extra;
        mpz_set_ui(pos, 0);
        mpz_set_ui(neg, 0);
        bbp_decimal_rank(bits, job->L->rank, job->L->ranks, job->L->threads, pos, neg);
        par_sum_mpz_root(pos);
        par_sum_mpz_root(neg);
        int ok = 1;
        if (job->L->rank == 0) {
            job->text = bbp_decimal_string(pos, neg, bits, job->o->digits);
            ok = job->text != NULL;
        }
        job->bits = bits;
        if (par_bcast_int(ok))
            break;
    }
    mpz_clears(pos, neg, NULL);
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

static int run_decimal(const bbp_opts *o, const pi_common *c, const pi_layout *L,
                       pi_summary *s)
{
    dec_job job = {.o = o, .L = L};
    outfile of;
    double median;
    int rc = 0;

    *s = (pi_summary){.method = "bbp", .n = o->digits, .unit = "digits"};
    /* a bad output path is a usage error, found before the work, on every rank */
    int e = o->out ? prepare_output(o->out, L, &of) : 0;
    if (e)
        return pi_usage_error(c, "cannot write -o '%s': %s", o->out, strerror(e));

    pi_time(c, dec_compute, &job, &s->seconds, &median);
    s->rate = (double)o->digits / s->seconds;
    if (L->rank != 0) {
        free(job.text);
        rc = par_bcast_int(0);
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
    /* self-check: the digits agree with the double nearest pi as far as both go */
    char ref[32], head[32];
    snprintf(ref, sizeof ref, "%.15f", M_PI);                    /* 3.141592653589793 */
    snprintf(head, sizeof head, "%.*s", 19, job.text);
    const size_t cmp = strlen(job.text) < strlen(ref) ? strlen(job.text) : strlen(ref);
    s->pi = strtod(head, NULL);
    s->abs_error = pi_abs_error(s->pi);
    s->error_bound = (pow(10.0, -(double)(o->digits < 17 ? o->digits : 17)) + 0x1p-52) *
                     pi_check_scale();
    s->pass = strncmp(job.text, ref, cmp - 1) == 0 && s->abs_error <= s->error_bound;

    /* a failed self-check publishes nothing: the previous file stays as it was */
    if (o->out && !s->pass)
        outfile_discard(&of);
    else if (o->out && (e = write_output(&of, job.text)) != 0) {
        fprintf(stderr, "%s: cannot write %s: %s\n", c->prog, o->out, strerror(e));
        rc = 1;
    }
    if (!c->quiet && !rc) {
        char sha[65];
        const size_t len = strlen(job.text), tail = len - 2 < 50 ? len - 2 : 50;
        sha256_hex(job.text, sha);
        if (c->json) {
            char first[64], last[64];
            json_out j;
            snprintf(first, sizeof first, "%.*s", (int)tail, job.text + 2);
            snprintf(last, sizeof last, "%s", job.text + len - tail);
            json_begin(&j, stdout);
            pi_json_common(&j, L, s, c->repeat, median);
            json_int(&j, "digits", o->digits);
            json_str(&j, "sha256", sha);
            json_str(&j, "first_50", first);
            json_str(&j, "last_50", last);
            json_int(&j, "bits", job.bits);
            if (o->out)
                json_str(&j, "output", o->out);
            json_build(&j);
            json_end(&j);
        } else {
            FILE *rep = o->out ? stdout : stderr;  /* stdout carries the digits alone */
            if (!o->out && report_write_stdout(job.text, 1) != 0) {
                free(job.text);
                return par_bcast_int(1);        /* said by pi's main, with the reason */
            }
            fprintf(rep, "pi bbp         %lld decimal digits (truncated), %lld-bit fixed point%s%s\n",
                    (long long)o->digits, (long long)job.bits, o->out ? ", written to " : "",
                    o->out ? o->out : "");
            fprintf(rep, "sha256         %s (of the output line)\n", sha);
            fprintf(rep, "last digits    ...%s\n", job.text + len - tail);
            if (rep == stdout) {
                pi_print_common(c, L, s, median);
            } else {
                fprintf(rep, "wall time      %.6f s, %.4g digits/s on %d x %d workers\n",
                        s->seconds, s->rate, L->ranks, L->threads);
                fprintf(rep, "check          %s\n", s->pass ? "pass" : "FAIL");
            }
        }
    }
    if (!s->pass)
        fprintf(stderr, "%s: self-check FAILED: digits disagree with %s\n", c->prog, ref);
    free(job.text);
    return par_bcast_int(rc ? rc : !s->pass);
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
