/* montecarlo_gsl.c - Monte Carlo pi with any GSL generator (one per worker), and the rank-level runners. */
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <string.h>

#include "decomp.h"
#include "montecarlo.h"
#include "workers.h"

static const gsl_rng_type *find_type(const char *name)
{
    for (const gsl_rng_type **t = gsl_rng_types_setup(); *t; t++)
        if (!strcmp((*t)->name, name))
            return *t;
    return NULL;
}

int mc_gsl_known(const char *type)
{
    return find_type(type) != NULL;
}

void mc_gsl_names(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (const gsl_rng_type **t = gsl_rng_types_setup(); *t && used < len; t++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", (*t)->name);
}

uint64_t mc_hits_gsl(const char *type, uint64_t seed, int64_t n, int64_t w, int64_t W)
{
    const gsl_rng_type *T = find_type(type);
    const int64_t count = decomp_count(n, w, W);
    uint64_t hits = 0;

    if (!T)
        return UINT64_MAX;
    gsl_rng *r = gsl_rng_alloc(T);
    if (!r)
        return UINT64_MAX;
    /* distinct, never 0 (GSL's "use the default seed") for W < 2^32 - 1 workers */
    const uint64_t M = UINT64_C(0xFFFFFFFF);              /* no wrap at 2^64 */
    gsl_rng_set(r, 1 + (unsigned long)((seed % M + (uint64_t)w % M) % M));
    for (int64_t k = 0; k < count; k++) {
        /* uniform in [0,1) truncated to 32 bits: the same exact test as Philox */
        const uint32_t x = (uint32_t)(gsl_rng_uniform(r) * 0x1p32);
        const uint32_t y = (uint32_t)(gsl_rng_uniform(r) * 0x1p32);
        hits += (uint64_t)mc_hit(x, y);
    }
    gsl_rng_free(r);
    return hits;
}

/// workers_sum adapters.
typedef struct {
    mc_span_kernel kernel; ///< Philox kernel, or NULL for GSL
    const char *type;      ///< GSL generator name
    uint64_t seed;         ///< key / base seed
    int64_t lo, hi;        ///< darts [lo, hi) (GSL: 0 and n)
} rank_ctx;

static fx_u128 rank_worker(const void *vctx, int64_t w, int64_t W)
{
    const rank_ctx *c = vctx;
    return c->kernel ? c->kernel(c->seed, c->lo, c->hi, w, W)
                     : mc_hits_gsl(c->type, c->seed, c->hi, w, W);
}

uint64_t mc_span_rank(mc_span_kernel kernel, uint64_t seed, int64_t lo, int64_t hi, int rank,
                      int ranks, int threads)
{
    const rank_ctx ctx = {kernel, NULL, seed, lo, hi};
    return (uint64_t)workers_sum(rank_worker, &ctx, rank, ranks, threads);
}

uint64_t mc_hits_gsl_rank(const char *type, uint64_t seed, int64_t n, int rank, int ranks,
                          int threads)
{
    const rank_ctx ctx = {NULL, type, seed, 0, n};
    return (uint64_t)workers_sum(rank_worker, &ctx, rank, ranks, threads);
}
