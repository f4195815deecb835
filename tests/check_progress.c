/*
 * check_progress.c -- lib/progress.c: the progress callback hears every
 * copy, import, export and check from its start (done 0) to its end (done
 * == total) in slices of at most 64 MiB, and the sliced copies are the
 * same copies: windows reversed and strided, sliced along an inner axis
 * (the outer ones walked index by index) or along the first.  The callback
 * is the calling thread's only.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ndshm.h"
#include "suites.h"
#include "testutil.h"

#define SLICE ((uint64_t)64 << 20)

struct call {
    uint64_t done, total;
    int unit;
};

struct calls {
    struct call v[4096];
    int n;
};

static void record(uint64_t done, uint64_t total, int unit, void *ctx)
{
    struct calls *c = ctx;
    if (c->n < (int)(sizeof c->v / sizeof c->v[0]))
        c->v[c->n] = (struct call){done, total, unit};
    c->n++;
}

/* From 0 to total, never backwards, no step over max_step. */
static void check_calls(const struct calls *c, uint64_t total, int unit,
                        uint64_t max_step, int min_calls)
{
    ck_assert_int_ge(c->n, min_calls);
    ck_assert_int_le(c->n, (int)(sizeof c->v / sizeof c->v[0]));
    ck_assert_uint_eq(c->v[0].done, 0);
    for (int i = 0; i < c->n; i++) {
        ck_assert_uint_eq(c->v[i].total, total);
        ck_assert_int_eq(c->v[i].unit, unit);
        if (i > 0) {
            ck_assert_uint_ge(c->v[i].done, c->v[i - 1].done);
            ck_assert_uint_le(c->v[i].done - c->v[i - 1].done, max_step);
        }
    }
    ck_assert_uint_eq(c->v[c->n - 1].done, total);
}

static void create(const char *name, ndshm_dtype dtype, int ndim,
                   const int64_t *shape)
{
    ck_assert_msg(ndshm_array_create(test_st, name, dtype, ndim, shape, NULL,
                                     0) == 0,
                  "%s", ndshm_errmsg());
}

/* A 3-d window sliced along axis 0 (16 MiB per index of it). */
START_TEST(copy_3d_reversed)
{
    const int64_t shape[3] = {5, 2048, 2048};
    create("a", NDSHM_INT64, 3, shape);
    ndshm_array *a = test_open("a", 0);
    int64_t *p = ndshm_array_data(a);
    for (int64_t i = 0; i < 5 * 2048 * 2048; i++)
        p[i] = i;
    struct calls *c = calloc(1, sizeof *c);
    ck_assert_ptr_nonnull(c);
    ndshm_set_progress(record, c);
    int rc = ndshm_copy(test_st, "c", "a[::-1, :, ::2]", 0);
    ndshm_set_progress(NULL, NULL);
    ck_assert_msg(rc == 0, "%s", ndshm_errmsg());
    check_calls(c, 5 * 2048 * 1024 * 8, NDSHM_PROGRESS_BYTES, SLICE, 3);

    ndshm_array *cp = test_open("c", NDSHM_READONLY);
    const int64_t *q = ndshm_array_data(cp);
    for (int64_t i = 0; i < 5; i++)
        for (int64_t j = 0; j < 2048; j += 7)
            for (int64_t k = 0; k < 1024; k += 3)
                ck_assert_int_eq(q[(i * 2048 + j) * 1024 + k],
                                 p[((4 - i) * 2048 + j) * 2048 + 2 * k]);
    ndshm_array_close(cp);
    ndshm_array_close(a);
    free(c);
}
END_TEST

/* Rows longer than a slice: axis 1 is sliced, axis 0 walked. */
START_TEST(copy_long_rows)
{
    const int64_t n = (65 << 20) + 3;
    const int64_t shape[2] = {2, n};
    create("b", NDSHM_UINT8, 2, shape);
    ndshm_array *b = test_open("b", 0);
    uint8_t *p = ndshm_array_data(b);
    for (int64_t i = 0; i < 2 * n; i++)
        p[i] = (uint8_t)(i * 7 + i / 251);
    struct calls *c = calloc(1, sizeof *c);
    ck_assert_ptr_nonnull(c);
    ndshm_set_progress(record, c);
    int rc = ndshm_copy(test_st, "c", "b[::-1, 1:]", 0);
    ndshm_set_progress(NULL, NULL);
    ck_assert_msg(rc == 0, "%s", ndshm_errmsg());
    /* two slices per row: a start and four reports at least */
    check_calls(c, (uint64_t)(2 * (n - 1)), NDSHM_PROGRESS_BYTES, SLICE, 5);

    ndshm_array *cp = test_open("c", NDSHM_READONLY);
    ck_assert_int_eq(memcmp(ndshm_array_data(cp), p + n + 1, (size_t)n - 1),
                     0);
    ck_assert_int_eq(
        memcmp((uint8_t *)ndshm_array_data(cp) + n - 1, p + 1, (size_t)n - 1),
        0);
    ndshm_array_close(cp);
    ndshm_array_close(b);
    free(c);
}
END_TEST

