/* bbp_split.c - pi to N decimal digits from the BBP series by blocked binary splitting (GMP). */
#include <stdlib.h>

#include "bbp.h"
#include "decomp.h"

/*
 * In lowest terms the BBP term is 16^-k p(k)/q(k) with
 *   p(k) = 120k^2 + 151k + 47,   q(k) = (8k+1)(2k+1)(8k+5)(4k+3) = 512k^4 + ... + 15,
 * every term positive.  Over a block [a, b) binary splitting gives integers T, Q with
 *   S(a,b) = sum_{k=a}^{b-1} 16^-(k-a) p(k)/q(k) = T / (Q 16^(b-a-1)):
 * a leaf is (p(k), q(k)) and halves [a,m), [m,b) combine as
 *   T = T1 Q2 16^(b-m) + T2 Q1,   Q = Q1 Q2.
 * The block's share of pi 2^P is 16^-a S(a,b) 2^P = T 2^(P - 4(b-1)) / Q, floored once: the
 * only rounding of the block.  A block's Q grows by ~9 + 4 log2 k bits a term while its share
 * needs only P - 4a bits, so blocks are cut where Q reaches that precision: the plan depends on
 * N alone, so the integer sum of the floors is the same on every layout.
 */

/// Bits of q(k), from above: q(k) < 2^9 (k+1)^4.
static int64_t q_bits(int64_t k)
{
    int64_t l = 0;
    for (uint64_t v = (uint64_t)k + 1; v; v >>= 1)
        l++;
    return 9 + 4 * l;
}

int64_t bbp_split_terms(int64_t bits)
{
    /* sum_{k>=K} 16^-k p/q < 16^-K (p/q <= 47/15 at k = 0, decreasing): below one unit
       once 4K >= P + 2 */
    return bits / 4 + 2;
}

int bbp_split_plan_make(int64_t digits, int64_t extra_bits, bbp_split_plan *pl)
{
    const int64_t bits = bbp_decimal_bits(digits) + extra_bits;
    const int64_t K = bbp_split_terms(bits);
    int64_t cap = 64, n = 0;
    int64_t *start = malloc((size_t)cap * sizeof *start);
    if (!start)
        return -1;
    for (int64_t a = 0; a < K;) {
        /* the block ends where its Q reaches the bits its share needs (at least a few terms) */
        int64_t want = bits - 4 * a, len = 0, qb = 0;
        if (want > BBP_SPLIT_MAX_BLOCK_BITS)
            want = BBP_SPLIT_MAX_BLOCK_BITS;
        while (a + len < K && (len < BBP_SPLIT_MIN_BLOCK || qb < want))
            qb += q_bits(a + len++);
        if (n + 2 > cap) {
            int64_t *s = realloc(start, (size_t)(cap *= 2) * sizeof *start);
            if (!s) {
                free(start);
                return -1;
            }
            start = s;
        }
        start[n++] = a;
        a += len;
    }
    start[n] = K;
    *pl = (bbp_split_plan){.digits = digits, .bits = bits, .terms = K, .blocks = n, .start = start};
    return 0;
}

void bbp_split_plan_free(bbp_split_plan *pl)
{
    free(pl->start);
    pl->start = NULL;
}

/// p(k) and q(k) of one term.
static void leaf(int64_t k, mpz_t T, mpz_t Q)
{
    const uint64_t u = (uint64_t)k;
    mpz_set_ui(T, 120 * u + 151);
    mpz_mul_ui(T, T, u);
    mpz_add_ui(T, T, 47);
    if (u < UINT64_C(1) << 29) {                /* both pair products < 2^64 */
        mpz_set_ui(Q, (8 * u + 1) * (2 * u + 1));
        mpz_mul_ui(Q, Q, (8 * u + 5) * (4 * u + 3));
    } else {
        mpz_set_ui(Q, 8 * u + 1);
        mpz_mul_ui(Q, Q, 2 * u + 1);
        mpz_mul_ui(Q, Q, 8 * u + 5);
        mpz_mul_ui(Q, Q, 4 * u + 3);
    }
}

