/*
 * check_array.c -- lib/array.c through the public API: creating arrays
 * (zeros, a fill value of every dtype, 0-d, 32-d, empty, from strided and
 * broadcast buffers) and the errors of bad arguments; views (views of views
 * resolve to the base, read-only views and their protection); copies;
 * removing arrays that views still use; listing; the version counter; and
 * the accessors of an open handle.
 */
#include "config.h"

#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "ndshm.h"
#include "store.h"
#include "suites.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------ */

static ndshm_array *open_ok(const char *expr, unsigned flags)
{
    ndshm_array *a = NULL;
    int rc = ndshm_array_open(&a, test_st, expr, flags);
    ck_assert_msg(rc == 0, "open %s: %s", expr, ndshm_errmsg());
    ck_assert_ptr_nonnull(a);
    return a;
}

/* a: int64 4x8 holding 10*i + j */
static void make_grid(const char *name)
{
    int64_t v[4][8];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            v[i][j] = 10 * i + j;
    const int64_t shape[2] = {4, 8};
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, name, NDSHM_INT64,
                                                    2, shape, v, NULL, 0), 0);
}

/* Element (i, j) of a 2-d int64 window. */
static int64_t at2(const ndshm_array *a, int64_t i, int64_t j)
{
    const int64_t *s = ndshm_array_strides(a);
    ck_assert_int_lt(i, ndshm_array_shape(a)[0]);
    ck_assert_int_lt(j, ndshm_array_shape(a)[1]);
    return *(const int64_t *)((const char *)ndshm_array_data(a) + i * s[0] +
                              j * s[1]);
}

static int data_files(void)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/data", test_dir);
    DIR *d = opendir(path);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static int count_cb(const char *name, void *ctx)
{
    (void)name;
    (*(int *)ctx)++;
    return 0;
}

static int names(void)
{
    int n = 0;
    ck_assert_int_eq(ndshm_list(test_st, count_cb, &n), 0);
    return n;
}

static uint32_t file_refs(uint64_t id)
{
    MDB_txn *txn;
    struct ndshm_file f;
    ck_assert_int_eq(ndshm__catalog_read_begin(&test_st->env->cat, &txn), 0);
    f.id = id;
    ck_assert_int_eq(ndshm__catalog_get_file(&test_st->env->cat, txn, id, &f),
                     0);
    mdb_txn_abort(txn);
    return f.refs;
}

static int file_known(uint64_t id)
{
    MDB_txn *txn;
    struct ndshm_file f;
    ck_assert_int_eq(ndshm__catalog_read_begin(&test_st->env->cat, &txn), 0);
    int rc = ndshm__catalog_get_file(&test_st->env->cat, txn, id, &f);
    mdb_txn_abort(txn);
    return rc == 0;
}

/* ---- create ------------------------------------------------------------- */

START_TEST(create_zeros)
{
    const int64_t shape[2] = {3, 4};
    ck_assert_int_eq(ndshm_array_create(test_st, "a", NDSHM_INT64, 2, shape,
                                        NULL, 0), 0);
    ndshm_array *a = open_ok("a", 0);
    ck_assert_int_eq(ndshm_array_dtype(a), NDSHM_INT64);
    ck_assert_int_eq(ndshm_array_ndim(a), 2);
    ck_assert_int_eq(ndshm_array_shape(a)[0], 3);
    ck_assert_int_eq(ndshm_array_shape(a)[1], 4);
    ck_assert_int_eq(ndshm_array_strides(a)[0], 32);
    ck_assert_int_eq(ndshm_array_strides(a)[1], 8);
    ck_assert_int_eq(ndshm_array_size(a), 12);
    ck_assert_int_eq(ndshm_array_readonly(a), 0);
    ck_assert_int_eq(ndshm_array_is_view(a), 0);
    ck_assert_str_eq(ndshm_array_name(a), "a");
    ck_assert_ptr_null(ndshm_array_base(a));
    ck_assert_int_eq(ndshm_array_offset(a), 4096);
    ck_assert_uint_ge(ndshm_array_id(a), 1);
    ck_assert_int_eq(access(ndshm_array_path(a), R_OK | W_OK), 0);
    const int64_t *p = ndshm_array_data(a);
    for (int i = 0; i < 12; i++)
        ck_assert_int_eq(p[i], 0);
    ndshm_array_close(a);
    ndshm_array_close(NULL);
}
END_TEST

START_TEST(create_fill_every_dtype)
{
    ndshm_dtype dtype = (ndshm_dtype)_i;
    size_t size = ndshm_dtype_size(dtype);
    unsigned char value[16];
    for (size_t i = 0; i < size; i++)
        value[i] = (unsigned char)(0xa1 + 7 * i);
    if (dtype == NDSHM_BOOL)
        value[0] = 1;
    const int64_t shape[3] = {3, 1, 5};
    ck_assert_int_eq(ndshm_array_create(test_st, "f", dtype, 3, shape, value,
                                        0), 0);
    ndshm_array *a = open_ok("f", 0);
    ck_assert_int_eq(ndshm_array_dtype(a), dtype);
    ck_assert_int_eq(ndshm_array_strides(a)[2], (int64_t)size);
    const unsigned char *d = ndshm_array_data(a);
    for (int e = 0; e < 15; e++)
        ck_assert_mem_eq(d + e * size, value, size);
    /* the bytes after the data stay zero */
    ck_assert_uint_eq(d[15 * size], 0);

    /* and fill of an existing window, the same way */
    unsigned char other[16];
    memset(other, 0x3c, sizeof other);
    if (dtype == NDSHM_BOOL)
        other[0] = 0;
    ndshm_array *w = open_ok("f[1:, :, ::2]", 0);
    ck_assert_int_eq(ndshm_array_fill(w, other), 0);
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 5; k++) {
            const unsigned char *e = d + (i * 5 + k) * size;
            int hit = i >= 1 && k % 2 == 0;
            ck_assert_mem_eq(e, hit ? other : value, size);
        }
    ndshm_array_close(w);
    ndshm_array_close(a);
}
END_TEST

START_TEST(create_0d)
{
    double pi = 3.25;
    ck_assert_int_eq(ndshm_array_create(test_st, "s", NDSHM_FLOAT64, 0, NULL,
                                        &pi, 0), 0);
    ck_assert_int_eq(ndshm_array_create(test_st, "z", NDSHM_UINT16, 0, NULL,
                                        NULL, 0), 0);
    ndshm_array *s = open_ok("s", 0), *z = open_ok("z", 0);
    ck_assert_int_eq(ndshm_array_ndim(s), 0);
    ck_assert_int_eq(ndshm_array_size(s), 1);
    ck_assert(*(double *)ndshm_array_data(s) == 3.25);
    ck_assert_uint_eq(*(uint16_t *)ndshm_array_data(z), 0);
    double got = 0;
    ck_assert_int_eq(ndshm_array_read(s, &got, NULL), 0);
    ck_assert(got == 3.25);
    uint16_t seven = 7;
    ck_assert_int_eq(ndshm_array_write(z, &seven, NULL), 0);
    ck_assert_uint_eq(*(uint16_t *)ndshm_array_data(z), 7);
    ndshm_array_close(s);
    ndshm_array_close(z);

    /* a 0-d window of a bigger array */
    make_grid("g");
    ndshm_array *e = open_ok("g[2, -1]", 0);
    ck_assert_int_eq(ndshm_array_ndim(e), 0);
    ck_assert_int_eq(*(int64_t *)ndshm_array_data(e), 27);
    ck_assert_int_eq(ndshm_array_offset(e), 4096 + 2 * 64 + 7 * 8);
    ndshm_array_close(e);
}
END_TEST

