/* factors.c - prime factorizations for binary splitting (bbp_split, chudnovsky): factor lists, a smallest-factor sieve, balanced products. */
#include "factors.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void flist_room(flist *F, int64_t n)
{
    if (n <= F->cap)
        return;
    const int64_t cap = n > 2 * F->cap ? n : 2 * F->cap;
    pfac *f = realloc(F->f, (size_t)cap * sizeof *f);
    if (!f)
        abort();
    F->f = f;
    F->cap = cap;
}

void flist_fit(flist *F)
{
    if (F->n == F->cap)
        return;
    if (F->n == 0) {
        flist_free(F);
        return;
    }
    pfac *f = realloc(F->f, (size_t)F->n * sizeof *f);
    if (f) {                                 /* shrinking cannot really fail: keep it if so */
        F->f = f;
        F->cap = F->n;
    }
}

void flist_free(flist *F)
{
    free(F->f);
    F->f = NULL;
    F->n = F->cap = 0;
}

void flist_set_sorted(flist *F, const pfac *src, int64_t n)
{
    if (src != F->f)
        flist_room(F, n);
    F->n = 0;                                /* in place: the write never passes the read */
    for (int64_t i = 0; i < n; i++) {
        if (F->n && F->f[F->n - 1].p == src[i].p)
            F->f[F->n - 1].e += src[i].e;
        else
            F->f[F->n++] = src[i];
    }
}

/// Merge A and B into out (room for A->n + B->n, out distinct from both).
static void merge_into(pfac *out, int64_t *n, const flist *A, const flist *B)
{
    int64_t i = 0, j = 0, k = 0;
    while (i < A->n && j < B->n) {
        if (A->f[i].p < B->f[j].p)
            out[k++] = A->f[i++];
        else if (B->f[j].p < A->f[i].p)
            out[k++] = B->f[j++];
        else {
            out[k] = A->f[i++];
            out[k++].e += B->f[j++].e;
        }
    }
    while (i < A->n)
        out[k++] = A->f[i++];
    while (j < B->n)
        out[k++] = B->f[j++];
    *n = k;
}

void flist_mul(flist *F, const flist *A, const flist *B)
{
    if (F != A) {
        flist_room(F, A->n + B->n);
        merge_into(F->f, &F->n, A, B);
        return;
    }
    /* in place: A's factors move to the top of its room, then merge down into it */
    const int64_t na = A->n;
    flist_room(F, na + B->n);
    memmove(F->f + B->n, F->f, (size_t)na * sizeof *F->f);
    const flist top = {F->f + B->n, na, na};
    merge_into(F->f, &F->n, &top, B);
}

void flist_take_common(flist *A, flist *B, flist *C)
{
    int64_t i = 0, j = 0, ka = 0, kb = 0;
    flist_room(C, A->n < B->n ? A->n : B->n);
    C->n = 0;
    while (i < A->n && j < B->n) {
        if (A->f[i].p < B->f[j].p) {
            A->f[ka++] = A->f[i++];
        } else if (B->f[j].p < A->f[i].p) {
            B->f[kb++] = B->f[j++];
        } else {
            const uint32_t c = A->f[i].e < B->f[j].e ? A->f[i].e : B->f[j].e;
            C->f[C->n++] = (pfac){A->f[i].p, c};
            A->f[i].e -= c;
            B->f[j].e -= c;
            if (A->f[i].e)
                A->f[ka++] = A->f[i];
            if (B->f[j].e)
                B->f[kb++] = B->f[j];
            i++;
            j++;
        }
    }
    while (i < A->n)
        A->f[ka++] = A->f[i++];
    while (j < B->n)
        B->f[kb++] = B->f[j++];
    A->n = ka;
    B->n = kb;
}

/// The largest power p^k below 2^64 and its k (p >= 2).
static uint64_t word_power(uint64_t p, uint32_t *k)
{
    uint64_t q = p;
    for (*k = 1; q <= UINT64_MAX / p; ++*k)
        q *= p;
    return q;
}

void flist_value(const flist *F, mpz_t out)
{
    int64_t words = 0;
    for (int64_t i = 0; i < F->n; i++) {
        uint32_t k;
        word_power(F->f[i].p, &k);
        words += F->f[i].e / k + 1;
    }
    uint64_t *w = malloc((size_t)words * sizeof *w + 1);
    if (!w)
        abort();
    int64_t n = 0;
    for (int64_t i = 0; i < F->n; i++) {     /* p^e = (p^k)^(e / k) p^(e mod k) */
        uint32_t k;
        const uint64_t pk = word_power(F->f[i].p, &k);
        for (uint32_t r = 0; r < F->f[i].e / k; r++)
            w[n++] = pk;
        if (F->f[i].e % k)
            w[n++] = fac_ipow(F->f[i].p, F->f[i].e % k);
    }
    fac_product(w, n, out);
    free(w);
}

uint64_t fac_ipow(uint64_t p, uint32_t e)
{
    uint64_t r = 1;
    while (e--)
        r *= p;
    return r;
}

void fac_product(const uint64_t *f, int64_t n, mpz_t out)
{
    if (n <= 16) {
        mpz_set_ui(out, 1);
        for (int64_t i = 0; i < n; i++)
            mpz_mul_ui(out, out, f[i]);
        return;
    }
    mpz_t r;
    mpz_init(r);
    fac_product(f, n / 2, out);
    fac_product(f + n / 2, n - n / 2, r);
    mpz_mul(out, out, r);
    mpz_clear(r);
}

int fac_sieve_make(int64_t limit, fac_sieve *s)
{
    const int64_t n = limit / 2 + 1;
    s->limit = limit;
    s->spf = calloc((size_t)n, sizeof *s->spf);
    char *comp = calloc(1 << 16, 1);
    if (!s->spf || !comp) {
        free(s->spf);
        free(comp);
        s->spf = NULL;
        return -1;
    }
    for (uint64_t p = 3; p < (1 << 16) && p <= (uint64_t)limit; p += 2) {
        if (comp[p])
            continue;                        /* odd primes p < 2^16 in increasing order */
        for (uint64_t m = p * p; m < (1 << 16); m += 2 * p)
            comp[m] = 1;
        for (uint64_t m = p; m <= (uint64_t)limit; m += 2 * p)
            if (!s->spf[m / 2])
                s->spf[m / 2] = (uint16_t)p;
    }
    free(comp);
    return 0;
}

void fac_sieve_free(fac_sieve *s)
{
    free(s->spf);
    s->spf = NULL;
}

int fac_of(const fac_sieve *s, uint64_t m64, uint32_t mult, pfac *out)
{
    uint32_t m = (uint32_t)m64, e = 0;
    int n = 0;
    for (; m % 2 == 0; m /= 2)
        e++;
    if (e)
        out[n++] = (pfac){2, e * mult};
    while (m > 1) {
        const uint32_t p = s->spf[m / 2];
        if (!p)
            break;                           /* only primes >= 2^16 are left */
        for (e = 0; m % p == 0; m /= p)
            e++;
        out[n++] = (pfac){p, e * mult};
    }
    return n;
}
