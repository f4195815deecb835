/*
 * check_npy.c -- lib/npy.c: the .npy header.  ndshm__npy_write_header with
 * pad_to 0 must produce numpy.save's exact bytes (pasted below from NumPy
 * 1.24: np.lib.format.write_array_header_1_0, checked against np.save), and
 * with pad_to 4096 a 4096-byte header that parses back.  ndshm__npy_parse
 * and ndshm__npy_header_len must accept every header NumPy writes or reads
 * (versions 1.0 to 3.0, either quotes, keys in any order, Fortran order,
 * big-endian descrs, Python 2 long suffixes) and refuse the rest.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"
#include "suites.h"

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* numpy.save's header for an array of dtype and shape. */
static const struct {
    ndshm_dtype dtype;
    int ndim;
    int64_t shape[NDSHM_MAXDIMS];
    size_t len;
    const char *bytes;
} numpy_headers[] = {
    {NDSHM_FLOAT64, 0, {0}, 128,
     "\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (), }                                                              \x0a"},
    {NDSHM_INT32, 1, {3}, 128,
     "\x93NUMPY\x01\x00v\x00{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }                                                            \x0a"},
    {NDSHM_BOOL, 2, {2, 3}, 128,
     "\x93NUMPY\x01\x00v\x00{'descr': '|b1', 'fortran_order': False, 'shape': (2, 3), }                                                          \x0a"},
    {NDSHM_UINT8, 1, {0}, 128,
     "\x93NUMPY\x01\x00v\x00{'descr': '|u1', 'fortran_order': False, 'shape': (0,), }                                                            \x0a"},
    {NDSHM_COMPLEX128, 3, {10, 20, 30}, 128,
     "\x93NUMPY\x01\x00v\x00{'descr': '<c16', 'fortran_order': False, 'shape': (10, 20, 30), }                                                   \x0a"},
    {NDSHM_FLOAT16, 16, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 192,
     "\x93NUMPY\x01\x00\xb6\x00{'descr': '<f2', 'fortran_order': False, 'shape': (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16), }                                                                         \x0a"},
    {NDSHM_INT64, 1, {12345678901234}, 128,
     "\x93NUMPY\x01\x00v\x00{'descr': '<i8', 'fortran_order': False, 'shape': (12345678901234,), }                                               \x0a"},
    {NDSHM_COMPLEX64, 2, {7, 0}, 128,
     "\x93NUMPY\x01\x00v\x00{'descr': '<c8', 'fortran_order': False, 'shape': (7, 0), }                                                          \x0a"},
    {NDSHM_INT8, 32, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 192,
     "\x93NUMPY\x01\x00\xb6\x00{'descr': '|i1', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), }                                \x0a"},
    {NDSHM_UINT64, 2, {4096, 4096}, 128,
     "\x93NUMPY\x01\x00v\x00{'descr': '<u8', 'fortran_order': False, 'shape': (4096, 4096), }                                                    \x0a"},
    {NDSHM_FLOAT32, 16, {3, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000}, 256,
     "\x93NUMPY\x01\x00\xf6\x00{'descr': '<f4', 'fortran_order': False, 'shape': (3, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000), }                                                                                    \x0a"},
};

/* ---- writing ------------------------------------------------------------- */

START_TEST(test_write_numpy)
{
    char buf[1024];
    memset(buf, 0x5a, sizeof buf);
    size_t n = ndshm__npy_write_header(buf, sizeof buf, numpy_headers[_i].dtype,
                                       numpy_headers[_i].ndim,
                                       numpy_headers[_i].shape, 0);
    ck_assert_uint_eq(n, numpy_headers[_i].len);
    ck_assert_uint_eq(n % 64, 0);
    ck_assert_msg(memcmp(buf, numpy_headers[_i].bytes, n) == 0,
                  "got      '%.*s'\nexpected '%.*s'", (int)n - 10, buf + 10,
                  (int)n - 10, numpy_headers[_i].bytes + 10);
    ck_assert_int_eq((unsigned char)buf[n], 0x5a); /* nothing past it */

    /* exactly enough room is enough; one byte less is not */
    ck_assert_uint_eq(ndshm__npy_write_header(buf, n, numpy_headers[_i].dtype,
                                              numpy_headers[_i].ndim,
                                              numpy_headers[_i].shape, 0),
                      n);
    ck_assert_uint_eq(ndshm__npy_write_header(buf, n - 1,
                                              numpy_headers[_i].dtype,
                                              numpy_headers[_i].ndim,
                                              numpy_headers[_i].shape, 0),
                      0);
}
END_TEST

