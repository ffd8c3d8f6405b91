/* exchange.c - MPI wrappers for map's rounds: MPI_Allgather of counts, MPI_Alltoallv of records. */
#include "exchange.h"

#include <mpi.h>

void xc_allgather_i64(const int64_t *mine, int n, int64_t *all)
{
    MPI_Allgather(mine, n, MPI_INT64_T, all, n, MPI_INT64_T, MPI_COMM_WORLD);
}

void xc_alltoallv_f64(const double *send, const int *scount, const int *sdisp, double *recv,
                      const int *rcount, const int *rdisp)
{
    MPI_Alltoallv(send, scount, sdisp, MPI_DOUBLE, recv, rcount, rdisp, MPI_DOUBLE,
                  MPI_COMM_WORLD);
}
