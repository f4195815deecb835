/*
 * multiprocess.c -- the promise of ndshm, with real processes: what one
 * process writes through its own mapping of a view, every other process
 * sees in its own mapping of the array, with no copy and no message.
 *
 *  - K writers, each with its own disjoint strided view (arr[:, k::K])
 *    opened by name after fork, write 1..N one value at a time; observers
 *    that mapped the base array see every single value (each write waits
 *    for every observer's acknowledgement; the data never goes through
 *    the pipe).
 *  - A view of a view made by one process is written by another.
 *  - Negative-stride views (arr[::-1, ::-1], arr[::-1]) written by a child.
 *  - The version counter orders data: an observer that sees the version
 *    move never sees stale elements.
 *  - An array removed while two processes map it still connects them.
 *  - The parent, holding its handles across fork, watches a child write
 *    through a 0-d view it opened again after fork.
 *  - Concurrent creates from several processes: unique ids, one winner.
 *  - Chains of views of views made and removed by several processes while
 *    the array's name is removed: the file goes with the last name.
 *
 * Children report by exit status (never through check); the parent
 * collects them with waitpid.  Every wait is bounded (10 s a step) so a
 * broken library fails instead of hanging.  Children open their handles
 * after fork (docs: handles must not be carried across fork()); except in
 * parent_watches_child, the parent holds none across fork either.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ndshm.h"
#include "testproc.h"
#include "testutil.h"

#define STEP_MS 10000 /* the hang guard for one wait */
#define NAP_US  20    /* between two looks at shared memory */

enum { ROWS = 4, COLS = 8 };

static char *dir; /* the store of the current test */

/* ---- plumbing ----------------------------------------------------------- */

/* Open the test's store and an expression in a child. */
static int child_open(ndshm_store **st, ndshm_array **a, const char *expr,
                      unsigned flags)
{
    *a = NULL;
    if (ndshm_store_open(st, dir, 0) != 0)
        return -1;
    if (ndshm_array_open(a, *st, expr, flags) != 0) {
        ndshm_store_close(*st);
        *st = NULL;
        return -1;
    }
    return 0;
}

/*
 * A fresh, empty store for the current test, in dir for the children to
 * open: inside the test case's directory (test_case_setup), so that a
 * failed test leaves nothing behind.
 */
static ndshm_store *make_store(void)
{
    return test_scratch_store(&dir);
}

static void make_zeros(ndshm_store *st, const char *name)
{
    const int64_t shape[2] = {ROWS, COLS};
    ck_assert_msg(
        ndshm_array_create(st, name, NDSHM_INT64, 2, shape, NULL, 0) == 0,
        "create %s: %s", name, ndshm_errmsg());
}

static void make_view(ndshm_store *st, const char *name, const char *expr)
{
    ck_assert_msg(ndshm_view_create(st, name, expr, 0) == 0, "view %s: %s",
                  name, ndshm_errmsg());
}

/* Read all of a ROWS x COLS int64 array in the parent. */
static void read_all(const char *name, int64_t out[ROWS][COLS],
                     uint64_t *version)
{
    ndshm_store *st;
    ndshm_array *a;
    ck_assert_int_eq(ndshm_store_open(&st, dir, 0), 0);
    ck_assert_msg(ndshm_array_open(&a, st, name, NDSHM_READONLY) == 0,
                  "open %s: %s", name, ndshm_errmsg());
    ck_assert_int_eq(ndshm_array_read(a, out, NULL), 0);
    if (version)
        *version = ndshm_array_version(a);
    ndshm_array_close(a);
    ndshm_store_close(st);
}

static void done_store(void)
{
    test_store_remove(dir);
    dir = NULL;
}

/* ---- every write is observed -------------------------------------------- */

enum { WRITERS = 4, OBSERVERS = 2, VALUES = 200 };

struct plan {
    int ack[WRITERS][2]; /* observers -> writer k, one byte per value */
    int ready[2];        /* every process -> parent, once mapped */
    int go[2];           /* parent -> writers, once everyone is mapped */
};

/* The value writer k writes v (1..VALUES), and where in its view. */
static int64_t value_of(int k, int v)
{
    return (int64_t)(k + 1) * 1000000 + v;
}

static void where(int v, int *i, int *j)
{
    int e = (v - 1) % (ROWS * 2); /* the view is ROWS x (COLS / WRITERS) */
    *i = e / 2;
    *j = e % 2;
}

