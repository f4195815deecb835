/*
 * catalog.c -- the LMDB environment that names arrays.  Three databases:
 *   meta   "format" -> u32, "next_id" -> u64
 *   names  name -> record (kind, flags, file id, dtype, window)
 *   files  id (u64 big-endian) -> file record (dtype, shape, refs, owner)
 * All integers in values are little-endian; docs/FORMAT.md has the layout.
 */
#include "config.h"

#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#include "catalog.h"
#include "dtype.h"
#include "error.h"

#define MAX_READERS 1024

/* Address space only: the file grows as records are written. */
size_t ndshm__catalog_map_size = (size_t)1 << 30;
void (*ndshm__crash_hook)(const char *point);

/* ---- little-endian field access ----------------------------------------- */

/* Records are read on every open: one unaligned load each, not a loop. */
static void put_u32(unsigned char *p, uint32_t v)
{
    v = htole32(v);
    memcpy(p, &v, 4);
}

static void put_u64(unsigned char *p, uint64_t v)
{
    v = htole64(v);
    memcpy(p, &v, 8);
}

static uint32_t get_u32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return le32toh(v);
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return le64toh(v);
}

/* ---- record encoding ---------------------------------------------------- */

#define RECORD_VERSION 1
#define RECORD_HEAD    24

size_t ndshm__record_encode(const struct ndshm_record *r, unsigned char *buf,
                            size_t cap)
{
    size_t len = RECORD_HEAD + 16 * (size_t)r->win.ndim;
    if (len > cap)
        return 0;
    buf[0] = RECORD_VERSION;
    buf[1] = (unsigned char)r->kind;
    buf[2] = (unsigned char)r->dtype;
    buf[3] = (unsigned char)r->win.ndim;
    put_u32(buf + 4, r->flags);
    put_u64(buf + 8, r->id);
    put_u64(buf + 16, (uint64_t)r->win.offset);
    unsigned char *p = buf + RECORD_HEAD;
    for (int i = 0; i < r->win.ndim; i++, p += 8)
        put_u64(p, (uint64_t)r->win.shape[i]);
    for (int i = 0; i < r->win.ndim; i++, p += 8)
        put_u64(p, (uint64_t)r->win.strides[i]);
    return len;
}

static int corrupt(const char *what)
{
    return ndshm__err(NDSHM_ECORRUPT, "catalog record is corrupt: %s", what);
}

int ndshm__record_decode(const unsigned char *buf, size_t len,
                         struct ndshm_record *r)
{
    memset(r, 0, sizeof *r);
    if (len < RECORD_HEAD)
        return corrupt("too short");
    if (buf[0] != RECORD_VERSION)
        return ndshm__err(NDSHM_EVERSION,
                          "catalog record version %u is not "
                          "supported",
                          buf[0]);
    r->kind = buf[1];
    r->dtype = (ndshm_dtype)buf[2];
    r->win.ndim = buf[3];
    if (r->kind != NDSHM_KIND_ARRAY && r->kind != NDSHM_KIND_VIEW)
        return corrupt("unknown kind");
    if (!ndshm__dtype_valid(r->dtype))
        return corrupt("unknown dtype");
    if (r->win.ndim > NDSHM_MAXDIMS ||
        len != RECORD_HEAD + 16 * (size_t)r->win.ndim)
        return corrupt("bad length");
    r->flags = get_u32(buf + 4);
    r->id = get_u64(buf + 8);
    r->win.offset = (int64_t)get_u64(buf + 16);
    const unsigned char *p = buf + RECORD_HEAD;
    for (int i = 0; i < r->win.ndim; i++, p += 8) {
        r->win.shape[i] = (int64_t)get_u64(p);
        if (r->win.shape[i] < 0)
            return corrupt("negative dimension");
    }
    for (int i = 0; i < r->win.ndim; i++, p += 8)
        r->win.strides[i] = (int64_t)get_u64(p);
    return 0;
}

#define FILE_HEAD 8

