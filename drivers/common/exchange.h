/* exchange.h - the collective data movement of map's rounds: all-gather of counts, all-to-all of records. */
#ifndef PIPORT_EXCHANGE_H
#define PIPORT_EXCHANGE_H

#include <stdint.h>

/// Every rank's n int64 values into all[rank * n + k], on every rank (MPI_Allgather).
void xc_allgather_i64(const int64_t *mine, int n, int64_t *all);

/// Send scount[q] doubles at send + sdisp[q] to every rank q and receive rcount[q] doubles from
/// it at recv + rdisp[q] (MPI_Alltoallv).
void xc_alltoallv_f64(const double *send, const int *scount, const int *sdisp, double *recv,
                      const int *rcount, const int *rdisp);

#endif
