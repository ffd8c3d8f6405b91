/* passes.c - map's binary pass: slabs of float64 records read by every rank, computed on the schedule, written in order. */
#include "passes.h"

#include <stdio.h>

#include "exchange.h"
#include "mpiio.h"
#include "par.h"
#include "round.h"

enum { SLAB = 262144 }; ///< records per rank per round (cyclic) unless --chunk says

/// Every rank reads its slab of records, round after round; results go to the sink.
static int binary_rounds(const map_job *job, round_bufs *B, sink_state *k, mfile *in,
                         int64_t N, int64_t slab)
{
    const int r = par_rank(), R = par_size(), a = job->t->arity;
    const char *why = "";
    for (int64_t ws = 0; ws < N; ws += (int64_t)R * slab) {
        const int64_t first = ws + (int64_t)r * slab;
        const int64_t cnt = first >= N ? 0 : (N - first < slab ? N - first : slab);
        mf_read(in, first * a * 8, B->recs.p, (size_t)(cnt * a) * 8, 0);
        const int64_t j = mf_failed() ? -1 : round_bad_input(job, B->recs.p, cnt, &why);
        int64_t mine[3] = {mf_failed(), j < 0 ? INT64_MAX : first + j, cnt}, *all = B->ranges.p;
        xc_allgather_i64(mine, 3, all);      /* one gather: failures, bad records, counts */
        if (round_failed(all, 3))
            return 1;
        if (round_bad(job, all + 1, 3, mine[1], why))
            return 2;
        round_compute(job, B, all + 2, 3, ws);
        const int rc = round_finish(job, B, k, first, cnt, 1);
        if (rc)
            return rc;
    }
    return 0;
}

int mapio_binary(const map_job *job, const char *path, const map_sink *sink, int64_t *n)
{
    const int R = par_size();
    const int64_t rec = 8 * (int64_t)job->t->arity;
    mfile in;
    *n = 0;
    if (mf_open(path, NULL, MF_READ, &in, "read"))
        return 2;
    const int64_t S = mf_size(&in);
    if (mf_agree()) {
        mf_close(&in, 0);
        return 1;
    }
    if (S % rec) {
        if (par_rank() == 0)
            fprintf(stderr, "map: %s: size %lld bytes is not a multiple of the record size "
                            "%lld (%s takes %d float64 column%s)\n", path, (long long)S,
                    (long long)rec, job->t->name, job->t->arity, job->t->arity == 1 ? "" : "s");
        mf_close(&in, 0);
        return 2;
    }
    /* dynamic: --chunk is the claim; a round's records (all ranks) stay at SLAB */
    int64_t slab = job->chunk > 0 && !job->dynamic ? job->chunk : SLAB;
    if (job->dynamic)
        slab = SLAB / R > 0 ? SLAB / R : 1;
    round_bufs B;
    sink_state k;
    int rc = round_begin(job, &B, slab, (int64_t)R * slab);
    if (!rc && !(rc = sink_open(sink, &k))) {
        rc = binary_rounds(job, &B, &k, &in, S / rec, slab);
        sink_close(&k, !rc);
        rc = mf_agree() && !rc ? 1 : rc;
    }
    round_end(&B);
    mf_close(&in, 0);
    *n = S / rec;
    return rc;
}