struct writer_arg {
    struct plan *p;
    int k;
};

static int writer(void *arg)
{
    struct writer_arg *w = arg;
    struct plan *p = w->p;
    char name[16];
    snprintf(name, sizeof name, "w%d", w->k);
    ndshm_store *st;
    ndshm_array *v;
    if (child_open(&st, &v, name, 0) != 0)
        return test_child_lib_fail(10, "writer %d: cannot open %s", w->k,
                                   name);
    const int64_t *sh = ndshm_array_shape(v), *sd = ndshm_array_strides(v);
    if (ndshm_array_ndim(v) != 2 || sh[0] != ROWS || sh[1] != 2 ||
        sd[0] != COLS * 8 || sd[1] != WRITERS * 8 ||
        ndshm_array_offset(v) != 4096 + 8 * w->k || ndshm_array_readonly(v))
        return test_child_fail(11, "writer %d: %s is not arr[:, %d::%d]", w->k,
                               name, w->k, WRITERS);
    if (test_send_byte(p->ready[1]) != 0 ||
        test_wait_byte(p->go[0], STEP_MS) != 0)
        return test_child_fail(12, "writer %d: no go", w->k);
    for (int val = 1; val <= VALUES; val++) {
        int i, j;
        where(val, &i, &j);
        *test_elem(v, i, j) = value_of(w->k, val); /* a plain store */
        ndshm_array_notify(v);
        for (int o = 0; o < OBSERVERS; o++)
            if (test_wait_byte(p->ack[w->k][0], STEP_MS) != 0)
                return test_child_fail(13,
                                       "writer %d: value %d not "
                                       "acknowledged",
                                       w->k, val);
    }
    ndshm_array_close(v);
    ndshm_store_close(st);
    return 0;
}

static int observer(void *arg)
{
    struct plan *p = arg;
    ndshm_store *st;
    ndshm_array *a;
    if (child_open(&st, &a, "arr", NDSHM_READONLY) != 0)
        return test_child_lib_fail(20, "observer: cannot open arr");
    if (test_send_byte(p->ready[1]) != 0)
        return test_child_fail(21, "observer: cannot say ready");
    int next[WRITERS];
    double since[WRITERS];
    for (int k = 0; k < WRITERS; k++) {
        next[k] = 1;
        since[k] = test_now();
    }
    int left = WRITERS;
    while (left > 0) {
        int progress = 0;
        for (int k = 0; k < WRITERS; k++) {
            if (next[k] > VALUES)
                continue;
            int i, j;
            where(next[k], &i, &j);
            /* writer k's view element (i, j) is arr[i, k + WRITERS*j] */
            int64_t seen = *test_elem(a, i, k + WRITERS * j);
            if (seen == value_of(k, next[k])) {
                if (test_send_byte(p->ack[k][1]) != 0)
                    return test_child_fail(22, "observer: cannot ack");
                next[k]++;
                since[k] = test_now();
                progress = 1;
                if (next[k] > VALUES)
                    left--;
            } else if (test_now() - since[k] > STEP_MS / 1000.0) {
                return test_child_fail(
                    23,
                    "observer: never saw value %d of "
                    "writer %d at arr[%d, %d] (it holds %lld)",
                    next[k], k, i, k + WRITERS * j, (long long)seen);
            }
        }
        if (!progress)
            test_nap_us(NAP_US);
    }
    ndshm_array_close(a);
    ndshm_store_close(st);
    return 0;
}

