/* memlimit.c - how much memory a run may take here: MemAvailable, the cgroup limit, PI_MEMORY_LIMIT. */
#include "memlimit.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

int mem_parse_size(const char *s, uint64_t *bytes)
{
    char *end;
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    const unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    int shift = 0;
    switch (toupper((unsigned char)*end)) {
    case 'K': shift = 10; break;
    case 'M': shift = 20; break;
    case 'G': shift = 30; break;
    case 'T': shift = 40; break;
    case '\0': break;
    default: return -1;
    }
    if (shift && (end[1] && !((end[1] == 'B' || end[1] == 'b') && !end[2])))
        return -1;
    if (v > (UINT64_MAX >> shift))
        return -1;
    *bytes = (uint64_t)v << shift;
    return 0;
}

/// "MemAvailable:  123456 kB" from /proc/meminfo; UINT64_MAX if absent.
static uint64_t meminfo_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    unsigned long long kb;
    uint64_t r = UINT64_MAX;
    if (!f)
        return r;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
            r = (uint64_t)kb * 1024;
            break;
        }
    fclose(f);
    return r;
}

/// One unsigned number from a file ("max" or missing: UINT64_MAX).
static uint64_t read_u64(const char *path)
{
    FILE *f = fopen(path, "r");
    unsigned long long v;
    uint64_t r = UINT64_MAX;
    if (f && fscanf(f, "%llu", &v) == 1)
        r = (uint64_t)v;
    if (f)
        fclose(f);
    return r;
}

/// Headroom under this process's cgroup v2 memory.max (Slurm's cgroup limit); UINT64_MAX if none.
static uint64_t cgroup_headroom(void)
{
    FILE *f = fopen("/proc/self/cgroup", "r");
    char line[4096], path[4200];
    uint64_t r = UINT64_MAX;
    if (!f)
        return r;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "0::", 3) != 0)
            continue;
        line[strcspn(line, "\n")] = '\0';
        snprintf(path, sizeof path, "/sys/fs/cgroup%s/memory.max", line + 3);
        const uint64_t max = read_u64(path);
        snprintf(path, sizeof path, "/sys/fs/cgroup%s/memory.current", line + 3);
        const uint64_t cur = read_u64(path);
        if (max != UINT64_MAX && cur != UINT64_MAX)
            r = max > cur ? max - cur : 0;
    }
    fclose(f);
    return r;
}

int mem_available(uint64_t *bytes, const char **from)
{
    const char *env = getenv("PI_MEMORY_LIMIT");
    if (env && *env) {
        *from = "PI_MEMORY_LIMIT";
        return mem_parse_size(env, bytes);
    }
    const uint64_t a = meminfo_available(), c = cgroup_headroom();
    *bytes = a < c ? a : c;
    *from = c < a ? "the cgroup's memory.max" : "MemAvailable";
    return 0;
}

uint64_t mem_peak_rss(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (uint64_t)ru.ru_maxrss * 1024;   /* Linux: kilobytes */
}
