/* workers.c - one rank's workers on OpenMP threads: worker = rank*threads + thread. */
#include "workers.h"

#include "decomp.h"

fx_u128 workers_sum(worker_fn fn, const void *ctx, int rank, int ranks, int threads)
{
    const int64_t W = (int64_t)ranks * threads;
    fx_u128 sum = 0;

    /* One loop trip per worker, whatever the runtime gives us: the split
     * never depends on how many threads actually run.  Integer results, so
     * the order of the additions does not matter. */
#pragma omp parallel for schedule(static, 1) num_threads(threads)
    for (int t = 0; t < threads; t++) {
        const fx_u128 part = fn(ctx, decomp_worker(rank, threads, t), W);
#pragma omp critical(workers_sum)
        sum += part;
    }
    return sum;
}