START_TEST(create_32d)
{
    int64_t shape[NDSHM_MAXDIMS];
    for (int i = 0; i < NDSHM_MAXDIMS; i++)
        shape[i] = i == 0 || i == 31 ? 2 : (i == 15 ? 3 : 1);
    int32_t fill = -5;
    ck_assert_int_eq(ndshm_array_create(test_st, "d", NDSHM_INT32,
                                        NDSHM_MAXDIMS, shape, &fill, 0), 0);
    ndshm_array *a = open_ok("d", 0);
    ck_assert_int_eq(ndshm_array_ndim(a), 32);
    ck_assert_int_eq(ndshm_array_size(a), 12);
    const int64_t *s = ndshm_array_strides(a);
    ck_assert_int_eq(s[31], 4);
    ck_assert_int_eq(s[16], 8);
    ck_assert_int_eq(s[15], 8);
    ck_assert_int_eq(s[14], 24);
    ck_assert_int_eq(s[0], 24);
    int32_t got[12];
    ck_assert_int_eq(ndshm_array_read(a, got, NULL), 0);
    for (int i = 0; i < 12; i++)
        ck_assert_int_eq(got[i], -5);
    ndshm_array_close(a);

    /* a view may not add a 33rd dimension */
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "d[None]", 0),
                     NDSHM_EINDEX);
    int64_t s33[NDSHM_MAXDIMS + 1] = {0};
    for (int i = 0; i <= NDSHM_MAXDIMS; i++)
        s33[i] = 1;
    ck_assert_int_eq(ndshm_array_create(test_st, "e", NDSHM_INT32,
                                        NDSHM_MAXDIMS + 1, s33, NULL, 0),
                     NDSHM_EINVAL);
}
END_TEST

START_TEST(create_empty)
{
    const int64_t shape[3] = {3, 0, 2};
    float fill = 1.5f;
    ck_assert_int_eq(ndshm_array_create(test_st, "e", NDSHM_FLOAT32, 3, shape,
                                        &fill, 0), 0);
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, "e2",
                                                    NDSHM_FLOAT32, 3, shape,
                                                    NULL, NULL, 0), 0);
    ndshm_array *a = open_ok("e", 0);
    ck_assert_int_eq(ndshm_array_size(a), 0);
    ck_assert_int_eq(ndshm_array_shape(a)[1], 0);
    /* NumPy's strides for an empty array: a 0-long dimension counts as 1 */
    ck_assert_int_eq(ndshm_array_strides(a)[0], 8);
    ck_assert_int_eq(ndshm_array_strides(a)[1], 8);
    ck_assert_int_eq(ndshm_array_strides(a)[2], 4);
    ck_assert_int_eq(ndshm_array_read(a, NULL, NULL), 0);
    ck_assert_int_eq(ndshm_array_write(a, NULL, NULL), 0);
    ck_assert_int_eq(ndshm_array_fill(a, &fill), 0);
    ndshm_array_close(a);
    /* empty windows of a non-empty array */
    make_grid("g");
    ndshm_array *w = open_ok("g[2:2]", 0);
    ck_assert_int_eq(ndshm_array_size(w), 0);
    ck_assert_int_eq(ndshm_array_shape(w)[0], 0);
    ndshm_array_close(w);
    ck_assert_int_eq(ndshm_view_create(test_st, "nothing", "g[:, 9:]", 0), 0);
    w = open_ok("nothing", 0);
    ck_assert_int_eq(ndshm_array_size(w), 0);
    ndshm_array_close(w);
}
END_TEST

START_TEST(create_from_strided_buffer)
{
    /* a Fortran-ordered 3x4 source: element (i, j) at i + 3*j */
    int16_t src[12];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++)
            src[i + 3 * j] = (int16_t)(100 * i + j);
    const int64_t shape[2] = {3, 4};
    const int64_t fstrides[2] = {2, 6};
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, "f", NDSHM_INT16,
                                                    2, shape, src, fstrides,
                                                    0), 0);
    ndshm_array *a = open_ok("f", 0);
    const int16_t *d = ndshm_array_data(a);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++)
            ck_assert_int_eq(d[4 * i + j], 100 * i + j);
    ck_assert_int_eq(ndshm_array_strides(a)[0], 8); /* stored C order */
    ndshm_array_close(a);

    /* negative strides: the source read backwards */
    int64_t seq[6] = {1, 2, 3, 4, 5, 6};
    const int64_t s6[1] = {6}, back[1] = {-8};
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, "r", NDSHM_INT64,
                                                    1, s6, &seq[5], back, 0),
                     0);
    a = open_ok("r", 0);
    const int64_t *r = ndshm_array_data(a);
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(r[i], 6 - i);
    ndshm_array_close(a);

    /* every other element of a larger buffer */
    const int64_t s3[1] = {3}, two[1] = {16};
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, "o", NDSHM_INT64,
                                                    1, s3, seq, two, 0), 0);
    a = open_ok("o", 0);
    r = ndshm_array_data(a);
    ck_assert_int_eq(r[0], 1);
    ck_assert_int_eq(r[1], 3);
    ck_assert_int_eq(r[2], 5);
    ndshm_array_close(a);
}
END_TEST

START_TEST(create_from_broadcast_buffer)
{
    /* a zero stride repeats: one row becomes every row */
    const uint8_t row[5] = {1, 2, 3, 4, 5};
    const int64_t shape[2] = {4, 5};
    const int64_t rows[2] = {0, 1};
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, "b", NDSHM_UINT8,
                                                    2, shape, row, rows, 0),
                     0);
    ndshm_array *a = open_ok("b", 0);
    const uint8_t *d = ndshm_array_data(a);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 5; j++)
            ck_assert_uint_eq(d[5 * i + j], j + 1);
    ndshm_array_close(a);

    /* a column repeated along rows */
    const uint8_t col[4] = {7, 8, 9, 10};
    const int64_t cols[2] = {1, 0};
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, "c", NDSHM_UINT8,
                                                    2, shape, col, cols, 0),
                     0);
    a = open_ok("c", 0);
    d = ndshm_array_data(a);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 5; j++)
            ck_assert_uint_eq(d[5 * i + j], i + 7);
    ndshm_array_close(a);

    /* one value everywhere */
    const double v = -0.5;
    const int64_t s3[3] = {2, 3, 4}, zero[3] = {0, 0, 0};
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, "s",
                                                    NDSHM_FLOAT64, 3, s3, &v,
                                                    zero, 0), 0);
    a = open_ok("s", 0);
    for (int i = 0; i < 24; i++)
        ck_assert(((double *)ndshm_array_data(a))[i] == -0.5);
    ndshm_array_close(a);
}
END_TEST

/* "data must not be NULL unless the array is empty": a 0-d array is not. */
START_TEST(from_buffer_null_data)
{
    const int64_t shape[1] = {2};
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, "x", NDSHM_INT8,
                                                    1, shape, NULL, NULL, 0),
                     NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, "y", NDSHM_INT8,
                                                    0, NULL, NULL, NULL, 0),
                     NDSHM_EINVAL);
    ck_assert_int_eq(names(), 0);
}
END_TEST

START_TEST(create_exists)
{
    const int64_t shape[1] = {4};
    ck_assert_int_eq(ndshm_array_create(test_st, "a", NDSHM_INT8, 1, shape,
                                        NULL, 0), 0);
    int8_t one = 1;
    ck_assert_int_eq(ndshm_array_create(test_st, "a", NDSHM_INT8, 1, shape,
                                        &one, 0), NDSHM_EEXIST);
    ck_assert_msg(strstr(ndshm_errmsg(), "'a'") != NULL, "%s",
                  ndshm_errmsg());
    ck_assert_int_eq(ndshm_array_create(test_st, "a", NDSHM_FLOAT64, 0, NULL,
                                        NULL, 0), NDSHM_EEXIST);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[1:]", 0), 0);
    ck_assert_int_eq(ndshm_array_create(test_st, "v", NDSHM_INT8, 1, shape,
                                        NULL, 0), NDSHM_EEXIST);
    ck_assert_int_eq(ndshm_view_create(test_st, "a", "v", 0), NDSHM_EEXIST);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a", 0), NDSHM_EEXIST);
    ck_assert_int_eq(ndshm_copy(test_st, "v", "a", 0), NDSHM_EEXIST);
    /* the original is untouched, and no file was left behind */
    ndshm_array *a = open_ok("a", 0);
    ck_assert_int_eq(((int8_t *)ndshm_array_data(a))[0], 0);
    ndshm_array_close(a);
    ck_assert_int_eq(data_files(), 1);
    ck_assert_int_eq(names(), 2);
}
END_TEST

