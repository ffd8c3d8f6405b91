/* montecarlo.c - Philox4x32-10 dart kernels (Random123): scalar reference and vectorizable blocks. */
#include "montecarlo.h"

#include <Random123/philox.h>

#include "decomp.h"

/* Counters per block: small enough for the stack, long enough for the
 * vectorizer; an int inner index. */
enum { BLOCK = 512 };

void mc_dart(uint64_t seed, uint64_t i, uint32_t *x, uint32_t *y)
{
    const philox4x32_key_t key = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    const philox4x32_ctr_t ctr = {{(uint32_t)i, (uint32_t)(i >> 32), 0, 0}};
    const philox4x32_ctr_t r = philox4x32_R(10, ctr, key);
    *x = r.v[0];
    *y = r.v[1];
}

uint64_t mc_span_ref(uint64_t seed, int64_t lo, int64_t hi, int64_t w, int64_t W)
{
    const int64_t count = decomp_count(hi - lo, w, W);
    uint64_t hits = 0;

    for (int64_t k = 0; k < count; k++) {
        uint32_t x, y;
        mc_dart(seed, (uint64_t)(lo + decomp_index(w, W, k)), &x, &y);
        hits += (uint64_t)mc_hit(x, y);
    }
    return hits;
}

uint64_t mc_span_fast(uint64_t seed, int64_t first, int64_t end, int64_t w, int64_t W)
{
    const philox4x32_key_t key = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    const int64_t count = decomp_count(end - first, w, W);
    uint32_t lo[BLOCK], hi[BLOCK], xs[BLOCK], ys[BLOCK];
    uint64_t hits = 0;

    for (int64_t k0 = 0; k0 < count; k0 += BLOCK) {
        const int m = (int)(count - k0 < BLOCK ? count - k0 : BLOCK);
        uint64_t i = (uint64_t)(first + decomp_index(w, W, k0));
        /* counters first (a scalar add chain), then Philox on whole lanes */
        for (int j = 0; j < m; j++, i += (uint64_t)W) {
            lo[j] = (uint32_t)i;
            hi[j] = (uint32_t)(i >> 32);
        }
        for (int j = 0; j < m; j++) {
            const philox4x32_ctr_t ctr = {{lo[j], hi[j], 0, 0}};
            const philox4x32_ctr_t r = philox4x32_R(10, ctr, key);
            xs[j] = r.v[0];
            ys[j] = r.v[1];
        }
        uint64_t h = 0;
        for (int j = 0; j < m; j++)
            h += (uint64_t)mc_hit(xs[j], ys[j]);
        hits += h;
    }
    return hits;
}

uint64_t mc_hits_ref(uint64_t seed, int64_t n, int64_t w, int64_t W)
{
    return mc_span_ref(seed, 0, n, w, W);
}

uint64_t mc_hits_fast(uint64_t seed, int64_t n, int64_t w, int64_t W)
{
    return mc_span_fast(seed, 0, n, w, W);
}
