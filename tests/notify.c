/*
 * notify.c -- change notification: the per-array version counter in the
 * data file's control block, and waiting on it (ndshm_array_wait, and the
 * tool's wait), with real processes:
 *
 *  - the version moves by exactly one per write, fill and notify, through
 *    any handle of the array (base, views, expressions), and not at all
 *    for reads, locks, refused writes or a read-only handle's notify;
 *  - a waiter in another process wakes for each change, one by one: every
 *    write is paired with the waiter's acknowledgement over a pipe, while
 *    the values themselves travel only through shared memory; some writes
 *    land while the waiter sleeps, some before it calls wait;
 *  - writes made while a waiter is busy elsewhere are not missed: its next
 *    wait on the version it last saw returns at once (timeout 0);
 *  - a wait on a view wakes for writes through the base and other views,
 *    not for another array's;
 *  - read-only handles wait; a timeout returns NDSHM_ETIMEDOUT with the
 *    unchanged version; many waiters all wake on one change;
 *  - the tool: 'ndshm wait' wakes on 'ndshm set' (and on the library's
 *    writes) and prints the new version, the library's waiter wakes on
 *    'ndshm set', '--since V' returns at once once the version moved, and
 *    '--timeout' exits 3 with a one-line error.
 *
 * Whether a waiter sleeps is read from the control block's waiters count
 * (docs/FORMAT.md), so that no step depends on timing: time limits here
 * are hang guards only.  The array "a" is int64 of shape (8,).
 */
#define _GNU_SOURCE
#include "config.h"

#include <check.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ndshm.h"
#include "testproc.h"
#include "testutil.h"

enum { N = 8 };

/* ---- plumbing ----------------------------------------------------------- */

static void make_array(const char *name)
{
    const int64_t shape[1] = {N};
    ck_assert_msg(
        ndshm_array_create(test_st, name, NDSHM_INT64, 1, shape, NULL, 0) == 0,
        "create %s: %s", name, ndshm_errmsg());
}

static int64_t elem0(const ndshm_array *a)
{
    return *(volatile const int64_t *)ndshm_array_data(a);
}

/* Wait (bounded) until at least n processes wait on path's version. */
static void await_waiters(const char *path, long n)
{
    ck_assert_msg(test_await_waiters(path, n, TEST_GUARD_MS) == 0,
                  "%ld waiter(s) never came to wait", n);
}

/* ---- counting ----------------------------------------------------------- */

START_TEST(versions_count_every_change)
{
    make_array("a");
    make_array("b");
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[::2]", 0), 0);
    ck_assert_int_eq(ndshm_view_create(test_st, "ro", "a[1:]", NDSHM_READONLY),
                     0);
    ndshm_array *a = test_open("a", 0), *v = test_open("v", 0),
                *x = test_open("a[2:5]", 0), *ro = test_open("ro", 0),
                *rh = test_open("a", NDSHM_READONLY), *b = test_open("b", 0);
    ndshm_array *all[] = {a, v, x, ro, rh};
    uint64_t want = ndshm_array_version(a);
    ck_assert_uint_eq(want, 0);
    int64_t buf[N] = {1, 2, 3, 4, 5, 6, 7, 8}, one = 1;

    ck_assert_int_eq(ndshm_array_write(a, buf, NULL), 0);
    want++;
    ck_assert_int_eq(ndshm_array_fill(a, &one), 0);
    want++;
    ndshm_array_notify(a);
    want++;
    ck_assert_int_eq(ndshm_array_write(v, buf, NULL), 0);
    want++;
    ck_assert_int_eq(ndshm_array_fill(x, &one), 0);
    want++;
    ndshm_array_notify(x);
    want++;
    /* a strided source and a broadcast one are still one write each */
    const int64_t stride2[1] = {16}, stride0[1] = {0};
    ck_assert_int_eq(ndshm_array_write(x, buf, stride2), 0);
    want++;
    ck_assert_int_eq(ndshm_array_write(v, &one, stride0), 0);
    want++;
    for (size_t k = 0; k < sizeof all / sizeof *all; k++)
        ck_assert_uint_eq(ndshm_array_version(all[k]), want);

    /* what changes nothing counts nothing */
    ndshm_array_notify(ro);
    ndshm_array_notify(rh);
    ck_assert_int_eq(ndshm_array_write(ro, buf, NULL), NDSHM_EREADONLY);
    ck_assert_int_eq(ndshm_array_fill(rh, &one), NDSHM_EREADONLY);
    ck_assert_int_eq(ndshm_array_write(a, NULL, NULL), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_array_fill(a, NULL), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_array_read(a, buf, NULL), 0);
    ck_assert_int_eq(ndshm_array_lock(a, NDSHM_LOCK_EXCLUSIVE, 0), 0);
    ck_assert_int_eq(ndshm_array_unlock(a), 0);
    *(volatile int64_t *)ndshm_array_data(a) = 99; /* not notified */
    for (size_t k = 0; k < sizeof all / sizeof *all; k++)
        ck_assert_uint_eq(ndshm_array_version(all[k]), want);

    /* one counter per data file: b's is its own */
    ck_assert_uint_eq(ndshm_array_version(b), 0);
    ck_assert_int_eq(ndshm_array_fill(b, &one), 0);
    ck_assert_uint_eq(ndshm_array_version(b), 1);
    ck_assert_uint_eq(ndshm_array_version(a), want);

    /* a handle opened later, and a copy, start from what is there */
    ndshm_array *late = test_open("a[7]", NDSHM_READONLY);
    ck_assert_uint_eq(ndshm_array_version(late), want);
    ck_assert_int_eq(ndshm_copy(test_st, "c", "a", 0), 0);
    ndshm_array *c = test_open("c", 0);
    ck_assert_uint_eq(ndshm_array_version(c), 0);
    ck_assert_uint_eq(ndshm_array_version(a), want);
    for (size_t k = 0; k < sizeof all / sizeof *all; k++)
        ndshm_array_close(all[k]);
    ndshm_array_close(b);
    ndshm_array_close(late);
    ndshm_array_close(c);
}
END_TEST

