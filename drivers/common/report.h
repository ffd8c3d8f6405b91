/* report.h - run records: one JSON object per run with build provenance, and shared text output. */
#ifndef PIPORT_REPORT_H
#define PIPORT_REPORT_H

#include <stdint.h>
#include <stdio.h>

/// A JSON object being written to a stream, one key at a time.
typedef struct {
    FILE *f;       ///< destination
    int items;     ///< keys written at the current nesting level (for commas)
    int depth;     ///< open nested objects and arrays
    int outer[8];  ///< items of the enclosing levels
} json_out;

/// Open the top-level object.
void json_begin(json_out *j, FILE *f);

/// Close the top-level object and end the line.
void json_end(json_out *j);

/// Open a nested object under key.
void json_begin_obj(json_out *j, const char *key);

/// Close the nested object.
void json_end_obj(json_out *j);

/// Open an array under key.
void json_begin_array(json_out *j, const char *key);

/// Open an object as the next element of the open array.
void json_begin_element(json_out *j);

/// Close the array element.
void json_end_element(json_out *j);

/// Close the array.
void json_end_array(json_out *j);

/// An integer as the next element of the open array.
void json_elem_int(json_out *j, int64_t val);

/// A double (%.17g, null if not finite) as the next element of the open array.
void json_elem_num(json_out *j, double val);

/// A string value (escaped).
void json_str(json_out *j, const char *key, const char *val);

/// A signed integer value.
void json_int(json_out *j, const char *key, int64_t val);

/// An unsigned integer value.
void json_u64(json_out *j, const char *key, uint64_t val);

/// A JSON true/false.
void json_bool(json_out *j, const char *key, int val);

/// A double printed with %.17g (round-trip exact); null if not finite.
void json_num(json_out *j, const char *key, double val);

/// The "build" object: release, compiler and version, CFLAGS, MPI library, git commit.
void json_build(json_out *j);

/// `PROG --version`: the release and the build (git, compilers, flags, MPI) to standard
/// output, without starting MPI (report_finish_stdout says whether it was written).
void report_version(const char *prog);

/// Write text (and a newline if newline) to standard output, after what stdio holds, with
/// write(2): bulk output.  0, or -1 with the reason kept for report_finish_stdout.
int report_write_stdout(const char *text, int newline);

/// At the end: flush standard output; 0, or 1 after "PROG: cannot write standard output:
/// reason" on stderr (the first failure's reason, from stdio or report_write_stdout).
int report_finish_stdout(const char *prog);

/// |x - pi| with pi held to about 107 bits, so the error of x itself is what shows.
double pi_abs_error(double x);

/// Median of n values (sorts a copy; n <= 64 is plenty for --repeat).
double median_of(const double *v, int n);

#endif
