/*
 * bad_api.c -- a table of bad inputs to the public C API (lib/ndshm.h).
 *
 * Every row is one call with a bad argument: a name (NULL, empty, 256
 * bytes, "..", a control character, a leading digit or '-', non-ASCII), a
 * dtype out of range or refused, a shape (negative, overflowing 64 bits,
 * ndim 33, NULL), an expression (malformed, step 0, out of range, too many
 * indices, a list or mask for a view), NULL pointers, unknown flags, a
 * value out of range for ndshm_convert, a bad .npy file, a write through a
 * read-only handle, and stores that are not stores or are damaged.  Each
 * row says the code it must return and a fragment of ndshm_errmsg(); the
 * test also checks that the message is one line (no control character:
 * what the caller gave is quoted escaped), that ndshm_strerror knows the
 * code, and that the store is unchanged: the listing (every name's dtype,
 * window, id, version and a hash of its elements) and the bytes of every
 * file under the store directory (the LMDB lock file by name only).
 *
 * A name with a NUL in the middle cannot be given: every function takes
 * NUL-terminated names, and there is no length-taking variant, so "a\0b"
 * is the name "a".  Rows give names with other bytes that must be refused
 * (\x01, newline, '/' misplaced) instead.  Buffers come without sizes, so
 * a buffer of the wrong size cannot be detected; the rows give NULL ones.
 *
 * Each row runs in a fresh store (seeded with a, m, and the views v and
 * ro) in a forked child of Check's.  Rows that fail for a reason outside
 * this test's reach carry `known`: what the fix needs.  They are reported
 * and pass; one that starts to pass fails, to be taken off the list.
 */
#define _GNU_SOURCE
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ndshm.h"
#include "testutil.h"

static ndshm_store *st; /* the row's store (NULL once a damage closed it) */
static char *dir;       /* its directory */
static char *files;     /* a directory for .npy files, outside the store */

/* ---- helpers ------------------------------------------------------------ */

static char *path_in(const char *base, const char *name)
{
    char *p;
    ck_assert_int_ge(asprintf(&p, "%s/%s", base, name), 0);
    return p;
}

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

/* A .npy file written by hand: version 1.0 header, then ndata bytes. */
static void write_npy(const char *name, const char *descr, const char *shape,
                      size_t ndata)
{
    char dict[256], buf[512];
    int n = snprintf(dict, sizeof dict,
                     "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                     descr, shape);
    size_t hlen = ((size_t)n + 10 + 1 + 63) / 64 * 64 - 10;
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (char)(hlen & 0xff);
    buf[9] = (char)(hlen >> 8);
    memset(buf + 10, ' ', hlen);
    memcpy(buf + 10, dict, (size_t)n);
    buf[10 + hlen - 1] = '\n';
    size_t total = 10 + hlen + ndata;
    char *all = calloc(1, total);
    ck_assert_ptr_nonnull(all);
    memcpy(all, buf, 10 + hlen);
    char *path = path_in(files, name);
    write_bytes(path, all, total);
    free(path);
    free(all);
}

/* The data file of name, as the library reports it. */
static char *data_path_of(const char *name)
{
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, st, name, NDSHM_READONLY), 0);
    char *p = strdup(ndshm_array_path(a));
    ndshm_array_close(a);
    ck_assert_ptr_nonnull(p);
    return p;
}

/* Replace every copy of old[len] in the file at path by new[len]. */
static void patch_file(const char *path, const void *old, const void *new,
                       size_t len)
{
    FILE *f = fopen(path, "r+b");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    unsigned char *data = malloc((size_t)size);
    ck_assert_ptr_nonnull(data);
    rewind(f);
    ck_assert_uint_eq(fread(data, 1, (size_t)size, f), (size_t)size);
    int found = 0;
    for (long i = 0; i + (long)len <= size; i++)
        if (memcmp(data + i, old, len) == 0) {
            memcpy(data + i, new, len);
            found++;
        }
    ck_assert_msg(found > 0, "the bytes to patch are not in %s", path);
    rewind(f);
    ck_assert_uint_eq(fwrite(data, 1, (size_t)size, f), (size_t)size);
    ck_assert_int_eq(fclose(f), 0);
    free(data);
}

/* ---- the store each row starts from ------------------------------------- */

static void seed(void)
{
    const int64_t a[3] = {1, 2, 3}, shape_a[1] = {3};
    const uint8_t m[6] = {1, 2, 3, 4, 5, 6};
    const int64_t shape_m[2] = {2, 3};
    ck_assert_int_eq(ndshm_array_create_from_buffer(st, "a", NDSHM_INT64, 1,
                                                    shape_a, a, NULL, 0),
                     0);
    ck_assert_int_eq(ndshm_array_create_from_buffer(st, "m", NDSHM_UINT8, 2,
                                                    shape_m, m, NULL, 0),
                     0);
    ck_assert_int_eq(ndshm_view_create(st, "v", "a[1:]", 0), 0);
    ck_assert_int_eq(ndshm_view_create(st, "ro", "m[0]", NDSHM_READONLY), 0);

    files = test_scratch_dir();
    /* a good 3-element float64 file, and bad ones */
    write_npy("good.npy", "<f8", "(3,)", 24);
    write_npy("trunc.npy", "<f8", "(3,)", 16);
    write_npy("lies.npy", "<f8", "(100,)", 24);
    write_npy("object.npy", "|O", "(3,)", 24);
    write_npy("dims33.npy", "<f8",
              "(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, "
              "1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,)",
              8);
    char *p = path_in(files, "magic.npy");
    write_bytes(p, "\x93NUMPX\x01\x00\x10\x00{}              \n", 26);
    free(p);
    p = path_in(files, "fifo.npy");
    ck_assert_int_eq(mkfifo(p, 0600), 0);
    free(p);
}