START_TEST(every_write_observed)
{
    ndshm_store *st = make_store();
    make_zeros(st, "arr");
    for (int k = 0; k < WRITERS; k++) {
        char name[16], expr[32];
        snprintf(name, sizeof name, "w%d", k);
        snprintf(expr, sizeof expr, "arr[:, %d::%d]", k, WRITERS);
        make_view(st, name, expr);
    }
    ndshm_store_close(st);

    static struct plan p;
    for (int k = 0; k < WRITERS; k++)
        test_pipe(p.ack[k]);
    test_pipe(p.ready);
    test_pipe(p.go);
    pid_t obs[OBSERVERS], wr[WRITERS];
    struct writer_arg wa[WRITERS];
    for (int o = 0; o < OBSERVERS; o++)
        obs[o] = test_spawn(observer, &p);
    for (int k = 0; k < WRITERS; k++) {
        wa[k].p = &p;
        wa[k].k = k;
        wr[k] = test_spawn(writer, &wa[k]);
    }
    /* everyone has mapped what it uses before the first write */
    int ready = 0;
    for (; ready < OBSERVERS + WRITERS; ready++)
        if (test_wait_byte(p.ready[0], STEP_MS) != 0)
            break;
    for (int k = 0; k < WRITERS; k++)
        ck_assert_int_eq(test_send_byte(p.go[1]), 0);
    for (int k = 0; k < WRITERS; k++)
        test_wait_ok(wr[k], "a writer");
    for (int o = 0; o < OBSERVERS; o++)
        test_wait_ok(obs[o], "an observer");
    ck_assert_int_eq(ready, OBSERVERS + WRITERS);

    /* the array ends with each writer's last value in each element */
    int64_t got[ROWS][COLS];
    uint64_t version;
    read_all("arr", got, &version);
    for (int k = 0; k < WRITERS; k++)
        for (int val = VALUES - ROWS * 2 + 1; val <= VALUES; val++) {
            int i, j;
            where(val, &i, &j);
            ck_assert_int_eq(got[i][k + WRITERS * j], value_of(k, val));
        }
    ck_assert_uint_eq(version, (uint64_t)WRITERS * VALUES);
    done_store();
}
END_TEST

/* ---- a view of a view made by another process --------------------------- */

struct vv_plan {
    int ready[2], go[2];
};

static int make_vv(void *arg)
{
    (void)arg;
    ndshm_store *st;
    if (ndshm_store_open(&st, dir, 0) != 0)
        return test_child_lib_fail(30, "cannot open the store");
    if (ndshm_view_create(st, "vv", "w1[1:3, ::-1]", 0) != 0)
        return test_child_lib_fail(31, "cannot create vv");
    ndshm_store_close(st);
    return 0;
}

static int write_vv(void *arg)
{
    struct vv_plan *p = arg;
    ndshm_store *st;
    ndshm_array *v, *a;
    if (child_open(&st, &v, "vv", 0) != 0)
        return test_child_lib_fail(32, "cannot open vv");
    if (ndshm_array_open(&a, st, "arr", NDSHM_READONLY) != 0)
        return test_child_lib_fail(33, "cannot open arr");
    /* vv resolved to arr's file: arr[1:3, 1::4][..., ::-1] */
    if (ndshm_array_id(v) != ndshm_array_id(a) ||
        ndshm_array_base(v) == NULL ||
        strcmp(ndshm_array_base(v), "arr") != 0 ||
        ndshm_array_shape(v)[0] != 2 || ndshm_array_shape(v)[1] != 2 ||
        ndshm_array_strides(v)[0] != 64 || ndshm_array_strides(v)[1] != -32 ||
        ndshm_array_offset(v) != 4096 + 64 + 5 * 8)
        return test_child_fail(34, "vv is not the expected window");
    if (test_wait_byte(p->go[0], STEP_MS) != 0)
        return test_child_fail(35, "no go");
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            *test_elem(v, i, j) = 100 + 10 * i + j;
    ndshm_array_notify(v);
    ndshm_array_close(a);
    ndshm_array_close(v);
    ndshm_store_close(st);
    return 0;
}

/* Watches arr, mapped before any write, until the four values appear. */
static int watch_vv(void *arg)
{
    struct vv_plan *p = arg;
    ndshm_store *st;
    ndshm_array *a;
    if (child_open(&st, &a, "arr", NDSHM_READONLY) != 0)
        return test_child_lib_fail(36, "cannot open arr");
    if (test_send_byte(p->ready[1]) != 0)
        return test_child_fail(37, "cannot say ready");
    /* vv[i, j] = arr[1 + i, 1 + 4 * (1 - j)] */
    double start = test_now();
    for (;;) {
        int seen = 0;
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
                seen +=
                    *test_elem(a, 1 + i, 1 + 4 * (1 - j)) == 100 + 10 * i + j;
        if (seen == 4)
            break;
        if (test_now() - start > STEP_MS / 1000.0)
            return test_child_fail(38, "saw %d of the 4 writes", seen);
        test_nap_us(NAP_US);
    }
    ndshm_array_close(a);
    ndshm_store_close(st);
    return 0;
}

