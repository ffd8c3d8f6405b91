/* passes.c - the MPI-IO passes of `map`: parallel text parsing, the transform engine, parallel formatting. */
#include "passes.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decomp.h"
#include "mpiio.h"
#include "outfile.h"
#include "par.h"
#include "records.h"

enum {
    TEXT_PART_MIN = 256,     ///< bytes of text per rank per round: 16 x --chunk, at least this
    TEXT_PART_MAX = 1 << 22, ///< ... and at most this
    LOOKAHEAD = 1 << 16,     ///< longest line: bytes read past a part to finish its last line
    FORMAT_CHUNK = 1 << 16   ///< records formatted per rank per round
};

/// NULL if a parsed record is acceptable input, else why not (non-finite, transform's check).
static const char *record_problem(const map_job *job, const double *rec)
{
    const char *why = job->allow_nonfinite ? NULL : records_check_finite(rec, job->t->arity);
    return why ? why : job->t->check ? job->t->check(rec) : NULL;
}

/// What messages call a temporary: the output it becomes, or the output beside it, or itself.
static const char *name_of(const map_job *job, const char *tmp)
{
    if (job->sync_path && !strcmp(tmp, job->sync_path))
        return job->out_name;
    return job->tmp_name;
}

/// Allocate or end the run: memory for a round is small and fixed, so failure is fatal.
static void *xmalloc(size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    if (!p) {
        fprintf(stderr, "map: out of memory (%zu bytes)\n", bytes);
        cleanup_now();
        exit(1);
    }
    return p;
}

/* ---- text -> records ---------------------------------------------------- */

/// Rank 0 alone reads a stream: standard input (mpirun forwards it to rank 0 only, path
/// NULL), a pipe, a FIFO, a /proc file.
static int stream_to_records(const map_job *job, const char *path, mfile *out, int64_t *nrecords)
{
    int64_t status[2] = {0, 0}; /* rc, records */
    FILE *in = par_rank() != 0 ? NULL : path ? fopen(path, "r") : stdin;
    if (par_rank() == 0 && !in) {
        fprintf(stderr, "map: cannot read '%s': %s\n", path, strerror(errno));
        status[0] = 2;
    } else if (par_rank() == 0) {
        const int a = job->t->arity;
        char *line = NULL, why[160];
        size_t cap = 0;
        ssize_t len;
        int64_t lineno = 0, n = 0;
        double rec[8];
        while ((len = getline(&line, &cap, in)) >= 0) {
            lineno++;
            if (len && line[len - 1] == '\n')
                len--;
            line_kind k = len > LOOKAHEAD ? LINE_BAD
                                          : records_parse_line(line, (size_t)len, a, rec, why,
                                                               sizeof why);
            if (len > LOOKAHEAD)
                snprintf(why, sizeof why, "line longer than %d bytes", LOOKAHEAD);
            const char *bad = k == LINE_RECORD ? record_problem(job, rec) : NULL;
            if (k == LINE_BAD || bad) {
                fprintf(stderr, "%s:%lld: %s\n", job->name, (long long)lineno, bad ? bad : why);
                status[0] = 2;
                break;
            }
            if (k == LINE_SKIP)
                continue;
            mf_write(out, (MPI_Offset)(n * a * 8), rec, a, MPI_DOUBLE, 0);
            n++;
        }
        if (!status[0] && ferror(in)) {
            fprintf(stderr, "map: cannot read '%s': %s\n", job->name, strerror(errno));
            status[0] = 2;
        }
        free(line);
        if (path)
            fclose(in);
        status[1] = n;
    }
    MPI_Bcast(status, 2, MPI_INT64_T, 0, MPI_COMM_WORLD);
    *nrecords = status[1];
    return (int)status[0];
}

