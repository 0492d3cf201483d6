/* CRC-32 and COBS against published check values, frame round trips and the stream decoder's counters. */
#include "bp_cobs.h"
#include "bp_crc32.h"
#include "bp_frame.h"
#include "bp_test.h"

static void crc_check_value(void)
{
    /* The CRC-32 catalogue's check value: CRC of the ASCII bytes "123456789". */
    CHECK_EQ(bp_crc32((const uint8_t *)"123456789", 9), 0xCBF43926u);
    CHECK_EQ(bp_crc32((const uint8_t *)"", 0), 0u);
}

static void cobs_examples(void)
{
    /* Examples from Cheshire and Baker's paper (also on Wikipedia's COBS page). */
    const uint8_t a[] = {0x00}, ea[] = {0x01, 0x01};
    const uint8_t b[] = {0x00, 0x00}, eb[] = {0x01, 0x01, 0x01};
    const uint8_t c[] = {0x11, 0x22, 0x00, 0x33}, ec[] = {0x03, 0x11, 0x22, 0x02, 0x33};
    const uint8_t d[] = {0x11, 0x00, 0x00, 0x00}, ed[] = {0x02, 0x11, 0x01, 0x01, 0x01};
    const uint8_t *in[] = {a, b, c, d}, *ex[] = {ea, eb, ec, ed};
    const size_t n[] = {1, 2, 4, 4}, en[] = {2, 3, 5, 5};
    for (int i = 0; i < 4; i++) {
        uint8_t out[16], back[16];
        size_t w = bp_cobs_encode(in[i], n[i], out);
        CHECK_EQ(w, en[i]);
        CHECK(memcmp(out, ex[i], en[i]) == 0);
        CHECK_EQ(bp_cobs_decode(out, w, back, sizeof back), n[i]);
        CHECK(memcmp(back, in[i], n[i]) == 0);
    }
    /* 254 non-zero bytes: one 0xFF block and a final empty block. */
    uint8_t big[254], enc[300], dec[300];
    for (int i = 0; i < 254; i++) {
        big[i] = (uint8_t)(i + 1);
    }
    size_t w = bp_cobs_encode(big, sizeof big, enc);
    CHECK_EQ(w, 256);
    CHECK_EQ(enc[0], 0xFF);
    CHECK_EQ(enc[255], 0x01);
    CHECK_EQ(bp_cobs_decode(enc, w, dec, sizeof dec), 254);
    CHECK(memcmp(dec, big, 254) == 0);
    /* Output that does not fit is refused, not overrun. */
    CHECK_EQ(bp_cobs_decode(enc, w, dec, 100), -1);
}

static void frame_round_trip_and_counters(void)
{
    bp_hello h = {.version = 1, .nonce = 0xDEADBEEFu};
    uint8_t body[BP_HELLO_SIZE], wire[BP_MAX_WIRE];
    bp_hello_write(&h, body);
    size_t n = bp_frame_encode(BP_MSG_HELLO, 513, body, sizeof body, wire);
    CHECK(n > 0 && wire[n - 1] == 0);
    for (size_t i = 0; i + 1 < n; i++) {
        CHECK(wire[i] != 0);
    }
    bp_decoder d;
    bp_decoder_init(&d);
    bp_frame f;
    int last = -1;
    /* A leading delimiter (resynchronisation) is skipped, then the frame decodes. */
    CHECK_EQ(bp_decoder_push(&d, 0, &f), -1);
    for (size_t i = 0; i < n; i++) {
        last = bp_decoder_push(&d, wire[i], &f);
    }
    CHECK_EQ(last, BP_FRAME_ERROR_NONE);
    CHECK_EQ(f.type, BP_MSG_HELLO);
    CHECK_EQ(f.seq, 513);
    bp_hello back;
    bp_hello_read(f.body, &back);
    CHECK_EQ(back.nonce, 0xDEADBEEFu);
    /* Every byte of the frame corrupted in turn: each is rejected and counted, never accepted. */
    uint32_t rejected = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        uint8_t bad[BP_MAX_WIRE];
        memcpy(bad, wire, n);
        bad[i] ^= 0x40;
        if (bad[i] == 0) {
            bad[i] = 0x7F;
        }
        for (size_t k = 0; k < n; k++) {
            last = bp_decoder_push(&d, bad[k], &f);
        }
        CHECK(last != BP_FRAME_ERROR_NONE);
        rejected++;
    }
    CHECK_EQ(bp_decoder_rejected_total(&d), rejected);
    CHECK_EQ(d.frames_ok, 1);
    /* A body too long for one frame is refused by the encoder. */
    uint8_t huge[BP_MAX_PAYLOAD] = {0};
    CHECK_EQ(bp_frame_encode(BP_MSG_HELLO, 0, huge, sizeof huge, wire), 0);
}

int main(void)
{
    crc_check_value();
    cobs_examples();
    frame_round_trip_and_counters();
    TEST_MAIN_END();
}