/// Scratch integers for one binary-splitting recursion: three a level, reused down the tree.
typedef struct {
    mpz_t (*v)[3];
    int depth;
} split_scratch;

static int scratch_init(split_scratch *sc, int64_t len)
{
    int d = 1;
    while ((INT64_C(1) << (d - 1)) < len)
        d++;
    sc->v = malloc((size_t)d * sizeof *sc->v);
    if (!sc->v)
        return -1;
    for (int i = 0; i < d; i++)
        mpz_inits(sc->v[i][0], sc->v[i][1], sc->v[i][2], NULL);
    sc->depth = d;
    return 0;
}

static void scratch_free(split_scratch *sc)
{
    for (int i = 0; i < sc->depth; i++)
        mpz_clears(sc->v[i][0], sc->v[i][1], sc->v[i][2], NULL);
    free(sc->v);
}

/// T, Q of [a, b) by binary splitting, with the scratch of level `lvl` and below.
static void split(int64_t a, int64_t b, mpz_t T, mpz_t Q, split_scratch *sc, int lvl)
{
    if (b - a == 1) {
        leaf(a, T, Q);
        return;
    }
    const int64_t m = a + (b - a) / 2;
    mpz_ptr T2 = sc->v[lvl][0], Q2 = sc->v[lvl][1], t = sc->v[lvl][2];
    split(a, m, T, Q, sc, lvl + 1);
    split(m, b, T2, Q2, sc, lvl + 1);
    mpz_mul(t, T, Q2);                       /* T = T1 Q2 16^(b-m) + T2 Q1, Q = Q1 Q2 */
    mpz_mul_2exp(t, t, (mp_bitcnt_t)(4 * (b - m)));
    mpz_mul(T, T2, Q);
    mpz_add(T, T, t);
    mpz_mul(t, Q, Q2);
    mpz_swap(Q, t);
}

void bbp_split_block(const bbp_split_plan *pl, int64_t blk, mpz_t acc)
{
    const int64_t a = pl->start[blk], b = pl->start[blk + 1];
    mpz_t T, Q, tmp;
    split_scratch sc;
    if (scratch_init(&sc, b - a) != 0)
        abort();                                /* a few hundred bytes: cannot happen */
    mpz_inits(T, Q, tmp, NULL);
    split(a, b, T, Q, &sc, 0);
    scratch_free(&sc);
    const int64_t shift = pl->bits - 4 * (b - 1);
    if (shift >= 0)
        mpz_mul_2exp(T, T, (mp_bitcnt_t)shift);
    else
        mpz_fdiv_q_2exp(T, T, (mp_bitcnt_t)-shift);   /* floor(floor(x/2^s)/Q) = floor(x/(2^s Q)) */
    mpz_fdiv_q(tmp, T, Q);
    mpz_add(acc, acc, tmp);
    mpz_clears(T, Q, tmp, NULL);
}

void bbp_split_share(const bbp_split_plan *pl, int64_t w, int64_t W, mpz_t acc,
                     bbp_progress_fn progress, void *ctx)
{
    const int64_t count = decomp_count(pl->blocks, w, W);
    for (int64_t i = 0; i < count; i++) {
        const int64_t blk = decomp_index(w, W, i);
        bbp_split_block(pl, blk, acc);
        if (progress)
            progress(ctx, blk);
    }
}

void bbp_split_rank(const bbp_split_plan *pl, int rank, int ranks, int threads, mpz_t acc,
                    bbp_progress_fn progress, void *ctx)
{
    const int64_t W = (int64_t)ranks * threads;
#pragma omp parallel for schedule(static, 1) num_threads(threads)
    for (int t = 0; t < threads; t++) {
        mpz_t s;
        mpz_init(s);
        bbp_split_share(pl, decomp_worker(rank, threads, t), W, s, progress, ctx);
#pragma omp critical(bbp_split_rank)
        mpz_add(acc, acc, s);
        mpz_clear(s);
    }
}
