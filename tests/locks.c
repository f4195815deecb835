/*
 * locks.c -- shared and exclusive locks over the byte range a window
 * covers (ndshm_array_lock), with real processes:
 *
 *  - the modes: shared locks coexist, an exclusive lock excludes shared
 *    and exclusive ones, try-locks (timeout 0) and timed locks give up
 *    with NDSHM_ETIMEDOUT, a lock converts between modes, unlock and
 *    close release, two handles in one process conflict (OFD locks), a
 *    read-only handle takes shared locks only, an empty window locks
 *    nothing;
 *  - N processes adding 1 to every element of one window 1,000 times
 *    each under the exclusive lock lose no update;
 *  - windows over disjoint byte ranges never wait on each other, while
 *    overlapping ones (a column, interleaved rows, a reversed row) do;
 *  - a lock held by a process that is killed is released by the kernel,
 *    also to a process already blocked on it, and also when the killed
 *    holder had forked a child that lives on;
 *  - a handle whose name was removed can still lock its data;
 *  - the tool's set takes the exclusive lock of its window: it times out
 *    (exit 3, nothing written) while another process holds it, and
 *    without --timeout it waits, writing only after the holder let go.
 *
 * The test array "a" is int64 of shape (4, 8): a row is 64 bytes, so rows
 * are disjoint byte ranges and a column spans all of them.  Children open
 * their own handles after fork and report by exit status with a message
 * on stderr.  Orderings are observed, not timed: a process blocked on a
 * lock is seen in /proc/locks; every wait is bounded only as a hang guard.
 * The one claim about time is a lower bound: a timed lock does not give
 * up before its timeout.
 */
#define _GNU_SOURCE
#include "config.h"

#include <check.h>
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ndshm.h"
#include "testproc.h"
#include "testutil.h"

enum { ROWS = 4, COLS = 8 };

/* ---- plumbing ----------------------------------------------------------- */

static void make_a(void)
{
    const int64_t shape[2] = {ROWS, COLS};
    ck_assert_msg(
        ndshm_array_create(test_st, "a", NDSHM_INT64, 2, shape, NULL, 0) == 0,
        "create a: %s", ndshm_errmsg());
}

static void lock_ok(ndshm_array *a, int mode, double timeout)
{
    int rc = ndshm_array_lock(a, mode, timeout);
    ck_assert_msg(rc == 0, "lock %s (mode %d) failed: %s (%s)",
                  ndshm_array_name(a), mode, ndshm_errname(rc),
                  ndshm_errmsg());
}

/* A lock that must not be granted now (someone holds a conflicting one). */
static void lock_busy(ndshm_array *a, int mode, double timeout)
{
    int rc = ndshm_array_lock(a, mode, timeout);
    ck_assert_msg(rc == NDSHM_ETIMEDOUT,
                  "lock of a held range (mode %d) gave %s, not ETIMEDOUT",
                  mode, ndshm_errname(rc));
    ck_assert_msg(strlen(ndshm_errmsg()) > 0, "ETIMEDOUT without a message");
}

static void unlock_ok(ndshm_array *a)
{
    ck_assert_msg(ndshm_array_unlock(a) == 0, "unlock: %s", ndshm_errmsg());
}

/*
 * How many lock requests on the file with inode ino are blocked now,
 * from /proc/locks (lines "N: -> OFDLCK ADVISORY WRITE -1 MM:mm:INO S E");
 * -1 when /proc/locks cannot be read.
 */
static int blocked_on(ino_t ino)
{
    FILE *f = fopen("/proc/locks", "r");
    if (f == NULL)
        return -1;
    char line[512], want[64];
    snprintf(want, sizeof want, ":%lu ", (unsigned long)ino);
    int n = 0;
    while (fgets(line, sizeof line, f))
        if (strstr(line, "->") && strstr(line, want))
            n++;
    fclose(f);
    return n;
}

static ino_t inode_of(const char *path)
{
    struct stat sb;
    ck_assert_msg(stat(path, &sb) == 0, "stat %s: %s", path, strerror(errno));
    return sb.st_ino;
}

/*
 * Wait (bounded) until some process is blocked on a lock of the file at
 * path, so that what follows happens while it waits.  Where /proc/locks
 * cannot be read, give it a moment instead: the ordering checks that
 * follow still hold, only less sharply.
 */
static void wait_blocked(const char *path)
{
    ino_t ino = inode_of(path);
    double end = test_now() + TEST_GUARD_S;
    int n;
    while ((n = blocked_on(ino)) == 0) {
        ck_assert_msg(test_now() < end, "nobody ever blocked on %s", path);
        test_nap_us(1000);
    }
    if (n < 0)
        test_nap_us(300000);
}

/* ---- modes -------------------------------------------------------------- */

struct probe {
    const char *expr; /* what the child opens */
    int mode;         /* and try-locks so, */
    int want;         /* expecting this result */
};

/* A child that try-locks one window and reports whether it got what the
 * test expects. */
static int probe_child(void *arg)
{
    struct probe *p = arg;
    ndshm_array *a = test_child_open(test_dir, p->expr, 0);
    if (a == NULL)
        return 10;
    int rc = ndshm_array_lock(a, p->mode, 0);
    if (rc != p->want)
        return test_child_fail(
            11, "try-lock of '%s' (mode %d) gave %s, not %s", p->expr, p->mode,
            ndshm_errname(rc), ndshm_errname(p->want));
    ndshm_array_close(a);
    return 0;
}

