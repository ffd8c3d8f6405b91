/* test_chudnovsky.c - Chudnovsky splitting against its term-by-term reference, pi bbp and MPFR. */
#include <mpfr.h>
#include <stdlib.h>
#include <string.h>

#include "bbp.h"
#include "chudnovsky.h"
#include "digits_frac.h"
#include "tap.h"

/* The sanitizer build runs the same points at smaller sizes (the optimized build does them all). */
#ifdef __SANITIZE_ADDRESS__
enum { SAN = 1 };
#else
enum { SAN = 0 };
#endif

/// MPFR's pi, "3." + n digits truncated (the oracle); the caller frees.
static char *mpfr_digits(int64_t n)
{
    mpfr_t p;
    mpfr_exp_t ex;
    mpfr_init2(p, (mpfr_prec_t)((double)n * 3.33) + 128);
    mpfr_const_pi(p, MPFR_RNDZ);
    char *r = mpfr_get_str(NULL, &ex, 10, (size_t)n + 1, p, MPFR_RNDZ), *s = malloc((size_t)n + 3);
    s[0] = '3';
    s[1] = '.';
    memcpy(s + 2, r + 1, (size_t)n + 1);
    mpfr_free_str(r);
    mpfr_clear(p);
    return s;
}

/// Digits by the plan for N, workers w of W each computing their blocks; NULL if uncertain.
static char *chud_string(int64_t N, int W, int threads, int64_t guard, chud_plan *out_plan)
{
    chud_plan pl;
    if (chud_plan_make(N, guard, &pl) != 0)
        return NULL;
    chud_pqt *nodes = malloc((size_t)pl.blocks * sizeof *nodes);
    for (int64_t b = 0; b < pl.blocks; b++)
        chud_pqt_init(&nodes[b]);
    for (int w = W - 1; w >= 0; w--)
        chud_share(&pl, w, W, nodes, NULL, NULL);
    chud_tree(&pl, nodes, threads);
    char *s = chud_digits_string(&pl, &nodes[0], threads);
    for (int64_t b = 0; b < pl.blocks; b++)
        chud_pqt_clear(&nodes[b]);
    free(nodes);
    if (out_plan)
        *out_plan = pl;
    else
        chud_plan_free(&pl);
    return s;
}

/// Do a and b stand for the same series part: T/Q and P/Q equal as rationals?
static int same_ratios(const chud_pqt *a, const chud_pqt *b)
{
    mpz_t x, y;
    mpz_inits(x, y, NULL);
    mpz_mul(x, a->T, b->Q);
    mpz_mul(y, b->T, a->Q);
    int same = mpz_cmp(x, y) == 0;
    mpz_mul(x, a->P, b->Q);
    mpz_mul(y, b->P, a->Q);
    same &= mpz_cmp(x, y) == 0;
    mpz_clears(x, y, NULL);
    return same;
}

/// Is every factorization a node keeps its integer's, exactly?
static int factors_exact(const chud_pqt *x)
{
    mpz_t p;
    mpz_init(p);
    int ok = 1;
    const flist *F[2] = {&x->fp, &x->fq};
    const mpz_srcptr v[2] = {x->P, x->Q};
    for (int k = 0; k < 2; k++) {
        mpz_set_ui(p, 1);
        for (int64_t i = 0; i < F[k]->n; i++)
            for (uint32_t e = 0; e < F[k]->f[i].e; e++)
                mpz_mul_ui(p, p, F[k]->f[i].p);
        ok &= mpz_cmp(p, v[k]) == 0;
    }
    mpz_clear(p);
    return ok;
}

/// flist_value against GMP's own powers, with exponents far past a 64-bit word.
static void factor_values(void)
{
    pfac f[] = {{2, 200}, {3, 100}, {7, 23}, {65521, 7}, {65519, 1}};
    flist F = {f, 5, 5};
    mpz_t v, want, t;
    mpz_inits(v, want, t, NULL);
    flist_value(&F, v);
    mpz_set_ui(want, 1);
    for (int i = 0; i < 5; i++) {
        mpz_ui_pow_ui(t, f[i].p, f[i].e);
        mpz_mul(want, want, t);
    }
    tap_ok(mpz_cmp(v, want) == 0, "a factor list's value: 2^200 3^100 7^23 65521^7 65519 exactly");
    mpz_clears(v, want, t, NULL);
}

