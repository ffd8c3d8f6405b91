/* libc_map.c - baseline for map's text path: a plain C loop, getline + strtod + fprintf("%.17g") of celsius, synced like map's output. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct timespec t0, t1;
    char *line = NULL;
    size_t cap = 0;
    if (argc != 3) {
        fprintf(stderr, "usage: libc_map IN OUT\n");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    FILE *in = fopen(argv[1], "r"), *out = fopen(argv[2], "w");
    if (!in || !out) {
        perror("libc_map");
        return 1;
    }
    while (getline(&line, &cap, in) > 0)
        if (fprintf(out, "%.17g\n", (strtod(line, NULL) - 32.0) * (5.0 / 9.0)) < 0) {
            perror("libc_map");
            return 1;
        }
    if (fflush(out) != 0 || fsync(fileno(out)) != 0 || fclose(out) != 0) {
        perror("libc_map");
        return 1;
    }
    fclose(in);
    free(line);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%.4f\n", (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    return 0;
}
