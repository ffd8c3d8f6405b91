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
 * Numbers are what strtod reads in the C locale (so inf and nan are accepted
 * and pass through the transforms as IEEE arithmetic does).
 */

/// Parse line[0..len) (no newline) into out[0..arity); why gets a reason for LINE_BAD.
line_kind records_parse_line(const char *line, size_t len, int arity, double *out,
                             char *why, size_t whylen);

/// NULL if fmt is a safe printf format for exactly one double (e.g. "%.17g"), else why not.
const char *records_check_format(const char *fmt);

#endif