/* ---- snapshots ---------------------------------------------------------- */

static uint64_t fnv(const void *data, size_t len, uint64_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 1099511628211u;
    return h;
}

#define FNV_START 14695981039346656037u

static uint64_t file_hash(const char *path, off_t *size)
{
    uint64_t h = FNV_START;
    *size = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        h = fnv(buf, (size_t)n, h);
        *size += n;
    }
    close(fd);
    return h;
}

/* Lines of the snapshot, sorted before they are joined. */
static char **lines;
static size_t nlines, caplines;

static void add_line(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static void add_line(const char *fmt, ...)
{
    if (nlines == caplines) {
        caplines = caplines ? 2 * caplines : 64;
        lines = realloc(lines, caplines * sizeof *lines);
        ck_assert_ptr_nonnull(lines);
    }
    va_list ap;
    va_start(ap, fmt);
    ck_assert_int_ge(vasprintf(&lines[nlines++], fmt, ap), 0);
    va_end(ap);
}

static size_t dir_len;

static int add_file(const char *path, const struct stat *sb, int flag,
                    struct FTW *ftw)
{
    (void)ftw;
    const char *rel = path + dir_len;
    if (flag == FTW_D || flag == FTW_DP) {
        add_line("file %s/ dir", rel);
    } else if (flag == FTW_SL) {
        add_line("file %s symlink", rel);
    } else if (strcmp(path + strlen(path) - 17, "/catalog.mdb-lock") == 0) {
        add_line("file %s lock file", rel); /* its reader table moves */
    } else {
        off_t size;
        uint64_t h = file_hash(path, &size);
        add_line("file %s mode %o size %lld hash %016llx", rel,
                 (unsigned)(sb->st_mode & 07777), (long long)size,
                 (unsigned long long)h);
    }
    return 0;
}

static int add_name(const char *name, void *ctx)
{
    (void)ctx;
    ndshm_array *a;
    int rc = ndshm_array_open(&a, st, name, NDSHM_READONLY);
    if (rc != 0) {
        add_line("name %s: %s: %s", name, ndshm_errname(rc), ndshm_errmsg());
        return 0;
    }
    int ndim = ndshm_array_ndim(a);
    size_t itemsize = ndshm_dtype_size(ndshm_array_dtype(a));
    size_t nbytes = (size_t)ndshm_array_size(a) * itemsize;
    void *buf = malloc(nbytes ? nbytes : 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(ndshm_array_read(a, buf, NULL), 0);
    char shape[400] = "", strides[400] = "";
    for (int i = 0; i < ndim; i++) {
        size_t n = strlen(shape), k = strlen(strides);
        snprintf(shape + n, sizeof shape - n, " %lld",
                 (long long)ndshm_array_shape(a)[i]);
        snprintf(strides + k, sizeof strides - k, " %lld",
                 (long long)ndshm_array_strides(a)[i]);
    }
    const char *base = ndshm_array_base(a);
    add_line("name %s dtype %s shape (%s) strides (%s) offset %lld id %llu "
             "version %llu view %d base %s readonly %d elements %016llx",
             name, ndshm_dtype_name(ndshm_array_dtype(a)), shape, strides,
             (long long)ndshm_array_offset(a),
             (unsigned long long)ndshm_array_id(a),
             (unsigned long long)ndshm_array_version(a),
             ndshm_array_is_view(a), base ? base : "-",
             ndshm_array_readonly(a),
             (unsigned long long)fnv(buf, nbytes, FNV_START));
    free(buf);
    ndshm_array_close(a);
    return 0;
}

static int compare_lines(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Everything that must not change, one line each, sorted. */
static char *snapshot(void)
{
    nlines = 0;
    if (st != NULL) {
        int rc = ndshm_list(st, add_name, NULL);
        add_line("list %s", ndshm_errname(rc));
    }
    dir_len = strlen(dir);
    nftw(dir, add_file, 16, FTW_PHYS);
    qsort(lines, nlines, sizeof *lines, compare_lines);
    size_t len = 1;
    for (size_t i = 0; i < nlines; i++)
        len += strlen(lines[i]) + 1;
    char *s = malloc(len);
    ck_assert_ptr_nonnull(s);
    s[0] = '\0';
    for (size_t i = 0; i < nlines; i++) {
        strcat(s, lines[i]);
        strcat(s, "\n");
        free(lines[i]);
    }
    return s;
}

/* The first line where two snapshots differ, for the failure message. */
static void first_difference(const char *x, const char *y, char *out,
                             size_t cap)
{
    while (*x && *x == *y) {
        const char *ex = strchr(x, '\n'), *ey = strchr(y, '\n');
        if (ex == NULL || ey == NULL || ex - x != ey - y ||
            memcmp(x, y, (size_t)(ex - x)) != 0)
            break;
        x = ex + 1;
        y = ey + 1;
    }
    int nx = (int)strcspn(x, "\n"), ny = (int)strcspn(y, "\n");
    snprintf(out, cap, "before: %.*s\n    after:  %.*s", nx, x, ny, y);
}

/* ---- damage done to the store before a row ------------------------------ */

/* Rows on a closed store open it again themselves. */
static void close_store(void)
{
    ndshm_store_close(st);
    st = NULL;
}

static void damage_truncate(void)
{
    char *p = data_path_of("a");
    ck_assert_int_eq(truncate(p, 4096), 0);
    free(p);
}

static void damage_delete(void)
{
    char *p = data_path_of("a");
    ck_assert_int_eq(unlink(p), 0);
    free(p);
}

/* The meta record "format" -> u32 1, as an LMDB leaf node stores it. */
static const unsigned char format_1[] = {4,   0,   0,   0,   0,   0, 6, 0, 'f',
                                         'o', 'r', 'm', 'a', 't', 1, 0, 0, 0};

static void damage_newer_format(void)
{
    close_store();
    unsigned char format_2[sizeof format_1];
    memcpy(format_2, format_1, sizeof format_1);
    format_2[14] = 2;
    char *p = path_in(dir, "catalog.mdb");
    patch_file(p, format_1, format_2, sizeof format_1);
    free(p);
}

static void damage_garbage_catalog(void)
{
    close_store();
    unsigned char junk[8192];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)((i * 131 + 7) % 251);
    char *p = path_in(dir, "catalog.mdb");
    int fd = open(p, O_WRONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pwrite(fd, junk, sizeof junk, 0), (ssize_t)sizeof junk);
    close(fd);
    free(p);
}

static void damage_empty_catalog(void)
{
    close_store();
    char *p = path_in(dir, "catalog.mdb");
    ck_assert_int_eq(truncate(p, 0), 0);
    free(p);
}

/* a's elements are 1, 2, 3: make one 300, through the data pointer */
static void prepare_a1_300(void)
{
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, st, "a", 0), 0);
    ((int64_t *)ndshm_array_data(a))[1] = 300;
    ndshm_array_close(a);
}