/// One rank's part of the text in one round: bytes [s, e) of the file, readable up to rd1.
typedef struct {
    const char *b;    ///< b[x] is the byte at file offset x
    MPI_Offset s, e;  ///< the part
    MPI_Offset rd1;   ///< end of what was read (the part plus lookahead)
    MPI_Offset size;  ///< file size
    int64_t nl;       ///< newlines in [s, e)
    int64_t nrec;     ///< records parsed
    int64_t bad_nl;   ///< newlines before the first bad line in the part, -1 if none
    char why[160];    ///< why that line is bad
} text_part;

/// Parse the lines that start in [s, e) into recs; a line starting before s belongs to
/// the part before.
static void parse_part(const map_job *job, text_part *tp, double *recs)
{
    const char *b = tp->b;
    const int a = job->t->arity;
    MPI_Offset p = tp->s;
    int64_t nl_before = 0; /* newlines in [s, p) */
    tp->nl = tp->nrec = 0;
    tp->bad_nl = -1;
    for (MPI_Offset x = tp->s; x < tp->e; x++)
        tp->nl += b[x] == '\n';
    if (tp->s > 0 && tp->s < tp->e && b[tp->s - 1] != '\n') {
        while (p < tp->rd1 && b[p] != '\n')
            p++;
        p++;
        nl_before = 1;
    }
    while (p < tp->e) {
        MPI_Offset q = p;
        while (q < tp->rd1 && b[q] != '\n')
            q++;
        if ((q == tp->rd1 && tp->rd1 < tp->size) || q - p > LOOKAHEAD) { /* one limit */
            tp->bad_nl = nl_before;
            snprintf(tp->why, sizeof tp->why, "line longer than %d bytes", LOOKAHEAD);
            return;
        }
        double *rec = recs + tp->nrec * a;
        line_kind k = records_parse_line(b + p, (size_t)(q - p), a, rec, tp->why, sizeof tp->why);
        const char *bad = k == LINE_RECORD ? record_problem(job, rec) : NULL;
        if (k == LINE_BAD || bad) {
            if (bad)
                snprintf(tp->why, sizeof tp->why, "%s", bad);
            tp->bad_nl = nl_before;
            return;
        }
        tp->nrec += k == LINE_RECORD;
        nl_before++;
        p = q + 1;
    }
}

