/* compute.c - the compute step of a round: cyclic (record i to worker i mod W, all-to-all) or dynamic (claims from msg.c's counter). */
#include "round.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exchange.h"
#include "par.h"
#include "records.h"

enum { WIN_RECS = 8 }; ///< byte offset of the records in the dynamic window (the counter is first)

int grow(growbuf *b, size_t bytes)
{
    if (bytes <= b->cap)
        return 0;
    const size_t cap = bytes + bytes / 2 + 64;
    void *p = realloc(b->p, cap);
    if (!p) {
        char what[64];
        snprintf(what, sizeof what, "%zu bytes of memory", cap);
        mf_fail("allocate", what, strerror(ENOMEM));
        return 1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void grow_free(growbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->cap = 0;
}

int round_begin(const map_job *job, round_bufs *B, int64_t parse_max, int64_t window_max)
{
    const int R = par_size(), T = job->threads, a = job->t->arity;
    /* records a rank owns in a round: ceil(window / W) blocks of T at most; dynamic claims */
    const int64_t claim_max = job->chunk > 0 ? job->chunk : 65536;
    int64_t owned_max = window_max / R + T;
    owned_max = job->dynamic ? (claim_max < window_max ? claim_max : window_max) : owned_max;
    const size_t mine = (size_t)parse_max + 1, theirs = (size_t)owned_max + 1;
    memset(B, 0, sizeof *B);
    grow(&B->ranges, (size_t)R * 8 * sizeof(int64_t));
    grow(&B->counts, (size_t)R * 6 * sizeof(int));
    grow(&B->recs, mine * (size_t)a * 8), grow(&B->res, mine * 8);
    grow(&B->packed, mine * (size_t)a * 8), grow(&B->back, mine * 8);
    grow(&B->mine, theirs * (size_t)a * 8), grow(&B->mres, theirs * 8);
    if (par_rank() == 0)
        grow(&B->relay, SINK_PIECE);
    if (mf_agree())
        return 1;
    if (!job->dynamic)
        return 0;
    B->win_recs = window_max;
    B->win = msg_win_create(WIN_RECS + (size_t)window_max * (size_t)(a + 1) * 8);
    if (!B->win)                             /* msg_win_create agrees on it */
        mf_fail("allocate", "the window of the dynamic schedule", strerror(ENOMEM));
    return mf_agree();
}

void round_end(round_bufs *B)
{
    growbuf *all[] = {&B->recs, &B->res, &B->packed, &B->mine, &B->mres, &B->back,
                      &B->text, &B->in, &B->relay, &B->counts, &B->ranges};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        grow_free(all[i]);
    if (B->win)
        msg_win_free(B->win);
    B->win = NULL;
}

/// Rank of the worker that owns record i: worker i mod W, on rank (i mod W) / T.
static int owner(int64_t i, int64_t W, int T)
{
    return (int)((i % W) / T);
}

/// Records of [0, x) owned by rank q.
static int64_t owned_below(int64_t x, int q, int64_t W, int T)
{
    int64_t in_cycle = x % W - (int64_t)q * T;
    in_cycle = in_cycle < 0 ? 0 : in_cycle > T ? T : in_cycle;
    return x / W * T + in_cycle;
}

/// Records of [f, f + n) owned by rank q.
static int64_t owned(int64_t f, int64_t n, int q, int64_t W, int T)
{
    return owned_below(f + n, q, W, T) - owned_below(f, q, W, T);
}

/// The first record at or after f owned by rank q.
static int64_t first_owned(int64_t f, int q, int64_t W, int T)
{
    const int64_t base = f - f % W, lo = base + (int64_t)q * T;
    return f < lo ? lo : f < lo + T ? f : lo + W;
}

/// The T threads transform `total` consecutive owned records, the first of which is record
/// i0: thread th takes those with index = th mod T, as partialPi does.
static void threads_compute(const map_job *job, const double *in, double *out, int64_t total,
                            int64_t i0)
{
    const int T = job->threads, a = job->t->arity, o = (int)(i0 % T);
#pragma omp parallel for num_threads(T) schedule(static, 1)
    for (int th = 0; th < T; th++) {
        const int64_t p0 = (th - o + T) % T;
        if (p0 < total)
            job->t->fn(in + p0 * a, out + p0, (total - p0 + T - 1) / T, T);
    }
}

/// Copy n doubles (a run of records: often one or two values, so no memcpy call).
static void copy_values(double *dst, const double *src, int64_t n)
{
    for (int64_t j = 0; j < n; j++)
        dst[j] = src[j];
}

/// The exchange's counts: values to (s) and from (r) every rank, and cursors.
typedef struct {
    int *sc, *sd, *rc, *rd, *cur, *cur2;
} xcounts;

/// Counts and displacements of this rank's exchange given every rank's range (rank q: records
/// [f[q], f[q] + n[q])); the number of records it receives, and *i0 the first of them.
static int64_t plan_exchange(const map_job *job, const int64_t *f, const int64_t *n,
                             xcounts *x, int64_t *i0)
{
    const int r = par_rank(), R = par_size(), T = job->threads, a = job->t->arity;
    const int64_t W = (int64_t)R * T;
    int64_t total = 0;
    *i0 = -1;
    for (int q = 0; q < R; q++) {
        const int64_t to_q = owned(f[r], n[r], q, W, T), from_q = owned(f[q], n[q], r, W, T);
        if (from_q && *i0 < 0)
            *i0 = first_owned(f[q], r, W, T);
        x->sc[q] = (int)(to_q * a);
        x->rc[q] = (int)(from_q * a);
        x->sd[q] = q ? x->sd[q - 1] + x->sc[q - 1] : 0;
        x->rd[q] = q ? x->rd[q - 1] + x->rc[q - 1] : 0;
        total += from_q;
    }
    return total;
}

/// Collective, cyclic: records go to their owners, are transformed there, results come back.
/// Rank q's records are [f[q], f[q] + n[q]).
static void compute_cyclic(const map_job *job, round_bufs *B, const int64_t *f, const int64_t *n)
{
    const int r = par_rank(), R = par_size(), T = job->threads, a = job->t->arity;
    const int64_t W = (int64_t)R * T, first = f[r], cnt = n[r];
    const double *recs = B->recs.p;
    if (R == 1) {                            /* every record is this rank's already */
        threads_compute(job, recs, B->res.p, cnt, first);
        return;
    }
    int *c = B->counts.p;
    xcounts x = {c, c + R, c + 2 * R, c + 3 * R, c + 4 * R, c + 5 * R};
    int64_t i0;
    const int64_t total = plan_exchange(job, f, n, &x, &i0);
    double *packed = B->packed.p, *back = B->back.p, *res = B->res.p;
    memcpy(x.cur, x.sd, (size_t)R * sizeof(int));
    int q = owner(first, W, T);              /* records in runs of one owner's T, in order */
    for (int64_t k = 0, run = T - first % T; k < cnt; k += run, run = T, q = q + 1 == R ? 0 : q + 1) {
        run = run < cnt - k ? run : cnt - k;
        copy_values(packed + x.cur[q], recs + k * a, run * a);
        x.cur[q] += (int)(run * a);
    }
    xc_alltoallv_f64(packed, x.sc, x.sd, B->mine.p, x.rc, x.rd);
    threads_compute(job, B->mine.p, B->mres.p, total, i0);
    for (int q = 0; q < R; q++) {            /* results: one value per record */
        x.sc[q] /= a, x.sd[q] /= a, x.rc[q] /= a, x.rd[q] /= a;
        x.cur2[q] = x.sd[q];
    }
    xc_alltoallv_f64(B->mres.p, x.rc, x.rd, back, x.sc, x.sd);
    q = owner(first, W, T);
    for (int64_t k = 0, run = T - first % T; k < cnt; k += run, run = T, q = q + 1 == R ? 0 : q + 1) {
        run = run < cnt - k ? run : cnt - k;
        copy_values(res + k, back + x.cur2[q], run);
        x.cur2[q] += (int)run;
    }
}

/// Claims of C records of the round's [0, total) from the counter in the window, until one is
/// past the end: the records come from the window, the results go back to it.
static void claim_chunks(const map_job *job, round_bufs *B, int64_t total, int64_t C)
{
    const int a = job->t->arity, T = job->threads;
    const size_t res_at = WIN_RECS + (size_t)B->win_recs * (size_t)a * 8;
    double *inb = B->mine.p, *outb = B->mres.p;
    msg_win_lock(B->win, 0);
    for (;;) {
        const int64_t k = (int64_t)(msg_fetch_add(B->win, 0, 1) - B->claims);
        if (k * C >= total)
            break;
        const int64_t cnt = total - k * C < C ? total - k * C : C;
        msg_get(B->win, inb, (size_t)(cnt * a) * 8, WIN_RECS + (size_t)(k * C * a) * 8);
#pragma omp parallel for num_threads(T) schedule(dynamic, 1)
        for (int64_t j = 0; j < cnt; j++)
            job->t->fn(inb + j * a, outb + j, 1, 1);
        /* outb is reused only after the next claim, whose fetch-and-add flushes this put */
        msg_put(B->win, outb, (size_t)cnt * 8, res_at + (size_t)(k * C) * 8);
    }
    msg_win_unlock(B->win);
}

/// Collective, dynamic: the round's records go to rank 0's window, every rank claims chunks
/// of C (the workshop's shared Value with its lock), each rank takes its results back.
static void compute_dynamic(const map_job *job, round_bufs *B, int64_t first, int64_t n,
                            int64_t base, int64_t total)
{
    const int R = par_size(), a = job->t->arity;
    int64_t C = job->chunk;
    if (C <= 0) {
        C = total / ((int64_t)R * 16);
        C = C < 1 ? 1 : (C > 65536 ? 65536 : C);
    }
    C = C < B->win_recs ? C : B->win_recs;  /* the claim buffers' size (round_begin) */
    const size_t res_at = WIN_RECS + (size_t)B->win_recs * (size_t)a * 8;
    msg_win_lock(B->win, 0);
    msg_put(B->win, B->recs.p, (size_t)(n * a) * 8, WIN_RECS + (size_t)((first - base) * a) * 8);
    msg_win_unlock(B->win);
    par_barrier();                           /* every record is in the window */
    claim_chunks(job, B, total, C);
    B->claims += (uint64_t)((total + C - 1) / C + R); /* each rank made one claim past the end */
    par_barrier();                           /* every result is in the window */
    msg_win_lock(B->win, 0);
    msg_get(B->win, B->res.p, (size_t)n * 8, res_at + (size_t)(first - base) * 8);
    msg_win_unlock(B->win);
}

void round_compute_here(const map_job *job, round_bufs *B, int64_t n)
{
    threads_compute(job, B->recs.p, B->res.p, n, 0);
}

void round_compute(const map_job *job, round_bufs *B, const int64_t *all, int stride,
                   int64_t base)
{
    const int r = par_rank(), R = par_size();
    int64_t *f = (int64_t *)B->ranges.p + 6 * R, *n = f + R, at = base; /* past the gathers */
    for (int q = 0; q < R; q++) {
        n[q] = all[q * stride];
        f[q] = at;
        at += n[q];
    }
    if (job->dynamic)
        compute_dynamic(job, B, f[r], n[r], base, at - base);
    else if (job->t->uniform)               /* the same results wherever computed: no exchange */
        threads_compute(job, B->recs.p, B->res.p, n[r], f[r]);
    else
        compute_cyclic(job, B, f, n);
}

/// NULL if a parsed record is acceptable input, else why not (non-finite, transform's check).
static const char *record_problem(const map_job *job, const double *rec)
{
    const char *why = job->allow_nonfinite ? NULL : records_check_finite(rec, job->t->arity);
    return why ? why : job->t->check ? job->t->check(rec) : NULL;
}

int64_t round_bad_input(const map_job *job, const double *recs, int64_t n, const char **why)
{
    const int a = job->t->arity;
    if (!job->t->check) {                    /* only finiteness to check: one tight scan */
        if (job->allow_nonfinite)
            return -1;
        for (int64_t v = 0; v < n * a; v++)
            if (!isfinite(recs[v])) {
                *why = records_check_finite(recs + v / a * a, a);
                return v / a;
            }
        return -1;
    }
    for (int64_t j = 0; j < n; j++)
        if ((*why = record_problem(job, recs + j * job->t->arity)) != NULL)
            return j;
    return -1;
}

int round_failed(const int64_t *all, int stride)
{
    for (int q = 0; q < par_size(); q++)
        if (all[q * stride])
            return mf_agreed(q);
    return 0;
}

int round_bad(const map_job *job, const int64_t *all, int stride, int64_t mine, const char *why)
{
    int64_t first = INT64_MAX;
    for (int q = 0; q < par_size(); q++)
        first = all[q * stride] < first ? all[q * stride] : first;
    if (first != INT64_MAX && mine == first)
        fprintf(stderr, "%s: record %lld: %s\n", job->name, (long long)first + 1, why);
    return first != INT64_MAX;
}
