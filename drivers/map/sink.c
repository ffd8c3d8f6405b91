/* sink.c - where map's results go, in input order: one file written by every rank (MPI-IO), or rank 0's descriptor; and their text. */
#include "round.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "exchange.h"
#include "msg.h"
#include "numconv.h"
#include "outfile.h"
#include "par.h"

int sink_open(const map_sink *s, sink_state *k)
{
    memset(k, 0, sizeof *k);
    k->s = s;
    if (!s->path)
        return 0;
    return mf_open(s->path, s->name, MF_WRITE, &k->f, "write");
}

/// Rank 0: write len bytes to the descriptor, unless a write failed before.
static void write_fd(sink_state *k, const void *buf, size_t len)
{
    if (!len || mf_failed())
        return;
    const int e = outfile_write_all(k->s->fd, buf, len);
    if (e)
        mf_fail("write", k->s->name, strerror(e));
}

/// Rank 0: its own bytes, then every other rank's, in rank order, to the descriptor; they come
/// in pieces of SINK_PIECE bytes (msg_recv), taken even after a failed write (none waits).
static void put_fd(sink_state *k, round_bufs *B, const void *buf, const int64_t *lens)
{
    write_fd(k, buf, (size_t)lens[0]);
    for (int q = 1; q < par_size(); q++)
        for (int64_t at = 0; at < lens[q]; at += SINK_PIECE) {
            const size_t piece = (size_t)(lens[q] - at < SINK_PIECE ? lens[q] - at : SINK_PIECE);
            msg_recv(B->relay.p, piece, q, 7);
            write_fd(k, B->relay.p, piece);
        }
}

/// This rank's len bytes after everything before them: rank q writes all[q * stride] bytes.
static void sink_put(sink_state *k, round_bufs *B, const void *buf, const int64_t *all,
                     int stride)
{
    const int r = par_rank(), R = par_size();
    int64_t before = 0, total = 0, *lens = (int64_t *)B->ranges.p + 7 * R; /* past the gathers */
    for (int q = 0; q < R; q++) {
        lens[q] = all[q * stride];
        before += q < r ? lens[q] : 0;
        total += lens[q];
    }
    const int64_t len = lens[r];
    if (k->s->path)
        mf_write(&k->f, k->written + before, buf, (size_t)len, 0); /* contiguous: independent */
    else if (r == 0)
        put_fd(k, B, buf, lens);
    else
        for (int64_t at = 0; at < len; at += SINK_PIECE)
            msg_send((const char *)buf + at, (size_t)(len - at < SINK_PIECE ? len - at : SINK_PIECE),
                     0, 7);
    k->written += total;
}

void sink_close(sink_state *k, int ok)
{
    if (k->s->path)
        mf_close(&k->f, ok && k->s->sync);
}

/// Index of the first non-finite result in res[0..n) (unless allowed), or -1; *why says.
static int64_t bad_result(const map_job *job, const double *res, int64_t n, const char **why)
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

/// Format n results as lines (job->fmt, or Python's repr) into B->text; the byte count, or
/// -1 after remembering an allocation failure.
static int64_t format_text(const map_job *job, round_bufs *B, const double *v, int64_t n)
{
    size_t len = 0;
    if (!job->fmt) {                         /* Python's repr, by Dragonbox */
        for (int64_t j = 0; j < n; j += 4096) {
            const int64_t m = n - j < 4096 ? n - j : 4096;
            if (grow(&B->text, len + (size_t)m * (NUMCONV_REPR_MAX + 1)))
                return -1;
            char *t = B->text.p;
            for (int64_t i = j; i < j + m; i++) {
                len += numconv_repr(v[i], t + len);
                t[len++] = '\n';
            }
        }
        return (int64_t)len;
    }
    const size_t most = strlen(job->fmt) + 512; /* checked formats: width, precision <= 100 */
    for (int64_t j = 0; j < n; j++) {
        if (grow(&B->text, len + most))
            return -1;
        char *t = B->text.p;
        const int w = snprintf(t + len, B->text.cap - len, job->fmt, v[j]);
        if (w < 0 || (size_t)w + 1 >= B->text.cap - len) {
            mf_fail("format", "a result", "--format gives more text than expected");
            return -1;
        }
        len += (size_t)w;
        t[len++] = '\n';
    }
    return (int64_t)len;
}

int64_t round_output(const map_job *job, round_bufs *B, int64_t n, int binary, int64_t *bad,
                     const char **why)
{
    *why = "";
    *bad = bad_result(job, B->res.p, n, why);
    return binary ? n * 8 : *bad >= 0 ? 0 : format_text(job, B, B->res.p, n);
}

void round_write(sink_state *k, round_bufs *B, const void *buf, const int64_t *all, int stride)
{
    sink_put(k, B, buf, all, stride);
}

int round_finish(const map_job *job, round_bufs *B, sink_state *k, int64_t first, int64_t n,
                 int binary)
{
    const char *why;
    int64_t j;
    const int64_t len = round_output(job, B, n, binary, &j, &why);
    int64_t mine[3] = {mf_failed(), j < 0 ? INT64_MAX : first + j, len < 0 ? 0 : len};
    int64_t *all = B->ranges.p;
    xc_allgather_i64(mine, 3, all);
    if (round_failed(all, 3))
        return 1;
    if (round_bad(job, all + 1, 3, mine[1], why))
        return 2;
    round_write(k, B, binary ? B->res.p : B->text.p, all + 2, 3);
    return 0;
}
