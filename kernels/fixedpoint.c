/* fixedpoint.c - correctly rounded conversion of an exact 128-bit ratio to double. */
#include "fixedpoint.h"

#include <math.h>

double fx_ratio(fx_u128 num, uint64_t den, int e)
{
    const fx_u128 lo = (fx_u128)1 << 62, hi = (fx_u128)1 << 63;
    fx_u128 q = num / den, r = num % den;  /* value = (q + r/den) * 2^-e */
    int shift = 0, sticky = 0;

    if (num == 0)
        return 0.0;
    while (q >= hi) {                      /* too many bits: fold into sticky */
        sticky |= (int)(q & 1) | (r != 0);
        r = 0;
        q >>= 1;
        shift++;
    }
    while (q < lo) {                       /* too few: long division, bit by bit */
        r <<= 1;
        q = (q << 1) | (r >= den);
        if (r >= den)
            r -= den;
        shift--;
    }
    sticky |= (r != 0);
    /* q has 63 bits; the conversion keeps 53 and rounds at bit 9, so a
     * sticky bit in bit 0 decides ties exactly as the infinite tail would. */
    return ldexp((double)(uint64_t)(q | (fx_u128)sticky), shift - e);
}