/* Another process try-locks expr with mode: expect want. */
static void probe(const char *expr, int mode, int want)
{
    struct probe p = {expr, mode, want};
    char what[128];
    snprintf(what, sizeof what, "the probe of '%s' (mode %d)", expr, mode);
    test_child_ok(probe_child, &p, what);
}

START_TEST(shared_locks_coexist)
{
    make_a();
    ndshm_array *h1 = test_open("a", 0), *h2 = test_open("a[1:3]", 0),
                *h3 = test_open("a", 0);
    lock_ok(h1, NDSHM_LOCK_SHARED, 0);
    lock_ok(h2, NDSHM_LOCK_SHARED, 0);
    /* in this process and in others, more readers join; no writer */
    lock_busy(h3, NDSHM_LOCK_EXCLUSIVE, 0);
    probe("a", NDSHM_LOCK_SHARED, 0);
    probe("a[2, 3]", NDSHM_LOCK_SHARED, 0);
    probe("a", NDSHM_LOCK_EXCLUSIVE, NDSHM_ETIMEDOUT);
    probe("a[0]", NDSHM_LOCK_EXCLUSIVE, NDSHM_ETIMEDOUT); /* h1 covers it */
    unlock_ok(h1);
    probe("a[0]", NDSHM_LOCK_EXCLUSIVE, 0); /* h2 is rows 1-2 only */
    probe("a[1]", NDSHM_LOCK_EXCLUSIVE, NDSHM_ETIMEDOUT);
    lock_busy(h3, NDSHM_LOCK_EXCLUSIVE, 0);
    unlock_ok(h2);
    lock_ok(h3, NDSHM_LOCK_EXCLUSIVE, 0);
    ndshm_array_close(h1);
    ndshm_array_close(h2);
    ndshm_array_close(h3);
}
END_TEST

START_TEST(exclusive_excludes_everyone)
{
    make_a();
    ndshm_array *x = test_open("a[1]", 0), *h = test_open("a", 0),
                *e = test_open("a[1, 3]", 0), *r2 = test_open("a[2]", 0);
    lock_ok(x, NDSHM_LOCK_EXCLUSIVE, 0);
    /* two handles conflict even in one process: they are OFD locks */
    lock_busy(h, NDSHM_LOCK_SHARED, 0);
    lock_busy(h, NDSHM_LOCK_EXCLUSIVE, 0);
    lock_busy(e, NDSHM_LOCK_SHARED, 0);
    lock_busy(e, NDSHM_LOCK_EXCLUSIVE, 0);
    lock_ok(r2, NDSHM_LOCK_EXCLUSIVE, 0); /* the next row is another range */
    probe("a", NDSHM_LOCK_SHARED, NDSHM_ETIMEDOUT);
    probe("a[1, 7]", NDSHM_LOCK_EXCLUSIVE, NDSHM_ETIMEDOUT);
    probe("a[2]", NDSHM_LOCK_SHARED, NDSHM_ETIMEDOUT); /* r2 holds it */
    probe("a[3]", NDSHM_LOCK_EXCLUSIVE, 0);
    /* two handles of one name share one mapping, not one lock */
    ck_assert_ptr_eq(ndshm_array_data(h),
                     (char *)ndshm_array_data(x) - COLS * 8);
    unlock_ok(x);
    lock_busy(h, NDSHM_LOCK_SHARED, 0); /* r2 still */
    lock_ok(e, NDSHM_LOCK_SHARED, 0);
    probe("a[1]", NDSHM_LOCK_SHARED, 0);
    probe("a[1]", NDSHM_LOCK_EXCLUSIVE, NDSHM_ETIMEDOUT);
    ndshm_array_close(x);
    ndshm_array_close(h);
    ndshm_array_close(e);
    ndshm_array_close(r2);
}
END_TEST

struct releaser {
    int trying[2]; /* child -> test: about to lock */
    double timeout;
};

/* Blocks on a lock the test holds, which lets go once told we wait. */
static int late_locker(void *arg)
{
    struct releaser *r = arg;
    ndshm_array *a = test_child_open(test_dir, "a[2:]", 0);
    if (a == NULL)
        return 20;
    if (test_send_byte(r->trying[1]) != 0)
        return test_child_fail(21, "cannot say trying");
    int rc = ndshm_array_lock(a, NDSHM_LOCK_EXCLUSIVE, r->timeout);
    if (rc != 0)
        return test_child_fail(22,
                               "lock (timeout %g) after the release gave %s",
                               r->timeout, ndshm_errname(rc));
    ndshm_array_close(a);
    return 0;
}

