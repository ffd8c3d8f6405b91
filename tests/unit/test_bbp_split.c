/* test_bbp_split.c - blocked binary splitting against exact rationals, the direct sum and MPFR. */
#include <mpfr.h>
#include <stdlib.h>
#include <string.h>

#include "bbp.h"
#include "tap.h"

/// Plain reference for one block: the exact rational sum term by term (mpq), floored at P bits.
static void ref_block(const bbp_split_plan *pl, int64_t blk, mpz_t out)
{
    const int64_t a = pl->start[blk], b = pl->start[blk + 1];
    mpq_t s, t;
    mpz_t num, den;
    mpq_inits(s, t, NULL);
    mpz_inits(num, den, NULL);
    for (int64_t k = a; k < b; k++) {            /* 4/(8k+1) - 2/(8k+4) - 1/(8k+5) - 1/(8k+6) */
        static const long c[4] = {4, -2, -1, -1}, j[4] = {1, 4, 5, 6};
        for (int i = 0; i < 4; i++) {
            mpz_set_si(num, c[i]);
            mpz_set_ui(den, 8 * (unsigned long)k + (unsigned long)j[i]);
            mpz_mul_2exp(den, den, (mp_bitcnt_t)(4 * (k - a)));   /* 16^-(k-a) */
            mpq_set_num(t, num);
            mpq_set_den(t, den);
            mpq_canonicalize(t);
            mpq_add(s, s, t);
        }
    }
    /* floor(2^(P - 4a) s) */
    mpz_set(num, mpq_numref(s));
    mpz_set(den, mpq_denref(s));
    if (pl->bits - 4 * a >= 0)
        mpz_mul_2exp(num, num, (mp_bitcnt_t)(pl->bits - 4 * a));
    else
        mpz_mul_2exp(den, den, (mp_bitcnt_t)(4 * a - pl->bits));
    mpz_fdiv_q(out, num, den);
    mpq_clears(s, t, NULL);
    mpz_clears(num, den, NULL);
}

/// The plan covers 0..K-1 with contiguous blocks of at least BBP_SPLIT_MIN_BLOCK terms.
static int plan_ok(const bbp_split_plan *pl)
{
    int ok = pl->start[0] == 0 && pl->start[pl->blocks] == pl->terms && pl->blocks >= 1 &&
             pl->terms == bbp_split_terms(pl->bits);
    for (int64_t b = 0; b < pl->blocks; b++)
        ok &= pl->start[b + 1] - pl->start[b] >= (b + 1 < pl->blocks ? BBP_SPLIT_MIN_BLOCK : 1);
    return ok;
}

/// Digits by split, workers w of W each summing its blocks; NULL if uncertain.
static char *split_string(int64_t N, int W, int64_t *blocks)
{
    bbp_split_plan pl;
    mpz_t acc;
    if (bbp_split_plan_make(N, 0, &pl) != 0)
        return NULL;
    mpz_init(acc);
    for (int w = 0; w < W; w++)
        bbp_split_share(&pl, w, W, acc, NULL, NULL);
    char *s = bbp_digits_string(acc, 0, (uint64_t)pl.blocks + 1, pl.bits, N, 1);
    if (blocks)
        *blocks = pl.blocks;
    mpz_clear(acc);
    bbp_split_plan_free(&pl);
    return s;
}

static char *direct_string(int64_t N)
{
    const int64_t bits = bbp_decimal_bits(N);
    mpz_t pos, neg;
    mpz_inits(pos, neg, NULL);
    bbp_decimal_share(bits, 0, 1, pos, neg);
    char *s = bbp_decimal_string(pos, neg, bits, N);
    mpz_clears(pos, neg, NULL);
    return s;
}

static void blocks_against_reference(void)
{
    static const int64_t Ns[] = {1, 30, 200, 1500, 6000};
    for (size_t i = 0; i < sizeof Ns / sizeof Ns[0]; i++) {
        bbp_split_plan pl;
        mpz_t got, want;
        mpz_inits(got, want, NULL);
        int ok = bbp_split_plan_make(Ns[i], 0, &pl) == 0 && plan_ok(&pl);
        for (int64_t b = 0; ok && b < pl.blocks; b++) {
            mpz_set_ui(got, 0);
            bbp_split_block(&pl, b, got);
            ref_block(&pl, b, want);
            ok &= !mpz_cmp(got, want);
        }
        tap_ok(ok, "N = %lld: all %lld blocks == floor of the exact rational sum (mpq)",
               (long long)Ns[i], (long long)pl.blocks);
        bbp_split_plan_free(&pl);
        mpz_clears(got, want, NULL);
    }
}