/* NumPy's own bytes parse to what they describe. */
START_TEST(test_parse_numpy)
{
    struct ndshm_npy_header h;
    const unsigned char *b = (const unsigned char *)numpy_headers[_i].bytes;
    size_t len = numpy_headers[_i].len;
    ck_assert_uint_eq(ndshm__npy_header_len(b, len), len);
    ck_assert_int_eq(ndshm__npy_parse(b, len, &h), 0);
    ck_assert_int_eq(h.dtype, numpy_headers[_i].dtype);
    ck_assert(!h.swap);
    ck_assert(!h.fortran);
    ck_assert_int_eq(h.ndim, numpy_headers[_i].ndim);
    for (int i = 0; i < h.ndim; i++)
        ck_assert_int_eq(h.shape[i], numpy_headers[_i].shape[i]);
    ck_assert_uint_eq(h.data_offset, len);
}
END_TEST

/* Data files: a header of exactly 4096 bytes, the same dict, then blanks. */
START_TEST(test_write_padded)
{
    char *buf = malloc(8192);
    ck_assert_ptr_nonnull(buf);
    memset(buf, 0x5a, 8192);
    size_t n = ndshm__npy_write_header(buf, 8192, numpy_headers[_i].dtype,
                                       numpy_headers[_i].ndim,
                                       numpy_headers[_i].shape,
                                       NDSHM_DATA_OFFSET);
    ck_assert_uint_eq(n, NDSHM_DATA_OFFSET);
    ck_assert_mem_eq(buf, "\x93NUMPY\x01\x00", 8);
    ck_assert_uint_eq((unsigned char)buf[8] | (unsigned char)buf[9] << 8,
                      4096 - 10);
    ck_assert_int_eq(buf[4095], '\n');
    ck_assert_int_eq((unsigned char)buf[4096], 0x5a);
    /* the dict text is numpy's */
    const char *close = strchr(numpy_headers[_i].bytes + 10, '}');
    size_t dict = (size_t)(close - numpy_headers[_i].bytes) + 1;
    ck_assert_mem_eq(buf + 10, numpy_headers[_i].bytes + 10, dict - 10);
    for (size_t k = dict; k < 4095; k++)
        ck_assert_msg(buf[k] == ' ', "byte %zu is 0x%02x", k,
                      (unsigned char)buf[k]);

    struct ndshm_npy_header h;
    ck_assert_uint_eq(ndshm__npy_header_len((unsigned char *)buf, 12), 4096);
    ck_assert_int_eq(ndshm__npy_parse((unsigned char *)buf, 4096, &h), 0);
    ck_assert_int_eq(h.dtype, numpy_headers[_i].dtype);
    ck_assert_int_eq(h.ndim, numpy_headers[_i].ndim);
    for (int i = 0; i < h.ndim; i++)
        ck_assert_int_eq(h.shape[i], numpy_headers[_i].shape[i]);
    ck_assert(!h.fortran && !h.swap);
    ck_assert_uint_eq(h.data_offset, NDSHM_DATA_OFFSET);
    free(buf);
}
END_TEST

