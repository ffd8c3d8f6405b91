/* digits.h - what `pi bbp --digits` and `pi chudnovsky` share: -o, progress, memory refusal, check, report. */
#ifndef PIPORT_DIGITS_H
#define PIPORT_DIGITS_H

#include <stdint.h>

#include "outfile.h"
#include "pi.h"

/// --help lines both digit methods share, from --progress to the first line of --json.
#define DIGITS_HELP_OUTPUT                                                              \
    "  --progress      blocks done, elapsed and time left on stderr (shown anyway\n"      \
    "                  when stderr is a terminal)\n"                                     \
    "  -o FILE         write \"3.\" + N digits + newline to FILE (atomically);\n"        \
    "                  without it the same line goes to stdout, the report to stderr\n" \
    "  --threads T     OpenMP threads per rank (default OMP_NUM_THREADS, else 1)\n"      \
    "  --repeat R      time R runs, report best and median (default 1)\n"                \
    "  --json          one JSON object on stdout: digits, SHA-256 of the output\n"

/// What a decimal-digits method asks of the shared run.
typedef struct {
    const char *name;        ///< "bbp": messages say "pi bbp", the summary's method
    int64_t digits;          ///< N
    const char *digits_arg;  ///< --digits as given (messages), NULL: the default
    const char *out;         ///< -o FILE or NULL
    double memory_need;      ///< estimated peak bytes of one rank, 0: not checked
    int show_progress;       ///< rank 0 shows progress (set by digits_run)
    /// One timed run: fills the digits text (rank 0; NULL if uncertain) and what it reports.
    void (*compute)(void *job);
    /// The human line after the method's name ("binary splitting, 12 block(s), ...").
    void (*describe)(const void *job, char *buf, size_t len);
    /// The method's own JSON keys (algorithm, blocks, ...).
    void (*json_keys)(const void *job, json_out *j);
    char **text;             ///< where compute leaves "3." + digits (in the job)
    void *job;               ///< the method's run state
    int *failed;             ///< 1 on every rank once a run failed (said by par_fail), or NULL
} digits_spec;

/// Progress of rank 0's own blocks on stderr: blocks done, elapsed, time left by weight.
typedef struct {
    const char *name;   ///< method name in the lines
    int ranks;          ///< to say whose blocks these are
    int tty;            ///< stderr is a terminal: one line redrawn in place
    double t0, last;    ///< start, last line printed (s)
    double done_w, total_w; ///< work of rank 0's blocks done and in all
    int64_t done, mine, blocks; ///< rank 0's blocks done, rank 0's in all, every rank's
    double (*weight)(const void *plan, int64_t b); ///< work weight of block b
    const void *plan;
} digits_progress;

/// Start progress over `blocks` blocks, block b on worker b mod W, weighted by weight(plan, b).
void digits_progress_init(digits_progress *pr, const char *name, int64_t blocks,
                          double (*weight)(const void *plan, int64_t b), const void *plan,
                          const pi_layout *L);

/// After each block (any thread of rank 0): a line every 0.5 s on a terminal, else every 10 s.
void digits_progress_block(void *pr, int64_t b);

/// The last line, blocks done over the total.
void digits_progress_end(digits_progress *pr);

/// "12.3 GiB": bytes in binary units.
const char *digits_human_bytes(double b, char buf[32]);

/// attempt(job, extra) for extra = 0, 1, 2, 3 (more guard each time, in the never yet seen case
/// that the error interval straddles a digit) until rank 0 has its text or *failed (every rank
/// alike): the text on rank 0, else NULL.
char *digits_with_guard(char *(*attempt)(void *job, int extra), void *job, const int *failed,
                        const pi_layout *L);

/// The whole run of a decimal-digits method: memory check, -o prepared, timed compute, check,
/// publish, report.  0 pass, 1 failed, 2 usage (said), the same on every rank.
int digits_run(digits_spec *spec, const pi_common *c, const pi_layout *L, pi_summary *s);

#endif
