/* mpiio.h - checked MPI-IO for map: every MPI_File_* result and count, one message, one verdict (no mpi.h here). */
#ifndef PIPORT_MPIIO_H
#define PIPORT_MPIIO_H

#include <stddef.h>
#include <stdint.h>

/// How a file is opened: read only, or write only (it exists: a temporary made by rank 0).
enum { MF_READ = 0, MF_WRITE = 1 };

/// An open MPI file and the path it is reported under.
typedef struct {
    _Alignas(8) unsigned char fh[16]; ///< the MPI_File handle (opaque outside mpiio.c)
    const char *path;                 ///< its path, for completing short writes
    const char *name;                 ///< what messages call it (the output a temporary stands for)
    int open;                         ///< 1 while fh is open
    int wb_fd;                        ///< written files: a POSIX descriptor for write-behind, or -1
} mfile;

/// Collective open of path on every rank (messages name it `name`, or path if NULL); on
/// failure rank 0 says "map: cannot WHAT 'PATH': reason" and every rank gets nonzero.
int mf_open(const char *path, const char *name, int mode, mfile *f, const char *what);

/// Size of the open file in bytes; a failure is remembered and 0 returned.
int64_t mf_size(mfile *f);

/// Write len bytes at offset off (collectively if coll).  A failed or short write is completed
/// with POSIX pwrite, which also tells the system's reason if it fails too; the failure is
/// remembered, to be said and agreed by mf_agree.  The bytes start on their way to the disk at
/// once (write-behind), so that mf_close's sync waits for little more than the last round's.
void mf_write(mfile *f, int64_t off, const void *buf, size_t len, int coll);

/// Read exactly len bytes at offset off (collectively if coll); a failure is remembered.
void mf_read(mfile *f, int64_t off, void *buf, size_t len, int coll);

/// Collective close; with sync, MPI_File_sync first (data on
/// disk before it is published).  Nothing to do if f is not open.
void mf_close(mfile *f, int sync);

/// Remember an I/O failure of this rank: "map: cannot VERB PATH: REASON" (the first one only).
void mf_fail(const char *verb, const char *path, const char *reason);

/// 1 if this rank has seen an I/O failure (local, no communication).
int mf_failed(void);

/// After the caller's own collective found `first`, the lowest rank that failed (-1 if none):
/// that rank says its message, once; 1 if there is one (every rank then counts as failed).
int mf_agreed(int first);

/// Collective: 1 if any rank failed (the lowest failing rank says its message, once), else 0.
int mf_agree(void);

#endif
