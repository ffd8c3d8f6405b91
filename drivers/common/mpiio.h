/* mpiio.h - checked MPI-IO for map: every MPI_File_* result and count, one message, one verdict. */
#ifndef PIPORT_MPIIO_H
#define PIPORT_MPIIO_H

#include <mpi.h>
#include <stdint.h>

/// An open MPI file and the path it is reported under.
typedef struct {
    MPI_File fh;      ///< the MPI handle
    const char *path; ///< its path, for completing short writes
    const char *name; ///< what messages call it (the output a temporary stands for, or path)
} mfile;

/// Collective open of path on every rank (messages name it `name`, or path if NULL); on
/// failure rank 0 says "map: cannot WHAT 'PATH': reason" and every rank gets nonzero.
int mf_open(const char *path, const char *name, int amode, mfile *f, const char *what);

/// Write count items at offset off (collectively if coll).  A failed or short write is
/// completed with POSIX pwrite, which also tells the system's reason if it fails too; the
/// failure is remembered, to be said and agreed by mf_agree.
void mf_write(mfile *f, MPI_Offset off, const void *buf, int count, MPI_Datatype type, int coll);

/// Read exactly count items at offset off (collectively if coll); a failure is remembered.
void mf_read(mfile *f, MPI_Offset off, void *buf, int count, MPI_Datatype type, int coll);

/// Collective close; with sync, MPI_File_sync first (data on disk before it is published).
void mf_close(mfile *f, int sync);

/// Remember an I/O failure of this rank: "map: cannot VERB PATH: REASON" (the first one only).
void mf_fail(const char *verb, const char *path, const char *reason);

/// 1 if this rank has seen an I/O failure (local, no communication).
int mf_failed(void);

/// Collective (par_fail): 1 if any rank failed (rank 0 says the lowest failing rank's message,
/// once), else 0.
int mf_agree(void);

#endif
