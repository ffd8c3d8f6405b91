/* passes.c - map's binary pass: slabs of float64 records read by every rank, computed on the schedule, written in order. */
#include "passes.h"

#include <stdio.h>

#include "par.h"
#include "round.h"

enum { SLAB = 262144 }; ///< records per rank per round (cyclic) unless --chunk says

/// Every rank reads its slab of records, round after round; results go to the sink.
static int binary_rounds(const map_job *job, round_bufs *B, sink_state *k, mfile *in,
                         int64_t N, int64_t slab)
{
    const int r = par_rank(), R = par_size(), a = job->t->arity;
    const char *why = "";
    grow(&B->recs, (size_t)(slab * a) * 8 + 8);
    if (mf_agree())
        return 1;
    for (int64_t ws = 0; ws < N; ws += (int64_t)R * slab) {
        const int64_t first = ws + (int64_t)r * slab, all = (int64_t)R * slab;
        const int64_t cnt = first >= N ? 0 : (N - first < slab ? N - first : slab);
        mf_read(in, first * a * 8, B->recs.p, (size_t)(cnt * a) * 8, 0);
        if (mf_agree())
            return 1;
        int64_t j = round_bad_input(job, B->recs.p, cnt, &why);
        if (round_agree_bad(job, j < 0 ? INT64_MAX : first + j, why))
            return 2;
        if (round_compute(job, B, first < N ? first : N, cnt, ws, N - ws < all ? N - ws : all))
            return 1;
        j = round_bad_result(job, B->res.p, cnt, &why);
        if (round_agree_bad(job, j < 0 ? INT64_MAX : first + j, why))
            return 2;
        sink_put(k, B, B->res.p, cnt * 8);
        if (mf_agree())
            return 1;
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
    int rc = round_begin(job, &B, (int64_t)R * slab);
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
