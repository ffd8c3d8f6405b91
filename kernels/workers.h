/* workers.h - run one rank's share of the partialPi workers on OpenMP threads and add their results. */
#ifndef PIPORT_WORKERS_H
#define PIPORT_WORKERS_H

#include <stdint.h>

#include "fixedpoint.h"

/// A worker's exact integer result: worker w of W, with the kernel's own parameters in ctx.
typedef fx_u128 (*worker_fn)(const void *ctx, int64_t w, int64_t W);

/// Sum of fn over the `threads` workers of MPI rank `rank` of `ranks` (W = ranks * threads).
fx_u128 workers_sum(worker_fn fn, const void *ctx, int rank, int ranks, int threads);

#endif
