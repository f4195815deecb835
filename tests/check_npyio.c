/*
 * check_npyio.c -- lib/npyio.c: ndshm_npy_import of .npy files written by
 * hand here (C and Fortran order, big-endian data, format versions 1 to 3,
 * 0-d and empty arrays, and the files it must refuse), and
 * ndshm_npy_export of strided windows (numpy.save's exact header, the
 * window's data in C order, atomic replacement, failure leaving nothing).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ndshm.h"
#include "suites.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------ */

/* A path inside the scratch directory (outside the store's data/). */
static const char *at(const char *name)
{
    static char buf[4][4200];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, sizeof buf[0], "%s/%s", test_dir, name);
    return p;
}

static void write_bytes(const char *path, const void *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

/*
 * Write a .npy file of format version major.0 by hand: magic, version,
 * little-endian header length (u16 for 1.0, u32 for 2.0 and 3.0), the dict
 * padded with spaces and a '\n' to a multiple of 64, then nbytes of data
 * (of which only keep bytes are written: a truncated file).
 */
static void write_npy_cut(const char *path, int major, const char *dict,
                          const void *data, size_t nbytes, size_t keep)
{
    size_t pre = major == 1 ? 10 : 12;
    size_t hlen = strlen(dict) + 1;
    size_t total = pre + hlen;
    total += (64 - total % 64) % 64;
    unsigned char *buf = malloc(total + nbytes);
    ck_assert_ptr_nonnull(buf);
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (unsigned char)major;
    buf[7] = 0;
    size_t len = total - pre;
    for (size_t i = 0; i < pre - 8; i++)
        buf[8 + i] = (unsigned char)(len >> 8 * i);
    memset(buf + pre, ' ', len);
    memcpy(buf + pre, dict, strlen(dict));
    buf[total - 1] = '\n';
    if (nbytes)
        memcpy(buf + total, data, nbytes);
    write_bytes(path, buf, total + (keep < nbytes ? keep : nbytes));
    free(buf);
}

static void write_npy(const char *path, int major, const char *dict,
                      const void *data, size_t nbytes)
{
    write_npy_cut(path, major, dict, data, nbytes, nbytes);
}

static ndshm_array *open_ok(const char *expr)
{
    ndshm_array *a = NULL;
    int rc = ndshm_array_open(&a, test_st, expr, 0);
    ck_assert_msg(rc == 0, "open %s: %s", expr, ndshm_errmsg());
    return a;
}

static ndshm_array *import_ok(const char *name, const char *path)
{
    int rc = ndshm_npy_import(test_st, name, path, 0);
    ck_assert_msg(rc == 0, "import %s: %s", path, ndshm_errmsg());
    return open_ok(name);
}

static void be_bytes(unsigned char *p, const void *v, size_t size)
{
    for (size_t i = 0; i < size; i++)
        p[i] = ((const unsigned char *)v)[size - 1 - i];
}

static int count_entries(const char *path)
{
    int n = test_count_entries(path);
    ck_assert_int_ge(n, 0);
    return n;
}

static int count_data_files(void)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/data", test_dir);
    return count_entries(path);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    ck_assert_int_ge(n, 0);
    rewind(f);
    unsigned char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* ---- import ------------------------------------------------------------- */

START_TEST(import_c_order)
{
    int32_t v[2][3] = {{1, -2, 3}, {400000, -500000, 6}};
    write_npy(at("c.npy"), 1,
              "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", v,
              sizeof v);
    ndshm_array *a = import_ok("c", at("c.npy"));
    ck_assert_int_eq(ndshm_array_dtype(a), NDSHM_INT32);
    ck_assert_int_eq(ndshm_array_ndim(a), 2);
    ck_assert_int_eq(ndshm_array_shape(a)[0], 2);
    ck_assert_int_eq(ndshm_array_shape(a)[1], 3);
    ck_assert_int_eq(ndshm_array_is_view(a), 0);
    ck_assert_mem_eq(ndshm_array_data(a), v, sizeof v);
    ndshm_array_close(a);

    /* either quote style, keys in any order, Python 2's long suffix */
    uint16_t u[3] = {1, 65535, 7};
    write_npy(at("q.npy"), 1,
              "{\"shape\": (3L,), \"fortran_order\": False, \"descr\": "
              "\"<u2\"}",
              u, sizeof u);
    a = import_ok("q", at("q.npy"));
    ck_assert_int_eq(ndshm_array_dtype(a), NDSHM_UINT16);
    ck_assert_mem_eq(ndshm_array_data(a), u, sizeof u);
    ndshm_array_close(a);
    /* the source file is left as it was */
    ck_assert_int_eq(access(at("q.npy"), R_OK), 0);
}
END_TEST

START_TEST(import_fortran_order)
{
    /* a 2x3 float64 array stored column by column */
    double f[6];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            f[i + 2 * j] = 10 * i + j + 0.5;
    write_npy(at("f.npy"), 1,
              "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", f,
              sizeof f);
    ndshm_array *a = import_ok("f", at("f.npy"));
    ck_assert_int_eq(ndshm_array_strides(a)[0], 24); /* C order now */
    ck_assert_int_eq(ndshm_array_strides(a)[1], 8);
    const double *d = ndshm_array_data(a);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            ck_assert(d[3 * i + j] == 10 * i + j + 0.5);
    ndshm_array_close(a);

    /* three dimensions: element (i, j, k) at i + 2j + 6k */
    int16_t g[24];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 4; k++)
                g[i + 2 * j + 6 * k] = (int16_t)(100 * i + 10 * j + k);
    write_npy(at("g.npy"), 1,
              "{'descr': '<i2', 'fortran_order': True, 'shape': (2, 3, 4), }",
              g, sizeof g);
    a = import_ok("g", at("g.npy"));
    const int16_t *e = ndshm_array_data(a);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 4; k++)
                ck_assert_int_eq(e[12 * i + 4 * j + k], 100 * i + 10 * j + k);
    ndshm_array_close(a);

    /* 1-d Fortran is the same as C */
    int8_t h[3] = {1, 2, 3};
    write_npy(at("h.npy"), 1,
              "{'descr': '|i1', 'fortran_order': True, 'shape': (3,), }", h,
              sizeof h);
    a = import_ok("h", at("h.npy"));
    ck_assert_mem_eq(ndshm_array_data(a), h, 3);
    ndshm_array_close(a);
}
END_TEST