/* ---- the calls ---------------------------------------------------------- */

static const int64_t shape3[1] = {3};
static char name256[NDSHM_NAME_MAX + 2];

static int create_named(const char *name)
{
    return ndshm_array_create(st, name, NDSHM_FLOAT64, 1, shape3, NULL, 0);
}

static int create_shaped(ndshm_dtype dtype, int ndim, const int64_t *shape)
{
    return ndshm_array_create(st, "x", dtype, ndim, shape, NULL, 0);
}

static int open_expr(const char *expr, unsigned flags)
{
    ndshm_array *a = (ndshm_array *)1;
    int rc = ndshm_array_open(&a, st, expr, flags);
    if (rc == 0)
        ndshm_array_close(a);
    else if (a != NULL)
        return -1000; /* the out-parameter must be NULL on failure */
    return rc;
}

static int open_store(const char *path)
{
    ndshm_store *s = (ndshm_store *)1;
    int rc = ndshm_store_open(&s, path, 0);
    if (rc == 0)
        ndshm_store_close(s);
    else if (s != NULL)
        return -1000;
    return rc;
}

static int import(const char *name, const char *file)
{
    char *p = path_in(files, file);
    int rc = ndshm_npy_import(st, name, p, 0);
    free(p);
    return rc;
}

/* Open expr, call fn on it, close it. */
static int with_open(const char *expr, unsigned flags,
                     int (*fn)(ndshm_array *a))
{
    ndshm_array *a;
    int rc = ndshm_array_open(&a, st, expr, flags);
    ck_assert_msg(rc == 0, "open %s: %s", expr, ndshm_errmsg());
    rc = fn(a);
    ndshm_array_close(a);
    return rc;
}

static int write_ones(ndshm_array *a)
{
    uint8_t ones[3] = {1, 1, 1};
    return ndshm_array_write(a, ones, NULL);
}

static int fill_one(ndshm_array *a)
{
    int64_t one = 1;
    return ndshm_array_fill(a, &one);
}

static int lock_exclusive(ndshm_array *a)
{
    return ndshm_array_lock(a, NDSHM_LOCK_EXCLUSIVE, 0);
}

static int lock_nan(ndshm_array *a)
{
    return ndshm_array_lock(a, NDSHM_LOCK_SHARED, NAN);
}

static int wait_nan(ndshm_array *a)
{
    return ndshm_array_wait(a, ndshm_array_version(a), NAN, NULL);
}

static int lock_mode_3(ndshm_array *a)
{
    return ndshm_array_lock(a, 3, 0);
}

static int read_null(ndshm_array *a)
{
    return ndshm_array_read(a, NULL, NULL);
}

static int read_as_99(ndshm_array *a)
{
    double out[3];
    return ndshm_array_read_as(a, (ndshm_dtype)99, out, NULL);
}

static int read_as_uint8(ndshm_array *a)
{
    uint8_t out[3];
    return ndshm_array_read_as(a, NDSHM_UINT8, out, NULL);
}

static int write_null(ndshm_array *a)
{
    return ndshm_array_write(a, NULL, NULL);
}

static int fill_null(ndshm_array *a)
{
    return ndshm_array_fill(a, NULL);
}

static int export_to(ndshm_array *a)
{
    return ndshm_npy_export(a, "/nonexistent/dir/x.npy", 0);
}

static int export_null(ndshm_array *a)
{
    return ndshm_npy_export(a, NULL, 0);
}

static int export_flags(ndshm_array *a)
{
    char *p = path_in(files, "out.npy");
    int rc = ndshm_npy_export(a, p, 4);
    free(p);
    return rc;
}

static int convert_one(ndshm_dtype to, ndshm_dtype from, const void *src)
{
    unsigned char dst[16];
    return ndshm_convert(to, dst, from, src, 1);
}

static int list_cb(const char *name, void *ctx)
{
    (void)name;
    (void)ctx;
    return 0;
}

/* Each row's call: a function of no arguments. */
#define CALL(id, expr)                                                        \
    static int id(void)                                                       \
    {                                                                         \
        return (expr);                                                        \
    }

/* names */
CALL(name_null, create_named(NULL))
CALL(name_empty, create_named(""))
CALL(name_256, (memset(name256, 'x', NDSHM_NAME_MAX + 1),
                name256[NDSHM_NAME_MAX + 1] = '\0', create_named(name256)))
CALL(name_ctrl, create_named("a\x01"
                             "b"))