START_TEST(try_and_timed_locks_time_out)
{
    make_a();
    ndshm_array *h = test_open("a[2]", 0), *o = test_open("a", 0);
    lock_ok(h, NDSHM_LOCK_EXCLUSIVE, 0);
    lock_busy(o, NDSHM_LOCK_EXCLUSIVE, 0);
    lock_busy(o, NDSHM_LOCK_SHARED, 0);
    /* a timed lock gives up, and not before its time */
    double t0 = test_now();
    lock_busy(o, NDSHM_LOCK_EXCLUSIVE, 0.2);
    ck_assert_msg(test_now() - t0 >= 0.19, "a 0.2 s lock gave up after %g s",
                  test_now() - t0);
    lock_busy(o, NDSHM_LOCK_SHARED, 0.05);
    ck_assert_msg(strstr(ndshm_errmsg(), "'a'") != NULL &&
                      strstr(ndshm_errmsg(), "0.05") != NULL,
                  "message: %s", ndshm_errmsg());
    /* a timed or blocking waiter gets the lock once it is let go */
    double timeouts[2] = {30.0, -1.0};
    for (int k = 0; k < 2; k++) {
        struct releaser r = {{-1, -1}, timeouts[k]};
        test_pipe(r.trying);
        pid_t pid = test_spawn(late_locker, &r);
        ck_assert_int_eq(test_wait_byte(r.trying[0], TEST_GUARD_MS), 0);
        if (timeouts[k] < 0)
            wait_blocked(ndshm_array_path(h));
        unlock_ok(h);
        test_reap_ok(pid, "the waiting locker");
        lock_ok(h, NDSHM_LOCK_EXCLUSIVE, 0);
        test_pipe_close(r.trying);
    }
    ndshm_array_close(h);
    ndshm_array_close(o);
}
END_TEST

START_TEST(locks_convert)
{
    make_a();
    ndshm_array *h1 = test_open("a", 0), *h2 = test_open("a", 0),
                *h3 = test_open("a[3]", 0);
    lock_ok(h1, NDSHM_LOCK_SHARED, 0);
    lock_ok(h1, NDSHM_LOCK_EXCLUSIVE, 0); /* up: nobody else reads */
    lock_busy(h2, NDSHM_LOCK_SHARED, 0);
    probe("a[0, 0]", NDSHM_LOCK_SHARED, NDSHM_ETIMEDOUT);
    lock_ok(h1, NDSHM_LOCK_SHARED, 0); /* down: readers may join */
    lock_ok(h2, NDSHM_LOCK_SHARED, 0);
    probe("a[0, 0]", NDSHM_LOCK_SHARED, 0);
    /* up again is refused while h2 reads, and h1 keeps its shared lock */
    lock_busy(h1, NDSHM_LOCK_EXCLUSIVE, 0);
    lock_busy(h1, NDSHM_LOCK_EXCLUSIVE, 0.05);
    unlock_ok(h2);
    lock_busy(h3, NDSHM_LOCK_EXCLUSIVE, 0);
    lock_ok(h3, NDSHM_LOCK_SHARED, 0);
    probe("a[3]", NDSHM_LOCK_EXCLUSIVE, NDSHM_ETIMEDOUT);
    unlock_ok(h3);
    lock_ok(h1, NDSHM_LOCK_EXCLUSIVE, 0);
    probe("a[3]", NDSHM_LOCK_SHARED, NDSHM_ETIMEDOUT);
    /* a bad mode changes nothing */
    ck_assert_int_eq(ndshm_array_lock(h1, 3, 0), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_array_lock(h1, 0, 0), NDSHM_EINVAL);
    lock_busy(h2, NDSHM_LOCK_SHARED, 0);
    ndshm_array_close(h1);
    ndshm_array_close(h2);
    ndshm_array_close(h3);
}
END_TEST

START_TEST(unlock_and_close_release)
{
    make_a();
    ndshm_array *h1 = test_open("a[1:3]", 0), *h2 = test_open("a", 0);
    /* unlock without a lock is a no-op, twice */
    unlock_ok(h2);
    unlock_ok(h2);
    lock_ok(h1, NDSHM_LOCK_EXCLUSIVE, 0);
    lock_busy(h2, NDSHM_LOCK_SHARED, 0);
    unlock_ok(h1);
    unlock_ok(h1);
    lock_ok(h2, NDSHM_LOCK_EXCLUSIVE, 0);
    probe("a[2]", NDSHM_LOCK_SHARED, NDSHM_ETIMEDOUT);
    /* close releases (no child has inherited the handle) */
    ndshm_array_close(h2);
    probe("a[2]", NDSHM_LOCK_EXCLUSIVE, 0);
    lock_ok(h1, NDSHM_LOCK_SHARED, 0);
    ndshm_array *h3 = test_open("a[2, 2]", 0);
    lock_busy(h3, NDSHM_LOCK_EXCLUSIVE, 0);
    ndshm_array_close(h1);
    lock_ok(h3, NDSHM_LOCK_EXCLUSIVE, 0);
    ndshm_array_close(h3);
    ndshm_array_close(NULL);
}
END_TEST