START_TEST(import_big_endian)
{
    /* >i4 */
    const int32_t iv[4] = {1, -2, 0x01020304, INT32_MIN};
    unsigned char ib[16];
    for (int i = 0; i < 4; i++)
        be_bytes(ib + 4 * i, &iv[i], 4);
    write_npy(at("i.npy"), 1,
              "{'descr': '>i4', 'fortran_order': False, 'shape': (4,), }", ib,
              sizeof ib);
    ndshm_array *a = import_ok("i", at("i.npy"));
    ck_assert_int_eq(ndshm_array_dtype(a), NDSHM_INT32);
    ck_assert_mem_eq(ndshm_array_data(a), iv, sizeof iv);
    ndshm_array_close(a);

    /* >c8: each of the two floats is swapped on its own */
    const float cv[3][2] = {{1.5f, -2.25f}, {0.0f, 3e38f}, {-1e-3f, 7.0f}};
    unsigned char cb[24];
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 2; k++)
            be_bytes(cb + 8 * i + 4 * k, &cv[i][k], 4);
    write_npy(at("c.npy"), 1,
              "{'descr': '>c8', 'fortran_order': False, 'shape': (3,), }", cb,
              sizeof cb);
    a = import_ok("c", at("c.npy"));
    ck_assert_int_eq(ndshm_array_dtype(a), NDSHM_COMPLEX64);
    ck_assert_mem_eq(ndshm_array_data(a), cv, sizeof cv);
    ndshm_array_close(a);

    /* >c16 and >f2 and >u8 */
    const double zv[2] = {-0.125, 1e300};
    unsigned char zb[16];
    be_bytes(zb, &zv[0], 8);
    be_bytes(zb + 8, &zv[1], 8);
    write_npy(at("z.npy"), 1,
              "{'descr': '>c16', 'fortran_order': False, 'shape': (), }", zb,
              sizeof zb);
    a = import_ok("z", at("z.npy"));
    ck_assert_int_eq(ndshm_array_dtype(a), NDSHM_COMPLEX128);
    ck_assert_mem_eq(ndshm_array_data(a), zv, sizeof zv);
    ndshm_array_close(a);

    const unsigned char hb[4] = {0x3c, 0x00, 0xc0, 0x00}; /* 1.0, -2.0 */
    write_npy(at("h.npy"), 1,
              "{'descr': '>f2', 'fortran_order': False, 'shape': (2,), }", hb,
              sizeof hb);
    a = import_ok("h", at("h.npy"));
    const unsigned char *hd = ndshm_array_data(a);
    ck_assert_uint_eq(hd[0], 0x00);
    ck_assert_uint_eq(hd[1], 0x3c);
    ck_assert_uint_eq(hd[2], 0x00);
    ck_assert_uint_eq(hd[3], 0xc0);
    ndshm_array_close(a);

    const uint64_t uv = 0x0102030405060708ull;
    unsigned char ub[8];
    be_bytes(ub, &uv, 8);
    write_npy(at("u.npy"), 1,
              "{'descr': '>u8', 'fortran_order': False, 'shape': (1, 1), }",
              ub, sizeof ub);
    a = import_ok("u", at("u.npy"));
    ck_assert_uint_eq(*(uint64_t *)ndshm_array_data(a), uv);
    ndshm_array_close(a);

    /* big-endian and Fortran order at once: a 2x2 >i2 */
    const int16_t fv[2][2] = {{1, 2}, {3, -4}};
    unsigned char fb[8];
    be_bytes(fb + 0, &fv[0][0], 2);
    be_bytes(fb + 2, &fv[1][0], 2);
    be_bytes(fb + 4, &fv[0][1], 2);
    be_bytes(fb + 6, &fv[1][1], 2);
    write_npy(at("bf.npy"), 1,
              "{'descr': '>i2', 'fortran_order': True, 'shape': (2, 2), }", fb,
              sizeof fb);
    a = import_ok("bf", at("bf.npy"));
    ck_assert_mem_eq(ndshm_array_data(a), fv, sizeof fv);
    ndshm_array_close(a);

    /* one-byte types have no order to swap */
    const uint8_t bb[3] = {1, 0, 1};
    write_npy(at("b.npy"), 1,
              "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", bb,
              sizeof bb);
    a = import_ok("b", at("b.npy"));
    ck_assert_int_eq(ndshm_array_dtype(a), NDSHM_BOOL);
    ck_assert_mem_eq(ndshm_array_data(a), bb, 3);
    ndshm_array_close(a);
}
END_TEST

