/*
 * notify.c -- change notification: a round trip between two processes.
 *
 *   notify STORE     prints notify/ndshm and floor/futex
 *
 * ndshm: process A writes "ping" (ndshm_array_fill, which bumps its
 * version and wakes waiters) and waits on "pong"; B waits on "ping" and
 * answers by writing "pong".  The floor: the same dance with two raw
 * futex words in a shared anonymous mapping.  Seconds per round trip.
 */
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "ndshm.h"

#define ROUNDS 20000

static ndshm_array *open_or_die(ndshm_store *st, const char *name)
{
    ndshm_array *a;
    if (ndshm_array_open(&a, st, name, 0) != 0) {
        fprintf(stderr, "notify: %s: %s\n", name, ndshm_errmsg());
        exit(1);
    }
    return a;
}

/*
 * One side of the ndshm ping-pong: wait on in, answer on out.  seen is
 * in's version before either side started, so that a ping sent before
 * this side got going is not missed.
 */
static void ndshm_side(const char *dir, const char *in, const char *out,
                       uint64_t seen, int rounds, int starts)
{
    ndshm_store *st;
    if (ndshm_store_open(&st, dir, 0) != 0) {
        fprintf(stderr, "notify: %s\n", ndshm_errmsg());
        exit(1);
    }
    ndshm_array *a = open_or_die(st, in), *b = open_or_die(st, out);
    int64_t v = 0;
    for (int i = 0; i < rounds; i++) {
        if (starts)
            ndshm_array_fill(b, &(int64_t){++v});
        if (ndshm_array_wait(a, seen, 10.0, &seen) != 0) {
            fprintf(stderr, "notify: %s\n", ndshm_errmsg());
            exit(1);
        }
        if (!starts)
            ndshm_array_fill(b, &(int64_t){++v});
    }
    ndshm_array_close(a);
    ndshm_array_close(b);
    ndshm_store_close(st);
}

static long futex(uint32_t *w, int op, uint32_t v)
{
    return syscall(SYS_futex, w, op, v, NULL, NULL, 0);
}

/* One side of the raw ping-pong over two futex words. */
static void futex_side(uint32_t *in, uint32_t *out, uint32_t seen, int rounds,
                       int starts)
{
    for (int i = 0; i < rounds; i++) {
        if (starts) {
            __atomic_add_fetch(out, 1, __ATOMIC_SEQ_CST);
            futex(out, FUTEX_WAKE, 1);
        }
        while (__atomic_load_n(in, __ATOMIC_SEQ_CST) == seen)
            futex(in, FUTEX_WAIT, seen);
        seen = __atomic_load_n(in, __ATOMIC_SEQ_CST);
        if (!starts) {
            __atomic_add_fetch(out, 1, __ATOMIC_SEQ_CST);
            futex(out, FUTEX_WAKE, 1);
        }
    }
}

/* The versions of ping and pong now (a store opened and closed). */
static void versions(const char *dir, uint64_t v[2])
{
    ndshm_store *st;
    if (ndshm_store_open(&st, dir, 0) != 0)
        exit(1);
    ndshm_array *a = open_or_die(st, "ping"), *b = open_or_die(st, "pong");
    v[0] = ndshm_array_version(a);
    v[1] = ndshm_array_version(b);
    ndshm_array_close(a);
    ndshm_array_close(b);
    ndshm_store_close(st);
}

static double ping_pong(const char *dir, uint32_t *words)
{
    double t[101];
    int runs = bench_runs();
    for (int r = 0; r <= runs; r++) { /* run 0 warms up */
        uint64_t v[2] = {0, 0};
        if (dir)
            versions(dir, v);
        uint32_t w[2] = {words[0], words[16]};
        pid_t pid = fork();
        if (pid == 0) {
            if (dir)
                ndshm_side(dir, "ping", "pong", v[0], ROUNDS, 0);
            else
                futex_side(&words[0], &words[16], w[0], ROUNDS, 0);
            _exit(0);
        }
        double t0 = bench_now();
        if (dir)
            ndshm_side(dir, "pong", "ping", v[1], ROUNDS, 1);
        else
            futex_side(&words[16], &words[0], w[1], ROUNDS, 1);
        double dt = bench_now() - t0;
        int status;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            exit(1);
        if (r > 0)
            t[r - 1] = dt / ROUNDS;
    }
    qsort(t, (size_t)runs, sizeof t[0], bench_cmp);
    return t[runs / 2];
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: notify STORE\n");
        return 2;
    }
    ndshm_store *st;
    const int64_t one = 1;
    if (ndshm_store_open(&st, argv[1], 0) != 0)
        return 1;
    ndshm_remove(st, "ping");
    ndshm_remove(st, "pong");
    if (ndshm_array_create(st, "ping", NDSHM_INT64, 1, &one, NULL, 0) != 0 ||
        ndshm_array_create(st, "pong", NDSHM_INT64, 1, &one, NULL, 0) != 0) {
        fprintf(stderr, "notify: %s\n", ndshm_errmsg());
        return 1;
    }
    ndshm_store_close(st); /* no environment crosses the forks below */
    uint32_t *words = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                           MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (words == MAP_FAILED)
        return 1;
    bench_report("notify/ndshm", ping_pong(argv[1], NULL));
    bench_report("floor/futex", ping_pong(NULL, words));
    return 0;
}