CALL(name_newline, create_named("a\nb"))
/* "a\0evil" is the name "a" to a C API: taken, so nothing is made */
CALL(name_nul, create_named("a\0evil"))
CALL(name_dotdot, create_named("../x"))
CALL(name_dotdot_mid, create_named("a/../b"))
CALL(name_digit, create_named("1abc"))
CALL(name_dash, create_named("-x"))
CALL(name_utf8, create_named("caf\xc3\xa9"))
CALL(name_slash_end, create_named("a/"))
CALL(name_slash_start, create_named("/a"))
CALL(name_slash_double, create_named("a//b"))
CALL(name_view_empty, ndshm_view_create(st, "", "a", 0))
CALL(name_view_256, (memset(name256, 'y', NDSHM_NAME_MAX + 1),
                     name256[NDSHM_NAME_MAX + 1] = '\0',
                     ndshm_view_create(st, name256, "a", 0)))
CALL(name_remove_null, ndshm_remove(st, NULL))
CALL(name_remove_bad, ndshm_remove(st, "1x"))
CALL(name_remove_missing, ndshm_remove(st, "nosuch"))
CALL(name_taken, create_named("a"))
CALL(name_taken_view, ndshm_view_create(st, "v", "a", 0))
CALL(name_taken_copy, ndshm_copy(st, "m", "a", 0))
CALL(name_taken_import, import("a", "good.npy"))
CALL(name_missing_open, open_expr("nosuch", 0))

/* dtypes */
CALL(dtype_0, create_shaped((ndshm_dtype)0, 1, shape3))
CALL(dtype_15, create_shaped((ndshm_dtype)15, 1, shape3))
CALL(dtype_neg, create_shaped((ndshm_dtype)-1, 1, shape3))
static ndshm_dtype parsed;
CALL(dtype_parse_big, ndshm_dtype_parse(">f8", &parsed))
CALL(dtype_parse_unknown, ndshm_dtype_parse("float128", &parsed))
CALL(dtype_parse_object, ndshm_dtype_parse("O", &parsed))
CALL(dtype_parse_empty, ndshm_dtype_parse("", &parsed))
CALL(dtype_parse_null, ndshm_dtype_parse(NULL, &parsed))
CALL(dtype_read_as, with_open("a", 0, read_as_99))
CALL(dtype_convert_bad,
     convert_one((ndshm_dtype)0, NDSHM_INT64, &(int64_t){1}))

/* shapes */
CALL(shape_negative, create_shaped(NDSHM_FLOAT64, 1, (int64_t[]){-1}))
CALL(shape_negative_2, create_shaped(NDSHM_FLOAT64, 2, (int64_t[]){3, -2}))
CALL(shape_overflow,
     create_shaped(NDSHM_UINT8, 2,
                   (int64_t[]){INT64_C(1) << 32, INT64_C(1) << 32}))
CALL(shape_overflow_item,
     create_shaped(NDSHM_INT16, 1, (int64_t[]){INT64_MAX}))
CALL(shape_overflow_empty,
     create_shaped(NDSHM_INT16, 2, (int64_t[]){INT64_MAX, 0}))
static int64_t ones33[NDSHM_MAXDIMS + 1] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                            1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                            1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
CALL(shape_ndim_33, create_shaped(NDSHM_FLOAT64, NDSHM_MAXDIMS + 1, ones33))
CALL(shape_ndim_neg, create_shaped(NDSHM_FLOAT64, -1, ones33))
CALL(shape_null, create_shaped(NDSHM_FLOAT64, 2, NULL))
CALL(shape_buffer_33,
     ndshm_array_create_from_buffer(st, "x", NDSHM_FLOAT64, NDSHM_MAXDIMS + 1,
                                    ones33, &(double){1}, NULL, 0))
CALL(shape_8tib,
     create_shaped(NDSHM_FLOAT64, 1, (int64_t[]){INT64_C(1) << 40}))

/* expressions */
CALL(expr_unclosed, open_expr("a[1", 0))
CALL(expr_step_0, open_expr("a[::0]", 0))
CALL(expr_step_0_view, ndshm_view_create(st, "w", "m[:, 1::0]", 0))
CALL(expr_out_of_range, open_expr("a[5]", 0))
CALL(expr_out_of_range_view, ndshm_view_create(st, "w", "v[-3]", 0))
CALL(expr_too_many, open_expr("m[0, 0, 0]", 0))
CALL(expr_ndim_33, open_expr("a[None][None][None][None][None][None][None]"
                             "[None][None][None][None][None][None][None]"
                             "[None][None][None][None][None][None][None]"
                             "[None][None][None][None][None][None][None]"
                             "[None][None][None][None]",
                             0))
CALL(expr_list_view, ndshm_view_create(st, "w", "a[[0, 1]]", 0))
CALL(expr_mask_view, ndshm_view_create(st, "w", "a[[True, False, True]]", 0))
CALL(expr_bool_view, ndshm_view_create(st, "w", "a[True]", 0))
CALL(expr_list_copy, ndshm_copy(st, "w", "a[[0, 2]]", 0))
CALL(expr_null, open_expr(NULL, 0))
CALL(expr_null_view, ndshm_view_create(st, "w", NULL, 0))
CALL(expr_newline, open_expr("a\n[0]", 0))
CALL(expr_name_256,
     open_expr("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
               "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
               "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
               "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
               "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
               "zzzzzz[0]",
               0))

/* flags */
CALL(flags_store, (ndshm_store_open(&(ndshm_store *){NULL}, dir, 2)))
CALL(flags_create,
     ndshm_array_create(st, "x", NDSHM_FLOAT64, 1, shape3, NULL, 1))