/// Every rank parses its part of the text, round after round, and writes its records.
static int text_rounds(const map_job *job, mfile *in, mfile *out, int64_t *nrecords)
{
    const int r = par_rank(), R = par_size(), a = job->t->arity;
    MPI_Offset S;
    MPI_File_get_size(in->fh, &S);
    int64_t part = job->chunk > 0 ? 16 * job->chunk : 16 * 65536;
    part = part < TEXT_PART_MIN ? TEXT_PART_MIN : (part > TEXT_PART_MAX ? TEXT_PART_MAX : part);
    char *buf = xmalloc((size_t)part + LOOKAHEAD + 1);
    /* a record takes at least 2 bytes ("1\n"), but for the last line of the file */
    double *recs = xmalloc(((size_t)part / 2 + 1) * (size_t)a * sizeof *recs);
    int64_t line_base = 0, rec_base = 0;
    int rc = 0;

    for (MPI_Offset ws = 0; ws < S && !rc; ws += (MPI_Offset)R * part) {
        text_part tp = {.size = S};
        tp.s = ws + (MPI_Offset)r * part;
        tp.s = tp.s > S ? S : tp.s;
        tp.e = tp.s + part > S ? S : tp.s + part;
        const MPI_Offset rd0 = tp.s > 0 ? tp.s - 1 : 0;
        tp.rd1 = tp.s < tp.e ? (tp.e + LOOKAHEAD < S ? tp.e + LOOKAHEAD : S) : rd0;
        mf_read(in, rd0, buf, (int)(tp.rd1 - rd0), MPI_CHAR, 1);
        if (mf_agree()) {
            rc = 1;
            break;
        }
        tp.b = buf - rd0;
        parse_part(job, &tp, recs);
        int64_t mine[2] = {tp.nl, tp.nrec}, before[2] = {0, 0};
        MPI_Exscan(mine, before, 2, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
        if (r == 0)
            before[0] = before[1] = 0;
        const int64_t bad_line = tp.bad_nl < 0 ? INT64_MAX : line_base + before[0] + tp.bad_nl + 1;
        const int64_t first_bad = par_min_i64(bad_line);
        if (first_bad != INT64_MAX) {
            if (bad_line == first_bad)
                fprintf(stderr, "%s:%lld: %s\n", job->name, (long long)bad_line, tp.why);
            rc = 2;
            break;
        }
        mf_write(out, (MPI_Offset)((rec_base + before[1]) * a * 8), recs, (int)(tp.nrec * a),
                 MPI_DOUBLE, 1);
        rc = mf_agree();
        line_base += par_sum_i64(tp.nl);
        rec_base += par_sum_i64(tp.nrec);
    }
    free(buf);
    free(recs);
    *nrecords = rec_base;
    return rc;
}

int mapio_text_to_records(const map_job *job, const char *path, int stream,
                          const char *records, int64_t *nrecords)
{
    mfile in, out;
    int rc;
    if (mf_open(records, name_of(job, records), MPI_MODE_WRONLY, &out, "write"))
        return 1;
    if (!path || stream) {
        rc = stream_to_records(job, path, &out, nrecords);
    } else if (mf_open(path, NULL, MPI_MODE_RDONLY, &in, "read")) {
        rc = 2;
    } else {
        rc = text_rounds(job, &in, &out, nrecords);
        mf_close(&in, 0);
    }
    mf_close(&out, 0);
    return mf_agree() ? 1 : rc;
}

int mapio_binary_records(const map_job *job, const char *path, int64_t *nrecords)
{
    mfile in;
    MPI_Offset S;
    const int64_t rec = 8 * (int64_t)job->t->arity;
    if (mf_open(path, NULL, MPI_MODE_RDONLY, &in, "read"))
        return 2;
    MPI_File_get_size(in.fh, &S);
    mf_close(&in, 0);
    if (S % rec) {
        if (par_rank() == 0)
            fprintf(stderr, "map: %s: size %lld bytes is not a multiple of the record size "
                            "%lld (%s takes %d float64 column%s)\n", path, (long long)S,
                    (long long)rec, job->t->name, job->t->arity, job->t->arity == 1 ? "" : "s");
        return 2;
    }
    *nrecords = S / rec;
    return 0;
}

/* ---- the engine ---------------------------------------------------------- */

/// Index of the first record in recs[0..n) that is not acceptable input, or -1.
static int64_t first_bad_input(const map_job *job, const double *recs, int64_t n,
                               const char **why)
{
    for (int64_t j = 0; j < n; j++)
        if ((*why = record_problem(job, recs + j * job->t->arity)) != NULL)
            return j;
    return -1;
}

/// Index of the first non-finite result in res[0..n) (unless allowed), or -1.
static int64_t first_bad_result(const map_job *job, const double *res, int64_t n,
                                const char **why)
{
    if (job->allow_nonfinite)
        return -1;
    for (int64_t j = 0; j < n; j++)
        if (!isfinite(res[j])) {
            *why = isnan(res[j]) ? "result is not a number (nan); --allow-nonfinite accepts it"
                                 : "result overflows a double (inf); --allow-nonfinite accepts it";
            return j;
        }
    return -1;
}

/// Collective: the first bad record over all ranks (this rank's is `mine`, INT64_MAX if none),
/// said once by the rank that has it.  1 if there is one.
static int agree_bad(const map_job *job, int64_t mine, const char *why)
{
    const int64_t first = par_min_i64(mine);
    if (first != INT64_MAX && mine == first)
        fprintf(stderr, "%s: record %lld: %s\n", job->name, (long long)first + 1, why);
    return first != INT64_MAX;
}

/// Buffers of the cyclic engine: C records per rank per round.
typedef struct {
    int *scount, *sdisp, *rcount, *rdisp; ///< record values to and from each rank
    int *s1, *sd1, *r1, *rd1;             ///< results (one value per record)
    double *slab, *packed, *mine, *res, *back, *outslab;
} cyclic_bufs;

static void cyclic_alloc(cyclic_bufs *B, int R, int64_t C, int a)
{
    int **ints[] = {&B->scount, &B->sdisp, &B->rcount, &B->rdisp, &B->s1, &B->sd1, &B->r1, &B->rd1};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        *ints[i] = xmalloc((size_t)R * sizeof(int));
        memset(*ints[i], 0, (size_t)R * sizeof(int));
    }
    B->slab = xmalloc((size_t)(C * a) * sizeof(double));
    B->packed = xmalloc((size_t)(C * a) * sizeof(double));
    B->mine = xmalloc((size_t)(C * a) * sizeof(double));
    B->res = xmalloc((size_t)C * sizeof(double));
    B->back = xmalloc((size_t)C * sizeof(double));
    B->outslab = xmalloc((size_t)C * sizeof(double));
}

