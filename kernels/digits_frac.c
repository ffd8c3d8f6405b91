/* digits_frac.c - the decimal digits of a binary fraction known to an interval, by multiplications (a scaled remainder tree), certified. */
#include <stdlib.h>
#include <string.h>

#include "digits_frac.h"

enum { MAX_LEVELS = 48 };

/// Powers 10^(leaf 2^i), i < levels, shared by the tasks (read only once made).
typedef struct {
    int64_t leaf;
    int levels;
    mpz_t pow[MAX_LEVELS];
} pow_table;

/// Largest error (units of the last bit) an interval may carry: far above any real one.
static const uint64_t ERR_MAX = UINT64_C(1) << 62;

int64_t digits_frac_bits(int64_t n)
{
    return n * 3321929 / 1000000 + 1 + 64; /* log2(10) < 3.321929 */
}

/// out = ceil(err m / 2^s) + 1 if it stays below ERR_MAX: 0, else -1.
static int grown_error(uint64_t err, const mpz_t m, int64_t s, uint64_t *out)
{
    mpz_t e;
    mpz_init(e);
    mpz_mul_ui(e, m, (unsigned long)err);
    mpz_cdiv_q_2exp(e, e, (mp_bitcnt_t)s);
    const int fits = mpz_cmp_ui(e, (unsigned long)(ERR_MAX - 1)) < 0;
    *out = fits ? (uint64_t)mpz_get_ui(e) + 1 : 0;
    mpz_clear(e);
    return fits ? 0 : -1;
}

/// hi = x at the precision its first p decimals need (y shifted right, the error grown by the
/// lost bits): 0, or -1 if the error no longer fits.
static int truncated(const frac_iv *x, int64_t p, frac_iv *hi)
{
    const int64_t s = x->bits - digits_frac_bits(p);
    if (s <= 0) {
        mpz_set(hi->y, x->y);
        hi->bits = x->bits;
        hi->err = x->err;
        return 0;
    }
    mpz_fdiv_q_2exp(hi->y, x->y, (mp_bitcnt_t)s);
    hi->bits = x->bits - s;
    mpz_t one;
    mpz_init_set_ui(one, 1);
    const int rc = grown_error(x->err, one, s, &hi->err);
    mpz_clear(one);
    return rc;
}

int digits_frac_shift(const frac_iv *x, const mpz_t powp, int64_t n, frac_iv *lo)
{
    /* the low bits of y 10^p are frac(x 10^p) scaled; keep at least as many bits as the
     * product carries information for (drop floor(log2 10^p)), at most what n digits need */
    const int64_t fl = (int64_t)mpz_sizeinbase(powp, 2) - 1, need = x->bits - digits_frac_bits(n);
    int64_t s = fl > need ? fl : need;
    s = s < x->bits ? s : x->bits;
    mpz_mul(lo->y, x->y, powp);
    mpz_fdiv_r_2exp(lo->y, lo->y, (mp_bitcnt_t)x->bits);
    mpz_fdiv_q_2exp(lo->y, lo->y, (mp_bitcnt_t)s);
    lo->bits = x->bits - s;
    return grown_error(x->err, powp, s, &lo->err);
}

/// The n decimal digits of 0 <= v < 10^n, zero-padded on the left, by mpz_get_str: 0, or -1 if
/// v does not fit (or no memory).
static int integer_digits(const mpz_t v, int64_t n, char *out)
{
    if (mpz_sgn(v) < 0 || mpz_sizeinbase(v, 10) > (size_t)n + 1)
        return -1;
    if (n == 0)
        return mpz_sgn(v) == 0 ? 0 : -1;
    char *s = malloc((size_t)n + 2);
    if (!s)
        return -1;
    mpz_get_str(s, 10, v);
    const size_t len = strlen(s);
    if (len <= (size_t)n) {
        memset(out, '0', (size_t)n - len);
        memcpy(out + n - len, s, len);
    }
    free(s);
    return len <= (size_t)n ? 0 : -1;
}

