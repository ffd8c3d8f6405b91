/* mapio.c - the MPI-IO passes of `map`: parallel text parsing, the transform engine, parallel formatting. */
#include "mapio.h"

#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decomp.h"
#include "records.h"

enum {
    TEXT_PART_MIN = 256,   ///< bytes of text per rank per round: 16 x --chunk, at least this
    TEXT_PART_MAX = 1 << 22, ///< ... and at most this
    LOOKAHEAD = 1 << 16,   ///< longest line: bytes read past a part to finish its last line
    FORMAT_CHUNK = 1 << 16 ///< records formatted per rank per round
};

static int rank_(void)
{
    int r;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

static int size_(void)
{
    int s;
    MPI_Comm_size(MPI_COMM_WORLD, &s);
    return s;
}

/// Collective open; on failure rank 0 says why and every rank gets nonzero.
static int open_all(const char *path, int amode, MPI_File *f, const char *what)
{
    const int err = MPI_File_open(MPI_COMM_WORLD, path, amode, MPI_INFO_NULL, f);
    int bad = err != MPI_SUCCESS, any;
    MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (any) {
        if (!bad)
            MPI_File_close(f);
        if (rank_() == 0) {
            char msg[MPI_MAX_ERROR_STRING] = "failed";
            int len;
            if (bad)
                MPI_Error_string(err, msg, &len);
            fprintf(stderr, "map: cannot %s '%s': %s\n", what, path, msg);
        }
        return 1;
    }
    return 0;
}

static int64_t min_all(int64_t v)
{
    int64_t m;
    MPI_Allreduce(&v, &m, 1, MPI_INT64_T, MPI_MIN, MPI_COMM_WORLD);
    return m;
}

static int64_t sum_all(int64_t v)
{
    int64_t s;
    MPI_Allreduce(&v, &s, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
    return s;
}

/* ---- text -> records ---------------------------------------------------- */

/// Rank 0 alone reads standard input (mpirun forwards it to rank 0 only).
static int stdin_to_records(const map_job *job, MPI_File out, int64_t *nrecords)
{
    int64_t status[2] = {0, 0}; /* rc, records */
    if (rank_() == 0) {
        const int a = job->t->arity;
        char *line = NULL, why[160];
        size_t cap = 0;
        ssize_t len;
        int64_t lineno = 0, n = 0;
        double rec[8];
        while ((len = getline(&line, &cap, stdin)) >= 0) {
            lineno++;
            if (len && line[len - 1] == '\n')
                len--;
            line_kind k = len > LOOKAHEAD ? LINE_BAD
                                          : records_parse_line(line, (size_t)len, a, rec, why,
                                                               sizeof why);
            if (len > LOOKAHEAD)
                snprintf(why, sizeof why, "line longer than %d bytes", LOOKAHEAD);
            const char *bad = k == LINE_RECORD && job->t->check ? job->t->check(rec) : NULL;
            if (k == LINE_BAD || bad) {
                fprintf(stderr, "%s:%lld: %s\n", job->name, (long long)lineno, bad ? bad : why);
                status[0] = 2;
                break;
            }
            if (k == LINE_SKIP)
                continue;
            MPI_File_write_at(out, (MPI_Offset)(n * a * 8), rec, a, MPI_DOUBLE,
                              MPI_STATUS_IGNORE);
            n++;
        }
        free(line);
        status[1] = n;
    }
    MPI_Bcast(status, 2, MPI_INT64_T, 0, MPI_COMM_WORLD);
    *nrecords = status[1];
    return (int)status[0];
}

int mapio_text_to_records(const map_job *job, const char *path, const char *records,
                          int64_t *nrecords)
{
    const int r = rank_(), R = size_(), a = job->t->arity;
    MPI_File in, out;
    MPI_Offset S;
    int rc = 0;

    if (open_all(records, MPI_MODE_CREATE | MPI_MODE_WRONLY, &out, "write temporary file"))
        return 1;
    MPI_File_set_size(out, 0);
    if (!path) {
        rc = stdin_to_records(job, out, nrecords);
        MPI_File_close(&out);
        return rc;
    }
    if (open_all(path, MPI_MODE_RDONLY, &in, "read")) {
        MPI_File_close(&out);
        return 2;
    }
    MPI_File_get_size(in, &S);
    int64_t part = job->chunk > 0 ? 16 * job->chunk : 16 * 65536;
    part = part < TEXT_PART_MIN ? TEXT_PART_MIN : (part > TEXT_PART_MAX ? TEXT_PART_MAX : part);
    char *buf = malloc((size_t)part + LOOKAHEAD + 1);
    /* a record takes at least 2 bytes ("1\n"), but for the last line of the file */
    double *recs = malloc(((size_t)part / 2 + 1) * (size_t)a * sizeof *recs);
    if (!buf || !recs) {
        fprintf(stderr, "map: out of memory for a %lld-byte text part\n", (long long)part);
        exit(1);
    }
    int64_t line_base = 0, rec_base = 0;

    for (MPI_Offset ws = 0; ws < S && !rc; ws += (MPI_Offset)R * part) {
        MPI_Offset s = ws + (MPI_Offset)r * part, e = s + part;
        if (s > S)
            s = S;
        if (e > S)
            e = S;
        const MPI_Offset rd0 = s > 0 ? s - 1 : 0;
        const MPI_Offset rd1 = s < e ? (e + LOOKAHEAD < S ? e + LOOKAHEAD : S) : rd0;
        MPI_File_read_at_all(in, rd0, buf, (int)(rd1 - rd0), MPI_CHAR, MPI_STATUS_IGNORE);
        const char *b = buf - rd0;           /* b[x]: the byte at file offset x */

        int64_t nl = 0, nrec = 0, bad_nl = -1; /* newlines in [s,e); records; first bad */
        char why[160] = "";
        for (MPI_Offset x = s; x < e; x++)
            nl += b[x] == '\n';
        MPI_Offset p = s;
        int64_t nl_before = 0;               /* newlines in [s, p) */
        if (s > 0 && s < e && b[s - 1] != '\n') {
            while (p < rd1 && b[p] != '\n')  /* that line belongs to the part before */
                p++;
            p++;
            nl_before = 1;
        }
        while (p < e && bad_nl < 0) {
            MPI_Offset q = p;
            while (q < rd1 && b[q] != '\n')
                q++;
            if ((q == rd1 && rd1 < S) || q - p > LOOKAHEAD) {  /* one limit, any part size */
                bad_nl = nl_before;
                snprintf(why, sizeof why, "line longer than %d bytes", LOOKAHEAD);
                break;
            }
            double *rec = recs + nrec * a;
            line_kind k = records_parse_line(b + p, (size_t)(q - p), a, rec, why, sizeof why);
            const char *bad = k == LINE_RECORD && job->t->check ? job->t->check(rec) : NULL;
            if (k == LINE_BAD || bad) {
                if (bad)
                    snprintf(why, sizeof why, "%s", bad);
                bad_nl = nl_before;
                break;
            }
            nrec += k == LINE_RECORD;
            nl_before++;
            p = q + 1;
        }
        int64_t mine[2] = {nl, nrec}, before[2] = {0, 0};
        MPI_Exscan(mine, before, 2, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
        if (r == 0)
            before[0] = before[1] = 0;
        const int64_t bad_line = bad_nl < 0 ? INT64_MAX : line_base + before[0] + bad_nl + 1;
        const int64_t first_bad = min_all(bad_line);
        if (first_bad != INT64_MAX) {
            if (bad_line == first_bad)
                fprintf(stderr, "%s:%lld: %s\n", job->name, (long long)bad_line, why);
            rc = 2;
            break;
        }
        MPI_File_write_at_all(out, (MPI_Offset)((rec_base + before[1]) * a * 8), recs,
                              (int)(nrec * a), MPI_DOUBLE, MPI_STATUS_IGNORE);
        line_base += sum_all(nl);
        rec_base += sum_all(nrec);
    }
    free(buf);
    free(recs);
    MPI_File_close(&in);
    MPI_File_close(&out);
    *nrecords = rec_base;
    return rc;
}

int mapio_binary_records(const map_job *job, const char *path, int64_t *nrecords)
{
    MPI_File in;
    MPI_Offset S;
    const int64_t rec = 8 * (int64_t)job->t->arity;
    if (open_all(path, MPI_MODE_RDONLY, &in, "read"))
        return 2;
    MPI_File_get_size(in, &S);
    MPI_File_close(&in);
    if (S % rec) {
        if (rank_() == 0)
            fprintf(stderr, "map: %s: size %lld bytes is not a multiple of the record size "
                            "%lld (%s takes %d float64 column%s)\n", path, (long long)S,
                    (long long)rec, job->t->name, job->t->arity, job->t->arity == 1 ? "" : "s");
        return 2;
    }
    *nrecords = S / rec;
    return 0;
}

/* ---- the engine ---------------------------------------------------------- */

/// Index of the first record in recs[0..n) failing the transform's check, or -1.
static int64_t first_bad(const map_job *job, const double *recs, int64_t n, const char **why)
{
    if (!job->t->check)
        return -1;
    for (int64_t j = 0; j < n; j++)
        if ((*why = job->t->check(recs + j * job->t->arity)) != NULL)
            return j;
    return -1;
}

static void report_bad(const map_job *job, int64_t mine, int64_t first, const char *why)
{
    if (first != INT64_MAX && mine == first)
        fprintf(stderr, "%s: record %lld: %s\n", job->name, (long long)first + 1, why);
}

int mapio_engine(const map_job *job, const char *inpath, const char *outpath,
                 int64_t N, int check)
{
    const int r = rank_(), R = size_(), T = job->threads, a = job->t->arity;
    const int64_t W = (int64_t)R * T;
    const transform *t = job->t;
    MPI_File in, out;
    int rc = 0;
    const char *why = "";
    int64_t bad = INT64_MAX;

    if (open_all(inpath, MPI_MODE_RDONLY, &in, "read"))
        return 2;
    if (open_all(outpath, MPI_MODE_CREATE | MPI_MODE_WRONLY, &out, "write")) {
        MPI_File_close(&in);
        return 2;
    }
    MPI_File_set_size(out, (MPI_Offset)N * 8);

    if (!job->dynamic) {
        /* Record i goes to worker i mod W (rank (i mod W) / T, thread i mod T), as
         * partialPi splits steps.  I/O stays contiguous: per round each rank reads a
         * slab of C records (C a multiple of W), the records move to their owners
         * (MPI_Alltoallv), are transformed there, and move back to be written. */
        int64_t C = job->chunk > 0 ? job->chunk : 262144;
        C = C < W ? W : C - C % W;
        int *scount = calloc((size_t)R, sizeof *scount), *sdisp = calloc((size_t)R, sizeof *sdisp);
        int *rcount = calloc((size_t)R, sizeof *rcount), *rdisp = calloc((size_t)R, sizeof *rdisp);
        int *s1 = calloc((size_t)R, sizeof *s1), *sd1 = calloc((size_t)R, sizeof *sd1);
        int *r1 = calloc((size_t)R, sizeof *r1), *rd1 = calloc((size_t)R, sizeof *rd1);
        double *slab = malloc((size_t)(C * a) * sizeof *slab), *packed = malloc((size_t)(C * a) * sizeof *packed);
        double *mine = malloc((size_t)(C * a) * sizeof *mine), *res = malloc((size_t)C * sizeof *res);
        double *back = malloc((size_t)C * sizeof *back), *outslab = malloc((size_t)C * sizeof *outslab);
        const int64_t window = (int64_t)R * C;

        for (int64_t ws = 0; ws < N; ws += window) {
            const int64_t first = ws + (int64_t)r * C;
            const int64_t cnt = first >= N ? 0 : (N - first < C ? N - first : C);
            MPI_File_read_at(in, (MPI_Offset)(first * a * 8), slab, (int)(cnt * a), MPI_DOUBLE,
                                 MPI_STATUS_IGNORE);
            if (check) {
                const int64_t j = first_bad(job, slab, cnt, &why);
                const int64_t gi = j < 0 ? INT64_MAX : first + j;
                bad = min_all(gi);
                report_bad(job, gi, bad, why);
                if (bad != INT64_MAX)
                    break;
            }
            if (R == 1) {                    /* every record is this rank's already */
#pragma omp parallel for num_threads(T) schedule(static, 1)
                for (int th = 0; th < T; th++)
                    t->fn(slab + (int64_t)th * a, outslab + th, decomp_count(cnt, th, T), T);
                MPI_File_write_at(out, (MPI_Offset)(first * 8), outslab, (int)cnt, MPI_DOUBLE,
                                  MPI_STATUS_IGNORE);
                continue;
            }
            /* who gets what: the slab of rank q holds records q*C.. of the window,
             * a whole number of W-cycles from a multiple of W */
            int64_t total = 0;
            for (int q = 0; q < R; q++) {
                const int64_t fq = ws + (int64_t)q * C;
                const int64_t cq = fq >= N ? 0 : (N - fq < C ? N - fq : C);
                int64_t to_q = 0, from_q = 0;
                for (int th = 0; th < T; th++) {
                    to_q += decomp_count(cnt, (int64_t)q * T + th, W);
                    from_q += decomp_count(cq, (int64_t)r * T + th, W);
                }
                scount[q] = (int)(to_q * a);
                rcount[q] = (int)(from_q * a);
                s1[q] = (int)to_q;
                r1[q] = (int)from_q;
                total += from_q;
            }
            for (int q = 1; q < R; q++) {
                sdisp[q] = sdisp[q - 1] + scount[q - 1];
                rdisp[q] = rdisp[q - 1] + rcount[q - 1];
                sd1[q] = sd1[q - 1] + s1[q - 1];
                rd1[q] = rd1[q - 1] + r1[q - 1];
            }
            /* rank q's records: blocks of T at q*T in every cycle of W */
            for (int q = 0; q < R; q++) {
                double *dst = packed + sdisp[q];
                for (int64_t b0 = (int64_t)q * T; b0 < cnt; b0 += W) {
                    const int64_t len = (cnt - b0 < T ? cnt - b0 : T) * a;
                    const double *src = slab + b0 * a;
                    for (int64_t e = 0; e < len; e++)
                        *dst++ = src[e];
                }
            }
            MPI_Alltoallv(packed, scount, sdisp, MPI_DOUBLE, mine, rcount, rdisp, MPI_DOUBLE,
                          MPI_COMM_WORLD);
            /* received in source order, blocks of T per cycle: position p is thread p mod T */
#pragma omp parallel for num_threads(T) schedule(static, 1)
            for (int th = 0; th < T; th++)
                t->fn(mine + (int64_t)th * a, res + th, decomp_count(total, th, T), T);
            MPI_Alltoallv(res, r1, rd1, MPI_DOUBLE, back, s1, sd1, MPI_DOUBLE, MPI_COMM_WORLD);
            for (int q = 0; q < R; q++) {
                const double *src = back + sd1[q];
                for (int64_t b0 = (int64_t)q * T; b0 < cnt; b0 += W) {
                    const int64_t len = cnt - b0 < T ? cnt - b0 : T;
                    for (int64_t e = 0; e < len; e++)
                        outslab[b0 + e] = *src++;
                }
            }
            MPI_File_write_at(out, (MPI_Offset)(first * 8), outslab, (int)cnt, MPI_DOUBLE,
                                  MPI_STATUS_IGNORE);
        }
        free(scount), free(sdisp), free(rcount), free(rdisp);
        free(s1), free(sd1), free(r1), free(rd1);
        free(slab), free(packed), free(mine), free(res), free(back), free(outslab);
    } else {
        /* chunks of C consecutive records handed out by an atomic counter on rank 0:
         * the MPI port of the workshop's shared Value with its lock */
        int64_t C = job->chunk;
        if (C <= 0) {
            C = N / ((int64_t)R * 16);
            C = C < 1 ? 1 : (C > 65536 ? 65536 : C);
        }
        double *inb = malloc((size_t)(C * a) * sizeof *inb), *outb = malloc((size_t)C * sizeof *outb);
        int64_t *counter, one = 1, claim, mybad = INT64_MAX;
        MPI_Win win;
        MPI_Win_allocate(r == 0 ? sizeof(int64_t) : 0, sizeof(int64_t), MPI_INFO_NULL,
                         MPI_COMM_WORLD, &counter, &win);
        if (r == 0)
            *counter = 0;
        MPI_Barrier(MPI_COMM_WORLD);
        MPI_Win_lock_all(0, win);
        for (;;) {
            MPI_Fetch_and_op(&one, &claim, MPI_INT64_T, 0, 0, MPI_SUM, win);
            MPI_Win_flush(0, win);
            const int64_t first = claim * C;
            if (first >= N)
                break;
            const int64_t cnt = N - first < C ? N - first : C;
            MPI_File_read_at(in, (MPI_Offset)(first * a * 8), inb, (int)(cnt * a), MPI_DOUBLE,
                             MPI_STATUS_IGNORE);
            if (check) {
                const char *w = NULL;
                const int64_t j = first_bad(job, inb, cnt, &w);
                if (j >= 0 && first + j < mybad) {
                    mybad = first + j;
                    why = w;
                }
            }
            if (mybad != INT64_MAX)
                continue;                    /* check the rest, write nothing more */
#pragma omp parallel for num_threads(T) schedule(dynamic, 1)
            for (int64_t j = 0; j < cnt; j++)
                t->fn(inb + j * a, outb + j, 1, 1);
            MPI_File_write_at(out, (MPI_Offset)(first * 8), outb, (int)cnt, MPI_DOUBLE,
                              MPI_STATUS_IGNORE);
        }
        MPI_Win_unlock_all(win);
        MPI_Win_free(&win);
        bad = min_all(mybad);
        report_bad(job, mybad, bad, why);
        free(inb);
        free(outb);
    }
    if (bad != INT64_MAX)
        rc = 2;
    MPI_File_close(&in);
    MPI_File_close(&out);
    return rc;
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
            char *grown = n < 0 ? NULL : realloc(*text, 2 * *cap + (size_t)n + 64);
            if (!grown) {                    /* formats are checked: not expected */
                fprintf(stderr, "map: cannot format %g with '%s'\n", v[j], fmt);
                exit(1);
            }
            *cap = 2 * *cap + (size_t)n + 64;
            *text = grown;
        }
    }
    return len;
}

int mapio_records_to_text(const map_job *job, const char *inpath, const char *outpath,
                          int64_t N)
{
    const int r = rank_(), R = size_();
    MPI_File in, out;
    size_t cap = (size_t)FORMAT_CHUNK * 26;
    char *text = malloc(cap);
    double *v = malloc((size_t)FORMAT_CHUNK * sizeof *v);
    int rc = 0;

    if (!outpath) {                          /* standard output: rank 0 streams it */
        if (r == 0) {
            MPI_File_open(MPI_COMM_SELF, inpath, MPI_MODE_RDONLY, MPI_INFO_NULL, &in);
            for (int64_t first = 0; first < N; first += FORMAT_CHUNK) {
                const int64_t cnt = N - first < FORMAT_CHUNK ? N - first : FORMAT_CHUNK;
                MPI_File_read_at(in, (MPI_Offset)(first * 8), v, (int)cnt, MPI_DOUBLE,
                                 MPI_STATUS_IGNORE);
                const size_t len = format_values(job->fmt, v, cnt, &text, &cap);
                if (fwrite(text, 1, len, stdout) != len) {
                    rc = 1;
                    break;
                }
            }
            if (fflush(stdout) != 0)
                rc = 1;
            MPI_File_close(&in);
        }
        MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
        free(text);
        free(v);
        return rc;
    }
    if (open_all(inpath, MPI_MODE_RDONLY, &in, "read") ||
        open_all(outpath, MPI_MODE_CREATE | MPI_MODE_WRONLY, &out, "write")) {
        free(text);
        free(v);
        return 2;
    }
    MPI_File_set_size(out, 0);
    int64_t base = 0;
    for (int64_t ws = 0; ws < N; ws += (int64_t)R * FORMAT_CHUNK) {
        const int64_t first = ws + (int64_t)r * FORMAT_CHUNK;
        const int64_t cnt = first >= N ? 0 : (N - first < FORMAT_CHUNK ? N - first : FORMAT_CHUNK);
        MPI_File_read_at_all(in, (MPI_Offset)(first * 8), v, (int)cnt, MPI_DOUBLE,
                             MPI_STATUS_IGNORE);
        const int64_t len = (int64_t)format_values(job->fmt, v, cnt, &text, &cap);
        int64_t before = 0;
        MPI_Exscan(&len, &before, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
        if (r == 0)
            before = 0;
        MPI_File_write_at_all(out, (MPI_Offset)(base + before), text, (int)len, MPI_CHAR,
                              MPI_STATUS_IGNORE);
        base += sum_all(len);
    }
    MPI_File_close(&in);
    MPI_File_close(&out);
    free(text);
    free(v);
    return rc;
}

int mapio_records_to_stdout(const char *inpath, int64_t N)
{
    int rc = 0;
    if (rank_() == 0) {
        MPI_File in;
        double *v = malloc((size_t)FORMAT_CHUNK * sizeof *v);
        MPI_File_open(MPI_COMM_SELF, inpath, MPI_MODE_RDONLY, MPI_INFO_NULL, &in);
        for (int64_t first = 0; first < N && !rc; first += FORMAT_CHUNK) {
            const int64_t cnt = N - first < FORMAT_CHUNK ? N - first : FORMAT_CHUNK;
            MPI_File_read_at(in, (MPI_Offset)(first * 8), v, (int)cnt, MPI_DOUBLE,
                             MPI_STATUS_IGNORE);
            rc = fwrite(v, 8, (size_t)cnt, stdout) != (size_t)cnt;
        }
        rc |= fflush(stdout) != 0;
        MPI_File_close(&in);
        free(v);
    }
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return rc;
}
