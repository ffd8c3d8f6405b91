/* affinity.h - CPU affinity facts of this process: its mask, its OpenMP places, the host's CPUs (no MPI). */
#ifndef PIPORT_AFFINITY_H
#define PIPORT_AFFINITY_H

#include <stddef.h>
#include <stdint.h>

/// Words of a CPU mask: CPU ids 0 to 4095, bit c % 64 of word c / 64.
enum { AFFINITY_CPU_WORDS = 64 };

/// The CPUs of this process's affinity mask as a list ("0-3,8"), into buf ("?" if unknown).
void affinity_list(char *buf, size_t len);

/// CPUs this process may run on (its affinity mask), -1 if unknown.
int affinity_cpus(void);

/// CPUs online on this host.
int affinity_online_cpus(void);

/// CPUs this rank may use: the union of its OpenMP places when OMP_PLACES binds threads,
/// else the process's affinity mask.  The list into buf and the CPU ids into mask
/// (AFFINITY_CPU_WORDS words), each if given; returns how many.
int affinity_rank_cpus(char *buf, size_t len, uint64_t *mask);

#endif
