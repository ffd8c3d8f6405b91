/* transforms.h - the registry of element-wise transforms behind `map` (the workshop's Pool.map functions). */
#ifndef PIPORT_TRANSFORMS_H
#define PIPORT_TRANSFORMS_H

#include <stdint.h>

/*
 * A transform maps one record of `arity` doubles to one double.  It runs on n
 * records of an array laid out record after record, taking every `stride`-th
 * record (records k*stride, k < n) and writing out[k*stride]: a thread of
 * the partialPi split calls it with its first record and stride = threads.
 * Adding a transform is one function and one table entry in transforms.c.
 */

/// Apply a transform to records in[k*stride*arity ...], k < n, into out[k*stride].
typedef void (*transform_fn)(const double *in, double *out, int64_t n, int64_t stride);

/// One registered transform.
typedef struct {
    const char *name;        ///< what users type: `map celsius`
    int arity;               ///< input columns per record
    const char *description; ///< one line for `map --list`
    transform_fn fn;         ///< the batch function
    /// NULL, or a check of one record's inputs: NULL if fine, else the reason.
    const char *(*check)(const double *record);
    /// 1: plain arithmetic, every record costs the same and its result cannot depend on the
    /// worker: map computes it where it was read (no record crosses ranks to be balanced)
    int uniform;
} transform;

/// The transform called `name`, or NULL.
const transform *transform_find(const char *name);

/// The table, ended by an entry with a NULL name.
const transform *transform_table(void);

#endif