/* ---- one waiter, one writer --------------------------------------------- */

enum { ROUNDS = 300 };

struct pairing {
    int ready[2]; /* waiter -> test, once */
    int ack[2];   /* waiter -> test, after each wake */
};

/* Wake for each change, see its value, acknowledge it. */
static int pair_waiter(void *arg)
{
    struct pairing *p = arg;
    ndshm_array *a = test_child_open(test_dir, "a", NDSHM_READONLY);
    if (a == NULL)
        return 10;
    uint64_t seen = ndshm_array_version(a);
    if (test_send_byte(p->ready[1]) != 0)
        return test_child_fail(11, "cannot say ready");
    for (int64_t k = 1; k <= ROUNDS; k++) {
        uint64_t v = 0;
        int rc = ndshm_array_wait(a, seen, TEST_GUARD_S, &v);
        if (rc != 0)
            return test_child_fail(12, "round %lld: wait gave %s (%s)",
                                   (long long)k, ndshm_errname(rc),
                                   ndshm_errmsg());
        if (v != seen + 1)
            return test_child_fail(13, "round %lld: version %llu after %llu",
                                   (long long)k, (unsigned long long)v,
                                   (unsigned long long)seen);
        if (ndshm_array_version(a) != v)
            return test_child_fail(14,
                                   "round %lld: wait said %llu, version is "
                                   "%llu",
                                   (long long)k, (unsigned long long)v,
                                   (unsigned long long)ndshm_array_version(a));
        if (elem0(a) != k)
            return test_child_fail(15, "round %lld: woke to a[0] = %lld",
                                   (long long)k, (long long)elem0(a));
        seen = v;
        if (test_send_byte(p->ack[1]) != 0)
            return test_child_fail(16, "cannot ack");
    }
    ndshm_array_close(a);
    return 0;
}