/* Every dtype, several shapes: written, then parsed back. */
START_TEST(test_write_parse_all)
{
    static const int64_t shapes[][4] = {
        {0}, {5}, {0, 3}, {2, 3, 4}, {INT64_MAX, 1},
    };
    static const int ndims[] = {0, 1, 2, 3, 2};
    ndshm_dtype t = (ndshm_dtype)(NDSHM_BOOL + _i);
    for (int s = 0; s < COUNT(ndims); s++)
        for (int pad = 0; pad < 2; pad++) {
            char buf[4096];
            struct ndshm_npy_header h;
            size_t n = ndshm__npy_write_header(buf, sizeof buf, t, ndims[s],
                                               shapes[s], pad ? 4096 : 0);
            ck_assert_uint_ne(n, 0);
            ck_assert_int_eq(ndshm__npy_parse((unsigned char *)buf, n, &h),
                             0);
            ck_assert_int_eq(h.dtype, t);
            ck_assert_int_eq(h.ndim, ndims[s]);
            for (int i = 0; i < ndims[s]; i++)
                ck_assert_int_eq(h.shape[i], shapes[s][i]);
            ck_assert_uint_eq(h.data_offset, n);
        }
}
END_TEST

START_TEST(test_write_limits)
{
    char buf[8192];
    int64_t shape[NDSHM_MAXDIMS];
    for (int i = 0; i < NDSHM_MAXDIMS; i++)
        shape[i] = INT64_MAX;
    /* 32 dimensions of 19 digits fit in 4096 bytes */
    size_t n = ndshm__npy_write_header(buf, sizeof buf, NDSHM_COMPLEX128,
                                       NDSHM_MAXDIMS, shape, 4096);
    ck_assert_uint_eq(n, 4096);
    struct ndshm_npy_header h;
    ck_assert_int_eq(ndshm__npy_parse((unsigned char *)buf, n, &h), 0);
    ck_assert_int_eq(h.ndim, NDSHM_MAXDIMS);
    ck_assert_int_eq(h.shape[31], INT64_MAX);
    /* pad_to too small for the dict, the '\n' or the preamble */
    ck_assert_uint_eq(ndshm__npy_write_header(buf, sizeof buf,
                                              NDSHM_COMPLEX128, NDSHM_MAXDIMS,
                                              shape, 512),
                      0);
    int64_t one[1] = {3};
    ck_assert_uint_eq(ndshm__npy_write_header(buf, sizeof buf, NDSHM_INT8, 1,
                                              one, 64),
                      0);
    ck_assert_uint_eq(ndshm__npy_write_header(buf, sizeof buf, NDSHM_INT8, 1,
                                              one, 128),
                      128);
    ck_assert_uint_eq(ndshm__npy_write_header(buf, 10, NDSHM_INT8, 1, one, 0),
                      0);
    ck_assert_uint_eq(ndshm__npy_write_header(buf, 127, NDSHM_INT8, 1, one,
                                              128),
                      0);
    /* version 1.0 holds at most 65535 bytes after the preamble */
    char *big = malloc(70000);
    ck_assert_ptr_nonnull(big);
    ck_assert_uint_eq(ndshm__npy_write_header(big, 70000, NDSHM_INT8, 1, one,
                                              65545),
                      65545);
    ck_assert_uint_eq(ndshm__npy_write_header(big, 70000, NDSHM_INT8, 1, one,
                                              65546),
                      0);
    free(big);
}
END_TEST

/* ---- parsing what others wrote -------------------------------------------- */

/*
 * A header of the given version around dict: preamble, dict, blanks to a
 * multiple of 64 and '\n', as numpy lays it out.  Returns the length.
 */
static size_t make_header(unsigned char *buf, int major, const char *dict)
{
    size_t pre = major == 1 ? 10 : 12;
    size_t dlen = strlen(dict);
    size_t total = (pre + dlen + 1 + 63) / 64 * 64;
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (unsigned char)major;
    buf[7] = 0;
    size_t hlen = total - pre;
    buf[8] = (unsigned char)(hlen & 0xff);
    buf[9] = (unsigned char)(hlen >> 8 & 0xff);
    if (major != 1) {
        buf[10] = (unsigned char)(hlen >> 16 & 0xff);
        buf[11] = (unsigned char)(hlen >> 24 & 0xff);
    }
    memcpy(buf + pre, dict, dlen);
    memset(buf + pre + dlen, ' ', total - pre - dlen - 1);
    buf[total - 1] = '\n';
    return total;
}

