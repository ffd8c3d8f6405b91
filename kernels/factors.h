/* factors.h - prime factorizations for binary splitting (bbp_split, chudnovsky): factor lists, a smallest-factor sieve, balanced products. */
#ifndef PIPORT_FACTORS_H
#define PIPORT_FACTORS_H

#include <gmp.h>
#include <stdint.h>

/// One prime power p^e of a factorization.
typedef struct {
    uint32_t p, e;
} pfac;

/// A factorization: prime powers in ascending p, each p once.
typedef struct {
    pfac *f;
    int64_t n, cap;
} flist;

/// Room for n factors in F (aborts when out of memory: a few bytes a prime).
void flist_room(flist *F, int64_t n);

/// Give back F's unused room (a list kept for long holds no slack).
void flist_fit(flist *F);

/// Free F's memory (F is then empty).
void flist_free(flist *F);

/// F = the prime powers src[0..n), ascending p with repeats, each prime once (exponents of
/// equal primes added); src may be F's own array.
void flist_set_sorted(flist *F, const pfac *src, int64_t n);

/// F = A B (exponents of equal primes added); F may be A.
void flist_mul(flist *F, const flist *A, const flist *B);

/// The common part of A and B (the smaller exponent of every prime in both) taken out of both
/// into C (C's old contents replaced).
void flist_take_common(flist *A, flist *B, flist *C);

/// out = the number F stands for, exactly, whatever its exponents (p^e cut into 64-bit words).
void flist_value(const flist *F, mpz_t out);

/// p^e for a prime power known to fit in 64 bits.
uint64_t fac_ipow(uint64_t p, uint32_t e);

/// out = product of f[0..n) by a balanced tree (1 for n = 0).
void fac_product(const uint64_t *f, int64_t n, mpz_t out);

/// Smallest prime factors below 2^16 of the odd numbers up to a limit (16 bits each): the
/// primes binary splitting tracks (larger ones are rare twice in one node: not worth a list).
typedef struct {
    uint16_t *spf;  ///< spf[m / 2]: the smallest prime factor of odd m below 2^16, 0 if none
    int64_t limit;  ///< largest number covered
} fac_sieve;

/// The sieve up to limit; 0, or -1 when out of memory.
int fac_sieve_make(int64_t limit, fac_sieve *s);

/// Free the sieve.
void fac_sieve_free(fac_sieve *s);

/// m's prime factors below 2^16 into out (room for FAC_MAX_PRIMES), ascending, every exponent
/// times mult (1 <= m <= s->limit, m < 2^32); the part of m made of larger primes is left out.
/// Returns their count.
int fac_of(const fac_sieve *s, uint64_t m, uint32_t mult, pfac *out);

/// Most distinct primes of a number below 2^32.
enum { FAC_MAX_PRIMES = 10 };

#endif
