/* digits_str.h - a big integer's decimal digits, divide and conquer over powers of 10 on OpenMP tasks. */
#ifndef PIPORT_DIGITS_STR_H
#define PIPORT_DIGITS_STR_H

#include <gmp.h>
#include <stdint.h>

/*
 * x < 10^n is cut as x = hi 10^h + lo by one mpz_tdiv_qr with h = c 2^i (c the leaf size, i as
 * large as fits), and hi and lo are written side by side by two OpenMP tasks; the powers
 * 10^(c 2^i) are made once by squaring.  Leaves below c digits go to mpz_get_str.  The text is
 * the same for any number of threads (each digit is fixed by x alone); 1 thread is GMP's own
 * subquadratic conversion plus the tree's divisions.
 */

/// Decimal digits below which one mpz_get_str converts (and the leaf size of the tree).
#define DIGITS_STR_LEAF INT64_C(200000)

/// Write the n decimal digits of 0 <= x < 10^n, zero-padded on the left, to out[0..n) (no NUL),
/// on up to `threads` OpenMP threads.  0 ok, -1 if x does not fit in n digits or no memory.
int digits_str_write(const mpz_t x, int64_t n, int threads, char *out);

/// Plain reference: mpz_get_str and padding, one thread.  0 ok, -1 as above.
int digits_str_write_ref(const mpz_t x, int64_t n, char *out);

#endif
