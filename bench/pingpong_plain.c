/* pingpong_plain.c - the ping-pong written directly against MPI with no harness: make bench-pingpong's baseline. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* usage: mpirun -np 2 pingpong_plain MIN MAX ITERATIONS WARMUP [funneled]
 * Prints size_bytes latency_us bandwidth_MBps for MIN, 2 MIN, ... <= MAX bytes (ranks 0-1).
 * MPI starts at MPI_THREAD_SINGLE, or at MPI_THREAD_FUNNELED with a fifth argument. */
int main(int argc, char **argv)
{
    int rank, provided;
    const int funneled = argc == 6 && !strcmp(argv[5], "funneled");
    MPI_Init_thread(&argc, &argv, funneled ? MPI_THREAD_FUNNELED : MPI_THREAD_SINGLE, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (argc != 5 && !funneled) {
        if (rank == 0)
            fprintf(stderr, "usage: pingpong_plain MIN MAX ITERATIONS WARMUP [funneled]\n");
        MPI_Finalize();
        return 2;
    }
    const long min = atol(argv[1]), max = atol(argv[2]), iters = atol(argv[3]),
               warm = atol(argv[4]);
    const size_t bytes = ((size_t)max + 4095) / 4096 * 4096;
    char *buf = aligned_alloc(4096, bytes);
    memset(buf, 1, bytes);
    if (rank == 0)
        printf("size_bytes  latency_us  bandwidth_MBps\n");
    for (long n = min; n <= max; n *= 2) {
        double t0 = 0;
        MPI_Barrier(MPI_COMM_WORLD);
        for (long i = -warm; i < iters; i++) {
            if (i == 0) {                       /* warm-up done: start the clock together */
                MPI_Barrier(MPI_COMM_WORLD);
                t0 = MPI_Wtime();
            }
            if (rank == 0) {
                MPI_Send(buf, (int)n, MPI_BYTE, 1, 1, MPI_COMM_WORLD);
                MPI_Recv(buf, (int)n, MPI_BYTE, 1, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            } else if (rank == 1) {
                MPI_Recv(buf, (int)n, MPI_BYTE, 0, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                MPI_Send(buf, (int)n, MPI_BYTE, 0, 1, MPI_COMM_WORLD);
            }
        }
        const double lat = (MPI_Wtime() - t0) * 1e6 / (2.0 * (double)iters);
        if (rank == 0)
            printf("%10ld  %10.3f  %14.2f\n", n, lat, (double)n / lat);
    }
    free(buf);
    MPI_Finalize();
    return 0;
}
