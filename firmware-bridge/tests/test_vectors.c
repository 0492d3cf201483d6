/* The shared byte-exact vectors (protocol/vectors/frames.txt), also checked by the C# tests:
 * every vector's fields encode to its wire bytes exactly, its wire bytes decode to its fields,
 * and every reject vector is rejected with the named error. Field values are compared exactly: integers (u64
 * included) as integers, never through a double. */
#include <stdlib.h>
#include "bp_frame.h"
#include "bp_test.h"

#define MAX_FIELDS 64

typedef struct {
    char name[64];
    int is_reject;
    unsigned type, seq;
    char error[32];
    char paths[MAX_FIELDS][48];
    int is_float[MAX_FIELDS];
    uint64_t ints[MAX_FIELDS];
    double floats[MAX_FIELDS];
    int nfields;
    uint8_t wire[1024];
    size_t wire_len;
} vec;

static int error_code(const char *name)
{
    static const char *names[] = {"NONE", "COBS", "CRC", "SHORT", "TOO_LONG", "UNKNOWN_TYPE", "BAD_LENGTH"};
    static const int codes[] = {BP_FRAME_ERROR_NONE, BP_FRAME_ERROR_COBS, BP_FRAME_ERROR_CRC, BP_FRAME_ERROR_SHORT,
                                BP_FRAME_ERROR_TOO_LONG, BP_FRAME_ERROR_UNKNOWN_TYPE, BP_FRAME_ERROR_BAD_LENGTH};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(names[i], name) == 0) {
            return codes[i];
        }
    }
    return -100;
}

static void check_vector(const vec *v)
{
    bp_decoder d;
    bp_frame f;
    int r = -1;
    bp_decoder_init(&d);
    for (size_t i = 0; i < v->wire_len; i++) {
        r = bp_decoder_push(&d, v->wire[i], &f);
        if (i + 1 < v->wire_len) {
            CHECK_EQ(r, -1);
        }
    }
    if (v->is_reject) {
        CHECK_EQ(r, error_code(v->error));
        CHECK_EQ(bp_decoder_rejected_total(&d), 1);
        if (r != error_code(v->error)) {
            fprintf(stderr, "  in reject vector %s\n", v->name);
        }
        return;
    }
    /* Decode: wire -> fields. */
    CHECK_EQ(r, BP_FRAME_ERROR_NONE);
    if (r != BP_FRAME_ERROR_NONE) {
        fprintf(stderr, "  in vector %s\n", v->name);
        return;
    }
    CHECK_EQ(f.type, v->type);
    CHECK_EQ(f.seq, v->seq);
    bp_any_message m;
    memset(&m, 0, sizeof m);
    CHECK(bp_message_read(f.type, f.body, &m));
    for (int i = 0; i < v->nfields; i++) {
        if (v->is_float[i]) {
            double got = -1;
            CHECK(bp_field_get_float((uint8_t)v->type, &m, v->paths[i], &got));
            if (got != v->floats[i]) {
                bp_failures++;
                fprintf(stderr, "vector %s: field %s decoded %.17g, expected %.17g\n", v->name, v->paths[i], got,
                        v->floats[i]);
            }
        } else {
            uint64_t got = 0;
            CHECK(bp_field_get_int((uint8_t)v->type, &m, v->paths[i], &got));
            if (got != v->ints[i]) {
                bp_failures++;
                fprintf(stderr, "vector %s: field %s decoded %llu, expected %llu\n", v->name, v->paths[i],
                        (unsigned long long)got, (unsigned long long)v->ints[i]);
            }
        }
    }
    /* Encode: fields -> wire, byte for byte. */
    bp_any_message e;
    uint8_t body[BP_MAX_PAYLOAD], wire[BP_MAX_WIRE];
    memset(&e, 0, sizeof e);
    for (int i = 0; i < v->nfields; i++) {
        if (v->is_float[i]) {
            CHECK(bp_field_set_float((uint8_t)v->type, &e, v->paths[i], v->floats[i]));
        } else {
            CHECK(bp_field_set_int((uint8_t)v->type, &e, v->paths[i], v->ints[i]));
        }
    }
    CHECK(bp_message_write((uint8_t)v->type, &e, body));
    size_t n = bp_frame_encode((uint8_t)v->type, (uint16_t)v->seq, body, (size_t)bp_message_body_size((uint8_t)v->type),
                               wire);
    CHECK_EQ(n, v->wire_len);
    if (n != v->wire_len || memcmp(wire, v->wire, n) != 0) {
        bp_failures++;
        fprintf(stderr, "vector %s: encoded bytes differ\n", v->name);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_vectors frames.txt\n");
        return 2;
    }
    FILE *fp = fopen(argv[1], "r");
    if (!fp) {
        perror(argv[1]);
        return 2;
    }
    static char line[8192];
    vec v;
    int have = 0, count = 0;
    memset(&v, 0, sizeof v);
    for (;;) {
        char *got = fgets(line, sizeof line, fp);
        char key[32] = {0};
        if (got) {
            sscanf(line, "%31s", key);
        }
        if (!got || strcmp(key, "vector") == 0 || strcmp(key, "reject") == 0) {
            if (have) {
                check_vector(&v);
                count++;
            }
            if (!got) {
                break;
            }
            memset(&v, 0, sizeof v);
            have = 1;
            v.is_reject = key[0] == 'r';
            sscanf(line, "%*s %63s", v.name);
        } else if (strcmp(key, "type") == 0) {
            sscanf(line, "%*s %x", &v.type);
        } else if (strcmp(key, "seq") == 0) {
            sscanf(line, "%*s %u", &v.seq);
        } else if (strcmp(key, "error") == 0) {
            sscanf(line, "%*s %31s", v.error);
        } else if (strcmp(key, "field") == 0 && v.nfields < MAX_FIELDS) {
            char text[64] = {0};
            sscanf(line, "%*s %47s %63s", v.paths[v.nfields], text);
            /* An integer (digits, maybe a minus) exactly; anything else ("1.5", "nan") as a double. */
            int integer = text[0] != 0 && strspn(text + (text[0] == '-'), "0123456789") == strlen(text + (text[0] == '-'));
            v.is_float[v.nfields] = !integer;
            if (!integer) {
                v.floats[v.nfields] = strtod(text, NULL);
            } else if (text[0] == '-') {
                v.ints[v.nfields] = (uint64_t)strtoll(text, NULL, 10);
            } else {
                v.ints[v.nfields] = strtoull(text, NULL, 10);
            }
            v.nfields++;
        } else if (strcmp(key, "wire") == 0) {
            char *p = line + 4;
            for (;;) {
                char *end;
                unsigned long b = strtoul(p, &end, 16);
                if (end == p) {
                    break;
                }
                v.wire[v.wire_len++] = (uint8_t)b;
                p = end;
            }
        }
    }
    fclose(fp);
    printf("%d vectors checked\n", count);
    CHECK(count >= 15);
    TEST_MAIN_END();
}
