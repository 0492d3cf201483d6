/* Frames: COBS(type u8, seq u16, body, CRC-32 of the previous bytes) then 0x00 (see protocol/bridge.schema). */
#ifndef BP_FRAME_H
#define BP_FRAME_H
#include <stddef.h>
#include <stdint.h>
#include "bp_protocol.h"

/* A decoded frame; body points into the decoder's buffer until the next byte is pushed. */
typedef struct {
    uint8_t type;
    uint16_t seq;
    const uint8_t *body;
    size_t body_len;
} bp_frame;

/* Encode one frame into wire (BP_MAX_WIRE bytes), delimiter included; returns its length, 0 if body is too long. */
size_t bp_frame_encode(uint8_t type, uint16_t seq, const uint8_t *body, size_t body_len, uint8_t *wire);

/* Check one frame's bytes (without the delimiter): a BP_FRAME_ERROR_* code; on NONE, out describes the frame
 * whose payload was decoded into scratch (BP_MAX_PAYLOAD + BP_CRC_SIZE bytes). */
int bp_frame_check(const uint8_t *raw, size_t len, uint8_t *scratch, bp_frame *out);

/* A byte-stream decoder: counts every rejected frame by reason. Empty frames (0x00 0x00) are skipped. */
typedef struct {
    uint8_t raw[BP_MAX_WIRE];
    size_t raw_len;
    int overflow;
    uint8_t payload[BP_MAX_PAYLOAD + BP_CRC_SIZE];
    uint32_t frames_ok;
    uint32_t rejected[8]; /* indexed by BP_FRAME_ERROR_* */
} bp_decoder;

void bp_decoder_init(bp_decoder *d);

/* Push one byte. Returns -1 while no frame has ended, BP_FRAME_ERROR_NONE with *out set when a valid frame
 * ended, or the BP_FRAME_ERROR_* code of a rejected one. */
int bp_decoder_push(bp_decoder *d, uint8_t byte, bp_frame *out);

/* All rejected frames so far. */
uint32_t bp_decoder_rejected_total(const bp_decoder *d);

#endif