/* Export and import report the data's bytes; an empty array reports 0 of
 * 0. */
START_TEST(export_and_import)
{
    const int64_t shape[2] = {300, 7};
    create("e", NDSHM_FLOAT32, 2, shape);
    const int64_t none[1] = {0};
    create("z", NDSHM_FLOAT32, 1, none);
    char path[4200];
    snprintf(path, sizeof path, "%s/e.npy", test_dir);
    struct calls c = {.n = 0};

    ndshm_array *e = test_open("e[:, ::2]", NDSHM_READONLY);
    ndshm_set_progress(record, &c);
    ck_assert_int_eq(ndshm_npy_export(e, path, 0), 0);
    check_calls(&c, 300 * 4 * 4, NDSHM_PROGRESS_BYTES, SLICE, 2);
    ndshm_array_close(e);

    c.n = 0;
    ck_assert_int_eq(ndshm_npy_import(test_st, "i", path, 0), 0);
    check_calls(&c, 300 * 4 * 4, NDSHM_PROGRESS_BYTES, SLICE, 2);

    c.n = 0;
    ck_assert_int_eq(ndshm_copy(test_st, "z2", "z", 0), 0);
    check_calls(&c, 0, NDSHM_PROGRESS_BYTES, 0, 2);
    ndshm_set_progress(NULL, NULL);
    unlink(path);
}
END_TEST

/* fsck counts data files, and ends at the total even when one is gone. */
START_TEST(fsck_counts_files)
{
    const int64_t shape[1] = {10};
    create("f1", NDSHM_INT8, 1, shape);
    create("f2", NDSHM_INT8, 1, shape);
    create("f3", NDSHM_INT8, 1, shape);
    struct calls c = {.n = 0};
    ndshm_set_progress(record, &c);
    ck_assert_int_eq(ndshm_fsck(test_st, 0, NULL, NULL), 0);
    check_calls(&c, 3, NDSHM_PROGRESS_FILES, 1, 4);

    ndshm_array *f = test_open("f2", 0);
    ck_assert_int_eq(unlink(ndshm_array_path(f)), 0);
    ndshm_array_close(f);
    c.n = 0;
    ck_assert_int_eq(ndshm_fsck(test_st, 0, NULL, NULL), NDSHM_ECORRUPT);
    ndshm_set_progress(NULL, NULL);
    check_calls(&c, 3, NDSHM_PROGRESS_FILES, 1, 3);
}
END_TEST

static void *copy_in_thread(void *arg)
{
    (void)arg;
    intptr_t rc = ndshm_copy(test_st, "t2", "t", 0);
    return (void *)rc;
}

/* Another thread's copy is not reported to this thread's callback. */
START_TEST(callback_is_per_thread)
{
    const int64_t shape[1] = {1000};
    create("t", NDSHM_INT32, 1, shape);
    struct calls c = {.n = 0};
    ndshm_set_progress(record, &c);
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, copy_in_thread, NULL), 0);
    void *rc;
    ck_assert_int_eq(pthread_join(th, &rc), 0);
    ndshm_set_progress(NULL, NULL);
    ck_assert_int_eq((intptr_t)rc, 0);
    ck_assert_int_eq(c.n, 0);
}
END_TEST

Suite *progress_suite(void)
{
    Suite *s = suite_create("progress");
    TCase *tc = test_store_tcase("progress", 60);
    tcase_add_test(tc, copy_3d_reversed);
    tcase_add_test(tc, copy_long_rows);
    tcase_add_test(tc, export_and_import);
    tcase_add_test(tc, fsck_counts_files);
    tcase_add_test(tc, callback_is_per_thread);
    suite_add_tcase(s, tc);
    return s;
}
