/*
 * meter.c -- a progress meter on stderr: bytes (or files) done of the
 * total, the rate, and the time left, redrawn in place on one line.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "meter.h"

/* Redraws at most this often: a terminal need not be flooded. */
#define REDRAW_S 0.1

static struct {
    const char *command;
    double delay;   /* seconds of work before the meter appears */
    double start;   /* when the current operation began, 0 before */
    double drawn;   /* when the line was last drawn */
    bool on_screen; /* a meter line is on stderr, not yet ended */
    bool shown;     /* the current operation's meter has been drawn */
} meter;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* "4 s", "2 min 5 s", "1 h 3 min" */
static void format_duration(char *buf, size_t cap, double s)
{
    if (!(s < 360000))
        snprintf(buf, cap, "a long time");
    else if (s < 60)
        snprintf(buf, cap, "%.0f s", s < 1 ? 1 : s);
    else if (s < 3600)
        snprintf(buf, cap, "%d min %d s", (int)s / 60, (int)s % 60);
    else
        snprintf(buf, cap, "%d h %d min", (int)s / 3600, (int)s % 3600 / 60);
}

static void draw(uint64_t done, uint64_t total, int unit, double t)
{
    double elapsed = t - meter.start;
    double rate = elapsed > 0 ? (double)done / elapsed : 0;
    int percent = total ? (int)((double)done * 100 / (double)total) : 100;
    char d[32], n[32], r[32], left[32];
    if (unit == NDSHM_PROGRESS_BYTES) {
        cli_size_text(done, d, sizeof d);
        cli_size_text(total, n, sizeof n);
        cli_size_text((uint64_t)rate, r, sizeof r);
        fprintf(stderr, "\r\033[Kndshm %s: %s of %s (%d%%), %s/s", meter.command,
                d, n, percent, r);
    } else {
        fprintf(stderr, "\r\033[Kndshm %s: %llu of %llu files (%d%%)",
                meter.command, (unsigned long long)done,
                (unsigned long long)total, percent);
    }
    if (done < total && rate > 0) {
        format_duration(left, sizeof left, (double)(total - done) / rate);
        fprintf(stderr, ", %s left", left);
    }
    meter.drawn = t;
    meter.on_screen = true;
    meter.shown = true;
}

static void report(uint64_t done, uint64_t total, int unit, void *ctx)
{
    (void)ctx;
    double t = now_s();
    if (done == 0 || meter.start == 0) {
        meter.start = t; /* a new operation */
        meter.drawn = 0;
        meter.shown = false;
    }
    bool over = done >= total;
    if (t - meter.start < meter.delay ||
        (!over && meter.on_screen && t - meter.drawn < REDRAW_S))
        return;
    if (over && !meter.shown)
        return; /* finished before the meter was due */
    draw(done, total, unit, t);
    if (over) {
        fputc('\n', stderr);
        meter.on_screen = false;
        meter.start = 0;
    }
}

void cli_meter_begin(const struct cli *cli)
{
    if (!isatty(STDERR_FILENO))
        return;
    meter.command = cli->command;
    /* NDSHM_PROGRESS_AFTER: seconds before the meter shows (default 1) */
    const char *env = getenv("NDSHM_PROGRESS_AFTER");
    char *end;
    double after = env ? strtod(env, &end) : 1;
    meter.delay = env && (end == env || *end || !(after >= 0)) ? 1 : after;
    meter.start = 0;
    meter.on_screen = false;
    meter.shown = false;
    ndshm_set_progress(report, NULL);
}

void cli_meter_end(void)
{
    ndshm_set_progress(NULL, NULL);
    if (meter.on_screen)
        fputc('\n', stderr);
    meter.on_screen = false;
}

void cli_meter_clear(void)
{
    if (meter.on_screen) {
        fputs("\r\033[K", stderr);
        meter.on_screen = false;
        meter.drawn = 0;
    }
}
