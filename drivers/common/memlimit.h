/* memlimit.h - how much memory a run may take here: MemAvailable, the cgroup limit, PI_MEMORY_LIMIT. */
#ifndef PIPORT_MEMLIMIT_H
#define PIPORT_MEMLIMIT_H

#include <stdint.h>

/// Parse a size "123", "4K", "512M", "2G", "1T" (binary units, case-insensitive) into bytes;
/// 0 ok, -1 not a size.
int mem_parse_size(const char *s, uint64_t *bytes);

/// Bytes this process may still take: PI_MEMORY_LIMIT if set (then *from = "PI_MEMORY_LIMIT"),
/// else the smaller of /proc/meminfo's MemAvailable and the cgroup's memory.max headroom;
/// UINT64_MAX if unknown.  -1 if PI_MEMORY_LIMIT is set but not a size.
int mem_available(uint64_t *bytes, const char **from);

/// Peak resident set of this process in bytes (getrusage), 0 if unknown.
uint64_t mem_peak_rss(void);

#endif