START_TEST(import_versions)
{
    const int64_t v[3] = {7, 8, 9};
    write_npy(at("v2.npy"), 2,
              "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", v,
              sizeof v);
    ndshm_array *a = import_ok("v2", at("v2.npy"));
    ck_assert_mem_eq(ndshm_array_data(a), v, sizeof v);
    ndshm_array_close(a);
    write_npy(at("v3.npy"), 3,
              "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", v,
              sizeof v);
    a = import_ok("v3", at("v3.npy"));
    ck_assert_mem_eq(ndshm_array_data(a), v, sizeof v);
    ndshm_array_close(a);
    /* version 4 does not exist */
    write_npy(at("v4.npy"), 4,
              "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", v,
              sizeof v);
    ck_assert_int_eq(ndshm_npy_import(test_st, "v4", at("v4.npy"), 0),
                     NDSHM_EINVAL);
}
END_TEST

START_TEST(import_0d_and_empty)
{
    const double pi = 3.5;
    write_npy(at("s.npy"), 1,
              "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", &pi,
              sizeof pi);
    ndshm_array *a = import_ok("s", at("s.npy"));
    ck_assert_int_eq(ndshm_array_ndim(a), 0);
    ck_assert_int_eq(ndshm_array_size(a), 1);
    ck_assert(*(double *)ndshm_array_data(a) == 3.5);
    ndshm_array_close(a);

    write_npy(at("e.npy"), 1,
              "{'descr': '<c8', 'fortran_order': False, 'shape': (0, 3), }",
              NULL, 0);
    a = import_ok("e", at("e.npy"));
    ck_assert_int_eq(ndshm_array_ndim(a), 2);
    ck_assert_int_eq(ndshm_array_size(a), 0);
    ck_assert_int_eq(ndshm_array_shape(a)[1], 3);
    ndshm_array_close(a);

    write_npy(at("ef.npy"), 1,
              "{'descr': '>f4', 'fortran_order': True, 'shape': (4, 0), }",
              NULL, 0);
    a = import_ok("ef", at("ef.npy"));
    ck_assert_int_eq(ndshm_array_shape(a)[0], 4);
    ck_assert_int_eq(ndshm_array_size(a), 0);
    ndshm_array_close(a);
}
END_TEST