static void cyclic_free(cyclic_bufs *B)
{
    free(B->scount), free(B->sdisp), free(B->rcount), free(B->rdisp);
    free(B->s1), free(B->sd1), free(B->r1), free(B->rd1);
    free(B->slab), free(B->packed), free(B->mine), free(B->res), free(B->back), free(B->outslab);
}

/// One round's exchange counts: the slab of rank q holds records ws + q*C.. of the window, a
/// whole number of W-cycles from a multiple of W; returns how many records this rank gets.
static int64_t cyclic_counts(cyclic_bufs *B, int64_t ws, int64_t C, int64_t cnt, int64_t N,
                             int T, int a)
{
    const int r = par_rank(), R = par_size();
    const int64_t W = (int64_t)R * T;
    int64_t total = 0;
    for (int q = 0; q < R; q++) {
        const int64_t fq = ws + (int64_t)q * C;
        const int64_t cq = fq >= N ? 0 : (N - fq < C ? N - fq : C);
        int64_t to_q = 0, from_q = 0;
        for (int th = 0; th < T; th++) {
            to_q += decomp_count(cnt, (int64_t)q * T + th, W);
            from_q += decomp_count(cq, (int64_t)r * T + th, W);
        }
        B->scount[q] = (int)(to_q * a);
        B->rcount[q] = (int)(from_q * a);
        B->s1[q] = (int)to_q;
        B->r1[q] = (int)from_q;
        total += from_q;
    }
    for (int q = 1; q < R; q++) {
        B->sdisp[q] = B->sdisp[q - 1] + B->scount[q - 1];
        B->rdisp[q] = B->rdisp[q - 1] + B->rcount[q - 1];
        B->sd1[q] = B->sd1[q - 1] + B->s1[q - 1];
        B->rd1[q] = B->rd1[q - 1] + B->r1[q - 1];
    }
    return total;
}

