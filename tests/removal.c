/*
 * removal.c -- names that change under open handles, with real processes.
 * A handle keeps reading and writing valid memory whatever another process
 * does to its name, and ndshm_array_stale tells whether the name still
 * means the data the handle opened:
 *
 *  - an array removed while open: every handle (of the array, of an
 *    expression over it, read-only) still reads, writes, notifies and
 *    waits, two processes still share it, and all of them are stale; the
 *    name and the data file are gone;
 *  - a name removed and created again is a new array: stale, a new id
 *    (also in 'ndshm info'), and the old handle still sees the old data
 *    while its writes never reach the new array;
 *  - views keep a removed base's data alive, for handles opened before and
 *    after, until the last name goes;
 *  - stale is 0 while the name is untouched, whatever else changes; a view
 *    re-created with another window, or over another array, is stale;
 *  - many remove/re-create cycles by concurrent processes while others
 *    open, hold, read and write: no crash, no foreign data, staleness
 *    never goes back, ids never go back, and the store is consistent at
 *    the end with no data file left over.
 *
 * Children open their own handles after fork and report by exit status
 * with a message on stderr; every wait is bounded (a hang guard).
 */
#define _GNU_SOURCE
#include "config.h"

#include <check.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ndshm.h"
#include "testproc.h"
#include "testutil.h"

enum { ROWS = 4, COLS = 8 };

/* ---- plumbing ----------------------------------------------------------- */

static void expect_absent(const char *name)
{
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, test_st, name, 0), NDSHM_ENOTFOUND);
    ck_assert_ptr_null(a);
}

/* Create name as int64 (ROWS, COLS) with every element fill. */
static void make_filled(ndshm_store *st, const char *name, int64_t fill)
{
    const int64_t shape[2] = {ROWS, COLS};
    ck_assert_msg(
        ndshm_array_create(st, name, NDSHM_INT64, 2, shape, &fill, 0) == 0,
        "create %s: %s", name, ndshm_errmsg());
}

/* Every element of a 2-d int64 window equals want. */
static void expect_all(const ndshm_array *a, int64_t want)
{
    const int64_t *sh = ndshm_array_shape(a);
    ck_assert_int_eq(ndshm_array_ndim(a), 2);
    for (int64_t i = 0; i < sh[0]; i++)
        for (int64_t j = 0; j < sh[1]; j++)
            ck_assert_msg(*test_elem(a, i, j) == want,
                          "%s[%lld, %lld] is %lld, not %lld",
                          ndshm_array_name(a), (long long)i, (long long)j,
                          (long long)*test_elem(a, i, j), (long long)want);
}

static void expect_stale(const ndshm_array *a, int want)
{
    int rc = ndshm_array_stale(a);
    ck_assert_msg(rc == want, "stale('%s' #%" PRIu64 ") is %d, not %d (%s)",
                  ndshm_array_name(a), ndshm_array_id(a), rc, want,
                  rc < 0 ? ndshm_errmsg() : "");
}

/* Remove the names in arg (a NULL-terminated list) in another process. */
static int remover(void *arg)
{
    const char *const *names = arg;
    ndshm_store *st = test_child_store(test_dir);
    if (st == NULL)
        return 10;
    for (; *names; names++)
        if (ndshm_remove(st, *names) != 0)
            return test_child_lib_fail(11, "remove %s", *names);
    ndshm_store_close(st);
    return 0;
}

static void remove_elsewhere(const char *const *names)
{
    test_child_ok(remover, (void *)names, "the remover");
}

/* ---- removed while open ------------------------------------------------- */

struct partner {
    int ready[2];   /* partner -> test: opened */
    int removed[2]; /* test -> partner: the name is gone */
    int wrote[2];   /* partner -> test: a[3, 7] = 77 written */
};

