/* test_fixedpoint.c - fx_ratio is correctly rounded: checked against MPFR on random and tie cases. */
#include <gmp.h>
#include <mpfr.h>
#include <stdint.h>

#include "fixedpoint.h"
#include "tap.h"

static uint64_t state = 0x9E3779B97F4A7C15u;

/// splitmix64: test inputs only.
static uint64_t next(void)
{
    uint64_t z = (state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/// num / (den * 2^e) rounded to nearest by MPFR (one correctly rounded division).
static double mpfr_ratio(fx_u128 num, uint64_t den, int e)
{
    mpz_t z;
    mpfr_t q, y;
    double d;
    mpz_init_set_ui(z, (unsigned long)(uint64_t)(num >> 64));
    mpz_mul_2exp(z, z, 64);
    mpz_add_ui(z, z, (unsigned long)(uint64_t)num);
    mpfr_init2(q, 160);
    mpfr_init2(y, 53);
    mpfr_set_z(q, z, MPFR_RNDN);               /* exact: 128 bits fit in 160 */
    mpfr_div_ui(y, q, (unsigned long)den, MPFR_RNDN);
    mpfr_div_2si(y, y, e, MPFR_RNDN);           /* exact: a power of two */
    d = mpfr_get_d(y, MPFR_RNDN);
    mpfr_clear(q);
    mpfr_clear(y);
    mpz_clear(z);
    return d;
}

int main(void)
{
    int bad = 0, cases = 0;

    for (int i = 0; i < 200000; i++) {
        const int bits = 1 + (int)(next() % 128);
        fx_u128 num = ((fx_u128)next() << 64) | next();
        if (bits < 128)
            num &= ((fx_u128)1 << bits) - 1;
        uint64_t den = next() >> (next() % 64);
        if (den == 0)
            den = 1;
        const int e = (int)(next() % 120);
        if (num == 0)
            continue;
        cases++;
        if (fx_ratio(num, den, e) != mpfr_ratio(num, den, e) && bad++ < 5)
            tap_diag("mismatch: bits %d den %llu e %d", bits, (unsigned long long)den, e);
    }
    tap_ok(bad == 0, "%d random ratios equal MPFR's round-to-nearest (%d differ)", cases, bad);

    /* Exact ties (2^53 + 1) * 2^s: round to even (down); a hair above: up. */
    bad = 0;
    for (int s = 0; s < 60; s++) {
        for (uint64_t den = 1; den < 2000; den += 37) {
            const fx_u128 tie = ((fx_u128)((UINT64_C(1) << 53) + 1) << s) * den;
            const double down = mpfr_ratio(tie, den, s);
            bad += fx_ratio(tie, den, s) != down || down != 0x1p53;
            if (den > 1)
                bad += fx_ratio(tie + 1, den, s) != 0x1p53 + 2;
            bad += fx_ratio(tie - 1, den, s) != 0x1p53;
        }
    }
    tap_ok(bad == 0, "ties round to even, sticky bits break them (%d wrong)", bad);

    tap_ok(fx_ratio(0, 7, 3) == 0.0, "zero numerator");
    tap_ok(fx_ratio((fx_u128)3 << 51, 1, 51) == 3.0 && fx_ratio(1, 3, 0) == 1.0 / 3.0,
           "simple exact and inexact values");
    tap_ok(fx_ratio(~(fx_u128)0, 1, 0) == 0x1p128, "2^128 - 1 rounds to 2^128");
    return tap_done();
}