/// Transform this round's slab of cnt records into outslab: record i to worker i mod W.
static void cyclic_round(const map_job *job, cyclic_bufs *B, int64_t ws, int64_t C, int64_t cnt,
                         int64_t N)
{
    const int R = par_size(), T = job->threads, a = job->t->arity;
    const int64_t W = (int64_t)R * T;
    const transform *t = job->t;
    if (R == 1) {                            /* every record is this rank's already */
#pragma omp parallel for num_threads(T) schedule(static, 1)
        for (int th = 0; th < T; th++)
            t->fn(B->slab + (int64_t)th * a, B->outslab + th, decomp_count(cnt, th, T), T);
        return;
    }
    const int64_t total = cyclic_counts(B, ws, C, cnt, N, T, a);
    /* rank q's records: blocks of T at q*T in every cycle of W */
    for (int q = 0; q < R; q++) {
        double *dst = B->packed + B->sdisp[q];
        for (int64_t b0 = (int64_t)q * T; b0 < cnt; b0 += W) {
            const int64_t len = (cnt - b0 < T ? cnt - b0 : T) * a;
            memcpy(dst, B->slab + b0 * a, (size_t)len * sizeof *dst);
            dst += len;
        }
    }
    MPI_Alltoallv(B->packed, B->scount, B->sdisp, MPI_DOUBLE, B->mine, B->rcount, B->rdisp,
                  MPI_DOUBLE, MPI_COMM_WORLD);
    /* received in source order, blocks of T per cycle: position p is thread p mod T */
#pragma omp parallel for num_threads(T) schedule(static, 1)
    for (int th = 0; th < T; th++)
        t->fn(B->mine + (int64_t)th * a, B->res + th, decomp_count(total, th, T), T);
    MPI_Alltoallv(B->res, B->r1, B->rd1, MPI_DOUBLE, B->back, B->s1, B->sd1, MPI_DOUBLE,
                  MPI_COMM_WORLD);
    for (int q = 0; q < R; q++) {
        const double *src = B->back + B->sd1[q];
        for (int64_t b0 = (int64_t)q * T; b0 < cnt; b0 += W) {
            const int64_t len = cnt - b0 < T ? cnt - b0 : T;
            memcpy(B->outslab + b0, src, (size_t)len * sizeof *src);
            src += len;
        }
    }
}

/// Record i goes to worker i mod W (rank (i mod W) / T, thread i mod T), as partialPi splits
/// steps.  I/O stays contiguous: per round each rank reads a slab of C records (C a multiple
/// of W), the records move to their owners (MPI_Alltoallv), are transformed there, and move
/// back to be written.  Ranks agree after every round on bad records and I/O failures.
static int engine_cyclic(const map_job *job, mfile *in, mfile *out, int64_t N, int check)
{
    const int r = par_rank(), R = par_size(), a = job->t->arity;
    const int64_t W = (int64_t)R * job->threads;
    int64_t C = job->chunk > 0 ? job->chunk : 262144;
    C = C < W ? W : C - C % W;
    cyclic_bufs B;
    cyclic_alloc(&B, R, C, a);
    int rc = 0;
    const char *why = "";
    for (int64_t ws = 0; ws < N && !rc; ws += (int64_t)R * C) {
        const int64_t first = ws + (int64_t)r * C;
        const int64_t cnt = first >= N ? 0 : (N - first < C ? N - first : C);
        mf_read(in, (MPI_Offset)(first * a * 8), B.slab, (int)(cnt * a), MPI_DOUBLE, 0);
        if (mf_agree()) {
            rc = 1;
            break;
        }
        int64_t j = check ? first_bad_input(job, B.slab, cnt, &why) : -1;
        if (agree_bad(job, j < 0 ? INT64_MAX : first + j, why)) {
            rc = 2;
            break;
        }
        cyclic_round(job, &B, ws, C, cnt, N);
        j = first_bad_result(job, B.outslab, cnt, &why);
        if (agree_bad(job, j < 0 ? INT64_MAX : first + j, why)) {
            rc = 2;
            break;
        }
        mf_write(out, (MPI_Offset)(first * 8), B.outslab, (int)cnt, MPI_DOUBLE, 0);
        rc = mf_agree();
    }
    cyclic_free(&B);
    return rc;
}