CALL(flags_view, ndshm_view_create(st, "w", "a", 4))
CALL(flags_copy, ndshm_copy(st, "w", "a", 1))
CALL(flags_open, open_expr("a", 8))
CALL(flags_fsck, ndshm_fsck(st, 2, NULL, NULL))
CALL(flags_import, ndshm_npy_import(st, "x", "/dev/null", 1))
CALL(flags_export, with_open("a", 0, export_flags))

/* NULL pointers */
CALL(null_store_create,
     ndshm_array_create(NULL, "x", NDSHM_FLOAT64, 1, shape3, NULL, 0))
CALL(null_store_view, ndshm_view_create(NULL, "w", "a", 0))
CALL(null_store_copy, ndshm_copy(NULL, "w", "a", 0))
CALL(null_store_open, (ndshm_array_open(&(ndshm_array *){NULL}, NULL, "a", 0)))
CALL(null_store_remove, ndshm_remove(NULL, "a"))
CALL(null_store_list, ndshm_list(NULL, list_cb, NULL))
CALL(null_store_fsck, ndshm_fsck(NULL, 0, NULL, NULL))
CALL(null_list_fn, ndshm_list(st, NULL, NULL))
CALL(null_data, ndshm_array_create_from_buffer(st, "x", NDSHM_FLOAT64, 1,
                                               shape3, NULL, NULL, 0))
CALL(null_import_path, ndshm_npy_import(st, "x", NULL, 0))
CALL(null_export_path, with_open("a", 0, export_null))
CALL(null_read_dst, with_open("a", 0, read_null))
CALL(null_write_src, with_open("a", 0, write_null))
CALL(null_fill_value, with_open("a", 0, fill_null))
CALL(null_lock, ndshm_array_lock(NULL, NDSHM_LOCK_SHARED, 0))
CALL(null_unlock, ndshm_array_unlock(NULL))
CALL(lock_bad_mode, with_open("a", 0, lock_mode_3))
CALL(lock_timeout_nan, with_open("a", 0, lock_nan))
CALL(wait_timeout_nan, with_open("a", 0, wait_nan))
CALL(null_wait, ndshm_array_wait(NULL, 0, 0, NULL))

/* read-only */
CALL(ro_write, with_open("ro", 0, write_ones))
CALL(ro_write_indexed, with_open("ro[1:]", 0, write_ones))
CALL(ro_fill, with_open("a", NDSHM_READONLY, fill_one))
CALL(ro_lock, with_open("ro", 0, lock_exclusive))

/* values */
CALL(value_300_uint8, convert_one(NDSHM_UINT8, NDSHM_INT64, &(int64_t){300}))
CALL(value_neg_uint64, convert_one(NDSHM_UINT64, NDSHM_INT8, &(int8_t){-1}))
CALL(value_nan_int32, convert_one(NDSHM_INT32, NDSHM_FLOAT64, &(double){NAN}))
CALL(value_inf_int64,
     convert_one(NDSHM_INT64, NDSHM_FLOAT32, &(float){-INFINITY}))
CALL(value_1e39_float32,
     convert_one(NDSHM_FLOAT32, NDSHM_FLOAT64, &(double){1e39}))
CALL(value_complex_real,
     convert_one(NDSHM_FLOAT64, NDSHM_COMPLEX128, (double[]){1, 2}))
CALL(value_read_as_range, with_open("a", 0, read_as_uint8))
CALL(value_null_src,
     ndshm_convert(NDSHM_FLOAT64, &(double){0}, NDSHM_INT64, NULL, 1))

/* .npy files */
CALL(npy_missing, import("x", "nonexistent.npy"))
CALL(npy_truncated, import("x", "trunc.npy"))
CALL(npy_lies, import("x", "lies.npy"))
CALL(npy_object, import("x", "object.npy"))
CALL(npy_magic, import("x", "magic.npy"))
CALL(npy_dims33, import("x", "dims33.npy"))
CALL(npy_directory, ndshm_npy_import(st, "x", files, 0))
CALL(npy_fifo, import("x", "fifo.npy"))
CALL(npy_export_missing_dir, with_open("a", NDSHM_READONLY, export_to))

/* stores */
static int store_regular_file(void)
{
    char *p = path_in(files, "good.npy");
    int rc = open_store(p);
    free(p);
    return rc;
}
static int store_missing_parent(void)
{
    char *p = path_in(files, "no/such/store");
    int rc = open_store(p);
    free(p);
    return rc;
}
CALL(store_empty_path, open_store(""))
CALL(store_reopen, open_store(dir))
CALL(data_open, open_expr("a", 0))
CALL(data_open_view, open_expr("v", NDSHM_READONLY))
CALL(data_copy, ndshm_copy(st, "c", "a", 0))

struct row {
    const char *what;
    int (*call)(void);
    int code;
    const char *fragment;
    void (*damage)(void); /* done to the store before the snapshot */
    const char *known;    /* a known failure: what its fix needs */
};

#define TRUNCATED "is 4096 bytes; the catalog says 12288"

