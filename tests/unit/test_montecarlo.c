/* test_montecarlo.c - Philox known answers, exact hit test, fast == reference, layout-free counts, uniformity. */
#include <Random123/philox.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "montecarlo.h"
#include "tap.h"

/// Random123's own known-answer vectors for philox4x32 with 10 rounds; -1 if unreadable.
static int check_kat(const char *path, int *checked)
{
    char cmd[512], line[512], name[32];
    int bad = 0;
    unsigned rounds;
    snprintf(cmd, sizeof cmd, "gzip -dc '%s' 2>/dev/null", path);
    FILE *f = popen(cmd, "r");
    *checked = 0;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        unsigned c[4], k[2], e[4];
        if (sscanf(line, "%31s %u %x %x %x %x %x %x %x %x %x %x", name, &rounds, &c[0], &c[1],
                   &c[2], &c[3], &k[0], &k[1], &e[0], &e[1], &e[2], &e[3]) != 12 ||
            strcmp(name, "philox4x32") || rounds != 10)
            continue;
        const philox4x32_ctr_t ctr = {{c[0], c[1], c[2], c[3]}};
        const philox4x32_key_t key = {{k[0], k[1]}};
        const philox4x32_ctr_t r = philox4x32_R(10, ctr, key);
        bad += r.v[0] != e[0] || r.v[1] != e[1] || r.v[2] != e[2] || r.v[3] != e[3];
        if (c[2] == 0 && c[3] == 0) {  /* our counter layout: compare mc_dart too */
            uint32_t x, y;
            mc_dart(((uint64_t)k[1] << 32) | k[0], ((uint64_t)c[1] << 32) | c[0], &x, &y);
            bad += x != e[0] || y != e[1];
        }
        ++*checked;
    }
    pclose(f);
    return *checked ? bad : -1;
}

/// The hit test in 128-bit arithmetic, straight from the geometry.
static int hit128(uint32_t x, uint32_t y)
{
    const unsigned __int128 X = 2 * (unsigned __int128)x + 1, Y = 2 * (unsigned __int128)y + 1;
    return X * X + Y * Y <= (unsigned __int128)1 << 66;
}

static uint64_t split_hits(mc_kernel k, uint64_t seed, int64_t n, int64_t W)
{
    uint64_t h = 0;
    for (int64_t w = 0; w < W; w++)
        h += k(seed, n, w, W);
    return h;
}

