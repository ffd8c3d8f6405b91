/* digits_frac.h - the decimal digits of a binary fraction known to an interval, by multiplications (a scaled remainder tree), certified. */
#ifndef PIPORT_DIGITS_FRAC_H
#define PIPORT_DIGITS_FRAC_H

#include <gmp.h>
#include <stdint.h>

/*
 * A fraction 0 <= x < 1 is known as the half-open interval [y / 2^bits, (y + err) / 2^bits).
 * Its first n decimals floor(x 10^n) are written without a division: the first p of them
 * (p = c 2^i, c the leaf size, the largest such below n) are those of x itself at the
 * precision p digits need (y shifted right), and the other n - p those of frac(x 10^p), one
 * multiplication by 10^p away.  The two halves run as OpenMP tasks; the powers 10^(c 2^i)
 * are made once by squaring.  A leaf (at most c digits) computes floor(10^m t) at both ends
 * of its interval and prints the digits only if they agree.  If every leaf agrees, the
 * digits are those of every point of the top interval (by induction: the first half agrees
 * over its interval, so no digit boundary at 10^-p falls inside, so frac(x 10^p) stays in
 * the second half's interval), else the call says -1 and nothing is claimed.  The text is
 * the same for any number of threads.
 */

/// Decimal digits a leaf converts with one multiplication and mpz_get_str.
#define DIGITS_FRAC_LEAF INT64_C(20000)

/// x in [y / 2^bits, (y + err) / 2^bits): a fraction known to err units of its last bit.
typedef struct {
    mpz_t y;
    int64_t bits;
    uint64_t err;
} frac_iv;

/// Bits a fraction needs for n certain decimals: n log2(10) from above, plus 64 guard bits.
int64_t digits_frac_bits(int64_t n);

/// The interval of frac(x 10^p), at the precision its next n decimals need (powp = 10^p):
/// 0, or -1 if the error would no longer fit (never below 2^40 decimals).
int digits_frac_shift(const frac_iv *x, const mpz_t powp, int64_t n, frac_iv *lo);

/// Write the first n decimals of x to out[0..n) (no NUL) on up to `threads` OpenMP threads:
/// 0, or -1 if the interval does not fix them (or no memory).
int digits_frac_write(const frac_iv *x, int64_t n, int threads, char *out);

/// Plain reference: floor(10^n y / 2^bits) and the same at y + err, compared, then
/// mpz_get_str, one thread.  0, or -1 as above.
int digits_frac_write_ref(const frac_iv *x, int64_t n, char *out);

#endif
