/*
 * writer.c -- open a view by name and write through its data pointer.
 *
 *   writer [--store DIR] VIEW VALUE
 *
 * Stores VALUE (an integer) into element 0 of VIEW, an int64 view, by a
 * plain memory write into the shared mapping -- no call copies it
 * anywhere -- then bumps the array's version for anyone waiting.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ndshm.h"

int main(int argc, char **argv)
{
    const char *dir = NULL;
    if (argc > 2 && strcmp(argv[1], "--store") == 0) {
        dir = argv[2];
        argc -= 2;
        argv += 2;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: writer [--store DIR] VIEW VALUE\n");
        return 2;
    }
    ndshm_store *st;
    ndshm_array *v;
    if (ndshm_store_open(&st, dir, 0) != 0 ||
        ndshm_array_open(&v, st, argv[1], 0) != 0) {
        fprintf(stderr, "writer: %s\n", ndshm_errmsg());
        return 1;
    }
    if (ndshm_array_dtype(v) != NDSHM_INT64 || ndshm_array_size(v) < 1 ||
        ndshm_array_readonly(v)) {
        fprintf(stderr, "writer: %s is not a writable int64 window\n",
                argv[1]);
        return 1;
    }
    int64_t *first = ndshm_array_data(v);
    *first = strtoll(argv[2], NULL, 10);
    ndshm_array_notify(v);
    printf("wrote %" PRId64 " through %s\n", *first, argv[1]);
    ndshm_array_close(v);
    ndshm_store_close(st);
    return 0;
}