static int cmp(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    const char *kat = getenv("R123_KAT");
    if (!kat)
        kat = "/usr/share/doc/librandom123-dev/tests/kat_vectors.gz";
    int checked, bad = check_kat(kat, &checked);
    tap_ok(bad == 0 && checked >= 3,
           "Random123 known-answer vectors for philox4x32-10 (%d checked from %s%s)", checked,
           kat, bad < 0 ? ": missing, install librandom123-doc" : "");

    /* Pinned values (from this implementation, checked by every build of it: clang -O3,
     * gcc -O1 -march=x86-64 under the sanitizers): they catch a change of counter or
     * key word order, which the all-zero known-answer vector cannot. */
    {
        uint32_t x, y;
        mc_dart(UINT64_C(0x0123456789ABCDEF), UINT64_C(0xFEDCBA9876543210), &x, &y);
        const philox4x32_ctr_t ctr = {{0x76543210, 0xFEDCBA98, 0, 0}};
        const philox4x32_key_t key = {{0x89ABCDEF, 0x01234567}};
        const philox4x32_ctr_t r = philox4x32_R(10, ctr, key);
        tap_ok(x == 0x2c03a599 && y == 0xd8a290fc && r.v[0] == x && r.v[1] == y,
               "dart 0xFEDCBA9876543210 of seed 0x0123456789ABCDEF: counter {lo, hi, 0, 0}, "
               "key {lo, hi}: %08x %08x", x, y);
        const uint64_t h = mc_hits_fast(1, 1000000, 0, 1);
        tap_ok(h == 785125, "seed 1, 1e6 darts: 785125 hits (got %llu)", (unsigned long long)h);
    }

    /* Exact hit test: edges, and the last hit / first miss of many columns. */
    static const uint32_t edge[] = {0, 1, 2, 0x7FFFFFFF, 0x80000000, 0xB504F333, 0xB504F334,
                                    0xFFFFFFFE, 0xFFFFFFFF};
    bad = 0;
    for (size_t a = 0; a < sizeof edge / sizeof edge[0]; a++)
        for (size_t b = 0; b < sizeof edge / sizeof edge[0]; b++)
            bad += mc_hit(edge[a], edge[b]) != hit128(edge[a], edge[b]);
    uint64_t s = 12345;
    for (int t = 0; t < 200000; t++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        const uint32_t x = (uint32_t)(s >> 32);
        const unsigned __int128 X = 2 * (unsigned __int128)x + 1;
        /* largest y with (2y+1)^2 <= 2^66 - X^2 */
        const double r = sqrt((double)(((unsigned __int128)1 << 66) - X * X));
        int64_t y = (int64_t)((r - 1) / 2);
        while (y + 1 <= 0xFFFFFFFF && hit128(x, (uint32_t)(y + 1)))
            y++;
        while (y >= 0 && !hit128(x, (uint32_t)y))
            y--;
        if (y >= 0)
            bad += !mc_hit(x, (uint32_t)y);
        if (y + 1 <= 0xFFFFFFFF)
            bad += mc_hit(x, (uint32_t)(y + 1));
        bad += mc_hit(x, (uint32_t)s) != hit128(x, (uint32_t)s);
    }
    tap_ok(bad == 0, "64-bit hit test == 128-bit geometry at edges and on both sides of the circle");

    static const int64_t ns[] = {1, 2, 5, 7, 511, 512, 513, 1023, 1025, 4099, 100003};
    static const int64_t Ws[] = {1, 2, 3, 4, 6, 7, 12, 64, 1000};
    int same = 1, split = 1;
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++)
        for (uint64_t seed = 0; seed < 3; seed++) {
            const uint64_t key = seed * 0x9E3779B97F4A7C15u;
            const uint64_t whole = mc_hits_ref(key, ns[a], 0, 1);
            for (size_t b = 0; b < sizeof Ws / sizeof Ws[0]; b++) {
                for (int64_t w = 0; w < Ws[b]; w++)
                    same &= mc_hits_fast(key, ns[a], w, Ws[b]) == mc_hits_ref(key, ns[a], w, Ws[b]);
                split &= split_hits(mc_hits_fast, key, ns[a], Ws[b]) == whole;
            }
        }
    tap_ok(same, "fast kernel == scalar reference for every worker of many (n, W, seed)");
    tap_ok(split, "hits are the same for every split of the darts (W > n included)");

    /* Counters past 2^32 use the high word. */
    const int64_t W = INT64_C(1) << 33, w = (INT64_C(1) << 32) - 3, n = INT64_C(1) << 36;
    tap_ok(mc_hits_fast(7, n, w, W) == mc_hits_ref(7, n, w, W) &&
               mc_hits_fast(7, n, w + 1000, W) == mc_hits_ref(7, n, w + 1000, W),
           "darts with counters above 2^32: fast == reference");

    int threads_ok = 1;
    for (int ranks = 1; ranks <= 3; ranks++)
        for (int threads = 1; threads <= 3; threads++) {
            uint64_t h = 0;
            for (int r = 0; r < ranks; r++)
                h += mc_span_rank(mc_span_fast, 42, 0, 100003, r, ranks, threads);
            threads_ok &= h == mc_hits_ref(42, 100003, 0, 1);
        }
    tap_ok(threads_ok, "rank-level OpenMP counts (ranks 1-3 x threads 1-3) equal the serial count");

    /* Checkpointed runs throw consecutive spans of darts, each on its own layout. */
    int spans_ok = 1;
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++) {
        const int64_t nn = ns[a];
        const uint64_t whole = mc_hits_ref(9, nn, 0, 1);
        for (int64_t len = 1; len <= nn + 3; len = len * 5 + 2) {
            uint64_t h = 0;
            for (int64_t lo = 0, k = 0; lo < nn; lo += len, k++) {
                const int64_t hi = nn - lo < len ? nn : lo + len, WW = Ws[k % 9];
                for (int64_t ww = 0; ww < WW; ww++) {
                    const uint64_t f = mc_span_fast(9, lo, hi, ww, WW);
                    spans_ok &= f == mc_span_ref(9, lo, hi, ww, WW);
                    h += f;
                }
            }
            spans_ok &= h == whole;
        }
    }
    tap_ok(spans_ok, "consecutive spans of darts, each split over its own W: fast == reference, "
                     "spans add up to the hits of the whole");

    /* Estimates within 4 sigma for several seeds. */
    const int64_t nd = 1000000;
    const double sigma = 4 * sqrt(M_PI / 4 * (1 - M_PI / 4) / nd);
    double worst = 0;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        const double est = 4.0 * (double)split_hits(mc_hits_fast, seed, nd, 2) / nd;
        if (fabs(est - M_PI) / sigma > worst)
            worst = fabs(est - M_PI) / sigma;
    }
    tap_ok(worst < 4, "seeds 1..10, n = 1e6: every estimate within 4 sigma (worst %.2f)", worst);

    /* Uniformity of the darts: chi-square on 64 x-bins, 64 y-bins, 16x16 (x,y) cells; KS on x. */
    enum { N = 1 << 20 };
    static double ux[N];
    static unsigned bx[64], by[64], bxy[256];
    for (int i = 0; i < N; i++) {
        uint32_t x, y;
        mc_dart(2026, (uint64_t)i, &x, &y);
        bx[x >> 26]++;
        by[y >> 26]++;
        bxy[(x >> 28) * 16 + (y >> 28)]++;
        ux[i] = (x + 0.5) / 0x1p32;
    }
    double cx = 0, cy = 0, cxy = 0;
    for (int b = 0; b < 64; b++) {
        cx += (bx[b] - N / 64.0) * (bx[b] - N / 64.0) / (N / 64.0);
        cy += (by[b] - N / 64.0) * (by[b] - N / 64.0) / (N / 64.0);
    }
    for (int b = 0; b < 256; b++)
        cxy += (bxy[b] - N / 256.0) * (bxy[b] - N / 256.0) / (N / 256.0);
    const double qx = gsl_cdf_chisq_Q(cx, 63), qy = gsl_cdf_chisq_Q(cy, 63),
                 qxy = gsl_cdf_chisq_Q(cxy, 255);
    tap_ok(qx > 1e-4 && qy > 1e-4 && qxy > 1e-4,
           "chi-square uniformity of 2^20 darts: p = %.3f (x), %.3f (y), %.3f (16x16 cells)", qx,
           qy, qxy);
    qsort(ux, N, sizeof ux[0], cmp);
    double d = 0;
    for (int i = 0; i < N; i++) {
        const double lo = ux[i] - (double)i / N, hi = (double)(i + 1) / N - ux[i];
        d = fmax(d, fmax(lo, hi));
    }
    tap_ok(d * sqrt((double)N) < 1.95, "Kolmogorov-Smirnov on x: sqrt(n) D = %.3f < 1.95 (alpha 0.001)",
           d * sqrt((double)N));

    /* GSL path: two generators, deterministic per layout, sensible estimates. */
    char names[4096];
    mc_gsl_names(names, sizeof names);
    tap_ok(strstr(names, "mt19937") && strstr(names, "ranlxd2") && mc_gsl_known("ranlxd2") &&
               !mc_gsl_known("nope"),
           "GSL generator list has mt19937 and ranlxd2, rejects 'nope'");
    tap_ok(mc_hits_gsl("nope", 1, 10, 0, 1) == UINT64_MAX, "unknown GSL generator: no count");
    const char *types[] = {"mt19937", "ranlxd2"};
    for (int t = 0; t < 2; t++) {
        const uint64_t a = mc_hits_gsl(types[t], 5, nd, 0, 2) + mc_hits_gsl(types[t], 5, nd, 1, 2);
        const uint64_t b = mc_hits_gsl_rank(types[t], 5, nd, 0, 1, 2);
        const double est = 4.0 * (double)a / nd;
        tap_ok(a == b && fabs(est - M_PI) < 4 * sigma,
               "gsl:%s: 2 workers, repeatable, estimate %.5f within 4 sigma", types[t], est);
    }
    tap_ok(mc_hits_gsl("mt19937", UINT64_MAX, 100000, 0, 2) !=
               mc_hits_gsl("mt19937", UINT64_MAX, 100000, 1, 2),
           "seed 2^64-1: workers 0 and 1 still get different GSL seeds (no wrap)");
    tap_ok(mc_hits_gsl("mt19937", 5, 1000, 0, 2) != mc_hits_gsl("mt19937", 5, 1000, 1, 2) ||
               mc_hits_gsl("mt19937", 5, 100000, 0, 2) != mc_hits_gsl("mt19937", 5, 100000, 1, 2),
           "GSL workers get different streams");
    return tap_done();
}
