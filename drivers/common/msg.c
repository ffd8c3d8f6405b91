/* msg.c - MPI wrappers for the workshop lessons: point-to-point, one-sided windows, APPNUM, agreement. */
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

int msg_agree(int verdict, uint64_t signature, char *msg, size_t len)
{
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    /* one reduction: the worst verdict, the lowest erring rank, the signature's range */
    int iv[2] = {verdict, -(verdict == 2 ? rank : size)}, ir[2];
    uint64_t sv[2] = {signature, ~signature}, sr[2];
    MPI_Allreduce(iv, ir, 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Allreduce(sv, sr, 2, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
    const int first_bad = -ir[1];
    if (ir[0] == 2 && first_bad > 0) {         /* its message goes to rank 0 */
        if (rank == first_bad)
            MPI_Send(msg, (int)len, MPI_CHAR, 0, 0, MPI_COMM_WORLD);
        else if (rank == 0)
            MPI_Recv(msg, (int)len, MPI_CHAR, first_bad, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (rank == 0 && len)
            msg[len - 1] = '\0';
    }
    if (ir[0] == 2)
        return 2;
    return sr[0] != ~sr[1] ? 3 : ir[0];
}

void msg_gather(const void *mine, size_t len, void *all)
{
    MPI_Gather(mine, (int)len, MPI_BYTE, all, (int)len, MPI_BYTE, 0, MPI_COMM_WORLD);
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
