/* hash.h - the one hash of the programs: 64-bit FNV-1a (command lines, option signatures, checkpoint identities). */
#ifndef PIPORT_HASH_H
#define PIPORT_HASH_H

#include <stddef.h>
#include <stdint.h>

/// The FNV-1a offset basis: the hash of no bytes, where a hash starts.
#define HASH_START UINT64_C(14695981039346656037)

/// Continue hash h over len bytes at p (64-bit FNV-1a); hash_bytes(HASH_START, ...) starts one.
uint64_t hash_bytes(uint64_t h, const void *p, size_t len);

#endif
