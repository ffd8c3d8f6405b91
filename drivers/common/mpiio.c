/* mpiio.c - checked MPI-IO: results and counts of every call, POSIX completion of short writes. */
#define _GNU_SOURCE /* pwrite with the other POSIX calls */
#include "mpiio.h"

#include "par.h"

#include <mpi.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

_Static_assert(sizeof(MPI_File) <= sizeof(((mfile *)0)->fh), "an MPI_File fits in mfile.fh");

/// The MPI handle inside an mfile.
#define FH(f) ((MPI_File *)(void *)(f)->fh)

static int io_failed;     ///< 1 once an I/O call failed on this rank
static int io_said;       ///< 1 once that failure was printed
static char io_msg[8400]; ///< "map: cannot write FILE: reason"

/// The system's words for an MPI error (MPI's I/O error classes name errno conditions).
static const char *mpi_reason(int err)
{
    static char msg[MPI_MAX_ERROR_STRING];
    int cls, len;
    MPI_Error_class(err, &cls);
    if (cls == MPI_ERR_NO_SPACE)
        return strerror(ENOSPC);
    if (cls == MPI_ERR_QUOTA)
        return strerror(EDQUOT);
    if (cls == MPI_ERR_ACCESS)
        return strerror(EACCES);
    if (cls == MPI_ERR_NO_SUCH_FILE)
        return strerror(ENOENT);
    if (cls == MPI_ERR_READ_ONLY)
        return strerror(EROFS);
    MPI_Error_string(err, msg, &len);
    return msg;
}

void mf_fail(const char *verb, const char *path, const char *reason)
{
    if (io_failed)
        return;
    io_failed = 1;
    snprintf(io_msg, sizeof io_msg, "map: cannot %s %s: %s", verb, path, reason);
}

int mf_failed(void)
{
    return io_failed;
}

int mf_agreed(int first)
{
    if (first < 0 || first == INT_MAX)
        return 0;
    if (first == par_rank() && !io_said)
        fprintf(stderr, "%s\n", io_msg);
    io_said = 1;
    io_failed = 1;
    return 1;
}

int mf_agree(void)
{
    const int me = par_rank();
    int who = io_failed ? me : INT_MAX, first;
    MPI_Allreduce(&who, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return mf_agreed(first);
}

int mf_open(const char *path, const char *name, int mode, mfile *f, const char *what)
{
    const int amode = mode == MF_WRITE ? MPI_MODE_WRONLY : MPI_MODE_RDONLY;
    const int err = MPI_File_open(MPI_COMM_WORLD, path, amode, MPI_INFO_NULL, FH(f));
    int bad = err != MPI_SUCCESS, any;
    f->path = path;
    f->name = name ? name : path;
    f->open = 0;
    f->wb_fd = -1;
    MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (!any) {
        f->open = 1;                 /* write-behind is a hint: no descriptor, no head start */
        f->wb_fd = mode == MF_WRITE ? open(path, O_WRONLY | O_CLOEXEC) : -1;
        return 0;
    }
    if (!bad)
        MPI_File_close(FH(f));
    if (par_rank() == 0)
        fprintf(stderr, "map: cannot %s '%s': %s\n", what, f->name,
                bad ? mpi_reason(err) : "failed on another rank");
    return 1;
}

int64_t mf_size(mfile *f)
{
    MPI_Offset size = 0;
    const int err = MPI_File_get_size(*FH(f), &size);
    if (err != MPI_SUCCESS) {
        mf_fail("read", f->name, mpi_reason(err));
        return 0;
    }
    return (int64_t)size;
}
/// Write len bytes at off with POSIX pwrite; 0 or errno.
static int pwrite_all(const char *path, MPI_Offset off, const char *buf, size_t len)
{
    const int fd = open(path, O_WRONLY);
    int e = fd < 0 ? errno : 0;
    while (!e && len) {
        const ssize_t n = pwrite(fd, buf, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            e = n < 0 ? errno : EIO;
        else {
            buf += n;
            len -= (size_t)n;
            off += n;
        }
    }
    if (fd >= 0 && close(fd) != 0 && !e)
        e = errno;
    return e;
}

/// Start the disk writes of [off, off + len) without waiting for them (Linux's
/// sync_file_range): the data's durability is still mf_close's sync, which then has less
/// left to wait for (measured: 2 ranks writing 100 MB of text about 10% sooner).  A file
/// system that cannot (EINVAL, ENOSYS, ESPIPE) only loses the head start; an I/O error is
/// remembered now, as the sync would report it later.
static void write_behind(mfile *f, int64_t off, size_t len)
{
    if (f->wb_fd < 0 || !len ||
        sync_file_range(f->wb_fd, (off_t)off, (off_t)len, SYNC_FILE_RANGE_WRITE) == 0)
        return;
    if (errno != EINVAL && errno != ENOSYS && errno != ESPIPE && errno != EINTR)
        mf_fail("write", f->name, strerror(errno));
}

void mf_write(mfile *f, int64_t off, const void *buf, size_t len, int coll)
{
    MPI_Status st;
    int got = 0;
    const int count = (int)len;     /* a round's bytes: far below 2^31 */
    memset(&st, 0, sizeof st);     /* ROMIO leaves the status untouched for 0 items */
    const int err = coll ? MPI_File_write_at_all(*FH(f), off, buf, count, MPI_BYTE, &st)
                         : MPI_File_write_at(*FH(f), off, buf, count, MPI_BYTE, &st);
    if (err == MPI_SUCCESS && count > 0)
        MPI_Get_count(&st, MPI_BYTE, &got);
    if (err == MPI_SUCCESS && got == count) {
        write_behind(f, off, len);
        return;
    }
    if (io_failed)
        return;
    /* Open MPI's OMPIO reports a full disk only as a short count, ROMIO as MPI_ERR_IO: finish
     * the write with POSIX, which either completes it or says why it cannot. */
    const size_t done = err == MPI_SUCCESS && got > 0 ? (size_t)got : 0;
    const int e = pwrite_all(f->path, off + (MPI_Offset)done, (const char *)buf + done, len - done);
    if (e)
        mf_fail("write", f->name, strerror(e));
}

void mf_read(mfile *f, int64_t off, void *buf, size_t len, int coll)
{
    MPI_Status st;
    int got = 0;
    const int count = (int)len;
    memset(&st, 0, sizeof st);
    const int err = coll ? MPI_File_read_at_all(*FH(f), off, buf, count, MPI_BYTE, &st)
                         : MPI_File_read_at(*FH(f), off, buf, count, MPI_BYTE, &st);
    if (err != MPI_SUCCESS)
        mf_fail("read", f->name, mpi_reason(err));
    else if (count > 0 && (MPI_Get_count(&st, MPI_BYTE, &got), got != count))
        mf_fail("read", f->name, "it ended early (changed while being read?)");
}

void mf_close(mfile *f, int sync)
{
    if (!f->open)
        return;
    int err = sync ? MPI_File_sync(*FH(f)) : MPI_SUCCESS;
    if (err != MPI_SUCCESS)
        mf_fail("write", f->name, mpi_reason(err));
    if (f->wb_fd >= 0 && close(f->wb_fd) != 0)  /* wrote nothing itself: a hint's descriptor */
        mf_fail("close", f->name, strerror(errno));
    f->wb_fd = -1;
    err = MPI_File_close(FH(f));
    f->open = 0;
    if (err != MPI_SUCCESS)
        mf_fail("close", f->name, mpi_reason(err));
}
