/* copy_f64.c - baseline for map: a plain sequential C read + write of a file, 1 MiB at a time, synced to disk as map's output is. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    static char buf[1 << 20];
    struct timespec t0, t1;
    size_t n, total = 0;
    if (argc != 3) {
        fprintf(stderr, "usage: copy_f64 IN OUT\n");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    FILE *in = fopen(argv[1], "rb"), *out = fopen(argv[2], "wb");
    if (!in || !out) {
        perror("copy_f64");
        return 1;
    }
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        if (fwrite(buf, 1, n, out) != n) {
            perror("copy_f64");
            return 1;
        }
        total += n;
    }
    fclose(in);
    if (fflush(out) != 0 || fsync(fileno(out)) != 0 || fclose(out) != 0)
        return 1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    const double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    printf("%.4f %zu\n", s, total);
    return 0;
}
