/* hash.c - 64-bit FNV-1a, the one hash every program uses. */
#include "hash.h"

uint64_t hash_bytes(uint64_t h, const void *p, size_t len)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < len; i++)
        h = (h ^ b[i]) * UINT64_C(1099511628211);
    return h;
}
