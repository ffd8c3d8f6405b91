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
    growbuf ranges;               ///< 8 words a rank: a round's gather (up to 7), then lengths
    msg_win *win;                 ///< dynamic: rank 0's counter, records and results
    int64_t win_recs;             ///< dynamic: records a round may hold in win
    uint64_t claims;              ///< dynamic: claims made in earlier rounds (all ranks)
} round_bufs;

/// Bytes a rank's output travels to rank 0 in, when rank 0 writes it to a descriptor.
enum { SINK_PIECE = 1 << 20 };

/// Collective: reserve every buffer a round needs (a rank parses or reads at most parse_max
/// records a round, all ranks together at most window_max) and the schedule's state (dynamic:
/// rank 0's window of window_max records); 0 or 1 (out of memory, said and agreed).  Rounds
/// then allocate nothing but the text they format.
int round_begin(const map_job *job, round_bufs *B, int64_t parse_max, int64_t window_max);

/// Collective: free everything.
void round_end(round_bufs *B);

/// Results of this rank's n records (B->recs) into B->res where they are, on the job's threads:
/// for a uniform transform on the cyclic schedule (the same results on any worker), no
/// communication.
void round_compute_here(const map_job *job, round_bufs *B, int64_t n);

/// Collective: results of this rank's records (B->recs) into B->res, on the job's schedule.
/// Rank q has all[q * stride] records this round, consecutive from record `base` in rank order.
void round_compute(const map_job *job, round_bufs *B, const int64_t *all, int stride,
                   int64_t base);

/// Index of the first record of recs[0..n) that is not acceptable input, or -1; *why says.
int64_t round_bad_input(const map_job *job, const double *recs, int64_t n, const char **why);

/// After an all-gather of one word per rank at all[q * stride], nonzero where a rank failed:
/// the lowest such rank says its failure (mf_agreed); 1 if there is one.
int round_failed(const int64_t *all, int stride);

/// After an all-gather of every rank's first bad record at all[q * stride] (INT64_MAX if none;
/// this rank's is `mine`): the first is said as "NAME: record N: why" by its rank; 1 if any.
int round_bad(const map_job *job, const int64_t *all, int stride, int64_t mine, const char *why);

/// An open sink: the file, or rank 0's descriptor; *written bytes so far.
typedef struct {
    const map_sink *s;  ///< where
    mfile f;            ///< the file, if s->path
    int64_t written;    ///< bytes written by all ranks so far
} sink_state;

/// Collective open; 0 or 1 (said).
int sink_open(const map_sink *s, sink_state *k);

/// Collective close (synced if the sink asks and ok); failures remembered.
void sink_close(sink_state *k, int ok);

/// This rank's n results (B->res) checked (non-finite unless allowed: *bad is the first such
/// index, or -1, and *why says) and laid out for the sink: text lines in B->text, or float64 as
/// they are (binary).  The bytes to write, or -1 after remembering an allocation failure.
int64_t round_output(const map_job *job, round_bufs *B, int64_t n, int binary, int64_t *bad,
                     const char **why);

/// Collective: round_output's bytes of every rank (rank q's count at all[q * stride], this
/// rank's at buf: B->text's lines or B->res's float64, or lines kept from an earlier round)
/// written after everything before them, in rank order.
void round_write(sink_state *k, round_bufs *B, const void *buf, const int64_t *all, int stride);

/// Collective: the end of every round: this rank's n results (records first.. of the input)
/// are checked (non-finite unless allowed), formatted as text lines or kept as float64
/// (binary), and written after everything before them, in rank order.  0, 1 (a failure,
/// said), or 2 (a bad result, said).  A write's failure is said at the next round's verdict.
int round_finish(const map_job *job, round_bufs *B, sink_state *k, int64_t first, int64_t n,
                 int binary);

#endif
