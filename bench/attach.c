/*
 * attach.c -- attaching an array by name.
 *
 *   attach first STORE NAME    the first attach in this (new) process:
 *                              opening the store and the array, timed
 *                              once; run it in many fresh processes
 *   attach second STORE NAME   attaching the same array again in the
 *                              same process (open + close), per call
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "ndshm.h"

struct ctx {
    ndshm_store *st;
    const char *name;
};

static void again(void *p)
{
    struct ctx *c = p;
    ndshm_array *a;
    if (ndshm_array_open(&a, c->st, c->name, 0) != 0)
        abort();
    ndshm_array_close(a);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: attach first|second STORE NAME\n");
        return 2;
    }
    ndshm_store *st;
    ndshm_array *a;
    double t0 = bench_now();
    if (ndshm_store_open(&st, argv[2], 0) != 0 ||
        ndshm_array_open(&a, st, argv[3], 0) != 0) {
        fprintf(stderr, "attach: %s\n", ndshm_errmsg());
        return 1;
    }
    double first = bench_now() - t0;
    if (strcmp(argv[1], "first") == 0) {
        bench_report("attach/first", first);
    } else {
        struct ctx c = {st, argv[3]};
        bench_report("attach/second", bench_median(again, &c, 100000));
    }
    ndshm_array_close(a);
    ndshm_store_close(st);
    return 0;
}
