/* lessons.c - tasks, seeded task lengths, queue data and in-place reversal for the process lessons. */
#include "lessons.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>

static int twice(int64_t x, int64_t *y)
{
    return __builtin_mul_overflow(x, (int64_t)2, y);
}

static int square(int64_t x, int64_t *y)
{
    return __builtin_mul_overflow(x, x, y);
}

static int cube(int64_t x, int64_t *y)
{
    int64_t s;
    return __builtin_mul_overflow(x, x, &s) || __builtin_mul_overflow(s, x, y);
}

static const lesson_task tasks[] = {
    {"double", "doubled", twice},
    {"square", "squared", square},
    {"cube", "cubed", cube},
};

const lesson_task *lesson_task_find(const char *name)
{
    for (size_t i = 0; i < sizeof tasks / sizeof tasks[0]; i++)
        if (!strcmp(tasks[i].name, name))
            return &tasks[i];
    return NULL;
}

const char *lesson_task_names(void)
{
    return "double, square, cube";
}

int64_t lesson_doubler_input(int64_t w)
{
    return 5 * (w + 1);
}

int64_t lesson_queue_value(int64_t i)
{
    static const int64_t data[8] = {2, 4, 6, 3, 5, 8, 9, 7};   /* queue_order.py */
    return data[i % 8] + 10 * (i / 8);
}

/// SplitMix64's output function: a well-mixed 64-bit hash of x.
static uint64_t mix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15u;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
    return x ^ (x >> 31);
}

int lesson_queue_units(uint64_t seed, int64_t i)
{
    return 1 + (int)(mix64(mix64(seed) ^ (uint64_t)i) % 3);
}

void lesson_reverse(int64_t *a, size_t n)
{
    for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
        const int64_t t = a[i];
        a[i] = a[j - 1];
        a[j - 1] = t;
    }
}

void lesson_sleep(double seconds)
{
    long ns = (long)((seconds - floor(seconds)) * 1e9);
    struct timespec ts = {(time_t)seconds, ns < 999999999 ? ns : 999999999};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;                                   /* resumed after a signal: sleep the rest */
}
