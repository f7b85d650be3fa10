/* deflate_level.h — the zlib level of the index the secstd command writes
 * (see deflate_level.c for why and how). */
#ifndef SECSTD_DEFLATE_LEVEL_H
#define SECSTD_DEFLATE_LEVEL_H

#include <stddef.h>

/* The level of Xapian's termlist and document-data tags: 0, stored. Glass
 * keeps a tag as it is when deflate does not make it smaller, so at level
 * 0 the tags are written uncompressed and read without inflating. */
#define SECSTD_INDEX_DEFLATE_LEVEL 0
/* The memLevel of those streams: the smallest hash table. Level 0 never
 * looks in it, but deflateReset clears it before every tag (128 KiB at
 * the memLevel Xapian asks for, 9). */
#define SECSTD_INDEX_DEFLATE_MEMLEVEL 1

/* The level a stream opened with (level, window_bits) gets: Xapian's (raw
 * deflate at the default level) SECSTD_INDEX_DEFLATE_LEVEL, any other the
 * level asked for. */
int secstd_deflate_level(int level, int window_bits);

/* The memLevel such a stream gets: SECSTD_INDEX_DEFLATE_MEMLEVEL for
 * Xapian's, mem_level for any other. */
int secstd_deflate_memlevel(int level, int window_bits, int mem_level);

/* How many deflate streams have been given SECSTD_INDEX_DEFLATE_LEVEL in
 * this process (Xapian opens one per table it writes, and reuses it). */
unsigned long secstd_deflate_relevelled(void);

/* Writes "zlib 1.2.13 level 0 (stored)" when Xapian's deflate streams
 * take that level in this process, else "zlib 1.2.13 default level", to
 * buf (always terminated when len > 0); returns buf. */
char *secstd_index_compression(char *buf, size_t len);

#endif
