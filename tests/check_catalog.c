/*
 * check_catalog.c -- lib/catalog.c: the byte encoding of name and file
 * records (round trips for every ndim, corrupt and future input), the meta
 * records and the format check on a real LMDB environment, file ids, and
 * the get/put/del/walk primitives.
 */
#include "config.h"

#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "ndshm.h"
#include "suites.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------ */

static char *cat_path(const char *dir)
{
    size_t len = strlen(dir) + sizeof "/catalog.mdb";
    char *p = malloc(len);
    ck_assert_ptr_nonnull(p);
    snprintf(p, len, "%s/catalog.mdb", dir);
    return p;
}

/* A record with every field set to something recognisable. */
static void sample_record(struct ndshm_record *r, int ndim)
{
    memset(r, 0, sizeof *r);
    r->kind = ndim % 2 ? NDSHM_KIND_VIEW : NDSHM_KIND_ARRAY;
    r->flags = ndim % 3 == 0 ? NDSHM_READONLY : 0;
    r->id = 0x0102030405060708ull + (uint64_t)ndim;
    r->dtype = (ndshm_dtype)(1 + ndim % 14);
    r->win.ndim = ndim;
    r->win.offset = 4096 + 1000 * ndim;
    for (int i = 0; i < ndim; i++) {
        r->win.shape[i] = (int64_t)i * 3 + (i == 5 ? 0 : 1);
        /* negative, zero and huge strides */
        r->win.strides[i] = i % 3 == 0   ? -(int64_t)(8 << i % 20)
                            : i % 3 == 1 ? 0
                                         : (int64_t)1 << (30 + i);
    }
    if (ndim > 0)
        r->win.shape[0] = INT64_MAX;
}

static void sample_file(struct ndshm_file *f, int ndim, size_t owner_len)
{
    memset(f, 0, sizeof *f);
    f->id = 77;
    f->dtype = (ndshm_dtype)(14 - ndim % 14);
    f->ndim = ndim;
    for (int i = 0; i < ndim; i++)
        f->shape[i] = (int64_t)i * 7 + 1;
    if (ndim > 1)
        f->shape[1] = 0;
    if (ndim > 2)
        f->shape[2] = INT64_MAX;
    f->refs = 0xdeadbeefu;
    for (size_t i = 0; i < owner_len; i++)
        f->owner[i] = (char)('a' + i % 26);
    f->owner[owner_len] = '\0';
}

/* A valid encoded record of ndim dims, for corrupting. */
static size_t valid_record(unsigned char *buf, size_t cap, int ndim)
{
    struct ndshm_record r;
    sample_record(&r, ndim);
    r.win.shape[0] = 4;
    size_t len = ndshm__record_encode(&r, buf, cap);
    ck_assert_uint_gt(len, 0);
    return len;
}

static size_t valid_file(unsigned char *buf, size_t cap, int ndim,
                         size_t owner_len)
{
    struct ndshm_file f;
    sample_file(&f, ndim, owner_len);
    size_t len = ndshm__file_encode(&f, buf, cap);
    ck_assert_uint_gt(len, 0);
    return len;
}

static void put_u32le(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> 8 * i);
}