/* Every refusal leaves no name and no data file. */
static void expect_refused(const char *path, int code)
{
    int rc = ndshm_npy_import(test_st, "x", path, 0);
    ck_assert_msg(rc == code, "%s: got %s (%s), want %s", path,
                  ndshm_errname(rc), ndshm_errmsg(), ndshm_errname(code));
    ck_assert_str_ne(ndshm_errmsg(), "");
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, test_st, "x", 0), NDSHM_ENOTFOUND);
    ck_assert_int_eq(count_data_files(), 0);
}

/*
 * A .npy file written to the scratch directory with header dict (format
 * version 1.0) and nbytes of zeros as its data: refused as invalid.
 */
static void expect_dict_refused(const char *file, const char *dict,
                                size_t nbytes)
{
    static const unsigned char zeros[64];
    ck_assert_uint_le(nbytes, sizeof zeros);
    write_npy(at(file), 1, dict, zeros, nbytes);
    expect_refused(at(file), NDSHM_EINVAL);
}

START_TEST(import_refused)
{
    unsigned char data[64] = {0};
    expect_dict_refused("o.npy",
                        "{'descr': '|O', 'fortran_order': False, "
                        "'shape': (2,), }", 16);
    expect_dict_refused("st.npy",
                        "{'descr': [('a', '<i4')], 'fortran_order': False, "
                        "'shape': (2,), }", 8);
    expect_dict_refused("u.npy",
                        "{'descr': '<U3', 'fortran_order': False, "
                        "'shape': (2,), }", 24);
    expect_dict_refused("sb.npy",
                        "{'descr': '|S4', 'fortran_order': False, "
                        "'shape': (2,), }", 8);
    expect_dict_refused("dt.npy",
                        "{'descr': '<M8[s]', 'fortran_order': False, "
                        "'shape': (2,), }", 16);
    expect_dict_refused("f16.npy",
                        "{'descr': '<f16', 'fortran_order': False, "
                        "'shape': (2,), }", 32);

    /* truncated data: one byte short, and none at all */
    write_npy_cut(at("t.npy"), 1,
                  "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 4), "
                  "}",
                  data, 64, 63);
    expect_refused(at("t.npy"), NDSHM_EINVAL);
    write_npy_cut(at("t0.npy"), 1,
                  "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }",
                  data, 8, 0);
    expect_refused(at("t0.npy"), NDSHM_EINVAL);
    /* a truncated header */
    write_bytes(at("th.npy"), "\x93NUMPY\x01\x00\x76\x00{'descr'", 17);
    expect_refused(at("th.npy"), NDSHM_EINVAL);
    /* a header that is not a dict, or misses a key */
    expect_dict_refused("nd.npy", "['<i8', False, (1,)]", 8);
    expect_dict_refused("mk.npy", "{'descr': '<i8', 'shape': (1,), }", 8);
    expect_dict_refused("ns.npy",
                        "{'descr': '<i8', 'fortran_order': False, "
                        "'shape': (-1,), }", 8);
    /* not a .npy file at all */
    write_bytes(at("text.npy"), "hello, world\n", 13);
    expect_refused(at("text.npy"), NDSHM_EINVAL);
    write_bytes(at("empty.npy"), "", 0);
    expect_refused(at("empty.npy"), NDSHM_EINVAL);
    expect_refused(test_dir, NDSHM_EINVAL); /* a directory */
    /* missing */
    ck_assert_int_eq(ndshm_npy_import(test_st, "x", at("missing.npy"), 0),
                     NDSHM_ESYS);
    ck_assert_msg(strstr(ndshm_errmsg(), "missing.npy") != NULL, "%s",
                  ndshm_errmsg());
    expect_refused(at("missing.npy"), NDSHM_ESYS);
}
END_TEST