START_TEST(readonly_handles_share_only)
{
    make_a();
    ck_assert_int_eq(
        ndshm_view_create(test_st, "rov", "a[1:]", NDSHM_READONLY), 0);
    ndshm_array *ro = test_open("a", NDSHM_READONLY),
                *rov = test_open("rov", 0), *w = test_open("a[2]", 0);
    ck_assert_int_eq(ndshm_array_readonly(rov), 1);
    ck_assert_int_eq(ndshm_array_lock(ro, NDSHM_LOCK_EXCLUSIVE, 0),
                     NDSHM_EREADONLY);
    ck_assert_msg(strstr(ndshm_errmsg(), "read-only") != NULL, "message: %s",
                  ndshm_errmsg());
    ck_assert_int_eq(ndshm_array_lock(rov, NDSHM_LOCK_EXCLUSIVE, -1),
                     NDSHM_EREADONLY);
    /* the refusals took nothing */
    lock_ok(w, NDSHM_LOCK_EXCLUSIVE, 0);
    unlock_ok(w);
    lock_ok(ro, NDSHM_LOCK_SHARED, 0);
    lock_ok(rov, NDSHM_LOCK_SHARED, 0);
    lock_busy(w, NDSHM_LOCK_EXCLUSIVE, 0);
    probe("a[3]", NDSHM_LOCK_EXCLUSIVE, NDSHM_ETIMEDOUT);
    /* a shared lock of a read-only handle cannot be converted up */
    ck_assert_int_eq(ndshm_array_lock(ro, NDSHM_LOCK_EXCLUSIVE, 0),
                     NDSHM_EREADONLY);
    unlock_ok(ro);
    lock_busy(w, NDSHM_LOCK_EXCLUSIVE, 0); /* rov still reads it */
    unlock_ok(rov);
    lock_ok(w, NDSHM_LOCK_EXCLUSIVE, 0);
    ndshm_array_close(ro);
    ndshm_array_close(rov);
    ndshm_array_close(w);
}
END_TEST

START_TEST(empty_window_locks_nothing)
{
    make_a();
    ndshm_array *all = test_open("a", 0), *e1 = test_open("a[1:1]", 0),
                *e2 = test_open("a[:, 3:3]", 0), *o = test_open("a", 0);
    ck_assert_int_eq(ndshm_array_size(e1), 0);
    ck_assert_int_eq(ndshm_array_size(e2), 0);
    lock_ok(all, NDSHM_LOCK_EXCLUSIVE, 0);
    /* granted at once however the array is held: there is nothing */
    lock_ok(e1, NDSHM_LOCK_EXCLUSIVE, 0);
    lock_ok(e2, NDSHM_LOCK_SHARED, 0);
    lock_ok(e2, NDSHM_LOCK_EXCLUSIVE, -1);
    probe("a[2:2]", NDSHM_LOCK_EXCLUSIVE, 0);
    unlock_ok(all);
    /* and held, they hold nothing */
    lock_ok(o, NDSHM_LOCK_EXCLUSIVE, 0);
    probe("a[1]", NDSHM_LOCK_SHARED, NDSHM_ETIMEDOUT);
    unlock_ok(o);
    probe("a[1]", NDSHM_LOCK_EXCLUSIVE, 0);
    unlock_ok(e1);
    unlock_ok(e2);
    ndshm_array_close(all);
    ndshm_array_close(e1);
    ndshm_array_close(e2);
    ndshm_array_close(o);
}
END_TEST

/* ---- no lost update ----------------------------------------------------- */

enum { ADDERS = 4, ADDS = 1000, WIN_R = 2, WIN_C = 4 };

/*
 * Adder k: ADDS times, take the exclusive lock of the window, read every
 * element, yield (inviting the others in if the lock did not keep them
 * out), write each back plus one, and let go.  Half go through
 * read/write, half through the data pointer and notify; half open the
 * view by name, half the same window as an expression; half wait for the
 * lock blocking, half with a timeout (the polling path).
 */
static int adder(void *arg)
{
    int k = (int)(intptr_t)arg;
    ndshm_array *w =
        test_child_open(test_dir, k % 2 ? "win" : "a[1:3, 2:6]", 0);
    if (w == NULL)
        return 30;
    double timeout = k / 2 % 2 ? 60.0 : -1.0;
    for (int n = 0; n < ADDS; n++) {
        int rc = ndshm_array_lock(w, NDSHM_LOCK_EXCLUSIVE, timeout);
        if (rc != 0)
            return test_child_lib_fail(31, "lock");
        if (k % 2 == 0) {
            int64_t buf[WIN_R][WIN_C];
            if (ndshm_array_read(w, buf, NULL) != 0)
                return test_child_lib_fail(32, "read");
            sched_yield();
            for (int i = 0; i < WIN_R; i++)
                for (int j = 0; j < WIN_C; j++)
                    buf[i][j]++;
            if (ndshm_array_write(w, buf, NULL) != 0)
                return test_child_lib_fail(33, "write");
        } else {
            int64_t v[WIN_R][WIN_C];
            for (int i = 0; i < WIN_R; i++)
                for (int j = 0; j < WIN_C; j++)
                    v[i][j] = *test_elem(w, i, j);
            sched_yield();
            for (int i = 0; i < WIN_R; i++)
                for (int j = 0; j < WIN_C; j++)
                    *test_elem(w, i, j) = v[i][j] + 1;
            ndshm_array_notify(w);
        }
        if (ndshm_array_unlock(w) != 0)
            return test_child_lib_fail(34, "unlock");
    }
    ndshm_array_close(w);
    return 0;
}

START_TEST(exclusive_lock_loses_no_update)
{
    make_a();
    ck_assert_int_eq(ndshm_view_create(test_st, "win", "a[1:3, 2:6]", 0), 0);
    pid_t pids[ADDERS];
    for (int k = 0; k < ADDERS; k++)
        pids[k] = test_spawn(adder, (void *)(intptr_t)k);
    for (int k = 0; k < ADDERS; k++)
        test_reap_ok(pids[k], "an adder");
    ndshm_array *a = test_open("a", NDSHM_READONLY);
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < COLS; j++) {
            int inside = i >= 1 && i < 3 && j >= 2 && j < 6;
            ck_assert_msg(*test_elem(a, i, j) == (inside ? ADDERS * ADDS : 0),
                          "a[%d, %d] is %lld, not %d", i, j,
                          (long long)*test_elem(a, i, j),
                          inside ? ADDERS * ADDS : 0);
        }
    /* every add was one write or one notify */
    ck_assert_uint_eq(ndshm_array_version(a), ADDERS * ADDS);
    ndshm_array_close(a);
}
END_TEST

