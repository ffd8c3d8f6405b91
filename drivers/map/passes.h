/* passes.h - the passes of `map`: text or binary input, transformed in rounds held in memory, written in order. */
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
    const char *fmt;       ///< printf format of one result, or NULL: Python's repr
    const char *name;      ///< input name for messages ("stdin" for standard input)
    int allow_nonfinite;   ///< 1: nan and inf pass through, in input and in results
} map_job;

/// Where results go: a file every rank writes with MPI-IO, or a descriptor of rank 0.
typedef struct {
    const char *path;      ///< the file (a temporary to publish), or NULL: use fd
    const char *name;      ///< what messages call it (the output it becomes)
    int fd;                ///< rank 0's descriptor (standard output, a device, a FIFO)
    int sync;              ///< 1: sync path to disk before closing it (it will be published)
} map_sink;

/*
 * Both passes return 0, 2 after an input error (FILE:LINE or FILE: record N, said once), or
 * 1 after an I/O failure ("map: cannot write FILE: reason", said once).  The verdict is the
 * same on every rank: ranks agree after every round, so none waits for a rank that stopped.
 * Nothing is written but the sink: the records of a round live in memory.
 */

/// Text input (path, or NULL for stdin) to text results; rank 0 alone reads standard input
/// and, with stream, a path that cannot be split (pipe, FIFO, /proc).  *n: records done.
int mapio_text(const map_job *job, const char *path, int stream, const map_sink *sink,
               int64_t *n);

/// Binary float64 input to binary float64 results.  *n: records done.
int mapio_binary(const map_job *job, const char *path, const map_sink *sink, int64_t *n);

#endif