/* Holds "a" across its removal; writes into it and sees the test's write. */
static int partner(void *arg)
{
    struct partner *p = arg;
    ndshm_store *st = test_child_store(test_dir);
    ndshm_array *a;
    if (st == NULL || ndshm_array_open(&a, st, "a", 0) != 0)
        return test_child_lib_fail(20, "open a");
    if (test_send_byte(p->ready[1]) != 0 ||
        test_wait_byte(p->removed[0], TEST_GUARD_MS) != 0)
        return test_child_fail(21, "no word of the removal");
    if (ndshm_array_stale(a) != 1)
        return test_child_fail(22, "stale is %d after the removal",
                               ndshm_array_stale(a));
    ndshm_array *again;
    if (ndshm_array_open(&again, st, "a", 0) != NDSHM_ENOTFOUND)
        return test_child_fail(23, "a opens after its removal");
    if (*test_elem(a, 0, 0) != 5)
        return test_child_fail(24, "a[0, 0] is %lld",
                               (long long)*test_elem(a, 0, 0));
    uint64_t seen = ndshm_array_version(a);
    *test_elem(a, 3, 7) = 77;
    ndshm_array_notify(a);
    seen++;
    if (test_send_byte(p->wrote[1]) != 0)
        return test_child_fail(25, "cannot say wrote");
    /* the test fills rows 1-2 with 88 through an expression handle */
    uint64_t v;
    if (ndshm_array_wait(a, seen, TEST_GUARD_S, &v) != 0)
        return test_child_lib_fail(26, "wait on the removed array");
    for (int j = 0; j < COLS; j++)
        if (*test_elem(a, 1, j) != 88 || *test_elem(a, 2, j) != 88)
            return test_child_fail(27, "row 1 or 2 is not 88 at column %d", j);
    ndshm_array_close(a);
    ndshm_store_close(st);
    return 0;
}

START_TEST(removed_while_open)
{
    make_filled(test_st, "a", 5);
    ndshm_array *ha = test_open("a", 0), *hx = test_open("a[1:3]", 0),
                *hr = test_open("a", NDSHM_READONLY);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s", ndshm_array_path(ha));
    expect_stale(ha, 0);
    expect_stale(hx, 0);
    expect_stale(hr, 0);
    struct partner p;
    test_pipe(p.ready);
    test_pipe(p.removed);
    test_pipe(p.wrote);
    pid_t pp = test_spawn(partner, &p);
    ck_assert_int_eq(test_wait_byte(p.ready[0], TEST_GUARD_MS), 0);

    remove_elsewhere((const char *const[]){"a", NULL});
    expect_absent("a");
    ck_assert_int_eq(access(path, F_OK), -1);
    ck_assert_int_eq(test_count_data_files(test_dir), 0);
    expect_stale(ha, 1);
    expect_stale(hx, 1);
    expect_stale(hr, 1);
    expect_all(ha, 5);
    expect_all(hr, 5);

    /* the two processes still share the data */
    ck_assert_int_eq(test_send_byte(p.removed[1]), 0);
    ck_assert_int_eq(test_wait_byte(p.wrote[0], TEST_GUARD_MS), 0);
    ck_assert_int_eq(*test_elem(ha, 3, 7), 77);
    ck_assert_int_eq(*test_elem(hr, 3, 7), 77);
    int64_t v88 = 88;
    ck_assert_int_eq(ndshm_array_fill(hx, &v88), 0);
    test_reap_ok(pp, "the partner");
    expect_all(hx, 88);

    /* library reads and writes, through every handle */
    int64_t buf[ROWS][COLS];
    ck_assert_int_eq(ndshm_array_read(hr, buf, NULL), 0);
    ck_assert_int_eq(buf[0][0], 5);
    ck_assert_int_eq(buf[1][4], 88);
    ck_assert_int_eq(buf[3][7], 77);
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < COLS; j++)
            buf[i][j] = i * COLS + j;
    ck_assert_int_eq(ndshm_array_write(ha, buf, NULL), 0);
    ck_assert_int_eq(*test_elem(hr, 2, 3), 2 * COLS + 3);
    ck_assert_int_eq(*test_elem(hx, 0, 1), COLS + 1);
    ck_assert_int_eq(ndshm_array_write(hr, buf, NULL), NDSHM_EREADONLY);
    /* still stale, and nothing came back */
    expect_stale(ha, 1);
    expect_absent("a");
    ck_assert_int_eq(test_count_data_files(test_dir), 0);
    test_pipe_close(p.ready);
    test_pipe_close(p.removed);
    test_pipe_close(p.wrote);
    ndshm_array_close(ha);
    ndshm_array_close(hx);
    ndshm_array_close(hr);
}
END_TEST

/* ---- created again ------------------------------------------------------ */