/* ---- disjoint windows --------------------------------------------------- */

struct holder {
    const char *expr;
    int mode;
    int ready[2];   /* -> test: holding */
    int release[2]; /* test -> holder: let go (or just exit) */
};

/* Take the lock of expr and keep it until told (or killed). */
static int holder_child(void *arg)
{
    struct holder *h = arg;
    ndshm_array *a = test_child_open(test_dir, h->expr, 0);
    if (a == NULL)
        return 40;
    if (ndshm_array_lock(a, h->mode, 0) != 0)
        return test_child_lib_fail(41, "the holder's lock");
    if (test_send_byte(h->ready[1]) != 0)
        return test_child_fail(42, "cannot say ready");
    if (test_wait_byte(h->release[0], 2 * TEST_GUARD_MS) != 0)
        return test_child_fail(43, "never told to let go");
    ndshm_array_close(a);
    return 0;
}

static pid_t start_holder(struct holder *h, const char *expr, int mode)
{
    h->expr = expr;
    h->mode = mode;
    test_pipe(h->ready);
    test_pipe(h->release);
    pid_t pid = test_spawn(holder_child, h);
    ck_assert_msg(test_wait_byte(h->ready[0], TEST_GUARD_MS) == 0,
                  "the holder of '%s' never got its lock", expr);
    return pid;
}

static void stop_holder(struct holder *h, pid_t pid)
{
    ck_assert_int_eq(test_send_byte(h->release[1]), 0);
    test_reap_ok(pid, "the holder");
    test_pipe_close(h->ready);
    test_pipe_close(h->release);
}

START_TEST(disjoint_windows_do_not_wait)
{
    make_a();
    ck_assert_int_eq(ndshm_view_create(test_st, "row1", "a[1]", 0), 0);
    /* two processes each hold a row at once */
    struct holder h0, h1;
    pid_t p0 = start_holder(&h0, "a[0]", NDSHM_LOCK_EXCLUSIVE);
    pid_t p1 = start_holder(&h1, "row1", NDSHM_LOCK_EXCLUSIVE);
    /* rows 2 and 3, and the rest of the array past row 1, are free */
    probe("a[2]", NDSHM_LOCK_EXCLUSIVE, 0);
    probe("a[2:]", NDSHM_LOCK_EXCLUSIVE, 0);
    probe("a[3, ::-1]", NDSHM_LOCK_EXCLUSIVE, 0);
    probe("a[::-1][0]", NDSHM_LOCK_EXCLUSIVE, 0); /* row 3, reversed */
    probe("a[2:, 1::3]", NDSHM_LOCK_EXCLUSIVE, 0);
    /* anything reaching into rows 0 or 1 waits */
    probe("a[::-1][3]", NDSHM_LOCK_SHARED, NDSHM_ETIMEDOUT); /* row 0 */
    probe("a[0, 7]", NDSHM_LOCK_SHARED, NDSHM_ETIMEDOUT);
    probe("a[1, 0]", NDSHM_LOCK_SHARED, NDSHM_ETIMEDOUT);
    probe("a[:, 5]", NDSHM_LOCK_SHARED, NDSHM_ETIMEDOUT); /* a column */
    probe("a[1:]", NDSHM_LOCK_SHARED, NDSHM_ETIMEDOUT);
    probe("a.T[7]", NDSHM_LOCK_SHARED, NDSHM_ETIMEDOUT);
    /* interleaved windows share a range: a[::2] spans rows 0 to 2 */
    probe("a[::2]", NDSHM_LOCK_SHARED, NDSHM_ETIMEDOUT);
    stop_holder(&h1, p1);
    probe("a[1]", NDSHM_LOCK_EXCLUSIVE, 0);
    probe("a[1::2]", NDSHM_LOCK_EXCLUSIVE, 0); /* rows 1 to 3 */
    probe("a[::2]", NDSHM_LOCK_SHARED, NDSHM_ETIMEDOUT);
    stop_holder(&h0, p0);
    probe("a", NDSHM_LOCK_EXCLUSIVE, 0);
}
END_TEST

/* ---- killed holders ----------------------------------------------------- */

struct blocked {
    const char *expr;
    int mode;
    int trying[2];
};

/* Wait for ever for a lock the (doomed) holder has. */
static int blocked_locker(void *arg)
{
    struct blocked *b = arg;
    ndshm_array *a = test_child_open(test_dir, b->expr, 0);
    if (a == NULL)
        return 50;
    if (test_send_byte(b->trying[1]) != 0)
        return test_child_fail(51, "cannot say trying");
    int rc = ndshm_array_lock(a, b->mode, -1);
    if (rc != 0)
        return test_child_lib_fail(52, "blocking lock");
    ndshm_array_close(a);
    return 0;
}

