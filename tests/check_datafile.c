/*
 * check_datafile.c -- lib/datafile.c: the layout of a data file (header
 * page, data, page-aligned control block) and its overflow checks; the
 * bytes of a created array's file (a .npy v1.0 header ending at 4096, the
 * control block with magic, id and nbytes); and building a file unnamed,
 * linking it, and leaving nothing behind when it is not linked.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datafile.h"
#include "ndshm.h"
#include "npy.h"
#include "store.h"
#include "suites.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------ */

/* Names in data/ (without . and ..), counted; the last one into last. */
static int list_data(char *last, size_t cap)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/data", test_dir);
    DIR *d = opendir(path);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (last) {
            size_t len = strlen(de->d_name);
            ck_assert_uint_lt(len, cap);
            memcpy(last, de->d_name, len + 1);
        }
        n++;
    }
    closedir(d);
    return n;
}

/* The whole file at path, malloc'd; its size in *len. */
static unsigned char *slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    struct stat sb;
    ck_assert_int_eq(fstat(fd, &sb), 0);
    unsigned char *buf = malloc((size_t)sb.st_size + 1);
    ck_assert_ptr_nonnull(buf);
    size_t got = 0;
    while (got < (size_t)sb.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)sb.st_size - got);
        ck_assert_int_gt(n, 0);
        got += (size_t)n;
    }
    close(fd);
    *len = got;
    return buf;
}

