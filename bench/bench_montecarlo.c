/* bench_montecarlo.c - Monte Carlo kernels side by side: darts/s per core, gcc vs clang build, 2-core efficiency. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "montecarlo.h"

/* The same kernel source built by gcc for comparison (see Makefile). */
uint64_t mc_hits_fast_gcc(uint64_t seed, int64_t n, int64_t w, int64_t W);

/// A kernel under test.
typedef struct {
    const char *name; ///< row label
    const char *what; ///< one-line description
    mc_kernel fn;     ///< the kernel
} bench_kernel;

static const bench_kernel kernels[] = {
    {"fast", "blocked Philox4x32-10, as built for pi (MC_CC)", mc_hits_fast},
    {"fast_gcc", "the same source built by gcc", mc_hits_fast_gcc},
    {"ref", "scalar reference, one dart at a time", mc_hits_ref},
};
enum { NKERNELS = sizeof kernels / sizeof kernels[0] };

static volatile uint64_t sink; ///< keeps results alive

/// Best wall time of `reps` runs of kernel k on n darts with `cores` threads.
static double best_seconds(const bench_kernel *k, int64_t n, int cores, int reps)
{
    double best = INFINITY;
    for (int r = 0; r < reps; r++) {
        uint64_t hits = 0;
        const double t0 = omp_get_wtime();
#pragma omp parallel for num_threads(cores) schedule(static, 1) reduction(+ : hits)
        for (int w = 0; w < cores; w++)
            hits += k->fn(42, n, w, cores);
        const double t = omp_get_wtime() - t0;
        sink = hits;
        if (t < best)
            best = t;
    }
    return best;
}

int main(int argc, char **argv)
{
    static const int64_t sizes[] = {1000000000, 10000000000};
    double rate[2][2][NKERNELS]; /* [size][cores-1][kernel], darts/s per core */
    const int maxcores = omp_get_num_procs() >= 2 ? 2 : 1;
    const int quick = argc > 1 && !strcmp(argv[1], "--quick"); /* smoke run: 1e8, 1e9 */

    omp_set_dynamic(0);
    printf("bench_montecarlo: darts/s per core, best of repeated runs (warm-up excluded)\n");
    printf("%d cores available; cores = OpenMP threads, each one worker of the partialPi split\n\n",
           omp_get_num_procs());
    for (int k = 0; k < NKERNELS; k++)
        printf("  %-9s %s\n", kernels[k].name, kernels[k].what);
    printf("\n%-8s %5s  %-9s %10s %16s\n", "n", "cores", "kernel", "seconds", "M darts/s/core");
    best_seconds(&kernels[0], 100000000, maxcores, 1); /* warm-up */
    for (int s = 0; s < 2; s++) {
        const int64_t n = quick ? sizes[s] / 10 : sizes[s];
        for (int c = 1; c <= maxcores; c++)
            for (int k = 0; k < NKERNELS; k++) {
                const double t = best_seconds(&kernels[k], n, c, kernels[k].fn == mc_hits_ref ? 1 : 3);
                rate[s][c - 1][k] = (double)n / t / c;
                printf("%-8.0e %5d  %-9s %10.4f %16.1f\n", (double)n, c, kernels[k].name, t,
                       rate[s][c - 1][k] / 1e6);
                fflush(stdout);
            }
    }
    const double fast1 = rate[1][0][0];
    printf("\nat n = %.0e, one core:\n", (double)(quick ? sizes[1] / 10 : sizes[1]));
    printf("  fast kernel        %.1f M darts/s  (target >= 500)   %s\n", fast1 / 1e6,
           fast1 >= 500e6 ? "PASS" : "MISS");
    printf("  fast / ref         %.2fx\n", fast1 / rate[1][0][2]);
    printf("  fast / fast_gcc    %.2fx (the compiler's share)\n", fast1 / rate[1][0][1]);
    if (maxcores == 2) {
        const double eff = rate[1][1][0] / fast1;
        printf("  2-core efficiency  %.1f%% (target >= 90%%)   %s\n", 100 * eff,
               eff >= 0.90 ? "PASS" : "MISS");
    }
    return 0;
}