START_TEST(killed_holder_releases)
{
    make_a();
    ndshm_array *o = test_open("a[1:3]", 0), *path_of = test_open("a", 0);
    int modes[2] = {NDSHM_LOCK_EXCLUSIVE, NDSHM_LOCK_SHARED};
    for (int m = 0; m < 2; m++) {
        struct holder h;
        pid_t hp = start_holder(&h, "a[1:3]", modes[m]);
        lock_busy(o, NDSHM_LOCK_EXCLUSIVE, 0);
        /* a process already blocked on it gets it when the holder dies */
        struct blocked b = {"a[2, 4]", NDSHM_LOCK_EXCLUSIVE, {-1, -1}};
        test_pipe(b.trying);
        pid_t bp = test_spawn(blocked_locker, &b);
        ck_assert_int_eq(test_wait_byte(b.trying[0], TEST_GUARD_MS), 0);
        wait_blocked(ndshm_array_path(path_of));
        ck_assert_int_eq(waitpid(bp, NULL, WNOHANG), 0);
        test_kill_and_reap(hp, "the holder");
        test_reap_ok(bp, "the process blocked on the dead holder's lock");
        lock_ok(o, NDSHM_LOCK_EXCLUSIVE, 10);
        unlock_ok(o);
        test_pipe_close(h.ready);
        test_pipe_close(h.release);
        test_pipe_close(b.trying);
    }
    ndshm_array_close(o);
    ndshm_array_close(path_of);
}
END_TEST

struct forking_holder {
    int ready[2];
    int child_done[2]; /* the holder's child waits on this (never written) */
};

/*
 * Lock a[1], then fork a child that never touches ndshm (a worker, say)
 * and lives on; hold until killed.
 */
static int forking_holder(void *arg)
{
    struct forking_holder *f = arg;
    ndshm_array *a = test_child_open(test_dir, "a[1]", 0);
    if (a == NULL)
        return 60;
    if (ndshm_array_lock(a, NDSHM_LOCK_EXCLUSIVE, 0) != 0)
        return test_child_lib_fail(61, "the holder's lock");
    pid_t worker = fork();
    if (worker < 0)
        return test_child_fail(62, "fork: %s", strerror(errno));
    if (worker == 0) {
        /* ends when the test closes its end of the pipe, or after the
         * hang guard */
        struct pollfd p = {f->child_done[0], POLLIN, 0};
        close(f->child_done[1]);
        poll(&p, 1, 2 * TEST_GUARD_MS);
        _exit(0);
    }
    if (test_send_byte(f->ready[1]) != 0)
        return test_child_fail(63, "cannot say ready");
    for (;;)
        pause();
}

/*
 * The kernel releases a lock when its holder dies, even if the holder had
 * forked: a fork child cannot use the handle (NDSHM_EFORKED) and must not
 * keep its lock.
 */
START_TEST(killed_holder_with_a_forked_child_releases)
{
    make_a();
    ndshm_array *o = test_open("a[1]", 0);
    struct forking_holder f;
    test_pipe(f.ready);
    test_pipe(f.child_done);
    pid_t hp = test_spawn(forking_holder, &f);
    ck_assert_int_eq(test_wait_byte(f.ready[0], TEST_GUARD_MS), 0);
    close(f.child_done[0]);
    lock_busy(o, NDSHM_LOCK_EXCLUSIVE, 0);
    test_kill_and_reap(hp, "the holder");
    /* the holder's child lives on (until we close child_done) */
    int rc = ndshm_array_lock(o, NDSHM_LOCK_EXCLUSIVE, 2.0);
    close(f.child_done[1]); /* the orphaned worker exits */
    ck_assert_msg(rc == 0,
                  "the lock of a killed holder stays held while a child it "
                  "forked lives (lock gave %s)",
                  ndshm_errname(rc));
    ndshm_array_close(o);
}
END_TEST

/* ---- handles whose name went -------------------------------------------- */

static int recreate_a(void *arg)
{
    (void)arg;
    ndshm_store *st;
    if (ndshm_store_open(&st, test_dir, 0) != 0)
        return test_child_lib_fail(65, "store");
    const int64_t shape[2] = {ROWS, COLS};
    if (ndshm_remove(st, "a") != 0)
        return test_child_lib_fail(66, "remove a");
    if (ndshm_array_create(st, "a", NDSHM_INT64, 2, shape, NULL, 0) != 0)
        return test_child_lib_fail(67, "create a again");
    ndshm_store_close(st);
    return 0;
}

/* A lock taken before another process removed and re-created the name
 * stays held on the old data, and does not reach the new array. */
START_TEST(lock_taken_before_removal_holds)
{
    make_a();
    ndshm_array *h1 = test_open("a", 0), *h2 = test_open("a[2]", 0);
    /* h2 locks once first: see lock_after_removal for why */
    lock_ok(h2, NDSHM_LOCK_SHARED, 0);
    unlock_ok(h2);
    lock_ok(h1, NDSHM_LOCK_EXCLUSIVE, 0);
    test_child_ok(recreate_a, NULL, "the process re-creating a");
    ck_assert_int_eq(ndshm_array_stale(h1), 1);
    lock_busy(h2, NDSHM_LOCK_SHARED, 0);
    ndshm_array *fresh = test_open("a", 0);
    ck_assert_uint_ne(ndshm_array_id(fresh), ndshm_array_id(h1));
    lock_ok(fresh, NDSHM_LOCK_EXCLUSIVE, 0);
    probe("a[2]", NDSHM_LOCK_SHARED, NDSHM_ETIMEDOUT); /* fresh's */
    unlock_ok(h1);
    lock_ok(h2, NDSHM_LOCK_SHARED, 0);
    ndshm_array_close(h1);
    ndshm_array_close(h2);
    ndshm_array_close(fresh);
}
END_TEST