static const struct {
    int major;
    const char *dict;
    ndshm_dtype dtype;
    bool swap, fortran;
    int ndim;
    int64_t shape[4];
} good[] = {
    {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
     NDSHM_FLOAT64, false, false, 1, {3}},
    {2, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
     NDSHM_FLOAT64, false, false, 1, {3}},
    {3, "{'descr': '<i2', 'fortran_order': False, 'shape': (3, 4), }",
     NDSHM_INT16, false, false, 2, {3, 4}},
    {1, "{\"descr\": \"<u4\", \"fortran_order\": False, \"shape\": (2, 5)}",
     NDSHM_UINT32, false, false, 2, {2, 5}},
    {1, "{'shape': (7,), 'fortran_order': True, 'descr': '<c8'}",
     NDSHM_COMPLEX64, false, true, 1, {7}},
    {1, "{'fortran_order': False, 'descr': '>f8', 'shape': ()}",
     NDSHM_FLOAT64, true, false, 0, {0}},
    {1, "{'descr': '>i4', 'fortran_order': True, 'shape': (2, 3)}",
     NDSHM_INT32, true, true, 2, {2, 3}},
    {1, "{'descr': '>i1', 'fortran_order': False, 'shape': (2,)}",
     NDSHM_INT8, false, false, 1, {2}},
    {1, "{'descr': '|b1', 'fortran_order': False, 'shape': (3L, 4L), }",
     NDSHM_BOOL, false, false, 2, {3, 4}},
    {1, "{'descr': '<f2', 'fortran_order': False, 'shape': (10l,)}",
     NDSHM_FLOAT16, false, false, 1, {10}},
    {1, "{ 'descr' : '<u8' , 'fortran_order' : False , 'shape' : ( 1 , 2 , "
        "3 , ) , }",
     NDSHM_UINT64, false, false, 3, {1, 2, 3}},
    {1, "{'descr':'|u1','fortran_order':False,'shape':(0,)}", NDSHM_UINT8,
     false, false, 1, {0}},
    {2, "{'descr': '=f4', 'fortran_order': False, 'shape': (9223372036854775807,)}",
     NDSHM_FLOAT32, false, false, 1, {INT64_MAX}},
    {1, "{'descr': '<c16', 'fortran_order': False, 'shape': (1, 0, 2, 3)}",
     NDSHM_COMPLEX128, false, false, 4, {1, 0, 2, 3}},
};

START_TEST(test_parse_good)
{
    unsigned char buf[512];
    struct ndshm_npy_header h;
    size_t n = make_header(buf, good[_i].major, good[_i].dict);
    ck_assert_uint_eq(ndshm__npy_header_len(buf, n), n);
    int rc = ndshm__npy_parse(buf, n, &h);
    ck_assert_msg(rc == 0, "'%s' refused: %s", good[_i].dict, ndshm_errmsg());
    ck_assert_int_eq(h.dtype, good[_i].dtype);
    ck_assert_int_eq(h.swap, good[_i].swap);
    ck_assert_int_eq(h.fortran, good[_i].fortran);
    ck_assert_int_eq(h.ndim, good[_i].ndim);
    for (int i = 0; i < h.ndim; i++)
        ck_assert_int_eq(h.shape[i], good[_i].shape[i]);
    ck_assert_uint_eq(h.data_offset, n);
    /* the data may follow in the same buffer */
    ck_assert_int_eq(ndshm__npy_parse(buf, sizeof buf, &h), 0);
    ck_assert_uint_eq(h.data_offset, n);
}
END_TEST