static void split_against_reference(void)
{
    static const int64_t r[][2] = {{0, 1}, {0, 2}, {0, 7}, {1, 2}, {3, 17}, {100, 229}, {0, 300}};
    int ok = 1, common_out = 1, exact = 1;
    chud_plan pl;
    chud_plan_make(20000, CHUD_GUARD_DIGITS, &pl); /* its sieve covers the terms below */
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
        chud_pqt a, b;
        chud_pqt_init(&a);
        chud_pqt_init(&b);
        chud_split(&pl, r[i][0], r[i][1], 1, &a);
        chud_split_ref(r[i][0], r[i][1], &b);
        ok &= same_ratios(&a, &b);
        common_out &= mpz_cmp(a.Q, b.Q) < 0 || r[i][1] - r[i][0] < 8;
        exact &= a.fac && factors_exact(&a);
        chud_pqt_clear(&a);
        chud_pqt_clear(&b);
    }
    chud_plan_free(&pl);
    tap_ok(ok, "binary splitting == the term-by-term reference (T/Q, P/Q) on 7 ranges");
    tap_ok(common_out, "... with common factors out: Q smaller than the plain product from 8 terms on");
    tap_ok(exact, "... and each node's factorizations multiply to its P and Q exactly");
    chud_plan_make(1, CHUD_GUARD_DIGITS, &pl);       /* a sieve up to 6 K + 1 = 19 only */
    chud_pqt a, b;
    chud_pqt_init(&a);
    chud_pqt_init(&b);
    chud_split(&pl, 1, 120, 1, &a);                   /* values past the sieve: untracked */
    chud_split_ref(1, 120, &b);
    const int64_t limit = pl.sieve.limit;
    const int past = same_ratios(&a, &b) && limit < 6 * 120;
    chud_pqt_clear(&a);
    chud_pqt_clear(&b);
    chud_plan_free(&pl);
    tap_ok(past, "terms whose values pass the plan's sieve (limit %lld): still the same ratios",
           (long long)limit);
}

static void plan_shape(void)
{
    static const int64_t Ns[] = {1, 1000, 100000, 10000000};
    int ok = 1;
    for (size_t i = 0; i < 4; i++) {
        chud_plan pl;
        ok &= chud_plan_make(Ns[i], CHUD_GUARD_DIGITS, &pl) == 0;
        ok &= pl.start[0] == 0 && pl.start[pl.blocks] == pl.terms &&
              pl.terms == chud_terms(Ns[i] + CHUD_GUARD_DIGITS) &&
              (pl.blocks & (pl.blocks - 1)) == 0 && pl.blocks <= CHUD_MAX_BLOCKS;
        int64_t wmin = INT64_MAX, wmax = 0;
        for (int64_t b = 0; b < pl.blocks; b++) {
            int64_t w = 0;
            ok &= pl.start[b + 1] > pl.start[b];
            for (int64_t k = pl.start[b]; k < pl.start[b + 1]; k++)
                w += chud_term_weight(k);
            wmin = w < wmin ? w : wmin;
            wmax = w > wmax ? w : wmax;
        }
        /* cost-sized: every block within one term's weight of the others */
        ok &= wmax - wmin <= 2 * chud_term_weight(pl.terms);
        tap_ok(ok, "N = %lld: %lld terms in %lld blocks of weight %lld..%lld", (long long)Ns[i],
               (long long)pl.terms, (long long)pl.blocks, (long long)wmin, (long long)wmax);
        chud_plan_free(&pl);
    }
}

