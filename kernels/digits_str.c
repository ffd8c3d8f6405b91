/* digits_str.c - a big integer's decimal digits, divide and conquer over powers of 10 on OpenMP tasks. */
#include <stdlib.h>
#include <string.h>

#include "digits_str.h"

enum { MAX_LEVELS = 48 };

/// Powers 10^(leaf 2^i), i < levels, shared by the tasks (read only once made).
typedef struct {
    int64_t leaf;
    int levels;
    mpz_t pow[MAX_LEVELS];
} pow_table;

int digits_str_write_ref(const mpz_t x, int64_t n, char *out)
{
    if (mpz_sgn(x) < 0 || mpz_sizeinbase(x, 10) > (size_t)n + 1)
        return -1;
    char *s = malloc((size_t)n + 3);
    if (!s)
        return -1;
    mpz_get_str(s, 10, x);
    const size_t len = strlen(s);
    if (len > (size_t)n || (mpz_sgn(x) == 0 && n == 0)) {
        free(s);
        return mpz_sgn(x) == 0 && n == 0 ? 0 : -1;
    }
    memset(out, '0', (size_t)n - len);
    memcpy(out + n - len, s, len);
    free(s);
    return 0;
}

/// The digits of x < 10^n into out, splitting at the largest tabled power below n digits.
static int convert(const pow_table *t, const mpz_t x, int64_t n, char *out)
{
    int i = t->levels - 1;
    while (i >= 0 && (t->leaf << i) >= n)
        i--;
    if (i < 0)
        return digits_str_write_ref(x, n, out);
    const int64_t h = t->leaf << i;
    int rc_hi = 0, rc_lo = 0;
    mpz_t hi, lo;
    mpz_inits(hi, lo, NULL);
    mpz_tdiv_qr(hi, lo, x, t->pow[i]);
#pragma omp task shared(rc_hi, hi) firstprivate(t, out, n, h)
    rc_hi = convert(t, hi, n - h, out);
    rc_lo = convert(t, lo, h, out + (n - h));
#pragma omp taskwait
    mpz_clears(hi, lo, NULL);
    return rc_hi || rc_lo ? -1 : 0;
}

int digits_str_write(const mpz_t x, int64_t n, int threads, char *out)
{
    if (mpz_sgn(x) < 0 || mpz_sizeinbase(x, 10) > (size_t)n + 1)
        return -1;
    if (n <= 2 * DIGITS_STR_LEAF || threads <= 1)
        return digits_str_write_ref(x, n, out);
    pow_table t = {.leaf = DIGITS_STR_LEAF};
    mpz_init(t.pow[0]);
    mpz_ui_pow_ui(t.pow[0], 10, (unsigned long)t.leaf);
    t.levels = 1;
    while (t.levels < MAX_LEVELS && (t.leaf << t.levels) < n) {
        mpz_init(t.pow[t.levels]);
        mpz_mul(t.pow[t.levels], t.pow[t.levels - 1], t.pow[t.levels - 1]);
        t.levels++;
    }
    int rc = 0;
#pragma omp parallel num_threads(threads)
#pragma omp single
    rc = convert(&t, x, n, out);
    for (int i = 0; i < t.levels; i++)
        mpz_clear(t.pow[i]);
    return rc;
}
