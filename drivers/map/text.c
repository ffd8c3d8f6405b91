/* text.c - map's text input in rounds: every rank parses its part of the file (or rank 0 a stream), then compute, format, write. */
#include "passes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "exchange.h"
#include "par.h"
#include "records.h"
#include "round.h"

enum {
    TEXT_PART_MIN = 256,     ///< bytes of text per rank per round: 16 x --chunk, at least this
    TEXT_PART_MAX = 1 << 22, ///< ... and at most this
    TEXT_PART = 1 << 21,     ///< ... by default (about 110000 lines of 18 bytes)
    TEXT_PART_DYN = 1 << 20, ///< dynamic: the bytes of a round's text over all ranks, at most
    LOOKAHEAD = 1 << 16      ///< longest line (65536 bytes): read past a part to finish its last
};

/// One rank's part of the text in one round: bytes [s, e) of the file, readable up to rd1.
typedef struct {
    const char *b;    ///< b[x] is the byte at file offset x
    int64_t s, e;     ///< the part
    int64_t rd1;      ///< end of what was read (the part plus lookahead)
    int64_t size;     ///< file size
    int64_t nl;       ///< newlines in [s, e) (a stream: lines read)
    int64_t nrec;     ///< records parsed
    int64_t bad_nl;   ///< newlines before the first bad line in the part, -1 if none
    char why[160];    ///< why that line is bad ("" if already said)
} text_part;

/// Lines and records of the rounds done, on every rank.
typedef struct {
    int64_t lines, recs;
    int more;         ///< a stream: rank 0 has more to read
} text_totals;

/// One line of text to a record at rec; 0 (record, or blank), 1 (bad: tp->why, tp->bad_nl).
static int parse_one(const map_job *job, const char *line, size_t len, double *rec,
                     text_part *tp, int64_t nl_before)
{
    const char *bad = NULL;
    line_kind k = records_parse_line(line, len, job->t->arity, rec, tp->why, sizeof tp->why);
    if (k == LINE_RECORD && round_bad_input(job, rec, 1, &bad) == 0)
        snprintf(tp->why, sizeof tp->why, "%s", bad);
    if (k == LINE_BAD || bad) {
        tp->bad_nl = nl_before;
        return 1;
    }
    tp->nrec += k == LINE_RECORD;
    return 0;
}

/// Parse the lines that start in [s, e) into recs; a line starting before s belongs to
/// the part before.
static void parse_part(const map_job *job, text_part *tp, double *recs)
{
    const char *b = tp->b;
    int64_t p = tp->s, nl_before = 0; /* newlines in [s, p) */
    tp->nl = tp->nrec = 0;                  /* newlines in [s, e): counted as lines end */
    tp->bad_nl = -1;
    if (tp->s > 0 && tp->s < tp->e && b[tp->s - 1] != '\n') {
        const char *nl = memchr(b + p, '\n', (size_t)(tp->rd1 - p));
        p = nl ? nl - b + 1 : tp->rd1 + 1;
        nl_before = 1;
        tp->nl = p - 1 < tp->e;
    }
    while (p < tp->e) {
        const char *nl = memchr(b + p, '\n', (size_t)(tp->rd1 - p));
        const int64_t q = nl ? nl - b : tp->rd1;
        if ((q == tp->rd1 && tp->rd1 < tp->size) || q - p > LOOKAHEAD) { /* one limit */
            tp->bad_nl = nl_before;
            snprintf(tp->why, sizeof tp->why, "line longer than %d bytes", LOOKAHEAD);
            return;
        }
        if (parse_one(job, b + p, (size_t)(q - p), recs + tp->nrec * job->t->arity, tp, nl_before))
            return;
        nl_before++;
        tp->nl += q < tp->e;
        p = q + 1;
    }
}

/// What the round's gather says of the lines: this rank's lines and records before it, the
/// round's, and the first bad line (-1 if none), which its own rank says.
typedef struct {
    int64_t lines_before, recs_before, nl, nrec, bad_line;
} round_lines;

