/* montecarlo.h - Monte Carlo pi: dart i from Philox4x32-10 (key = seed, counter = i), exact hit test. */
#ifndef PIPORT_MONTECARLO_H
#define PIPORT_MONTECARLO_H

#include <stddef.h>
#include <stdint.h>

#include "fixedpoint.h"

/*
 * Dart i (0 <= i < n) is Philox4x32-10 of counter {i mod 2^32, i / 2^32, 0, 0}
 * under key {seed mod 2^32, seed / 2^32}; output words 0 and 1 are x and y.
 * The dart stands at the centre of its 2^-32 cell, ((x+0.5)/2^32, (y+0.5)/2^32),
 * and hits when (2x+1)^2 + (2y+1)^2 <= 2^66, decided exactly in integers (see
 * mc_hit).  That sum is 2 mod 4, so it never equals 2^66: no dart lies on the
 * circle, and there is no boundary case to count either way.
 * Hits are integers, so the total is the same for every layout.
 */

/// Exact: is the centre of cell (x, y) inside the quarter circle?
static inline int mc_hit(uint32_t x, uint32_t y)
{
    /* (2x+1)^2 + (2y+1)^2 <= 2^66  <=>  x(x+1) + y(y+1) <= 2^64 - 1;
     * each term is at most 2^64 - 2^32, so "no carry out of 64 bits" is the test. */
    const uint64_t a = (uint64_t)x * x + x, b = (uint64_t)y * y + y;
    return a + b >= a;
}

/// The coordinates of dart i under seed: Philox4x32-10 words 0 and 1.
void mc_dart(uint64_t seed, uint64_t i, uint32_t *x, uint32_t *y);

/// Signature shared by the Philox kernels: hits among worker w's darts w, w+W, ... < n.
typedef uint64_t (*mc_kernel)(uint64_t seed, int64_t n, int64_t w, int64_t W);

/// Plain scalar reference: one dart at a time through mc_dart and mc_hit.
uint64_t mc_hits_ref(uint64_t seed, int64_t n, int64_t w, int64_t W);

/// Fast kernel: blocks of counters laid out for the vectorizer; same hits as the reference.
uint64_t mc_hits_fast(uint64_t seed, int64_t n, int64_t w, int64_t W);

/// The same over the darts [lo, hi) only: worker w of W throws lo + w, lo + w + W, ... < hi
/// (partialPi inside the span).  The spans of any partition of 0..n-1 add up to the hits
/// of the whole, whatever W each span used.
typedef uint64_t (*mc_span_kernel)(uint64_t seed, int64_t lo, int64_t hi, int64_t w, int64_t W);

/// mc_hits_ref over the span [lo, hi).
uint64_t mc_span_ref(uint64_t seed, int64_t lo, int64_t hi, int64_t w, int64_t W);

/// mc_hits_fast over the span [lo, hi).
uint64_t mc_span_fast(uint64_t seed, int64_t lo, int64_t hi, int64_t w, int64_t W);

/// Hits among darts [lo, hi) of MPI rank `rank` of `ranks`, its `threads` workers run by OpenMP.
uint64_t mc_span_rank(mc_span_kernel kernel, uint64_t seed, int64_t lo, int64_t hi, int rank,
                      int ranks, int threads);

/// Hits of worker w's darts from a GSL generator named `type` (one per worker, seeded
/// 1 + (seed + w) mod (2^32 - 1)); depends on the layout.  UINT64_MAX if `type`
/// is not a GSL generator (check with mc_gsl_known first).
uint64_t mc_hits_gsl(const char *type, uint64_t seed, int64_t n, int64_t w, int64_t W);

/// Hits of MPI rank `rank` with GSL generators (type must be known), its `threads` workers run by OpenMP.
uint64_t mc_hits_gsl_rank(const char *type, uint64_t seed, int64_t n, int rank, int ranks,
                          int threads);

/// Write the names of all GSL generators, comma separated, into buf.
void mc_gsl_names(char *buf, size_t len);

/// 1 if `type` names a GSL generator.
int mc_gsl_known(const char *type);

#endif