START_TEST(view_of_view_across_processes)
{
    ndshm_store *st = make_store();
    make_zeros(st, "arr");
    make_view(st, "w1", "arr[:, 1::4]");
    ndshm_store_close(st);

    test_wait_ok(test_spawn(make_vv, NULL), "the child making vv");
    static struct vv_plan p;
    test_pipe(p.ready);
    test_pipe(p.go);
    pid_t watcher = test_spawn(watch_vv, &p);
    pid_t w = test_spawn(write_vv, &p);
    int ready = test_wait_byte(p.ready[0], STEP_MS);
    ck_assert_int_eq(test_send_byte(p.go[1]), 0);
    test_wait_ok(w, "the writer of vv");
    test_wait_ok(watcher, "the watcher of arr");
    ck_assert_int_eq(ready, 0);

    int64_t got[ROWS][COLS];
    uint64_t version;
    read_all("arr", got, &version);
    for (int r = 0; r < ROWS; r++)
        for (int c = 0; c < COLS; c++) {
            int64_t want = 0;
            if (r >= 1 && r <= 2 && (c == 1 || c == 5))
                want = 100 + 10 * (r - 1) + (c == 5 ? 0 : 1);
            ck_assert_int_eq(got[r][c], want);
        }
    ck_assert_uint_eq(version, 1);
    done_store();
}
END_TEST

/* ---- negative strides --------------------------------------------------- */

static int write_rev(void *arg)
{
    (void)arg;
    ndshm_store *st;
    ndshm_array *v;
    if (child_open(&st, &v, "rev", 0) != 0)
        return test_child_lib_fail(40, "cannot open rev");
    if (ndshm_array_strides(v)[0] != -64 || ndshm_array_strides(v)[1] != -8 ||
        ndshm_array_offset(v) != 4096 + 3 * 64 + 7 * 8)
        return test_child_fail(41, "rev is not arr[::-1, ::-1]");
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < COLS; j++)
            *test_elem(v, i, j) = 100 * i + j;
    ndshm_array_notify(v);
    ndshm_array_close(v);
    ndshm_store_close(st);
    return 0;
}

static int write_flip(void *arg)
{
    (void)arg;
    ndshm_store *st;
    ndshm_array *v;
    if (child_open(&st, &v, "flip", 0) != 0)
        return test_child_lib_fail(42, "cannot open flip");
    if (ndshm_array_strides(v)[0] != -64 || ndshm_array_strides(v)[1] != 8)
        return test_child_fail(43, "flip is not arr2[::-1]");
    int64_t rows[ROWS][COLS];
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < COLS; j++)
            rows[i][j] = -(100 * i + j) - 1;
    if (ndshm_array_write(v, rows, NULL) != 0)
        return test_child_lib_fail(44, "cannot write flip");
    ndshm_array_close(v);
    ndshm_store_close(st);
    return 0;
}

START_TEST(negative_stride_views)
{
    ndshm_store *st = make_store();
    make_zeros(st, "arr");
    make_zeros(st, "arr2");
    make_view(st, "rev", "arr[::-1, ::-1]");
    make_view(st, "flip", "arr2[::-1]");
    ndshm_store_close(st);

    pid_t a = test_spawn(write_rev, NULL), b = test_spawn(write_flip, NULL);
    test_wait_ok(a, "the writer of rev");
    test_wait_ok(b, "the writer of flip");

    int64_t got[ROWS][COLS];
    uint64_t version;
    read_all("arr", got, &version);
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < COLS; j++)
            ck_assert_int_eq(got[ROWS - 1 - i][COLS - 1 - j], 100 * i + j);
    ck_assert_uint_eq(version, 1);
    read_all("arr2", got, &version);
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < COLS; j++)
            ck_assert_int_eq(got[ROWS - 1 - i][j], -(100 * i + j) - 1);
    ck_assert_uint_eq(version, 1);
    done_store();
}
END_TEST

/* ---- the version counter orders the data -------------------------------- */

enum { FILLS = 300 };

struct ver_plan {
    int ack[2], ready[2];
};

