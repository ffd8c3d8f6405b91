/* exchange.h - the collective data movement of map's rounds: all-gather of counts (at once, or started and waited for), all-to-all of records. */
#ifndef PIPORT_EXCHANGE_H
#define PIPORT_EXCHANGE_H

#include <stdint.h>

/// Every rank's n int64 values into all[rank * n + k], on every rank (MPI_Allgather).
void xc_allgather_i64(const int64_t *mine, int n, int64_t *all);

/// An all-gather under way (xc_allgather_start), finished by xc_wait.
typedef struct xc_pending xc_pending;

/// Start xc_allgather_i64 without waiting for it; mine and all stay untouched until xc_wait.
/// Never fails: without memory for the request it is done at once (blocking).
xc_pending *xc_allgather_start(const int64_t *mine, int n, int64_t *all);

/// Wait until the all-gather p is done (all is filled) and free it.
void xc_wait(xc_pending *p);

/// Send scount[q] doubles at send + sdisp[q] to every rank q and receive rcount[q] doubles from
/// it at recv + rdisp[q] (MPI_Alltoallv).
void xc_alltoallv_f64(const double *send, const int *scount, const int *sdisp, double *recv,
                      const int *rcount, const int *rdisp);

#endif
