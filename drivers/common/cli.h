/* cli.h - the one option and usage engine of pi, map and workshop: options table, exact values, the one-line usage error (pure C, no MPI). */
#ifndef PIPORT_CLI_H
#define PIPORT_CLI_H

#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Parsers return NULL on success or a short reason ("not a whole number")
 * for the caller's one-line message; they never turn bad text into 0.
 */

/// A count in [min, max]: plain integer or exact scientific notation (1e9, 2.5e8).
const char *cli_parse_count(const char *s, int64_t min, int64_t max, int64_t *out);

/// An unsigned 64-bit integer (decimal or 0x hex), e.g. a seed.
const char *cli_parse_u64(const char *s, uint64_t *out);

/// Thread count default: OMP_NUM_THREADS (first entry of a list) if set, else 1.
const char *cli_env_threads(int max, int *out);

/// An OMP_NUM_THREADS value as cli_env_threads reads it (NULL or blank: 1); no getenv, so it
/// may run before the C library is set up (drivers/common/ompenv.c).
const char *cli_threads_value(const char *env, int max, int *out);

/// The programs' most OpenMP threads a rank (--threads, OMP_NUM_THREADS).
enum { CLI_MAX_THREADS = 4096 };

/// Who says a usage error and where its one line goes.
typedef struct {
    const char *prog; ///< "pi midpoint": the prefix of the line
    int printer;      ///< 1: this process prints (rank 0): help, version, errors
    int hold;         ///< 1: an error line is only kept in msg (said once the ranks agree)
    char *msg;        ///< if not NULL, the line is kept here too
    size_t len;       ///< bytes of msg
} cli_say;

/// The one usage-error line "PROG: message": kept in s->msg, on stderr from the printer
/// unless held; 2.
int cli_error(const cli_say *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/// cli_error with a va_list.
int cli_verror(const cli_say *s, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/// Option `name`'s value as a count in [min, max] (1e9 exactly); 0, or 2 after the line
/// "invalid NAME 'ARG': why" (with "(allowed MIN to MAX)" when out of range).
int cli_count(const cli_say *s, const char *name, const char *arg, int64_t min, int64_t max,
              int64_t *out);

/// Option `name`'s value as a number of seconds in [0, max]; 0, or 2 after its line.
int cli_seconds(const cli_say *s, const char *name, const char *arg, double max, double *out);

/// One program's (or subcommand's) options: its table and what the engine does with them.
/// The engine itself takes -h/--help ('h'), --version ('V'), --json ('J'), --threads ('T')
/// when the parser gives usage, version, json, threads; also a missing value and an unknown
/// option.  The rest go to `option`.
typedef struct {
    const char *shortopts;          ///< getopt's, starting with ':'
    const struct option *longopts;  ///< getopt_long's table, zero-ended
    void (*usage)(void);            ///< --help text on stdout
    void (*version)(const char *prog); ///< --version on stdout (if 'V' is in the table)
    const char *see;                ///< where an unknown option points ("--help")
    int *json;                      ///< set to 1 by --json
    int *threads;                   ///< --threads T into it (1..threads_max), or NULL
    int threads_max;                ///< the largest --threads
    int positionals;                ///< 1: words after the options are the caller's
    int next_word;                  ///< 1: an optional value may be the next word (--sizes 1:8)
    /// The caller's own option `opt` with value `arg` (NULL if none): 0 taken, 2 (said).
    int (*option)(void *state, int opt, const char *arg);
    void *state;                    ///< handed to option
} cli_parser;

/// Parse argv (argv[0] = the program or subcommand) with p: 0 ok (optind at the first
/// positional word), 1 help or version shown (by the printer), 2 usage error (said).
int cli_options(const cli_say *s, const cli_parser *p, int argc, char **argv);

/// `PROG -h|--help|--version` as the first word: shown by the printer (usage to stdout,
/// version through `version`) and 1; 0 if arg is not one of them.
int cli_top(const cli_say *s, const char *arg, void (*usage)(FILE *f),
            void (*version)(const char *prog));

#endif
