/* numconv.h - text <-> double for map: fast_float and Dragonbox (Debian's header libraries) behind a C interface, with strtod/printf references. */
#ifndef PIPORT_NUMCONV_H
#define PIPORT_NUMCONV_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Bytes numconv_repr may write: "-2.2250738585072014e-308" is 24, with room to spare.
enum { NUMCONV_REPR_MAX = 32 };

/// What one number's text read as.
typedef struct {
    const char *end; ///< one past the number read, or the start if there is none
    double value;    ///< the double strtod gives for the same text
    int overflow;    ///< 1: out of a double's range (strtod: +-HUGE_VAL with ERANGE)
} numconv_read;

/// Read a number at the start of [first, last) exactly as strtod does in the C locale (sign,
/// decimal, hex "0x1.8p3", inf/infinity/nan/nan(...), underflow to a subnormal or 0), but with
/// no leading white space and no NUL needed: fast_float (hex: std::from_chars), strtod only
/// for out-of-range.
numconv_read numconv_parse(const char *first, const char *last);

/// The reference: strtod on a NUL-terminated copy of [first, last).
numconv_read numconv_parse_ref(const char *first, const char *last);

/// Python's repr(v) into buf (NUMCONV_REPR_MAX bytes, no NUL): the shortest text that reads
/// back to v, laid out as repr does ("1e+16", "1e-05", "3.0", "-0.0"; "inf", "-inf", and
/// "nan"/"-nan" as printf writes them).  Returns the length.  Dragonbox's shortest digits inside.
size_t numconv_repr(double v, char *buf);

/// The reference: the fewest %.*e digits (1..17) that strtod reads back to v, same layout.
size_t numconv_repr_ref(double v, char *buf);

#ifdef __cplusplus
}
#endif

#endif
