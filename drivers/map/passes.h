/* passes.h - the MPI-IO passes of `map`: text to records, the transform engine, records to text. */
#ifndef PIPORT_MAP_PASSES_H
#define PIPORT_MAP_PASSES_H

#include <stdint.h>

#include "transforms.h"

/// Everything the passes need; identical on every rank.
typedef struct {
    const transform *t;    ///< the transform
    int threads;           ///< OpenMP threads per rank
    int dynamic;           ///< 0: cyclic (record i to worker i mod W); 1: chunks on demand
    int64_t chunk;         ///< records per rank per round (cyclic) or per claim (dynamic); 0 = auto
    const char *fmt;       ///< text output format for one double
    const char *name;      ///< input name for messages ("stdin" for standard input)
    int allow_nonfinite;   ///< 1: nan and inf pass through, in input and in results
    const char *sync_path; ///< the file to be published: synced to disk before it is closed
    const char *out_name;  ///< what messages call sync_path: the output it will become
    const char *tmp_name;  ///< what messages call the other temporaries (the output they stand for,
                           ///< when they are in its directory), NULL: their own paths
} map_job;

/*
 * Every pass returns 0, 2 after an input error (FILE:LINE or FILE: record N, said once), or
 * 1 after an I/O failure ("map: cannot write FILE: reason", said once).  The verdict is the
 * same on every rank: ranks agree after every round, so none waits for a rank that stopped.
 */

/// Parse text input (path, or NULL for stdin) into a file of float64 records; rank 0 alone
/// reads standard input and, with stream, a path that cannot be split (pipe, FIFO, /proc).
int mapio_text_to_records(const map_job *job, const char *path, int stream,
                          const char *records, int64_t *nrecords);

/// Number of records in a binary file (0, or 2 after a message).
int mapio_binary_records(const map_job *job, const char *path, int64_t *nrecords);

/// Apply the transform to nrecords records of `in`, writing one float64 each to `out`.
/// check_records: check the records (binary input; text input was checked when parsed).
int mapio_engine(const map_job *job, const char *in, const char *out, int64_t nrecords,
                 int check_records);

/// Format nrecords float64 results of `in` as text lines into the file `out` (MPI-IO, every
/// rank), or, if out is NULL, into descriptor fd on rank 0 (standard output, a device, a FIFO),
/// called `fd_name` in messages.
int mapio_records_to_text(const map_job *job, const char *in, const char *out, int fd,
                          const char *fd_name, int64_t nrecords);

/// Copy nrecords float64 values of `in`, raw, to descriptor fd on rank 0 (named fd_name).
int mapio_records_to_fd(const char *in, int64_t nrecords, int fd, const char *fd_name);

#endif