/*
 * A handle keeps its data after its name is removed or re-created, and
 * processes still sharing that data still need its locks.
 */
START_TEST(lock_after_removal)
{
    make_a();
    ndshm_array *h1 = test_open("a", 0), *h2 = test_open("a[2]", 0),
                *early = test_open("a[3]", 0);
    lock_ok(early, NDSHM_LOCK_SHARED, 0);
    unlock_ok(early);
    ck_assert_int_eq(ndshm_remove(test_st, "a"), 0);
    make_a(); /* a new array under the old name: other locks */
    ndshm_array *fresh = test_open("a", 0);
    lock_ok(fresh, NDSHM_LOCK_EXCLUSIVE, 0);
    /* a handle that had locked before the removal can lock again */
    lock_ok(early, NDSHM_LOCK_EXCLUSIVE, 0);
    unlock_ok(early);
    /* and so can one that never had */
    int rc = ndshm_array_lock(h1, NDSHM_LOCK_EXCLUSIVE, 0);
    ck_assert_msg(rc == 0,
                  "a handle whose name was removed cannot lock its data: "
                  "%s (%s)",
                  ndshm_errname(rc), ndshm_errmsg());
    lock_busy(h2, NDSHM_LOCK_SHARED, 0);
    unlock_ok(h1);
    lock_ok(h2, NDSHM_LOCK_SHARED, 0);
    ndshm_array_close(h1);
    ndshm_array_close(h2);
    ndshm_array_close(early);
    ndshm_array_close(fresh);
}
END_TEST

/* ---- the tool's set ----------------------------------------------------- */

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void expect_row0(ndshm_array *a, const int64_t want[COLS])
{
    for (int j = 0; j < COLS; j++)
        ck_assert_msg(*test_elem(a, 0, j) == want[j],
                      "a[0, %d] is %lld, not %lld", j,
                      (long long)*test_elem(a, 0, j), (long long)want[j]);
}

struct set_holder {
    int ready[2];   /* holder -> test: holding a[0] */
    int release[2]; /* test -> holder: check, mark, let go */
};

/*
 * Hold the exclusive lock of a[0] until told; then check nobody wrote
 * a[0] meanwhile, write the marker 1 into it, and only then let go.
 */
static int set_holder_child(void *arg)
{
    struct set_holder *h = arg;
    ndshm_array *a = test_child_open(test_dir, "a[0]", 0);
    if (a == NULL)
        return 70;
    if (ndshm_array_lock(a, NDSHM_LOCK_EXCLUSIVE, 0) != 0)
        return test_child_lib_fail(71, "the holder's lock");
    if (test_send_byte(h->ready[1]) != 0)
        return test_child_fail(72, "cannot say ready");
    if (test_wait_byte(h->release[0], 2 * TEST_GUARD_MS) != 0)
        return test_child_fail(73, "never told to let go");
    volatile int64_t *row = ndshm_array_data(a);
    for (int j = 0; j < COLS; j++)
        if (row[j] != 0)
            return test_child_fail(74, "a[0, %d] became %lld while locked", j,
                                   (long long)row[j]);
    int64_t one = 1;
    if (ndshm_array_fill(a, &one) != 0)
        return test_child_lib_fail(75, "the marker");
    if (ndshm_array_unlock(a) != 0)
        return test_child_lib_fail(76, "unlock");
    ndshm_array_close(a);
    return 0;
}