static int filler(void *arg)
{
    struct ver_plan *p = arg;
    ndshm_store *st;
    ndshm_array *v;
    if (child_open(&st, &v, "arr[1:3, 2:]", 0) != 0)
        return test_child_lib_fail(50, "cannot open the window");
    if (test_wait_byte(p->ready[0], STEP_MS) != 0)
        return test_child_fail(51, "the watcher never got ready");
    for (int64_t r = 1; r <= FILLS; r++) {
        if (ndshm_array_fill(v, &r) != 0)
            return test_child_lib_fail(52, "fill %lld", (long long)r);
        if (test_wait_byte(p->ack[0], STEP_MS) != 0)
            return test_child_fail(53, "fill %lld not acknowledged",
                                   (long long)r);
    }
    ndshm_array_close(v);
    ndshm_store_close(st);
    return 0;
}

static int version_watcher(void *arg)
{
    struct ver_plan *p = arg;
    ndshm_store *st;
    ndshm_array *a;
    if (child_open(&st, &a, "arr", NDSHM_READONLY) != 0)
        return test_child_lib_fail(54, "cannot open arr");
    uint64_t last = ndshm_array_version(a);
    if (last != 0)
        return test_child_fail(55, "version starts at %llu",
                               (unsigned long long)last);
    if (test_send_byte(p->ready[1]) != 0)
        return test_child_fail(56, "cannot say ready");
    for (int64_t r = 1; r <= FILLS; r++) {
        double start = test_now();
        uint64_t ver;
        while ((ver = ndshm_array_version(a)) == last) {
            if (test_now() - start > STEP_MS / 1000.0)
                return test_child_fail(57, "the version never moved past %llu",
                                       (unsigned long long)last);
            test_nap_us(NAP_US);
        }
        if (ver != last + 1)
            return test_child_fail(58, "version jumped from %llu to %llu",
                                   (unsigned long long)last,
                                   (unsigned long long)ver);
        last = ver;
        /* a new version: the whole fill is there, nothing stale */
        for (int i = 0; i < ROWS; i++)
            for (int j = 0; j < COLS; j++) {
                int64_t want = i >= 1 && i <= 2 && j >= 2 ? r : 0;
                int64_t got = *test_elem(a, i, j);
                if (got != want)
                    return test_child_fail(59,
                                           "after version %llu, arr[%d, %d] "
                                           "is %lld, not %lld",
                                           (unsigned long long)ver, i, j,
                                           (long long)got, (long long)want);
            }
        if (test_send_byte(p->ack[1]) != 0)
            return test_child_fail(60, "cannot ack");
    }
    ndshm_array_close(a);
    ndshm_store_close(st);
    return 0;
}

START_TEST(version_orders_data)
{
    ndshm_store *st = make_store();
    make_zeros(st, "arr");
    ndshm_store_close(st);
    static struct ver_plan p;
    test_pipe(p.ack);
    test_pipe(p.ready);
    pid_t w = test_spawn(version_watcher, &p), f = test_spawn(filler, &p);
    test_wait_ok(f, "the filler");
    test_wait_ok(w, "the version watcher");
    int64_t got[ROWS][COLS];
    uint64_t version;
    read_all("arr", got, &version);
    ck_assert_uint_eq(version, FILLS);
    ck_assert_int_eq(got[2][7], FILLS);
    ck_assert_int_eq(got[0][7], 0);
    done_store();
}
END_TEST

/* ---- removed while mapped ----------------------------------------------- */

struct rm_plan {
    int ready[2], go[2];
};

static int rm_writer(void *arg)
{
    struct rm_plan *p = arg;
    ndshm_store *st;
    ndshm_array *a;
    if (child_open(&st, &a, "tmp[5]", 0) != 0)
        return test_child_lib_fail(70, "cannot open tmp[5]");
    if (test_send_byte(p->ready[1]) != 0 ||
        test_wait_byte(p->go[0], STEP_MS) != 0)
        return test_child_fail(71, "no go");
    /* tmp has no name any more; its file is unlinked */
    *(volatile int64_t *)ndshm_array_data(a) = 42;
    ndshm_array_notify(a);
    ndshm_array_close(a);
    ndshm_store_close(st);
    return 0;
}

