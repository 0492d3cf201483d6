#include "bp_frame.h"
#include "bp_cobs.h"
#include "bp_crc32.h"

size_t bp_frame_encode(uint8_t type, uint16_t seq, const uint8_t *body, size_t body_len, uint8_t *wire)
{
    uint8_t payload[BP_MAX_PAYLOAD + BP_CRC_SIZE];
    if (body_len + BP_HEADER_SIZE > BP_MAX_PAYLOAD) {
        return 0;
    }
    payload[0] = type;
    bp_put_u16(payload + 1, seq);
    if (body_len > 0) {
        memcpy(payload + BP_HEADER_SIZE, body, body_len);
    }
    size_t n = BP_HEADER_SIZE + body_len;
    bp_put_u32(payload + n, bp_crc32(payload, n));
    size_t w = bp_cobs_encode(payload, n + BP_CRC_SIZE, wire);
    wire[w] = 0;
    return w + 1;
}

int bp_frame_check(const uint8_t *raw, size_t len, uint8_t *scratch, bp_frame *out)
{
    int n = bp_cobs_decode(raw, len, scratch, BP_MAX_PAYLOAD + BP_CRC_SIZE);
    if (n < 0) {
        return BP_FRAME_ERROR_COBS;
    }
    if ((size_t)n < BP_HEADER_SIZE + BP_CRC_SIZE) {
        return BP_FRAME_ERROR_SHORT;
    }
    size_t plen = (size_t)n - BP_CRC_SIZE;
    if (bp_crc32(scratch, plen) != bp_get_u32(scratch + plen)) {
        return BP_FRAME_ERROR_CRC;
    }
    int size = bp_message_body_size(scratch[0]);
    if (size < 0) {
        return BP_FRAME_ERROR_UNKNOWN_TYPE;
    }
    if ((size_t)size != plen - BP_HEADER_SIZE) {
        return BP_FRAME_ERROR_BAD_LENGTH;
    }
    out->type = scratch[0];
    out->seq = bp_get_u16(scratch + 1);
    out->body = scratch + BP_HEADER_SIZE;
    out->body_len = (size_t)size;
    return BP_FRAME_ERROR_NONE;
}

void bp_decoder_init(bp_decoder *d)
{
    memset(d, 0, sizeof *d);
}

int bp_decoder_push(bp_decoder *d, uint8_t byte, bp_frame *out)
{
    if (byte != 0) {
        if (d->raw_len < sizeof d->raw) {
            d->raw[d->raw_len++] = byte;
        } else {
            d->overflow = 1;
        }
        return -1;
    }
    int result;
    if (d->overflow) {
        result = BP_FRAME_ERROR_TOO_LONG;
    } else if (d->raw_len == 0) {
        return -1;
    } else {
        result = bp_frame_check(d->raw, d->raw_len, d->payload, out);
    }
    d->raw_len = 0;
    d->overflow = 0;
    if (result == BP_FRAME_ERROR_NONE) {
        d->frames_ok++;
    } else {
        d->rejected[result]++;
    }
    return result;
}

uint32_t bp_decoder_rejected_total(const bp_decoder *d)
{
    uint32_t t = 0;
    for (size_t i = 0; i < sizeof d->rejected / sizeof d->rejected[0]; i++) {
        t += d->rejected[i];
    }
    return t;
}
