/* bbp_decimal.c - pi to N decimal digits from the BBP series in exact fixed point (GMP). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bbp.h"
#include "decomp.h"
#include "digits_frac.h"

/*
 * Pairing the series, term k is 16^-k ((16k+14)/((8k+1)(8k+4)) - (16k+11)/((8k+5)(8k+6))).
 * At B bits each part is floored to an integer: pos and neg are each below the
 * true sums by less than one unit per term, so pos - neg is within K units of
 * pi 2^B (K terms).  bbp_decimal_string turns that interval into digits only
 * when every point of it gives the same ones (digits_frac.h).
 */

int64_t bbp_decimal_bits(int64_t digits)
{
    /* log2(10) = 3.3219...; 64 guard bits cover the < K units of error */
    return (int64_t)ceil((double)digits * 3.3219280948873623) + 64;
}

/// Number of terms at `bits` bits: beyond it every floored term is 0.
static int64_t decimal_terms(int64_t bits)
{
    return bits / 4 + 2;
}

void bbp_decimal_share(int64_t bits, int64_t w, int64_t W, mpz_t pos, mpz_t neg)
{
    const int64_t count = decomp_count(decimal_terms(bits), w, W);
    mpz_t t;
    mpz_init(t);
    for (int64_t i = 0; i < count; i++) {
        const int64_t k = decomp_index(w, W, i);
        const int64_t shift = bits - 4 * k;
        if (shift < 0)
            continue;                       /* the term floors to 0 */
        const uint64_t k8 = 8 * (uint64_t)k; /* divisors < 2^64 while k < 2^29 */
        mpz_set_ui(t, 16 * (unsigned long)k + 14);
        mpz_mul_2exp(t, t, (mp_bitcnt_t)shift);
        mpz_tdiv_q_ui(t, t, (unsigned long)((k8 + 1) * (k8 + 4)));
        mpz_add(pos, pos, t);
        mpz_set_ui(t, 16 * (unsigned long)k + 11);
        mpz_mul_2exp(t, t, (mp_bitcnt_t)shift);
        mpz_tdiv_q_ui(t, t, (unsigned long)((k8 + 5) * (k8 + 6)));
        mpz_add(neg, neg, t);
    }
    mpz_clear(t);
}

void bbp_decimal_rank(int64_t bits, int rank, int ranks, int threads, mpz_t pos, mpz_t neg)
{
    const int64_t W = (int64_t)ranks * threads;
#pragma omp parallel for schedule(static, 1) num_threads(threads)
    for (int t = 0; t < threads; t++) {
        mpz_t p, n;
        mpz_init(p);
        mpz_init(n);
        bbp_decimal_share(bits, decomp_worker(rank, threads, t), W, p, n);
#pragma omp critical(bbp_decimal_rank)
        {
            mpz_add(pos, pos, p);
            mpz_add(neg, neg, n);
        }
        mpz_clear(p);
        mpz_clear(n);
    }
}

char *bbp_decimal_string(const mpz_t pos, const mpz_t neg, int64_t bits, int64_t digits)
{
    const uint64_t K = (uint64_t)decimal_terms(bits);
    mpz_t x;
    mpz_init(x);
    mpz_sub(x, pos, neg);                   /* pi 2^B, within K units */
    char *s = bbp_digits_string(x, K, K, bits, digits, 1);
    mpz_clear(x);
    return s;
}

char *bbp_digits_string(const mpz_t x, uint64_t below, uint64_t above, int64_t bits,
                        int64_t digits, int threads)
{
    /* pi 2^P in [x - below, x + above]: frac(pi) in [y, y + below + above + 1) / 2^P */
    frac_iv f = {.bits = bits, .err = below + above + 1};
    mpz_init(f.y);
    mpz_set_ui(f.y, 3);
    mpz_mul_2exp(f.y, f.y, (mp_bitcnt_t)bits);
    mpz_sub(f.y, x, f.y);
    mpz_sub_ui(f.y, f.y, (unsigned long)below);
    char *s = malloc((size_t)digits + 3);
    if (s && digits_frac_write(&f, digits, threads, s + 2) == 0) {
        s[0] = '3';
        s[1] = '.';
        s[digits + 2] = '\0';
    } else {
        free(s);
        s = NULL;
    }
    mpz_clear(f.y);
    return s;
}
