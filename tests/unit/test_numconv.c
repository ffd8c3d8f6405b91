/* test_numconv.c - numconv's fast paths (fast_float, Dragonbox) against their strtod/printf references and Python's repr. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numconv.h"
#include "records.h"
#include "tap.h"

/// xorshift64*: reproducible random bits.
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

/// Same bits (or both nan of the same sign)?
static int same(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b) && signbit(a) == signbit(b);
    return memcmp(&a, &b, sizeof a) == 0;
}

/// Does the fast parser read s exactly as strtod does (end, value, overflow)?
static int parse_agrees(const char *s)
{
    const size_t n = strlen(s);
    const numconv_read f = numconv_parse(s, s + n), r = numconv_parse_ref(s, s + n);
    const int good = f.end == r.end && f.overflow == r.overflow && (f.end == s || same(f.value, r.value));
    if (!good)
        tap_diag("'%s': fast end %td %a ovf %d, strtod end %td %a ovf %d", s, f.end - s, f.value,
                 f.overflow, r.end - s, r.value, r.overflow);
    return good;
}

/// A random double of any magnitude: random bits, non-finite ones redrawn.
static double any_double(uint64_t *s)
{
    for (;;) {
        uint64_t b = rnd(s);
        double v;
        memcpy(&v, &b, sizeof v);
        if (isfinite(v))
            return v;
    }
}

/// Random texts of every form strtod knows; 1 if every one reads the same.
static int random_texts(int count)
{
    uint64_t s = 88172645463325252ULL;
    char buf[600];
    int good = 1;
    for (int i = 0; i < count && good; i++) {
        const double v = any_double(&s);
        const int prec = (int)(rnd(&s) % 30);
        switch (rnd(&s) % 6) {
        case 0: snprintf(buf, sizeof buf, "%.*e", prec, v); break;
        case 1: snprintf(buf, sizeof buf, "%.*g", prec, v); break;
        case 2: snprintf(buf, sizeof buf, "%a", v); break;
        case 3: snprintf(buf, sizeof buf, "+%.*e", prec, fabs(v)); break;
        case 4: snprintf(buf, sizeof buf, "%.*f", prec % 8, v); break;
        default: {                       /* long digit strings, exponents far out of range */
            int k = 0, digits = 1 + (int)(rnd(&s) % 500);
            buf[k++] = rnd(&s) % 2 ? '-' : '+';
            for (int d = 0; d < digits; d++)
                buf[k++] = d == 3 ? '.' : (char)('0' + rnd(&s) % 10);
            snprintf(buf + k, sizeof buf - (size_t)k, "e%d", (int)(rnd(&s) % 1400) - 700);
        }
        }
        good &= parse_agrees(buf);
    }
    return good;
}

/// Python's repr of each literal value, and the edge cases of the layout.
static int known_reprs(void)
{
    static const struct { double v; const char *repr; } cases[] = {
        {1e16, "1e+16"}, {1e15, "1000000000000000.0"}, {1e-5, "1e-05"}, {1e-4, "0.0001"},
        {-0.0, "-0.0"}, {0.0, "0.0"}, {3.0, "3.0"}, {0.1, "0.1"}, {-2.5, "-2.5"},
        {5e-324, "5e-324"}, {2.2250738585072014e-308, "2.2250738585072014e-308"},
        {1.7976931348623157e308, "1.7976931348623157e+308"}, {123456789012345680.0, "1.2345678901234568e+17"},
        {9007199254740993.0, "9007199254740992.0"}, {1.5e-7, "1.5e-07"}, {1e22, "1e+22"},
        {5.075982555357379, "5.075982555357379"}, {0.3, "0.3"}, {100.0, "100.0"}, {1234.5, "1234.5"},
        {INFINITY, "inf"}, {-INFINITY, "-inf"}, {NAN, "nan"}, {-NAN, "-nan"},
    };
    int good = 1;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char a[NUMCONV_REPR_MAX + 1], b[NUMCONV_REPR_MAX + 1];
        a[numconv_repr(cases[i].v, a)] = '\0';
        b[numconv_repr_ref(cases[i].v, b)] = '\0';
        if (strcmp(a, cases[i].repr) || strcmp(b, cases[i].repr)) {
            tap_diag("repr %a: fast '%s', reference '%s', Python '%s'", cases[i].v, a, b, cases[i].repr);
            good = 0;
        }
    }
    return good;
}