static int rm_observer(void *arg)
{
    struct rm_plan *p = arg;
    ndshm_store *st;
    ndshm_array *a;
    if (child_open(&st, &a, "tmp", NDSHM_READONLY) != 0)
        return test_child_lib_fail(72, "cannot open tmp");
    if (test_send_byte(p->ready[1]) != 0)
        return test_child_fail(73, "cannot say ready");
    volatile int64_t *e = (volatile int64_t *)ndshm_array_data(a) + 5;
    double start = test_now();
    while (*e != 42) {
        if (test_now() - start > STEP_MS / 1000.0)
            return test_child_fail(74, "never saw 42 in the removed array");
        test_nap_us(NAP_US);
    }
    if (ndshm_array_version(a) < 1) {
        /* the value is stored before the version moves: wait for it */
        start = test_now();
        while (ndshm_array_version(a) < 1) {
            if (test_now() - start > STEP_MS / 1000.0)
                return test_child_fail(75, "the version never moved");
            test_nap_us(NAP_US);
        }
    }
    ndshm_array_close(a);
    ndshm_store_close(st);
    return 0;
}

START_TEST(removed_while_mapped)
{
    ndshm_store *st = make_store();
    const int64_t shape[1] = {8};
    ck_assert_int_eq(
        ndshm_array_create(st, "tmp", NDSHM_INT64, 1, shape, NULL, 0), 0);
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, st, "tmp", NDSHM_READONLY), 0);
    char path[4200];
    snprintf(path, sizeof path, "%s", ndshm_array_path(a));
    ndshm_array_close(a);
    ndshm_store_close(st);

    static struct rm_plan p;
    test_pipe(p.ready);
    test_pipe(p.go);
    pid_t o = test_spawn(rm_observer, &p), w = test_spawn(rm_writer, &p);
    int ready = test_wait_byte(p.ready[0], STEP_MS);
    if (ready == 0)
        ready = test_wait_byte(p.ready[0], STEP_MS);
    if (ready == 0) {
        /* both have it mapped: remove it under them */
        ck_assert_int_eq(ndshm_store_open(&st, dir, 0), 0);
        ck_assert_int_eq(ndshm_remove(st, "tmp"), 0);
        ck_assert_int_eq(ndshm_array_open(&a, st, "tmp", 0), NDSHM_ENOTFOUND);
        ndshm_store_close(st);
        ck_assert_int_eq(access(path, F_OK), -1);
    }
    ck_assert_int_eq(test_send_byte(p.go[1]), 0);
    test_wait_ok(w, "the writer of the removed array");
    test_wait_ok(o, "the observer of the removed array");
    ck_assert_int_eq(ready, 0);
    done_store();
}
END_TEST

/* ---- the parent watches with handles it already held at fork ------------ */

enum { TICKS = 100 };

struct tick_plan {
    int ack[2];
};

static int ticker(void *arg)
{
    struct tick_plan *p = arg;
    ndshm_store *st;
    ndshm_array *c;
    /* the parent's handles are not used here: open again, as documented */
    if (child_open(&st, &c, "cell", 0) != 0)
        return test_child_lib_fail(90, "cannot open cell");
    if (ndshm_array_ndim(c) != 0 || ndshm_array_is_view(c) != 1)
        return test_child_fail(91, "cell is not a 0-d view");
    for (int64_t t = 1; t <= TICKS; t++) {
        *(volatile int64_t *)ndshm_array_data(c) = t * t;
        ndshm_array_notify(c);
        if (test_wait_byte(p->ack[0], STEP_MS) != 0)
            return test_child_fail(92, "tick %lld not acknowledged",
                                   (long long)t);
    }
    ndshm_array_close(c);
    ndshm_store_close(st);
    return 0;
}

START_TEST(parent_watches_child)
{
    ndshm_store *st = make_store();
    make_zeros(st, "arr");
    make_view(st, "cell", "arr[2, 3]");
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, st, "arr", NDSHM_READONLY), 0);
    static struct tick_plan p;
    test_pipe(p.ack);
    pid_t pid = test_spawn(ticker, &p);
    volatile int64_t *e = test_elem(a, 2, 3);
    int64_t t = 1;
    for (; t <= TICKS; t++) {
        double start = test_now();
        while (*e != t * t && test_now() - start < STEP_MS / 1000.0)
            test_nap_us(NAP_US);
        if (*e != t * t || test_send_byte(p.ack[1]) != 0)
            break;
    }
    test_wait_ok(pid, "the ticker");
    ck_assert_msg(t == TICKS + 1, "the parent missed tick %lld", (long long)t);
    ck_assert_uint_eq(ndshm_array_version(a), TICKS);
    ck_assert_int_eq(*test_elem(a, 2, 2), 0);
    ck_assert_int_eq(*test_elem(a, 2, 4), 0);
    ndshm_array_close(a);
    ndshm_store_close(st);
    done_store();
}
END_TEST

