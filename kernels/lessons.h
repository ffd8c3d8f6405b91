/* lessons.h - the small computations of the workshop's process lessons: tasks, seeded delays, queue data. */
#ifndef PIPORT_LESSONS_H
#define PIPORT_LESSONS_H

#include <stddef.h>
#include <stdint.h>

/// A function a process runs in the Process lesson (the seeds' doubler, square and cube).
typedef struct {
    const char *name;                   ///< --task name
    const char *verb;                   ///< for "5 doubled to 10"
    int (*fn)(int64_t x, int64_t *y);   ///< y = f(x); 0 ok, 1 overflow (y unset)
} lesson_task;

/// The task called name, or NULL.
const lesson_task *lesson_task_find(const char *name);

/// The task names, comma separated ("double, square, cube").
const char *lesson_task_names(void);

/// The doubler lesson's number for worker w: 5, 10, 15, ... (5 * (w + 1)).
int64_t lesson_doubler_input(int64_t w);

/// Queue lesson: the value of task i, the seed's data 2, 4, 6, 3, 5, 8, 9, 7, then +10 per round.
int64_t lesson_queue_value(int64_t i);

/// Queue lesson: how long task i takes, 1 to 3 units, seeded (the seed's random.randint(1, 3)).
int lesson_queue_units(uint64_t seed, int64_t i);

/// Reverse n integers in place (the Manager lesson's l.reverse()).
void lesson_reverse(int64_t *a, size_t n);

/// Sleep for `seconds` (>= 0), resuming after signals.
void lesson_sleep(double seconds);

#endif
