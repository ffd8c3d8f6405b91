/* midpoint.c - midpoint-rule pi kernels: scalar reference, fast vectorizable kernel, baselines. */
#include "midpoint.h"

#include <string.h>

#include "decomp.h"
#include "workers.h"

/* Inner block length: an int loop counter (gcc 12 vectorizes int -> double,
 * not int64 -> double on AVX2) and a per-lane uint64 sum of at most
 * BLOCK * 2^52 < 2^63. */
enum { BLOCK = 1024 };

/// The integrand at x = a*h: every kernel evaluates exactly this expression.
static inline double term(double a, double h)
{
    const double x = a * h;
    return 4.0 / (1.0 + x * x);
}

/// t * 2^51 - 2^52 for t in [2, 4]: the IEEE bits of t minus those of 2.0.
static inline uint64_t term_bits(double t)
{
    uint64_t b;
    memcpy(&b, &t, sizeof b);
    return b - UINT64_C(0x4000000000000000);
}

fx_u128 midpoint_span_ref(int64_t n, int64_t lo, int64_t hi, int64_t w, int64_t W)
{
    const double h = 1.0 / (double)n;
    const int64_t count = decomp_count(hi - lo, w, W);
    fx_u128 sum = 0;

    for (int64_t k = 0; k < count; k++) {
        const int64_t i = lo + decomp_index(w, W, k);
        const double t = term((double)i + 0.5, h);
        sum += (uint64_t)(t * 0x1p51);       /* exact: t is a multiple of 2^-51 */
    }
    return sum;
}

fx_u128 midpoint_span_fast(int64_t n, int64_t lo, int64_t hi, int64_t w, int64_t W)
{
    const double h = 1.0 / (double)n, Wd = (double)W;
    const int64_t count = decomp_count(hi - lo, w, W);
    fx_u128 sum = 0;

    for (int64_t k0 = 0; k0 < count; k0 += BLOCK) {
        const int m = (int)(count - k0 < BLOCK ? count - k0 : BLOCK);
        /* i + 0.5 = (first + 0.5) + j*W, every part an exact double below 2^52 */
        const double a0 = (double)(lo + decomp_index(w, W, k0)) + 0.5;
        uint64_t s = 0;
        for (int j = 0; j < m; j++)
            s += term_bits(term(a0 + (double)j * Wd, h));
        sum += (fx_u128)s + ((fx_u128)m << 52);
    }
    return sum;
}

fx_u128 midpoint_sum_ref(int64_t n, int64_t w, int64_t W)
{
    return midpoint_span_ref(n, 0, n, w, W);
}

fx_u128 midpoint_sum_fast(int64_t n, int64_t w, int64_t W)
{
    return midpoint_span_fast(n, 0, n, w, W);
}

/// workers_sum adapter: ctx points at {kernel, n, lo, hi}.
typedef struct {
    midpoint_span_kernel kernel; ///< which exact kernel
    int64_t n;                   ///< steps
    int64_t lo, hi;              ///< the global indices [lo, hi) to sum
} rank_ctx;

static fx_u128 rank_worker(const void *ctx, int64_t w, int64_t W)
{
    const rank_ctx *c = ctx;
    return c->kernel(c->n, c->lo, c->hi, w, W);
}

fx_u128 midpoint_span_rank(midpoint_span_kernel kernel, int64_t n, int64_t lo, int64_t hi,
                           int rank, int ranks, int threads)
{
    const rank_ctx ctx = {kernel, n, lo, hi};
    return workers_sum(rank_worker, &ctx, rank, ranks, threads);
}

double midpoint_pi(fx_u128 total, int64_t n)
{
    return fx_ratio(total, (uint64_t)n, MIDPOINT_FX_BITS);
}

double midpoint_truncation(int64_t n)
{
    const double h = 1.0 / (double)n;
    return h * h / 12.0;
}

double midpoint_rounding_bound(void)
{
    /* u = 2^-53.  x = fl(fl(i+0.5) * fl(1/n)) has relative error <= 2u + u^2;
     * |x f'(x)| <= 2 on [0,1] turns that into <= 4u (+O(u^2)) in t.  The
     * square, the add and the divide cost <= 2.5u relative, <= 10u absolute
     * since t <= 4.  Terms are summed exactly; the mean is rounded once
     * (half an ulp of pi = 2u).  Total 16u + O(u^2): we state 17u. */
    return 17 * 0x1p-53;
}

double midpoint_sum_naive(int64_t n, int64_t w, int64_t W)
{
    const double h = 1.0 / (double)n;
    double sum = 0.0;

    for (int64_t i = w; i < n; i += W)
        sum += term((double)i + 0.5, h);
    return sum;
}

double midpoint_sum_fast_fp(int64_t n, int64_t w, int64_t W)
{
    const double h = 1.0 / (double)n, Wd = (double)W;
    const int64_t count = decomp_count(n, w, W);
    double sum = 0.0;

    for (int64_t k0 = 0; k0 < count; k0 += BLOCK) {
        const int m = (int)(count - k0 < BLOCK ? count - k0 : BLOCK);
        const double a0 = (double)decomp_index(w, W, k0) + 0.5;
        double s = 0.0;
#pragma omp simd reduction(+ : s)
        for (int j = 0; j < m; j++)
            s += term(a0 + (double)j * Wd, h);
        sum += s;
    }
    return sum;
}