/* Remove a and create it again, smaller and holding 3. */
static int recreator(void *arg)
{
    (void)arg;
    ndshm_store *st = test_child_store(test_dir);
    if (st == NULL)
        return 30;
    const int64_t shape[2] = {2, 3};
    int64_t three = 3;
    if (ndshm_remove(st, "a") != 0 ||
        ndshm_array_create(st, "a", NDSHM_INT64, 2, shape, &three, 0) != 0)
        return test_child_lib_fail(31, "re-create a");
    ndshm_store_close(st);
    return 0;
}

/* The id that 'ndshm info NAME' (json: with --json) prints. */
static uint64_t info_id(const char *name, bool json)
{
    struct test_run r;
    test_tool_run(
        &r, test_dir,
        (const char *const[]){"info", name, json ? "--json" : NULL, NULL});
    ck_assert_msg(r.status == 0, "ndshm info %s%s exited %d: %s", name,
                  json ? " --json" : "", r.status, r.err);
    const char *key = json ? "\"id\": " : "\nid:";
    const char *at = strstr(r.out, key);
    ck_assert_msg(at != NULL, "no id in: %s", r.out);
    return strtoull(at + strlen(key), NULL, 10);
}

START_TEST(created_again_is_a_new_array)
{
    make_filled(test_st, "a", 7);
    ndshm_array *old = test_open("a", 0), *oldrow = test_open("a[2]", 0);
    uint64_t old_id = ndshm_array_id(old);
    int have_tool = test_tool_path() != NULL;
    if (have_tool)
        ck_assert_uint_eq(info_id("a", false), old_id);
    int64_t one = 1;
    ck_assert_int_eq(ndshm_array_fill(oldrow, &one), 0);

    test_child_ok(recreator, NULL, "the re-creator");
    expect_stale(old, 1);
    expect_stale(oldrow, 1);
    ndshm_array *now = test_open("a", 0);
    expect_stale(now, 0);
    ck_assert_uint_ne(ndshm_array_id(now), old_id);
    ck_assert_uint_gt(ndshm_array_id(now), old_id); /* never reused */
    ck_assert_str_ne(ndshm_array_path(now), ndshm_array_path(old));
    if (have_tool) {
        ck_assert_uint_eq(info_id("a", false), ndshm_array_id(now));
        ck_assert_uint_eq(info_id("a", true), ndshm_array_id(now));
    }
    /* the old handle keeps its shape and data; the new one has its own */
    ck_assert_int_eq(ndshm_array_shape(old)[0], ROWS);
    ck_assert_int_eq(ndshm_array_shape(now)[1], 3);
    ck_assert_int_eq(*test_elem(old, 0, 0), 7);
    ck_assert_int_eq(*test_elem(old, 2, 5), 1);
    expect_all(now, 3);
    uint64_t nv = ndshm_array_version(now);
    /* writes through the old handles never reach the new array */
    int64_t nine = 9;
    ck_assert_int_eq(ndshm_array_fill(old, &nine), 0);
    *(volatile int64_t *)ndshm_array_data(oldrow) = 10; /* a[2, 0] */
    ndshm_array_notify(oldrow);
    expect_all(now, 3);
    ck_assert_uint_eq(ndshm_array_version(now), nv);
    ck_assert_int_eq(*test_elem(old, 2, 0), 10);
    ck_assert_int_eq(*test_elem(old, 3, 7), 9);
    /* and the new array's writes never reach the old handles */
    int64_t four = 4;
    ck_assert_int_eq(ndshm_array_fill(now, &four), 0);
    ck_assert_int_eq(*test_elem(old, 0, 0), 9);
    ck_assert_int_eq(test_count_data_files(test_dir), 1);
    expect_stale(old, 1);

    /* once more with the tool, same shape and dtype: only the id says */
    if (have_tool) {
        struct test_run r;
        test_tool_run(&r, test_dir, (const char *const[]){"rm", "a", NULL});
        ck_assert_msg(r.status == 0, "ndshm rm a exited %d: %s", r.status,
                      r.err);
        test_tool_run(&r, test_dir,
                      (const char *const[]){"create", "a", "--dtype", "int64",
                                            "--shape", "2,3", "--fill", "6",
                                            NULL});
        ck_assert_msg(r.status == 0, "ndshm create a exited %d: %s", r.status,
                      r.err);
        uint64_t third = info_id("a", false);
        ck_assert_uint_gt(third, ndshm_array_id(now));
        expect_stale(now, 1);
        expect_all(now, 4);
        ndshm_array *t = test_open("a", 0);
        ck_assert_uint_eq(ndshm_array_id(t), third);
        expect_all(t, 6);
        ndshm_array_close(t);
    }
    ndshm_array_close(old);
    ndshm_array_close(oldrow);
    ndshm_array_close(now);
}
END_TEST