START_TEST(import_bad_arguments)
{
    const int32_t v[2] = {1, 2};
    write_npy(at("a.npy"), 1,
              "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", v,
              sizeof v);
    ck_assert_int_eq(ndshm_npy_import(test_st, "a", at("a.npy"), 1),
                     NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_npy_import(test_st, "a", NULL, 0), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_npy_import(test_st, "bad name", at("a.npy"), 0),
                     NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_npy_import(test_st, "a", at("a.npy"), 0), 0);
    ck_assert_int_eq(ndshm_npy_import(test_st, "a", at("a.npy"), 0),
                     NDSHM_EEXIST);
    ck_assert_int_eq(count_data_files(), 1);
}
END_TEST

/* ---- export ------------------------------------------------------------- */

/*
 * The header numpy.save writes (numpy >= 1.23), computed as numpy's
 * _write_array_header does: the dict with repr(shape), spare room for the
 * first axis to grow to 21 digits, then spaces and '\n' so that the data
 * starts at a multiple of 64 -- a whole 64 more when it already would.
 */
static size_t numpy_header(char *out, size_t cap, const char *descr, int ndim,
                           const int64_t *shape)
{
    char dict[1024], tuple[512];
    size_t n = 0;
    tuple[n++] = '(';
    for (int i = 0; i < ndim; i++)
        n += (size_t)snprintf(tuple + n, sizeof tuple - n, "%s%lld",
                              i ? ", " : "", (long long)shape[i]);
    n += (size_t)snprintf(tuple + n, sizeof tuple - n, "%s)",
                          ndim == 1 ? "," : "");
    int len = snprintf(dict, sizeof dict,
                       "{'descr': '%s', 'fortran_order': False, "
                       "'shape': %s, }",
                       descr, tuple);
    if (ndim > 0) {
        char first[32];
        int digits = snprintf(first, sizeof first, "%lld",
                              (long long)shape[0]);
        for (int i = 0; i < 21 - digits; i++)
            dict[len++] = ' ';
        dict[len] = '\0';
    }
    size_t hlen = (size_t)len + 1;
    size_t padlen = 64 - (10 + hlen) % 64;
    size_t total = 10 + (size_t)len + padlen + 1;
    ck_assert_uint_le(total, cap);
    memcpy(out, "\x93NUMPY\x01\x00", 8);
    out[8] = (char)((hlen + padlen) & 0xff);
    out[9] = (char)((hlen + padlen) >> 8);
    memcpy(out + 10, dict, (size_t)len);
    memset(out + 10 + len, ' ', padlen);
    out[total - 1] = '\n';
    return total;
}

/* Export expr to path and compare with numpy's header and data in C order. */
static void check_export(const char *expr, const char *path, int64_t elems,
                         size_t want_hlen)
{
    ndshm_array *a = open_ok(expr);
    ck_assert_int_eq(ndshm_array_size(a), elems);
    int rc = ndshm_npy_export(a, path, 0);
    ck_assert_msg(rc == 0, "export %s: %s", expr, ndshm_errmsg());

    char want[4096];
    size_t hlen = numpy_header(want, sizeof want,
                               ndshm_dtype_descr(ndshm_array_dtype(a)),
                               ndshm_array_ndim(a), ndshm_array_shape(a));
    if (want_hlen)
        ck_assert_uint_eq(hlen, want_hlen);
    size_t itemsize = ndshm_dtype_size(ndshm_array_dtype(a));
    size_t nbytes = (size_t)elems * itemsize;
    unsigned char *data = malloc(nbytes + 1);
    ck_assert_ptr_nonnull(data);
    ck_assert_int_eq(ndshm_array_read(a, data, NULL), 0);

    size_t len;
    unsigned char *file = slurp(path, &len);
    ck_assert_uint_eq(len, hlen + nbytes);
    ck_assert_msg(memcmp(file, want, hlen) == 0,
                  "%s: header\n%.*s\nwant\n%.*s", expr, (int)hlen - 10,
                  file + 10, (int)hlen - 10, want + 10);
    if (nbytes)
        ck_assert_mem_eq(file + hlen, data, nbytes);
    free(file);
    free(data);
    ndshm_array_close(a);
}