START_TEST(waiter_wakes_for_each_write)
{
    make_array("a");
    ck_assert_int_eq(ndshm_view_create(test_st, "lo", "a[:2]", 0), 0);
    ndshm_array *a = test_open("a", 0), *head = test_open("a[:4]", 0),
                *lo = test_open("lo", 0), *first = test_open("a[0]", 0);
    struct pairing p;
    test_pipe(p.ready);
    test_pipe(p.ack);
    pid_t w = test_spawn(pair_waiter, &p);
    ck_assert_int_eq(test_wait_byte(p.ready[0], TEST_GUARD_MS), 0);
    for (int64_t k = 1; k <= ROUNDS; k++) {
        /* every other write lands while the waiter sleeps; the rest may
         * land before it calls wait again, which must not miss them */
        if (k % 2)
            await_waiters(ndshm_array_path(a), 1);
        int64_t four[4] = {k, k, k, k};
        switch (k % 4) {
        case 0: ck_assert_int_eq(ndshm_array_fill(a, &k), 0); break;
        case 1:
            ck_assert_int_eq(ndshm_array_write(head, four, NULL), 0);
            break;
        case 2: ck_assert_int_eq(ndshm_array_fill(lo, &k), 0); break;
        case 3:
            *(volatile int64_t *)ndshm_array_data(first) = k;
            ndshm_array_notify(first);
            break;
        }
        ck_assert_msg(test_wait_byte(p.ack[0], TEST_GUARD_MS) == 0,
                      "the waiter never acknowledged write %lld",
                      (long long)k);
    }
    test_reap_ok(w, "the waiter");
    ck_assert_uint_eq(ndshm_array_version(a), ROUNDS);
    test_pipe_close(p.ready);
    test_pipe_close(p.ack);
    ndshm_array_close(a);
    ndshm_array_close(head);
    ndshm_array_close(lo);
    ndshm_array_close(first);
}
END_TEST

/* ---- writes while the waiter is busy ------------------------------------ */

enum { BUSY_ROUNDS = 60 };

struct busy {
    int ready[2]; /* waiter -> test: has read its version, now busy */
    int done[2];  /* test -> waiter: the writes are made */
    int ack[2];   /* waiter -> test: checked */
};

/* How many writes the test makes in round r while the waiter is busy. */
static int writes_in(int r)
{
    return r % 4;
}

static int busy_waiter(void *arg)
{
    struct busy *b = arg;
    ndshm_array *a = test_child_open(test_dir, "a[4:]", NDSHM_READONLY);
    if (a == NULL)
        return 20;
    int64_t last = 0;
    for (int r = 1; r <= BUSY_ROUNDS; r++) {
        uint64_t seen = ndshm_array_version(a);
        if (test_send_byte(b->ready[1]) != 0 ||
            test_wait_byte(b->done[0], TEST_GUARD_MS) != 0)
            return test_child_fail(21, "round %d: no word from the test", r);
        /* the writes happened before this call: it must not sleep */
        uint64_t v = 424242;
        int rc = ndshm_array_wait(a, seen, 0, &v);
        int m = writes_in(r);
        if (m == 0) {
            if (rc != NDSHM_ETIMEDOUT || v != seen)
                return test_child_fail(22,
                                       "round %d: no write, yet wait gave "
                                       "%s and version %llu (saw %llu)",
                                       r, ndshm_errname(rc),
                                       (unsigned long long)v,
                                       (unsigned long long)seen);
        } else {
            if (rc != 0)
                return test_child_fail(23,
                                       "round %d: %d write(s) missed: wait "
                                       "gave %s",
                                       r, m, ndshm_errname(rc));
            if (v != seen + (uint64_t)m)
                return test_child_fail(24,
                                       "round %d: version %llu after %llu "
                                       "and %d writes",
                                       r, (unsigned long long)v,
                                       (unsigned long long)seen, m);
            last = r * 10 + m;
        }
        if (elem0(a) != last)
            return test_child_fail(25, "round %d: a[4] is %lld, not %lld", r,
                                   (long long)elem0(a), (long long)last);
        /* and once seen, the same version waits again */
        if (ndshm_array_wait(a, v, 0, &v) != NDSHM_ETIMEDOUT)
            return test_child_fail(26,
                                   "round %d: nothing changed, yet wait on "
                                   "the new version returned",
                                   r);
        if (test_send_byte(b->ack[1]) != 0)
            return test_child_fail(27, "cannot ack");
    }
    ndshm_array_close(a);
    return 0;
}