/* ---- concurrent creates ------------------------------------------------- */

enum { CREATORS = 4, EACH = 25 };

struct create_plan {
    int go[2];
};

struct creator_arg {
    struct create_plan *p;
    int k;
};

/* Exit 0 when this creator won "same", 1 when another did. */
static int creator(void *arg)
{
    struct creator_arg *c = arg;
    ndshm_store *st;
    if (ndshm_store_open(&st, dir, 0) != 0)
        return test_child_lib_fail(80, "cannot open the store");
    if (test_wait_byte(c->p->go[0], STEP_MS) != 0)
        return test_child_fail(81, "no go");
    int won = -1;
    const int64_t shape[1] = {3};
    for (int i = 0; i < EACH; i++) {
        char name[32];
        snprintf(name, sizeof name, "c%d/n%02d", c->k, i);
        int64_t fill = 100 * c->k + i;
        if (ndshm_array_create(st, name, NDSHM_INT64, 1, shape, &fill, 0) != 0)
            return test_child_lib_fail(82, "create %s", name);
        if (i == EACH / 2) {
            int64_t mine = c->k;
            int rc = ndshm_array_create(st, "same", NDSHM_INT64, 1, shape,
                                        &mine, 0);
            if (rc != 0 && rc != NDSHM_EEXIST)
                return test_child_lib_fail(83, "create same: %s",
                                           ndshm_errname(rc));
            won = rc == 0;
        }
    }
    ndshm_store_close(st);
    return won ? 0 : 1;
}

struct seen_ids {
    ndshm_store *st;
    int n;
    uint64_t ids[CREATORS * EACH + 1];
    int bad;
};

static int check_created(const char *name, void *ctx)
{
    struct seen_ids *s = ctx;
    ndshm_array *a;
    if (ndshm_array_open(&a, s->st, name, NDSHM_READONLY) != 0) {
        s->bad++;
        return 0;
    }
    int k, i;
    const int64_t *d = ndshm_array_data(a);
    if (sscanf(name, "c%d/n%d", &k, &i) == 2) {
        if (d[0] != 100 * k + i || d[2] != 100 * k + i)
            s->bad++;
    } else if (strcmp(name, "same") != 0) {
        s->bad++;
    }
    for (int j = 0; j < s->n; j++)
        if (s->ids[j] == ndshm_array_id(a))
            s->bad++;
    if (s->n < CREATORS * EACH + 1)
        s->ids[s->n] = ndshm_array_id(a);
    s->n++;
    ndshm_array_close(a);
    return 0;
}

START_TEST(concurrent_creates)
{
    ndshm_store *st = make_store();
    ndshm_store_close(st);
    static struct create_plan p;
    test_pipe(p.go);
    pid_t pids[CREATORS];
    struct creator_arg args[CREATORS];
    for (int k = 0; k < CREATORS; k++) {
        args[k].p = &p;
        args[k].k = k;
        pids[k] = test_spawn(creator, &args[k]);
    }
    for (int k = 0; k < CREATORS; k++)
        ck_assert_int_eq(test_send_byte(p.go[1]), 0);
    int winners = 0;
    for (int k = 0; k < CREATORS; k++) {
        int code = test_exit_code(test_wait(pids[k]), "a creator");
        ck_assert_msg(code <= 1, "creator %d: exit status %d", k, code);
        winners += code == 0;
    }
    ck_assert_int_eq(winners, 1);

    ck_assert_int_eq(ndshm_store_open(&st, dir, 0), 0);
    struct seen_ids s = {st, 0, {0}, 0};
    ck_assert_int_eq(ndshm_list(st, check_created, &s), 0);
    ck_assert_int_eq(s.n, CREATORS * EACH + 1);
    ck_assert_int_eq(s.bad, 0);
    ndshm_store_close(st);
    done_store();
}
END_TEST

/* ---- views made and removed by several processes ---------------------- */

enum { CHAINS = 4, LINKS = 30 };

struct chain_plan {
    int made[2], removed[2];
};

struct chain_arg {
    struct chain_plan *p;
    int k;
};

