/* exchange.c - MPI wrappers for map's rounds: MPI_Allgather (or MPI_Iallgather and MPI_Wait) of counts, MPI_Alltoallv of records. */
#include "exchange.h"

#include <mpi.h>
#include <stdlib.h>

struct xc_pending {
    MPI_Request req;
};

/// The request of an all-gather done at once (xc_allgather_start without memory).
static xc_pending done_already = {MPI_REQUEST_NULL};

void xc_allgather_i64(const int64_t *mine, int n, int64_t *all)
{
    MPI_Allgather(mine, n, MPI_INT64_T, all, n, MPI_INT64_T, MPI_COMM_WORLD);
}

xc_pending *xc_allgather_start(const int64_t *mine, int n, int64_t *all)
{
    xc_pending *p = malloc(sizeof *p);
    if (!p) {
        xc_allgather_i64(mine, n, all);
        return &done_already;
    }
    MPI_Iallgather(mine, n, MPI_INT64_T, all, n, MPI_INT64_T, MPI_COMM_WORLD, &p->req);
    return p;
}

void xc_wait(xc_pending *p)
{
    if (p == &done_already)
        return;
    MPI_Wait(&p->req, MPI_STATUS_IGNORE);
    free(p);
}

void xc_alltoallv_f64(const double *send, const int *scount, const int *sdisp, double *recv,
                      const int *rcount, const int *rdisp)
{
    MPI_Alltoallv(send, scount, sdisp, MPI_DOUBLE, recv, rcount, rdisp, MPI_DOUBLE,
                  MPI_COMM_WORLD);
}