static const char *const bad_dicts[] = {
    /* dtypes ndshm does not hold */
    "{'descr': '|O', 'fortran_order': False, 'shape': (3,)}",
    "{'descr': '<U3', 'fortran_order': False, 'shape': (3,)}",
    "{'descr': '|S5', 'fortran_order': False, 'shape': (3,)}",
    "{'descr': '|V8', 'fortran_order': False, 'shape': (3,)}",
    "{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (3,)}",
    "{'descr': '<m8[s]', 'fortran_order': False, 'shape': (3,)}",
    "{'descr': '<f16', 'fortran_order': False, 'shape': (3,)}",
    "{'descr': '<g', 'fortran_order': False, 'shape': (3,)}",
    "{'descr': '|a5', 'fortran_order': False, 'shape': (3,)}",
    "{'descr': [('a', '<f8'), ('b', '<i4')], 'fortran_order': False, "
    "'shape': (3,)}",
    "{'descr': ('<f8', (2,)), 'fortran_order': False, 'shape': (3,)}",
    "{'descr': '', 'fortran_order': False, 'shape': (3,)}",
    "{'descr': 'float64x', 'fortran_order': False, 'shape': (3,)}",
    /* missing or extra keys */
    "{'fortran_order': False, 'shape': (3,)}",
    "{'descr': '<f8', 'shape': (3,)}",
    "{'descr': '<f8', 'fortran_order': False}",
    "{}",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'extra': 1}",
    /* bad values */
    "{'descr': '<f8', 'fortran_order': 0, 'shape': (3,)}",
    "{'descr': '<f8', 'fortran_order': false, 'shape': (3,)}",
    "{'descr': '<f8', 'fortran_order': False, 'shape': [3]}",
    "{'descr': '<f8', 'fortran_order': False, 'shape': 3}",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (-3,)}",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (3.0,)}",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (3 4)}",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (,)}",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (3,,)}",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (3,}",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (9223372036854775808,)}",
    "{'descr': '<f8', 'fortran_order': False, 'shape': "
    "(99999999999999999999999,)}",
    "{'descr': <f8, 'fortran_order': False, 'shape': (3,)}",
    /* not a dict */
    "('descr', '<f8')",
    "",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (3,)",
    "{'descr': '<f8' 'fortran_order': False, 'shape': (3,)}",
    "{'descr' '<f8', 'fortran_order': False, 'shape': (3,)}",
    "{descr: '<f8', 'fortran_order': False, 'shape': (3,)}",
    "{'descr: '<f8', 'fortran_order': False, 'shape': (3,)}",
};

START_TEST(test_parse_bad)
{
    unsigned char buf[512];
    struct ndshm_npy_header h;
    size_t n = make_header(buf, 1, bad_dicts[_i]);
    int rc = ndshm__npy_parse(buf, n, &h);
    ck_assert_msg(rc == NDSHM_EINVAL, "'%s' accepted", bad_dicts[_i]);
    ck_assert_str_ne(ndshm_errmsg(), "");
}
END_TEST

START_TEST(test_parse_dims)
{
    char dict[512];
    unsigned char buf[512];
    struct ndshm_npy_header h;
    for (int nd = 31; nd <= 34; nd++) {
        size_t k = (size_t)snprintf(dict, sizeof dict,
                                    "{'descr': '<f8', 'fortran_order': "
                                    "False, 'shape': (");
        for (int i = 0; i < nd; i++)
            k += (size_t)snprintf(dict + k, sizeof dict - k, "%d, ", i + 1);
        snprintf(dict + k, sizeof dict - k, "), }");
        size_t n = make_header(buf, 1, dict);
        int rc = ndshm__npy_parse(buf, n, &h);
        if (nd <= NDSHM_MAXDIMS) {
            ck_assert_int_eq(rc, 0);
            ck_assert_int_eq(h.ndim, nd);
            ck_assert_int_eq(h.shape[nd - 1], nd);
        } else {
            ck_assert_int_eq(rc, NDSHM_EINVAL);
            ck_assert_ptr_nonnull(strstr(ndshm_errmsg(), "32"));
        }
    }
}
END_TEST