static uint64_t u64_at(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void expect_layout(ndshm_dtype dtype, int ndim, const int64_t *shape,
                          int64_t nbytes, int64_t ctl, int64_t total)
{
    struct ndshm_layout lay;
    ck_assert_int_eq(ndshm__layout(dtype, ndim, shape, &lay), 0);
    ck_assert_int_eq(lay.nbytes, nbytes);
    ck_assert_int_eq(lay.ctl_offset, ctl);
    ck_assert_int_eq(lay.total, total);
}

/* ---- layout ------------------------------------------------------------- */

START_TEST(layout_math)
{
    const int64_t s34[2] = {3, 4};
    expect_layout(NDSHM_INT64, 2, s34, 96, 8192, 12288);
    expect_layout(NDSHM_BOOL, 2, s34, 12, 8192, 12288);
    /* 0-d: one element */
    expect_layout(NDSHM_FLOAT64, 0, NULL, 8, 8192, 12288);
    /* empty: the control block right after the header */
    const int64_t s0[2] = {5, 0};
    expect_layout(NDSHM_COMPLEX128, 2, s0, 0, 4096, 8192);
    /* data filling exactly a page, and one element more */
    const int64_t s512[1] = {512}, s513[1] = {513};
    expect_layout(NDSHM_FLOAT64, 1, s512, 4096, 8192, 12288);
    expect_layout(NDSHM_FLOAT64, 1, s513, 4104, 12288, 16384);
    const int64_t s4095[1] = {4095}, s4097[1] = {4097};
    expect_layout(NDSHM_UINT8, 1, s4095, 4095, 8192, 12288);
    expect_layout(NDSHM_UINT8, 1, s4097, 4097, 12288, 16384);
    /* big but representable */
    const int64_t big[2] = {1 << 20, 1 << 20};
    expect_layout(NDSHM_COMPLEX128, 2, big, (int64_t)16 << 40,
                  ((int64_t)16 << 40) + 4096, ((int64_t)16 << 40) + 8192);
    /* every ndim up to the limit */
    int64_t ones[NDSHM_MAXDIMS];
    for (int i = 0; i < NDSHM_MAXDIMS; i++)
        ones[i] = i % 4 == 0 ? 2 : 1;
    expect_layout(NDSHM_INT16, NDSHM_MAXDIMS, ones, 2 << 8, 8192, 12288);
}
END_TEST

START_TEST(layout_overflow)
{
    struct ndshm_layout lay;
    const int64_t huge1[1] = {INT64_MAX};
    /* the element count fits, the bytes do not */
    ck_assert_int_eq(ndshm__layout(NDSHM_INT16, 1, huge1, &lay),
                     NDSHM_ERANGE);
    ck_assert_str_ne(ndshm_errmsg(), "");
    /* the bytes fit, the header and control block do not */
    ck_assert_int_eq(ndshm__layout(NDSHM_UINT8, 1, huge1, &lay),
                     NDSHM_ERANGE);
    const int64_t near[1] = {INT64_MAX - 4096};
    ck_assert_int_eq(ndshm__layout(NDSHM_UINT8, 1, near, &lay),
                     NDSHM_ERANGE);
    /* the element count overflows */
    const int64_t sq[2] = {(int64_t)1 << 32, (int64_t)1 << 32};
    ck_assert_int_eq(ndshm__layout(NDSHM_BOOL, 2, sq, &lay), NDSHM_ERANGE);
    int64_t many[NDSHM_MAXDIMS];
    for (int i = 0; i < NDSHM_MAXDIMS; i++)
        many[i] = 7;
    ck_assert_int_eq(ndshm__layout(NDSHM_INT8, NDSHM_MAXDIMS, many, &lay),
                     NDSHM_ERANGE);
    /* a 0 dimension does not excuse the others: NumPy refuses
     * np.empty((7,) * 17 + (0,) + (7,) * 14) as too big, since the other
     * dimensions' strides could not be represented */
    many[17] = 0;
    ck_assert_int_eq(ndshm__layout(NDSHM_INT8, NDSHM_MAXDIMS, many, &lay),
                     NDSHM_ERANGE);
    const int64_t empty_wide[2] = {0, INT64_MAX};
    ck_assert_int_eq(ndshm__layout(NDSHM_INT64, 2, empty_wide, &lay),
                     NDSHM_ERANGE);
    for (int i = 0; i < NDSHM_MAXDIMS; i++)
        many[i] = i == 17 ? 0 : 3; /* 3**31 * 1 byte fits */
    expect_layout(NDSHM_INT8, NDSHM_MAXDIMS, many, 0, 4096, 8192);
    /* the largest file size that fits, and one byte of data more */
    const int64_t edge[1] = {INT64_MAX - 12287};
    expect_layout(NDSHM_UINT8, 1, edge, INT64_MAX - 12287, INT64_MAX - 8191,
                  INT64_MAX - 4095);
    const int64_t past[1] = {INT64_MAX - 12286};
    ck_assert_int_eq(ndshm__layout(NDSHM_UINT8, 1, past, &lay), NDSHM_ERANGE);
}
END_TEST

/* ---- a created array's file --------------------------------------------- */

static void check_file_of(const char *name, ndshm_dtype dtype, int ndim,
                          const int64_t *shape)
{
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, test_st, name, 0), 0);
    struct ndshm_layout lay;
    ck_assert_int_eq(ndshm__layout(dtype, ndim, shape, &lay), 0);

    /* its name is the id in 16 hex digits */
    char want[4200];
    snprintf(want, sizeof want, "%s/data/%016llx.npy",
             ndshm_store_path(test_st), (unsigned long long)ndshm_array_id(a));
    ck_assert_str_eq(ndshm_array_path(a), want);

    size_t len;
    unsigned char *buf = slurp(ndshm_array_path(a), &len);
    ck_assert_uint_eq(len, (size_t)lay.total);
    ck_assert_uint_eq(len % 4096, 0);

    /* a .npy v1.0 header, padded with spaces to byte 4095, then '\n' */
    ck_assert_mem_eq(buf, "\x93NUMPY\x01\x00", 8);
    ck_assert_uint_eq(buf[8] | buf[9] << 8, 4086);
    ck_assert_uint_eq(buf[4095], '\n');
    ck_assert_uint_eq(buf[4094], ' ');
    ck_assert_uint_eq(ndshm__npy_header_len(buf, len), 4096);
    struct ndshm_npy_header h;
    ck_assert_int_eq(ndshm__npy_parse(buf, 4096, &h), 0);
    ck_assert_int_eq(h.dtype, dtype);
    ck_assert(!h.swap);
    ck_assert(!h.fortran);
    ck_assert_int_eq(h.ndim, ndim);
    for (int i = 0; i < ndim; i++)
        ck_assert_int_eq(h.shape[i], shape[i]);
    ck_assert_uint_eq(h.data_offset, 4096);
    ck_assert_int_eq(ndshm_array_offset(a), 4096);

    /* the control block */
    const unsigned char *ctl = buf + lay.ctl_offset;
    ck_assert_int_eq(lay.ctl_offset % 4096, 0);
    ck_assert_int_ge(lay.ctl_offset, 4096 + lay.nbytes);
    ck_assert_int_lt(lay.ctl_offset - 4096, lay.nbytes + 4096);
    ck_assert_mem_eq(ctl, "NDSHMCB1", 8);
    ck_assert_uint_eq(u64_at(ctl + 8), ndshm_array_id(a));
    ck_assert_uint_eq(u64_at(ctl + 16), (uint64_t)lay.nbytes);
    ck_assert_uint_eq(u64_at(ctl + 64), 0); /* version */
    for (int i = 24; i < 4096; i++)
        if (i < 64 || i >= 72)
            ck_assert_msg(ctl[i] == 0, "control block byte %d is %u", i,
                          ctl[i]);
    /* bytes between the data and the control block are zero */
    for (int64_t i = 4096 + lay.nbytes; i < lay.ctl_offset; i++)
        ck_assert_uint_eq(buf[i], 0);
    free(buf);
    ndshm_array_close(a);
}