START_TEST(create_bad_arguments)
{
    const int64_t shape[2] = {2, 2};
    const char *bad_names[] = {"", "1a", "a b", "a/", "/a", "a//b", "a-b",
                               "a.b", "a[0]", "\xc3\xa9t\xc3\xa9", "a/1b",
                               " a"};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        ck_assert_msg(ndshm_array_create(test_st, bad_names[i], NDSHM_INT8, 2,
                                         shape, NULL, 0) == NDSHM_EINVAL,
                      "name '%s' accepted", bad_names[i]);
        ck_assert_int_eq(ndshm_view_create(test_st, bad_names[i], "x", 0),
                         NDSHM_EINVAL);
        ck_assert_int_eq(ndshm_remove(test_st, bad_names[i]), NDSHM_EINVAL);
    }
    ck_assert_int_eq(ndshm_array_create(test_st, NULL, NDSHM_INT8, 2, shape,
                                        NULL, 0), NDSHM_EINVAL);
    char longname[NDSHM_NAME_MAX + 2];
    memset(longname, 'n', sizeof longname);
    longname[NDSHM_NAME_MAX + 1] = '\0';
    ck_assert_int_eq(ndshm_array_create(test_st, longname, NDSHM_INT8, 2,
                                        shape, NULL, 0), NDSHM_EINVAL);
    /* bad dtypes */
    ck_assert_int_eq(ndshm_array_create(test_st, "a", (ndshm_dtype)0, 2, shape,
                                        NULL, 0), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_array_create(test_st, "a", (ndshm_dtype)15, 2,
                                        shape, NULL, 0), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_array_create(test_st, "a", (ndshm_dtype)-1, 2,
                                        shape, NULL, 0), NDSHM_EINVAL);
    /* bad ndim */
    ck_assert_int_eq(ndshm_array_create(test_st, "a", NDSHM_INT8, -1, shape,
                                        NULL, 0), NDSHM_EINVAL);
    int64_t s33[NDSHM_MAXDIMS + 1];
    for (int i = 0; i <= NDSHM_MAXDIMS; i++)
        s33[i] = 1;
    ck_assert_int_eq(ndshm_array_create(test_st, "a", NDSHM_INT8, 33, s33,
                                        NULL, 0), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_array_create(test_st, "a", NDSHM_INT8, 2, NULL,
                                        NULL, 0), NDSHM_EINVAL);
    /* negative dimensions */
    const int64_t neg[3] = {2, -1, 3};
    ck_assert_int_eq(ndshm_array_create(test_st, "a", NDSHM_INT8, 3, neg, NULL,
                                        0), NDSHM_EINVAL);
    const int64_t neg0[3] = {0, INT64_MIN, 3};
    ck_assert_int_eq(ndshm_array_create(test_st, "a", NDSHM_INT8, 3, neg0,
                                        NULL, 0), NDSHM_EINVAL);
    int8_t src[4] = {0};
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, "a", NDSHM_INT8,
                                                    3, neg, src, NULL, 0),
                     NDSHM_EINVAL);
    /* flags */
    ck_assert_int_eq(ndshm_array_create(test_st, "a", NDSHM_INT8, 2, shape,
                                        NULL, 1), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, "a", NDSHM_INT8,
                                                    2, shape, src, NULL, 4),
                     NDSHM_EINVAL);
    /* no store */
    ck_assert_int_eq(ndshm_array_create(NULL, "a", NDSHM_INT8, 2, shape, NULL,
                                        0), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_view_create(NULL, "a", "b", 0), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_remove(NULL, "a"), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_list(NULL, count_cb, NULL), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_list(test_st, NULL, NULL), NDSHM_EINVAL);
    ndshm_array *a = (ndshm_array *)0x1;
    ck_assert_int_eq(ndshm_array_open(&a, NULL, "a", 0), NDSHM_EINVAL);
    ck_assert_ptr_null(a);

    /* nothing was made by any of that */
    ck_assert_int_eq(names(), 0);
    ck_assert_int_eq(data_files(), 0);

    /* the edges that are allowed */
    char maxname[NDSHM_NAME_MAX + 1];
    memset(maxname, 'm', NDSHM_NAME_MAX);
    maxname[NDSHM_NAME_MAX] = '\0';
    const char *good[] = {"_", "a/b/c", "_x9/Y_", "Z", maxname};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        ck_assert_msg(ndshm_array_create(test_st, good[i], NDSHM_INT8, 2,
                                         shape, NULL, 0) == 0,
                      "'%s': %s", good[i], ndshm_errmsg());
    ck_assert_int_eq(names(), 5);
    a = open_ok(maxname, 0);
    ck_assert_str_eq(ndshm_array_name(a), maxname);
    ndshm_array_close(a);
}
END_TEST

START_TEST(create_huge)
{
    const int64_t sq[2] = {(int64_t)1 << 40, (int64_t)1 << 40};
    ck_assert_int_eq(ndshm_array_create(test_st, "h", NDSHM_INT8, 2, sq, NULL,
                                        0), NDSHM_ERANGE);
    const int64_t big[1] = {INT64_MAX};
    ck_assert_int_eq(ndshm_array_create(test_st, "h", NDSHM_INT8, 1, big, NULL,
                                        0), NDSHM_ERANGE);
    const int64_t mid[1] = {INT64_MAX / 4};
    ck_assert_int_eq(ndshm_array_create(test_st, "h", NDSHM_COMPLEX128, 1, mid,
                                        NULL, 0), NDSHM_ERANGE);
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, "h", NDSHM_INT64,
                                                    2, sq, sq, NULL, 0),
                     NDSHM_ERANGE);
    ck_assert_int_eq(names(), 0);
    ck_assert_int_eq(data_files(), 0);
}
END_TEST

/*
 * An empty array whose C-contiguous strides do not fit in int64: NumPy
 * refuses the shape ("array is too big"); a stride must never wrap.
 */
START_TEST(create_empty_stride_overflow)
{
    const int64_t shape[2] = {0, INT64_MAX};
    int rc = ndshm_array_create(test_st, "e", NDSHM_INT64, 2, shape, NULL, 0);
    if (rc == 0) {
        ndshm_array *a = open_ok("e", 0);
        const int64_t *s = ndshm_array_strides(a);
        ck_assert_msg(0, "created, with strides (%lld, %lld)",
                      (long long)s[0], (long long)s[1]);
    }
    ck_assert_msg(rc == NDSHM_ERANGE || rc == NDSHM_EINVAL, "got %s",
                  ndshm_errname(rc));
    ck_assert_int_eq(names(), 0);
    ck_assert_int_eq(data_files(), 0);
}
END_TEST

/* ---- views -------------------------------------------------------------- */

