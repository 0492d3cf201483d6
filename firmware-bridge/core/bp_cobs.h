/* Consistent Overhead Byte Stuffing (Cheshire and Baker, 1999): the encoded bytes contain no 0x00, so 0x00
 * delimits frames. Encoding n bytes gives at most n + n/254 + 1 bytes. */
#ifndef BP_COBS_H
#define BP_COBS_H
#include <stddef.h>
#include <stdint.h>

/* Encode src[0..len) into dst (room for len + len/254 + 1 bytes); returns the encoded length. No delimiter. */
size_t bp_cobs_encode(const uint8_t *src, size_t len, uint8_t *dst);

/* Decode src[0..len) (no delimiter) into dst (cap bytes); returns the decoded length, or -1 if src holds a
 * zero, a code runs past the end, or the output does not fit. */
int bp_cobs_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap);

#endif