START_TEST(changes_while_busy_are_not_missed)
{
    make_array("a");
    ndshm_array *a = test_open("a", 0), *tail = test_open("a[4:]", 0);
    struct busy b;
    test_pipe(b.ready);
    test_pipe(b.done);
    test_pipe(b.ack);
    pid_t w = test_spawn(busy_waiter, &b);
    for (int r = 1; r <= BUSY_ROUNDS; r++) {
        ck_assert_int_eq(test_wait_byte(b.ready[0], TEST_GUARD_MS), 0);
        for (int k = 1; k <= writes_in(r); k++) {
            int64_t val = r * 10 + k;
            if (k % 2)
                ck_assert_int_eq(ndshm_array_fill(tail, &val), 0);
            else
                ck_assert_int_eq(ndshm_array_fill(a, &val), 0);
        }
        ck_assert_int_eq(test_send_byte(b.done[1]), 0);
        ck_assert_msg(test_wait_byte(b.ack[0], TEST_GUARD_MS) == 0,
                      "the busy waiter failed round %d", r);
    }
    test_reap_ok(w, "the busy waiter");
    test_pipe_close(b.ready);
    test_pipe_close(b.done);
    test_pipe_close(b.ack);
    ndshm_array_close(a);
    ndshm_array_close(tail);
}
END_TEST

/* ---- views share the version -------------------------------------------- */

enum { VIEW_ROUNDS = 40 };

static int view_waiter(void *arg)
{
    struct pairing *p = arg;
    ndshm_array *v =
        test_child_open(test_dir, "left", 0); /* a read-only view */
    if (v == NULL)
        return 30;
    if (!ndshm_array_readonly(v))
        return test_child_fail(31, "left is not read-only");
    uint64_t seen = ndshm_array_version(v);
    if (test_send_byte(p->ready[1]) != 0)
        return test_child_fail(32, "cannot say ready");
    for (int k = 1; k <= VIEW_ROUNDS; k++) {
        uint64_t now;
        int rc = ndshm_array_wait(v, seen, TEST_GUARD_S, &now);
        if (rc != 0 || now != seen + 1)
            return test_child_fail(33,
                                   "round %d: wait gave %s, version %llu "
                                   "after %llu",
                                   k, ndshm_errname(rc),
                                   (unsigned long long)now,
                                   (unsigned long long)seen);
        seen = now;
        if (test_send_byte(p->ack[1]) != 0)
            return test_child_fail(34, "cannot ack");
    }
    /* the test now writes another array: no change here */
    if (test_wait_byte(p->ready[0], TEST_GUARD_MS) != 0)
        return test_child_fail(35, "no word that b was written");
    uint64_t now;
    int rc = ndshm_array_wait(v, seen, 0, &now);
    if (rc != NDSHM_ETIMEDOUT || now != seen)
        return test_child_fail(36,
                               "a write to b woke a waiter on a (%s, %llu)",
                               ndshm_errname(rc), (unsigned long long)now);
    ndshm_array_close(v);
    return 0;
}

START_TEST(views_share_the_version)
{
    make_array("a");
    make_array("b");
    ck_assert_int_eq(
        ndshm_view_create(test_st, "left", "a[:4]", NDSHM_READONLY), 0);
    ck_assert_int_eq(ndshm_view_create(test_st, "right", "a[4:]", 0), 0);
    ndshm_array *a = test_open("a", 0), *right = test_open("right", 0),
                *odd = test_open("a[1::2]", 0), *b = test_open("b", 0);
    ndshm_array *writers[] = {a, right, odd};
    struct pairing p;
    int to_waiter[2];
    test_pipe(p.ready);
    test_pipe(p.ack);
    test_pipe(to_waiter);
    /* the waiter reads "ready" from its own pipe at the end */
    struct pairing wp = {{to_waiter[0], p.ready[1]}, {p.ack[0], p.ack[1]}};
    pid_t w = test_spawn(view_waiter, &wp);
    ck_assert_int_eq(test_wait_byte(p.ready[0], TEST_GUARD_MS), 0);
    for (int k = 1; k <= VIEW_ROUNDS; k++) {
        if (k % 2)
            await_waiters(ndshm_array_path(a), 1);
        ndshm_array *x = writers[k % 3];
        int64_t val = k;
        if (k % 4 == 3) {
            *(volatile int64_t *)ndshm_array_data(x) = val;
            ndshm_array_notify(x);
        } else {
            ck_assert_int_eq(ndshm_array_fill(x, &val), 0);
        }
        ck_assert_msg(test_wait_byte(p.ack[0], TEST_GUARD_MS) == 0,
                      "the view's waiter missed write %d", k);
    }
    int64_t one = 1;
    ck_assert_int_eq(ndshm_array_fill(b, &one), 0);
    ndshm_array_notify(b);
    ck_assert_int_eq(test_send_byte(to_waiter[1]), 0);
    test_reap_ok(w, "the view's waiter");
    test_pipe_close(p.ready);
    test_pipe_close(p.ack);
    test_pipe_close(to_waiter);
    for (size_t k = 0; k < 3; k++)
        ndshm_array_close(writers[k]);
    ndshm_array_close(b);
}
END_TEST