/* int64 4x8 holding 10*i + j */
static void make_grid(void)
{
    int64_t v[4][8];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            v[i][j] = 10 * i + j;
    const int64_t shape[2] = {4, 8};
    ck_assert_int_eq(ndshm_array_create_from_buffer(test_st, "g", NDSHM_INT64,
                                                    2, shape, v, NULL, 0), 0);
}

START_TEST(export_strided_view)
{
    make_grid();
    ck_assert_int_eq(ndshm_view_create(test_st, "v", "g[::-1, 1::3]", 0), 0);
    check_export("v", at("v.npy"), 12, 128);

    /* the data is the window, in C order */
    size_t len;
    unsigned char *file = slurp(at("v.npy"), &len);
    const int64_t *d = (const int64_t *)(file + 128);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++)
            ck_assert_int_eq(d[3 * i + j], 10 * (3 - i) + 1 + 3 * j);
    free(file);

    /* a transposed window, a 1-d column, a 0-d element */
    check_export("g.T", at("t.npy"), 32, 128);
    check_export("g[:, 5]", at("c.npy"), 4, 128);
    check_export("g[2, 3]", at("s.npy"), 1, 128);
    check_export("g[1:1]", at("e.npy"), 0, 128);
    check_export("g[None, ::2, None]", at("n.npy"), 16, 128);

    /* and the export imports back to the same values */
    ck_assert_int_eq(ndshm_npy_import(test_st, "back", at("v.npy"), 0), 0);
    ndshm_array *b = open_ok("back");
    ck_assert_int_eq(ndshm_array_shape(b)[0], 4);
    ck_assert_int_eq(ndshm_array_shape(b)[1], 3);
    ck_assert_int_eq(((int64_t *)ndshm_array_data(b))[0], 31);
    ck_assert_int_eq(((int64_t *)ndshm_array_data(b))[11], 7);
    ndshm_array_close(b);
}
END_TEST

START_TEST(export_header_shapes)
{
    /* bool 1-d, complex128 3-d, float16 0-d */
    const int64_t s5[1] = {5}, s3[3] = {2, 3, 4};
    ck_assert_int_eq(ndshm_array_create(test_st, "b", NDSHM_BOOL, 1, s5, NULL,
                                        0), 0);
    ck_assert_int_eq(ndshm_array_create(test_st, "z", NDSHM_COMPLEX128, 3, s3,
                                        NULL, 0), 0);
    ck_assert_int_eq(ndshm_array_create(test_st, "h", NDSHM_FLOAT16, 0, NULL,
                                        NULL, 0), 0);
    check_export("b", at("b.npy"), 5, 128);
    check_export("z", at("z.npy"), 24, 128);
    check_export("h", at("h.npy"), 1, 128);
    /* a first axis with many digits */
    const int64_t wide[2] = {1000000, 0};
    ck_assert_int_eq(ndshm_array_create(test_st, "w", NDSHM_UINT32, 2, wide,
                                        NULL, 0), 0);
    check_export("w", at("w.npy"), 0, 128);
    /* a header that is already a multiple of 64 long gets 64 more, as
     * numpy pads it */
    int64_t s14[14];
    for (int i = 0; i < 14; i++)
        s14[i] = i == 1 ? 100 : 1;
    ck_assert_int_eq(ndshm_array_create(test_st, "p", NDSHM_INT64, 14, s14,
                                        NULL, 0), 0);
    check_export("p", at("p.npy"), 100, 192);
    /* a long header */
    int64_t s32[NDSHM_MAXDIMS];
    for (int i = 0; i < NDSHM_MAXDIMS; i++)
        s32[i] = 1;
    ck_assert_int_eq(ndshm_array_create(test_st, "l", NDSHM_UINT8,
                                        NDSHM_MAXDIMS, s32, NULL, 0), 0);
    check_export("l", at("l.npy"), 1, 0);
}
END_TEST