START_TEST(created_file_bytes)
{
    const int64_t s34[2] = {3, 4};
    ck_assert_int_eq(ndshm_array_create(test_st, "a", NDSHM_FLOAT32, 2, s34,
                                        NULL, 0), 0);
    check_file_of("a", NDSHM_FLOAT32, 2, s34);

    ck_assert_int_eq(ndshm_array_create(test_st, "zero_d", NDSHM_COMPLEX128, 0,
                                        NULL, NULL, 0), 0);
    check_file_of("zero_d", NDSHM_COMPLEX128, 0, NULL);

    const int64_t s0[3] = {2, 0, 5};
    ck_assert_int_eq(ndshm_array_create(test_st, "empty", NDSHM_INT16, 3, s0,
                                        NULL, 0), 0);
    check_file_of("empty", NDSHM_INT16, 3, s0);

    const int64_t s513[1] = {513};
    ck_assert_int_eq(ndshm_array_create(test_st, "page", NDSHM_FLOAT64, 1,
                                        s513, NULL, 0), 0);
    check_file_of("page", NDSHM_FLOAT64, 1, s513);

    int64_t s32[NDSHM_MAXDIMS];
    for (int i = 0; i < NDSHM_MAXDIMS; i++)
        s32[i] = i % 8 == 0 ? 3 : 1;
    ck_assert_int_eq(ndshm_array_create(test_st, "d32", NDSHM_BOOL,
                                        NDSHM_MAXDIMS, s32, NULL, 0), 0);
    check_file_of("d32", NDSHM_BOOL, NDSHM_MAXDIMS, s32);

    /* large dimensions print in full in the header */
    const int64_t wide[2] = {1, 100000};
    ck_assert_int_eq(ndshm_array_create(test_st, "wide", NDSHM_UINT8, 2, wide,
                                        NULL, 0), 0);
    check_file_of("wide", NDSHM_UINT8, 2, wide);

    ck_assert_int_eq(list_data(NULL, 0), 6);
}
END_TEST

START_TEST(created_file_header_text)
{
    const int64_t s[2] = {3, 4};
    ck_assert_int_eq(ndshm_array_create(test_st, "t", NDSHM_INT64, 2, s, NULL,
                                        0), 0);
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, test_st, "t", 0), 0);
    size_t len;
    unsigned char *buf = slurp(ndshm_array_path(a), &len);
    const char *dict =
        "{'descr': '<i8', 'fortran_order': False, 'shape': (3, 4), }";
    ck_assert_mem_eq(buf + 10, dict, strlen(dict));
    for (size_t i = 10 + strlen(dict); i < 4095; i++)
        ck_assert_uint_eq(buf[i], ' ');
    free(buf);
    ndshm_array_close(a);

    const int64_t one[1] = {7};
    ck_assert_int_eq(ndshm_array_create(test_st, "u", NDSHM_BOOL, 1, one, NULL,
                                        0), 0);
    ck_assert_int_eq(ndshm_array_open(&a, test_st, "u", 0), 0);
    buf = slurp(ndshm_array_path(a), &len);
    const char *d1 =
        "{'descr': '|b1', 'fortran_order': False, 'shape': (7,), }";
    ck_assert_mem_eq(buf + 10, d1, strlen(d1));
    free(buf);
    ndshm_array_close(a);
}
END_TEST

