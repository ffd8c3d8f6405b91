/* par.h - the one small module that wraps the MPI operations the drivers need. */
#ifndef PIPORT_PAR_H
#define PIPORT_PAR_H

#include <stddef.h>
#include <stdint.h>

#include <gmp.h>

#include "fixedpoint.h"

/// Rank this process gets, read from the launcher's environment before MPI_Init (0 if none).
int par_launch_rank(void);

/// Number of processes the launcher started (from its environment, before MPI_Init; 1 if none).
int par_launch_size(void);

/// A hash of the command line (FNV-1a over every argument and its terminating NUL).
uint64_t par_hash_args(int argc, char **argv);

/// The first collective of every program once MPI runs, four words whatever the program, so
/// that programs speaking different agreements after it never mismatch message sizes: do all
/// processes run the program named by prog's first word ("pi" of "pi midpoint")?  0 if so,
/// else 2 on every process after rank 0 said so once as "PROG: ..." (unless said: its error
/// line is out already).  The caller finalizes MPI.
int par_same_program(const char *prog, int said);

/// Start MPI and agree with every other process on the command line (args_hash) and on the
/// verdict of parsing it (0 run, 1 help shown, 2 usage error already said if this is rank 0).
/// 0: MPI runs and every rank runs the same command.  Otherwise the status every process exits with, MPI
/// finalized: the worst verdict, or 2 when the command lines differ (an MPMD launch with ':'),
/// said once by rank 0 as "PROG: ...".  A lone process with a bad verdict never starts MPI.
int par_start(int *argc, char ***argv, uint64_t args_hash, int verdict, const char *prog);

/// Start MPI (threads funneled); returns 0 or prints why on rank 0 and returns 1.
int par_init(int *argc, char ***argv);

/// Start MPI for a program that runs no OpenMP threads (MPI_THREAD_SINGLE: Open MPI 4.1's
/// point-to-point latency is lower than under FUNNELED); returns as par_init.
int par_init_single(int *argc, char ***argv);

/// Shut MPI down; safe to call if par_init was not.
void par_finalize(void);

/// This process's rank in the world.
int par_rank(void);

/// Number of ranks in the world.
int par_size(void);

/// Number of distinct hosts (shared-memory nodes) the ranks run on.
int par_hosts(void);

/// Exact sum of a 128-bit integer over all ranks, result on every rank (wraps mod 2^128).
fx_u128 par_sum_u128(fx_u128 local);

/// Sum of a 64-bit unsigned integer over all ranks, on every rank.
uint64_t par_sum_u64(uint64_t local);

/// Minimum of a signed 64-bit integer over all ranks, on every rank.
int64_t par_min_i64(int64_t local);

/// Sum of a signed 64-bit integer over all ranks, on every rank.
int64_t par_sum_i64(int64_t local);

/// Sum of n unsigned 64-bit integers element-wise over all ranks, in place, on every rank.
void par_sum_u64_array(uint64_t *v, int n);

/// Maximum of n signed 64-bit integers element-wise over all ranks, in place, on every rank.
void par_max_i64_array(int64_t *v, int n);

/// Exact sum of a non-negative GMP integer over all ranks, result on rank 0 (others keep theirs).
void par_sum_mpz_root(mpz_t x);

/// One message of up to 3 GMP integers (any sign) to or from rank `peer` under `tag`.
typedef struct {
    int peer;      ///< the other rank
    int tag;       ///< 0 <= tag < 8192, unique between two ranks in one exchange
    int n;         ///< integers in v
    mpz_ptr v[3];  ///< sent as they are, or received into (initialised)
} par_mpz_msg;

/// Send every sends[i] and receive every recvs[i] at once (the sends are posted first, so no
/// order of the calls across ranks can deadlock); returns when all are done.
void par_exchange_mpz(const par_mpz_msg *sends, int ns, par_mpz_msg *recvs, int nr);

/// Gather a fixed-size text of `len` bytes from every rank into all[rank * len] on rank 0.
void par_gather_text(const char *mine, size_t len, char *all);

/// Broadcast a text buffer of `len` bytes from rank 0.
void par_bcast_text(char *buf, size_t len);

/// This host's name.
void par_host_name(char *buf, size_t len);

/// The CPUs of this process's affinity mask as a list ("0-3,8"), into buf.
void par_affinity_list(char *buf, size_t len);

/// Broadcast an int from rank 0.
int par_bcast_int(int v);

/// Minimum and maximum of an int over all ranks, on every rank.
void par_minmax_int(int local, int *min, int *max);

/// Maximum of a double over all ranks, on every rank.
double par_max_double(double local);

/// Barrier over all ranks.
void par_barrier(void);

/// Wall clock in seconds (MPI_Wtime).
double par_wtime(void);

/// CPUs this process may run on (its affinity mask), -1 if unknown.
int par_affinity_cpus(void);

/// CPUs online on this host.
int par_online_cpus(void);

/// The MPI library's version string, one line.
void par_library_version(char *buf, size_t len);

/// Words of a CPU mask for par_host_cpus: CPU ids 0 to 4095, bit c % 64 of word c / 64.
enum { PAR_CPU_WORDS = 64 };

/// CPUs the ranks may run on: on each host the union of its ranks' masks, summed over hosts.
int par_host_cpus(const uint64_t mask[PAR_CPU_WORDS]);

#endif