size_t ndshm__file_encode(const struct ndshm_file *f, unsigned char *buf,
                          size_t cap)
{
    size_t olen = strlen(f->owner);
    size_t len = FILE_HEAD + 8 * (size_t)f->ndim + 2 + olen;
    if (len > cap)
        return 0;
    buf[0] = RECORD_VERSION;
    buf[1] = (unsigned char)f->dtype;
    buf[2] = (unsigned char)f->ndim;
    buf[3] = 0;
    put_u32(buf + 4, f->refs);
    unsigned char *p = buf + FILE_HEAD;
    for (int i = 0; i < f->ndim; i++, p += 8)
        put_u64(p, (uint64_t)f->shape[i]);
    p[0] = (unsigned char)(olen & 0xff);
    p[1] = (unsigned char)(olen >> 8);
    memcpy(p + 2, f->owner, olen);
    return len;
}

int ndshm__file_decode(const unsigned char *buf, size_t len,
                       struct ndshm_file *f)
{
    uint64_t id = f->id;
    memset(f, 0, sizeof *f);
    f->id = id;
    if (len < FILE_HEAD + 2)
        return corrupt("file record too short");
    if (buf[0] != RECORD_VERSION)
        return ndshm__err(NDSHM_EVERSION,
                          "file record version %u is not "
                          "supported",
                          buf[0]);
    f->dtype = (ndshm_dtype)buf[1];
    f->ndim = buf[2];
    f->refs = get_u32(buf + 4);
    if (!ndshm__dtype_valid(f->dtype) || f->ndim > NDSHM_MAXDIMS)
        return corrupt("bad file record");
    size_t fixed = FILE_HEAD + 8 * (size_t)f->ndim;
    if (len < fixed + 2)
        return corrupt("file record too short");
    const unsigned char *p = buf + FILE_HEAD;
    for (int i = 0; i < f->ndim; i++, p += 8) {
        f->shape[i] = (int64_t)get_u64(p);
        if (f->shape[i] < 0)
            return corrupt("negative dimension");
    }
    size_t olen = (size_t)(p[0] | p[1] << 8);
    /* A NUL inside the owner would cut the name short without a word
     * (and the record would no longer encode back to its bytes): the
     * encoder never writes one, so it is corruption. (Found by fuzzing.) */
    if (olen > NDSHM_NAME_MAX || len != fixed + 2 + olen ||
        memchr(p + 2, '\0', olen) != NULL)
        return corrupt("bad owner name");
    memcpy(f->owner, p + 2, olen);
    f->owner[olen] = '\0';
    return 0;
}

/* ---- environment -------------------------------------------------------- */

static const char FORMAT_KEY[] = "format";
static const char NEXT_ID_KEY[] = "next_id";

static MDB_val key_of(const char *s)
{
    MDB_val k = {strlen(s), (void *)s};
    return k;
}

#define NEEDS_INIT 1 /* open_dbs: the catalog has yet to be created */
#define NEEDS_RECOVERY                                                        \
    2 /* open_dbs: a dead writer's commit is unpublished                      \
       */

/*
 * Open the databases and check the format.  A reader opens existing
 * databases in a read transaction, so that opening a store does not queue
 * behind writers; only a new catalog (NEEDS_INIT) takes a write one to
 * create them and the meta records.  No transaction of this process is
 * active yet, so a map another process grew (MDB_MAP_RESIZED) is adopted
 * on the spot.
 */
