/* test_transforms.c - every transform against expected values; text record parsing; format checks. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "records.h"
#include "tap.h"
#include "transforms.h"

/// Apply transform `name` to n records, both with stride 1 and every other record (stride 2).
static int check(const char *name, const double *in, const double *want, int n)
{
    const transform *t = transform_find(name);
    double out[16], in2[32], out2[32];
    if (!t || n > 16)
        return 0;
    t->fn(in, out, n, 1);
    int good = 1;
    for (int k = 0; k < n; k++)
        good &= out[k] == want[k] || (isnan(out[k]) && isnan(want[k]));
    /* stride 2: records 0, 2, 4 ... of an interleaved copy */
    for (int k = 0; k < n; k++)
        for (int c = 0; c < t->arity; c++) {
            in2[(2 * k) * t->arity + c] = in[k * t->arity + c];
            in2[(2 * k + 1) * t->arity + c] = -999;
        }
    t->fn(in2, out2, n, 2);
    for (int k = 0; k < n; k++)
        good &= out2[2 * k] == out[k] || (isnan(out[k]) && isnan(out2[2 * k]));
    return good;
}

int main(void)
{
    const double f[] = {32, 212, -40, 98.6, INFINITY};
    const double c[] = {0, 100, -40, (98.6 - 32) * (5.0 / 9.0), INFINITY};
    tap_ok(check("celsius", f, c, 5), "celsius: 32 -> 0, 212 -> 100, -40 -> -40, inf -> inf");
    const double c2[] = {0, 100, -40, 37, -273.15};
    const double f2[] = {32, 212, -40, 37 * (9.0 / 5.0) + 32, -273.15 * (9.0 / 5.0) + 32};
    tap_ok(check("fahrenheit", c2, f2, 5), "fahrenheit: 0 -> 32, 100 -> 212, -40 -> -40");
    const double x[] = {0, 1, 2, -3, 0.5, NAN};
    const double sq[] = {0, 1, 4, 9, 0.25, NAN}, sq1[] = {1, 2, 5, 10, 1.25, NAN};
    const double dbl[] = {0, 2, 4, -6, 1, NAN};
    tap_ok(check("square", x, sq, 6), "square");
    tap_ok(check("sqplus1", x, sq1, 6), "sqplus1 (the notebook's 0..7 -> 1 2 5 10 ...)");
    tap_ok(check("double", x, dbl, 6), "double");
    const double pairs[] = {1, 2, 3, 4, -2.5, 2, 1e300, 1e10};
    const double prod[] = {2, 12, -5, INFINITY};
    tap_ok(check("product", pairs, prod, 4), "product: a*b, overflow to inf");
    const double pw[] = {2, 10, 9, 0.5, -2, 3, 0, 0};
    const double pwr[] = {1024, 3, -8, 1};
    tap_ok(check("power", pw, pwr, 4), "power: 2^10, 9^0.5, (-2)^3, 0^0");
    const double d[] = {0.05, 0};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    tap_ok(check("sleep", d, d, 2), "sleep returns its input");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    const double dt = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    tap_ok(dt >= 0.099, "sleep waits: 2 passes of 0.05 s took %.3f s", dt);
    const transform *s = transform_find("sleep");
    const double bad[] = {-1, 3601, NAN, INFINITY}, good = 3600;
    int refused = 1;
    for (int k = 0; k < 4; k++)
        refused &= s->check(&bad[k]) != NULL;
    tap_ok(refused && !s->check(&good), "sleep refuses -1, 3601, nan, inf; accepts 3600");

    int n = 0, arity_ok = 1;
    for (const transform *t = transform_table(); t->name; t++, n++)
        arity_ok &= (t->arity == 2) == (!strcmp(t->name, "product") || !strcmp(t->name, "power"));
    tap_ok(n == 8 && arity_ok && !transform_find("cube"), "8 transforms, product and power take 2");

    /* text records */
    static const struct {
        const char *line;
        int arity;
        line_kind kind;
        double a, b;
        const char *why;
    } lines[] = {
        {"3.5", 1, LINE_RECORD, 3.5, 0, NULL},
        {"  -2e3  ", 1, LINE_RECORD, -2000, 0, NULL},
        {"1 2", 2, LINE_RECORD, 1, 2, NULL},
        {"1,2", 2, LINE_RECORD, 1, 2, NULL},
        {"1 , 2\r", 2, LINE_RECORD, 1, 2, NULL},
        {"1\t2 # pair", 2, LINE_RECORD, 1, 2, NULL},
        {"inf -inf", 2, LINE_RECORD, INFINITY, -INFINITY, NULL},
        {"", 1, LINE_SKIP, 0, 0, NULL},
        {"   \r", 1, LINE_SKIP, 0, 0, NULL},
        {"# comment", 1, LINE_SKIP, 0, 0, NULL},
        {"abc", 1, LINE_BAD, 0, 0, "not a number 'abc' (column 1)"},
        {"1 2", 1, LINE_BAD, 0, 0, "expected 1 column, got 2"},
        {"1", 2, LINE_BAD, 0, 0, "expected 2 columns, got 1"},
        {"1,,2", 2, LINE_BAD, 0, 0, "empty field (column 2)"},
        {"1,", 1, LINE_BAD, 0, 0, "empty field (column 2)"},
        {"12x", 1, LINE_BAD, 0, 0, "not a number '12x' (column 1)"},
        {"1 2x", 2, LINE_BAD, 0, 0, "not a number '2x' (column 2)"},
        {"1e400", 1, LINE_BAD, 0, 0, "out of range for a double '1e400' (column 1)"},
        {"1 -1e400", 2, LINE_BAD, 0, 0, "out of range for a double '-1e400' (column 2)"},
        {"1e-400", 1, LINE_RECORD, 0, 0, NULL},
        {"4e-320", 1, LINE_RECORD, 4e-320, 0, NULL},
        {"1.7976931348623157e308", 1, LINE_RECORD, 1.7976931348623157e308, 0, NULL},
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        double out[2] = {0, 0};
        char why[160] = "";
        const line_kind k = records_parse_line(lines[i].line, strlen(lines[i].line),
                                               lines[i].arity, out, why, sizeof why);
        int good = k == lines[i].kind;
        if (k == LINE_RECORD)
            good &= out[0] == lines[i].a && (lines[i].arity < 2 || out[1] == lines[i].b);
        if (k == LINE_BAD)
            good &= !strcmp(why, lines[i].why);
        tap_ok(good, "parse '%s' (arity %d): %s", lines[i].line, lines[i].arity,
               k == LINE_BAD ? why : k == LINE_SKIP ? "skipped" : "record");
    }
    /* %.17g round trip */
    int exact = 1;
    double v = 0.1;
    for (int i = 0; i < 10000; i++, v = v * 1.37 + 1e-7 * i) {
        char buf[64], why[8];
        double back;
        snprintf(buf, sizeof buf, "%.17g", v);
        exact &= records_parse_line(buf, strlen(buf), 1, &back, why, sizeof why) == LINE_RECORD &&
                 back == v;
    }
    tap_ok(exact, "10000 values: %%.17g text and back gives the same double");

    const double fin[] = {1, -2}, nan2[] = {1, NAN}, inf1[] = {-INFINITY};
    tap_ok(!records_check_finite(fin, 2) && records_check_finite(nan2, 2) &&
               strstr(records_check_finite(nan2, 2), "nan") && records_check_finite(inf1, 1) &&
               strstr(records_check_finite(inf1, 1), "inf"),
           "records_check_finite: 1 -2 fine; nan and -inf named");

    tap_ok(!records_check_format("%.17g") && !records_check_format("%10.3f C") &&
               !records_check_format("%a") && !records_check_format("%e%%"),
           "formats %%.17g, '%%10.3f C', %%a, %%e%%%% accepted");
    tap_ok(records_check_format("%s") && records_check_format("%d") &&
               records_check_format("%g %g") && records_check_format("no conversion") &&
               records_check_format("%n") && records_check_format("%*g") &&
               records_check_format("%g\n"),
           "formats %%s %%d '%%g %%g' none %%n %%*g and newline refused");
    tap_ok(!records_check_format("%100.100g") && records_check_format("%101g") &&
               records_check_format("%.101g") && records_check_format("%99999999999g") &&
               records_check_format("%.99999999999g"),
           "width and precision up to 100; 101 and 99999999999 refused");
    return tap_done();
}