/// Read the lines' words (rank q: lines at all[q * stride], records, first bad line after them)
/// and say the first bad line if it is this rank's.
static round_lines count_lines(const map_job *job, const text_part *tp, const text_totals *tot,
                               const int64_t *all, int stride)
{
    const int r = par_rank();
    round_lines c = {0, 0, 0, 0, -1};
    for (int q = 0; q < par_size(); q++) {
        const int64_t *w = all + (size_t)q * (size_t)stride;
        if (c.bad_line < 0 && w[2] >= 0)
            c.bad_line = tot->lines + c.nl + w[2] + 1;
        c.lines_before += q < r ? w[0] : 0;
        c.recs_before += q < r ? w[1] : 0;
        c.nl += w[0];
        c.nrec += w[1];
    }
    if (c.bad_line >= 0 && tp->bad_nl >= 0 && tp->why[0] &&
        tot->lines + c.lines_before + tp->bad_nl + 1 == c.bad_line)
        fprintf(stderr, "%s:%lld: %s\n", job->name, (long long)c.bad_line, tp->why);
    return c;
}

/// Collective: the rest of a round once every rank has its records: failures and the first
/// bad line said (by the rank that has it), the records computed, checked, written.
static int finish_round(const map_job *job, round_bufs *B, sink_state *k, const text_part *tp,
                        text_totals *tot, int more)
{
    int64_t mine[5] = {mf_failed(), tp->nl, tp->nrec, tp->bad_nl, more}, *all = B->ranges.p;
    xc_allgather_i64(mine, 5, all);          /* one gather: failures, counts, bad lines */
    if (round_failed(all, 5))
        return 1;
    tot->more = (int)all[4];                 /* rank 0's word: a stream goes on */
    const round_lines c = count_lines(job, tp, tot, all + 1, 5);
    if (c.bad_line >= 0)
        return 2;
    round_compute(job, B, all + 2, 5, tot->recs);
    const int rc = round_finish(job, B, k, tot->recs + c.recs_before, tp->nrec, 0);
    tot->lines += c.nl;
    tot->recs += c.nrec;
    return rc;
}

/// A round whose records are computed where they are parsed (a uniform transform, cyclic):
/// computed, checked and formatted first, so that one gather says failures, bad lines, bad
/// results and the text's lengths (finish_round needs two); a text file's next round is
/// parsed while that gather is under way.
typedef struct {
    text_part tp;        ///< the part: lines, records, first bad line
    int64_t mine[7];     ///< failed, lines, records, bad line, more, bad result, bytes
    int64_t *all;        ///< 7 words a rank, once gathered
    growbuf text;        ///< this rank's lines
    const char *why;     ///< why its bad result is bad
    xc_pending *gather;  ///< the gather, until here_end waits for it
} here_round;

/// Start h's round (h->tp parsed): computed, checked, formatted into h->text (the buffer of
/// the round before the last, written already), and its gather started.
static void here_start(const map_job *job, round_bufs *B, here_round *h, int more)
{
    int64_t bad = -1, len = 0;
    h->why = "";
    if (h->tp.bad_nl < 0) {                  /* the round stops at a bad line: no results */
        const growbuf t = B->text;           /* round_output formats into B->text */
        B->text = h->text;
        round_compute_here(job, B, h->tp.nrec);
        len = round_output(job, B, h->tp.nrec, 0, &bad, &h->why);
        h->text = B->text;
        B->text = t;
    }
    const int64_t m[7] = {mf_failed(), h->tp.nl, h->tp.nrec, h->tp.bad_nl, more,
                          bad < 0 ? INT64_MAX : bad, len < 0 ? 0 : len};
    memcpy(h->mine, m, sizeof m);
    h->gather = xc_allgather_start(h->mine, 7, h->all);
}

/// Collective: the end of a started round: its gather waited for; failures, the first bad
/// line or bad result said, or its lines written.  A bad line anywhere in the round still
/// comes before a bad result.  0, 1 (a failure, said) or 2 (bad input or result, said).
static int here_end(const map_job *job, round_bufs *B, sink_state *k, here_round *h,
                    text_totals *tot)
{
    const int r = par_rank(), R = par_size();
    int64_t *all = h->all;
    xc_wait(h->gather);
    h->gather = NULL;
    if (round_failed(all, 7))
        return 1;
    tot->more = (int)all[4];
    const round_lines c = count_lines(job, &h->tp, tot, all + 1, 7);
    if (c.bad_line >= 0)
        return 2;
    int64_t base = tot->recs, my_bad = INT64_MAX; /* bad results: index in the whole input */
    for (int q = 0; q < R; q++) {
        if (all[7 * q + 5] != INT64_MAX)
            all[7 * q + 5] += base;
        my_bad = q == r ? all[7 * q + 5] : my_bad;
        base += all[7 * q + 2];
    }
    if (round_bad(job, all + 5, 7, my_bad, h->why))
        return 2;
    round_write(k, B, h->text.p, all + 6, 7);
    tot->lines += c.nl;
    tot->recs += c.nrec;
    return 0;
}

