/* fixedpoint.h - exact integer accumulators and their one correctly rounded conversion to double. */
#ifndef PIPORT_FIXEDPOINT_H
#define PIPORT_FIXEDPOINT_H

#include <stdint.h>

/// Unsigned 128-bit integer: the exact, order-independent accumulator type.
typedef unsigned __int128 fx_u128;

/// num / (den * 2^e) rounded to the nearest double (ties to even); den > 0.
double fx_ratio(fx_u128 num, uint64_t den, int e);

#endif