static const struct row rows[] = {
    /* names */
    {"name NULL", name_null, NDSHM_EINVAL, "NULL name", NULL, NULL},
    {"name empty", name_empty, NDSHM_EINVAL, "empty name", NULL, NULL},
    {"name of 256 bytes", name_256, NDSHM_EINVAL,
     "name is 256 bytes long; the limit is 255", NULL, NULL},
    {"name with \\x01", name_ctrl, NDSHM_EINVAL, "invalid name 'a\\x01b'",
     NULL, NULL},
    {"name with a newline", name_newline, NDSHM_EINVAL, "invalid name 'a\\nb'",
     NULL, NULL},
    {"name with a NUL: the name before it", name_nul, NDSHM_EEXIST,
     "'a' already exists", NULL, NULL},
    {"name ../x", name_dotdot, NDSHM_EINVAL,
     "invalid name '../x': each '/'-separated part must start with a "
     "letter or '_'",
     NULL, NULL},
    {"name a/../b", name_dotdot_mid, NDSHM_EINVAL, "invalid name 'a/../b'",
     NULL, NULL},
    {"name starting with a digit", name_digit, NDSHM_EINVAL,
     "invalid name '1abc'", NULL, NULL},
    {"name starting with '-'", name_dash, NDSHM_EINVAL, "invalid name '-x'",
     NULL, NULL},
    {"name non-ASCII", name_utf8, NDSHM_EINVAL,
     "only letters, digits, '_' and '/' are allowed", NULL, NULL},
    {"name ending with '/'", name_slash_end, NDSHM_EINVAL, "it ends with '/'",
     NULL, NULL},
    {"name starting with '/'", name_slash_start, NDSHM_EINVAL,
     "invalid name '/a'", NULL, NULL},
    {"name with '//'", name_slash_double, NDSHM_EINVAL, "invalid name 'a//b'",
     NULL, NULL},
    {"view name empty", name_view_empty, NDSHM_EINVAL, "empty name", NULL,
     NULL},
    {"view name of 256 bytes", name_view_256, NDSHM_EINVAL,
     "name is 256 bytes long", NULL, NULL},
    {"remove NULL name", name_remove_null, NDSHM_EINVAL, "NULL name", NULL,
     NULL},
    {"remove a bad name", name_remove_bad, NDSHM_EINVAL, "invalid name '1x'",
     NULL, NULL},
    {"remove a missing name", name_remove_missing, NDSHM_ENOTFOUND,
     "no such array 'nosuch'", NULL, NULL},
    {"create a taken name", name_taken, NDSHM_EEXIST, "'a' already exists",
     NULL, NULL},
    {"view a taken name", name_taken_view, NDSHM_EEXIST, "'v' already exists",
     NULL, NULL},
    {"copy to a taken name", name_taken_copy, NDSHM_EEXIST,
     "'m' already exists", NULL, NULL},
    {"import to a taken name", name_taken_import, NDSHM_EEXIST,
     "'a' already exists", NULL, NULL},
    {"open a missing name", name_missing_open, NDSHM_ENOTFOUND,
     "no such array 'nosuch'", NULL, NULL},
    /* dtypes */
    {"dtype 0", dtype_0, NDSHM_EINVAL, "invalid dtype 0", NULL, NULL},
    {"dtype 15", dtype_15, NDSHM_EINVAL, "invalid dtype 15", NULL, NULL},
    {"dtype -1", dtype_neg, NDSHM_EINVAL, "invalid dtype -1", NULL, NULL},
    {"parse >f8", dtype_parse_big, NDSHM_EINVAL, "big-endian data type '>f8'",
     NULL, NULL},
    {"parse float128", dtype_parse_unknown, NDSHM_EINVAL,
     "data type 'float128' not understood", NULL, NULL},
    {"parse O", dtype_parse_object, NDSHM_EINVAL,
     "data type 'O' not understood", NULL, NULL},
    {"parse empty", dtype_parse_empty, NDSHM_EINVAL, "empty data type", NULL,
     NULL},
    {"parse NULL", dtype_parse_null, NDSHM_EINVAL, "empty data type", NULL,
     NULL},
    {"read_as dtype 99", dtype_read_as, NDSHM_EINVAL, "invalid argument", NULL,
     NULL},
    {"convert to dtype 0", dtype_convert_bad, NDSHM_EINVAL, "dtype", NULL,
     NULL},
    /* shapes */
    {"shape (-1,)", shape_negative, NDSHM_EINVAL,
     "negative dimensions are not allowed (dimension 0 is -1)", NULL, NULL},
    {"shape (3, -2)", shape_negative_2, NDSHM_EINVAL, "dimension 1 is -2",
     NULL, NULL},
    {"shape of 2**64 elements", shape_overflow, NDSHM_ERANGE,
     "array too large: its size overflows 64 bits", NULL, NULL},
    {"shape x itemsize overflows", shape_overflow_item, NDSHM_ERANGE,
     "overflows 64 bits", NULL, NULL},
    {"empty shape whose strides overflow", shape_overflow_empty, NDSHM_ERANGE,
     "overflows 64 bits", NULL, NULL},
    {"ndim 33", shape_ndim_33, NDSHM_EINVAL, "ndim 33 is not within [0, 32]",
     NULL, NULL},
    {"ndim -1", shape_ndim_neg, NDSHM_EINVAL, "ndim -1 is not within", NULL,
     NULL},
    {"shape NULL", shape_null, NDSHM_EINVAL, "NULL shape", NULL, NULL},
    {"from a buffer, ndim 33", shape_buffer_33, NDSHM_EINVAL, "ndim 33", NULL,
     NULL},
    {"8 TiB", shape_8tib, NDSHM_ENOSPC, "cannot reserve", NULL, NULL},
    /* expressions */
    {"expression unclosed", expr_unclosed, NDSHM_EINVAL,
     "invalid expression 'a[1': expected ',' or ']' at the end", NULL, NULL},
    {"expression step 0", expr_step_0, NDSHM_EINVAL,
     "slice step cannot be zero", NULL, NULL},
    {"view step 0", expr_step_0_view, NDSHM_EINVAL,
     "slice step cannot be zero", NULL, NULL},
    {"expression out of range", expr_out_of_range, NDSHM_EINDEX,
     "index 5 is out of bounds for axis 0 with size 3", NULL, NULL},
    {"view out of range", expr_out_of_range_view, NDSHM_EINDEX,
     "index -3 is out of bounds for axis 0 with size 2", NULL, NULL},
    {"too many indices", expr_too_many, NDSHM_EINDEX,
     "too many indices for array: array is 2-dimensional, but 3 were "
     "indexed",
     NULL, NULL},
    {"33 dimensions from None", expr_ndim_33, NDSHM_EINDEX,
     "number of dimensions must be within [0, 32]", NULL, NULL},
    {"list to a view", expr_list_view, NDSHM_EINVAL,
     "advanced indexing with a list or array makes a copy", NULL, NULL},
    {"mask to a view", expr_mask_view, NDSHM_EINVAL, "advanced indexing", NULL,
     NULL},
    {"boolean to a view", expr_bool_view, NDSHM_EINVAL,
     "boolean indexing makes a copy", NULL, NULL},
    {"list to a copy", expr_list_copy, NDSHM_EINVAL, "advanced indexing", NULL,
     NULL},
    {"expression NULL", expr_null, NDSHM_EINVAL, "NULL expression", NULL,
     NULL},
    {"view of NULL", expr_null_view, NDSHM_EINVAL, "NULL expression", NULL,
     NULL},
    {"expression with a newline", expr_newline, NDSHM_EINVAL,
     "invalid expression 'a\\n[0]'", NULL, NULL},
    {"expression with a 256-byte name", expr_name_256, NDSHM_EINVAL,
     "the name is longer than 255 bytes", NULL, NULL},
    /* flags */
    {"store_open flags", flags_store, NDSHM_EINVAL, "unknown flags 0x2", NULL,
     NULL},
    {"create flags", flags_create, NDSHM_EINVAL, "unknown flags 0x1", NULL,
     NULL},
    {"view flags", flags_view, NDSHM_EINVAL, "unknown flags 0x4", NULL, NULL},
    {"copy flags", flags_copy, NDSHM_EINVAL, "unknown flags 0x1", NULL, NULL},
    {"open flags", flags_open, NDSHM_EINVAL, "unknown flags 0x8", NULL, NULL},
    {"fsck flags", flags_fsck, NDSHM_EINVAL, "unknown flags 0x2", NULL, NULL},
    {"import flags", flags_import, NDSHM_EINVAL, "unknown flags 0x1", NULL,
     NULL},
    {"export flags", flags_export, NDSHM_EINVAL, "unknown flags 0x4", NULL,
     NULL},
    /* NULL pointers */
    {"create in NULL store", null_store_create, NDSHM_EINVAL, "NULL store",
     NULL, NULL},
    {"view in NULL store", null_store_view, NDSHM_EINVAL, "NULL store", NULL,
     NULL},
    {"copy in NULL store", null_store_copy, NDSHM_EINVAL, "NULL store", NULL,
     NULL},
    {"open in NULL store", null_store_open, NDSHM_EINVAL, "NULL store", NULL,
     NULL},
    {"remove in NULL store", null_store_remove, NDSHM_EINVAL, "NULL store",
     NULL, NULL},
    {"list NULL store", null_store_list, NDSHM_EINVAL, "NULL", NULL, NULL},
    {"fsck NULL store", null_store_fsck, NDSHM_EINVAL, "NULL store", NULL,
     NULL},
    {"list NULL callback", null_list_fn, NDSHM_EINVAL, "NULL", NULL, NULL},
    {"create from NULL data", null_data, NDSHM_EINVAL,
     "NULL data for a non-empty array", NULL, NULL},
    {"import NULL path", null_import_path, NDSHM_EINVAL, "NULL path", NULL,
     NULL},
    {"export NULL path", null_export_path, NDSHM_EINVAL, "NULL", NULL, NULL},
    {"read into NULL", null_read_dst, NDSHM_EINVAL, "NULL", NULL, NULL},
    {"write from NULL", null_write_src, NDSHM_EINVAL, "NULL", NULL, NULL},
    {"fill with NULL", null_fill_value, NDSHM_EINVAL, "NULL", NULL, NULL},
    {"lock NULL", null_lock, NDSHM_EINVAL, "NULL array", NULL, NULL},
    {"unlock NULL", null_unlock, NDSHM_EINVAL, "NULL array", NULL, NULL},
    {"wait NULL", null_wait, NDSHM_EINVAL, "NULL array", NULL, NULL},
    {"lock, NaN timeout", lock_timeout_nan, NDSHM_EINVAL,
     "timeout is not a number", NULL, NULL},
    {"wait, NaN timeout", wait_timeout_nan, NDSHM_EINVAL,
     "timeout is not a number", NULL, NULL},
    {"lock mode 3", lock_bad_mode, NDSHM_EINVAL, "invalid lock mode 3", NULL,
     NULL},
    /* read-only */
    {"write a read-only view", ro_write, NDSHM_EREADONLY, "'ro' is read-only",
     NULL, NULL},
    {"write a read-only view, indexed", ro_write_indexed, NDSHM_EREADONLY,
     "'ro' is read-only", NULL, NULL},
    {"fill a read-only handle", ro_fill, NDSHM_EREADONLY, "'a' is read-only",
     NULL, NULL},
    {"exclusive lock, read-only", ro_lock, NDSHM_EREADONLY,
     "no exclusive lock", NULL, NULL},
    /* values */
    {"convert 300 to uint8", value_300_uint8, NDSHM_ERANGE,
     "value 300 is out of range for uint8", NULL, NULL},
    {"convert -1 to uint64", value_neg_uint64, NDSHM_ERANGE,
     "out of range for uint64", NULL, NULL},
    {"convert NaN to int32", value_nan_int32, NDSHM_ERANGE,
     "cannot be converted to int32", NULL, NULL},
    {"convert -inf to int64", value_inf_int64, NDSHM_ERANGE,
     "cannot be converted to int64", NULL, NULL},
    {"convert 1e39 to float32", value_1e39_float32, NDSHM_ERANGE,
     "out of range for float32", NULL, NULL},
    {"convert 1+2j to float64", value_complex_real, NDSHM_ERANGE,
     "nonzero imaginary part", NULL, NULL},
    {"convert from NULL", value_null_src, NDSHM_EINVAL, "NULL buffer", NULL,
     NULL},
    {"read_as uint8 of 300", value_read_as_range, NDSHM_ERANGE,
     "value 300 is out of range for uint8", prepare_a1_300, NULL},
    /* .npy files */
    {"import a missing file", npy_missing, NDSHM_ESYS,
     "No such file or directory", NULL, NULL},
    {"import a truncated file", npy_truncated, NDSHM_EINVAL,
     "is truncated: its header promises 24 bytes", NULL, NULL},
    {"import a header that lies", npy_lies, NDSHM_EINVAL,
     "is truncated: its header promises 800 bytes", NULL, NULL},
    {"import object dtype", npy_object, NDSHM_EINVAL,
     "dtype '|O' is not supported", NULL, NULL},
    {"import bad magic", npy_magic, NDSHM_EINVAL, "not a .npy file", NULL,
     NULL},
    {"import 33 dimensions", npy_dims33, NDSHM_EINVAL,
     "more than 32 dimensions", NULL, NULL},
    {"import a directory", npy_directory, NDSHM_EINVAL, "not a .npy file",
     NULL, NULL},
    {"import a FIFO (must not block)", npy_fifo, NDSHM_EINVAL,
     "not a .npy file", NULL, NULL},
    {"export into a missing directory", npy_export_missing_dir, NDSHM_ESYS,
     "No such file or directory", NULL, NULL},
    /* stores */
    {"store is a regular file", store_regular_file, NDSHM_EINVAL,
     "is not a directory", NULL, NULL},
    {"store's parent is missing", store_missing_parent, NDSHM_ESYS,
     "No such file or directory", NULL, NULL},
    {"store path empty", store_empty_path, NDSHM_EINVAL,
     "empty store directory", NULL, NULL},
    {"catalog of a newer format", store_reopen, NDSHM_EVERSION,
     "has format 2; this library reads format 1", damage_newer_format, NULL},
    {"catalog corrupted", store_reopen, NDSHM_ECORRUPT,
     "File is not an LMDB file", damage_garbage_catalog, NULL},
    {"catalog of zero length", store_reopen, NDSHM_ECORRUPT,
     "is empty but", damage_empty_catalog, NULL},
    {"data file truncated, open", data_open, NDSHM_ECORRUPT, TRUNCATED,
     damage_truncate, NULL},
    {"data file truncated, open a view", data_open_view, NDSHM_ECORRUPT,
     TRUNCATED, damage_truncate, NULL},
    {"data file truncated, copy", data_copy, NDSHM_ECORRUPT, TRUNCATED,
     damage_truncate, NULL},
    {"data file deleted, open", data_open, NDSHM_ECORRUPT, "is gone",
     damage_delete, NULL},
};