/* Views of views of row k, made while another process removes arr. */
static int chain(void *arg)
{
    struct chain_arg *c = arg;
    ndshm_store *st;
    if (ndshm_store_open(&st, dir, 0) != 0)
        return test_child_lib_fail(100, "cannot open the store");
    char name[32], expr[64];
    snprintf(name, sizeof name, "k%d/v0", c->k);
    snprintf(expr, sizeof expr, "arr[%d]", c->k);
    if (ndshm_view_create(st, name, expr, 0) != 0)
        return test_child_lib_fail(101, "view %s", name);
    if (test_send_byte(c->p->made[1]) != 0 ||
        test_wait_byte(c->p->removed[0], STEP_MS) != 0)
        return test_child_fail(102, "arr was never removed");
    for (int i = 1; i < LINKS; i++) {
        snprintf(expr, sizeof expr, "k%d/v%d[::-1]", c->k, i - 1);
        snprintf(name, sizeof name, "k%d/v%d", c->k, i);
        if (ndshm_view_create(st, name, expr, 0) != 0)
            return test_child_lib_fail(103, "view %s", name);
        ndshm_array *v;
        if (ndshm_array_open(&v, st, name, 0) != 0)
            return test_child_lib_fail(104, "open %s", name);
        int64_t first = ((int64_t *)ndshm_array_data(v))[0];
        int64_t want = 10 * c->k + (i % 2 ? 7 : 0);
        if (first != want || ndshm_array_base(v) != NULL)
            return test_child_fail(105, "%s[0] is %lld, not %lld", name,
                                   (long long)first, (long long)want);
        ndshm_array_close(v);
    }
    /* remove them again, from the middle outwards */
    for (int d = 0; d < LINKS; d++) {
        int i = d % 2 ? LINKS / 2 + d / 2 : LINKS / 2 - 1 - d / 2;
        snprintf(name, sizeof name, "k%d/v%d", c->k, i);
        if (ndshm_remove(st, name) != 0)
            return test_child_lib_fail(106, "remove %s", name);
    }
    ndshm_store_close(st);
    return 0;
}

START_TEST(views_made_and_removed_concurrently)
{
    ndshm_store *st = make_store();
    int64_t v[ROWS][COLS];
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < COLS; j++)
            v[i][j] = 10 * i + j;
    const int64_t shape[2] = {ROWS, COLS};
    ck_assert_int_eq(ndshm_array_create_from_buffer(st, "arr", NDSHM_INT64, 2,
                                                    shape, v, NULL, 0),
                     0);
    ndshm_store_close(st);
    static struct chain_plan p;
    test_pipe(p.made);
    test_pipe(p.removed);
    pid_t pids[CHAINS];
    struct chain_arg args[CHAINS];
    for (int k = 0; k < CHAINS; k++) {
        args[k].p = &p;
        args[k].k = k;
        pids[k] = test_spawn(chain, &args[k]);
    }
    int made = 0;
    for (; made < CHAINS; made++)
        if (test_wait_byte(p.made[0], STEP_MS) != 0)
            break;
    /* every chain has its first view: the array's name goes */
    ck_assert_int_eq(ndshm_store_open(&st, dir, 0), 0);
    ck_assert_int_eq(ndshm_remove(st, "arr"), 0);
    ndshm_store_close(st);
    ck_assert_int_eq(test_count_data_files(dir), 1);
    for (int k = 0; k < CHAINS; k++)
        ck_assert_int_eq(test_send_byte(p.removed[1]), 0);
    for (int k = 0; k < CHAINS; k++)
        test_wait_ok(pids[k], "a chain of views");
    ck_assert_int_eq(made, CHAINS);
    /* the last name is gone, and so is the file */
    ck_assert_int_eq(test_count_data_files(dir), 0);
    done_store();
}
END_TEST

static Suite *multiprocess_suite(void)
{
    Suite *s = suite_create("multiprocess");
    TCase *tc = test_dir_tcase("processes", 120);
    tcase_add_test(tc, every_write_observed);
    tcase_add_test(tc, view_of_view_across_processes);
    tcase_add_test(tc, negative_stride_views);
    tcase_add_test(tc, version_orders_data);
    tcase_add_test(tc, removed_while_mapped);
    tcase_add_test(tc, parent_watches_child);
    tcase_add_test(tc, concurrent_creates);
    tcase_add_test(tc, views_made_and_removed_concurrently);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(multiprocess_suite(), CK_NORMAL);
}