static uint64_t get_u64le(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/*
 * Open the LMDB environment of the closed store at dir by hand (flags 0 or
 * MDB_RDONLY), and begin a transaction on its database db.
 */
static MDB_env *raw_begin(const char *dir, unsigned flags, const char *db,
                          MDB_txn **txn, MDB_dbi *dbi)
{
    char *path = cat_path(dir);
    MDB_env *env;
    ck_assert_int_eq(mdb_env_create(&env), 0);
    ck_assert_int_eq(mdb_env_set_maxdbs(env, 4), 0);
    ck_assert_int_eq(mdb_env_open(env, path, MDB_NOSUBDIR | flags, 0666), 0);
    ck_assert_int_eq(mdb_txn_begin(env, NULL, flags, txn), 0);
    ck_assert_int_eq(mdb_dbi_open(*txn, db, 0, dbi), 0);
    free(path);
    return env;
}

/* Put key -> value into database db of the closed store at dir, by hand. */
static void raw_put(const char *dir, const char *db, const char *key,
                    const void *val, size_t vlen)
{
    MDB_txn *txn;
    MDB_dbi dbi;
    MDB_env *env = raw_begin(dir, 0, db, &txn, &dbi);
    MDB_val k = {strlen(key), (void *)key};
    MDB_val v = {vlen, (void *)val};
    ck_assert_int_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
    ck_assert_int_eq(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
}

/* Read key from database db of the closed store at dir; malloc'd copy. */
static void *raw_get(const char *dir, const char *db, const char *key,
                     size_t *len)
{
    MDB_txn *txn;
    MDB_dbi dbi;
    MDB_env *env = raw_begin(dir, MDB_RDONLY, db, &txn, &dbi);
    MDB_val k = {strlen(key), (void *)key}, v;
    ck_assert_int_eq(mdb_get(txn, dbi, &k, &v), 0);
    void *copy = malloc(v.mv_size + 1);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, v.mv_data, v.mv_size);
    *len = v.mv_size;
    mdb_txn_abort(txn);
    mdb_env_close(env);
    return copy;
}

/* A store that has been created and closed again. */
static char *made_store(void)
{
    char *dir;
    ndshm_store *st = test_scratch_store(&dir);
    ndshm_store_close(st);
    return dir;
}

/* ---- record encoding ---------------------------------------------------- */

START_TEST(record_round_trip)
{
    int ndim = _i; /* 0 .. NDSHM_MAXDIMS */
    struct ndshm_record r, back;
    sample_record(&r, ndim);
    unsigned char buf[24 + 16 * NDSHM_MAXDIMS];
    size_t len = ndshm__record_encode(&r, buf, sizeof buf);
    ck_assert_uint_eq(len, 24 + 16 * (size_t)ndim);
    /* the layout docs/FORMAT.md gives */
    ck_assert_uint_eq(buf[0], 1);
    ck_assert_uint_eq(buf[1], (unsigned)r.kind);
    ck_assert_uint_eq(buf[2], (unsigned)r.dtype);
    ck_assert_uint_eq(buf[3], (unsigned)ndim);
    ck_assert_uint_eq(get_u64le(buf + 8), r.id);
    ck_assert_int_eq((int64_t)get_u64le(buf + 16), r.win.offset);
    for (int i = 0; i < ndim; i++) {
        ck_assert_int_eq((int64_t)get_u64le(buf + 24 + 8 * i),
                         r.win.shape[i]);
        ck_assert_int_eq((int64_t)get_u64le(buf + 24 + 8 * ndim + 8 * i),
                         r.win.strides[i]);
    }

    memset(&back, 0xab, sizeof back);
    ck_assert_int_eq(ndshm__record_decode(buf, len, &back), 0);
    ck_assert_int_eq(back.kind, r.kind);
    ck_assert_uint_eq(back.flags, r.flags);
    ck_assert_uint_eq(back.id, r.id);
    ck_assert_int_eq(back.dtype, r.dtype);
    ck_assert_int_eq(back.win.ndim, ndim);
    ck_assert_int_eq(back.win.offset, r.win.offset);
    for (int i = 0; i < ndim; i++) {
        ck_assert_int_eq(back.win.shape[i], r.win.shape[i]);
        ck_assert_int_eq(back.win.strides[i], r.win.strides[i]);
    }

    /* one byte too little room: nothing is encoded */
    ck_assert_uint_eq(ndshm__record_encode(&r, buf, len - 1), 0);
}
END_TEST

START_TEST(record_negative_offset_and_flags)
{
    struct ndshm_record r, back;
    memset(&r, 0, sizeof r);
    r.kind = NDSHM_KIND_VIEW;
    r.flags = 0xffffffffu;
    r.id = UINT64_MAX;
    r.dtype = NDSHM_COMPLEX128;
    r.win.ndim = 2;
    r.win.offset = -1;
    r.win.shape[0] = 3;
    r.win.shape[1] = 5;
    r.win.strides[0] = INT64_MIN;
    r.win.strides[1] = -16;
    unsigned char buf[64];
    size_t len = ndshm__record_encode(&r, buf, sizeof buf);
    ck_assert_uint_eq(len, 56);
    ck_assert_int_eq(ndshm__record_decode(buf, len, &back), 0);
    ck_assert_uint_eq(back.flags, 0xffffffffu);
    ck_assert_uint_eq(back.id, UINT64_MAX);
    ck_assert_int_eq(back.win.offset, -1);
    ck_assert_int_eq(back.win.strides[0], INT64_MIN);
    ck_assert_int_eq(back.win.strides[1], -16);
}
END_TEST

static void expect_record_error(const unsigned char *buf, size_t len,
                                int code)
{
    struct ndshm_record r;
    ck_assert_int_eq(ndshm__record_decode(buf, len, &r), code);
    ck_assert_str_ne(ndshm_errmsg(), "");
}

START_TEST(record_corrupt)
{
    unsigned char buf[24 + 16 * 40], bad[sizeof buf];
    size_t len = valid_record(buf, sizeof buf, 3);
    ck_assert_uint_eq(len, 72);

    /* short */
    expect_record_error(buf, 0, NDSHM_ECORRUPT);
    expect_record_error(buf, 23, NDSHM_ECORRUPT);
    /* wrong length for the ndim it claims */
    expect_record_error(buf, len - 1, NDSHM_ECORRUPT);
    expect_record_error(buf, 24, NDSHM_ECORRUPT);
    memcpy(bad, buf, len);
    bad[len] = 0;
    expect_record_error(bad, len + 1, NDSHM_ECORRUPT);
    expect_record_error(bad, len + 16, NDSHM_ECORRUPT);
    /* bad kind */
    for (int kind = 0; kind < 256; kind++) {
        if (kind == NDSHM_KIND_ARRAY || kind == NDSHM_KIND_VIEW)
            continue;
        memcpy(bad, buf, len);
        bad[1] = (unsigned char)kind;
        expect_record_error(bad, len, NDSHM_ECORRUPT);
    }
    /* bad dtype */
    const int dtypes[] = {0, 15, 16, 127, 255};
    for (size_t i = 0; i < sizeof dtypes / sizeof dtypes[0]; i++) {
        memcpy(bad, buf, len);
        bad[2] = (unsigned char)dtypes[i];
        expect_record_error(bad, len, NDSHM_ECORRUPT);
    }
    /* ndim 33, with the length that ndim would need */
    memset(bad, 0, sizeof bad);
    memcpy(bad, buf, 24);
    bad[3] = 33;
    expect_record_error(bad, 24 + 16 * 33, NDSHM_ECORRUPT);
    bad[3] = 255;
    expect_record_error(bad, sizeof bad, NDSHM_ECORRUPT);
    /* a negative dimension */
    memcpy(bad, buf, len);
    bad[24 + 8 + 7] = 0x80; /* shape[1] */
    expect_record_error(bad, len, NDSHM_ECORRUPT);
}
END_TEST

START_TEST(record_future_version)
{
    unsigned char buf[24 + 16 * 2];
    size_t len = valid_record(buf, sizeof buf, 2);
    buf[0] = 2;
    expect_record_error(buf, len, NDSHM_EVERSION);
    buf[0] = 0;
    expect_record_error(buf, len, NDSHM_EVERSION);
    buf[0] = 255;
    expect_record_error(buf, len, NDSHM_EVERSION);
}
END_TEST

/* ---- file records ------------------------------------------------------- */

START_TEST(file_round_trip)
{
    int ndim = _i;
    const size_t owners[] = {0, 1, 8, NDSHM_NAME_MAX};
    for (size_t k = 0; k < sizeof owners / sizeof owners[0]; k++) {
        struct ndshm_file f, back;
        sample_file(&f, ndim, owners[k]);
        unsigned char buf[8 + 8 * NDSHM_MAXDIMS + 2 + NDSHM_NAME_MAX];
        size_t len = ndshm__file_encode(&f, buf, sizeof buf);
        ck_assert_uint_eq(len, 8 + 8 * (size_t)ndim + 2 + owners[k]);
        ck_assert_uint_eq(buf[0], 1);
        ck_assert_uint_eq(buf[1], (unsigned)f.dtype);
        ck_assert_uint_eq(buf[2], (unsigned)ndim);
        ck_assert_uint_eq(buf[3], 0);
        ck_assert_uint_eq(buf[8 + 8 * ndim] | buf[9 + 8 * ndim] << 8,
                          owners[k]);

        memset(&back, 0x5a, sizeof back);
        back.id = 1234; /* the key, not in the value: kept */
        ck_assert_int_eq(ndshm__file_decode(buf, len, &back), 0);
        ck_assert_uint_eq(back.id, 1234);
        ck_assert_int_eq(back.dtype, f.dtype);
        ck_assert_int_eq(back.ndim, ndim);
        ck_assert_uint_eq(back.refs, f.refs);
        for (int i = 0; i < ndim; i++)
            ck_assert_int_eq(back.shape[i], f.shape[i]);
        ck_assert_str_eq(back.owner, f.owner);

        ck_assert_uint_eq(ndshm__file_encode(&f, buf, len - 1), 0);
    }
}
END_TEST

static void expect_file_error(const unsigned char *buf, size_t len, int code)
{
    struct ndshm_file f;
    f.id = 5;
    ck_assert_int_eq(ndshm__file_decode(buf, len, &f), code);
    ck_assert_str_ne(ndshm_errmsg(), "");
}

START_TEST(file_corrupt)
{
    unsigned char buf[8 + 8 * 40 + 2 + 300], bad[sizeof buf];
    size_t len = valid_file(buf, sizeof buf, 2, 5);
    ck_assert_uint_eq(len, 8 + 16 + 2 + 5);

    /* short */
    expect_file_error(buf, 0, NDSHM_ECORRUPT);
    expect_file_error(buf, 9, NDSHM_ECORRUPT);
    expect_file_error(buf, 8 + 16 + 1, NDSHM_ECORRUPT); /* no owner length */
    /* wrong length */
    expect_file_error(buf, len - 1, NDSHM_ECORRUPT);
    memcpy(bad, buf, len);
    bad[len] = 'x';
    expect_file_error(bad, len + 1, NDSHM_ECORRUPT);
    /* bad dtype */
    memcpy(bad, buf, len);
    bad[1] = 0;
    expect_file_error(bad, len, NDSHM_ECORRUPT);
    bad[1] = 15;
    expect_file_error(bad, len, NDSHM_ECORRUPT);
    /* ndim 33 with room for it */
    memset(bad, 0, sizeof bad);
    memcpy(bad, buf, 8);
    bad[2] = 33;
    expect_file_error(bad, 8 + 8 * 33 + 2, NDSHM_ECORRUPT);
    /* a negative dimension */
    memcpy(bad, buf, len);
    bad[8 + 7] = 0xff;
    expect_file_error(bad, len, NDSHM_ECORRUPT);
    /* bad owner length: longer than the value ... */
    memcpy(bad, buf, len);
    bad[8 + 16] = 6;
    expect_file_error(bad, len, NDSHM_ECORRUPT);
    /* ... shorter ... */
    bad[8 + 16] = 4;
    expect_file_error(bad, len, NDSHM_ECORRUPT);
    /* ... holding a NUL, first or later (fuzzing found these read as a
     * shorter owner: tests/fuzz/record/crash-file-owner-nul) ... */
    memcpy(bad, buf, len);
    bad[8 + 16 + 2] = '\0';
    expect_file_error(bad, len, NDSHM_ECORRUPT);
    memcpy(bad, buf, len);
    bad[len - 1] = '\0';
    expect_file_error(bad, len, NDSHM_ECORRUPT);
    /* ... and longer than any name, even when the bytes are there */
    memset(bad, 'n', sizeof bad);
    memcpy(bad, buf, 8 + 16);
    bad[8 + 16] = 0;   /* 256 */
    bad[8 + 16 + 1] = 1;
    expect_file_error(bad, 8 + 16 + 2 + 256, NDSHM_ECORRUPT);
    bad[8 + 16] = 0xff; /* 65535 */
    bad[8 + 16 + 1] = 0xff;
    expect_file_error(bad, 8 + 16 + 2 + 256, NDSHM_ECORRUPT);
}
END_TEST

START_TEST(file_future_version)
{
    unsigned char buf[64];
    size_t len = valid_file(buf, sizeof buf, 1, 3);
    buf[0] = 2;
    expect_file_error(buf, len, NDSHM_EVERSION);
}
END_TEST

/* ---- the environment and the format check ------------------------------- */

START_TEST(meta_written_on_create)
{
    char *dir = made_store();
    size_t len;
    unsigned char *fmt = raw_get(dir, "meta", "format", &len);
    ck_assert_uint_eq(len, 4);
    ck_assert_uint_eq(fmt[0], 1);
    ck_assert_uint_eq(fmt[1] | fmt[2] | fmt[3], 0);
    free(fmt);
    unsigned char *next = raw_get(dir, "meta", "next_id", &len);
    ck_assert_uint_eq(len, 8);
    ck_assert_uint_eq(get_u64le(next), 1);
    free(next);
    test_store_remove(dir);
}
END_TEST

START_TEST(newer_format_refused)
{
    char *dir = made_store();
    unsigned char fmt[4];
    put_u32le(fmt, 2);
    raw_put(dir, "meta", "format", fmt, sizeof fmt);

    ndshm_store *st = (ndshm_store *)0x1;
    ck_assert_int_eq(ndshm_store_open(&st, dir, 0), NDSHM_EVERSION);
    ck_assert_ptr_null(st);
    const char *msg = ndshm_errmsg();
    ck_assert_msg(strstr(msg, "format 2") != NULL,
                  "message does not name the format: %s", msg);

    /* the internal entry point says the same, and changes nothing */
    char *path = cat_path(dir);
    struct ndshm_catalog c;
    ck_assert_int_eq(ndshm__catalog_open(&c, path, 0600), NDSHM_EVERSION);
    ck_assert_ptr_null(c.env);
    free(path);
    size_t len;
    unsigned char *now = raw_get(dir, "meta", "format", &len);
    ck_assert_uint_eq(len, 4);
    ck_assert_uint_eq(now[0], 2);
    free(now);

    /* a huge format number too */
    put_u32le(fmt, 0x80000001u);
    raw_put(dir, "meta", "format", fmt, sizeof fmt);
    ck_assert_int_eq(ndshm_store_open(&st, dir, 0), NDSHM_EVERSION);
    ck_assert_msg(strstr(ndshm_errmsg(), "2147483649") != NULL, "%s",
                  ndshm_errmsg());

    /* and once the format is 1 again, the store opens */
    put_u32le(fmt, 1);
    raw_put(dir, "meta", "format", fmt, sizeof fmt);
    ck_assert_int_eq(ndshm_store_open(&st, dir, 0), 0);
    ndshm_store_close(st);
    test_store_remove(dir);
}
END_TEST

START_TEST(bad_format_record)
{
    char *dir = made_store();
    unsigned char fmt[8] = {1, 0, 0, 0, 0, 0, 0, 0};
    raw_put(dir, "meta", "format", fmt, sizeof fmt);
    ndshm_store *st;
    ck_assert_int_eq(ndshm_store_open(&st, dir, 0), NDSHM_ECORRUPT);
    ck_assert_ptr_null(st);
    test_store_remove(dir);
}
END_TEST

START_TEST(garbage_catalog_file)
{
    char *dir = test_scratch_dir();
    char *path = cat_path(dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 16384; i++)
        fputc('x', f);
    fclose(f);
    ndshm_store *st;
    int rc = ndshm_store_open(&st, dir, 0);
    ck_assert_int_eq(rc, NDSHM_ECORRUPT);
    ck_assert_ptr_null(st);
    ck_assert_msg(strstr(ndshm_errmsg(), "catalog.mdb") != NULL, "%s",
                  ndshm_errmsg());
    free(path);
    test_store_remove(dir);
}
END_TEST

/* A corrupt record in the catalog is reported, not trusted. */
START_TEST(corrupt_record_in_store)
{
    char *dir = made_store();
    const unsigned char junk[5] = {1, 1, 5, 0, 0};
    raw_put(dir, "names", "broken", junk, sizeof junk);
    unsigned char future[24] = {9};
    raw_put(dir, "names", "later", future, sizeof future);

    ndshm_store *st;
    ndshm_array *a = (ndshm_array *)0x1;
    ck_assert_int_eq(ndshm_store_open(&st, dir, 0), 0);
    ck_assert_int_eq(ndshm_array_open(&a, st, "broken", 0), NDSHM_ECORRUPT);
    ck_assert_ptr_null(a);
    ck_assert_msg(strstr(ndshm_errmsg(), "broken") != NULL, "%s",
                  ndshm_errmsg());
    ck_assert_int_eq(ndshm_array_open(&a, st, "later", 0), NDSHM_EVERSION);
    ck_assert_int_eq(ndshm_view_create(st, "v", "broken[1:]", 0),
                     NDSHM_ECORRUPT);
    ndshm_store_close(st);
    test_store_remove(dir);
}
END_TEST

/* ---- primitives on a real catalog --------------------------------------- */

struct cat_fixture {
    char *dir;
    char *path;
    struct ndshm_catalog c;
};

static void cat_open(struct cat_fixture *fx)
{
    fx->dir = test_scratch_dir();
    fx->path = cat_path(fx->dir);
    ck_assert_int_eq(ndshm__catalog_open(&fx->c, fx->path, 0600), 0);
}

static void cat_close(struct cat_fixture *fx)
{
    ndshm__catalog_close(&fx->c);
    free(fx->path);
    test_store_remove(fx->dir);
}

static int take_one(struct ndshm_catalog *c, MDB_txn *txn, void *ctx)
{
    return ndshm__catalog_take_id(c, txn, ctx);
}

struct take_many {
    uint64_t ids[5];
};

static int take_five(struct ndshm_catalog *c, MDB_txn *txn, void *ctx)
{
    struct take_many *t = ctx;
    for (int i = 0; i < 5; i++) {
        int rc = ndshm__catalog_take_id(c, txn, &t->ids[i]);
        if (rc != 0)
            return rc;
    }
    return 0;
}

START_TEST(take_id_never_repeats)
{
    struct cat_fixture fx;
    cat_open(&fx);
    uint64_t last = 0, id;
    for (int i = 0; i < 50; i++) {
        ck_assert_int_eq(ndshm__catalog_write(&fx.c, take_one, NULL, &id), 0);
        ck_assert_uint_eq(id, last + 1); /* starts at 1, never skips back */
        last = id;
    }
    struct take_many t;
    ck_assert_int_eq(ndshm__catalog_write(&fx.c, take_five, NULL, &t), 0);
    for (int i = 0; i < 5; i++) {
        ck_assert_uint_gt(t.ids[i], last);
        last = t.ids[i];
    }
    /* the counter survives closing and reopening */
    ndshm__catalog_close(&fx.c);
    ck_assert_ptr_null(fx.c.env);
    ck_assert_int_eq(ndshm__catalog_open(&fx.c, fx.path, 0600), 0);
    ck_assert_int_eq(ndshm__catalog_write(&fx.c, take_one, NULL, &id), 0);
    ck_assert_uint_gt(id, last);
    cat_close(&fx);
}
END_TEST

START_TEST(take_id_through_creates)
{
    /* arrays created, removed and created again never share an id */
    char *dir;
    ndshm_store *st = test_scratch_store(&dir);
    int64_t shape[1] = {3};
    uint64_t seen[20];
    for (int i = 0; i < 20; i++) {
        const char *name = i % 2 ? "b" : "a";
        ck_assert_int_eq(ndshm_array_create(st, name, NDSHM_INT8, 1, shape,
                                            NULL, 0), 0);
        ndshm_array *a;
        ck_assert_int_eq(ndshm_array_open(&a, st, name, 0), 0);
        seen[i] = ndshm_array_id(a);
        ndshm_array_close(a);
        for (int j = 0; j < i; j++)
            ck_assert_uint_ne(seen[j], seen[i]);
        if (i > 0)
            ck_assert_uint_gt(seen[i], seen[i - 1]);
        ck_assert_int_eq(ndshm_remove(st, name), 0);
    }
    ndshm_store_close(st);
    test_store_remove(dir);
}
END_TEST

static void put_name(struct cat_fixture *fx, const char *name, uint64_t id)
{
    struct ndshm_record r;
    sample_record(&r, 1);
    r.id = id;
    r.win.shape[0] = 2;
    MDB_txn *txn;
    ck_assert_int_eq(mdb_txn_begin(fx->c.env, NULL, 0, &txn), 0);
    ck_assert_int_eq(ndshm__catalog_put(&fx->c, txn, name, &r), 0);
    ck_assert_int_eq(mdb_txn_commit(txn), 0);
}

struct walk_log {
    int n, stop_at;
    char names[16][32];
};

static int log_name(const char *name, void *ctx)
{
    struct walk_log *w = ctx;
    ck_assert_int_lt(w->n, 16);
    snprintf(w->names[w->n], sizeof w->names[0], "%s", name);
    w->n++;
    return w->n == w->stop_at ? 42 : 0;
}

START_TEST(walk_in_name_order)
{
    struct cat_fixture fx;
    cat_open(&fx);
    const char *names[] = {"b", "a/x", "A", "_z", "a", "Zz", "a_b", "a0"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        put_name(&fx, names[i], i + 1);
    /* bytewise order */
    const char *want[] = {"A", "Zz", "_z", "a", "a/x", "a0", "a_b", "b"};

    MDB_txn *txn;
    struct walk_log w = {0, -1, {{0}}};
    ck_assert_int_eq(ndshm__catalog_read_begin(&fx.c, &txn), 0);
    ck_assert_int_eq(ndshm__catalog_walk(&fx.c, txn, log_name, &w), 0);
    ck_assert_int_eq(w.n, 8);
    for (int i = 0; i < 8; i++)
        ck_assert_str_eq(w.names[i], want[i]);

    /* a nonzero return stops the walk and is returned */
    struct walk_log s = {0, 3, {{0}}};
    ck_assert_int_eq(ndshm__catalog_walk(&fx.c, txn, log_name, &s), 42);
    ck_assert_int_eq(s.n, 3);
    ck_assert_str_eq(s.names[2], "_z");
    mdb_txn_abort(txn);

    /* an empty catalog walks nothing */
    struct cat_fixture empty;
    cat_open(&empty);
    struct walk_log e = {0, -1, {{0}}};
    ck_assert_int_eq(ndshm__catalog_read_begin(&empty.c, &txn), 0);
    ck_assert_int_eq(ndshm__catalog_walk(&empty.c, txn, log_name, &e), 0);
    ck_assert_int_eq(e.n, 0);
    mdb_txn_abort(txn);
    cat_close(&empty);
    cat_close(&fx);
}
END_TEST

START_TEST(get_put_del)
{
    struct cat_fixture fx;
    cat_open(&fx);
    MDB_txn *txn;
    struct ndshm_record r, back;
    sample_record(&r, 4);
    r.win.shape[0] = 1;

    ck_assert_int_eq(mdb_txn_begin(fx.c.env, NULL, 0, &txn), 0);
    ck_assert_int_eq(ndshm__catalog_get(&fx.c, txn, "x", &back),
                     NDSHM_ENOTFOUND);
    ck_assert_msg(strstr(ndshm_errmsg(), "'x'") != NULL, "%s",
                  ndshm_errmsg());
    ck_assert_int_eq(ndshm__catalog_put(&fx.c, txn, "x", &r), 0);
    ck_assert_int_eq(ndshm__catalog_put(&fx.c, txn, "x", &r), NDSHM_EEXIST);
    ck_assert_int_eq(ndshm__catalog_get(&fx.c, txn, "x", &back), 0);
    ck_assert_uint_eq(back.id, r.id);
    ck_assert_int_eq(back.win.ndim, 4);
    ck_assert_int_eq(ndshm__catalog_del(&fx.c, txn, "y"), NDSHM_ENOTFOUND);

    struct ndshm_file f, fb;
    sample_file(&f, 3, 7);
    f.id = 0x0100000000000002ull;
    fb.id = f.id;
    ck_assert_int_eq(ndshm__catalog_get_file(&fx.c, txn, f.id, &fb),
                     NDSHM_ECORRUPT);
    ck_assert_int_eq(ndshm__catalog_put_file(&fx.c, txn, &f), 0);
    f.refs = 3; /* put_file overwrites */
    ck_assert_int_eq(ndshm__catalog_put_file(&fx.c, txn, &f), 0);
    ck_assert_int_eq(mdb_txn_commit(txn), 0);

    ck_assert_int_eq(ndshm__catalog_read_begin(&fx.c, &txn), 0);
    memset(&fb, 0, sizeof fb);
    ck_assert_int_eq(ndshm__catalog_get_file(&fx.c, txn, f.id, &fb), 0);
    ck_assert_uint_eq(fb.id, f.id);
    ck_assert_uint_eq(fb.refs, 3);
    ck_assert_str_eq(fb.owner, f.owner);
    ck_assert_int_eq(ndshm__catalog_get(&fx.c, txn, "x", &back), 0);
    mdb_txn_abort(txn);

    ck_assert_int_eq(mdb_txn_begin(fx.c.env, NULL, 0, &txn), 0);
    ck_assert_int_eq(ndshm__catalog_del(&fx.c, txn, "x"), 0);
    ck_assert_int_eq(ndshm__catalog_get(&fx.c, txn, "x", &back),
                     NDSHM_ENOTFOUND);
    ck_assert_int_eq(ndshm__catalog_del_file(&fx.c, txn, f.id), 0);
    ck_assert_int_eq(ndshm__catalog_get_file(&fx.c, txn, f.id, &fb),
                     NDSHM_ECORRUPT);
    ck_assert_int_ne(ndshm__catalog_del_file(&fx.c, txn, f.id), 0);
    ck_assert_int_eq(mdb_txn_commit(txn), 0);
    cat_close(&fx);
}
END_TEST

/* File records are keyed big-endian, so ids sort numerically. */
START_TEST(file_keys_big_endian)
{
    struct cat_fixture fx;
    cat_open(&fx);
    MDB_txn *txn;
    const uint64_t ids[] = {0x100, 0x2, 0x1000000000000000ull, 0xff};
    ck_assert_int_eq(mdb_txn_begin(fx.c.env, NULL, 0, &txn), 0);
    for (size_t i = 0; i < 4; i++) {
        struct ndshm_file f;
        sample_file(&f, 1, 1);
        f.id = ids[i];
        ck_assert_int_eq(ndshm__catalog_put_file(&fx.c, txn, &f), 0);
    }
    MDB_cursor *cur;
    MDB_val k, v;
    ck_assert_int_eq(mdb_cursor_open(txn, fx.c.files, &cur), 0);
    const uint64_t sorted[] = {0x2, 0xff, 0x100, 0x1000000000000000ull};
    int n = 0;
    for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT), n++) {
        ck_assert_uint_eq(k.mv_size, 8);
        uint64_t id = 0;
        for (int i = 0; i < 8; i++)
            id = id << 8 | ((unsigned char *)k.mv_data)[i];
        ck_assert_uint_eq(id, sorted[n]);
    }
    ck_assert_int_eq(n, 4);
    mdb_cursor_close(cur);
    mdb_txn_abort(txn);
    cat_close(&fx);
}
END_TEST

