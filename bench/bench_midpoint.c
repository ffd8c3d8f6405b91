/* bench_midpoint.c - midpoint kernels side by side: steps/s per core, exact-sum cost, 2-core efficiency. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "midpoint.h"

/// A kernel under test, run by `cores` OpenMP threads as workers 0..cores-1.
typedef struct {
    const char *name;   ///< row label
    const char *what;   ///< one-line description
    midpoint_kernel exact; ///< exact-sum kernel, or NULL
    double (*fp)(int64_t n, int64_t w, int64_t W); ///< double-sum kernel, or NULL
} bench_kernel;

/// Upper bound for any one-divide-per-step loop: the divide alone, vectorized.
static double divide_only(int64_t n, int64_t w, int64_t W)
{
    const double Wd = (double)W;
    const int64_t count = w < n ? (n - 1 - w) / W + 1 : 0;
    double sum = 0.0;
    for (int64_t k0 = 0; k0 < count; k0 += 1024) {
        const int m = (int)(count - k0 < 1024 ? count - k0 : 1024);
        const double a0 = (double)(w + k0 * W) + 1.5;
        double s = 0.0;
#pragma omp simd reduction(+ : s)
        for (int j = 0; j < m; j++)
            s += 4.0 / (a0 + (double)j * Wd);
        sum += s;
    }
    return sum;
}

static const bench_kernel kernels[] = {
    {"fast", "exact integer sum, vectorized (pi's default)", midpoint_sum_fast, NULL},
    {"fast_fp", "same loop, plain double sum (not layout-independent)", NULL,
     midpoint_sum_fast_fp},
    {"ref", "scalar reference, exact sum", midpoint_sum_ref, NULL},
    {"naive", "workshop loop: for (i = w; i < n; i += W), double sum", NULL,
     midpoint_sum_naive},
    {"div_only", "limit: one vectorized divide per step, nothing else", NULL, divide_only},
};
enum { NKERNELS = sizeof kernels / sizeof kernels[0] };

static volatile double sink; ///< keeps results alive

/// Best wall time of `reps` runs of kernel k on n steps with `cores` threads.
static double best_seconds(const bench_kernel *k, int64_t n, int cores, int reps)
{
    double best = INFINITY;
    for (int r = 0; r < reps; r++) {
        double total = 0.0;
        const double t0 = omp_get_wtime();
#pragma omp parallel for num_threads(cores) schedule(static, 1) reduction(+ : total)
        for (int w = 0; w < cores; w++)
            total += k->exact ? (double)k->exact(n, w, cores) : k->fp(n, w, cores);
        const double t = omp_get_wtime() - t0;
        sink = total;
        if (t < best)
            best = t;
    }
    return best;
}

int main(int argc, char **argv)
{
    static const int64_t sizes[] = {1000000000, 10000000000};
    double rate[2][2][NKERNELS]; /* [size][cores-1][kernel], steps/s per core */
    const int maxcores = omp_get_num_procs() >= 2 ? 2 : 1;
    const int quick = argc > 1 && !strcmp(argv[1], "--quick"); /* smoke run: 1e8, 1e9 */

    omp_set_dynamic(0);
    printf("bench_midpoint: steps/s per core, best of repeated runs (warm-up excluded)\n");
    printf("%d cores available; cores = OpenMP threads, each one worker of the partialPi split\n\n",
           omp_get_num_procs());
    for (int k = 0; k < NKERNELS; k++)
        printf("  %-9s %s\n", kernels[k].name, kernels[k].what);
    printf("\n%-8s %5s  %-9s %10s %16s\n", "n", "cores", "kernel", "seconds", "G steps/s/core");
    best_seconds(&kernels[0], 100000000, maxcores, 1); /* warm-up: clocks, pages, threads */
    for (int s = 0; s < 2; s++) {
        const int64_t n = quick ? sizes[s] / 10 : sizes[s];
        for (int c = 1; c <= maxcores; c++)
            for (int k = 0; k < NKERNELS; k++) {
                const double t = best_seconds(&kernels[k], n, c, s == 0 ? 3 : 2);
                rate[s][c - 1][k] = (double)n / t / c;
                printf("%-8.0e %5d  %-9s %10.4f %16.3f\n", (double)n, c, kernels[k].name, t,
                       rate[s][c - 1][k] / 1e9);
                fflush(stdout);
            }
    }

    const double fast1 = rate[1][0][0], fastfp1 = rate[1][0][1], naive1 = rate[1][0][3];
    const double limit1 = rate[1][0][4];
    const double cost = 1.0 - rate[1][0][0] / fastfp1;
    printf("\nat n = %.0e, one core:\n", (double)(quick ? sizes[1] / 10 : sizes[1]));
    printf("  fast kernel        %.3f G steps/s  (target >= 2.5)          %s\n", fast1 / 1e9,
           fast1 >= 2.5e9 ? "PASS" : "MISS");
    printf("  fast / naive       %.2fx\n", fast1 / naive1);
    printf("  fast / div_only    %.0f%% of the one-divide-per-step limit (%.3f G/s)\n",
           100 * fast1 / limit1, limit1 / 1e9);
    printf("  exact-sum cost     %+.1f%% vs the same loop with a double sum (target <= 10%%)  %s\n",
           100 * cost, cost <= 0.10 ? "PASS" : "MISS");
    if (maxcores == 2) {
        const double eff = rate[1][1][0] / rate[1][0][0];
        printf("  2-core efficiency  %.1f%% (fast kernel, per-core rate 2 vs 1; target >= 90%%)  %s\n",
               100 * eff, eff >= 0.90 ? "PASS" : "MISS");
    }
    return 0;
}