static int open_dbs(struct ndshm_catalog *c, const char *path, bool create,
                    bool check_lag)
{
    MDB_txn *txn;
    int rc;
    while ((rc = mdb_txn_begin(c->env, NULL, create ? 0 : MDB_RDONLY, &txn)) ==
           MDB_MAP_RESIZED)
        if ((rc = mdb_env_set_mapsize(c->env, 0)) != 0)
            break;
    if (rc != 0)
        return ndshm__err_mdb(rc, "cannot begin catalog transaction");
    unsigned flags = create ? MDB_CREATE : 0;
    const char *step = "cannot open catalog databases";
    if ((rc = mdb_dbi_open(txn, "meta", flags, &c->meta)) != 0 ||
        (rc = mdb_dbi_open(txn, "names", flags, &c->names)) != 0 ||
        (rc = mdb_dbi_open(txn, "files", flags, &c->files)) != 0) {
        mdb_txn_abort(txn);
        return rc == MDB_NOTFOUND && !create ? NEEDS_INIT
                                             : ndshm__err_mdb(rc, step);
    }
    MDB_val k = key_of(FORMAT_KEY), v;
    rc = mdb_get(txn, c->meta, &k, &v);
    if (rc == MDB_NOTFOUND && !create) {
        mdb_txn_abort(txn);
        return NEEDS_INIT;
    }
    if (rc == MDB_NOTFOUND) {
        unsigned char fmt[4], next[8];
        put_u32(fmt, NDSHM_FORMAT);
        put_u64(next, 1);
        MDB_val fv = {sizeof fmt, fmt}, nv = {sizeof next, next};
        MDB_val nk = key_of(NEXT_ID_KEY);
        step = "cannot initialise catalog";
        if ((rc = mdb_put(txn, c->meta, &k, &fv, 0)) != 0 ||
            (rc = mdb_put(txn, c->meta, &nk, &nv, 0)) != 0) {
            mdb_txn_abort(txn);
            return ndshm__err_mdb(rc, step);
        }
    } else if (rc != 0) {
        mdb_txn_abort(txn);
        return ndshm__err_mdb(rc, "cannot read catalog format");
    } else if (v.mv_size != 4) {
        mdb_txn_abort(txn);
        return ndshm__err(NDSHM_ECORRUPT, "catalog %s: bad format record",
                          path);
    } else if (get_u32(v.mv_data) != NDSHM_FORMAT) {
        uint32_t f = get_u32(v.mv_data);
        mdb_txn_abort(txn);
        return ndshm__err(NDSHM_EVERSION,
                          "catalog %s has format %u; this library reads "
                          "format %d",
                          path, f, NDSHM_FORMAT);
    }
    /*
     * A writer killed after writing its meta page but before publishing
     * its transaction id leaves readers on the older state until the next
     * writer recovers the lock; so that the store a process opens does not
     * change under it at someone's next write, recover now.
     */
    MDB_envinfo info;
    if (check_lag && mdb_env_info(c->env, &info) == 0 &&
        mdb_txn_id(txn) < info.me_last_txnid) {
        mdb_txn_abort(txn);
        return NEEDS_RECOVERY;
    }
    /* committed, even when read-only, so that the handles stay open */
    if ((rc = mdb_txn_commit(txn)) != 0)
        return ndshm__err_mdb(rc, "cannot commit catalog");
    return 0;
}

/* A write transaction's begin recovers a dead writer's lock and state. */
static int recover(struct ndshm_catalog *c)
{
    MDB_txn *txn;
    int rc;
    while ((rc = mdb_txn_begin(c->env, NULL, 0, &txn)) == MDB_MAP_RESIZED)
        if ((rc = mdb_env_set_mapsize(c->env, 0)) != 0)
            break;
    if (rc != 0)
        return ndshm__err_mdb(rc, "cannot recover the catalog");
    mdb_txn_abort(txn);
    return 0;
}

static int init_meta(struct ndshm_catalog *c, const char *path)
{
    int rc = open_dbs(c, path, false, true);
    for (int tries = 0; rc == NEEDS_RECOVERY; tries++) {
        if ((rc = recover(c)) != 0)
            return rc;
        /* writers that keep committing look the same: give up checking */
        rc = open_dbs(c, path, false, tries < 8);
    }
    return rc == NEEDS_INIT ? open_dbs(c, path, true, false) : rc;
}

