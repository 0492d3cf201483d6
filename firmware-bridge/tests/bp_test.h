/* A minimal test harness: CHECK records a failure and goes on; main returns the failure count. */
#ifndef BP_TEST_H
#define BP_TEST_H
#include <stdio.h>

static int bp_failures;
#define CHECK(cond)                                                                                  \
    do {                                                                                             \
        if (!(cond)) {                                                                               \
            bp_failures++;                                                                           \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);                  \
        }                                                                                            \
    } while (0)
#define CHECK_EQ(a, b)                                                                               \
    do {                                                                                             \
        long long a_ = (long long)(a), b_ = (long long)(b);                                          \
        if (a_ != b_) {                                                                              \
            bp_failures++;                                                                           \
            fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, #a, a_, #b, b_); \
        }                                                                                            \
    } while (0)
#define TEST_MAIN_END()                                                                              \
    do {                                                                                             \
        printf("%s\n", bp_failures ? "FAILED" : "ok");                                               \
        return bp_failures ? 1 : 0;                                                                  \
    } while (0)
#endif
