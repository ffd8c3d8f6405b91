/* records.h - text records for `map`: parsing lines into doubles and checking output formats (no MPI). */
#ifndef PIPORT_RECORDS_H
#define PIPORT_RECORDS_H

#include <stddef.h>

/// What one line of text input holds.
typedef enum {
    LINE_RECORD, ///< a record: `arity` numbers in out[]
    LINE_SKIP,   ///< blank or comment only
    LINE_BAD     ///< malformed: *why says how
} line_kind;

/*
 * A record is `arity` numbers separated by whitespace and/or one comma; '#'
 * starts a comment to the end of the line; a trailing '\r' is ignored.
 * Numbers are what strtod reads in the C locale; a value that overflows a
 * double (1e400) is refused, one that underflows becomes 0 or a subnormal.
 * inf and nan are read here; `map` refuses them with records_check_finite
 * unless --allow-nonfinite is given.
 */

/// Parse line[0..len) (no newline) into out[0..arity); why gets a reason for LINE_BAD.
line_kind records_parse_line(const char *line, size_t len, int arity, double *out,
                             char *why, size_t whylen);

/// NULL if the record's `arity` values are all finite, else the reason (nan or inf).
const char *records_check_finite(const double *rec, int arity);

/// NULL if fmt is a safe printf format for exactly one double (e.g. "%.17g"), else why not.
const char *records_check_format(const char *fmt);

#endif