static int undo_calls;

static void count_undo(void *ctx)
{
    (void)ctx;
    undo_calls++;
}

static int put_then_fail(struct ndshm_catalog *c, MDB_txn *txn, void *ctx)
{
    struct ndshm_record r;
    sample_record(&r, 1);
    r.win.shape[0] = 1;
    int rc = ndshm__catalog_put(c, txn, "gone", &r);
    if (rc != 0)
        return rc;
    return *(int *)ctx;
}

START_TEST(write_undo)
{
    struct cat_fixture fx;
    cat_open(&fx);
    int fail = NDSHM_ERANGE;
    undo_calls = 0;
    ck_assert_int_eq(ndshm__catalog_write(&fx.c, put_then_fail, count_undo,
                                          &fail), NDSHM_ERANGE);
    ck_assert_int_eq(undo_calls, 1);
    MDB_txn *txn;
    struct ndshm_record r;
    ck_assert_int_eq(ndshm__catalog_read_begin(&fx.c, &txn), 0);
    ck_assert_int_eq(ndshm__catalog_get(&fx.c, txn, "gone", &r),
                     NDSHM_ENOTFOUND); /* rolled back */
    mdb_txn_abort(txn);

    fail = 0;
    ck_assert_int_eq(ndshm__catalog_write(&fx.c, put_then_fail, count_undo,
                                          &fail), 0);
    ck_assert_int_eq(undo_calls, 1);
    ck_assert_int_eq(ndshm__catalog_read_begin(&fx.c, &txn), 0);
    ck_assert_int_eq(ndshm__catalog_get(&fx.c, txn, "gone", &r), 0);
    mdb_txn_abort(txn);
    cat_close(&fx);
}
END_TEST