START_TEST(view_of_view_resolves_to_base)
{
    make_grid("a");
    ck_assert_int_eq(ndshm_view_create(test_st, "v1", "a[1:, ::2]", 0), 0);
    ck_assert_int_eq(ndshm_view_create(test_st, "v2", "v1[::-1, 1:3]", 0), 0);
    ck_assert_int_eq(ndshm_view_create(test_st, "v3", "v2.T[1]", 0), 0);
    ndshm_array *a = open_ok("a", 0), *v1 = open_ok("v1", 0),
                *v2 = open_ok("v2", 0), *v3 = open_ok("v3", 0);

    /* v1 = a[1:, ::2]: offset 4096 + 64, shape (3, 4), strides (64, 16) */
    ck_assert_int_eq(ndshm_array_offset(v1), 4160);
    ck_assert_int_eq(ndshm_array_shape(v1)[0], 3);
    ck_assert_int_eq(ndshm_array_shape(v1)[1], 4);
    ck_assert_int_eq(ndshm_array_strides(v1)[0], 64);
    ck_assert_int_eq(ndshm_array_strides(v1)[1], 16);
    /* v2 = v1[::-1, 1:3]: starts at v1[2, 1] = a[3, 2] */
    ck_assert_int_eq(ndshm_array_offset(v2), 4096 + 3 * 64 + 2 * 8);
    ck_assert_int_eq(ndshm_array_shape(v2)[0], 3);
    ck_assert_int_eq(ndshm_array_shape(v2)[1], 2);
    ck_assert_int_eq(ndshm_array_strides(v2)[0], -64);
    ck_assert_int_eq(ndshm_array_strides(v2)[1], 16);
    /* v3 = v2.T[1]: v2[:, 1], shape (3,), stride -64, at a[3, 4] */
    ck_assert_int_eq(ndshm_array_ndim(v3), 1);
    ck_assert_int_eq(ndshm_array_offset(v3), 4096 + 3 * 64 + 4 * 8);
    ck_assert_int_eq(ndshm_array_shape(v3)[0], 3);
    ck_assert_int_eq(ndshm_array_strides(v3)[0], -64);

    /* all three look into a's file, named after a */
    const ndshm_array *vs[3] = {v1, v2, v3};
    for (int k = 0; k < 3; k++) {
        ck_assert_uint_eq(ndshm_array_id(vs[k]), ndshm_array_id(a));
        ck_assert_str_eq(ndshm_array_path(vs[k]), ndshm_array_path(a));
        ck_assert_str_eq(ndshm_array_base(vs[k]), "a");
        ck_assert_int_eq(ndshm_array_is_view(vs[k]), 1);
    }
    ck_assert_uint_eq(file_refs(ndshm_array_id(a)), 4);

    /* v2[i, j] = a[3 - i, 2 + 2j] */
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++)
            ck_assert_int_eq(at2(v2, i, j), 10 * (3 - i) + 2 + 2 * j);
    int64_t col[3];
    ck_assert_int_eq(ndshm_array_read(v3, col, NULL), 0);
    ck_assert_int_eq(col[0], 34);
    ck_assert_int_eq(col[1], 24);
    ck_assert_int_eq(col[2], 14);

    /* writing the innermost view writes the base */
    const int64_t w[3] = {-1, -2, -3};
    ck_assert_int_eq(ndshm_array_write(v3, w, NULL), 0);
    ck_assert_int_eq(at2(a, 3, 4), -1);
    ck_assert_int_eq(at2(a, 2, 4), -2);
    ck_assert_int_eq(at2(a, 1, 4), -3);
    ck_assert_int_eq(at2(v1, 0, 2), -3);

    /* the view of a view keeps working with the middle view gone */
    ck_assert_int_eq(ndshm_remove(test_st, "v1"), 0);
    ndshm_array *again = open_ok("v2", 0);
    ck_assert_int_eq(ndshm_array_offset(again), 4096 + 3 * 64 + 2 * 8);
    ck_assert_int_eq(at2(again, 0, 1), -1);
    ndshm_array_close(again);
    ndshm_array_close(a);
    ndshm_array_close(v1);
    ndshm_array_close(v2);
    ndshm_array_close(v3);
}
END_TEST

START_TEST(view_errors)
{
    make_grid("a");
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "missing[1:]", 0),
                     NDSHM_ENOTFOUND);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[4]", 0), NDSHM_EINDEX);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[0, -9]", 0),
                     NDSHM_EINDEX);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[1, 2, 3]", 0),
                     NDSHM_EINDEX);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[", 0), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[[0, 1]]", 0),
                     NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[::0]", 0),
                     NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", NULL, 0), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a", 2), NDSHM_EINVAL);
    ck_assert_int_eq(names(), 1);
    ndshm_array *a = open_ok("a", 0);
    ck_assert_uint_eq(file_refs(ndshm_array_id(a)), 1);
    ndshm_array_close(a);

    ndshm_array *x = (ndshm_array *)0x1;
    ck_assert_int_eq(ndshm_array_open(&x, test_st, "missing", 0),
                     NDSHM_ENOTFOUND);
    ck_assert_ptr_null(x);
    ck_assert_msg(strstr(ndshm_errmsg(), "missing") != NULL, "%s",
                  ndshm_errmsg());
    ck_assert_int_eq(ndshm_array_open(&x, test_st, "a[9]", 0), NDSHM_EINDEX);
    ck_assert_int_eq(ndshm_array_open(&x, test_st, "a", 2), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_array_open(&x, test_st, "a[1", 0), NDSHM_EINVAL);
}
END_TEST

START_TEST(readonly_views)
{
    make_grid("a");
    ck_assert_int_eq(ndshm_view_create(test_st, "ro", "a[1:3]",
                                       NDSHM_READONLY), 0);
    ck_assert_int_eq(ndshm_view_create(test_st, "ro2", "ro[1, ::2]", 0), 0);
    ck_assert_int_eq(ndshm_view_create(test_st, "rw", "a[1:3]", 0), 0);
    const char *readonly[] = {"ro", "ro2", "ro[0]", "ro2.T", "ro[:, 1:][0]"};
    int64_t vals[16] = {0};
    for (size_t i = 0; i < sizeof readonly / sizeof readonly[0]; i++) {
        /* asking for a writable handle does not make it writable */
        ndshm_array *v = open_ok(readonly[i], 0);
        ck_assert_msg(ndshm_array_readonly(v) == 1, "%s is writable",
                      readonly[i]);
        uint64_t ver = ndshm_array_version(v);
        ck_assert_int_eq(ndshm_array_write(v, vals, NULL), NDSHM_EREADONLY);
        ck_assert_msg(strstr(ndshm_errmsg(), "read-only") != NULL, "%s",
                      ndshm_errmsg());
        ck_assert_int_eq(ndshm_array_fill(v, vals), NDSHM_EREADONLY);
        ndshm_array_notify(v);
        ck_assert_uint_eq(ndshm_array_version(v), ver);
        /* reading works */
        int64_t got[16];
        ck_assert_int_eq(ndshm_array_read(v, got, NULL), 0);
        ndshm_array_close(v);
    }
    /* a writable view of the same window is writable, and the read-only
     * views see its writes */
    ndshm_array *rw = open_ok("rw", 0), *ro = open_ok("ro", 0);
    ck_assert_int_eq(ndshm_array_readonly(rw), 0);
    const int64_t seven = 7;
    ck_assert_int_eq(ndshm_array_fill(rw, &seven), 0);
    ck_assert_int_eq(at2(ro, 1, 7), 7);
    ck_assert_int_eq(at2(ro, 0, 0), 7);
    ck_assert_uint_eq(ndshm_array_version(ro), 1);
    ndshm_array_close(rw);
    ndshm_array_close(ro);
    /* the array itself opened read-only */
    ndshm_array *a = open_ok("a", NDSHM_READONLY);
    ck_assert_int_eq(ndshm_array_readonly(a), 1);
    ck_assert_int_eq(ndshm_array_fill(a, &seven), NDSHM_EREADONLY);
    ck_assert_int_eq(at2(a, 0, 0), 0);
    ndshm_array_close(a);
}
END_TEST

/* The data of a read-only view is mapped PROT_READ: a store faults. */
START_TEST(readonly_view_store_faults)
{
    make_grid("a");
    ck_assert_int_eq(ndshm_view_create(test_st, "ro", "a[2]", NDSHM_READONLY),
                     0);
    ndshm_array *v = open_ok("ro", 0);
    volatile int64_t *p = ndshm_array_data(v);
    ck_assert_int_eq(p[1], 21);
    p[1] = 5; /* SIGSEGV */
    ndshm_array_close(v);
}
END_TEST

START_TEST(readonly_open_store_faults)
{
    make_grid("a");
    ndshm_array *a = open_ok("a[1:]", NDSHM_READONLY);
    volatile int64_t *p = ndshm_array_data(a);
    ck_assert_int_eq(p[0], 10);
    p[0] = 5; /* SIGSEGV */
    ndshm_array_close(a);
}
END_TEST

START_TEST(readonly_view_of_view_store_faults)
{
    make_grid("a");
    ck_assert_int_eq(ndshm_view_create(test_st, "ro", "a[2]", NDSHM_READONLY),
                     0);
    ck_assert_int_eq(ndshm_view_create(test_st, "vv", "ro[::-1]", 0), 0);
    ndshm_array *v = open_ok("vv", 0);
    volatile int64_t *p = ndshm_array_data(v);
    ck_assert_int_eq(p[0], 27);
    p[0] = 5; /* SIGSEGV */
    ndshm_array_close(v);
}
END_TEST

/* ---- copies ------------------------------------------------------------- */

