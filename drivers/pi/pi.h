/* pi.h - what every `pi` method shares: common options, layout, summary and the method table. */
#ifndef PIPORT_PI_H
#define PIPORT_PI_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <gmp.h>

#include "report.h"

/// The most --repeat (the most threads is CLI_MAX_THREADS).
enum { PI_MAX_REPEAT = 64 };

/// Options every method takes, and who prints.
typedef struct {
    char prog[64]; ///< "pi midpoint": the prefix of every message
    int json;      ///< 1: exactly one JSON object on stdout
    int quiet;     ///< 1: no report of its own (pi all tabulates summaries)
    int repeat;    ///< timed runs; best and median are reported
    int threads;   ///< OpenMP threads per rank
    int printer;   ///< 1 on the one process that prints (rank 0)
} pi_common;

/// Where the workers are: W = ranks * threads, worker = rank * threads + thread.
typedef struct {
    int rank;    ///< this process's MPI rank
    int ranks;   ///< MPI world size
    int threads; ///< OpenMP threads per rank
    int hosts;   ///< distinct hosts the ranks run on
    int cpus;    ///< fewest CPUs any rank may run on (affinity mask), -1 unknown
    int host_cpus;  ///< CPUs the ranks may run on, each host's counted once (union of masks)
    char host[256]; ///< rank 0's host name
} pi_layout;

/// One line of the summary table: what every method reports.
typedef struct {
    const char *method; ///< method name
    int64_t n;          ///< problem size
    const char *unit;   ///< what n counts: "steps", "samples", ...
    double pi;          ///< the estimate
    double abs_error;   ///< |pi - true pi|
    double error_bound; ///< what the method promises for abs_error
    double seconds;     ///< best wall time over the repeats
    double rate;        ///< n per second (best)
    int pass;           ///< 1 if abs_error <= error_bound
} pi_summary;

/// A pi method: options parsed before MPI starts, run after.
typedef struct {
    const char *name;    ///< subcommand
    const char *summary; ///< one line for `pi --help`
    size_t opts_size;    ///< bytes of the method's option struct
    /// Parse argv (argv[0] = method name) into opts: 0 ok, 2 usage error (said), -1 help shown.
    int (*parse)(int argc, char **argv, pi_common *c, void *opts);
    /// Run with parsed opts; fills *s, reports unless c->quiet; 0 pass, 1 check failed.
    int (*run)(const void *opts, const pi_common *c, const pi_layout *L, pi_summary *s);
} pi_method;

/// The midpoint-rule method (drivers/pi/midpoint.c).
extern const pi_method pi_midpoint_method;

/// The Monte Carlo method (drivers/pi/montecarlo.c).
extern const pi_method pi_montecarlo_method;

/// The BBP method (drivers/pi/bbp.c).
extern const pi_method pi_bbp_method;

/// The Chudnovsky method (drivers/pi/chudnovsky.c).
extern const pi_method pi_chudnovsky_method;

/// The methods `pi all` runs, NULL-ended (drivers/pi/method.c).
extern const pi_method *const pi_methods[];

/// `pi all`: every method at its default size, one table (drivers/pi/all.c).
extern const pi_method pi_all_command;

/// `pi layout`: where every rank and thread runs (drivers/pi/layout.c).
extern const pi_method pi_layout_command;

/// The method called name, NULL if none.
const pi_method *pi_find_method(const char *name);

/// `pi --help`'s text (and, on stderr, what `pi` alone says).
void pi_print_usage(FILE *f);

/// Parse everything after `pi`: the command (a method, all, layout), its options,
/// OMP_NUM_THREADS and PI_CHECK_SCALE.  0 ok, -1 help shown, 2 usage error (said), 1 out of
/// memory; the command into *m and its options (malloc'd) into *opts.
int pi_parse_command(pi_common *c, int argc, char **argv, const pi_method **m, void **opts);

/// Where the workers are, once MPI runs (collective); c->printer from the rank.
/// *same_threads 0 (said) if the ranks disagree on the thread count.
pi_layout pi_find_layout(pi_common *c, int *same_threads);

/// Long options every method accepts; ends with a zero entry, append after a method's own.
#define PI_COMMON_LONGOPTS                                                         \
    {"threads", required_argument, 0, 'T'}, {"repeat", required_argument, 0, 'R'}, \
        {"json", no_argument, 0, 'J'}, {"help", no_argument, 0, 'h'}, { 0, 0, 0, 0 }

/// Factor on every self-check bound: PI_CHECK_SCALE from the environment (default 1; 0 makes
/// every check fail, which is how the tests exercise the failure path).
double pi_check_scale(void);

/// PI_CHECK_SCALE into *v (1 if unset); NULL, or why it is refused.
const char *pi_check_scale_why(double *v);

/// Usage error: one line "prog: message" on stderr from the printer; returns 2.
int pi_usage_error(const pi_common *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/// A method's own option `opt` with value `arg` (NULL if none): 0 taken, 2 usage error (said).
typedef int (*pi_option_fn)(pi_common *c, int opt, const char *arg, void *state);

/// Parse argv (argv[0] = the method): the common options and -h here, the method's own through
/// `own`; no stray arguments.  0 ok, -1 help shown (`usage`), 2 usage error (said).
int pi_parse_options(pi_common *c, int argc, char **argv, const char *shortopts,
                     const struct option *longopts, void (*usage)(void), pi_option_fn own,
                     void *state);

/// Parse option value `arg` of `--name` as a count in [min, max]; 0 ok, 2 error (said).
int pi_parse_count(const pi_common *c, const char *name, const char *arg, int64_t min,
                   int64_t max, int64_t *out);

/// Timed runs: call fn(arg) c->repeat times between barriers; best and median of the slowest rank.
void pi_time(const pi_common *c, void (*fn)(void *), void *arg, double *best,
             double *median);

/// Human report lines every method shares: layout, timing, check verdict.
void pi_print_common(const pi_common *c, const pi_layout *L, const pi_summary *s,
                     double median);

/// Open a JSON object on stdout with the layout's keys: method, ranks, threads, workers, hosts.
void pi_json_open(json_out *j, const char *method, const pi_layout *L);

/// Open a method's JSON object on stdout with the keys every method shares: method, n,
/// ranks, threads, hosts, cpus, host, pi, ..., <unit>_per_second, check.
void pi_json_begin(json_out *j, const pi_common *c, const pi_layout *L, const pi_summary *s,
                   double median);

/// One message of up to 3 GMP integers (any sign) to or from rank `peer` under `tag`.
typedef struct {
    int peer;      ///< the other rank
    int tag;       ///< 0 <= tag < 8192, unique between two ranks in one exchange
    int n;         ///< integers in v
    mpz_ptr v[3];  ///< sent as they are, or received into (initialised)
} pi_mpz_msg;

/// Send every sends[i] and receive every recvs[i] at once (par_exchange_words underneath, the
/// sends posted first, so no order of the calls across ranks can deadlock).
void pi_exchange_mpz(const pi_mpz_msg *sends, int ns, pi_mpz_msg *recvs, int nr);

/// Collective: the exact sum of a non-negative GMP integer over all ranks into x on rank 0
/// (the others keep theirs).  0, or 1 on every rank (said) if rank 0 is out of memory.
int pi_sum_mpz_root(mpz_t x);

#endif
