/*
 * fuzz.h -- what the fuzz targets share.  Each fuzz/TARGET.c defines
 * LLVMFuzzerTestOneInput; it is linked with libFuzzer by `make fuzz`
 * (fuzz/fuzz.am) and with fuzz/replay.c, a plain main() that feeds it every
 * file of tests/fuzz/TARGET/, by `make check`.
 */
#ifndef NDSHM_FUZZ_H
#define NDSHM_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant: a failure aborts (libFuzzer saves the input as a crash),
 * whatever NDEBUG says. */
#define FUZZ_CHECK(cond)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,       \
                    __LINE__, #cond);                                         \
            abort();                                                          \
        }                                                                     \
    } while (0)

/* The input as a C string (it ends at its first NUL byte, if any);
 * malloc'd with no slack, so that a read past the end is caught. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    const uint8_t *nul = size ? memchr(data, 0, size) : NULL;
    size_t len = nul ? (size_t)(nul - data) : size;
    char *s = malloc(len + 1);
    if (s == NULL)
        abort();
    memcpy(s, data, len);
    s[len] = '\0';
    return s;
}

#endif
