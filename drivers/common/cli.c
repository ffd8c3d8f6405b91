/* cli.c - strict parsing of counts (1e9, 2.5e8, 1000000000) and integers for the drivers. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Significant digits kept exactly; 10^38 < 2^127. */
enum { MAX_DIGITS = 38 };

const char *cli_parse_count(const char *s, int64_t min, int64_t max, int64_t *out)
{
    unsigned __int128 mant = 0;
    int ndig = 0, scale = 0, any = 0; /* value = mant * 10^scale */
    long exp10 = 0;
    const char *p = s;

    if (!s || !*s)
        return "empty value";
    if (*p == '-')
        return min > 0 ? "must be positive" : "must not be negative";
    if (*p == '+')
        p++;
    for (int frac = 0;; p++) {
        if (*p == '.' && !frac) {
            frac = 1;
            continue;
        }
        if (!isdigit((unsigned char)*p))
            break;
        any = 1;
        if (mant == 0 && *p == '0') {      /* leading zero: no significance */
            scale -= frac;
            continue;
        }
        if (ndig < MAX_DIGITS) {
            mant = mant * 10 + (unsigned)(*p - '0');
            ndig++;
            scale -= frac;
        } else if (*p != '0') {
            return "too many significant digits";
        } else {
            scale += !frac;                /* a dropped zero before the point */
        }
    }
    if (!any)
        return "not a number";
    if (*p == 'e' || *p == 'E') {
        int neg = 0, edig = 0;
        p++;
        if (*p == '+' || *p == '-')
            neg = *p++ == '-';
        for (; isdigit((unsigned char)*p); p++, edig++)
            if (exp10 < 100000)
                exp10 = exp10 * 10 + (*p - '0');
        if (!edig)
            return "not a number (bad exponent)";
        if (neg)
            exp10 = -exp10;
    }
    if (*p)
        return "not a number";
    if (mant == 0) {
        if (min > 0)
            return "must be positive";
        *out = 0;
        return NULL;
    }
    exp10 += scale;
    while (exp10 < 0) {                   /* 2.5e8: drop exact trailing zeros */
        if (mant % 10)
            return "not a whole number";
        mant /= 10;
        exp10++;
    }
    for (; exp10 > 0; exp10--) {
        if (mant > (unsigned __int128)max)
            break;
        mant *= 10;
    }
    if (exp10 > 0 || mant > (unsigned __int128)max)
        return "too large";
    if ((int64_t)mant < min)
        return "too small";
    *out = (int64_t)mant;
    return NULL;
}

const char *cli_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    int base = 10;

    if (!s || !*s)
        return "empty value";
    if (*s == '-')
        return "must not be negative";
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        base = 16;
    if (!isxdigit((unsigned char)s[base == 16 ? 2 : 0]))
        return "not an integer";
    errno = 0;
    *out = strtoull(s, &end, base);
    if (*end)
        return "not an integer";
    if (errno == ERANGE)
        return "too large (above 2^64-1)";
    return NULL;
}

const char *cli_env_threads(int max, int *out)
{
    return cli_threads_value(getenv("OMP_NUM_THREADS"), max, out);
}

const char *cli_threads_value(const char *env, int max, int *out)
{
    char first[32];
    int64_t v;
    size_t len;

    *out = 1;
    if (!env || !*env)
        return NULL;
    env += strspn(env, " \t");             /* libgomp allows spaces around */
    len = strcspn(env, ",");               /* "4,2" (nested levels): take 4 */
    if (len >= sizeof first)
        return "not a number";
    memcpy(first, env, len);
    while (len && (first[len - 1] == ' ' || first[len - 1] == '\t'))
        len--;
    first[len] = '\0';
    const char *why = cli_parse_count(first, 1, max, &v);
    if (!why)
        *out = (int)v;
    return why;
}
