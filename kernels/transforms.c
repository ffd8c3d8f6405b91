/* transforms.c - element-wise transforms: celsius, fahrenheit, square, sqplus1, double, product, power, sleep. */
#include "transforms.h"

#include <math.h>
#include <string.h>
#include <time.h>

/* Each arithmetic transform is a plain loop the compiler vectorizes when stride == 1. */

static void celsius(const double *in, double *out, int64_t n, int64_t s)
{
    for (int64_t k = 0; k < n; k++)
        out[k * s] = (in[k * s] - 32.0) * (5.0 / 9.0);    /* the workshop's toCelsius */
}

static void fahrenheit(const double *in, double *out, int64_t n, int64_t s)
{
    for (int64_t k = 0; k < n; k++)
        out[k * s] = in[k * s] * (9.0 / 5.0) + 32.0;
}

static void square(const double *in, double *out, int64_t n, int64_t s)
{
    for (int64_t k = 0; k < n; k++)
        out[k * s] = in[k * s] * in[k * s];
}

static void sqplus1(const double *in, double *out, int64_t n, int64_t s)
{
    for (int64_t k = 0; k < n; k++)
        out[k * s] = in[k * s] * in[k * s] + 1.0;         /* the notebook's f(x) = x*x+1 */
}

static void twice(const double *in, double *out, int64_t n, int64_t s)
{
    for (int64_t k = 0; k < n; k++)
        out[k * s] = in[k * s] * 2.0;                     /* the notebook's doubler */
}

static void product(const double *in, double *out, int64_t n, int64_t s)
{
    for (int64_t k = 0; k < n; k++)
        out[k * s] = in[2 * k * s] * in[2 * k * s + 1];
}

static void power(const double *in, double *out, int64_t n, int64_t s)
{
    for (int64_t k = 0; k < n; k++)
        out[k * s] = pow(in[2 * k * s], in[2 * k * s + 1]);
}

static void sleep_for(const double *in, double *out, int64_t n, int64_t s)
{
    for (int64_t k = 0; k < n; k++) {
        const double x = in[k * s];
        struct timespec ts = {(time_t)x, (long)((x - floor(x)) * 1e9)};
        while (nanosleep(&ts, &ts) != 0)
            ;                                             /* resumed after a signal */
        out[k * s] = x;
    }
}

static const char *sleep_check(const double *record)
{
    return record[0] >= 0.0 && record[0] <= 3600.0 ? NULL
                                                   : "sleep takes 0 to 3600 seconds";
}

static const transform table[] = {
    {"celsius", 1, "Fahrenheit to Celsius, (x - 32) * 5/9 (the workshop's toCelsius)", celsius, NULL, 1},
    {"fahrenheit", 1, "Celsius to Fahrenheit, x * 9/5 + 32", fahrenheit, NULL, 1},
    {"square", 1, "x * x", square, NULL, 1},
    {"sqplus1", 1, "x * x + 1 (the notebook's Pool.map example)", sqplus1, NULL, 1},
    {"double", 1, "2 * x (the notebook's doubler)", twice, NULL, 1},
    {"product", 2, "a * b (the workshop's Pool.starmap example)", product, NULL, 1},
    {"power", 2, "x ^ n, C pow(x, n)", power, NULL, 0},
    {"sleep", 1, "waits x seconds (0..3600), returns x: the I/O-bound threads demo", sleep_for,
     sleep_check, 0},
    {NULL, 0, NULL, NULL, NULL, 0},
};

const transform *transform_find(const char *name)
{
    for (const transform *t = table; t->name; t++)
        if (!strcmp(t->name, name))
            return t;
    return NULL;
}

const transform *transform_table(void)
{
    return table;
}
