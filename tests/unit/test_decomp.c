/* test_decomp.c - the partialPi split covers every index exactly once, exactly, up to 2^63-1. */
#include <stdlib.h>
#include <string.h>

#include "decomp.h"
#include "tap.h"

/// Every index of 0..n-1 owned by exactly one of W workers, counts consistent.
static int covers_once(int64_t n, int64_t W)
{
    unsigned char *seen = calloc((size_t)n, 1);
    int64_t total = 0;
    int good = seen != NULL;
    for (int64_t w = 0; good && w < W; w++) {
        const int64_t c = decomp_count(n, w, W);
        total += c;
        for (int64_t k = 0; k < c; k++) {
            const int64_t i = decomp_index(w, W, k);
            if (i < 0 || i >= n || seen[i]++ || i % W != w)
                good = 0;
        }
    }
    for (int64_t i = 0; good && i < n; i++)
        good = seen[i] == 1;
    free(seen);
    return good && total == n;
}

int main(void)
{
    static const int64_t primes[] = {2, 3, 5, 7, 97, 101, 997, 1009, 7919};
    int all = 1;

    for (int64_t n = 1; n <= 64; n++)
        for (int64_t W = 1; W <= 80; W++)
            all &= covers_once(n, W);
    tap_ok(all, "n = 1..64 x W = 1..80 (W > n included): each index exactly once");

    all = 1;
    for (size_t p = 0; p < sizeof primes / sizeof primes[0]; p++)
        for (int64_t W = 1; W <= 24; W++)
            all &= covers_once(primes[p], W) && covers_once(primes[p] * 3 + 1, W);
    tap_ok(all, "prime n and n = 3p+1, W = 1..24");

    all = 1;
    for (int64_t W = 3; W <= 12; W++)
        for (int64_t w = 0; w < W; w++)
            all &= decomp_count(3, w, W) == (w < 3);
    tap_ok(all, "n = 3 with 3 to 12 workers: 1 index each for w < 3, none after");

    /* Near 2^63 - 1: no overflow in count or in the last index. */
    static const int64_t bigW[] = {1, 2, 3, 7, 1000, 4096, 65521, INT64_C(1) << 40,
                                   INT64_MAX / 2, INT64_MAX - 1, INT64_MAX};
    const int64_t nmax = INT64_MAX;
    all = 1;
    for (size_t b = 0; b < sizeof bigW / sizeof bigW[0]; b++) {
        const int64_t W = bigW[b];
        __int128 total = 0;
        const int64_t probe[] = {0, 1, W / 2, W - 2, W - 1};
        for (size_t q = 0; q < 5; q++) {
            const int64_t w = probe[q];
            if (w < 0 || w >= W)
                continue;
            const int64_t c = decomp_count(nmax, w, W);
            const __int128 expect = ((__int128)nmax - 1 - w) / W + 1;
            all &= c == expect;
            if (c > 0) {
                const __int128 last = (__int128)w + (__int128)(c - 1) * W;
                all &= last < nmax && last + W >= nmax && decomp_index(w, W, c - 1) == last;
            }
        }
        if (W <= 4096) {
            for (int64_t w = 0; w < W; w++)
                total += decomp_count(nmax, w, W);
            all &= total == nmax;
        }
    }
    tap_ok(all, "n = 2^63-1: exact counts and last indices for W up to 2^63-1");

    tap_ok(decomp_worker(3, 4, 2) == 14 && decomp_worker(0, 1, 0) == 0 &&
               decomp_worker(65535, 65536, 65535) == (INT64_C(1) << 32) - 1,
           "worker id = rank*threads + thread, exact in 64 bits");
    return tap_done();
}