int ndshm__catalog_open(struct ndshm_catalog *c, const char *path,
                        mode_t mode)
{
    memset(c, 0, sizeof *c);
    int rc = mdb_env_create(&c->env);
    if (rc != 0)
        return ndshm__err_mdb(rc, "cannot create LMDB environment");
    if ((rc = mdb_env_set_maxdbs(c->env, 4)) != 0 ||
        (rc = mdb_env_set_maxreaders(c->env, MAX_READERS)) != 0 ||
        (rc = mdb_env_set_mapsize(c->env, ndshm__catalog_map_size)) != 0) {
        mdb_env_close(c->env);
        c->env = NULL;
        return ndshm__err_mdb(rc, "cannot configure LMDB environment");
    }
    /* NOTLS: read transactions are not tied to threads, and a thread may
     * hold several (an open handle while walking the catalog). */
    rc = mdb_env_open(c->env, path, MDB_NOSUBDIR | MDB_NOTLS, mode);
    if (rc != 0) {
        mdb_env_close(c->env);
        c->env = NULL;
        char what[4200];
        snprintf(what, sizeof what, "cannot open catalog %s", path);
        return ndshm__err_mdb(rc, what);
    }
    int dead = 0;
    mdb_reader_check(c->env, &dead); /* free slots of dead processes */
    rc = init_meta(c, path);
    if (rc != 0) {
        mdb_env_close(c->env);
        c->env = NULL;
        return rc;
    }
    pthread_rwlock_init(&c->resize, NULL);
    pthread_mutex_init(&c->idle_lock, NULL);
    return 0;
}

/* Abort the kept read transactions: before a resize or a close. */
static void drop_idle(struct ndshm_catalog *c)
{
    pthread_mutex_lock(&c->idle_lock);
    while (c->nidle > 0)
        mdb_txn_abort(c->idle[--c->nidle]);
    pthread_mutex_unlock(&c->idle_lock);
}

void ndshm__catalog_close(struct ndshm_catalog *c)
{
    if (c->env) {
        drop_idle(c);
        mdb_env_close(c->env);
        pthread_rwlock_destroy(&c->resize);
        pthread_mutex_destroy(&c->idle_lock);
    }
    c->env = NULL;
}

/* Adopt (size 0) or set a new map size, with no transaction active here. */
static int set_map_size(struct ndshm_catalog *c, size_t size)
{
    pthread_rwlock_wrlock(&c->resize);
    drop_idle(c);
    int rc = mdb_env_set_mapsize(c->env, size);
    pthread_rwlock_unlock(&c->resize);
    if (rc != 0)
        return ndshm__err_mdb(rc, "cannot resize the catalog map");
    return 0;
}

/*
 * Begin a transaction holding the resize lock shared.  Another process may
 * have grown the map past ours (MDB_MAP_RESIZED): adopt its size and try
 * again.  A reader table full of dead processes' slots is cleared.
 */
static int txn_begin(struct ndshm_catalog *c, unsigned flags, MDB_txn **txn)
{
    for (int tries = 0;; tries++) {
        pthread_rwlock_rdlock(&c->resize);
        int rc = mdb_txn_begin(c->env, NULL, flags, txn);
        if (rc == 0)
            return 0;
        pthread_rwlock_unlock(&c->resize);
        if (rc == MDB_MAP_RESIZED && tries < 8) {
            if ((rc = set_map_size(c, 0)) != 0)
                return rc;
            continue;
        }
        if (rc == MDB_READERS_FULL && tries < 8) {
            int dead = 0;
            if (mdb_reader_check(c->env, &dead) == 0 && dead > 0)
                continue;
        }
        return ndshm__err_mdb(rc, "cannot begin a catalog transaction");
    }
}

/* A kept read transaction renewed, or NULL (none kept, or it failed). */
static MDB_txn *renew_idle(struct ndshm_catalog *c)
{
    pthread_mutex_lock(&c->idle_lock);
    MDB_txn *txn = c->nidle > 0 ? c->idle[--c->nidle] : NULL;
    pthread_mutex_unlock(&c->idle_lock);
    if (txn != NULL && mdb_txn_renew(txn) != 0) {
        mdb_txn_abort(txn); /* MAP_RESIZED and the like: begin afresh */
        txn = NULL;
    }
    return txn;
}