static void against_direct(void)
{
    int ok = 1, bad = 0;
    for (int64_t N = 1; N <= 1200 && ok; N++) {
        char *a = split_string(N, 1 + (int)(N % 5), NULL), *d = direct_string(N);
        ok = a && d && !strcmp(a, d);
        bad = ok ? bad : (int)N;
        free(a);
        free(d);
    }
    tap_ok(ok, "split == direct for every N = 1..1200, W = 1..5 workers%s", ok ? "" : " (failed)");
    if (!ok)
        tap_diag("first N that differs: %d", bad);
}

/// N whose term count fills its last block exactly (BBP_SPLIT_MIN_BLOCK terms, the size of the
/// tail blocks), leaves one term short of that, or one term past a full block.
static void block_boundaries(void)
{
    int found[3] = {0, 0, 0}, ok = 1;
    for (int64_t N = 1000; N <= 60000 && !(found[0] && found[1] && found[2]); N += 7) {
        bbp_split_plan pl;
        if (bbp_split_plan_make(N, 0, &pl) != 0)
            break;
        const int64_t last = pl.terms - pl.start[pl.blocks - 1];
        const int i = last == BBP_SPLIT_MIN_BLOCK       ? 0
                      : last == BBP_SPLIT_MIN_BLOCK - 1 ? 1
                      : last == 1                       ? 2
                                                        : -1;
        bbp_split_plan_free(&pl);
        if (i < 0 || found[i])
            continue;
        found[i] = 1;
        for (int64_t d = -1; d <= 1; d++) {
            char *a = split_string(N + d, 3, NULL), *r = direct_string(N + d);
            ok &= a && r && !strcmp(a, r);
            tap_ok(a && r && !strcmp(a, r), "N = %lld (next to N = %lld, last block of %lld "
                   "terms): split == direct", (long long)(N + d), (long long)N, (long long)last);
            free(a);
            free(r);
        }
    }
    tap_ok(found[0] && found[1] && found[2] && ok, "the boundary cases were all found");
}

static void against_mpfr(void)
{
    static const int64_t Ns[] = {10000, 100000};
    for (size_t i = 0; i < 2; i++) {
        const int64_t N = Ns[i];
        int64_t blocks = 0;
        char *s = split_string(N, 3, &blocks);
        mpfr_t p;
        mpfr_exp_t ex;
        mpfr_init2(p, (mpfr_prec_t)bbp_decimal_bits(N) + 64);
        mpfr_const_pi(p, MPFR_RNDZ);
        char *ref = mpfr_get_str(NULL, &ex, 10, (size_t)N + 1, p, MPFR_RNDZ);
        tap_ok(s && strlen(s) == (size_t)N + 2 && !strncmp(s, "3.", 2) &&
                   !strncmp(s + 2, ref + 1, (size_t)N),
               "%lld digits (%lld blocks, 3 workers) == MPFR's, truncated (...%s)", (long long)N,
               (long long)blocks, s ? s + N - 8 : "none");
        mpfr_free_str(ref);
        mpfr_clear(p);
        free(s);
    }
}

static void layouts(void)
{
    bbp_split_plan pl;
    mpz_t one, acc;
    mpz_inits(one, acc, NULL);
    bbp_split_plan_make(20000, 0, &pl);
    bbp_split_rank(&pl, 0, 1, 1, one, NULL, NULL);
    int ok = 1;
    for (int W = 2; W <= 7; W++) {
        mpz_set_ui(acc, 0);
        for (int w = W - 1; w >= 0; w--)
            bbp_split_share(&pl, w, W, acc, NULL, NULL);
        ok &= !mpz_cmp(acc, one);
    }
    mpz_set_ui(acc, 0);
    for (int r = 0; r < 3; r++)
        bbp_split_rank(&pl, r, 3, 2, acc, NULL, NULL);
    ok &= !mpz_cmp(acc, one);
    tap_ok(ok, "the fixed-point sum is the same integer for W = 1..7 and 3 ranks x 2 threads");
    bbp_split_plan_free(&pl);
    mpz_clears(one, acc, NULL);
}

static void straddle(void)
{
    /* x = 909/256 = 3.551 at 8 bits with an error of +-1 unit: floor(10 x) = 35 for sure */
    mpz_t x;
    mpz_init_set_ui(x, 909);
    char *s = bbp_digits_string(x, 1, 1, 8, 1, 1);
    tap_ok(s && !strcmp(s, "3.5"), "a certain digit is given: %s", s ? s : "NULL");
    free(s);
    /* x = 3.1 (+-1/256) at 8 bits, asked for 3 digits: 3.097..3.105 straddles 3.100 */
    mpz_set_ui(x, 794);     /* 794/256 = 3.1016 */
    s = bbp_digits_string(x, 1, 1, 8, 2, 2);
    tap_ok(s == NULL, "an interval across a digit boundary gives NULL (more bits needed)");
    free(s);
    mpz_clear(x);
}

int main(void)
{
    blocks_against_reference();
    against_direct();
    block_boundaries();
    against_mpfr();
    layouts();
    straddle();
    return tap_done();
}
