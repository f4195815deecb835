/*
 * memory.c -- what attaching costs in memory, and that many processes
 * share one copy of the data.
 *
 *   memory STORE      prints memory/attach-rss (bytes added to this
 *                     process's resident set by attaching a 1 GiB array,
 *                     before any page is touched) and memory/64-pss-sum
 *                     (the sum over 64 processes that each read every
 *                     page of it of their proportional set size: about
 *                     1 GiB if they share one copy, 64 GiB if not), and
 *                     memory/64-rss-max (one process's resident set)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "ndshm.h"

#define PROCS 64
#define GIB   ((int64_t)1 << 30)

/* A field of /proc/self/status or smaps_rollup, in bytes. */
static long long field(const char *file, const char *key)
{
    FILE *f = fopen(file, "r");
    char line[256];
    long long kb = -1;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, n) == 0 && line[n] == ':')
            kb = atoll(line + n + 1);
    if (f)
        fclose(f);
    return kb * 1024;
}

static ndshm_array *attach(const char *dir, ndshm_store **st)
{
    ndshm_array *a;
    if (ndshm_store_open(st, dir, 0) != 0 ||
        ndshm_array_open(&a, *st, "big", NDSHM_READONLY) != 0) {
        fprintf(stderr, "memory: %s\n", ndshm_errmsg());
        exit(1);
    }
    return a;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: memory STORE\n");
        return 2;
    }
    const char *dir = argv[1];
    ndshm_store *st;
    if (ndshm_store_open(&st, dir, 0) != 0)
        return 1;
    const int64_t n = GIB / 8;
    ndshm_remove(st, "big");
    if (ndshm_array_create(st, "big", NDSHM_FLOAT64, 1, &n, NULL, 0) != 0) {
        fprintf(stderr, "memory: %s\n", ndshm_errmsg());
        return 1;
    }
    ndshm_store_close(st);

    /* attaching alone, in a fresh process */
    int pfd[2];
    if (pipe(pfd) != 0)
        return 1;
    pid_t pid = fork();
    if (pid == 0) {
        long long before = field("/proc/self/status", "VmRSS");
        ndshm_store *cst;
        ndshm_array *a = attach(dir, &cst);
        long long after = field("/proc/self/status", "VmRSS");
        long long d = after - before;
        if (write(pfd[1], &d, sizeof d) != sizeof d)
            _exit(1);
        ndshm_array_close(a);
        _exit(0);
    }
    long long added = -1;
    if (read(pfd[0], &added, sizeof added) != sizeof added)
        return 1;
    waitpid(pid, NULL, 0);
    bench_report("memory/attach-rss", (double)added);

    /* 64 readers of every page, alive together */
    int go[2], report[2];
    if (pipe(go) != 0 || pipe(report) != 0)
        return 1;
    for (int i = 0; i < PROCS; i++) {
        if (fork() == 0) {
            close(go[1]);
            ndshm_store *cst;
            ndshm_array *a = attach(dir, &cst);
            const volatile char *p = ndshm_array_data(a);
            long sum = 0;
            for (int64_t off = 0; off < GIB; off += 4096)
                sum += p[off];
            long long m[2] = {field("/proc/self/smaps_rollup", "Pss"),
                              field("/proc/self/status", "VmRSS")};
            if (write(report[1], m, sizeof m) != sizeof m)
                _exit(1);
            char c;
            if (read(go[0], &c, 1) < 0) /* stay alive until all measured */
                _exit(1);
            ndshm_array_close(a);
            _exit(sum == 0 ? 0 : 1);
        }
    }
    long long pss = 0, rss = 0;
    for (int i = 0; i < PROCS; i++) {
        long long m[2];
        if (read(report[0], m, sizeof m) != sizeof m)
            return 1;
        pss += m[0];
        rss = m[1] > rss ? m[1] : rss;
    }
    close(go[1]);
    for (int i = 0; i < PROCS; i++)
        wait(NULL);
    bench_report("memory/64-pss-sum", (double)pss);
    bench_report("memory/64-rss-max", (double)rss);
    if (ndshm_store_open(&st, dir, 0) == 0) {
        ndshm_remove(st, "big");
        ndshm_store_close(st);
    }
    return 0;
}