/* ---- views keep a removed base alive ------------------------------------ */

static int view_writer(void *arg)
{
    (void)arg;
    ndshm_store *st = test_child_store(test_dir);
    ndshm_array *w;
    if (st == NULL || ndshm_array_open(&w, st, "w", 0) != 0)
        return test_child_lib_fail(40, "open w");
    if (ndshm_array_base(w) != NULL)
        return test_child_fail(41, "w's base is '%s' after it was removed",
                               ndshm_array_base(w));
    /* w is v[:, ::2], v is a[1:3]: w[1, 3] is a[2, 6] */
    if (*test_elem(w, 1, 3) != 2 * COLS + 6)
        return test_child_fail(42, "w[1, 3] is %lld",
                               (long long)*test_elem(w, 1, 3));
    *test_elem(w, 0, 0) = 1000;
    ndshm_array_notify(w);
    ndshm_array_close(w);
    ndshm_store_close(st);
    return 0;
}

START_TEST(views_keep_a_removed_base_alive)
{
    const int64_t shape[2] = {ROWS, COLS};
    int64_t init[ROWS][COLS];
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < COLS; j++)
            init[i][j] = i * COLS + j;
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, "a", NDSHM_INT64,
                                                    2, shape, init, NULL, 0),
                     0);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[1:3]", 0), 0);
    ck_assert_int_eq(ndshm_view_create(test_st, "w", "v[:, ::2]", 0), 0);
    ndshm_array *hv = test_open("v", 0), *hvx = test_open("v[1]", 0);
    ck_assert_str_eq(ndshm_array_base(hv), "a");

    remove_elsewhere((const char *const[]){"a", NULL});
    expect_absent("a");
    /* the views hold the file */
    ck_assert_int_eq(test_count_data_files(test_dir), 1);
    /* v still names the same data and window */
    expect_stale(hv, 0);
    expect_stale(hvx, 0);
    ndshm_array *v2 = test_open("v", 0);
    ck_assert_ptr_null(ndshm_array_base(v2));
    ck_assert_uint_eq(ndshm_array_id(v2), ndshm_array_id(hv));
    ck_assert_int_eq(*test_elem(v2, 1, 7), 2 * COLS + 7);
    test_child_ok(view_writer, NULL, "the writer through w");
    ck_assert_int_eq(*test_elem(hv, 0, 0), 1000);
    ck_assert_int_eq(*test_elem(v2, 0, 0), 1000);

    /* a new "a" is another array: the views still see the old one */
    make_filled(test_st, "a", -1);
    ck_assert_int_eq(test_count_data_files(test_dir), 2);
    expect_stale(hv, 0);
    ck_assert_int_eq(*test_elem(hv, 1, 0), 2 * COLS);

    /* the file lives while any name refers to it, then handles alone */
    remove_elsewhere((const char *const[]){"v", NULL});
    expect_stale(hv, 1);
    expect_stale(hvx, 1);
    ck_assert_int_eq(test_count_data_files(test_dir), 2);
    ndshm_array *hw = test_open("w", 0);
    remove_elsewhere((const char *const[]){"w", "a", NULL});
    ck_assert_int_eq(test_count_data_files(test_dir), 0);
    expect_stale(hw, 1);
    *test_elem(hw, 1, 0) = 2000; /* w[1, 0] is a[2, 0] is v[1, 0] */
    ck_assert_int_eq(*test_elem(hv, 1, 0), 2000);
    ck_assert_int_eq(((volatile int64_t *)ndshm_array_data(hvx))[0], 2000);
    ck_assert_int_eq(*test_elem(v2, 0, 0), 1000);
    ndshm_array_close(hv);
    ndshm_array_close(hvx);
    ndshm_array_close(v2);
    ndshm_array_close(hw);
}
END_TEST

/* ---- stale only when the name changes ----------------------------------- */

