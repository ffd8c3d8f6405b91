/* digits.c - what `pi bbp --digits` and `pi chudnovsky` share: -o, progress, memory refusal, check, report. */
#include <math.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decomp.h"
#include "digits.h"
#include "memlimit.h"
#include "par.h"

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

void digits_progress_init(digits_progress *pr, const char *name, int64_t blocks,
                          double (*weight)(const void *plan, int64_t b), const void *plan,
                          const pi_layout *L)
{
    const int64_t W = (int64_t)L->ranks * L->threads;
    *pr = (digits_progress){.name = name, .ranks = L->ranks, .tty = isatty(2),
                            .t0 = par_wtime(), .blocks = blocks, .weight = weight, .plan = plan};
    pr->last = pr->t0;
    for (int t = 0; t < L->threads; t++)
        for (int64_t b = decomp_worker(0, L->threads, t); b < blocks; b += W) {
            pr->total_w += weight(plan, b);
            pr->mine++;
        }
}

static void progress_line(digits_progress *pr, double now, int final)
{
    const double el = now - pr->t0, f = pr->total_w > 0 ? pr->done_w / pr->total_w : 1;
    char left[48] = "";
    if (!final && f > 0.02)
        snprintf(left, sizeof left, ", ~%.0f s left", el * (1 - f) / f);
    if (pr->ranks > 1)
        fprintf(stderr, "%spi %s: blocks %lld/%lld of rank 0 (%lld in all), %.1f s elapsed%s%s",
                pr->tty ? "\r" : "", pr->name, (long long)pr->done, (long long)pr->mine,
                (long long)pr->blocks, el, left, pr->tty && !final ? "   " : "\n");
    else
        fprintf(stderr, "%spi %s: blocks %lld/%lld, %.1f s elapsed%s%s", pr->tty ? "\r" : "",
                pr->name, (long long)pr->done, (long long)pr->mine, el, left,
                pr->tty && !final ? "   " : "\n");
    fflush(stderr);
    pr->last = now;
}

void digits_progress_block(void *ctx, int64_t b)
{
    digits_progress *pr = ctx;
#pragma omp critical(digits_progress)
    {
        pr->done++;
        pr->done_w += pr->weight(pr->plan, b);
        const double now = par_wtime();
        if (now - pr->last >= (pr->tty ? 0.5 : 10.0))
            progress_line(pr, now, 0);
    }
}

void digits_progress_end(digits_progress *pr)
{
    progress_line(pr, par_wtime(), 1);
}