/* ---- timeouts ----------------------------------------------------------- */

START_TEST(timeout_leaves_the_version)
{
    make_array("a");
    ndshm_array *a = test_open("a", 0),
                *r = test_open("a[3:]", NDSHM_READONLY);
    int64_t one = 1;
    ck_assert_int_eq(ndshm_array_fill(a, &one), 0);
    ck_assert_int_eq(ndshm_array_fill(a, &one), 0);
    uint64_t cur = ndshm_array_version(a), v;
    ck_assert_uint_eq(cur, 2);
    double timeouts[] = {0.0, 0.05, 1e-9};
    for (size_t k = 0; k < 3; k++) {
        v = 777;
        ck_assert_int_eq(ndshm_array_wait(r, cur, timeouts[k], &v),
                         NDSHM_ETIMEDOUT);
        ck_assert_uint_eq(v, cur);
        ck_assert_msg(strstr(ndshm_errmsg(), "'a'") != NULL &&
                          strstr(ndshm_errmsg(), "did not change") != NULL,
                      "message: %s", ndshm_errmsg());
        ck_assert_int_eq(ndshm_array_wait(a, cur, timeouts[k], NULL),
                         NDSHM_ETIMEDOUT);
    }
    /* a version other than now (older, or never reached) returns at once,
     * whatever the timeout, even for ever */
    uint64_t others[] = {0, 1, cur + 1, UINT64_MAX};
    for (size_t k = 0; k < 4; k++) {
        v = 777;
        ck_assert_int_eq(ndshm_array_wait(r, others[k], 0, &v), 0);
        ck_assert_uint_eq(v, cur);
        ck_assert_int_eq(ndshm_array_wait(r, others[k], -1, &v), 0);
        ck_assert_uint_eq(v, cur);
    }
    ck_assert_int_eq(ndshm_array_wait(a, 0, -1, NULL), 0);
    /* timing out left nothing behind: no waiter is counted */
    ck_assert_int_eq(test_waiters(ndshm_array_path(a)), 0);
    ck_assert_uint_eq(ndshm_array_version(a), cur);
    ndshm_array_close(a);
    ndshm_array_close(r);
}
END_TEST

/* ---- many waiters ------------------------------------------------------- */

enum { WAITERS = 6, MANY_ROUNDS = 30 };

/* Each waiter's timeout, set before it is forked: the guard, for ever,
 * and ones too long for a time_t, which must wait as for ever does. */
static const double many_timeouts[] = {TEST_GUARD_S, -1, INFINITY, 1e300};
static double many_timeout;

static int many_waiter(void *arg)
{
    struct pairing *p = arg;
    ndshm_array *a = test_child_open(test_dir, "a[::-1]", NDSHM_READONLY);
    if (a == NULL)
        return 40;
    uint64_t seen = ndshm_array_version(a);
    if (test_send_byte(p->ready[1]) != 0)
        return test_child_fail(41, "cannot say ready");
    for (int64_t k = 1; k <= MANY_ROUNDS; k++) {
        uint64_t v;
        int rc = ndshm_array_wait(a, seen, many_timeout, &v);
        if (rc != 0 || v != seen + 1)
            return test_child_fail(42,
                                   "round %lld: wait gave %s, version %llu "
                                   "after %llu",
                                   (long long)k, ndshm_errname(rc),
                                   (unsigned long long)v,
                                   (unsigned long long)seen);
        if (elem0(a) != k) /* a[::-1][0] is a[7] */
            return test_child_fail(43, "round %lld: a[7] is %lld",
                                   (long long)k, (long long)elem0(a));
        seen = v;
        if (test_send_byte(p->ack[1]) != 0)
            return test_child_fail(44, "cannot ack");
    }
    ndshm_array_close(a);
    return 0;
}