/* Change everything but the names a and v. */
static int bystander(void *arg)
{
    (void)arg;
    ndshm_store *st = test_child_store(test_dir);
    if (st == NULL)
        return 50;
    const int64_t shape[1] = {3};
    ndshm_array *a;
    int64_t k = 42;
    if (ndshm_array_create(st, "c", NDSHM_INT64, 1, shape, NULL, 0) != 0 ||
        ndshm_view_create(st, "d", "a[::-1]", 0) != 0 ||
        ndshm_copy(st, "e", "v", 0) != 0 || ndshm_remove(st, "c") != 0 ||
        ndshm_remove(st, "d") != 0 ||
        ndshm_array_create(st, "c", NDSHM_INT64, 1, shape, NULL, 0) != 0 ||
        ndshm_view_create(st, "av", "a", 0) != 0)
        return test_child_lib_fail(51, "the bystander's changes");
    if (ndshm_array_open(&a, st, "a", 0) != 0 ||
        ndshm_array_fill(a, &k) != 0 ||
        ndshm_array_lock(a, NDSHM_LOCK_EXCLUSIVE, 0) != 0 ||
        ndshm_array_unlock(a) != 0)
        return test_child_lib_fail(52, "the bystander's writes");
    ndshm_array_close(a);
    ndshm_store_close(st);
    return 0;
}

struct reviewer {
    const char *expr; /* what v becomes */
};

static int review(void *arg)
{
    struct reviewer *r = arg;
    ndshm_store *st = test_child_store(test_dir);
    if (st == NULL)
        return 55;
    if (ndshm_remove(st, "v") != 0 || ndshm_view_create(st, "v", r->expr, 0))
        return test_child_lib_fail(56, "re-create v as %s", r->expr);
    ndshm_store_close(st);
    return 0;
}

START_TEST(stale_only_when_the_name_changes)
{
    make_filled(test_st, "a", 0);
    make_filled(test_st, "b", 0);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[0:2]", 0), 0);
    ndshm_array *ha = test_open("a", 0), *hx = test_open("a[1:]", 0),
                *hv = test_open("v", 0), *hvx = test_open("v[1]", 0),
                *hr = test_open("a.T", NDSHM_READONLY);
    ndshm_array *mine[] = {ha, hx, hv, hvx, hr};
    for (size_t k = 0; k < 5; k++)
        expect_stale(mine[k], 0);
    test_child_ok(bystander, NULL, "the bystander");
    for (size_t k = 0; k < 5; k++)
        expect_stale(mine[k], 0);
    ck_assert_int_eq(*test_elem(ha, 3, 3), 42);

    /* v, re-created with another window over the same array: stale */
    struct reviewer r = {"a[1:3]"};
    test_child_ok(review, &r, "re-viewing v");
    expect_stale(hv, 1);
    expect_stale(hvx, 1);
    expect_stale(ha, 0);
    expect_stale(hx, 0);
    /* the same offset, shape and strides, but over another array */
    r.expr = "b[0:2]";
    test_child_ok(review, &r, "re-viewing v over b");
    expect_stale(hv, 1);
    ndshm_array *nv = test_open("v", 0);
    ck_assert_int_eq(ndshm_array_offset(nv), ndshm_array_offset(hv));
    expect_stale(nv, 0);
    /* the very window v was at first, spelled otherwise: documented as
     * not stale (the same data file and window) */
    r.expr = "a[:2].T.T[:, ::1]";
    test_child_ok(review, &r, "re-viewing v as it was");
    expect_stale(hv, 0);
    expect_stale(nv, 1);
    r.expr = "a[0:2, ::-1]";
    test_child_ok(review, &r, "re-viewing v reversed");
    expect_stale(hv, 1);
    for (size_t k = 0; k < 5; k++)
        ndshm_array_close(mine[k]);
    ndshm_array_close(nv);
}
END_TEST

/* ---- churn -------------------------------------------------------------- */

enum {
    CHURNERS = 3,
    CYCLES = 150,
    READERS = 3,
    LEN = 16, /* elements of x */
    HELD = 4  /* handles a reader keeps open at a time */
};

/*
 * Everyone starts together when the test closes go's write end, and the
 * readers go on until the test closes stop's, once the churners are done.
 */
static int churn_go[2], churn_stop[2];

/* In a child: drop our copies of the write ends, wait for the start. */
static int await_start(void)
{
    close(churn_go[1]);
    close(churn_stop[1]);
    return test_wait_eof(churn_go[0], TEST_GUARD_MS);
}

