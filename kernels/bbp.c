/* bbp.c - BBP hex-digit extraction: 128-bit scalar reference and an exact double-precision fast kernel. */
#include "bbp.h"

#include <math.h>
#include <string.h>

#include "decomp.h"
#include "workers.h"

/* Series j = 1, 4, 5, 6 and their weights in 4 S1 - 2 S4 - S5 - S6. */
static const int series_j[4] = {1, 4, 5, 6};
static const int series_w[4] = {4, -2, -1, -1};

enum { BLOCK = 128 };                   /* head terms per block in the fast kernel */
#define CHUNK_MASK ((UINT64_C(1) << BBP_CHUNK_BITS) - 1)

/// 16^e mod m with 128-bit products (reference).
static uint64_t powmod16_ref(uint64_t e, uint64_t m)
{
    fx_u128 r = 1 % m, b = 16 % m;
    for (; e; e >>= 1) {
        if (e & 1)
            r = r * b % m;
        b = b * b % m;
    }
    return (uint64_t)r;
}

/// Add the 20-bit chunks of floor(f * 2^120), f = num/den < 1, to sums (long division).
static void add_chunks_ref(uint64_t num, uint64_t den, uint64_t *sums)
{
    fx_u128 rem = num;
    for (int c = 0; c < BBP_CHUNKS; c++) {
        rem <<= BBP_CHUNK_BITS;
        sums[c] += (uint64_t)(rem / den);
        rem %= den;
    }
}

/// Tail term t = k - d >= 1: the chunks of floor(2^(120-4t) / m).
static void add_tail_chunks(int64_t t, uint64_t m, uint64_t *sums)
{
    const int shift = 120 - 4 * (int)t;
    if (shift < 0)
        return;
    const fx_u128 q = ((fx_u128)1 << shift) / m;
    for (int c = 0; c < BBP_CHUNKS; c++)
        sums[c] += (uint64_t)(q >> (120 - BBP_CHUNK_BITS * (c + 1))) & CHUNK_MASK;
}

/// Terms k = w, w+W, ... up to d + BBP_TAIL; head terms through `head`.
static void run_terms(int64_t d, int64_t lo, int64_t hi, int64_t w, int64_t W,
                      bbp_hex_sums *out, int fast);

void bbp_hex_ref(int64_t d, int64_t lo, int64_t hi, int64_t w, int64_t W, bbp_hex_sums *out)
{
    run_terms(d, lo, hi, w, W, out, 0);
}

void bbp_hex_fast(int64_t d, int64_t lo, int64_t hi, int64_t w, int64_t W, bbp_hex_sums *out)
{
    run_terms(d, lo, hi, w, W, out, 1);
}

/* ---- fast head: exact modular arithmetic in doubles, moduli < 2^47 ----
 * a*b = h + l exactly (h = fl(a*b), l = fma(a, b, -h)); q = floor(h / m)
 * estimated with the rounded reciprocal is off by at most 1 (relative error
 * < 2^-50 on a quotient < 2^47); h - q*m is an integer below 2^49, exact in
 * the fma, and adding l (< 2^40) stays exact.  One correction each way. */

static inline double fix(double r, double m)
{
    r += r < 0 ? m : 0.0;
    r -= r >= m ? m : 0.0;
    return r;
}

static inline double mulmod(double a, double b, double m, double minv)
{
    const double h = a * b, l = fma(a, b, -h);
    const double q = floor(h * minv);
    return fix(fma(-q, m, h) + l, m);
}

static inline double mul16mod(double a, double m, double minv)
{
    const double y = a * 16.0;               /* exact: < 2^51 */
    const double q = floor(y * minv);
    return fix(fma(-q, m, y), m);
}

/// One block of `n` head terms with exponents e[] (descending) and k[]: add their chunks.
static void head_block_fast(const int64_t *e, const int64_t *k, int n, bbp_hex_sums *out)
{
    double m[BLOCK], minv[BLOCK], x[BLOCK], ed[BLOCK];
    int top = 0;
    for (int i = 0; i < n; i++)
        ed[i] = (double)e[i];
    while (top < 62 && (e[0] >> (top + 1)) != 0)
        top++;                               /* highest set bit of the largest exponent */
    for (int s = 0; s < 4; s++) {
        for (int i = 0; i < n; i++) {
            m[i] = (double)(8 * k[i] + series_j[s]);
            minv[i] = 1.0 / m[i];
            x[i] = 1.0;
        }
        /* left to right over the bits of e: square, then times 16 where the bit is set */
        for (int b = top; b >= 0; b--) {
            const double scale = ldexp(1.0, -b);
#pragma omp simd
            for (int i = 0; i < n; i++) {
                const double sq = mulmod(x[i], x[i], m[i], minv[i]);
                const double t16 = mul16mod(sq, m[i], minv[i]);
                /* bit b of e, in doubles (e < 2^44 is exact): floor(e / 2^b) odd? */
                const double hb = floor(ed[i] * scale);
                x[i] = hb - 2.0 * floor(hb * 0.5) != 0.0 ? t16 : sq;
            }
        }
        /* x = 16^e mod m; chunks of x/m: q = floor(x 2^20 / m), x = remainder, six times.
         * Chunk sums of one block stay below BLOCK * 2^20: exact in a double. */
        double acc[BBP_CHUNKS] = {0};
        for (int c = 0; c < BBP_CHUNKS; c++) {
            double a = 0.0;
#pragma omp simd reduction(+ : a)
            for (int i = 0; i < n; i++) {
                const double y = x[i] * 0x1p20;     /* exact */
                double q = floor(y * minv[i]);
                double r = fma(-q, m[i], y);         /* exact: |r| < 2m */
                q -= r < 0 ? 1.0 : 0.0;
                r += r < 0 ? m[i] : 0.0;
                q += r >= m[i] ? 1.0 : 0.0;
                r -= r >= m[i] ? m[i] : 0.0;
                x[i] = r;
                a += q;
            }
            acc[c] = a;
        }
        for (int c = 0; c < BBP_CHUNKS; c++)
            out->sums[s][c] += (uint64_t)acc[c];
    }
}

