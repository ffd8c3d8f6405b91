/* round.h - one round of map inside drivers/map: buffers, the two schedules' compute step, the ordered sink. */
#ifndef PIPORT_MAP_ROUND_H
#define PIPORT_MAP_ROUND_H

#include <stddef.h>
#include <stdint.h>

#include "mpiio.h"
#include "msg.h"
#include "passes.h"

/// A buffer that grows (never shrinks) as rounds need.
typedef struct {
    void *p;     ///< the memory
    size_t cap;  ///< its bytes
} growbuf;

/// Make b at least `bytes` long; 0, or 1 after remembering the failure (mf_fail).
int grow(growbuf *b, size_t bytes);

/// Free a buffer.
void grow_free(growbuf *b);

/// The memory of a run's rounds, on one rank.
typedef struct {
    growbuf recs, res;            ///< this rank's records (arity each) and their results
    growbuf packed, mine, mres, back; ///< the cyclic exchange: out, in, computed, returned
    growbuf text, in;             ///< formatted output; raw input text
    growbuf relay;                ///< rank 0: other ranks' output on its way to a descriptor
    growbuf counts;               ///< int arrays of the exchange (6 per rank)
    growbuf ranges;               ///< every rank's (first record, count)
    msg_win *win;                 ///< dynamic: rank 0's counter, records and results
    int64_t win_recs;             ///< dynamic: records a round may hold in win
    uint64_t claims;              ///< dynamic: claims made in earlier rounds (all ranks)
} round_bufs;

/// Bytes a rank's output travels to rank 0 in, when rank 0 writes it to a descriptor.
enum { SINK_PIECE = 1 << 20 };

/// Collective: set up the buffers every round needs and the schedule's state (dynamic: the
/// window for rounds of up to max_recs records); 0 or 1 (out of memory, agreed).
int round_begin(const map_job *job, round_bufs *B, int64_t max_recs);

/// Collective: free everything.
void round_end(round_bufs *B);

/// Collective: results of this rank's records [first, first + n) (B->recs) into B->res, on
/// the job's schedule; the round's records on all ranks are [base, base + total).  0, or 1
/// after an allocation failure (agreed).
int round_compute(const map_job *job, round_bufs *B, int64_t first, int64_t n, int64_t base,
                  int64_t total);

/// Index of the first record of recs[0..n) that is not acceptable input, or -1; *why says.
int64_t round_bad_input(const map_job *job, const double *recs, int64_t n, const char **why);

/// Index of the first non-finite result in res[0..n) (unless allowed), or -1; *why says.
int64_t round_bad_result(const map_job *job, const double *res, int64_t n, const char **why);

/// Collective: the first bad record over all ranks (this rank's is `mine`, INT64_MAX if none),
/// said once by the rank that has it as "NAME: record N: why".  1 if there is one.
int round_agree_bad(const map_job *job, int64_t mine, const char *why);

/// An open sink: the file, or rank 0's descriptor; *written bytes so far.
typedef struct {
    const map_sink *s;  ///< where
    mfile f;            ///< the file, if s->path
    int64_t written;    ///< bytes written by all ranks so far
} sink_state;

/// Collective open; 0 or 1 (said).
int sink_open(const map_sink *s, sink_state *k);

/// Collective: append every rank's len bytes at buf, in rank order; failures remembered
/// (mf_agree says them).
void sink_put(sink_state *k, round_bufs *B, const void *buf, int64_t len);

/// Collective close (synced if the sink asks); failures remembered.
void sink_close(sink_state *k, int ok);

/// Format n results as lines (job->fmt, or Python's repr) into B->text; the byte count, or
/// -1 after remembering an allocation failure.
int64_t round_format(const map_job *job, round_bufs *B, const double *v, int64_t n);

#endif