static int stopped(void)
{
    return test_wait_eof(churn_stop[0], 0) == 0;
}

/*
 * Churner k: CYCLES times, remove xv and x and create them again, x filled
 * with a tag unique to (k, cycle) and xv = x[1:].  Another churner may win
 * any step: EEXIST and ENOTFOUND are part of the game.
 */
static int churner(void *arg)
{
    int k = (int)(intptr_t)arg;
    ndshm_store *st = test_child_store(test_dir);
    if (st == NULL)
        return 60;
    if (await_start() != 0)
        return test_child_fail(65, "churner %d: no start", k);
    const int64_t shape[1] = {LEN};
    for (int c = 0; c < CYCLES; c++) {
        int64_t tag = (int64_t)(k + 1) * 1000000 + c + 1;
        int rc = ndshm_remove(st, "xv");
        if (rc != 0 && rc != NDSHM_ENOTFOUND)
            return test_child_lib_fail(61, "remove xv");
        rc = ndshm_remove(st, "x");
        if (rc != 0 && rc != NDSHM_ENOTFOUND)
            return test_child_lib_fail(62, "remove x");
        rc = ndshm_array_create(st, "x", NDSHM_INT64, 1, shape, &tag, 0);
        if (rc != 0 && rc != NDSHM_EEXIST)
            return test_child_lib_fail(63, "create x");
        rc = ndshm_view_create(st, "xv", "x[1:]", 0);
        if (rc != 0 && rc != NDSHM_EEXIST && rc != NDSHM_ENOTFOUND)
            return test_child_lib_fail(64, "view xv");
    }
    ndshm_store_close(st);
    return 0;
}

struct held {
    ndshm_array *a;
    int64_t tag;
    int64_t shift; /* 0 for x, 1 for xv (x[1:]) */
    int stale;
};

/* Check a handle's window: tag everywhere but readers' marks (-tag). */
static int check_held(const struct held *h, int r)
{
    const volatile int64_t *d = ndshm_array_data(h->a);
    int64_t n = ndshm_array_size(h->a);
    if (n != LEN - h->shift)
        return test_child_fail(70, "reader %d: %lld elements", r,
                               (long long)n);
    for (int64_t i = 0; i < n; i++) {
        int64_t x = i + h->shift; /* index in x */
        int64_t want = x >= 1 && x <= READERS ? -h->tag : h->tag;
        if (d[i] != h->tag && d[i] != want)
            return test_child_fail(71,
                                   "reader %d: x[%lld] is %lld in an array "
                                   "made with %lld",
                                   r, (long long)x, (long long)d[i],
                                   (long long)h->tag);
    }
    return 0;
}

/*
 * Reader r: open x or xv again and again, keeping up to HELD handles
 * open; for each, check its data, write a mark in its own slot x[r + 1]
 * and read it back, and check that staleness never goes back to 0.
 */