/// floor(10^n t) at both ends of x's interval, compared; the digits if they agree.
static int leaf(const frac_iv *x, int64_t n, const mpz_t pow_n, char *out)
{
    mpz_t a, b;
    mpz_inits(a, b, NULL);
    mpz_mul(a, x->y, pow_n);
    mpz_set(b, a);
    mpz_addmul_ui(b, pow_n, (unsigned long)x->err);
    mpz_sub_ui(b, b, 1);                     /* the interval is open at y + err */
    mpz_fdiv_q_2exp(a, a, (mp_bitcnt_t)x->bits);
    mpz_fdiv_q_2exp(b, b, (mp_bitcnt_t)x->bits);
    const int rc = mpz_cmp(a, b) == 0 ? integer_digits(a, n, out) : -1;
    mpz_clears(a, b, NULL);
    return rc;
}

/// The n decimals of x by one leaf (the plain way).
static int write_leaf(const frac_iv *x, int64_t n, char *out)
{
    mpz_t p;
    mpz_init(p);
    mpz_ui_pow_ui(p, 10, (unsigned long)n);
    const int rc = leaf(x, n, p, out);
    mpz_clear(p);
    return rc;
}

/// Is x a fraction interval to print n decimals of?
static int valid(const frac_iv *x, int64_t n)
{
    return mpz_sgn(x->y) >= 0 && n >= 0 && x->bits >= 0;
}

int digits_frac_write_ref(const frac_iv *x, int64_t n, char *out)
{
    return valid(x, n) ? write_leaf(x, n, out) : -1;
}

/// The n decimals of x into out: the first p (a tabled power, at least n / 2) from x itself,
/// the rest from frac(x 10^p), side by side on two tasks.
static int convert(const pow_table *t, const frac_iv *x, int64_t n, char *out)
{
    int i = t->levels - 1;
    while (i >= 0 && (t->leaf << i) >= n)
        i--;
    if (i < 0)
        return write_leaf(x, n, out);
    const int64_t p = t->leaf << i;
    frac_iv hi, lo;
    mpz_inits(hi.y, lo.y, NULL);
    int rc_hi = truncated(x, p, &hi), rc_lo = digits_frac_shift(x, t->pow[i], n - p, &lo);
#pragma omp task shared(rc_hi, hi) firstprivate(t, out, p) if (rc_hi == 0)
    rc_hi = rc_hi ? rc_hi : convert(t, &hi, p, out);
    rc_lo = rc_lo ? rc_lo : convert(t, &lo, n - p, out + p);
#pragma omp taskwait
    mpz_clears(hi.y, lo.y, NULL);
    return rc_hi || rc_lo ? -1 : 0;
}

/// The n decimals of x (already at the precision they need) on the tree of powers.
static int write_tree(const frac_iv *x, int64_t n, int threads, char *out)
{
    pow_table t = {.leaf = DIGITS_FRAC_LEAF};
    mpz_init(t.pow[0]);
    mpz_ui_pow_ui(t.pow[0], 10, (unsigned long)t.leaf);
    t.levels = 1;
    while (t.levels < MAX_LEVELS && (t.leaf << t.levels) < n) {
        mpz_init(t.pow[t.levels]);
        mpz_mul(t.pow[t.levels], t.pow[t.levels - 1], t.pow[t.levels - 1]);
        t.levels++;
    }
    int rc = 0;
#pragma omp parallel num_threads(threads > 1 ? threads : 1)
#pragma omp single
    rc = convert(&t, x, n, out);
    for (int i = 0; i < t.levels; i++)
        mpz_clear(t.pow[i]);
    return rc;
}

int digits_frac_write(const frac_iv *x, int64_t n, int threads, char *out)
{
    if (!valid(x, n))
        return -1;
    frac_iv t;                               /* x at the precision n decimals need */
    mpz_init(t.y);
    int rc = truncated(x, n, &t);
    if (rc == 0)
        rc = n <= 2 * DIGITS_FRAC_LEAF ? write_leaf(&t, n, out) : write_tree(&t, n, threads, out);
    mpz_clear(t.y);
    return rc;
}