START_TEST(copy_independent)
{
    make_grid("a");
    ck_assert_int_eq(ndshm_copy(test_st, "c", "a[::-1, 1::3]", 0), 0);
    ndshm_array *a = open_ok("a", 0), *c = open_ok("c", 0);
    ck_assert_int_eq(ndshm_array_is_view(c), 0);
    ck_assert_ptr_null(ndshm_array_base(c));
    ck_assert_uint_ne(ndshm_array_id(c), ndshm_array_id(a));
    ck_assert_str_ne(ndshm_array_path(c), ndshm_array_path(a));
    ck_assert_int_eq(ndshm_array_offset(c), 4096);
    ck_assert_int_eq(ndshm_array_ndim(c), 2);
    ck_assert_int_eq(ndshm_array_shape(c)[0], 4);
    ck_assert_int_eq(ndshm_array_shape(c)[1], 3);
    ck_assert_int_eq(ndshm_array_strides(c)[0], 24); /* C-contiguous */
    ck_assert_int_eq(ndshm_array_strides(c)[1], 8);
    const int64_t *d = ndshm_array_data(c);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++)
            ck_assert_int_eq(d[3 * i + j], 10 * (3 - i) + 1 + 3 * j);
    ck_assert_uint_eq(ndshm_array_version(c), 0);

    /* writes to one never reach the other, either way */
    const int64_t minus = -1, plus = 99;
    ck_assert_int_eq(ndshm_array_fill(c, &minus), 0);
    ck_assert_int_eq(at2(a, 3, 1), 31);
    ck_assert_int_eq(at2(a, 0, 7), 7);
    ck_assert_int_eq(ndshm_array_fill(a, &plus), 0);
    for (int i = 0; i < 12; i++)
        ck_assert_int_eq(d[i], -1);
    ck_assert_uint_eq(ndshm_array_version(c), 1);
    ck_assert_uint_eq(ndshm_array_version(a), 1);

    /* removing the source leaves the copy whole */
    ndshm_array_close(a);
    ck_assert_int_eq(ndshm_remove(test_st, "a"), 0);
    ndshm_array_close(c);
    c = open_ok("c", 0);
    ck_assert_int_eq(((int64_t *)ndshm_array_data(c))[11], -1);
    ndshm_array_close(c);
}
END_TEST

START_TEST(copy_of_views)
{
    make_grid("a");
    ck_assert_int_eq(ndshm_view_create(test_st, "ro", "a[:, 2]",
                                       NDSHM_READONLY), 0);
    /* a copy of a read-only view is a writable array of its own */
    ck_assert_int_eq(ndshm_copy(test_st, "c", "ro", 0), 0);
    ndshm_array *c = open_ok("c", 0);
    ck_assert_int_eq(ndshm_array_readonly(c), 0);
    ck_assert_int_eq(ndshm_array_ndim(c), 1);
    int64_t got[4];
    ck_assert_int_eq(ndshm_array_read(c, got, NULL), 0);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(got[i], 10 * i + 2);
    const int64_t z = 0;
    ck_assert_int_eq(ndshm_array_fill(c, &z), 0);
    ndshm_array_close(c);
    /* 0-d, transposed and empty copies */
    ck_assert_int_eq(ndshm_copy(test_st, "e", "a[3, 3]", 0), 0);
    c = open_ok("e", 0);
    ck_assert_int_eq(ndshm_array_ndim(c), 0);
    ck_assert_int_eq(*(int64_t *)ndshm_array_data(c), 33);
    ndshm_array_close(c);
    ck_assert_int_eq(ndshm_copy(test_st, "t", "a.T", 0), 0);
    c = open_ok("t", 0);
    ck_assert_int_eq(ndshm_array_shape(c)[0], 8);
    ck_assert_int_eq(ndshm_array_strides(c)[0], 32);
    ck_assert_int_eq(at2(c, 5, 2), 25);
    ndshm_array_close(c);
    ck_assert_int_eq(ndshm_copy(test_st, "n", "a[1:1]", 0), 0);
    c = open_ok("n", 0);
    ck_assert_int_eq(ndshm_array_size(c), 0);
    ndshm_array_close(c);
    /* errors */
    ck_assert_int_eq(ndshm_copy(test_st, "x", "nope", 0), NDSHM_ENOTFOUND);
    ck_assert_int_eq(ndshm_copy(test_st, "x", "a", 1), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_copy(test_st, "x y", "a", 0), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_copy(test_st, "x", "a[7]", 0), NDSHM_EINDEX);
    ck_assert_int_eq(ndshm_copy(test_st, "a", "a", 0), NDSHM_EEXIST);
    ck_assert_int_eq(data_files(), 5);
}
END_TEST

/* ---- remove ------------------------------------------------------------- */

START_TEST(remove_array_with_views)
{
    make_grid("a");
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[1::2, ::-1]", 0), 0);
    ck_assert_int_eq(ndshm_view_create(test_st, "w", "v[0]", 0), 0);
    ndshm_array *a = open_ok("a", 0);
    uint64_t id = ndshm_array_id(a);
    char path[4200];
    snprintf(path, sizeof path, "%s", ndshm_array_path(a));
    ndshm_array_close(a);
    ck_assert_uint_eq(file_refs(id), 3);

    ck_assert_int_eq(ndshm_remove(test_st, "a"), 0);
    ck_assert_int_eq(ndshm_array_open(&a, test_st, "a", 0), NDSHM_ENOTFOUND);
    ck_assert_int_eq(access(path, F_OK), 0); /* the views keep the data */
    ck_assert_uint_eq(file_refs(id), 2);
    ndshm_array *v = open_ok("v", 0);
    ck_assert_ptr_null(ndshm_array_base(v));
    ck_assert_int_eq(ndshm_array_is_view(v), 1);
    ck_assert_uint_eq(ndshm_array_id(v), id);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 8; j++)
            ck_assert_int_eq(at2(v, i, j), 10 * (1 + 2 * i) + 7 - j);
    /* and can still write them */
    const int64_t x = 1000;
    ck_assert_int_eq(ndshm_array_fill(v, &x), 0);
    ndshm_array *w = open_ok("w", 0);
    ck_assert_ptr_null(ndshm_array_base(w));
    ck_assert_int_eq(((int64_t *)ndshm_array_data(w))[0], 1000);
    ndshm_array_close(w);

    /* a new 'a' is not the views' base */
    make_grid("a");
    a = open_ok("a", 0);
    ck_assert_uint_ne(ndshm_array_id(a), id);
    ck_assert_str_ne(ndshm_array_path(a), path);
    ck_assert_int_eq(at2(a, 1, 0), 10);
    ndshm_array_close(a);
    ndshm_array *v2 = open_ok("v", 0);
    ck_assert_ptr_null(ndshm_array_base(v2));
    ck_assert_uint_eq(ndshm_array_id(v2), id);
    ndshm_array_close(v2);

    /* removing the last name of the old file deletes it */
    ck_assert_int_eq(ndshm_remove(test_st, "v"), 0);
    ck_assert_int_eq(access(path, F_OK), 0);
    ck_assert_int_eq(ndshm_remove(test_st, "w"), 0);
    ck_assert_int_eq(access(path, F_OK), -1);
    ck_assert(!file_known(id));
    ck_assert_int_eq(data_files(), 1);
    /* the open handle still reads */
    ck_assert_int_eq(at2(v, 1, 0), 1000);
    ndshm_array_close(v);
}
END_TEST

START_TEST(remove_view_keeps_array)
{
    make_grid("a");
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[0]", 0), 0);
    ck_assert_int_eq(ndshm_remove(test_st, "v"), 0);
    ck_assert_int_eq(data_files(), 1);
    ndshm_array *a = open_ok("a", 0);
    ck_assert_uint_eq(file_refs(ndshm_array_id(a)), 1);
    ck_assert_int_eq(at2(a, 3, 7), 37);
    ndshm_array_close(a);
    ck_assert_int_eq(ndshm_remove(test_st, "v"), NDSHM_ENOTFOUND);
    ck_assert_int_eq(ndshm_remove(test_st, "a"), 0);
    ck_assert_int_eq(data_files(), 0);
    ck_assert_int_eq(names(), 0);
    ck_assert_int_eq(ndshm_remove(test_st, "a"), NDSHM_ENOTFOUND);
    ck_assert_msg(strstr(ndshm_errmsg(), "'a'") != NULL, "%s",
                  ndshm_errmsg());
}
END_TEST