int ndshm__catalog_read_begin(struct ndshm_catalog *c, MDB_txn **txn)
{
    pthread_rwlock_rdlock(&c->resize);
    *txn = renew_idle(c);
    int rc = 0;
    if (*txn == NULL) {
        pthread_rwlock_unlock(&c->resize);
        rc = txn_begin(c, MDB_RDONLY, txn);
    }
    if (rc == 0)
        NDSHM_CRASH_POINT("read:begun"); /* a reader slot is taken */
    return rc;
}

void ndshm__catalog_read_end(struct ndshm_catalog *c, MDB_txn *txn)
{
    mdb_txn_reset(txn);
    pthread_mutex_lock(&c->idle_lock);
    bool kept = c->nidle < (int)(sizeof c->idle / sizeof c->idle[0]);
    if (kept)
        c->idle[c->nidle++] = txn;
    pthread_mutex_unlock(&c->idle_lock);
    if (!kept)
        mdb_txn_abort(txn);
    pthread_rwlock_unlock(&c->resize);
}

/*
 * Is the catalog's file system (nearly) full?  LMDB reports a write cut
 * short by a full disk as EIO; with less than a megabyte left, that is
 * what it was.
 */
static bool file_system_full(struct ndshm_catalog *c)
{
    const char *path;
    struct statvfs sv;
    if (mdb_env_get_path(c->env, &path) != 0 || statvfs(path, &sv) != 0)
        return false;
    return (uint64_t)sv.f_bavail * sv.f_frsize < ((uint64_t)1 << 20);
}

/* Double the map, so that a full catalog grows instead of failing. */
static int grow(struct ndshm_catalog *c)
{
    MDB_envinfo info;
    int rc = mdb_env_info(c->env, &info);
    if (rc != 0)
        return ndshm__err_mdb(rc, "cannot read the catalog map size");
    if (info.me_mapsize > SIZE_MAX / 2)
        return ndshm__err(NDSHM_ENOSPC, "the catalog is full");
    return set_map_size(c, info.me_mapsize * 2);
}

int ndshm__catalog_write(struct ndshm_catalog *c, ndshm_txn_fn fn,
                         void (*undo)(void *ctx), void *ctx)
{
    for (;;) {
        MDB_txn *txn;
        int rc = txn_begin(c, 0, &txn);
        if (rc != 0)
            return rc;
        c->map_full = false;
        rc = fn(c, txn, ctx);
        if (rc != 0) {
            mdb_txn_abort(txn);
        } else {
            NDSHM_CRASH_POINT("write:commit");
            rc = mdb_txn_commit(txn);
            if (rc == MDB_MAP_FULL)
                c->map_full = true;
            if (rc == EIO && file_system_full(c))
                rc = ENOSPC; /* LMDB's "short write" on a full disk */
            if (rc != 0)
                rc = ndshm__err_mdb(rc, "cannot commit catalog write");
        }
        bool full = c->map_full;
        pthread_rwlock_unlock(&c->resize);
        if (rc == 0)
            return 0;
        if (undo)
            undo(ctx);
        if (!full)
            return rc;
        if ((rc = grow(c)) != 0)
            return rc;
    }
}

/* ---- names -------------------------------------------------------------- */

int ndshm__catalog_get(struct ndshm_catalog *c, MDB_txn *txn, const char *name,
                       struct ndshm_record *out)
{
    MDB_val k = key_of(name), v;
    int rc = mdb_get(txn, c->names, &k, &v);
    if (rc == MDB_NOTFOUND)
        return ndshm__err(NDSHM_ENOTFOUND, "no such array '%s'", name);
    if (rc != 0)
        return ndshm__err_mdb(rc, "cannot read catalog");
    rc = ndshm__record_decode(v.mv_data, v.mv_size, out);
    if (rc != 0)
        return ndshm__err_prefix(rc, "'%s'", name);
    return 0;
}

/* A put or delete failed; a full map is noted for ndshm__catalog_write,
 * which grows it and tries again. */