/// Fast and reference repr agree and read back bit for bit, for random doubles of any magnitude.
static int random_reprs(int count, int *exact)
{
    uint64_t s = 0x9E3779B97F4A7C15ULL;
    int good = 1;
    *exact = 1;
    for (int i = 0; i < count; i++) {
        const double v = i % 3 ? any_double(&s) : ldexp(1.0, (int)(rnd(&s) % 2098) - 1074);
        char a[NUMCONV_REPR_MAX + 1], b[NUMCONV_REPR_MAX + 1];
        a[numconv_repr(v, a)] = '\0';
        b[numconv_repr_ref(v, b)] = '\0';
        if (strcmp(a, b) && good) {
            tap_diag("repr %a: fast '%s', reference '%s'", v, a, b);
            good = 0;
        }
        const numconv_read r = numconv_parse(a, a + strlen(a));
        *exact &= same(r.value, v) && *r.end == '\0';
    }
    return good;
}

int main(void)
{
    static const char *edges[] = {
        "1e400", "-1e400", "1.7976931348623159e308", "1.7976931348623158e308", "1e-400", "-1e-400",
        "2.4703282292062327e-324", "2.4703282292062328e-324", "5e-324", "1e-310", "+1.5", "+-1",
        "-+1", "++1", "--1", "+", "-", "", ".", ".e1", "1e", "1e+", "1.", ".5", "0x", "-0x", "0x.",
        "0x1p3", "0X1.8P-3", "-0x1.fffffffffffffp1023", "0x1p-1075", "0x1p99999", "0xg", "0x.8",
        "inf", "-inf", "+inf", "INF", "Infinity", "infinit", "in", "nan", "-nan", "+NaN", "nan(123)",
        "nan(1-2)", "nan(", "nAn(abc_1)", "1,2", "1 2", "12abc", "0001", "-0", "1e0000000000000001",
        "1e-99999999999999999999", "123456789012345678901234567890",
    };
    int good = 1;
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        good &= parse_agrees(edges[i]);
    tap_ok(good, "fast_float reads %zu edge cases (sign, hex, inf/nan, range) as strtod does",
           sizeof edges / sizeof edges[0]);
    tap_ok(random_texts(300000), "300000 random texts (%%e %%g %%a %%f, '+', 500 digits, far exponents) read as strtod reads them");
    tap_ok(known_reprs(), "repr layout: 1e+16, 1e-05, -0.0, 3.0, 5e-324, inf, nan ... as Python writes them");
    int exact;
    tap_ok(random_reprs(300000, &exact), "300000 random doubles (and powers of 2): Dragonbox repr equals the printf reference");
    tap_ok(exact, "... and every repr reads back to the bit-identical double");

    /* records: a 65536-byte record, and as many columns as fit */
    char *line = malloc(65537);
    memset(line, ' ', 65536);
    memcpy(line, "1.5", 3);
    memcpy(line + 65536 - 5, "2.25", 4);
    double rec[2];
    char why[160];
    line_kind k = records_parse_line(line, 65536, 2, rec, why, sizeof why);
    tap_ok(k == LINE_RECORD && rec[0] == 1.5 && rec[1] == 2.25, "a 65536-byte record of 2 columns parses");
    for (int c = 0; c < 65536 / 2; c++)
        memcpy(line + 2 * c, "7 ", 2);
    k = records_parse_line(line, 65536, 1, rec, why, sizeof why);
    tap_ok(k == LINE_BAD && !strcmp(why, "expected 1 column, got 32768"), "32768 columns counted: %s", why);
    free(line);
    return tap_done();
}
