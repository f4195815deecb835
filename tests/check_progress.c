/*
 * check_progress.c -- lib/progress.c: the progress callback hears every
 * copy, import, export and check from its start (done 0) to its end (done
 * == total) in slices of at most 64 MiB (or the small slices a test sets),
 * and the sliced copies are the same copies: windows reversed, strided and
 * transposed, cut along the first axis, along an inner one with the outer
 * ones whole, or with the outer ones walked index by index.  The callback
 * is the calling thread's only.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ndshm.h"
#include "progress.h"
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

/* Every element of window w equals the same element of the C-ordered
 * copy c (of int8 elements). */
static void same_elements(const ndshm_array *w, const ndshm_array *c)
{
    int ndim = ndshm_array_ndim(w);
    const int64_t *shape = ndshm_array_shape(w);
    const int64_t *strides = ndshm_array_strides(w);
    ck_assert_int_eq(ndshm_array_ndim(c), ndim);
    const int8_t *src = ndshm_array_data(w), *dst = ndshm_array_data(c);
    int64_t n = ndshm_array_size(w), idx[NDSHM_MAXDIMS] = {0};
    for (int64_t e = 0; e < n; e++) {
        int64_t off = 0;
        for (int i = 0; i < ndim; i++)
            off += idx[i] * strides[i];
        ck_assert_msg(dst[e] == src[off], "element %lld: %d, not %d",
                      (long long)e, dst[e], src[off]);
        for (int i = ndim - 1; i >= 0 && ++idx[i] == shape[i]; i--)
            idx[i] = 0;
    }
}

/* expr copied with slices of slice bytes: the copy is the window, and
 * the reports count its bytes, no step over a slice, at least min_calls. */
static void sliced_copy(const char *expr, int64_t slice, int min_calls)
{
    struct calls *c = calloc(1, sizeof *c);
    ck_assert_ptr_nonnull(c);
    ndshm__progress_set_slice(slice);
    ndshm_set_progress(record, c);
    int rc = ndshm_copy(test_st, "c", expr, 0);
    ndshm_set_progress(NULL, NULL);
    ndshm__progress_set_slice(0);
    ck_assert_msg(rc == 0, "%s", ndshm_errmsg());
    ndshm_array *w = test_open(expr, NDSHM_READONLY);
    ndshm_array *cp = test_open("c", NDSHM_READONLY);
    check_calls(c, (uint64_t)ndshm_array_size(w), NDSHM_PROGRESS_BYTES,
                (uint64_t)slice, min_calls);
    same_elements(w, cp);
    ndshm_array_close(cp);
    ndshm_array_close(w);
    ck_assert_int_eq(ndshm_remove(test_st, "c"), 0);
    free(c);
}

/* An int8 array of shape whose elements are a hash of their index. */
static void create_int8(const char *name, int ndim, const int64_t *shape)
{
    create(name, NDSHM_INT8, ndim, shape);
    ndshm_array *a = test_open(name, 0);
    int8_t *p = ndshm_array_data(a);
    for (int64_t i = 0; i < ndshm_array_size(a); i++)
        p[i] = (int8_t)(i * 7 + i / 251);
    ndshm_array_close(a);
}

/* The three ways a window is cut, with slices of 256 bytes. */
START_TEST(copy_cut_every_way)
{
    const int64_t t[2] = {1000, 4};
    create_int8("t", 2, t);
    /* axis 1 cut, axis 0 whole in each slice: a transpose stays 2-d */
    sliced_copy("t.T", 256, 1 + 4 * 1000 / 256);
    sliced_copy("t[::-3, ::-1].T", 256, 5);

    const int64_t r[3] = {300, 2, 300};
    create_int8("r", 3, r);
    /* 600 rows of 300 bytes: axes 0 and 1 walked, axis 2 cut */
    sliced_copy("r", 256, 1 + 2 * 600);
    sliced_copy("r[::-1, :, 1:]", 256, 1 + 2 * 600);
    /* rows that fit: axis 0 cut, the inner axes whole */
    sliced_copy("r[:, :, ::-150]", 256, 1 + 300 * 2 * 2 / 256);
    /* a 1-d window cut along its only axis */
    sliced_copy("r[7, 1]", 256, 2);
    sliced_copy("r[::-1, 1, 5]", 16, 1 + 300 / 16);
}
END_TEST

/* A byte-swapped .npy import counts the swap, a second pass, too. */
START_TEST(import_counts_the_swap)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/be.npy", test_dir);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    const char head[] = "\x93NUMPY\x01\x00\x76\x00{'descr': '>i4', "
                        "'fortran_order': False, 'shape': (1000,), }";
    char buf[128];
    memset(buf, ' ', sizeof buf);
    memcpy(buf, head, sizeof head - 1);
    buf[127] = '\n';
    ck_assert_uint_eq(fwrite(buf, 1, 128, f), 128);
    for (int i = 0; i < 1000; i++) {
        unsigned char be[4] = {0, 0, (unsigned char)(i >> 8),
                               (unsigned char)i};
        ck_assert_uint_eq(fwrite(be, 1, 4, f), 4);
    }
    ck_assert_int_eq(fclose(f), 0);
    struct calls c = {.n = 0};
    ndshm__progress_set_slice(1024);
    ndshm_set_progress(record, &c);
    int rc = ndshm_npy_import(test_st, "be", path, 0);
    ndshm_set_progress(NULL, NULL);
    ndshm__progress_set_slice(0);
    ck_assert_msg(rc == 0, "%s", ndshm_errmsg());
    check_calls(&c, 2 * 4000, NDSHM_PROGRESS_BYTES, 64 << 20, 3);
    ndshm_array *a = test_open("be", NDSHM_READONLY);
    const int32_t *v = ndshm_array_data(a);
    for (int i = 0; i < 1000; i++)
        ck_assert_int_eq(v[i], i);
    ndshm_array_close(a);
    unlink(path);
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
    tcase_add_test(tc, copy_cut_every_way);
    tcase_add_test(tc, import_counts_the_swap);
    tcase_add_test(tc, export_and_import);
    tcase_add_test(tc, fsck_counts_files);
    tcase_add_test(tc, callback_is_per_thread);
    suite_add_tcase(s, tc);
    return s;
}
