/* par.h - the MPI layer's core: start-up and agreement, the collective failure path, exact reductions, gather to rank 0, timing, host facts. */
#ifndef PIPORT_PAR_H
#define PIPORT_PAR_H

/*
 * Only drivers/common/ calls MPI (as CoMD's parallel.c is its only MPI module); the programs
 * in drivers/pi, drivers/map and drivers/workshop call these wrappers, kernels/ never sees MPI.
 *   par.c      start-up, the handshake on the program and the agreement on the verdict of
 *              the command line (par_start, par_same_program, par_agree), one collective
 *              failure path (par_fail: every rank reaches the verdict, rank 0 says one
 *              line, all exit with the same status), exact reductions (128-bit, 64-bit,
 *              arrays), gather to rank 0, broadcasts, timing, hosts and their CPUs
 *   mpiio.c    checked MPI-IO: every MPI_File_* result and count, one message, one verdict
 *   msg.c      messages, one-sided windows and the one fetch-and-op counter (map's dynamic
 *              schedule and the workshop), MPMD facts
 * and beside them, MPI-free: cli.c (the option and usage engine of pi, map and workshop),
 * report.c (JSON and provenance, checked standard output), outfile.c (atomic outputs, stop
 * signals, the registry of temporaries), memlimit.c (memory limits), affinity.c (CPU
 * affinity facts), hash.c (the one hash), ompenv.c (OMP_NUM_THREADS judged before the
 * OpenMP runtime reads it).  No program's own code (GMP, BBP) lives here.
 */

#include <stddef.h>
#include <stdint.h>

#include "affinity.h"
#include "fixedpoint.h"

/// Rank this process gets, read from the launcher's environment before MPI_Init (0 if none).
int par_launch_rank(void);

/// Number of processes the launcher started (from its environment, before MPI_Init; 1 if none).
int par_launch_size(void);

/// A hash of the command line (hash_bytes over every argument and its terminating NUL).
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

/// Bytes of one line par_agree and par_fail carry to rank 0 (longer lines are cut): room for
/// a message naming a path of PATH_MAX bytes twice.
enum { PAR_LINE = 8448 };

/// Collective, the one agreement after par_same_program, the same in every program (its
/// messages are of one size whoever sends them): every rank brings its verdict on its
/// own command line (0 run, 1 help shown, 2 usage error with its line in msg, NULL if said
/// already) and a signature of what all must agree on.  Returns the worst verdict; *same says
/// whether every signature is equal; on a 2, rank 0's msg (if given) holds the line of the
/// lowest erring rank.
int par_agree(int verdict, uint64_t signature, char *msg, size_t len, int *same);

/// The one collective failure path (as ParRes' bail_out, but returning): every rank brings
/// its status (0 ok) and one line saying why (NULL: nothing to add).  Returns the worst
/// status on every rank; rank 0 prints the line of the lowest rank with that status.  The
/// caller returns the status up to main, which exits with it on every rank.
int par_fail(int status, const char *line);

/// Start MPI (threads funneled); returns 0 or prints why on rank 0 and returns 1.
int par_init(int *argc, char ***argv);

/// Start MPI for a program that runs no OpenMP threads (MPI_THREAD_SINGLE: Open MPI 4.1's
/// point-to-point latency is lower than under FUNNELED); returns as par_init.
int par_init_single(int *argc, char ***argv);

/// Collective: a barrier (every message is out), then MPI shut down; returns status.  How
/// every program (and every application of an MPMD launch) ends after a refusal.
int par_end(int status);

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

/// Gather `len` bytes from every rank into all[rank * len] on rank 0 (all unused elsewhere).
void par_gather(const void *mine, size_t len, void *all);

/// Gather n 64-bit words from every rank (n may differ) to rank 0: there the words of rank
/// r start at (*all)[(*start)[r]] and end before (*start)[r + 1]; both malloc'd (the caller
/// frees), NULL elsewhere.  0, or 1 on every rank if rank 0 is out of memory.
int par_gatherv_u64(const uint64_t *mine, size_t n, uint64_t **all, size_t **start);

/// One message of up to 3 arrays of 64-bit words to or from rank `peer` under `tag`; a
/// length's sign travels with it (pi's big integers keep theirs there).
typedef struct par_words_msg {
    int peer;                ///< the other rank
    int tag;                 ///< 0 <= tag < 8192, unique between two ranks in one exchange
    int n;                   ///< arrays in the message
    int64_t len[3];          ///< signed word counts: given to send, filled on receipt
    const uint64_t *words[3]; ///< sends: the words
    /// receipts: where array k's len words go (called once its length is known)
    uint64_t *(*place)(void *ctx, int k, int64_t len);
    void *ctx;               ///< handed to place
} par_words_msg;

/// Send every sends[i] and receive every recvs[i] at once (the sends are posted first, so no
/// order of the calls across ranks can deadlock); returns when all are done.
void par_exchange_words(const par_words_msg *sends, int ns, par_words_msg *recvs, int nr);

/// Broadcast a text buffer of `len` bytes from rank 0.
void par_bcast_text(char *buf, size_t len);

/// This host's name.
void par_host_name(char *buf, size_t len);

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

/// The MPI library's version string, one line.
void par_library_version(char *buf, size_t len);

/// CPUs the ranks may run on: on each host the union of its ranks' masks (affinity_rank_cpus),
/// summed over hosts.
int par_host_cpus(const uint64_t mask[AFFINITY_CPU_WORDS]);

#endif
