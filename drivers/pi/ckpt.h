/* ckpt.h - checkpoint and restart of long pi runs: layout-independent progress in a checksummed file. */
#ifndef PIPORT_CKPT_H
#define PIPORT_CKPT_H

#include <getopt.h>
#include <stdint.h>

#include "fixedpoint.h"
#include "outfile.h"
#include "pi.h"
#include "report.h"

/*
 * A checkpointed run walks the global indices 0..n-1 in consecutive segments of
 * CKPT_SEGMENT indices (the same for every n and layout), several segments per step; each
 * step's span is split over the workers by partialPi's rule.  The kernels' sums are exact
 * integers, so (segments done, exact total so far) is the whole state, and it is the same
 * whatever layout produced it: a run can resume on any ranks x threads layout and print
 * the uninterrupted run's result bit for bit.
 */

/// Indices per segment: the unit of saved progress.
#define CKPT_SEGMENT (INT64_C(1) << 20)

/// Exit status of a run stopped by a signal after saving its checkpoint (BSD's EX_TEMPFAIL).
enum { CKPT_EXIT_STOPPED = 75 };

/// The checkpoint options of a method.
typedef struct {
    char path[OUTFILE_PATH_MAX]; ///< --checkpoint FILE ("" = no checkpointing)
    double every;                ///< --checkpoint-every: seconds between saves (default 300)
    int every_given;             ///< 1 if --checkpoint-every was given
    int keep;                    ///< --keep-checkpoint: a finished run leaves its (final) file
} ckpt_opts;

/// The run a checkpoint belongs to: all of it must match to resume.
typedef struct {
    const char *method;    ///< "midpoint", "montecarlo", "bbp-hex"
    int64_t n;             ///< steps or darts
    uint64_t seed;         ///< Philox key (0 for a method without one)
    const char *generator; ///< "philox4x32-10", or "none"
    const char *kernel;    ///< "fast" or "ref"
    fx_u128 max_term;      ///< most one index adds to the total (a bound checked on reading)
    int mod_bits;          ///< 0: the total is an exact sum; else it is kept mod 2^mod_bits
                           ///< (bbp --hex-at: a 120-bit fraction mod 1), checked < 2^mod_bits
    const char *n_option;  ///< NULL: messages call n "n"; else the option the user gives it by
                           ///< ("--hex-at"), its value being n - n_offset
    int64_t n_offset;      ///< n minus n_option's value (bbp --hex-at D takes D + BBP_TAIL terms)
} ckpt_run_id;

/// This rank's exact sum over the global indices [lo, hi); every rank calls it together.
typedef fx_u128 (*ckpt_span_fn)(const void *ctx, int64_t lo, int64_t hi);

/// What a checkpointed run did, and what it holds until ckpt_finish (the caller owns it).
typedef struct {
    fx_u128 total;        ///< exact total over all n indices (every rank)
    int64_t resumed_from; ///< indices done before this run (0: a fresh start)
    int64_t computed;     ///< indices this run computed
    int saves;            ///< checkpoints this run wrote
    double seconds;       ///< wall time of this run's computing (slowest rank)
    outfile file;         ///< FILE resolved once (symlinks: the target is read, written and
                          ///< removed) and the temporary every save goes through, whose name
                          ///< every rank knows and removes if a signal stops it
    outfile_lock lock;    ///< rank 0: FILE's lock (FILE.lock), held until ckpt_finish
} ckpt_result;

/// Long options of the checkpoint; put them before PI_COMMON_LONGOPTS.
#define CKPT_LONGOPTS                                        \
    {"checkpoint", required_argument, 0, 0x101},             \
        {"checkpoint-every", required_argument, 0, 0x102},   \
        {"keep-checkpoint", no_argument, 0, 0x103}

/// Defaults before parsing (no checkpoint, every 300 s).
void ckpt_defaults(ckpt_opts *k);

/// Take option `opt` if it is a checkpoint option: 0 taken, 2 usage error (said), 1 not ours.
int ckpt_option(const pi_common *c, int opt, const char *arg, ckpt_opts *k);

/// After parsing: the combinations refused (--checkpoint-every without --checkpoint,
/// --repeat with it).  0 or 2 (said).  With --checkpoint, SIGINT, SIGTERM and SIGUSR1 only
/// ask the run to stop, also one that came before (stop_catch).
int ckpt_check(const pi_common *c, const ckpt_opts *k);

/// The checkpoint options' lines for a method's --help.
void ckpt_usage(void);

/// Run n indices through fn with checkpoints (collective).  Rank 0 locks FILE for this run
/// first.  0: done, r filled, FILE still locked (ckpt_finish); 75: stopped by a signal,
/// checkpoint saved, said; 1: a checkpoint could not be written (said, the previous one
/// intact); 2: FILE is another run's, in use by one, corrupt or truncated (said).  Same on
/// every rank.
int ckpt_run(const ckpt_opts *k, const ckpt_run_id *id, const pi_common *c, ckpt_span_fn fn,
             const void *ctx, ckpt_result *r);

/// Rank 0, the run done and reported: once standard output is written, remove the checkpoint
/// (what was written: a symlink's target; unless --keep-checkpoint; a warning if it cannot
/// be), then release FILE's lock.  Nothing without --checkpoint.
void ckpt_finish(const ckpt_opts *k, ckpt_result *r, const pi_common *c);

/// The report line about the checkpoint (text).
void ckpt_print(const ckpt_opts *k, const ckpt_result *r, int64_t n);

/// The "checkpoint" object of the JSON record.
void ckpt_json(json_out *j, const ckpt_opts *k, const ckpt_result *r);

#endif