START_TEST(test_parse_preamble)
{
    unsigned char buf[256], bad[256];
    struct ndshm_npy_header h;
    const char *dict = "{'descr': '<f8', 'fortran_order': False, 'shape': ()}";
    size_t n = make_header(buf, 1, dict);

    /* bad magic, one byte at a time */
    for (int i = 0; i < 6; i++) {
        memcpy(bad, buf, n);
        bad[i] ^= 0x20;
        ck_assert_uint_eq(ndshm__npy_header_len(bad, n), 0);
        ck_assert_int_eq(ndshm__npy_parse(bad, n, &h), NDSHM_EINVAL);
        ck_assert_ptr_nonnull(strstr(ndshm_errmsg(), "magic"));
    }
    /* unknown versions */
    static const unsigned char versions[] = {0, 4, 255};
    for (int i = 0; i < COUNT(versions); i++) {
        memcpy(bad, buf, n);
        bad[6] = versions[i];
        ck_assert_uint_eq(ndshm__npy_header_len(bad, n), 0);
        ck_assert_int_eq(ndshm__npy_parse(bad, n, &h), NDSHM_EINVAL);
        ck_assert_ptr_nonnull(strstr(ndshm_errmsg(), "version"));
    }
    /* too short to hold a preamble */
    ck_assert_uint_eq(ndshm__npy_header_len(buf, 9), 0);
    ck_assert_uint_eq(ndshm__npy_header_len(buf, 0), 0);
    ck_assert_int_eq(ndshm__npy_parse(buf, 9, &h), NDSHM_EINVAL);
    ck_assert_uint_eq(ndshm__npy_header_len(buf, 10), n);
    size_t n2 = make_header(bad, 2, dict);
    ck_assert_uint_eq(ndshm__npy_header_len(bad, 11), 0);
    ck_assert_uint_eq(ndshm__npy_header_len(bad, 12), n2);

    /* truncated: the length says more than there is */
    for (size_t len = 10; len < n; len += 7)
        ck_assert_int_eq(ndshm__npy_parse(buf, len, &h), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm__npy_parse(buf, n - 1, &h), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm__npy_parse(buf, n, &h), 0);
    ck_assert_int_eq(ndshm__npy_parse(bad, n2 - 1, &h), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm__npy_parse(bad, n2, &h), 0);

    /* a version 2.0 length above 64 KiB is read as 32 bits */
    memcpy(bad, buf, 12);
    bad[6] = 2;
    bad[8] = 0;
    bad[9] = 0;
    bad[10] = 1;
    bad[11] = 0;
    ck_assert_uint_eq(ndshm__npy_header_len(bad, 12), 12 + 65536);
    bad[11] = 0x80;
    ck_assert_uint_eq(ndshm__npy_header_len(bad, 12),
                      12 + (size_t)0x80010000u);
}
END_TEST

/*
 * The dict ends where the header's length says, even when the bytes after
 * it (data) would complete it.
 */
START_TEST(test_parse_bounded)
{
    unsigned char buf[256];
    struct ndshm_npy_header h;
    const char *dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}";
    size_t n = make_header(buf, 1, dict);
    ck_assert_int_eq(ndshm__npy_parse(buf, n, &h), 0);
    /* a length that ends the header just inside "(3,)}" */
    for (size_t cut = 10 + strlen(dict) - 4; cut < 10 + strlen(dict); cut++) {
        buf[8] = (unsigned char)(cut - 10);
        buf[9] = 0;
        ck_assert_uint_eq(ndshm__npy_header_len(buf, n), cut);
        ck_assert_int_eq(ndshm__npy_parse(buf, n, &h), NDSHM_EINVAL);
    }
}
END_TEST

Suite *npy_suite(void)
{
    Suite *s = suite_create("npy");
    TCase *tc = tcase_create("write");
    tcase_add_loop_test(tc, test_write_numpy, 0, COUNT(numpy_headers));
    tcase_add_loop_test(tc, test_parse_numpy, 0, COUNT(numpy_headers));
    tcase_add_loop_test(tc, test_write_padded, 0, COUNT(numpy_headers));
    tcase_add_loop_test(tc, test_write_parse_all, 0, 14);
    tcase_add_test(tc, test_write_limits);
    suite_add_tcase(s, tc);

    tc = tcase_create("parse");
    tcase_add_loop_test(tc, test_parse_good, 0, COUNT(good));
    tcase_add_loop_test(tc, test_parse_bad, 0, COUNT(bad_dicts));
    tcase_add_test(tc, test_parse_dims);
    tcase_add_test(tc, test_parse_preamble);
    tcase_add_test(tc, test_parse_bounded);
    suite_add_tcase(s, tc);
    return s;
}
