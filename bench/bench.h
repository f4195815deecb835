/*
 * bench.h -- what the benchmark programs share: a clock, the median of
 * repeated runs after a warm-up, and one output line per figure that
 * bench/run.py collects:  FIGURE <tab> SECONDS
 */
#ifndef NDSHM_BENCH_H
#define NDSHM_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int bench_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Runs from the environment (BENCH_RUNS, default 7). */
static inline int bench_runs(void)
{
    const char *s = getenv("BENCH_RUNS");
    int n = s ? atoi(s) : 7;
    return n > 0 && n <= 101 ? n : 7;
}

/*
 * The median time of fn(ctx) over bench_runs() runs, after one warm-up
 * run (page faults, caches), each run repeating fn reps times; seconds
 * per call.
 */
static inline double bench_median(void (*fn)(void *), void *ctx, int reps)
{
    double t[101];
    int n = bench_runs();
    fn(ctx);
    for (int i = 0; i < n; i++) {
        double t0 = bench_now();
        for (int r = 0; r < reps; r++)
            fn(ctx);
        t[i] = (bench_now() - t0) / reps;
    }
    qsort(t, (size_t)n, sizeof t[0], bench_cmp);
    return t[n / 2];
}

static inline void bench_report(const char *figure, double seconds)
{
    printf("%s\t%.9g\n", figure, seconds);
    fflush(stdout);
}

#endif
