/* decomp.h - the workshop's partialPi split, the one decomposition every kernel uses. */
#ifndef PIPORT_DECOMP_H
#define PIPORT_DECOMP_H

#include <stdint.h>

/*
 * partialPi(rank, numProcesses, nSteps) gives worker w of W the indices
 * w, w+W, w+2W, ... < n.  With R MPI ranks and T OpenMP threads per rank
 * there are W = R*T workers and worker w = rank*T + thread.  A kernel sees
 * only (n, w, W).  All arithmetic is exact in int64_t for 0 <= w < W and
 * 1 <= n <= INT64_MAX; W > n is allowed (workers w >= n get nothing).
 */

/// Number of indices worker w of W owns among 0..n-1 (0 when w >= n).
static inline int64_t decomp_count(int64_t n, int64_t w, int64_t W)
{
    return w < n ? (n - 1 - w) / W + 1 : 0;
}

/// The k-th index (0 <= k < decomp_count) owned by worker w of W.
static inline int64_t decomp_index(int64_t w, int64_t W, int64_t k)
{
    return w + k * W;
}

/// Worker id of OpenMP thread `thread` of `threads` on MPI rank `rank`.
static inline int64_t decomp_worker(int rank, int threads, int thread)
{
    return (int64_t)rank * threads + thread;
}

#endif