START_TEST(many_waiters_all_wake)
{
    make_array("a");
    ndshm_array *a = test_open("a", 0);
    struct pairing p;
    test_pipe(p.ready);
    test_pipe(p.ack);
    pid_t pids[WAITERS];
    for (int k = 0; k < WAITERS; k++) {
        many_timeout = many_timeouts[k % (sizeof many_timeouts /
                                          sizeof *many_timeouts)];
        pids[k] = test_spawn(many_waiter, &p);
    }
    for (int k = 0; k < WAITERS; k++)
        ck_assert_int_eq(test_wait_byte(p.ready[0], TEST_GUARD_MS), 0);
    for (int64_t r = 1; r <= MANY_ROUNDS; r++) {
        /* all of them asleep (counted), then one change wakes them all */
        await_waiters(ndshm_array_path(a), WAITERS);
        if (r % 2) {
            ck_assert_int_eq(ndshm_array_fill(a, &r), 0);
        } else {
            ((volatile int64_t *)ndshm_array_data(a))[N - 1] = r;
            ndshm_array_notify(a);
        }
        for (int k = 0; k < WAITERS; k++)
            ck_assert_msg(test_wait_byte(p.ack[0], TEST_GUARD_MS) == 0,
                          "round %lld: only %d of %d waiters woke",
                          (long long)r, k, WAITERS);
    }
    for (int k = 0; k < WAITERS; k++)
        test_reap_ok(pids[k], "a waiter");
    ck_assert_int_eq(test_waiters(ndshm_array_path(a)), 0);
    test_pipe_close(p.ready);
    test_pipe_close(p.ack);
    ndshm_array_close(a);
}
END_TEST

/* ---- the tool ----------------------------------------------------------- */

/* 'ndshm set TARGET VALUE', which must succeed. */
static void tool_set(const char *target, const char *value)
{
    struct test_run s;
    test_tool_run(&s, test_dir,
                  (const char *const[]){"set", target, value, NULL});
    ck_assert_msg(s.status == 0, "set: %d %s", s.status, s.err);
}

static void expect_version_line(const struct test_run *r, uint64_t want,
                                const char *what)
{
    char line[64];
    snprintf(line, sizeof line, "%" PRIu64 "\n", want);
    ck_assert_msg(r->status == 0, "%s exited %d (stderr: %s)", what, r->status,
                  r->err);
    ck_assert_msg(strcmp(r->out, line) == 0, "%s printed '%s', not '%s'", what,
                  r->out, line);
    ck_assert_str_eq(r->err, "");
}

struct lib_waiter {
    int ready[2];
    uint64_t seen;
};

/* The library's waiter, woken by the tool's set of a[2]. */
static int lib_waiter(void *arg)
{
    struct lib_waiter *l = arg;
    ndshm_array *a = test_child_open(test_dir, "a", NDSHM_READONLY);
    if (a == NULL)
        return 50;
    if (test_send_byte(l->ready[1]) != 0)
        return test_child_fail(51, "cannot say ready");
    uint64_t v;
    int rc = ndshm_array_wait(a, l->seen, TEST_GUARD_S, &v);
    if (rc != 0 || v != l->seen + 1)
        return test_child_fail(52, "wait gave %s, version %llu after %llu",
                               ndshm_errname(rc), (unsigned long long)v,
                               (unsigned long long)l->seen);
    if (((volatile int64_t *)ndshm_array_data(a))[2] != 8)
        return test_child_fail(53, "woke, but a[2] is not 8");
    ndshm_array_close(a);
    return 0;
}

