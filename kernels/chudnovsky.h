/* chudnovsky.h - pi to N decimal digits from the Chudnovsky series by blocked binary splitting (GMP). */
#ifndef PIPORT_CHUDNOVSKY_H
#define PIPORT_CHUDNOVSKY_H

#include <gmp.h>
#include <stdint.h>

#include "digits_frac.h"
#include "factors.h"

/*
 * 1/pi = 12 sum_k (-1)^k (6k)! (A + Bk) / ((3k)! k!^3 C^(3k+3/2)),  A = 13591409,
 * B = 545140134, C = 640320: 14.18 decimals a term.  Over terms [a, b) binary splitting gives
 * integers P, Q, T (leaf k >= 1: p = (6k-5)(2k-1)(6k-1), q = k^3 C^3/24, t = (-1)^k p (A + Bk);
 * leaf 0: 1, 1, A) combined as P = P1 P2, Q = Q1 Q2, T = T1 Q2 + P1 T2, and then
 *   pi = 426880 sqrt(10005) Q(0,K) / T(0,K)  (up to the tail after K terms).
 * The plan cuts the K terms into blocks of about equal cost (depending on N only, integer
 * arithmetic); block b goes to worker b mod W (partialPi's split over blocks); the blocks are
 * combined by one fixed tree, level by level: level 0 is the blocks, node j of level l+1 is
 * node 2j of level l combined with node 2j+1 (an odd last node moves up as it is).  So Q and
 * T are the same integers on every layout, and so are the digits.
 * Common factors.  Only the ratios T/Q and P/Q matter, so a combine may first divide the left
 * P and the right Q by g = gcd(P1, Q2) (T = T1 (Q2/g) + (P1/g) T2, Q = Q1 (Q2/g), P = (P1/g) P2
 * keep both ratios).  The nodes carry the factorizations of P and Q over the primes below
 * 2^16 (a sieve of smallest factors factors runs of CHUD_PLAIN_RUN terms at once), so g is
 * known without a gcd.  Inside the blocks and on the tree's lowest fac_levels levels (a
 * function of the plan, and the lists travel with the nodes: the same integers on every
 * layout).  At 10^7 digits the root's Q has 47.0M bits instead of 75.6M.
 */

/// Multiplier of the square root: pi = CHUD_SCALE sqrt(10005) Q / T.
#define CHUD_SCALE 426880

/// Most decimal digits accepted (memory is the real limit, estimated by the driver).
#define CHUD_MAX_DIGITS INT64_C(1000000000000)

/// Most blocks of a plan (the tree's leaves), fewest terms a block holds.
#define CHUD_MAX_BLOCKS 8192
#define CHUD_MIN_BLOCK 16

/// Top tree levels whose nodes keep no factorizations: there the lists are longest and take
/// out least (10^7 digits: Q of 47.0M bits with lists up to the top, 49.0M without the top 5
/// levels', the times within the noise).
#define CHUD_PLAIN_TOP 4

/// Runs of at most this many terms are split plainly and factored in bulk (common factors
/// come out only above them: per leaf the lists would cost more than they save).
#define CHUD_PLAIN_RUN 8

/// Largest number the factor sieve covers (256 MiB of it, enough for 6.3e8 digits); the
/// values of later terms are not factored (their primes stay in P and Q, untracked).
#define CHUD_SIEVE_MAX (INT64_C(1) << 28)

/// Guard digits below the N asked for (the certification widens it if ever needed).
#define CHUD_GUARD_DIGITS 12

/// Where a run's blocks are: block b covers terms start[b] .. start[b+1]-1.
typedef struct {
    int64_t digits;  ///< N
    int64_t guard;   ///< decimals computed below the N printed
    int64_t terms;   ///< K, terms summed
    int64_t blocks;  ///< number of blocks (tree leaves)
    int64_t *start;  ///< blocks + 1 boundaries, start[blocks] = terms
    int fac_levels;  ///< tree levels above the blocks whose nodes keep factorizations
    fac_sieve sieve; ///< smallest prime factors below 2^16 of the odd numbers up to 6 K + 1
                     ///< (at most CHUD_SIEVE_MAX)
} chud_plan;

/// One node of the splitting: the integers of terms [a, b).
typedef struct {
    mpz_t P, Q, T;
    flist fp, fq;    ///< the factorizations of P and Q over the primes below 2^16, if fac
    int fac;         ///< 1 if fp and fq are kept (common factors can come out above)
} chud_pqt;

/// Called after each finished block (from any thread): ctx, block index.
typedef void (*chud_progress_fn)(void *ctx, int64_t block);

/// Terms needed for `decimals` correct decimals (the tail after them is below 10^-decimals/100).
int64_t chud_terms(int64_t decimals);

