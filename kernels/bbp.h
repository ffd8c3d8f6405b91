/* bbp.h - Bailey-Borwein-Plouffe pi: hex digits at any position, and exact decimal digits (GMP). */
#ifndef PIPORT_BBP_H
#define PIPORT_BBP_H

#include <gmp.h>
#include <stdint.h>

#include "fixedpoint.h"

/*
 * pi = sum_k 16^-k (4/(8k+1) - 2/(8k+4) - 1/(8k+5) - 1/(8k+6)).
 *
 * Hex digits from position D (position 1 = the first digit after the point)
 * are the leading hex digits of frac(16^d pi), d = D - 1 (Bailey's
 * digit-extraction form).  For series j in {1, 4, 5, 6} and term k:
 *   k <= d:  frac(16^(d-k) / (8k+j)) = (16^(d-k) mod (8k+j)) / (8k+j),
 *            the modular power computed exactly;
 *   k >  d:  16^(d-k) / (8k+j), a short tail of BBP_TAIL terms.
 * Each term's fraction is truncated to BBP_CHUNKS x 20 = 120 bits, every 20-bit
 * chunk an exact integer, and the chunks are summed as integers: exact, and
 * the same for any split of the terms.  bbp_hex_combine forms
 * 4 S1 - 2 S4 - S5 - S6 mod 1 as a 120-bit fixed-point fraction.
 * Terms are split over workers like every kernel here: worker w of W takes
 * k = w, w+W, ... < d + 1 + BBP_TAIL (or the same within a span, for checkpointed runs).
 */

/// Largest hex position accepted: every modulus 8k+j stays below 2^47, where
/// the double-precision modular arithmetic of the fast kernel is exact.
#define BBP_MAX_HEX_AT INT64_C(10000000000000)

/// Bits per chunk and chunks per term fraction (120 bits in all).
#define BBP_CHUNK_BITS 20
#define BBP_CHUNKS 6

/// Tail terms past k = d; the rest of the tail is below 2^-144 and is bounded.
#define BBP_TAIL 36

/// One worker's exact chunk sums: sums[s][c] = sum of chunk c of series s (j = 1, 4, 5, 6).
typedef struct {
    uint64_t sums[4][BBP_CHUNKS]; ///< each < terms * 2^20
} bbp_hex_sums;

/// Terms the hex sums take at position d+1: k = 0 .. d + BBP_TAIL.
static inline int64_t bbp_hex_terms(int64_t d)
{
    return d + 1 + BBP_TAIL;
}

/// Signature shared by the hex kernels: add worker w's terms of the span [lo, hi) for position
/// d+1 into *out; worker w of W takes k = lo + w, lo + w + W, ... < hi (partialPi's split of
/// the span).  Every sum is exact, so any cut of 0 .. bbp_hex_terms(d) into spans, each on any
/// number of workers, adds up to the same sums.
typedef void (*bbp_hex_kernel)(int64_t d, int64_t lo, int64_t hi, int64_t w, int64_t W,
                               bbp_hex_sums *out);

/// Plain scalar reference: 128-bit integer modular powers and long division.
void bbp_hex_ref(int64_t d, int64_t lo, int64_t hi, int64_t w, int64_t W, bbp_hex_sums *out);

/// Fast kernel: blocks of terms, exact double-precision modular arithmetic, vectorizable.
void bbp_hex_fast(int64_t d, int64_t lo, int64_t hi, int64_t w, int64_t W, bbp_hex_sums *out);

/// Sums of MPI rank `rank` of `ranks` over the span [lo, hi), its `threads` workers run by
/// OpenMP (the whole run: lo = 0, hi = bbp_hex_terms(d)).
void bbp_hex_rank(bbp_hex_kernel k, int64_t d, int64_t lo, int64_t hi, int rank, int ranks,
                  int threads, bbp_hex_sums *out);

/// Add b into a (exact).
void bbp_hex_add(bbp_hex_sums *a, const bbp_hex_sums *b);

/// frac(16^d pi) as a 120-bit fixed-point fraction (value * 2^120) from the total sums.
fx_u128 bbp_hex_combine(const bbp_hex_sums *total);

/// Bound on |frac(16^d pi) - combined| in units of 2^-120 (truncations and the cut tail).
fx_u128 bbp_hex_error_units(int64_t d);

/// Hex digits of the fraction that the error bound guarantees (0..30), and the digits.
int bbp_hex_guaranteed(fx_u128 frac120, fx_u128 err_units, char *hex, int max);

/// Decimal digits: bits of fixed-point precision for n digits (with guard bits).
int64_t bbp_decimal_bits(int64_t digits);