START_TEST(recreate_gives_new_id_and_file)
{
    const int64_t shape[1] = {4};
    int32_t one = 1, two = 2;
    ck_assert_int_eq(ndshm_array_create(test_st, "x", NDSHM_INT32, 1, shape,
                                        &one, 0), 0);
    ndshm_array *old = open_ok("x", 0);
    uint64_t id = ndshm_array_id(old);
    char path[4200];
    snprintf(path, sizeof path, "%s", ndshm_array_path(old));
    ck_assert_int_eq(ndshm_remove(test_st, "x"), 0);
    ck_assert_int_eq(access(path, F_OK), -1);
    ck_assert_int_eq(ndshm_array_create(test_st, "x", NDSHM_INT32, 1, shape,
                                        &two, 0), 0);
    ndshm_array *new = open_ok("x", 0);
    ck_assert_uint_gt(ndshm_array_id(new), id);
    ck_assert_str_ne(ndshm_array_path(new), path);
    ck_assert_ptr_ne(ndshm_array_data(new), ndshm_array_data(old));
    /* the old handle still has the old data */
    ck_assert_int_eq(((int32_t *)ndshm_array_data(old))[3], 1);
    ck_assert_int_eq(((int32_t *)ndshm_array_data(new))[3], 2);
    ((int32_t *)ndshm_array_data(old))[0] = 50;
    ck_assert_int_eq(((int32_t *)ndshm_array_data(new))[0], 2);
    ndshm_array_close(old);
    ndshm_array_close(new);
    ck_assert_int_eq(data_files(), 1);
}
END_TEST

/* ---- list --------------------------------------------------------------- */

struct collect {
    int n, stop_after;
    char names[16][64];
    int opened; /* names the callback could open */
};

static int collect(const char *name, void *ctx)
{
    struct collect *c = ctx;
    if (c->n < 16)
        snprintf(c->names[c->n], sizeof c->names[0], "%s", name);
    c->n++;
    ndshm_array *a;
    if (ndshm_array_open(&a, test_st, name, NDSHM_READONLY) == 0) {
        c->opened++;
        ndshm_array_close(a);
    }
    return c->n == c->stop_after ? -77 : 0;
}

START_TEST(list_in_order)
{
    struct collect c = {0, -1, {{0}}, 0};
    ck_assert_int_eq(ndshm_list(test_st, collect, &c), 0);
    ck_assert_int_eq(c.n, 0);

    const char *made[] = {"b", "a", "sim/temps", "sim", "B", "_x", "a2"};
    const int64_t shape[1] = {2};
    for (size_t i = 0; i < sizeof made / sizeof made[0]; i++)
        ck_assert_int_eq(ndshm_array_create(test_st, made[i], NDSHM_INT8, 1,
                                            shape, NULL, 0), 0);
    ck_assert_int_eq(ndshm_view_create(test_st, "sim/v", "sim[1:]", 0), 0);
    const char *want[] = {"B", "_x", "a", "a2", "b", "sim", "sim/temps",
                          "sim/v"};
    ck_assert_int_eq(ndshm_list(test_st, collect, &c), 0);
    ck_assert_int_eq(c.n, 8);
    for (int i = 0; i < 8; i++)
        ck_assert_str_eq(c.names[i], want[i]);
    ck_assert_int_eq(c.opened, 8); /* the callback may call the library */

    struct collect s = {0, 3, {{0}}, 0};
    ck_assert_int_eq(ndshm_list(test_st, collect, &s), -77);
    ck_assert_int_eq(s.n, 3);
    ck_assert_str_eq(s.names[2], "a");
}
END_TEST

static int remove_each(const char *name, void *ctx)
{
    (*(int *)ctx)++;
    return ndshm_remove(test_st, name);
}

/* The walk is over a snapshot: removing names from the callback does not
 * disturb it. */
START_TEST(list_snapshot)
{
    const int64_t shape[1] = {1};
    char name[16];
    for (int i = 0; i < 50; i++) {
        snprintf(name, sizeof name, "n%02d", i);
        ck_assert_int_eq(ndshm_array_create(test_st, name, NDSHM_INT8, 1,
                                            shape, NULL, 0), 0);
    }
    int n = 0;
    ck_assert_int_eq(ndshm_list(test_st, remove_each, &n), 0);
    ck_assert_int_eq(n, 50);
    ck_assert_int_eq(names(), 0);
    ck_assert_int_eq(data_files(), 0);
}
END_TEST

/* ---- version ------------------------------------------------------------ */

START_TEST(version_counts_changes)
{
    make_grid("a");
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[::2]", 0), 0);
    ndshm_array *a = open_ok("a", 0), *v = open_ok("v", 0),
                *r = open_ok("a", NDSHM_READONLY);
    ck_assert_uint_eq(ndshm_array_version(a), 0);
    int64_t buf[32] = {0};
    ck_assert_int_eq(ndshm_array_write(a, buf, NULL), 0);
    ck_assert_uint_eq(ndshm_array_version(a), 1);
    ck_assert_int_eq(ndshm_array_fill(v, buf), 0);
    ck_assert_uint_eq(ndshm_array_version(a), 2);
    ndshm_array_notify(a);
    ck_assert_uint_eq(ndshm_array_version(a), 3);
    ndshm_array_notify(v);
    /* one counter per data file, seen by every handle */
    ck_assert_uint_eq(ndshm_array_version(a), 4);
    ck_assert_uint_eq(ndshm_array_version(v), 4);
    ck_assert_uint_eq(ndshm_array_version(r), 4);
    /* reads do not count, nor do failed writes */
    ck_assert_int_eq(ndshm_array_read(v, buf, NULL), 0);
    ck_assert_int_eq(ndshm_array_write(r, buf, NULL), NDSHM_EREADONLY);
    ck_assert_uint_eq(ndshm_array_version(a), 4);
    for (int i = 0; i < 100; i++)
        ndshm_array_notify(v);
    ck_assert_uint_eq(ndshm_array_version(r), 104);
    ndshm_array_close(a);
    ndshm_array_close(v);
    ndshm_array_close(r);
    /* kept in the file */
    a = open_ok("a", 0);
    ck_assert_uint_eq(ndshm_array_version(a), 104);
    ndshm_array_close(a);
}
END_TEST

/* ---- read and write with strides ---------------------------------------- */

START_TEST(read_write_strided)
{
    make_grid("a");
    ndshm_array *w = open_ok("a[1:3, ::-3]", 0); /* shape (2, 3) */
    ck_assert_int_eq(ndshm_array_shape(w)[1], 3);
    /* read into a Fortran-ordered buffer */
    int64_t f[6];
    const int64_t fs[2] = {8, 16};
    ck_assert_int_eq(ndshm_array_read(w, f, fs), 0);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            ck_assert_int_eq(f[i + 2 * j], 10 * (1 + i) + 7 - 3 * j);
    /* write a broadcast row */
    const int64_t row[3] = {-1, -2, -3};
    const int64_t rs[2] = {0, 8};
    ck_assert_int_eq(ndshm_array_write(w, row, rs), 0);
    ndshm_array *a = open_ok("a", 0);
    ck_assert_int_eq(at2(a, 1, 7), -1);
    ck_assert_int_eq(at2(a, 2, 4), -2);
    ck_assert_int_eq(at2(a, 2, 1), -3);
    ck_assert_int_eq(at2(a, 1, 6), 16);
    ck_assert_int_eq(at2(a, 0, 7), 7);
    /* NULL buffers are refused when there is data */
    ck_assert_int_eq(ndshm_array_read(w, NULL, NULL), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_array_write(w, NULL, NULL), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_array_fill(w, NULL), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_array_read(NULL, f, NULL), NDSHM_EINVAL);
    ndshm_array_close(a);
    ndshm_array_close(w);
}
END_TEST

/* ---- read_as: a window read converted to another dtype ------------------ */

/* name: an array of dtype and shape (rows, cols) holding k = i * cols + j
 * at [i, j] (as ndshm_convert makes k into dtype: bool k != 0). */
static void make_counting(const char *name, ndshm_dtype dtype, int64_t rows,
                          int64_t cols)
{
    int64_t n = rows * cols;
    int64_t *k = malloc((size_t)n * sizeof *k);
    unsigned char *data = malloc((size_t)n * ndshm_dtype_size(dtype));
    ck_assert(k && data);
    for (int64_t i = 0; i < n; i++)
        k[i] = i;
    ck_assert_int_eq(ndshm_convert(dtype, data, NDSHM_INT64, k, (size_t)n), 0);
    const int64_t shape[2] = {rows, cols};
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, name, dtype, 2,
                                                    shape, data, NULL, 0),
                     0);
    free(k);
    free(data);
}