/// Cost weight of term k in the plan (its bits in P and Q, in units of ~6 bits).
int64_t chud_term_weight(int64_t k);

/// The plan for N digits with `guard` guard digits; -1 if out of memory.
int chud_plan_make(int64_t digits, int64_t guard, chud_plan *plan);

/// Free the plan's boundaries.
void chud_plan_free(chud_plan *plan);

/// Initialise the three integers of a node (no memory until they are set).
void chud_pqt_init(chud_pqt *x);

/// Free the three integers of a node and its factorizations.
void chud_pqt_clear(chud_pqt *x);

/// Swap two nodes whole (integers and factorizations): `to` takes `from`'s contents.
void chud_pqt_move(chud_pqt *to, chud_pqt *from);

/// Binary splitting of terms [a, b) into *out (initialised), P left 0 when need_p is 0; common
/// factors out at every combine above runs of CHUD_PLAIN_RUN terms (the plan's sieve factors
/// them); out keeps its factorizations.
void chud_split(const chud_plan *plan, int64_t a, int64_t b, int need_p, chud_pqt *out);

/// Plain reference: the same ratios T/Q and P/Q term by term (a running product, no splitting,
/// no common factors taken out).
void chud_split_ref(int64_t a, int64_t b, chud_pqt *out);

/// Block blk of the plan into *out (initialised); P is kept unless the block is the last.
void chud_block(const chud_plan *plan, int64_t blk, chud_pqt *out);

/// Worker w of W computes blocks w, w+W, ... into nodes[b] (the partialPi split over blocks).
void chud_share(const chud_plan *plan, int64_t w, int64_t W, chud_pqt *nodes,
                chud_progress_fn progress, void *ctx);

/// Rank-level shares on OpenMP threads: the blocks of rank `rank`'s workers into nodes[b].
void chud_rank(const chud_plan *plan, int rank, int ranks, int threads, chud_pqt *nodes,
               chud_progress_fn progress, void *ctx);

/// Nodes of tree level l (level 0: the blocks).
int64_t chud_level_nodes(int64_t blocks, int level);

/// Levels above the blocks (0 for one block).
int chud_levels(int64_t blocks);

/// Worker that owns node j of any level: j mod W (at level 0 partialPi's block owner).
static inline int64_t chud_owner(int64_t j, int64_t W)
{
    return j % W;
}

/// left = left combined with right (the node to its right); right is cleared.  need_p: keep
/// P (0 for a node ending at the last term).  Common factors come out first when both keep
/// factorizations; keep_fac: the result keeps its own.  threads > 1 runs the products side by
/// side.
void chud_combine(chud_pqt *left, chud_pqt *right, int need_p, int keep_fac, int threads);

/// Combine level `level` (nodes of the previous level in prev[]) into next[j] for every j
/// with keep(j): next[j] takes prev[2j] (moved) combined with prev[2j+1].  On `threads`
/// OpenMP threads.  keep NULL: every node.
void chud_level(const chud_plan *plan, int level, chud_pqt *prev, chud_pqt *next,
                int (*keep)(void *ctx, int64_t j), void *ctx, int threads);

/// The whole tree on one process: nodes[0..blocks) in, the root into nodes[0].
void chud_tree(const chud_plan *plan, chud_pqt *nodes, int threads);

/// S = floor(sqrt(10005) 2^b), b = floor((N + guard) log2(10)): depends on N alone (any
/// worker, any time).
void chud_sqrt_term(const chud_plan *plan, mpz_t S);

/// The root's quotient Y = floor(426880 (Q >> s) 2^k / (T >> s)), which needs no S: 0, or -1
/// if the root is not positive.  The root is freed (its memory reused).
int chud_root_quotient(const chud_plan *plan, chud_pqt *root, mpz_t Y);

/// frac(pi) as an interval of b-bit fractions from the quotient Y and S (x->y initialised):
/// 0, or -1 if the root was wrong (the interval leaves [0, 1)).
int chud_fraction_from_quotient(const chud_plan *plan, const mpz_t Y, const mpz_t S, frac_iv *x);

/// Both of the last two: frac(pi)'s interval from the root and S; the root is freed.
int chud_fraction_value(const chud_plan *plan, chud_pqt *root, const mpz_t S, frac_iv *x);

/// "3." + the first N decimals of x (frac(pi)) on up to `threads` threads; NULL if its
/// interval does not fix them (more guard digits needed) or no memory.
char *chud_format(const frac_iv *x, int64_t digits, int threads);

/// All of the last three: "3." + the first N decimals of pi, truncated; NULL if uncertain or
/// out of memory.  The root is freed.  Caller frees the string.
char *chud_digits_string(const chud_plan *plan, chud_pqt *root, int threads);

#endif