/// Worker w's exact share at `bits` bits: pos += sum floor(2^(bits-4k) (16k+14) / ((8k+1)(8k+4))),
/// neg += sum floor(2^(bits-4k) (16k+11) / ((8k+5)(8k+6))) over k = w, w+W, ... < bits/4 + 1.
void bbp_decimal_share(int64_t bits, int64_t w, int64_t W, mpz_t pos, mpz_t neg);

/// Rank-level shares on OpenMP threads (pos, neg initialised by the caller).
void bbp_decimal_rank(int64_t bits, int rank, int ranks, int threads, mpz_t pos, mpz_t neg);

/// The first `digits` decimals of pi, truncated, as "3." + digits, from the exact total
/// pos - neg at `bits` bits; NULL if the error interval straddles a digit (more bits needed).
/// The caller frees the string.
char *bbp_decimal_string(const mpz_t pos, const mpz_t neg, int64_t bits, int64_t digits);

/*
 * Blocked binary splitting (bbp_split.c): the default decimal algorithm, quasi-linear.
 * The plan cuts the K = P/4 + 2 terms into blocks of consecutive terms (depending on N only);
 * block b goes to worker b mod W, and each block adds floor(2^P x its exact partial sum) to an
 * integer accumulator.  The total lies in [pi 2^P - blocks - 1, pi 2^P].
 */

/// Fewest terms in a block, and the most bits a block's denominator grows to.
#define BBP_SPLIT_MIN_BLOCK 16
#define BBP_SPLIT_MAX_BLOCK_BITS (INT64_C(1) << 28)

/// No block holds more than 1/BBP_SPLIT_PARTS of the terms: the first blocks, whose terms are
/// the cheapest, would otherwise carry a quarter of the work, and block b goes to worker b mod W.
#define BBP_SPLIT_PARTS 24

/// No block's modelled splitting cost (bbp_split_block_cost) exceeds 1/BBP_SPLIT_COST_PARTS of
/// the total:
/// blocks sized by their cost, so more workers than BBP_SPLIT_PARTS all get work.
#define BBP_SPLIT_COST_PARTS 64

/// Largest prime whose powers are cancelled between halves (a block of L terms: primes <= L/4).
#define BBP_SPLIT_MAX_PRIME (INT64_C(1) << 24)

/// Most decimal digits accepted by the plan (memory is the real limit, estimated by the driver).
#define BBP_SPLIT_MAX_DIGITS INT64_C(1000000000000)

/// Where a run's blocks are: blocks b = 0..blocks-1 cover terms start[b] .. start[b+1]-1.
typedef struct {
    int64_t digits;  ///< N
    int64_t bits;    ///< P, fixed-point bits
    int64_t terms;   ///< K, terms summed
    int64_t blocks;  ///< number of blocks
    int64_t *start;  ///< blocks + 1 boundaries, start[blocks] = terms
    uint32_t *primes; ///< odd primes up to the largest bound of a block, for common factors
    int64_t nprimes;
} bbp_split_plan;

/// Called after each finished block (from any thread): ctx, block index.
typedef void (*bbp_progress_fn)(void *ctx, int64_t block);

/// Modelled splitting cost (arbitrary units, integer) of a block of `len` terms whose plain Q
/// has qb bits.
int64_t bbp_split_block_cost(int64_t len, int64_t qb);

/// Terms needed at P bits (the tail after them is below one unit).
int64_t bbp_split_terms(int64_t bits);

/// The plan for N digits at bbp_decimal_bits(N) + extra_bits bits; -1 if out of memory.
int bbp_split_plan_make(int64_t digits, int64_t extra_bits, bbp_split_plan *plan);
void bbp_split_plan_free(bbp_split_plan *plan);

/// acc += floor(2^P 16^-a S(a, b)) for block blk = [a, b): binary splitting, one division.
void bbp_split_block(const bbp_split_plan *plan, int64_t blk, mpz_t acc);

/// Worker w of W: blocks w, w+W, ... (the partialPi split over blocks).
void bbp_split_share(const bbp_split_plan *plan, int64_t w, int64_t W, mpz_t acc,
                     bbp_progress_fn progress, void *ctx);

/// Rank-level shares on OpenMP threads, added into acc.
void bbp_split_rank(const bbp_split_plan *plan, int rank, int ranks, int threads, mpz_t acc,
                    bbp_progress_fn progress, void *ctx);

/// "3." + the first N decimals of pi, truncated, from x with x - below <= pi 2^P <= x + above;
/// NULL if that interval straddles a digit (more bits needed) or out of memory.  The decimal
/// conversion runs on up to `threads` OpenMP threads (digits_frac.h).
char *bbp_digits_string(const mpz_t x, uint64_t below, uint64_t above, int64_t bits,
                        int64_t digits, int threads);

#endif