/// Collective: a round's end once every rank has parsed its part tp: here_start and here_end
/// at once (h: the gather's words and kept lines) when no record needs to move, else
/// finish_round.
static int end_round(const map_job *job, round_bufs *B, sink_state *k, const text_part *tp,
                     text_totals *tot, int more, here_round *h)
{
    if (job->dynamic || !job->t->uniform)
        return finish_round(job, B, k, tp, tot, more);
    h->tp = *tp;
    here_start(job, B, h, more);
    return here_end(job, B, k, h, tot);
}

/// This rank's part of the round that starts at offset ws of the S-byte file: read (with the
/// lookahead that finishes its last line) into B->in and parsed into B->recs.
static text_part read_part(const map_job *job, round_bufs *B, mfile *in, int64_t S, int64_t ws,
                           int64_t part)
{
    text_part tp = {.size = S};
    tp.s = ws + (int64_t)par_rank() * part;
    tp.s = tp.s > S ? S : tp.s;
    tp.e = tp.s + part > S ? S : tp.s + part;
    const int64_t rd0 = tp.s > 0 ? tp.s - 1 : 0;
    tp.rd1 = tp.s < tp.e ? (tp.e + LOOKAHEAD < S ? tp.e + LOOKAHEAD : S) : rd0;
    mf_read(in, rd0, B->in.p, (size_t)(tp.rd1 - rd0), 0); /* contiguous: independent */
    tp.b = (const char *)B->in.p - rd0;
    parse_part(job, &tp, B->recs.p);
    return tp;
}

/// Collective: every rank parses its part of the file, round after round; where records stay
/// where they are parsed, round i+1 is parsed and formatted while round i's gather is under
/// way, and round i is written once round i+1 is parsed (two here_rounds in turn).
static int text_file(const map_job *job, round_bufs *B, sink_state *k, mfile *in,
                     int64_t part, text_totals *tot)
{
    const int R = par_size(), here = !job->dynamic && job->t->uniform;
    /* odd ranks write round i-1 before formatting round i, even ranks after: the ranks' writes
     * to the one file then fall at different times (a buffered write holds the inode's lock) */
    const int early = par_rank() & 1;
    const int64_t S = mf_size(in);
    growbuf words = {0};                     /* the second round's gather */
    here_round h[2] = {{.all = B->ranges.p}, {.all = NULL}}, *prev = NULL;
    grow(&B->in, (size_t)part + LOOKAHEAD + 1);
    if (here && !grow(&words, (size_t)R * 7 * sizeof(int64_t)))
        h[1].all = words.p;
    int rc = mf_agree();
    for (int64_t ws = 0, i = 0; !rc && ws < S; ws += (int64_t)R * part, i++) {
        const text_part tp = read_part(job, B, in, S, ws, part);
        if (!here) {
            rc = end_round(job, B, k, &tp, tot, 0, h);
            continue;
        }
        here_round *cur = &h[i % 2];
        cur->tp = tp;
        if (prev && early)
            rc = here_end(job, B, k, prev, tot);
        here_start(job, B, cur, 0);          /* on every rank, even after a failed end */
        if (prev && !early)
            rc = here_end(job, B, k, prev, tot);
        prev = cur;
    }
    if (prev && !rc)
        rc = here_end(job, B, k, prev, tot);
    else if (prev)
        xc_wait(prev->gather);               /* started on every rank: finished on every rank */
    grow_free(&h[0].text), grow_free(&h[1].text), grow_free(&words);
    return rc;
}