const char *digits_human_bytes(double b, char buf[32])
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
static int check_memory(const digits_spec *d, const pi_common *c, const pi_layout *L)
{
    int bad = 0;
    if (d->memory_need > 0 && L->rank == 0) {
        uint64_t avail;
        const char *from;
        const int per_host = (L->ranks + L->hosts - 1) / L->hosts;
        const double need = d->memory_need * per_host;
        if (mem_available(&avail, &from) != 0) {
            fprintf(stderr, "%s: invalid PI_MEMORY_LIMIT '%s': give bytes, or a number "
                    "with K, M, G or T\n", c->prog, getenv("PI_MEMORY_LIMIT"));
            bad = 1;
        } else if (need > (double)avail) {
            char n1[32], n2[32];
            fprintf(stderr, "%s: --digits '%s' needs about %s of memory (%d rank(s) on this "
                    "host), more than the %s available (%s)\n", c->prog,
                    d->digits_arg ? d->digits_arg : "1000", digits_human_bytes(need, n1),
                    per_host, digits_human_bytes((double)avail, n2), from);
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
static void self_check(int64_t digits, const char *text, const char *ref, pi_summary *s)
{
    char head[32];
    snprintf(head, sizeof head, "%.*s", 19, text);
    const size_t cmp = strlen(text) < strlen(ref) ? strlen(text) : strlen(ref);
    s->pi = strtod(head, NULL);
    s->abs_error = pi_abs_error(s->pi);
    s->error_bound = (pow(10.0, -(double)(digits < 17 ? digits : 17)) + 0x1p-52) *
                     pi_check_scale();
    s->pass = strncmp(text, ref, cmp - 1) == 0 && s->abs_error <= s->error_bound;
}

static void json_decimal(const digits_spec *d, const pi_common *c, const pi_layout *L,
                         const pi_summary *s, double median, double rss)
{
    const char *text = *d->text;
    char sha[65], first[64], last[64];
    const size_t len = strlen(text), tail = len - 2 < 50 ? len - 2 : 50;
    json_out j;
    sha256_hex(text, sha);
    snprintf(first, sizeof first, "%.*s", (int)tail, text + 2);
    snprintf(last, sizeof last, "%s", text + len - tail);
    pi_json_begin(&j, c, L, s, median);
    json_int(&j, "digits", d->digits);
    json_str(&j, "sha256", sha);
    json_str(&j, "first_50", first);
    json_str(&j, "last_50", last);
    d->json_keys(d->job, &j);
    json_int(&j, "peak_rss_bytes", (int64_t)rss);
    if (d->out)
        json_str(&j, "output", d->out);
    json_build(&j);
    json_end(&j);
}

/// The human report: with -o on stdout, else the digits on stdout and the report on stderr.
/// 0, or 1 if stdout could not take the digits (said by pi's main).
static int print_decimal(const digits_spec *d, const pi_common *c, const pi_layout *L,
                         const pi_summary *s, double median)
{
    const char *text = *d->text;
    char sha[65], what[160];
    const size_t len = strlen(text), tail = len - 2 < 50 ? len - 2 : 50;
    FILE *rep = d->out ? stdout : stderr;  /* stdout carries the digits alone */
    if (!d->out && report_write_stdout(text, 1) != 0)
        return 1;
    sha256_hex(text, sha);
    d->describe(d->job, what, sizeof what);
    fprintf(rep, "pi %-11s %lld decimal digits (truncated), %s%s%s\n", d->name,
            (long long)d->digits, what, d->out ? ", written to " : "", d->out ? d->out : "");
    fprintf(rep, "sha256         %s (of the output line)\n", sha);
    fprintf(rep, "last digits    ...%s\n", text + len - tail);
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
static int finish_decimal(const digits_spec *d, const pi_common *c, const pi_layout *L,
                          pi_summary *s, outfile *of, double median, double rss)
{
    char ref[32];
    int rc = 0, e;
    snprintf(ref, sizeof ref, "%.15f", M_PI);                    /* 3.141592653589793 */
    self_check(d->digits, *d->text, ref, s);
    /* a failed self-check publishes nothing: the previous file stays as it was */
    if (d->out && !s->pass)
        outfile_discard(of);
    else if (d->out && (e = write_output(of, *d->text)) != 0) {
        fprintf(stderr, "%s: cannot write %s: %s\n", c->prog, d->out, strerror(e));
        rc = 1;
    }
    if (!c->quiet && !rc) {
        if (c->json)
            json_decimal(d, c, L, s, median, rss);
        else
            rc = print_decimal(d, c, L, s, median);
    }
    if (!s->pass)
        fprintf(stderr, "%s: self-check FAILED: digits disagree with %s\n", c->prog, ref);
    return rc ? rc : !s->pass;
}

int digits_run(digits_spec *d, const pi_common *c, const pi_layout *L, pi_summary *s)
{
    outfile of;
    double median;
    *s = (pi_summary){.method = d->name, .n = d->digits, .unit = "digits"};
    if (check_memory(d, c, L) != 0)
        return 2;
    /* a bad output path is a usage error, found before the work, on every rank */
    int e = d->out ? prepare_output(d->out, L, &of) : 0;
    if (e)
        return pi_usage_error(c, "cannot write -o '%s': %s", d->out, strerror(e));

    pi_time(c, d->compute, d->job, &s->seconds, &median);
    s->rate = (double)d->digits / s->seconds;
    const double rss = par_max_double((double)mem_peak_rss());
    if (d->failed && *d->failed) {    /* said once (par_fail), the same on every rank */
        free(*d->text);
        *d->text = NULL;
        if (d->out && L->rank == 0)
            outfile_discard(&of);
        else if (d->out)
            cleanup_forget(of.tmp);
        return 1;
    }
    if (L->rank != 0) {
        free(*d->text);
        *d->text = NULL;
        const int rc = par_bcast_int(0);
        if (d->out)
            cleanup_forget(of.tmp);   /* renamed or removed by rank 0 by now */
        return rc;
    }
    if (!*d->text) {
        fprintf(stderr, "%s: could not certify the last digit (error interval too wide)\n",
                c->prog);
        if (d->out)
            outfile_discard(&of);
        return par_bcast_int(1);
    }
    const int rc = finish_decimal(d, c, L, s, &of, median, rss);
    free(*d->text);
    *d->text = NULL;
    return par_bcast_int(rc);
}

char *digits_with_guard(char *(*attempt)(void *job, int extra), void *job, const int *failed,
                        const pi_layout *L)
{
    char *text = NULL;
    for (int extra = 0; extra < 4 && !*failed; extra++) {
        text = attempt(job, extra);
        if (*failed || par_bcast_int(L->rank != 0 || text != NULL))
            break;
    }
    return text;
}
