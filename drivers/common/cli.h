/* cli.h - strict command-line value parsing shared by the drivers (pure C, no MPI). */
#ifndef PIPORT_CLI_H
#define PIPORT_CLI_H

#include <stdint.h>

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

#endif