START_TEST(cli_set_takes_the_lock)
{
    if (!test_have_tool("cli_set_takes_the_lock"))
        return;
    make_a();
    ndshm_array *a = test_open("a", NDSHM_READONLY);
    const int64_t zeros[COLS] = {0};
    struct set_holder h;
    test_pipe(h.ready);
    test_pipe(h.release);
    pid_t hp = test_spawn(set_holder_child, &h);
    ck_assert_int_eq(test_wait_byte(h.ready[0], TEST_GUARD_MS), 0);
    uint64_t v0 = ndshm_array_version(a);

    /* while held: exit 3, one line on stderr, nothing written */
    const char *const *cases[] = {
        (const char *const[]){"set", "a[0]", "5", "--timeout", "0.2", NULL},
        (const char *const[]){"set", "a[0, 3:5]", "5", "-t", "0", NULL},
        (const char *const[]){"set", "a", "[1, 2, 3, 4, 5, 6, 7, 8]",
                              "--timeout=0.1", NULL},
        (const char *const[]){"set", "a[:, 7]", "5", "-t", "0", NULL},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        struct test_run r;
        test_tool_run(&r, test_dir, cases[c]);
        ck_assert_msg(r.status == 3,
                      "'ndshm set %s' under the lock exited "
                      "%d, not 3 (stderr: %s)",
                      cases[c][1], r.status, r.err);
        ck_assert_str_eq(r.out, "");
        ck_assert_msg(count_lines(r.err) == 1 &&
                          strncmp(r.err, "ndshm set: cannot set '", 23) == 0,
                      "stderr: %s", r.err);
        expect_row0(a, zeros);
        ck_assert_uint_eq(ndshm_array_version(a), v0);
    }
    /* a disjoint row is written at once */
    struct test_run r;
    test_tool_run(
        &r, test_dir,
        (const char *const[]){"set", "a[1]", "6", "--timeout", "0", NULL});
    ck_assert_msg(r.status == 0, "set a[1]: %d %s", r.status, r.err);
    ck_assert_int_eq(*test_elem(a, 1, 0), 6);
    ck_assert_int_eq(*test_elem(a, 1, 7), 6);
    ck_assert_uint_eq(ndshm_array_version(a), v0 + 1);

    /* without a timeout, set waits; it writes after the holder let go */
    struct test_run bg;
    test_tool_start(&bg, test_dir,
                    (const char *const[]){"set", "a[0, 2:5]", "7", NULL});
    wait_blocked(ndshm_array_path(a));
    ck_assert_msg(waitpid(bg.pid, NULL, WNOHANG) == 0,
                  "set did not wait for the lock");
    expect_row0(a, zeros);
    ck_assert_int_eq(test_send_byte(h.release[1]), 0);
    test_reap_ok(hp, "the holder (which checks a[0] stayed untouched)");
    test_tool_finish(&bg);
    ck_assert_msg(bg.status == 0, "the waiting set exited %d: %s", bg.status,
                  bg.err);
    const int64_t after[COLS] = {1, 1, 7, 7, 7, 1, 1, 1};
    expect_row0(a, after);
    ck_assert_uint_eq(ndshm_array_version(a), v0 + 3);

    /* released: a timed set succeeds */
    test_tool_run(
        &r, test_dir,
        (const char *const[]){"set", "a[0]", "9", "--timeout", "0.2", NULL});
    ck_assert_msg(r.status == 0, "set after release: %d %s", r.status, r.err);
    ck_assert_int_eq(*test_elem(a, 0, 4), 9);
    ndshm_array_close(a);
    test_pipe_close(h.ready);
    test_pipe_close(h.release);
}
END_TEST

/* set holds its lock while it writes: a reader's shared lock never sees a
 * half-written window. */
struct reader_arg {
    int stop[2];
};

static int locked_reader(void *arg)
{
    struct reader_arg *ra = arg;
    ndshm_array *a = test_child_open(test_dir, "a", NDSHM_READONLY);
    if (a == NULL)
        return 80;
    int rounds = 0;
    for (;;) {
        struct pollfd p = {ra->stop[0], POLLIN, 0};
        if (poll(&p, 1, 0) == 1 && rounds > 0)
            break;
        if (ndshm_array_lock(a, NDSHM_LOCK_SHARED, 30) != 0)
            return test_child_lib_fail(81, "shared lock");
        int64_t first = *test_elem(a, 0, 0);
        for (int i = 0; i < ROWS; i++)
            for (int j = 0; j < COLS; j++)
                if (*test_elem(a, i, j) != first)
                    return test_child_fail(82,
                                           "under a shared lock a[%d, %d] is "
                                           "%lld but a[0, 0] is %lld",
                                           i, j,
                                           (long long)*test_elem(a, i, j),
                                           (long long)first);
        if (ndshm_array_unlock(a) != 0)
            return test_child_lib_fail(83, "unlock");
        rounds++;
    }
    ndshm_array_close(a);
    return 0;
}

START_TEST(cli_set_writes_whole_windows_under_lock)
{
    if (!test_have_tool("cli_set_writes_whole_windows_under_lock"))
        return;
    make_a();
    struct reader_arg ra;
    test_pipe(ra.stop);
    pid_t rp = test_spawn(locked_reader, &ra);
    for (int n = 1; n <= 20; n++) {
        char v[16];
        snprintf(v, sizeof v, "%d", n);
        struct test_run r;
        test_tool_run(&r, test_dir,
                      (const char *const[]){"set", "a", v, NULL});
        ck_assert_msg(r.status == 0, "set a %d: %d %s", n, r.status, r.err);
    }
    ck_assert_int_eq(test_send_byte(ra.stop[1]), 0);
    test_reap_ok(rp, "the reader under shared locks");
}
END_TEST

static Suite *locks_suite(void)
{
    Suite *s = suite_create("locks");
    TCase *tc = test_store_tcase("modes", 60);
    tcase_add_test(tc, shared_locks_coexist);
    tcase_add_test(tc, exclusive_excludes_everyone);
    tcase_add_test(tc, try_and_timed_locks_time_out);
    tcase_add_test(tc, locks_convert);
    tcase_add_test(tc, unlock_and_close_release);
    tcase_add_test(tc, readonly_handles_share_only);
    tcase_add_test(tc, empty_window_locks_nothing);
    suite_add_tcase(s, tc);

    tc = test_store_tcase("processes", 60);
    tcase_add_test(tc, exclusive_lock_loses_no_update);
    tcase_add_test(tc, disjoint_windows_do_not_wait);
    tcase_add_test(tc, killed_holder_releases);
    tcase_add_test(tc, killed_holder_with_a_forked_child_releases);
    tcase_add_test(tc, lock_taken_before_removal_holds);
    tcase_add_test(tc, lock_after_removal);
    suite_add_tcase(s, tc);

    tc = test_store_tcase("tool", 60);
    tcase_add_test(tc, cli_set_takes_the_lock);
    tcase_add_test(tc, cli_set_writes_whole_windows_under_lock);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    /* CK_VERBOSITY=verbose lists each test */
    return test_run_suite(locks_suite(), CK_ENV);
}