START_TEST(cli_wait_and_set)
{
    if (!test_have_tool("cli_wait_and_set"))
        return;
    make_array("a");
    ck_assert_int_eq(ndshm_view_create(test_st, "ev", "a[::2]", 0), 0);
    ndshm_array *a = test_open("a", 0);
    const char *path = ndshm_array_path(a);
    uint64_t v0 = ndshm_array_version(a);

    /* the tool's wait wakes on the tool's set, printing the new version */
    struct test_run w;
    test_tool_start(
        &w, test_dir,
        (const char *const[]){"wait", "a", "--timeout", "60", NULL});
    await_waiters(path, 1);
    tool_set("a[1]", "5");
    test_tool_finish(&w);
    expect_version_line(&w, v0 + 1, "'ndshm wait a'");
    ck_assert_int_eq(((int64_t *)ndshm_array_data(a))[1], 5);

    /* on a view, it wakes for the library's write through the base */
    test_tool_start(&w, test_dir, (const char *const[]){"wait", "ev", NULL});
    await_waiters(path, 1);
    int64_t seven = 7;
    ck_assert_int_eq(ndshm_array_fill(a, &seven), 0);
    test_tool_finish(&w);
    expect_version_line(&w, v0 + 2, "'ndshm wait ev'");

    /* and an expression's wait wakes for a bare notify */
    test_tool_start(&w, test_dir,
                    (const char *const[]){"wait", "a[3:5]", "-t", "60", NULL});
    await_waiters(path, 1);
    ndshm_array_notify(a);
    test_tool_finish(&w);
    expect_version_line(&w, v0 + 3, "'ndshm wait a[3:5]'");

    /* the library's waiter wakes on the tool's set */
    struct lib_waiter l;
    test_pipe(l.ready);
    l.seen = ndshm_array_version(a);
    pid_t lw = test_spawn(lib_waiter, &l);
    ck_assert_int_eq(test_wait_byte(l.ready[0], TEST_GUARD_MS), 0);
    await_waiters(path, 1);
    tool_set("a[2]", "8");
    test_reap_ok(lw, "the library's waiter");
    test_pipe_close(l.ready);
    uint64_t now = ndshm_array_version(a);
    ck_assert_uint_eq(now, v0 + 4);

    /* --since a version already passed returns at once (no timeout is
     * given: a hang would be caught by the guard) */
    char since[32];
    snprintf(since, sizeof since, "%" PRIu64, v0);
    struct test_run r;
    test_tool_run(&r, test_dir,
                  (const char *const[]){"wait", "a", "--since", since, NULL});
    expect_version_line(&r, now, "'ndshm wait --since' an old version");
    snprintf(since, sizeof since, "%" PRIu64, now - 1);
    test_tool_run(&r, test_dir,
                  (const char *const[]){"wait", "ev", "--since", since, NULL});
    expect_version_line(&r, now, "'ndshm wait ev --since' the last version");

    /* --since the current version waits like a plain wait */
    snprintf(since, sizeof since, "%" PRIu64, now);
    test_tool_start(&w, test_dir,
                    (const char *const[]){"wait", "a", "--since", since,
                                          "--timeout", "60", NULL});
    await_waiters(path, 1);
    tool_set("a", "[1, 2, 3, 4, 5, 6, 7, 8]");
    test_tool_finish(&w);
    expect_version_line(&w, now + 1, "'ndshm wait --since' the current one");
    now++;

    /* a timeout: exit 3, nothing on stdout, one line on stderr */
    test_tool_run(
        &r, test_dir,
        (const char *const[]){"wait", "a", "--timeout", "0.2", NULL});
    ck_assert_msg(r.status == 3, "wait --timeout exited %d", r.status);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, "ndshm wait: 'a' did not change within 0.2 s\n");
    snprintf(since, sizeof since, "%" PRIu64, now);
    test_tool_run(&r, test_dir,
                  (const char *const[]){"wait", "ev", "--since", since, "-t",
                                        "0", NULL});
    ck_assert_msg(r.status == 3, "wait --since now -t 0 exited %d", r.status);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, "ndshm wait: 'ev' did not change within 0 s\n");
    /* waiting changed nothing, and left no waiter counted */
    ck_assert_uint_eq(ndshm_array_version(a), now);
    ck_assert_int_eq(test_waiters(path), 0);
    ndshm_array_close(a);
}
END_TEST

static Suite *notify_suite(void)
{
    Suite *s = suite_create("notify");
    TCase *tc = test_store_tcase("version", 60);
    tcase_add_test(tc, versions_count_every_change);
    tcase_add_test(tc, timeout_leaves_the_version);
    suite_add_tcase(s, tc);

    tc = test_store_tcase("waiting", 60);
    tcase_add_test(tc, waiter_wakes_for_each_write);
    tcase_add_test(tc, changes_while_busy_are_not_missed);
    tcase_add_test(tc, views_share_the_version);
    tcase_add_test(tc, many_waiters_all_wake);
    suite_add_tcase(s, tc);

    tc = test_store_tcase("tool", 60);
    tcase_add_test(tc, cli_wait_and_set);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    /* CK_VERBOSITY=verbose lists each test */
    return test_run_suite(notify_suite(), CK_ENV);
}
