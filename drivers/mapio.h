/* mapio.h - the MPI-IO passes of `map`: text to records, the transform engine, records to text. */
#ifndef PIPORT_MAPIO_H
#define PIPORT_MAPIO_H

#include <stdint.h>

#include "transforms.h"

/// Everything the passes need; identical on every rank.
typedef struct {
    const transform *t; ///< the transform
    int threads;        ///< OpenMP threads per rank
    int dynamic;        ///< 0: cyclic (record i to worker i mod W); 1: chunks on demand
    int64_t chunk;      ///< records per rank per round (cyclic) or per claim (dynamic); 0 = auto
    const char *fmt;    ///< text output format for one double
    const char *name;   ///< input name for messages ("-" for stdin)
} map_job;

/// Parse text input (path, or NULL for stdin on rank 0) into a file of float64 records.
/// Returns 0 with *records set, 2 after a FILE:LINE message (same on every rank), 1 on I/O failure.
int mapio_text_to_records(const map_job *job, const char *path, const char *records,
                          int64_t *nrecords);

/// Number of records in a binary file, or -1 after a message (2 returned via *rc).
int mapio_binary_records(const map_job *job, const char *path, int64_t *nrecords);

/// Apply the transform to nrecords records of `in`, writing one float64 each to `out`.
/// check_records: run the transform's input check (binary input). 0 ok, 2 bad record, 1 I/O.
int mapio_engine(const map_job *job, const char *in, const char *out, int64_t nrecords,
                 int check_records);

/// Format nrecords float64 results of `in` as text lines into `out` (NULL: stdout from rank 0).
int mapio_records_to_text(const map_job *job, const char *in, const char *out,
                          int64_t nrecords);

/// Copy nrecords float64 values of `in` to stdout (rank 0), raw.
int mapio_records_to_stdout(const char *in, int64_t nrecords);

#endif