/*
 * Every (target, source) pair of dtypes on a window with negative strides,
 * into a column-major destination with gaps, and contiguous (NULL
 * strides, which are the target's): the elements ndshm_convert gives for
 * the window's elements one by one, and no other byte touched.
 */
START_TEST(read_as_every_pair)
{
    for (int f = NDSHM_BOOL; f <= NDSHM_COMPLEX128; f++) {
        ndshm_dtype from = (ndshm_dtype)f;
        char name[16], expr[40];
        snprintf(name, sizeof name, "a%d", f);
        make_counting(name, from, 4, 6);
        snprintf(expr, sizeof expr, "%s[::-1, -1::-2]", name);
        ndshm_array *w = open_ok(expr, NDSHM_READONLY); /* (4, 3) */
        ck_assert_int_eq(ndshm_array_shape(w)[0], 4);
        ck_assert_int_eq(ndshm_array_shape(w)[1], 3);
        ck_assert_int_lt(ndshm_array_strides(w)[0], 0);
        ck_assert_int_lt(ndshm_array_strides(w)[1], 0);
        /* the window's elements, C-ordered, in the source dtype */
        size_t ss = ndshm_dtype_size(from);
        unsigned char elems[12 * 16];
        ck_assert_int_eq(ndshm_array_read(w, elems, NULL), 0);

        for (int t = NDSHM_BOOL; t <= NDSHM_COMPLEX128; t++) {
            ndshm_dtype to = (ndshm_dtype)t;
            size_t ds = ndshm_dtype_size(to);
            /* column-major with a gap of one element after each */
            const int64_t strides[2] = {2 * (int64_t)ds, 8 * (int64_t)ds};
            unsigned char buf[32 + 24 * 16 + 32], want[sizeof buf];
            memset(buf, 0x5a, sizeof buf);
            memcpy(want, buf, sizeof buf);
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 3; j++)
                    ck_assert_int_eq(
                        ndshm_convert(to,
                                      want + 32 + (size_t)i * 2 * ds +
                                          (size_t)j * 8 * ds,
                                      from, elems + (size_t)(i * 3 + j) * ss,
                                      1),
                        0);
            ck_assert_msg(ndshm_array_read_as(w, to, buf + 32, strides) == 0,
                          "%s -> %s: %s", ndshm_dtype_name(from),
                          ndshm_dtype_name(to), ndshm_errmsg());
            ck_assert_msg(memcmp(buf, want, sizeof buf) == 0,
                          "%s -> %s into strides (%d, %d) differs",
                          ndshm_dtype_name(from), ndshm_dtype_name(to),
                          (int)strides[0], (int)strides[1]);
            /* contiguous in the target's item size */
            memset(buf, 0x5a, sizeof buf);
            memcpy(want, buf, sizeof buf);
            ck_assert_int_eq(ndshm_convert(to, want + 32, from, elems, 12), 0);
            ck_assert_int_eq(ndshm_array_read_as(w, to, buf + 32, NULL), 0);
            ck_assert_msg(memcmp(buf, want, sizeof buf) == 0,
                          "%s -> %s, contiguous, differs",
                          ndshm_dtype_name(from), ndshm_dtype_name(to));
        }
        ndshm_array_close(w);
    }
}
END_TEST

/* A view with negative strides read as float64 into a destination whose
 * strides are negative too (its first element at the end of the buffer). */
START_TEST(read_as_negative_strides)
{
    make_counting("a", NDSHM_INT32, 5, 7);
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "a[::-1, ::-2]", 0), 0);
    ndshm_array *v = open_ok("v", 0); /* (5, 4): a[4 - i, 6 - 2 j] */
    ck_assert_int_eq(ndshm_array_shape(v)[0], 5);
    ck_assert_int_eq(ndshm_array_shape(v)[1], 4);
    double buf[2 + 5 * 4 * 2 + 2];
    for (size_t i = 0; i < sizeof buf / sizeof buf[0]; i++)
        buf[i] = -1.5;
    /* element (i, j) at last - 2 i - 10 j, counting in doubles */
    double *last = &buf[2 + 39];
    const int64_t strides[2] = {-8 * 2, -8 * 2 * 5};
    ck_assert_int_eq(ndshm_array_read_as(v, NDSHM_FLOAT64, last, strides), 0);
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 4; j++)
            ck_assert_msg(last[-2 * i - 10 * j] == 7 * (4 - i) + (6 - 2 * j),
                          "(%d, %d): %g", i, j, last[-2 * i - 10 * j]);
    /* the gaps and the guards are untouched */
    int touched = 0;
    for (size_t i = 0; i < sizeof buf / sizeof buf[0]; i++)
        touched += buf[i] != -1.5;
    ck_assert_int_eq(touched, 20);
    ck_assert(buf[0] == -1.5 && buf[1] == -1.5 && buf[43] == -1.5);

    /* the same dtype is a plain read */
    int32_t same[20], read[20];
    ck_assert_int_eq(ndshm_array_read_as(v, NDSHM_INT32, same, NULL), 0);
    ck_assert_int_eq(ndshm_array_read(v, read, NULL), 0);
    ck_assert_mem_eq(same, read, sizeof same);
    ck_assert_int_eq(same[0], 34);
    ck_assert_int_eq(same[19], 0);
    ndshm_array_close(v);
}
END_TEST

/*
 * Transposed windows, large enough for the blocked copy (the source runs
 * along the destination's outer axis) and for whole-vector conversion
 * loops: the same dtype, a widening, and a checked narrowing.
 */
START_TEST(read_as_transposed)
{
    make_counting("a", NDSHM_INT32, 70, 130);
    ndshm_array *t = open_ok("a.T", 0); /* (130, 70) */
    ck_assert_int_eq(ndshm_array_shape(t)[0], 130);
    int32_t *i32 = malloc(130 * 70 * sizeof *i32);
    double *f64 = malloc(130 * 70 * sizeof *f64);
    int16_t *i16 = malloc(130 * 70 * sizeof *i16);
    ck_assert(i32 && f64 && i16);
    ck_assert_int_eq(ndshm_array_read_as(t, NDSHM_INT32, i32, NULL), 0);
    ck_assert_int_eq(ndshm_array_read_as(t, NDSHM_FLOAT64, f64, NULL), 0);
    ck_assert_int_eq(ndshm_array_read_as(t, NDSHM_INT16, i16, NULL), 0);
    int bad = 0;
    for (int i = 0; i < 130; i++)
        for (int j = 0; j < 70; j++) {
            int k = j * 130 + i;
            bad += i32[i * 70 + j] != k || f64[i * 70 + j] != k ||
                   i16[i * 70 + j] != k;
        }
    ck_assert_int_eq(bad, 0);
    /* int8 cannot hold 9099: refused, the value named */
    int8_t *i8 = malloc(130 * 70);
    ck_assert_ptr_nonnull(i8);
    ck_assert_int_eq(ndshm_array_read_as(t, NDSHM_INT8, i8, NULL),
                     NDSHM_ERANGE);
    ck_assert_ptr_nonnull(strstr(ndshm_errmsg(), "out of range for int8"));
    free(i32);
    free(f64);
    free(i16);
    free(i8);
    ndshm_array_close(t);
}
END_TEST