START_TEST(export_replaces)
{
    make_grid();
    const char *path = at("out.npy");
    write_bytes(path, "an old file that is longer than nothing", 39);
    struct stat before, after;
    ck_assert_int_eq(stat(path, &before), 0);
    check_export("g[0]", path, 8, 128);
    ck_assert_int_eq(stat(path, &after), 0);
    ck_assert_int_eq(after.st_size, 128 + 64);
    /* replaced by rename, not rewritten in place */
    ck_assert_uint_ne(after.st_ino, before.st_ino);
    /* again, with a different shape */
    check_export("g", path, 32, 128);
    /* nothing but the files we made is left in the directory */
    /* catalog.mdb, its lock file, data/ and out.npy */
    ck_assert_int_eq(count_entries(test_dir), 4);
}
END_TEST

START_TEST(export_to_missing_dir)
{
    make_grid();
    ndshm_array *a = open_ok("g");
    const char *path = at("nowhere/out.npy");
    int before = count_entries(test_dir);
    int rc = ndshm_npy_export(a, path, 0);
    ck_assert_int_lt(rc, 0);
    ck_assert_str_ne(ndshm_errmsg(), "");
    ck_assert_int_eq(access(at("nowhere"), F_OK), -1);
    ck_assert_int_eq(count_entries(test_dir), before);
    /* a path that is a directory: nothing is replaced, nothing left */
    char sub[4200];
    snprintf(sub, sizeof sub, "%s", at("sub"));
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    ck_assert_int_lt(ndshm_npy_export(a, sub, 0), 0);
    struct stat sb;
    ck_assert_int_eq(stat(sub, &sb), 0);
    ck_assert(S_ISDIR(sb.st_mode));
    ck_assert_int_eq(count_entries(test_dir), before + 1);
    /* bad arguments */
    ck_assert_int_eq(ndshm_npy_export(a, at("x.npy"), 1), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_npy_export(a, NULL, 0), NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_npy_export(NULL, at("x.npy"), 0), NDSHM_EINVAL);
    ck_assert_int_eq(access(at("x.npy"), F_OK), -1);
    ndshm_array_close(a);
}
END_TEST

START_TEST(export_readonly_and_removed)
{
    make_grid();
    ck_assert_int_eq(ndshm_view_create(test_st, "ro", "g[1:3, ::-2]",
                                       NDSHM_READONLY), 0);
    check_export("ro", at("ro.npy"), 8, 128);
    /* an array removed while open still exports */
    ndshm_array *a = open_ok("g[3]");
    ck_assert_int_eq(ndshm_remove(test_st, "ro"), 0);
    ck_assert_int_eq(ndshm_remove(test_st, "g"), 0);
    ck_assert_int_eq(ndshm_npy_export(a, at("gone.npy"), 0), 0);
    size_t len;
    unsigned char *file = slurp(at("gone.npy"), &len);
    ck_assert_uint_eq(len, 128 + 64);
    ck_assert_int_eq(((int64_t *)(file + 128))[7], 37);
    free(file);
    ndshm_array_close(a);
}
END_TEST

Suite *npyio_suite(void)
{
    Suite *s = suite_create("npyio");
    TCase *tc = test_store_tcase("import", 30);
    tcase_add_test(tc, import_c_order);
    tcase_add_test(tc, import_fortran_order);
    tcase_add_test(tc, import_big_endian);
    tcase_add_test(tc, import_versions);
    tcase_add_test(tc, import_0d_and_empty);
    tcase_add_test(tc, import_refused);
    tcase_add_test(tc, import_bad_arguments);
    suite_add_tcase(s, tc);

    tc = test_store_tcase("export", 30);
    tcase_add_test(tc, export_strided_view);
    tcase_add_test(tc, export_header_shapes);
    tcase_add_test(tc, export_replaces);
    tcase_add_test(tc, export_to_missing_dir);
    tcase_add_test(tc, export_readonly_and_removed);
    suite_add_tcase(s, tc);
    return s;
}
