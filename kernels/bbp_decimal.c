/* bbp_decimal.c - pi to N decimal digits from the BBP series in exact fixed point (GMP). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bbp.h"
#include "decomp.h"
#include "digits_str.h"

/*
 * Pairing the series, term k is 16^-k ((16k+14)/((8k+1)(8k+4)) - (16k+11)/((8k+5)(8k+6))).
 * At B bits each part is floored to an integer: pos and neg are each below the
 * true sums by less than one unit per term, so pos - neg is within K units of
 * pi 2^B (K terms).  bbp_decimal_string turns that interval into digits only
 * when both ends agree.
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

/// "3." + digits from the decimal integer d = floor(pi 10^N) (N + 1 digits).
static char *format_digits(const mpz_t d, int64_t digits, int threads)
{
    char *s = malloc((size_t)digits + 3);
    if (!s || digits_str_write(d, digits + 1, threads, s + 1) != 0 || s[1] == '0') {
        free(s);
        return NULL;
    }
    s[0] = s[1];
    s[1] = '.';
    s[digits + 2] = '\0';
    return s;
}

char *bbp_digits_string(const mpz_t x, uint64_t below, uint64_t above, int64_t bits,
                        int64_t digits, int threads)
{
    mpz_t lo, hi, p10;
    char *s = NULL;

    mpz_inits(lo, hi, p10, NULL);
    mpz_ui_pow_ui(p10, 10, (unsigned long)digits);
    mpz_sub_ui(lo, x, below);
    mpz_mul(lo, lo, p10);                   /* (x - below) 10^N */
    mpz_mul_ui(hi, p10, below + above);     /* + (below + above) 10^N: one big product only */
    mpz_add(hi, hi, lo);
    mpz_clear(p10);
    mpz_fdiv_q_2exp(lo, lo, (mp_bitcnt_t)bits);
    mpz_fdiv_q_2exp(hi, hi, (mp_bitcnt_t)bits);
    if (mpz_cmp(lo, hi) == 0)               /* floor(pi 10^N), certain */
        s = format_digits(lo, digits, threads);
    mpz_clears(lo, hi, NULL);
    return s;
}
