/* msg.c - MPI wrappers for messages and one-sided windows: point-to-point, the fetch-and-op counter, APPNUM. */
#include "msg.h"

#include <mpi.h>
#include <stdlib.h>
#include <string.h>

struct msg_win {
    MPI_Win win;   ///< the window; only rank 0's part has memory
};

int msg_appnum(void)
{
    int *app, flag = 0;
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_APPNUM, &app, &flag);
    return flag ? *app : 0;
}

double msg_bcast_double(double v)
{
    MPI_Bcast(&v, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    return v;
}

void msg_send(const void *buf, size_t len, int dest, int tag)
{
    MPI_Send(buf, (int)len, MPI_BYTE, dest, tag, MPI_COMM_WORLD);
}

void msg_recv(void *buf, size_t len, int src, int tag)
{
    MPI_Recv(buf, (int)len, MPI_BYTE, src, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

int msg_recv_any(void *buf, size_t len, int tag)
{
    MPI_Status st;
    MPI_Recv(buf, (int)len, MPI_BYTE, MPI_ANY_SOURCE, tag, MPI_COMM_WORLD, &st);
    return st.MPI_SOURCE;
}

msg_win *msg_win_create(size_t bytes)
{
    int rank, bad, any;
    void *base = NULL;
    msg_win *w = malloc(sizeof *w);

    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    bad = w == NULL;
    MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (any) {
        free(w);
        return NULL;
    }
    MPI_Win_allocate(rank == 0 ? (MPI_Aint)bytes : 0, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &base,
                     &w->win);
    if (rank == 0) {                           /* zero it before anyone can look */
        MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, w->win);
        memset(base, 0, bytes);
        MPI_Win_unlock(0, w->win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    return w;
}

void msg_win_free(msg_win *w)
{
    MPI_Win_free(&w->win);
    free(w);
}

void msg_win_lock(msg_win *w, int exclusive)
{
    MPI_Win_lock(exclusive ? MPI_LOCK_EXCLUSIVE : MPI_LOCK_SHARED, 0, 0, w->win);
}

void msg_win_unlock(msg_win *w)
{
    MPI_Win_unlock(0, w->win);
}

void msg_put(msg_win *w, const void *src, size_t len, size_t offset)
{
    MPI_Put(src, (int)len, MPI_BYTE, 0, (MPI_Aint)offset, (int)len, MPI_BYTE, w->win);
}

void msg_get(msg_win *w, void *dst, size_t len, size_t offset)
{
    MPI_Get(dst, (int)len, MPI_BYTE, 0, (MPI_Aint)offset, (int)len, MPI_BYTE, w->win);
    MPI_Win_flush(0, w->win);
}

uint64_t msg_fetch_add(msg_win *w, size_t offset, uint64_t v)
{
    uint64_t old;
    MPI_Fetch_and_op(&v, &old, MPI_UINT64_T, 0, (MPI_Aint)offset, MPI_SUM, w->win);
    MPI_Win_flush(0, w->win);
    return old;
}
