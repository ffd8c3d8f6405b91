/* sink.c - where map's results go, in input order: one file written by every rank (MPI-IO), or rank 0's descriptor; and their text. */
#include "round.h"

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

void sink_put(sink_state *k, round_bufs *B, const void *buf, int64_t len)
{
    const int r = par_rank(), R = par_size();
    int64_t *lens = B->ranges.p, before = 0, total = 0; /* sized by round_begin */
    xc_allgather_i64(&len, 1, lens);
    for (int q = 0; q < R; q++) {
        before += q < r ? lens[q] : 0;
        total += lens[q];
    }
    if (k->s->path)
        mf_write(&k->f, k->written + before, buf, (size_t)len, 1);
    else if (r == 0)
        put_fd(k, B, buf, lens);
    else
        for (int64_t at = 0; at < len; at += SINK_PIECE)
            msg_send((const char *)buf + at, (size_t)(len - at < SINK_PIECE ? len - at : SINK_PIECE), 0, 7);
    k->written += total;
}

void sink_close(sink_state *k, int ok)
{
    if (k->s->path)
        mf_close(&k->f, ok && k->s->sync);
}

int64_t round_format(const map_job *job, round_bufs *B, const double *v, int64_t n)
{
    size_t len = 0;
    if (!job->fmt) {                         /* Python's repr, by std::to_chars */
        if (grow(&B->text, (size_t)n * (NUMCONV_REPR_MAX + 1) + 1))
            return -1;
        char *t = B->text.p;
        for (int64_t j = 0; j < n; j++) {
            len += numconv_repr(v[j], t + len);
            t[len++] = '\n';
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