Suite *catalog_suite(void)
{
    Suite *s = suite_create("catalog");

    TCase *tc = tcase_create("encoding");
    tcase_add_loop_test(tc, record_round_trip, 0, NDSHM_MAXDIMS + 1);
    tcase_add_test(tc, record_negative_offset_and_flags);
    tcase_add_test(tc, record_corrupt);
    tcase_add_test(tc, record_future_version);
    tcase_add_loop_test(tc, file_round_trip, 0, NDSHM_MAXDIMS + 1);
    tcase_add_test(tc, file_corrupt);
    tcase_add_test(tc, file_future_version);
    suite_add_tcase(s, tc);

    tc = test_dir_tcase("format", 30);
    tcase_add_test(tc, meta_written_on_create);
    tcase_add_test(tc, newer_format_refused);
    tcase_add_test(tc, bad_format_record);
    tcase_add_test(tc, garbage_catalog_file);
    tcase_add_test(tc, corrupt_record_in_store);
    suite_add_tcase(s, tc);

    tc = test_dir_tcase("primitives", 30);
    tcase_add_test(tc, take_id_never_repeats);
    tcase_add_test(tc, take_id_through_creates);
    tcase_add_test(tc, walk_in_name_order);
    tcase_add_test(tc, get_put_del);
    tcase_add_test(tc, file_keys_big_endian);
    tcase_add_test(tc, write_undo);
    suite_add_tcase(s, tc);
    return s;
}