/* The file's data region is the array's data, byte for byte. */
START_TEST(created_file_data)
{
    int32_t vals[2][3] = {{1, -2, 3}, {0x7fffffff, -0x7fffffff - 1, 6}};
    const int64_t s[2] = {2, 3};
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, "d", NDSHM_INT32,
                                                    2, s, vals, NULL, 0), 0);
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, test_st, "d", 0), 0);
    size_t len;
    unsigned char *buf = slurp(ndshm_array_path(a), &len);
    ck_assert_mem_eq(buf + 4096, vals, sizeof vals);
    /* little-endian on disk */
    ck_assert_uint_eq(buf[4096 + 4], 0xfe);
    ck_assert_uint_eq(buf[4096 + 7], 0xff);

    /* and writes through the mapping land in the file */
    int32_t *p = ndshm_array_data(a);
    p[5] = 0x01020304;
    free(buf);
    buf = slurp(ndshm_array_path(a), &len);
    ck_assert_uint_eq(buf[4096 + 20], 4);
    ck_assert_uint_eq(buf[4096 + 23], 1);
    /* and the version lives in the file's control block */
    ndshm_array_notify(a);
    ndshm_array_notify(a);
    free(buf);
    buf = slurp(ndshm_array_path(a), &len);
    ck_assert_uint_eq(u64_at(buf + len - 4096 + 64), 2);
    free(buf);
    ndshm_array_close(a);
}
END_TEST

/* ---- building a file ---------------------------------------------------- */

struct probe {
    int names_seen;
    int calls;
    int fail;
    int64_t nbytes;
};

/* An init callback that looks at data/ while the file is being built. */
static int probe_init(void *data, void *ctx)
{
    struct probe *p = ctx;
    p->calls++;
    p->names_seen = list_data(NULL, 0);
    /* the elements are zero, and writable */
    unsigned char *d = data;
    for (int64_t i = 0; i < p->nbytes; i++) {
        ck_assert_uint_eq(d[i], 0);
        d[i] = (unsigned char)(i + 1);
    }
    return p->fail;
}

START_TEST(build_is_unnamed)
{
    const int64_t shape[2] = {10, 10};
    struct probe p = {-1, 0, 0, 100};
    struct ndshm_newfile f;
    ck_assert_int_eq(list_data(NULL, 0), 0);
    ck_assert_int_eq(ndshm__newfile_build(test_st->env, NDSHM_UINT8, 2, shape,
                                          probe_init, &p, &f), 0);
    ck_assert_int_eq(p.calls, 1);
    ck_assert_int_eq(p.names_seen, 0); /* nothing visible while building */
    ck_assert_int_eq(list_data(NULL, 0), 0); /* nor after */
    ck_assert_int_ge(f.fd, 0);
    ck_assert_str_eq(f.tmpname, ""); /* O_TMPFILE on this file system */
    ck_assert_str_eq(f.linked, "");

    /* the unnamed file is complete */
    struct stat sb;
    ck_assert_int_eq(fstat(f.fd, &sb), 0);
    ck_assert_int_eq(sb.st_size, 12288);
    unsigned char head[4096];
    ck_assert_int_eq(pread(f.fd, head, sizeof head, 0), 4096);
    struct ndshm_npy_header h;
    ck_assert_int_eq(ndshm__npy_parse(head, sizeof head, &h), 0);
    ck_assert_int_eq(h.ndim, 2);
    ck_assert_int_eq(h.shape[1], 10);
    unsigned char data[100];
    ck_assert_int_eq(pread(f.fd, data, sizeof data, 4096), 100);
    ck_assert_uint_eq(data[0], 1);
    ck_assert_uint_eq(data[99], 100);

    /* closed without linking: nothing is left */
    ndshm__newfile_close(&f);
    ck_assert_int_eq(f.fd, -1);
    ck_assert_int_eq(list_data(NULL, 0), 0);
}
END_TEST

