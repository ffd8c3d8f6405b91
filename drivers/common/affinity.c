/* affinity.c - CPU affinity facts: the process's mask, the union of its OpenMP places, online CPUs. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "affinity.h"

#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

void affinity_list(char *buf, size_t len)
{
    cpu_set_t set;
    size_t used = 0;
    buf[0] = '\0';
    if (sched_getaffinity(0, sizeof set, &set) != 0) {
        snprintf(buf, len, "?");
        return;
    }
    for (int c = 0; c < CPU_SETSIZE && used < len; c++) {
        if (!CPU_ISSET(c, &set))
            continue;
        int e = c;
        while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, &set))
            e++;
        used += (size_t)snprintf(buf + used, len - used, used ? ",%d" : "%d", c);
        if (e > c && used < len)
            used += (size_t)snprintf(buf + used, len - used, "-%d", e);
        c = e;
    }
}

int affinity_cpus(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return -1;
    return CPU_COUNT(&set);
}

int affinity_online_cpus(void)
{
    return (int)sysconf(_SC_NPROCESSORS_ONLN);
}

/// Mark CPU id c in mask (ids past the mask's 4096 are left out).
static void mask_set(uint64_t *mask, int c)
{
    if (mask && c >= 0 && c < 64 * AFFINITY_CPU_WORDS)
        mask[c / 64] |= UINT64_C(1) << (c % 64);
}

int affinity_rank_cpus(char *buf, size_t len, uint64_t *mask)
{
    /* libgomp binds the initial thread to one place under OMP_PLACES, so the thread's own
     * mask would say 1: the places' union is what the rank may use */
    const int np = omp_get_num_places();
    if (mask)
        memset(mask, 0, AFFINITY_CPU_WORDS * sizeof *mask);
    if (np <= 0 || omp_get_proc_bind() == omp_proc_bind_false) {
        cpu_set_t set;
        if (buf)
            affinity_list(buf, len);
        if (mask && sched_getaffinity(0, sizeof set, &set) == 0)
            for (int c = 0; c < CPU_SETSIZE; c++)
                if (CPU_ISSET(c, &set))
                    mask_set(mask, c);
        return affinity_cpus();
    }
    int n = 0, ids[4096];
    size_t used = 0;
    if (buf)
        buf[0] = '\0';
    for (int p = 0; p < np; p++) {
        const int k = omp_get_place_num_procs(p);
        if (k <= 0 || k > 4096)
            continue;
        omp_get_place_proc_ids(p, ids);
        for (int i = 0; i < k; i++, n++) {
            mask_set(mask, ids[i]);
            if (buf && used < len)
                used += (size_t)snprintf(buf + used, len - used, used ? ",%d" : "%d", ids[i]);
        }
    }
    return n;
}
