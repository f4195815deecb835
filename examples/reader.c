/*
 * reader.c -- open an array by name and watch its memory change.
 *
 *   reader [--store DIR] EXPR INDEX OLD
 *
 * Maps EXPR (a 1-d int64 array), prints "ready", then polls element INDEX
 * in its own mapping until it differs from OLD, and prints the new value.
 * Nothing is sent to it: the writer's store shows up in this process's
 * memory because both map the same file.  Gives up after 10 seconds.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ndshm.h"

int main(int argc, char **argv)
{
    const char *dir = NULL;
    if (argc > 2 && strcmp(argv[1], "--store") == 0) {
        dir = argv[2];
        argc -= 2;
        argv += 2;
    }
    if (argc != 4) {
        fprintf(stderr, "usage: reader [--store DIR] EXPR INDEX OLD\n");
        return 2;
    }
    ndshm_store *st;
    ndshm_array *a;
    if (ndshm_store_open(&st, dir, 0) != 0 ||
        ndshm_array_open(&a, st, argv[1], NDSHM_READONLY) != 0) {
        fprintf(stderr, "reader: %s\n", ndshm_errmsg());
        return 1;
    }
    long index = strtol(argv[2], NULL, 10);
    int64_t old = strtoll(argv[3], NULL, 10);
    if (ndshm_array_dtype(a) != NDSHM_INT64 || ndshm_array_ndim(a) != 1 ||
        index < 0 || index >= ndshm_array_shape(a)[0]) {
        fprintf(stderr, "reader: %s[%ld] is not an int64 element\n", argv[1],
                index);
        return 1;
    }
    const volatile int64_t *elem =
        (const volatile int64_t *)((const char *)ndshm_array_data(a) +
                                   index * ndshm_array_strides(a)[0]);
    printf("ready\n");
    fflush(stdout);
    struct timespec nap = {0, 1000000}; /* 1 ms */
    for (int i = 0; i < 10000 && *elem == old; i++)
        nanosleep(&nap, NULL);
    int64_t now = *elem;
    printf("%s[%ld] = %" PRId64 "\n", argv[1], index, now);
    ndshm_array_close(a);
    ndshm_store_close(st);
    return now == old;
}