/// Every N = 1..2000 at W = 1..5 (W = 1 + N mod 5) is a prefix of pi bbp's 2000 digits.
static void against_bbp(void)
{
    bbp_split_plan pl;
    mpz_t acc;
    mpz_init(acc);
    bbp_split_plan_make(2000, 0, &pl);
    bbp_split_share(&pl, 0, 1, acc, NULL, NULL);
    char *ref = bbp_digits_string(acc, 0, (uint64_t)pl.blocks + 1, pl.bits, 2000, 1);
    bbp_split_plan_free(&pl);
    mpz_clear(acc);
    int ok = ref != NULL, bad = 0;
    for (int64_t N = 1; N <= 2000 && ok; N++) {
        char *s = chud_string(N, 1 + (int)(N % 5), 1, CHUD_GUARD_DIGITS, NULL);
        ok = s && strlen(s) == (size_t)N + 2 && !strncmp(s, ref, (size_t)N + 2);
        bad = ok ? bad : (int)N;
        free(s);
    }
    tap_ok(ok, "chudnovsky == pi bbp's digits for every N = 1..2000, W = 1..5 workers");
    if (!ok)
        tap_diag("first N that differs: %d", bad);
    free(ref);
}

/// N where the term count or the block count changes, and N - 1, N + 1, against MPFR.
static void boundaries(void)
{
    char *ref = mpfr_digits(70000);
    int tested = 0, ok = 1, nb = 0, nk = 0;
    int64_t prevK = 0, prevB = 0;
    for (int64_t N = 1; N <= (SAN ? 9000 : 69000); N++) {
        chud_plan pl;
        chud_plan_make(N, CHUD_GUARD_DIGITS, &pl);
        const int newK = pl.terms != prevK, newB = pl.blocks != prevB;
        prevK = pl.terms;
        prevB = pl.blocks;
        chud_plan_free(&pl);
        /* every block-count change; the term-count changes up to 140 terms */
        if (!(newB || (newK && N < 2000)))
            continue;
        nb += newB;
        nk += newK;
        for (int64_t d = -1; d <= 1; d++) {
            char *s = chud_string(N + d, 3, 2, CHUD_GUARD_DIGITS, NULL);
            ok &= s && !strncmp(s, ref, (size_t)(N + d) + 2) && strlen(s) == (size_t)(N + d) + 2;
            free(s);
            tested++;
        }
    }
    tap_ok(ok && nb >= (SAN ? 5 : 8), "%d N next to %d term-count and %d block-count changes, 3 workers x 2 "
           "threads == MPFR", tested, nk, nb);
    free(ref);
}

static void against_mpfr(void)
{
    static const int64_t Ns[] = {10000, 100000, 1000000};
    for (size_t i = 0; i < (SAN ? 2 : 3); i++) {
        chud_plan pl;
        char *ref = mpfr_digits(Ns[i]), *s = chud_string(Ns[i], 3, 2, CHUD_GUARD_DIGITS, &pl);
        tap_ok(s && !strcmp(s, ref), "%lld digits (%lld blocks, 3 workers, 2 threads) == MPFR's "
               "(...%s)", (long long)Ns[i], (long long)pl.blocks, s ? s + Ns[i] - 8 : "none");
        chud_plan_free(&pl);
        free(s);
        free(ref);
    }
}

static void layouts(void)
{
    chud_plan pl;
    chud_plan_make(30000, CHUD_GUARD_DIGITS, &pl);
    chud_pqt *one = malloc((size_t)pl.blocks * sizeof *one), *x = malloc((size_t)pl.blocks * sizeof *x);
    for (int64_t b = 0; b < pl.blocks; b++) {
        chud_pqt_init(&one[b]);
        chud_pqt_init(&x[b]);
    }
    chud_rank(&pl, 0, 1, 1, one, NULL, NULL);
    chud_tree(&pl, one, 1);
    int ok = 1;
    for (int W = 2; W <= 7; W++) {
        for (int r = 0; r < W; r += 2)  /* ranks of 2 threads, the last maybe of 1 */
            chud_rank(&pl, r / 2, (W + 1) / 2, 2, x, NULL, NULL);
        chud_tree(&pl, x, W % 3 + 1);
        ok &= !mpz_cmp(x[0].Q, one[0].Q) && !mpz_cmp(x[0].T, one[0].T);
    }
    tap_ok(ok, "the root's Q and T are the same integers for 1..4 ranks x 2 threads, tree on 1..3 "
           "threads");
    for (int64_t b = 0; b < pl.blocks; b++) {
        chud_pqt_clear(&one[b]);
        chud_pqt_clear(&x[b]);
    }
    free(one);
    free(x);
    chud_plan_free(&pl);
}