/// Chunks of C consecutive records handed out by an atomic counter on rank 0: the MPI port
/// of the workshop's shared Value with its lock.  A rank that finds a bad record or fails to
/// write stops writing; after an I/O failure it also ends the hand-out for everyone.
static int engine_dynamic(const map_job *job, mfile *in, mfile *out, int64_t N, int check)
{
    const int R = par_size(), T = job->threads, a = job->t->arity;
    int64_t C = job->chunk;
    if (C <= 0) {
        C = N / ((int64_t)R * 16);
        C = C < 1 ? 1 : (C > 65536 ? 65536 : C);
    }
    double *inb = xmalloc((size_t)(C * a) * sizeof *inb), *outb = xmalloc((size_t)C * sizeof *outb);
    int64_t *counter, one = 1, claim, mybad = INT64_MAX, stop = N / C + 1;
    const char *why = "";
    MPI_Win win;
    MPI_Win_allocate(par_rank() == 0 ? sizeof(int64_t) : 0, sizeof(int64_t), MPI_INFO_NULL,
                     MPI_COMM_WORLD, &counter, &win);
    if (par_rank() == 0)
        *counter = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_lock_all(0, win);
    for (int failed = 0;;) {
        MPI_Fetch_and_op(&one, &claim, MPI_INT64_T, 0, 0, MPI_SUM, win);
        MPI_Win_flush(0, win);
        const int64_t first = claim * C;
        if (first >= N)
            break;
        const int64_t cnt = N - first < C ? N - first : C;
        const char *w = "";
        mf_read(in, (MPI_Offset)(first * a * 8), inb, (int)(cnt * a), MPI_DOUBLE, 0);
        int64_t j = check ? first_bad_input(job, inb, cnt, &w) : -1;
        if (j < 0 && mybad == INT64_MAX) {
#pragma omp parallel for num_threads(T) schedule(dynamic, 1)
            for (int64_t k = 0; k < cnt; k++)
                job->t->fn(inb + k * a, outb + k, 1, 1);
            j = first_bad_result(job, outb, cnt, &w);
        }
        if (j >= 0 && first + j < mybad) {
            mybad = first + j;
            why = w;
        }
        if (mybad == INT64_MAX && !failed)   /* after a bad record: check the rest, write nothing */
            mf_write(out, (MPI_Offset)(first * 8), outb, (int)cnt, MPI_DOUBLE, 0);
        if (!failed && mf_failed()) {
            failed = 1;                      /* end the hand-out: every claim from now is past N */
            MPI_Accumulate(&stop, 1, MPI_INT64_T, 0, 0, 1, MPI_INT64_T, MPI_REPLACE, win);
            MPI_Win_flush(0, win);
        }
    }
    MPI_Win_unlock_all(win);
    MPI_Win_free(&win);
    free(inb);
    free(outb);
    if (mf_agree())
        return 1;
    return agree_bad(job, mybad, why) ? 2 : 0;
}

int mapio_engine(const map_job *job, const char *inpath, const char *outpath, int64_t N,
                 int check)
{
    mfile in, out;
    if (mf_open(inpath, NULL, MPI_MODE_RDONLY, &in, "read"))
        return 2;
    if (mf_open(outpath, name_of(job, outpath), MPI_MODE_WRONLY, &out, "write")) {
        mf_close(&in, 0);
        return 1;
    }
    const int rc = job->dynamic ? engine_dynamic(job, &in, &out, N, check)
                                : engine_cyclic(job, &in, &out, N, check);
    mf_close(&in, 0);
    mf_close(&out, !rc && job->sync_path && !strcmp(outpath, job->sync_path));
    return mf_agree() ? 1 : rc;
}

/* ---- records -> text ------------------------------------------------------ */

/// Format cnt values into *text (grown as needed); returns the byte count.
static size_t format_values(const char *fmt, const double *v, int64_t cnt, char **text,
                            size_t *cap)
{
    size_t len = 0;
    for (int64_t j = 0; j < cnt; j++) {
        for (;;) {
            const int n = snprintf(*text + len, *cap - len, fmt, v[j]);
            if (n >= 0 && (size_t)n + 1 < *cap - len) {
                len += (size_t)n;
                (*text)[len++] = '\n';
                break;
            }
            if (n < 0) {                     /* formats are checked: not expected */
                fprintf(stderr, "map: cannot format %g with '%s'\n", v[j], fmt);
                cleanup_now();
                exit(1);
            }
            char *grown = xmalloc(2 * *cap + (size_t)n + 64);
            memcpy(grown, *text, len);
            free(*text);
            *cap = 2 * *cap + (size_t)n + 64;
            *text = grown;
        }
    }
    return len;
}