/// Rank 0: read whole lines of a stream into records until `budget` bytes or the end; 1 if
/// there is more to read.  A bad line or a read error ends it (tp->bad_nl).
static int read_stream(const map_job *job, round_bufs *B, FILE *in, text_part *tp,
                       int64_t budget, char **line, size_t *cap)
{
    const int a = job->t->arity;
    ssize_t len;
    for (int64_t used = 0; used < budget;) {
        if ((len = getline(line, cap, in)) < 0) {
            if (ferror(in)) {                /* said here: not a line's fault */
                fprintf(stderr, "map: cannot read '%s': %s\n", job->name, strerror(errno));
                tp->why[0] = '\0';
                tp->bad_nl = tp->nl;
            }
            return 0;
        }
        used += len;
        if (len && (*line)[len - 1] == '\n')
            len--;
        if (len > LOOKAHEAD) {
            tp->bad_nl = tp->nl;
            snprintf(tp->why, sizeof tp->why, "line longer than %d bytes", LOOKAHEAD);
            return 0;
        }
        if (parse_one(job, *line, (size_t)len, (double *)B->recs.p + tp->nrec * a, tp, tp->nl))
            return 0;
        tp->nl++;
    }
    return 1;
}

/// Rank 0's stream: standard input itself when path is NULL or names the pipe or FIFO already
/// open as standard input (/dev/stdin: opened again by name, a FIFO waits for a writer, and
/// slurm/mpilaunch's under Hydra may have finished writing already); else path opened.
static FILE *open_stream(const char *path)
{
    struct stat a, b;

    if (!path)
        return stdin;
    if (fstat(STDIN_FILENO, &a) == 0 && S_ISFIFO(a.st_mode) && stat(path, &b) == 0 &&
        a.st_dev == b.st_dev && a.st_ino == b.st_ino)
        return stdin;
    return fopen(path, "r");
}

/// Rank 0 alone reads a stream: standard input (mpirun forwards it to rank 0 only, path
/// NULL), a pipe, a FIFO, a /proc file; every rank computes, formats and writes.
static int text_stream(const map_job *job, round_bufs *B, sink_state *k, const char *path,
                       int64_t budget, text_totals *tot)
{
    FILE *in = par_rank() != 0 ? NULL : open_stream(path);
    int rc = 0;
    if (par_rank() == 0 && !in) {
        fprintf(stderr, "map: cannot read '%s': %s\n", path, strerror(errno));
        rc = 2;
    }
    if ((rc = par_bcast_int(rc)) != 0)
        return rc;
    char *line = NULL;
    size_t cap = 0;
    here_round h = {.all = B->ranges.p};
    do {
        text_part tp = {.bad_nl = -1};
        const int more = in ? read_stream(job, B, in, &tp, budget, &line, &cap) : 0;
        rc = end_round(job, B, k, &tp, tot, more, &h);
    } while (!rc && tot->more);
    grow_free(&h.text);
    free(line);
    if (in && in != stdin)
        fclose(in);
    return rc;
}

int mapio_text(const map_job *job, const char *path, int stream, const map_sink *sink,
               int64_t *n)
{
    const int R = par_size();
    /* cyclic: 16 x --chunk bytes a rank; dynamic: --chunk is the claim, a round's text is fixed */
    int64_t part = job->chunk > 0 && !job->dynamic ? 16 * job->chunk : TEXT_PART;
    part = part < TEXT_PART_MIN ? TEXT_PART_MIN : (part > TEXT_PART_MAX ? TEXT_PART_MAX : part);
    if (job->dynamic)
        part = TEXT_PART_DYN / R < TEXT_PART_MIN ? TEXT_PART_MIN : TEXT_PART_DYN / R;
    /* a record takes at least 2 bytes ("1\n") but for the last line: a part has at most
     * part/2 + 1; a stream's round (rank 0 alone) reads part bytes and one more line */
    const int64_t file_max = part / 2 + 1, stream_max = (part + LOOKAHEAD + 1) / 2 + 1;
    const int split = path && !stream;
    round_bufs B;
    sink_state k;
    text_totals tot = {0, 0, 0};
    mfile in;
    int rc = round_begin(job, &B, split ? file_max : stream_max,
                         split ? (int64_t)R * file_max : stream_max);
    if (!rc && !(rc = sink_open(sink, &k))) {
        if (!split)
            rc = text_stream(job, &B, &k, path, part, &tot);
        else if (mf_open(path, NULL, MF_READ, &in, "read"))
            rc = 2;
        else {
            rc = text_file(job, &B, &k, &in, part, &tot);
            mf_close(&in, 0);
        }
        sink_close(&k, !rc);
        rc = mf_agree() && !rc ? 1 : rc;
    }
    round_end(&B);
    *n = tot.recs;
    return rc;
}
