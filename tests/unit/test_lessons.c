/* test_lessons.c - the process lessons' kernels: counters exact (or never above), tasks, queue data, reversal. */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "counter.h"
#include "lessons.h"
#include "tap.h"

static void counters(void)
{
    const int64_t ns[] = {1, 7, 100000};
    for (int t = 1; t <= 4; t++)
        for (int k = 0; k < 3; k++) {
            const int64_t n = ns[k];
            const uint64_t want = (uint64_t)n * (uint64_t)t;
            tap_ok(counter_ref(n, t) == want, "reference: %d threads x %lld = %llu", t,
                   (long long)n, (unsigned long long)want);
            tap_ok(counter_lock(n, t) == want, "lock: %d threads x %lld exact", t, (long long)n);
            tap_ok(counter_atomic(n, t) == want, "atomic: %d threads x %lld exact", t,
                   (long long)n);
            const uint64_t u = counter_unsafe(n, t);
            tap_ok(u <= want && u >= 1, "unsafe: %d threads x %lld: %llu, never above %llu", t,
                   (long long)n, (unsigned long long)u, (unsigned long long)want);
        }
    tap_ok(counter_unsafe(1000000, 1) == 1000000, "unsafe with one thread loses nothing");
}

static void tasks(void)
{
    int64_t y = 0;
    const lesson_task *d = lesson_task_find("double"), *s = lesson_task_find("square"),
                      *c = lesson_task_find("cube");
    tap_ok(d && s && c && !lesson_task_find("quad") && !lesson_task_find(""),
           "tasks double, square, cube found; others not");
    tap_ok(d && d->fn(5, &y) == 0 && y == 10 && !strcmp(d->verb, "doubled"), "5 doubled to 10");
    tap_ok(s && s->fn(7, &y) == 0 && y == 49, "7 squared to 49");
    tap_ok(c && c->fn(7, &y) == 0 && y == 343, "7 cubed to 343");
    tap_ok(c && c->fn(1000000, &y) == 0 && y == 1000000000000000000, "1e6 cubed exactly");
    tap_ok(c && c->fn(3000000, &y) == 1, "3e6 cubed overflows 64 bits: reported, not wrapped");
    tap_ok(s && s->fn(INT64_MAX, &y) == 1 && d->fn(INT64_MAX, &y) == 1,
           "square and double of INT64_MAX overflow");
    tap_ok(lesson_doubler_input(0) == 5 && lesson_doubler_input(4) == 25,
           "the doubler's numbers 5, 10, ..., 25");
}

static void queue_data(void)
{
    const int64_t seed_data[8] = {2, 4, 6, 3, 5, 8, 9, 7};
    int same = 1, counts[4] = {0}, differs = 0;
    for (int i = 0; i < 8; i++)
        same &= lesson_queue_value(i) == seed_data[i];
    tap_ok(same && lesson_queue_value(8) == 12 && lesson_queue_value(15) == 17,
           "queue values: queue_order.py's data, then +10 per round");
    for (int64_t i = 0; i < 3000; i++) {
        const int u = lesson_queue_units(1, i);
        if (u < 1 || u > 3)
            counts[0]++;
        else
            counts[u]++;
        differs |= u != lesson_queue_units(2, i);
    }
    tap_ok(counts[0] == 0 && counts[1] > 900 && counts[2] > 900 && counts[3] > 900,
           "task lengths 1..3, each about a third (%d %d %d)", counts[1], counts[2], counts[3]);
    tap_ok(lesson_queue_units(7, 5) == lesson_queue_units(7, 5) && differs,
           "task lengths: same seed same lengths, another seed others");
}

static void reverse(void)
{
    int64_t a[5] = {0, 1, 2, 3, 4}, b[2] = {1, 2}, c[1] = {9};
    lesson_reverse(a, 5);
    lesson_reverse(b, 2);
    lesson_reverse(c, 1);
    lesson_reverse(NULL, 0);
    tap_ok(a[0] == 4 && a[1] == 3 && a[2] == 2 && a[3] == 1 && a[4] == 0 && b[0] == 2 &&
           b[1] == 1 && c[0] == 9, "reverse in place: odd, even, one, empty");
}

static void sleeping(void)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    lesson_sleep(0.02);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    const double dt = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    tap_ok(dt >= 0.02, "lesson_sleep sleeps at least what it is asked (%.4f s)", dt);
}

int main(void)
{
    counters();
    tasks();
    queue_data();
    reverse();
    sleeping();
    return tap_done();
}