static int churn_reader(void *arg)
{
    int r = (int)(intptr_t)arg;
    ndshm_store *st = test_child_store(test_dir);
    if (st == NULL)
        return 72;
    if (await_start() != 0)
        return test_child_fail(80, "reader %d: no start", r);
    struct held h[HELD];
    memset(h, 0, sizeof h);
    uint64_t last_id = 0;
    int opened = 0;
    /* until the churners are done, and then a last round */
    int last_round = 0;
    for (int it = 0; last_round < HELD; it++) {
        if (last_round || stopped())
            last_round++;
        struct held *slot = &h[it % HELD];
        if (slot->a) {
            int stale = ndshm_array_stale(slot->a);
            if (stale < 0)
                return test_child_lib_fail(73, "stale");
            /* x is only ever re-created as a new array: once stale,
             * always stale.  (xv may be viewed again over the same x
             * and window, which is documented as not stale.) */
            if (slot->shift == 0 && slot->stale && !stale)
                return test_child_fail(74,
                                       "reader %d: a stale handle of x "
                                       "became fresh again",
                                       r);
            int rc = check_held(slot, r);
            if (rc != 0)
                return rc;
            ndshm_array_close(slot->a);
            slot->a = NULL;
        }
        const char *name = it % 3 == 2 ? "xv" : "x";
        ndshm_array *a;
        int rc = ndshm_array_open(&a, st, name, 0);
        if (rc == NDSHM_ENOTFOUND)
            continue;
        if (rc != 0)
            return test_child_lib_fail(75, "open");
        opened++;
        slot->a = a;
        slot->shift = name[1] == 'v';
        volatile int64_t *d = ndshm_array_data(a);
        slot->tag = d[LEN - 1 - slot->shift]; /* x's last: never marked */
        if (name[1] != 'v') {
            /* ids only grow (x's are new arrays; xv may keep an old x) */
            if (ndshm_array_id(a) < last_id)
                return test_child_fail(76, "reader %d: id %llu after %llu", r,
                                       (unsigned long long)ndshm_array_id(a),
                                       (unsigned long long)last_id);
            last_id = ndshm_array_id(a);
        }
        if ((rc = check_held(slot, r)) != 0)
            return rc;
        /* mark our slot through the data pointer */
        volatile int64_t *mine = d + (r + 1 - slot->shift);
        *mine = -slot->tag;
        ndshm_array_notify(a);
        if (*mine != -slot->tag)
            return test_child_fail(77, "reader %d: lost its own mark", r);
        slot->stale = ndshm_array_stale(a);
        if (slot->stale < 0)
            return test_child_lib_fail(78, "stale");
    }
    for (int k = 0; k < HELD; k++)
        if (h[k].a) {
            int rc = check_held(&h[k], r);
            if (rc != 0)
                return rc;
            ndshm_array_close(h[k].a);
        }
    ndshm_store_close(st);
    if (opened == 0)
        return test_child_fail(79, "reader %d never found x", r);
    return 0;
}

START_TEST(churn_under_open_handles)
{
    const int64_t shape[1] = {LEN};
    int64_t tag = 1;
    ck_assert_int_eq(
        ndshm_array_create(test_st, "x", NDSHM_INT64, 1, shape, &tag, 0), 0);
    test_pipe(churn_go);
    test_pipe(churn_stop);
    pid_t pids[CHURNERS + READERS];
    for (int k = 0; k < READERS; k++)
        pids[k] = test_spawn(churn_reader, (void *)(intptr_t)k);
    for (int k = 0; k < CHURNERS; k++)
        pids[READERS + k] = test_spawn(churner, (void *)(intptr_t)k);
    close(churn_go[1]); /* go */
    for (int k = 0; k < CHURNERS; k++)
        test_reap_ok(pids[READERS + k], "a churner");
    close(churn_stop[1]); /* stop */
    for (int k = 0; k < READERS; k++)
        test_reap_ok(pids[k], "a reader");
    close(churn_go[0]);
    close(churn_stop[0]);
    /* consistent at the end, with one data file per live array */
    test_fsck_clean(test_st);
    uint64_t ids[2] = {0, 0};
    const char *names[2] = {"x", "xv"};
    for (int k = 0; k < 2; k++) {
        ndshm_array *a;
        int rc = ndshm_array_open(&a, test_st, names[k], 0);
        ck_assert_msg(rc == 0 || rc == NDSHM_ENOTFOUND, "open %s: %s",
                      names[k], ndshm_errmsg());
        if (rc == 0) {
            ids[k] = ndshm_array_id(a);
            expect_stale(a, 0);
            ndshm_array_close(a);
        }
    }
    int live = (ids[0] != 0) + (ids[1] != 0 && ids[1] != ids[0]);
    ck_assert_int_eq(test_count_data_files(test_dir), live);
    if (ids[0])
        ck_assert_int_eq(ndshm_remove(test_st, "x"), 0);
    if (ids[1])
        ck_assert_int_eq(ndshm_remove(test_st, "xv"), 0);
    ck_assert_int_eq(test_count_data_files(test_dir), 0);
}
END_TEST

static Suite *removal_suite(void)
{
    Suite *s = suite_create("removal");
    TCase *tc = test_store_tcase("names", 60);
    tcase_add_test(tc, removed_while_open);
    tcase_add_test(tc, created_again_is_a_new_array);
    tcase_add_test(tc, views_keep_a_removed_base_alive);
    tcase_add_test(tc, stale_only_when_the_name_changes);
    suite_add_tcase(s, tc);

    tc = test_store_tcase("churn", 120);
    tcase_add_test(tc, churn_under_open_handles);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    /* CK_VERBOSITY=verbose lists each test */
    return test_run_suite(removal_suite(), CK_ENV);
}