static void run_terms(int64_t d, int64_t lo, int64_t hi, int64_t w, int64_t W,
                      bbp_hex_sums *out, int fast)
{
    const int64_t count = decomp_count(hi - lo, w, W);
    int64_t e[BLOCK], kk[BLOCK];
    int n = 0;

    for (int64_t i = 0; i < count; i++) {
        const int64_t k = lo + decomp_index(w, W, i);
        if (k > d) {                                  /* tail */
            for (int s = 0; s < 4; s++)
                add_tail_chunks(k - d, (uint64_t)(8 * k + series_j[s]), out->sums[s]);
            continue;
        }
        if (!fast) {
            for (int s = 0; s < 4; s++) {
                const uint64_t m = (uint64_t)(8 * k + series_j[s]);
                add_chunks_ref(powmod16_ref((uint64_t)(d - k), m), m, out->sums[s]);
            }
            continue;
        }
        e[n] = d - k;
        kk[n] = k;
        if (++n == BLOCK) {
            head_block_fast(e, kk, n, out);
            n = 0;
        }
    }
    if (n)
        head_block_fast(e, kk, n, out);
}

void bbp_hex_add(bbp_hex_sums *a, const bbp_hex_sums *b)
{
    for (int s = 0; s < 4; s++)
        for (int c = 0; c < BBP_CHUNKS; c++)
            a->sums[s][c] += b->sums[s][c];
}

/// workers_sum cannot carry 24 words, so the rank runner keeps its own reduction.
void bbp_hex_rank(bbp_hex_kernel kernel, int64_t d, int64_t lo, int64_t hi, int rank, int ranks,
                  int threads, bbp_hex_sums *out)
{
    const int64_t W = (int64_t)ranks * threads;
    memset(out, 0, sizeof *out);
#pragma omp parallel for schedule(static, 1) num_threads(threads)
    for (int t = 0; t < threads; t++) {
        bbp_hex_sums part;
        memset(&part, 0, sizeof part);
        kernel(d, lo, hi, decomp_worker(rank, threads, t), W, &part);
#pragma omp critical(bbp_hex_rank)
        bbp_hex_add(out, &part);
    }
}

fx_u128 bbp_hex_combine(const bbp_hex_sums *total)
{
    const fx_u128 mask = ((fx_u128)1 << 120) - 1;
    fx_u128 f = 0;                                /* arithmetic mod 2^128, then mod 2^120 */
    for (int s = 0; s < 4; s++) {
        fx_u128 series = 0;
        for (int c = 0; c < BBP_CHUNKS; c++)
            series += (fx_u128)total->sums[s][c] << (120 - BBP_CHUNK_BITS * (c + 1));
        f += (fx_u128)(__int128)series_w[s] * series;
    }
    return f & mask;
}

fx_u128 bbp_hex_error_units(int64_t d)
{
    /* Every term of every series is truncated by < 1 unit (2^-120): weights
     * 4 + 2 + 1 + 1, one-sided per series, so |error| < 4 N units with
     * N = d + 1 + BBP_TAIL terms per series; the cut tail adds < 2^-144. */
    return (fx_u128)4 * (fx_u128)(d + 1 + BBP_TAIL) + 1;
}

int bbp_hex_guaranteed(fx_u128 f, fx_u128 err, char *hex, int max)
{
    const fx_u128 mask = ((fx_u128)1 << 120) - 1;
    const fx_u128 lo = (f - err) & mask, hi = (f + err) & mask;
    int g = 0;
    /* a digit is certain when the whole interval [f - err, f + err] shares it
     * (an interval that wraps past 0 or 1 shares none) */
    if (f >= err && f + err <= mask)
        while (g < 30 && (lo >> (116 - 4 * g)) == (hi >> (116 - 4 * g)))
            g++;
    for (int i = 0; i < max && i < 30; i++)
        hex[i] = "0123456789ABCDEF"[(int)((f >> (116 - 4 * i)) & 15)];
    hex[max < 30 ? max : 30] = '\0';
    return g;
}
