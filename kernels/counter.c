/* counter.c - a shared counter incremented by OpenMP threads: unsafe (lost updates), locked, atomic. */
#include "counter.h"

/* Each variant's threads meet in a barrier before counting, so that their
 * increments overlap even when starting a thread takes longer than counting. */

#include <omp.h>
#include <stdatomic.h>

uint64_t counter_ref(int64_t n, int threads)
{
    uint64_t c = 0;
    for (int t = 0; t < threads; t++)
        for (int64_t i = 0; i < n; i++)
            c++;
    return c;
}

uint64_t counter_unsafe(int64_t n, int threads)
{
    _Atomic uint64_t c = 0;

    /* The race is between the load and the store: another thread's increments
     * in between are overwritten.  Each access is atomic, so the program has
     * no data race in C11's sense: the lost updates are its defined outcome. */
#pragma omp parallel num_threads(threads)
    {
#pragma omp barrier
#pragma omp for schedule(static, 1)
        for (int t = 0; t < threads; t++)
            for (int64_t i = 0; i < n; i++) {
                const uint64_t v = atomic_load_explicit(&c, memory_order_relaxed);
                atomic_store_explicit(&c, v + 1, memory_order_relaxed);
            }
    }
    return atomic_load(&c);
}

uint64_t counter_lock(int64_t n, int threads)
{
    uint64_t c = 0;
    omp_lock_t lock;

    omp_init_lock(&lock);
#pragma omp parallel num_threads(threads)
    {
#pragma omp barrier
#pragma omp for schedule(static, 1)
        for (int t = 0; t < threads; t++)
            for (int64_t i = 0; i < n; i++) {
                omp_set_lock(&lock);
                c++;
                omp_unset_lock(&lock);
            }
    }
    omp_destroy_lock(&lock);
    return c;
}

uint64_t counter_atomic(int64_t n, int threads)
{
    _Atomic uint64_t c = 0;

#pragma omp parallel num_threads(threads)
    {
#pragma omp barrier
#pragma omp for schedule(static, 1)
        for (int t = 0; t < threads; t++)
            for (int64_t i = 0; i < n; i++)
                atomic_fetch_add_explicit(&c, 1, memory_order_relaxed);
    }
    return atomic_load(&c);
}