/// Rank 0 streams the results of `in` to fd, formatted (fmt) or raw (fmt NULL).
static void stream_to_fd(const char *inpath, int64_t N, const char *fmt, int fd, const char *name)
{
    mfile in = {.path = inpath, .name = inpath};
    size_t cap = (size_t)FORMAT_CHUNK * 26;
    char *text = fmt ? xmalloc(cap) : NULL;
    double *v = xmalloc((size_t)FORMAT_CHUNK * sizeof *v);
    int err = MPI_File_open(MPI_COMM_SELF, inpath, MPI_MODE_RDONLY, MPI_INFO_NULL, &in.fh);
    if (err != MPI_SUCCESS) {
        mf_fail("read", inpath, "cannot open");
        N = 0;
    }
    for (int64_t first = 0; first < N; first += FORMAT_CHUNK) {
        const int64_t cnt = N - first < FORMAT_CHUNK ? N - first : FORMAT_CHUNK;
        mf_read(&in, (MPI_Offset)(first * 8), v, (int)cnt, MPI_DOUBLE, 0);
        if (mf_failed())
            break;
        const size_t len = fmt ? format_values(fmt, v, cnt, &text, &cap) : (size_t)cnt * 8;
        const int e = outfile_write_all(fd, fmt ? text : (const char *)v, len);
        if (e) {
            mf_fail("write", name, strerror(e));
            break;
        }
    }
    if (err == MPI_SUCCESS)
        MPI_File_close(&in.fh);
    free(text);
    free(v);
}

int mapio_records_to_fd(const char *inpath, int64_t N, int fd, const char *name)
{
    if (par_rank() == 0)
        stream_to_fd(inpath, N, NULL, fd, name);
    return mf_agree();
}

int mapio_records_to_text(const map_job *job, const char *inpath, const char *outpath, int fd,
                          const char *fd_name, int64_t N)
{
    const int r = par_rank(), R = par_size();
    mfile in, out;
    if (!outpath) {                          /* standard output, a device: rank 0 streams it */
        if (r == 0)
            stream_to_fd(inpath, N, job->fmt, fd, fd_name);
        return mf_agree();
    }
    if (mf_open(inpath, NULL, MPI_MODE_RDONLY, &in, "read"))
        return 1;
    if (mf_open(outpath, name_of(job, outpath), MPI_MODE_WRONLY, &out, "write")) {
        mf_close(&in, 0);
        return 1;
    }
    size_t cap = (size_t)FORMAT_CHUNK * 26;
    char *text = xmalloc(cap);
    double *v = xmalloc((size_t)FORMAT_CHUNK * sizeof *v);
    int64_t base = 0;
    int rc = 0;
    for (int64_t ws = 0; ws < N && !rc; ws += (int64_t)R * FORMAT_CHUNK) {
        const int64_t first = ws + (int64_t)r * FORMAT_CHUNK;
        const int64_t cnt = first >= N ? 0 : (N - first < FORMAT_CHUNK ? N - first : FORMAT_CHUNK);
        mf_read(&in, (MPI_Offset)(first * 8), v, (int)cnt, MPI_DOUBLE, 1);
        const int64_t len = (int64_t)format_values(job->fmt, v, cnt, &text, &cap);
        int64_t before = 0;
        MPI_Exscan(&len, &before, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
        if (r == 0)
            before = 0;
        mf_write(&out, (MPI_Offset)(base + before), text, (int)len, MPI_CHAR, 1);
        rc = mf_agree();
        base += par_sum_i64(len);
    }
    mf_close(&in, 0);
    mf_close(&out, !rc && job->sync_path && !strcmp(outpath, job->sync_path));
    free(text);
    free(v);
    return mf_agree() ? 1 : rc;
}
