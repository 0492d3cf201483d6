/* CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320, init and final xor 0xFFFFFFFF; zlib's crc32). */
#ifndef BP_CRC32_H
#define BP_CRC32_H
#include <stddef.h>
#include <stdint.h>

uint32_t bp_crc32(const uint8_t *data, size_t len);

#endif