static int write_failed(struct ndshm_catalog *c, int rc)
{
    if (rc == MDB_MAP_FULL) {
        c->map_full = true;
        return ndshm__err(NDSHM_ENOSPC, "the catalog is full");
    }
    return ndshm__err_mdb(rc, "cannot write catalog");
}

static int put_checked(struct ndshm_catalog *c, MDB_txn *txn, MDB_dbi dbi,
                       MDB_val *k, MDB_val *v, unsigned flags)
{
    int rc = mdb_put(txn, dbi, k, v, flags);
    if (rc != 0 && rc != MDB_KEYEXIST)
        return write_failed(c, rc);
    return rc;
}

int ndshm__catalog_put(struct ndshm_catalog *c, MDB_txn *txn, const char *name,
                       const struct ndshm_record *rec)
{
    unsigned char buf[RECORD_HEAD + 16 * NDSHM_MAXDIMS];
    MDB_val k = key_of(name);
    MDB_val v = {ndshm__record_encode(rec, buf, sizeof buf), buf};
    int rc = put_checked(c, txn, c->names, &k, &v, MDB_NOOVERWRITE);
    if (rc == MDB_KEYEXIST)
        return ndshm__err(NDSHM_EEXIST, "'%s' already exists", name);
    return rc;
}

int ndshm__catalog_del(struct ndshm_catalog *c, MDB_txn *txn, const char *name)
{
    MDB_val k = key_of(name);
    int rc = mdb_del(txn, c->names, &k, NULL);
    if (rc == MDB_NOTFOUND)
        return ndshm__err(NDSHM_ENOTFOUND, "no such array '%s'", name);
    if (rc != 0)
        return write_failed(c, rc);
    return 0;
}

/* Call each(key, value, ctx) for every entry of dbi in key order. */
static int walk_db(MDB_txn *txn, MDB_dbi dbi,
                   int (*each)(const MDB_val *k, const MDB_val *v, void *ctx),
                   void *ctx)
{
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, dbi, &cur);
    if (rc != 0)
        return ndshm__err_mdb(rc, "cannot read catalog");
    MDB_val k, v;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        int r = each(&k, &v, ctx);
        if (r != 0) {
            mdb_cursor_close(cur);
            return r;
        }
    }
    mdb_cursor_close(cur);
    if (rc != MDB_NOTFOUND)
        return ndshm__err_mdb(rc, "cannot read catalog");
    return 0;
}

/* A names key as a C string; ECORRUPT when it cannot be a name. */
static int name_of(const MDB_val *k, char name[NDSHM_NAME_MAX + 1])
{
    if (k->mv_size == 0 || k->mv_size > NDSHM_NAME_MAX ||
        memchr(k->mv_data, '\0', k->mv_size) != NULL)
        return corrupt("bad name key");
    memcpy(name, k->mv_data, k->mv_size);
    name[k->mv_size] = '\0';
    return 0;
}

struct walk_names {
    int (*fn)(const char *name, void *ctx);
    int (*rec_fn)(const char *name, const struct ndshm_record *rec, int rc,
                  void *ctx);
    void *ctx;
};

static int each_name(const MDB_val *k, const MDB_val *v, void *ctx)
{
    struct walk_names *w = ctx;
    char name[NDSHM_NAME_MAX + 1];
    int rc = name_of(k, name);
    if (rc != 0)
        return rc;
    if (w->fn)
        return w->fn(name, w->ctx);
    struct ndshm_record rec;
    rc = ndshm__record_decode(v->mv_data, v->mv_size, &rec);
    return w->rec_fn(name, &rec, rc, w->ctx);
}

int ndshm__catalog_walk(struct ndshm_catalog *c, MDB_txn *txn,
                        int (*fn)(const char *name, void *ctx), void *ctx)
{
    struct walk_names w = {fn, NULL, ctx};
    return walk_db(txn, c->names, each_name, &w);
}

int ndshm__catalog_walk_records(struct ndshm_catalog *c, MDB_txn *txn,
                                int (*fn)(const char *name,
                                          const struct ndshm_record *rec,
                                          int rc, void *ctx),
                                void *ctx)
{
    struct walk_names w = {NULL, fn, ctx};
    return walk_db(txn, c->names, each_name, &w);
}