START_TEST(build_link_unlink)
{
    const int64_t shape[1] = {3};
    struct ndshm_newfile f, g;
    ck_assert_int_eq(ndshm__newfile_build(test_st->env, NDSHM_INT64, 1, shape,
                                          NULL, NULL, &f), 0);
    ck_assert_int_eq(ndshm__newfile_link(&f, 0x2a), 0);
    ck_assert_str_eq(f.linked, "000000000000002a.npy");
    char name[64];
    ck_assert_int_eq(list_data(name, sizeof name), 1);
    ck_assert_str_eq(name, "000000000000002a.npy");

    /* the id is now in the control block */
    char path[4200];
    snprintf(path, sizeof path, "%s/data/%s", test_dir, name);
    size_t len;
    unsigned char *buf = slurp(path, &len);
    ck_assert_uint_eq(len, 12288);
    ck_assert_mem_eq(buf + 8192, "NDSHMCB1", 8);
    ck_assert_uint_eq(u64_at(buf + 8192 + 8), 0x2a);
    ck_assert_uint_eq(u64_at(buf + 8192 + 16), 24);
    free(buf);

    /* a second file cannot take the same name */
    ck_assert_int_eq(ndshm__newfile_build(test_st->env, NDSHM_INT64, 1, shape,
                                          NULL, NULL, &g), 0);
    ck_assert_int_eq(ndshm__newfile_link(&g, 0x2a), NDSHM_EEXIST);
    ndshm__newfile_close(&g);
    ck_assert_int_eq(list_data(NULL, 0), 1);

    /* a linked file stays after close; unlinking (an aborted create) does
     * not */
    ndshm__newfile_close(&f);
    ck_assert_int_eq(list_data(NULL, 0), 1);
    ndshm__newfile_unlink(&f);
    ck_assert_int_eq(list_data(NULL, 0), 0);
    ck_assert_str_eq(f.linked, "");
    ndshm__newfile_unlink(&f); /* twice is harmless */
}
END_TEST

START_TEST(build_init_error)
{
    const int64_t shape[1] = {16};
    struct probe p = {-1, 0, NDSHM_ERANGE, 16};
    struct ndshm_newfile f;
    ck_assert_int_eq(ndshm__newfile_build(test_st->env, NDSHM_UINT8, 1, shape,
                                          probe_init, &p, &f), NDSHM_ERANGE);
    ck_assert_int_eq(p.calls, 1);
    ck_assert_int_eq(f.fd, -1);
    ck_assert_int_eq(list_data(NULL, 0), 0);
}
END_TEST

START_TEST(build_overflow)
{
    const int64_t huge[2] = {INT64_MAX / 2, 3};
    struct ndshm_newfile f;
    ck_assert_int_eq(ndshm__newfile_build(test_st->env, NDSHM_UINT8, 2, huge,
                                          NULL, NULL, &f), NDSHM_ERANGE);
    ck_assert_int_eq(f.fd, -1);
    ck_assert_int_eq(list_data(NULL, 0), 0);
}
END_TEST

/* Space is reserved at creation: a file too big to write fails there, and
 * leaves no name and no file. */
START_TEST(create_without_space)
{
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    struct rlimit old, rl = {1 << 20, 1 << 20};
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    rl.rlim_max = old.rlim_max;
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
    const int64_t shape[1] = {4 << 20};
    int rc = ndshm_array_create(test_st, "big", NDSHM_UINT8, 1, shape, NULL,
                                0);
    ck_assert_int_eq(rc, NDSHM_ENOSPC);
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, test_st, "big", 0), NDSHM_ENOTFOUND);
    ck_assert_int_eq(list_data(NULL, 0), 0);
    /* a small one still fits */
    const int64_t small[1] = {100};
    ck_assert_int_eq(ndshm_array_create(test_st, "small", NDSHM_UINT8, 1,
                                        small, NULL, 0), 0);
    ck_assert_int_eq(list_data(NULL, 0), 1);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, old_handler);
}
END_TEST

Suite *datafile_suite(void)
{
    Suite *s = suite_create("datafile");
    TCase *tc = tcase_create("layout");
    tcase_add_test(tc, layout_math);
    tcase_add_test(tc, layout_overflow);
    suite_add_tcase(s, tc);

    tc = test_store_tcase("file", 30);
    tcase_add_test(tc, created_file_bytes);
    tcase_add_test(tc, created_file_header_text);
    tcase_add_test(tc, created_file_data);
    tcase_add_test(tc, build_is_unnamed);
    tcase_add_test(tc, build_link_unlink);
    tcase_add_test(tc, build_init_error);
    tcase_add_test(tc, build_overflow);
    tcase_add_test(tc, create_without_space);
    suite_add_tcase(s, tc);
    return s;
}
