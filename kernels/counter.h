/* counter.h - the Lock/Value lesson's shared counter: OpenMP threads each add 1 to it n times, three ways. */
#ifndef PIPORT_COUNTER_H
#define PIPORT_COUNTER_H

#include <stdint.h>

/*
 * Each function runs `threads` workers on OpenMP threads (one loop trip per
 * worker, whatever the runtime gives), every worker adding 1 to one shared
 * counter n times, and returns the counter's final value.  A correct
 * variant returns n * threads.
 */

/// Plain scalar reference: one thread adds 1 n * threads times.
uint64_t counter_ref(int64_t n, int threads);

/// Unsafe: read the counter (relaxed atomic load), write back value + 1 (relaxed atomic
/// store).  Updates are lost when threads interleave, by design, without undefined behaviour.
uint64_t counter_unsafe(int64_t n, int threads);

/// Lock: every increment inside one omp_lock_t, the workshop's Lock around counter.value += 1.
uint64_t counter_lock(int64_t n, int threads);

/// Atomic: every increment is one atomic fetch-add.
uint64_t counter_atomic(int64_t n, int threads);

#endif