START_TEST(read_as_errors)
{
    const int64_t shape[1] = {4};
    const int64_t i64[4] = {1, -2, 300, 4};
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, "i", NDSHM_INT64,
                                                    1, shape, i64, NULL, 0),
                     0);
    const double f64[4] = {1.5, NAN, 2.0, 1e300};
    ck_assert_int_eq(ndshm_array_create_from_buffer(
                         test_st, "f", NDSHM_FLOAT64, 1, shape, f64, NULL, 0),
                     0);
    const double c128[8] = {1, 0, 2, 0, 3, 0.5, 4, 0};
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, "c",
                                                    NDSHM_COMPLEX128, 1, shape,
                                                    c128, NULL, 0),
                     0);
    ndshm_array *i = open_ok("i", 0), *f = open_ok("f", 0),
                *c = open_ok("c", 0);
    int8_t i8[4];
    int32_t i32[4];
    double d[4];
    uint16_t h[4];
    ck_assert_int_eq(ndshm_array_read_as(i, NDSHM_INT8, i8, NULL),
                     NDSHM_ERANGE);
    ck_assert_ptr_nonnull(strstr(ndshm_errmsg(), "300"));
    ck_assert_ptr_nonnull(strstr(ndshm_errmsg(), "int8"));
    ck_assert_int_eq(ndshm_array_read_as(f, NDSHM_INT32, i32, NULL),
                     NDSHM_ERANGE);
    ck_assert_ptr_nonnull(strstr(ndshm_errmsg(), "nan"));
    ck_assert_int_eq(ndshm_array_read_as(f, NDSHM_FLOAT16, h, NULL),
                     NDSHM_ERANGE);
    ck_assert_int_eq(ndshm_array_read_as(c, NDSHM_FLOAT64, d, NULL),
                     NDSHM_ERANGE);
    ck_assert_ptr_nonnull(strstr(ndshm_errmsg(), "imaginary"));
    /* the windows that avoid the refused elements convert */
    ndshm_array *i2 = open_ok("i[:2]", 0), *c2 = open_ok("c[::3]", 0);
    ck_assert_int_eq(ndshm_array_read_as(i2, NDSHM_INT8, i8, NULL), 0);
    ck_assert_int_eq(i8[0], 1);
    ck_assert_int_eq(i8[1], -2);
    ck_assert_int_eq(ndshm_array_read_as(c2, NDSHM_FLOAT64, d, NULL), 0);
    ck_assert(d[0] == 1 && d[1] == 4);

    /* bad arguments */
    ck_assert_int_eq(ndshm_array_read_as(NULL, NDSHM_INT8, i8, NULL),
                     NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_array_read_as(i, (ndshm_dtype)0, i8, NULL),
                     NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_array_read_as(i, (ndshm_dtype)15, i8, NULL),
                     NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_array_read_as(i, NDSHM_FLOAT64, NULL, NULL),
                     NDSHM_EINVAL);
    /* nothing to read: NULL is fine */
    ndshm_array *e = open_ok("i[2:2]", 0);
    ck_assert_int_eq(ndshm_array_read_as(e, NDSHM_FLOAT64, NULL, NULL), 0);
    ck_assert_int_eq(ndshm_array_read_as(e, NDSHM_INT8, NULL, NULL), 0);
    /* a 0-d window */
    ndshm_array *s = open_ok("i[-1]", 0);
    float one = 0;
    ck_assert_int_eq(ndshm_array_read_as(s, NDSHM_FLOAT32, &one, NULL), 0);
    ck_assert(one == 4.0f);
    ndshm_array_close(i);
    ndshm_array_close(f);
    ndshm_array_close(c);
    ndshm_array_close(i2);
    ndshm_array_close(c2);
    ndshm_array_close(e);
    ndshm_array_close(s);
}
END_TEST

/* ---- accessors ---------------------------------------------------------- */

START_TEST(accessors)
{
    const int64_t shape[3] = {2, 3, 4};
    ck_assert_int_eq(ndshm_array_create(test_st, "ns/x", NDSHM_UINT16, 3,
                                        shape, NULL, 0), 0);
    ck_assert_int_eq(ndshm_view_create(test_st, "ns/v", "ns/x[1]", 0), 0);
    struct {
        const char *expr;
        int is_view;
        const char *name, *base;
        int64_t offset, size;
        int ndim;
    } cases[] = {
        {"ns/x", 0, "ns/x", NULL, 4096, 24, 3},
        {"ns/x[1:]", 1, "ns/x", "ns/x", 4096 + 24, 12, 3},
        {"ns/x.T", 1, "ns/x", "ns/x", 4096, 24, 3},
        {"ns/x[...]", 1, "ns/x", "ns/x", 4096, 24, 3},
        {"ns/x[0, 0, 0]", 1, "ns/x", "ns/x", 4096, 1, 0},
        {"ns/x[:, None]", 1, "ns/x", "ns/x", 4096, 24, 4},
        {"ns/v", 1, "ns/v", "ns/x", 4096 + 24, 12, 2},
        {"ns/v[2, 1:]", 1, "ns/v", "ns/x", 4096 + 24 + 16 + 2, 3, 1},
        {"  ns/v [ -1 ] ", 1, "ns/v", "ns/x", 4096 + 24 + 16, 4, 1},
    };
    uint64_t id = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ndshm_array *a = open_ok(cases[i].expr, 0);
        ck_assert_msg(ndshm_array_is_view(a) == cases[i].is_view, "%s",
                      cases[i].expr);
        ck_assert_str_eq(ndshm_array_name(a), cases[i].name);
        if (cases[i].base)
            ck_assert_pstr_eq(ndshm_array_base(a), cases[i].base);
        else
            ck_assert_ptr_null(ndshm_array_base(a));
        ck_assert_int_eq(ndshm_array_offset(a), cases[i].offset);
        ck_assert_int_eq(ndshm_array_size(a), cases[i].size);
        ck_assert_int_eq(ndshm_array_ndim(a), cases[i].ndim);
        ck_assert_int_eq(ndshm_array_dtype(a), NDSHM_UINT16);
        ck_assert_int_eq(ndshm_array_readonly(a), 0);
        if (i == 0)
            id = ndshm_array_id(a);
        ck_assert_uint_eq(ndshm_array_id(a), id);
        const char *path = ndshm_array_path(a);
        char want[32];
        snprintf(want, sizeof want, "/data/%016llx.npy",
                 (unsigned long long)id);
        ck_assert_msg(strlen(path) > strlen(want) &&
                          strcmp(path + strlen(path) - strlen(want), want) ==
                              0,
                      "%s", path);
        ck_assert_msg(strncmp(path, ndshm_store_path(test_st),
                              strlen(ndshm_store_path(test_st))) == 0,
                      "%s", path);
        ck_assert_int_eq(access(path, R_OK), 0);
        ndshm_array_close(a);
    }
}
END_TEST

Suite *array_suite(void)
{
    Suite *s = suite_create("array");
    TCase *tc = test_store_tcase("create", 30);
    tcase_add_test(tc, create_zeros);
    tcase_add_loop_test(tc, create_fill_every_dtype, NDSHM_BOOL,
                        NDSHM_COMPLEX128 + 1);
    tcase_add_test(tc, create_0d);
    tcase_add_test(tc, create_32d);
    tcase_add_test(tc, create_empty);
    tcase_add_test(tc, create_from_strided_buffer);
    tcase_add_test(tc, create_from_broadcast_buffer);
    tcase_add_test(tc, from_buffer_null_data);
    tcase_add_test(tc, create_exists);
    tcase_add_test(tc, create_bad_arguments);
    tcase_add_test(tc, create_huge);
    tcase_add_test(tc, create_empty_stride_overflow);
    suite_add_tcase(s, tc);

    tc = test_store_tcase("view", 30);
    tcase_add_test(tc, view_of_view_resolves_to_base);
    tcase_add_test(tc, view_errors);
    tcase_add_test(tc, readonly_views);
    tcase_add_test_raise_signal(tc, readonly_view_store_faults, SIGSEGV);
    tcase_add_test_raise_signal(tc, readonly_open_store_faults, SIGSEGV);
    tcase_add_test_raise_signal(tc, readonly_view_of_view_store_faults,
                                SIGSEGV);
    tcase_add_test(tc, copy_independent);
    tcase_add_test(tc, copy_of_views);
    suite_add_tcase(s, tc);

    tc = test_store_tcase("remove", 30);
    tcase_add_test(tc, remove_array_with_views);
    tcase_add_test(tc, remove_view_keeps_array);
    tcase_add_test(tc, recreate_gives_new_id_and_file);
    tcase_add_test(tc, list_in_order);
    tcase_add_test(tc, list_snapshot);
    suite_add_tcase(s, tc);

    tc = test_store_tcase("handle", 30);
    tcase_add_test(tc, version_counts_changes);
    tcase_add_test(tc, read_write_strided);
    tcase_add_test(tc, read_as_every_pair);
    tcase_add_test(tc, read_as_negative_strides);
    tcase_add_test(tc, read_as_transposed);
    tcase_add_test(tc, read_as_errors);
    tcase_add_test(tc, accessors);
    suite_add_tcase(s, tc);
    return s;
}