#define NROWS ((int)(sizeof rows / sizeof rows[0]))

START_TEST(bad_row)
{
    const struct row *r = &rows[_i];
    st = test_scratch_store(&dir);
    seed();
    if (r->damage)
        r->damage();
    char *before = snapshot();
    int rc = r->call();
    char msg[1100];
    snprintf(msg, sizeof msg, "%s", ndshm_errmsg());
    char *after = snapshot();

    char problems[4000] = "";
#define PROBLEM(...)                                                          \
    snprintf(problems + strlen(problems), sizeof problems - strlen(problems), \
             "\n    " __VA_ARGS__)
    if (rc == -1000)
        PROBLEM("the out-parameter is not NULL after a failure");
    else if (rc != r->code)
        PROBLEM("returned %d (%s), expected %d (%s)", rc, ndshm_errname(rc),
                r->code, ndshm_errname(r->code));
    if (r->code != 0) {
        if (strcmp(ndshm_strerror(rc), "unknown error") == 0)
            PROBLEM("ndshm_strerror(%d) does not know the code", rc);
        if (msg[0] == '\0')
            PROBLEM("ndshm_errmsg() is empty");
        for (const char *p = msg; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f) {
                PROBLEM("ndshm_errmsg() holds control character 0x%02x",
                        (unsigned char)*p);
                break;
            }
        if (strstr(msg, r->fragment) == NULL)
            PROBLEM("ndshm_errmsg() lacks \"%s\"", r->fragment);
    }
    if (strcmp(before, after) != 0) {
        char diff[1200];
        first_difference(before, after, diff, sizeof diff);
        PROBLEM("the store changed:\n    %s", diff);
    }
    if (problems[0] != '\0')
        PROBLEM("ndshm_errmsg(): \"%s\"", msg);

    if (r->known && problems[0] != '\0')
        fprintf(stderr, "KNOWN FAILURE: [%s]%s\n    needs: %s\n", r->what,
                problems, r->known);
    else if (r->known)
        ck_abort_msg("[%s] passes but is marked a known failure: take the "
                     "mark off",
                     r->what);
    else
        ck_assert_msg(problems[0] == '\0', "[%s]%s", r->what, problems);

    free(before);
    free(after);
    ndshm_store_close(st);
    st = NULL;
    test_store_remove(dir);
    test_store_remove(files);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bad_api");
    TCase *tc = test_dir_tcase("rows", 30);
    tcase_add_loop_test(tc, bad_row, 0, NROWS);
    suite_add_tcase(s, tc);
    return test_run_suite(s, CK_ENV);
}