/* ---- files -------------------------------------------------------------- */

static MDB_val id_key(uint64_t id, unsigned char buf[8])
{
    for (int i = 0; i < 8; i++)
        buf[i] = (unsigned char)(id >> (56 - 8 * i));
    MDB_val k = {8, buf};
    return k;
}

int ndshm__catalog_get_file(struct ndshm_catalog *c, MDB_txn *txn, uint64_t id,
                            struct ndshm_file *out)
{
    unsigned char kb[8];
    MDB_val k = id_key(id, kb), v;
    int rc = mdb_get(txn, c->files, &k, &v);
    if (rc == MDB_NOTFOUND)
        return ndshm__err(NDSHM_ECORRUPT,
                          "data file %016llx is not in the "
                          "catalog",
                          (unsigned long long)id);
    if (rc != 0)
        return ndshm__err_mdb(rc, "cannot read catalog");
    out->id = id;
    return ndshm__file_decode(v.mv_data, v.mv_size, out);
}

int ndshm__catalog_put_file(struct ndshm_catalog *c, MDB_txn *txn,
                            const struct ndshm_file *f)
{
    unsigned char kb[8],
        buf[FILE_HEAD + 8 * NDSHM_MAXDIMS + 2 + NDSHM_NAME_MAX];
    MDB_val k = id_key(f->id, kb);
    MDB_val v = {ndshm__file_encode(f, buf, sizeof buf), buf};
    return put_checked(c, txn, c->files, &k, &v, 0);
}

int ndshm__catalog_del_file(struct ndshm_catalog *c, MDB_txn *txn, uint64_t id)
{
    unsigned char kb[8];
    MDB_val k = id_key(id, kb);
    int rc = mdb_del(txn, c->files, &k, NULL);
    if (rc != 0)
        return write_failed(c, rc);
    return 0;
}

struct walk_files {
    int (*fn)(const struct ndshm_file *f, int rc, void *ctx);
    void *ctx;
};

static int each_file(const MDB_val *k, const MDB_val *v, void *ctx)
{
    struct walk_files *w = ctx;
    struct ndshm_file f;
    f.id = 0;
    if (k->mv_size != 8)
        return w->fn(&f, corrupt("bad file key"), w->ctx);
    for (int i = 0; i < 8; i++)
        f.id = f.id << 8 | ((const unsigned char *)k->mv_data)[i];
    int rc = ndshm__file_decode(v->mv_data, v->mv_size, &f);
    return w->fn(&f, rc, w->ctx);
}

int ndshm__catalog_walk_files(struct ndshm_catalog *c, MDB_txn *txn,
                              int (*fn)(const struct ndshm_file *f, int rc,
                                        void *ctx),
                              void *ctx)
{
    struct walk_files w = {fn, ctx};
    return walk_db(txn, c->files, each_file, &w);
}

int ndshm__catalog_next_id(struct ndshm_catalog *c, MDB_txn *txn, uint64_t *id)
{
    MDB_val k = key_of(NEXT_ID_KEY), v;
    int rc = mdb_get(txn, c->meta, &k, &v);
    if (rc != 0)
        return ndshm__err_mdb(rc, "cannot read the next file id");
    if (v.mv_size != 8)
        return corrupt("bad next_id");
    *id = get_u64(v.mv_data);
    return 0;
}

int ndshm__catalog_set_next_id(struct ndshm_catalog *c, MDB_txn *txn,
                               uint64_t id)
{
    unsigned char next[8];
    put_u64(next, id);
    MDB_val k = key_of(NEXT_ID_KEY), v = {sizeof next, next};
    return put_checked(c, txn, c->meta, &k, &v, 0);
}

int ndshm__catalog_take_id(struct ndshm_catalog *c, MDB_txn *txn, uint64_t *id)
{
    int rc = ndshm__catalog_next_id(c, txn, id);
    if (rc != 0)
        return rc;
    return ndshm__catalog_set_next_id(c, txn, *id + 1);
}
