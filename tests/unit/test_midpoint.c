/* test_midpoint.c - midpoint kernels: fast == reference bit for bit, exact sums, error within bound. */
#include <math.h>
#include <mpfr.h>
#include <stdio.h>

#include "midpoint.h"
#include "tap.h"

/// Sum of one kernel over all W workers.
static fx_u128 split_sum(midpoint_kernel k, int64_t n, int64_t W)
{
    fx_u128 s = 0;
    for (int64_t w = 0; w < W; w++)
        s += k(n, w, W);
    return s;
}

int main(void)
{
    static const int64_t ns[] = {1,    2,    3,    5,    7,     16,     31,     100,     1023,
                                 1024, 1025, 2047, 2048, 4097, 99991, 100000, 1000003};
    static const int64_t Ws[] = {1, 2, 3, 4, 5, 6, 7, 9, 12, 64, 100, 1031};
    int same = 1, split = 1;

    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++) {
        const fx_u128 whole = midpoint_sum_ref(ns[a], 0, 1);
        for (size_t b = 0; b < sizeof Ws / sizeof Ws[0]; b++) {
            const int64_t n = ns[a], W = Ws[b];
            for (int64_t w = 0; w < W; w++)
                same &= midpoint_sum_fast(n, w, W) == midpoint_sum_ref(n, w, W);
            split &= split_sum(midpoint_sum_fast, n, W) == whole;
        }
    }
    tap_ok(same, "fast kernel == scalar reference, bit for bit, for every worker of many (n, W)");
    tap_ok(split, "any split of the steps over W workers gives the same exact total");

    /* Far out: terms that round to exactly 4 (x^2 < 2^-53), huge strides. */
    const int64_t nmax = MIDPOINT_MAX_STEPS, Wbig = INT64_C(1) << 40;
    same = 1;
    for (int64_t w = 0; w < 3; w++)
        same &= midpoint_sum_fast(nmax, w, Wbig) == midpoint_sum_ref(nmax, w, Wbig) &&
                midpoint_sum_fast(nmax, Wbig - 1 - w, Wbig) ==
                    midpoint_sum_ref(nmax, Wbig - 1 - w, Wbig);
    tap_ok(same, "n = 2^52 with W = 2^40: fast == reference (terms up to exactly 4)");

    int threads_same = 1;
    for (int ranks = 1; ranks <= 3; ranks++)
        for (int threads = 1; threads <= 4; threads++) {
            fx_u128 s = 0;
            for (int r = 0; r < ranks; r++)
                s += midpoint_span_rank(midpoint_span_fast, 99991, 0, 99991, r, ranks, threads);
            threads_same &= s == midpoint_sum_ref(99991, 0, 1);
        }
    tap_ok(threads_same, "rank-level OpenMP sums (ranks 1-3 x threads 1-4) equal the serial total");

    /* Checkpointed runs sum consecutive spans, each on its own layout: the same exact total. */
    int spans_same = 1;
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++) {
        const int64_t n = ns[a];
        const fx_u128 whole = midpoint_sum_ref(n, 0, 1);
        for (int64_t len = 1; len <= n + 3; len = len * 3 + 1) {
            fx_u128 s = 0;
            for (int64_t lo = 0, k = 0; lo < n; lo += len, k++) {
                const int64_t hi = n - lo < len ? n : lo + len, W = Ws[k % 12];
                for (int64_t w = 0; w < W; w++) {
                    const fx_u128 f = midpoint_span_fast(n, lo, hi, w, W);
                    spans_same &= f == midpoint_span_ref(n, lo, hi, w, W);
                    s += f;
                }
            }
            spans_same &= s == whole;
        }
    }
    tap_ok(spans_same, "consecutive spans [lo, hi), each split over its own W: fast == reference, "
                       "spans add up to the whole exact total");
    const int64_t big = MIDPOINT_MAX_STEPS - 12345;
    tap_ok(midpoint_span_fast(MIDPOINT_MAX_STEPS, big, MIDPOINT_MAX_STEPS, 1, 3) ==
               midpoint_span_ref(MIDPOINT_MAX_STEPS, big, MIDPOINT_MAX_STEPS, 1, 3),
           "a span at the end of n = 2^52: fast == reference");

    /* Independent check of the exact sum: MPFR adds the same doubles exactly. */
    {
        const int64_t n = 200003;
        const double h = 1.0 / (double)n;
        mpfr_t acc, expect;
        mpfr_init2(acc, 256);
        mpfr_init2(expect, 256);
        mpfr_set_ui(acc, 0, MPFR_RNDN);
        for (int64_t i = 0; i < n; i++) {
            volatile double x = ((double)i + 0.5) * h;
            volatile double sq = x * x;
            volatile double t = 4.0 / (1.0 + sq);
            mpfr_add_d(acc, acc, t, MPFR_RNDN);
        }
        const fx_u128 s = split_sum(midpoint_sum_fast, n, 7);
        mpfr_set_ui(expect, (unsigned long)(uint64_t)(s >> 64), MPFR_RNDN);
        mpfr_mul_2ui(expect, expect, 64, MPFR_RNDN);
        mpfr_add_ui(expect, expect, (unsigned long)(uint64_t)s, MPFR_RNDN);
        mpfr_div_2ui(expect, expect, MIDPOINT_FX_BITS, MPFR_RNDN);
        tap_ok(mpfr_equal_p(acc, expect), "integer total == MPFR's exact sum of the terms (n = %lld)",
               (long long)n);
        mpfr_div_ui(acc, acc, (unsigned long)n, MPFR_RNDN);
        tap_ok(mpfr_get_d(acc, MPFR_RNDN) == midpoint_pi(s, n),
               "pi = total / n is the correctly rounded mean");
        mpfr_clear(acc);
        mpfr_clear(expect);
    }

    /* The self-check bound holds for every small n, where truncation dominates. */
    int within = 1;
    int64_t worst_n = 0;
    double worst = 0;
    for (int64_t n = 1; n <= 3000; n++) {
        const double pi = midpoint_pi(midpoint_sum_fast(n, 0, 1), n);
        const double err = fabs(pi - M_PI), bound = midpoint_truncation(n) + midpoint_rounding_bound();
        within &= err <= bound;
        if (err / bound > worst) {
            worst = err / bound;
            worst_n = n;
        }
    }
    tap_ok(within, "n = 1..3000: |pi - true pi| <= h^2/12 + 17u (worst ratio %.6f at n = %lld)",
           worst, (long long)worst_n);

    /* It is the midpoint rule: error ~ +h^2/12 (pi is overestimated). */
    const double e1000 = midpoint_pi(midpoint_sum_fast(1000, 0, 1), 1000) - M_PI;
    tap_ok(fabs(e1000 / midpoint_truncation(1000) - 1) < 1e-5,
           "n = 1000: pi - true pi = %.6e matches +h^2/12 = %.6e", e1000,
           midpoint_truncation(1000));

    /* Large n: error about one ulp, where the plain double sum drifts. */
    const int64_t n = 100000000;
    const double pi = midpoint_pi(split_sum(midpoint_sum_fast, n, 2), n);
    const double naive = (midpoint_sum_naive(n, 0, 1)) / (double)n;
    tap_diag("n = 1e8: exact-sum pi %.17g (error %.2e), plain double sum %.17g (error %.2e)", pi,
             fabs(pi - M_PI), naive, fabs(naive - M_PI));
    tap_ok(fabs(pi - M_PI) <= 0x1p-50, "n = 1e8: |pi - M_PI| <= 2^-50 (2 ulp)");
    tap_ok(fabs(midpoint_sum_fast_fp(n, 0, 1) / (double)n - M_PI) < 1e-12,
           "the plain-double-sum baseline kernel computes pi too (to 1e-12)");
    return tap_done();
}
