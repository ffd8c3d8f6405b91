/* midpoint.h - the workshop's midpoint-rule pi: 4/(1+x^2) at x = (i+0.5)/n, summed exactly. */
#ifndef PIPORT_MIDPOINT_H
#define PIPORT_MIDPOINT_H

#include <stdint.h>

#include "fixedpoint.h"

/*
 * Every term t_i = fl(4/(1 + x_i*x_i)), x_i = fl((i+0.5) * fl(1/n)), lies in
 * [2, 4], where doubles are integer multiples of 2^-51.  So t_i * 2^51 is an
 * exact integer <= 2^53, and the kernels return the exact integer sum of
 * t_i * 2^51 over a worker's indices: no accumulation error, and the same
 * total for any split of the indices into workers, in any order.
 * (i + 0.5) is exact only for i < 2^52, hence the step limit.
 */

/// Largest n the midpoint kernels accept (2^52: every i + 0.5 exact).
#define MIDPOINT_MAX_STEPS (INT64_C(1) << 52)

/// Fixed-point scale: the kernels sum t_i * 2^MIDPOINT_FX_BITS.
#define MIDPOINT_FX_BITS 51

/// Signature shared by the exact kernels: worker w of W, n steps.
typedef fx_u128 (*midpoint_kernel)(int64_t n, int64_t w, int64_t W);

/// The same over the global indices [lo, hi) only (0 <= lo <= hi <= n): worker w of W takes
/// lo + w, lo + w + W, ... (partialPi inside the span).  Exact sums, so the spans of any
/// partition of 0..n-1 add up to the whole sum, whatever W each span used.
typedef fx_u128 (*midpoint_span_kernel)(int64_t n, int64_t lo, int64_t hi, int64_t w, int64_t W);

/// Plain scalar reference: strided loop, terms converted with an exact multiply.
fx_u128 midpoint_sum_ref(int64_t n, int64_t w, int64_t W);

/// Fast kernel: blocked, vectorizable loop; same result bit for bit as the reference.
fx_u128 midpoint_sum_fast(int64_t n, int64_t w, int64_t W);

/// midpoint_sum_ref over the span [lo, hi).
fx_u128 midpoint_span_ref(int64_t n, int64_t lo, int64_t hi, int64_t w, int64_t W);

/// midpoint_sum_fast over the span [lo, hi).
fx_u128 midpoint_span_fast(int64_t n, int64_t lo, int64_t hi, int64_t w, int64_t W);

/// Exact sum over [lo, hi) for MPI rank `rank` of `ranks`, its `threads` workers run by OpenMP.
fx_u128 midpoint_span_rank(midpoint_span_kernel kernel, int64_t n, int64_t lo, int64_t hi,
                           int rank, int ranks, int threads);

/// pi from the exact total over all workers: total / (n * 2^51), correctly rounded.
double midpoint_pi(fx_u128 total, int64_t n);

/// The midpoint rule's truncation error for this integrand, h^2/12 with h = 1/n.
double midpoint_truncation(int64_t n);

/// Bound on |computed pi - exact midpoint sum|: 14u per term, exact sum, one rounding (17u).
double midpoint_rounding_bound(void);

/// Benchmark baseline: the workshop's strided loop with a plain double sum (sum of t_i, unscaled).
double midpoint_sum_naive(int64_t n, int64_t w, int64_t W);

/// Benchmark baseline: the fast kernel's loop with a plain double sum instead of exact integers.
double midpoint_sum_fast_fp(int64_t n, int64_t w, int64_t W);

#endif
