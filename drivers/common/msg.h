/* msg.h - messages, one-sided windows and the one fetch-and-op counter (map's dynamic schedule, the workshop), MPMD facts. */
#ifndef PIPORT_MSG_H
#define PIPORT_MSG_H

#include <stddef.h>
#include <stdint.h>

/// The MPMD application this rank belongs to (MPI_APPNUM; 0 when the launcher sets none).
int msg_appnum(void);

/// Broadcast a double from rank 0.
double msg_bcast_double(double v);

/// Send `len` bytes to rank `dest` with `tag` (blocking, MPI_Send).
void msg_send(const void *buf, size_t len, int dest, int tag);

/// Receive `len` bytes from rank `src` with `tag` (blocking, MPI_Recv).
void msg_recv(void *buf, size_t len, int src, int tag);

/// Receive `len` bytes with `tag` from whichever rank sends first (MPI_ANY_SOURCE); returns it.
int msg_recv_any(void *buf, size_t len, int tag);

/// A window of memory on rank 0 that every rank reads and writes one-sidedly.
typedef struct msg_win msg_win;

/// Collective: rank 0 exposes `bytes` zeroed bytes (MPI_Win_allocate); NULL if out of memory.
msg_win *msg_win_create(size_t bytes);

/// Collective: free the window.
void msg_win_free(msg_win *w);

/// Open an access epoch on rank 0's memory: exclusive (1) or shared (0) lock.
void msg_win_lock(msg_win *w, int exclusive);

/// Close the access epoch: every put and get in it is complete at rank 0.
void msg_win_unlock(msg_win *w);

/// Write `len` bytes at byte `offset` of rank 0's memory (MPI_Put; done at unlock).
void msg_put(msg_win *w, const void *src, size_t len, size_t offset);

/// Read `len` bytes at byte `offset` of rank 0's memory into dst (MPI_Get, then a flush).
void msg_get(msg_win *w, void *dst, size_t len, size_t offset);

/// Atomically add v to the uint64 at byte `offset` of rank 0's memory and return its old
/// value (MPI_Fetch_and_op, then a flush).  Call inside msg_win_lock(w, 0).
uint64_t msg_fetch_add(msg_win *w, size_t offset, uint64_t v);

#endif
