/* workshop.h - what the `workshop` lessons share: options, who prints, helpers, the lesson table. */
#ifndef PIPORT_WORKSHOP_H
#define PIPORT_WORKSHOP_H

#include <getopt.h>
#include <stdint.h>

#include "report.h"

enum { WS_MSG = 512 };

/// Every lesson's options in one plain struct, zeroed before parsing, so that MPMD
/// applications can compare theirs byte for byte.
typedef struct {
    int json;                ///< --json: exactly one JSON object on stdout
    int threads;             ///< OpenMP threads per rank (lessons that use threads)
    char task[16];           ///< processes: the function this application runs
    int has_input;           ///< processes: --input given
    int64_t input;           ///< processes: every worker's number (--input)
    double scale;            ///< join-order, queue: seconds per unit of sleep
    uint64_t seed;           ///< queue: seed of the task lengths
    int64_t tasks;           ///< queue: number of tasks
    int64_t increments;      ///< counter: increments per worker
    unsigned variants;       ///< counter: bit i set = variant i runs
    int64_t length;          ///< shared: array length (elements)
    int64_t size_min;        ///< pingpong: smallest message, bytes
    int64_t size_max;        ///< pingpong: largest message, bytes (sizes double from size_min)
    int has_size;            ///< pingpong: --size given
    int sweep;               ///< pingpong: --sizes given
    int64_t iterations;      ///< pingpong: timed round trips per size
    int64_t warmup;          ///< pingpong: untimed round trips before each size
} ws_opts;

/// Who runs the lesson and who prints.
typedef struct {
    const char *lesson; ///< the lesson's name
    char prog[64];    ///< "workshop counter": the prefix of every message
    char msg[WS_MSG]; ///< a usage error's one line, held until the ranks agree
    int printer;      ///< 1 on the one process that prints (rank 0)
    int rank;         ///< this process's MPI rank
    int ranks;        ///< MPI world size
    int hosts;        ///< distinct hosts the ranks run on
} ws_ctx;

/// A lesson: options parsed before MPI starts, run after.
typedef struct {
    const char *name;                  ///< the LESSON argument
    const char *summary;               ///< one line for `workshop --help`
    const struct option *longopts;     ///< its own options, then WS_COMMON_LONGOPTS
    int threads_default;               ///< 0: no --threads; else threads when neither
                                       ///< --threads nor OMP_NUM_THREADS says
    void (*defaults)(ws_opts *o);      ///< option defaults
    void (*usage)(void);               ///< --help text on stdout
    /// Its own option `opt` with value `arg` (NULL if none): 0 taken, 2 error (ws_usage).
    int (*option)(ws_ctx *x, ws_opts *o, int opt, const char *arg);
    /// After every option: 0 run, 2 error (ws_usage); NULL if nothing to check.
    int (*check)(ws_ctx *x, const ws_opts *o);
    /// Run on every rank: 0 success, 1 runtime or self-check failure, 2 usage error (said).
    int (*run)(const ws_ctx *x, const ws_opts *o);
} ws_lesson;

/// Long options every lesson takes; ends with a zero entry, append after the lesson's own.
#define WS_COMMON_LONGOPTS \
    {"json", no_argument, 0, 'J'}, {"help", no_argument, 0, 'h'}, { 0, 0, 0, 0 }

/// The --threads option, for lessons with threads_default > 0.
#define WS_THREADS_LONGOPT {"threads", required_argument, 0, 'T'}

/// The lessons (drivers/workshop/processes.c, order.c, counter.c, shared.c, pingpong.c).
extern const ws_lesson ws_processes, ws_join_order, ws_queue, ws_counter, ws_shared,
    ws_pingpong;

/// Parse argv before MPI starts: the lesson into *L and its options into o (zeroed by the
/// caller).  0 run, 1 help or version shown, 2 usage error (its line in x->msg).
int ws_parse(ws_ctx *x, ws_opts *o, const ws_lesson **L, int argc, char **argv);

/// Hash of the verdict, the lesson and its options, --task and the thread count left out:
/// what every MPMD application must agree on.
uint64_t ws_signature(int verdict, const ws_lesson *L, const ws_opts *o);

/// Usage error found in argv: keep "prog: message" in x->msg (said once the ranks agree); 2.
int ws_usage(ws_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/// Option `name`'s value as a count in [min, max] (1e6 accepted exactly); 0 ok, 2 error.
int ws_count(ws_ctx *x, const char *name, const char *arg, int64_t min, int64_t max,
             int64_t *out);

/// Option `name`'s value as a number of seconds in [0, max]; 0 ok, 2 error.
int ws_seconds(ws_ctx *x, const char *name, const char *arg, double max, double *out);

/// Usage error only known after MPI started, decided alike on every rank: rank 0 says it; 2.
int ws_refuse(const ws_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/// Every rank must run the same number of threads: 0 if so, else 2 (said).
int ws_same_threads(const ws_ctx *x, const ws_opts *o);

/// Self-check verdict, decided alike on every rank: 0 if pass, else 1 and rank 0 says what failed.
int ws_verdict(const ws_ctx *x, int pass, const char *what);

/// Seconds on a clock every process of one host shares (CLOCK_MONOTONIC).
double ws_now(void);

/// Open the lesson's JSON object on stdout with its "lesson" key.
void ws_json_begin(json_out *j, const ws_ctx *x);

/// Add the "build" provenance and close the JSON object.
void ws_json_end(json_out *j);

/// Print n integers as "[a, b, c]" (at most `show` of them: the first and last halves, "...").
void ws_print_list(const int64_t *v, int64_t n, int64_t show);

#endif