static void uncertain(void)
{
    /* with no guard digit the interval [X - 1, X + 2] always spans a digit: never printed */
    char *s = chud_string(500, 2, 1, 0, NULL);
    tap_ok(s == NULL, "no guard digits: the last digit cannot be certified, NULL");
    free(s);
}

/// Both conversions of [y, y + err) / 2^bits to n decimals: the return codes (ref, tree on
/// 1..4 threads) agree with want (0 or -1), and when 0 the digits agree with each other.
static int fraction_case(const mpz_t y, int64_t bits, uint64_t err, int64_t n, int want)
{
    frac_iv x = {.bits = bits, .err = err};
    mpz_init_set(x.y, y);
    char *a = malloc((size_t)n), *b = malloc((size_t)n);
    int ok = digits_frac_write_ref(&x, n, a) == want;
    for (int t = 1; t <= 4; t++)
        ok &= digits_frac_write(&x, n, t, b) == want && (want || !memcmp(a, b, (size_t)n));
    mpz_clear(x.y);
    free(a);
    free(b);
    return ok;
}

/// The conversion of a binary fraction known to an interval: random fractions at sizes around
/// the leaf and the tree's cuts, against the plain one, and the intervals that straddle a
/// digit (at the last digit, at the first cut p, past 1) refused by both.
static void fraction_conversion(void)
{
    gmp_randstate_t rs;
    gmp_randinit_default(rs);
    int ok = 1, refused = 1;
    static const int64_t ns[] = {1, 7, 39999, 40001, 100000, 654321};
    for (size_t i = 0; i < (SAN ? 5 : 6); i++) {
        const int64_t n = ns[i], bits = digits_frac_bits(n) + (int64_t)(i % 3) * 50;
        mpz_t y, v;
        mpz_inits(y, v, NULL);
        mpz_urandomb(y, rs, (mp_bitcnt_t)bits);
        ok &= fraction_case(y, bits, 1 + 1000 * (i % 2), n, 0);
        mpz_set_ui(v, 1);                    /* 1/2 - one unit, err 3: 4999... or 5000... */
        mpz_mul_2exp(v, v, (mp_bitcnt_t)bits - 1);
        mpz_sub_ui(v, v, 1);
        refused &= fraction_case(v, bits, 3, n, -1);
        mpz_set_ui(v, 1);                    /* just below 1, past it with the error */
        mpz_mul_2exp(v, v, (mp_bitcnt_t)bits);
        mpz_sub_ui(v, v, 2);
        refused &= fraction_case(v, bits, 5, n, -1);
        mpz_clears(y, v, NULL);
    }
    /* (A + 1) / 10^p inside the interval: the first p digits are A or A + 1 (a cut at p) */
    const int64_t p = DIGITS_FRAC_LEAF * 4, n = 2 * p, bits = digits_frac_bits(n);
    mpz_t A, y, pw;
    mpz_inits(A, y, pw, NULL);
    mpz_ui_pow_ui(pw, 10, (unsigned long)p);
    mpz_urandomm(A, rs, pw);
    mpz_add_ui(y, A, 1);
    mpz_mul_2exp(y, y, (mp_bitcnt_t)bits);
    mpz_fdiv_q(y, y, pw);                    /* floor((A + 1) 2^bits / 10^p) */
    refused &= fraction_case(y, bits, 3, n, -1);
    mpz_set_ui(pw, 1);                       /* just past the boundary: 8 units of the bits */
    mpz_mul_2exp(pw, pw, (mp_bitcnt_t)(bits - digits_frac_bits(p) + 3)); /* p digits keep */
    mpz_add(y, y, pw);
    ok &= fraction_case(y, bits, 1, n, 0);
    mpz_clears(A, y, pw, NULL);
    gmp_randclear(rs);
    tap_ok(ok, "fraction conversion on the tree == the plain one (one leaf), 1..4 threads");
    tap_ok(refused, "an interval across a digit boundary (last digit, the first cut, past 1) is "
           "refused by both");
}

int main(void)
{
    factor_values();
    split_against_reference();
    plan_shape();
    fraction_conversion();
    against_bbp();
    boundaries();
    against_mpfr();
    layouts();
    uncertain();
    return tap_done();
}
