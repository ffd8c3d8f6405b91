/* mpfr_pi.c - the reference for `pi bbp --digits N`: MPFR's mpfr_const_pi to N digits on one
 * core, then the same decimal string (mpfr_get_str).  Prints: const_seconds str_seconds
 * peak_rss_bytes last_10_digits.  Usage: mpfr_pi N [FILE]  (FILE: also write "3." + the N
 * digits + newline there, the reference text the tests compare with) */
#include <mpfr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    const double n = argc == 2 || argc == 3 ? strtod(argv[1], NULL) : 0;
    if (n < 10 || n > 1e10) {
        fprintf(stderr, "usage: mpfr_pi N [FILE]   (10 <= N <= 1e10 decimal digits)\n");
        return 2;
    }
    const long N = (long)n;
    mpfr_t x;
    mpfr_exp_t e;
    const double t0 = now();
    mpfr_init2(x, (mpfr_prec_t)((double)N * 3.3219280948873623) + 64);
    mpfr_const_pi(x, MPFR_RNDZ);
    const double t1 = now();
    char *s = mpfr_get_str(NULL, &e, 10, (size_t)N + 1, x, MPFR_RNDZ);   /* "31415..." */
    const double t2 = now();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    if (!s || strlen(s) != (size_t)N + 1)
        return 1;
    FILE *f = argc == 3 ? fopen(argv[2], "w") : NULL;
    if (argc == 3 && (!f || fprintf(f, "3.%s\n", s + 1) < 0 || fclose(f) != 0)) {
        perror(argv[2]);
        return 1;
    }
    printf("%.6f %.6f %lld %s\n", t1 - t0, t2 - t1, (long long)ru.ru_maxrss * 1024,
           s + N + 1 - 10);
    mpfr_free_str(s);
    mpfr_clear(x);
    return 0;
}
