/*
 * array.c -- arrays and views: create, view, copy, remove, list, and open
 * handles onto mapped windows with their bulk read/write/fill.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "catalog.h"
#include "datafile.h"
#include "dtype.h"
#include "error.h"
#include "index.h"
#include "mapping.h"
#include "store.h"
#include "strided.h"

struct ndshm_array {
    struct ndshm_env *env;
    struct ndshm_mapping *map;
    char name[NDSHM_NAME_MAX + 1];
    char base[NDSHM_NAME_MAX + 1];
    bool has_base;
    bool is_view;
    bool readonly;
    ndshm_dtype dtype;
    uint64_t id;
    struct ndshm_window win;
    char *path;
};

/* ---- creating ----------------------------------------------------------- */

static int check_new_array(const char *name, ndshm_dtype dtype, int ndim,
                           const int64_t *shape)
{
    int rc = ndshm__name_check(name);
    if (rc != 0)
        return rc;
    if (!ndshm__dtype_valid(dtype))
        return ndshm__err(NDSHM_EINVAL, "invalid dtype %d", (int)dtype);
    if (ndim < 0 || ndim > NDSHM_MAXDIMS)
        return ndshm__err(NDSHM_EINVAL, "ndim %d is not within [0, %d]", ndim,
                          NDSHM_MAXDIMS);
    if (ndim > 0 && shape == NULL)
        return ndshm__err(NDSHM_EINVAL, "NULL shape");
    for (int i = 0; i < ndim; i++)
        if (shape[i] < 0)
            return ndshm__err(NDSHM_EINVAL,
                              "negative dimensions are not "
                              "allowed (dimension %d is %lld)",
                              i, (long long)shape[i]);
    return 0;
}

/* 0 when name is free in txn, NDSHM_EEXIST when it is taken. */
static int name_free(struct ndshm_catalog *c, MDB_txn *txn, const char *name)
{
    struct ndshm_record rec;
    int rc = ndshm__catalog_get(c, txn, name, &rec);
    if (rc == 0)
        return ndshm__err(NDSHM_EEXIST, "'%s' already exists", name);
    return rc == NDSHM_ENOTFOUND ? 0 : rc;
}

/* Fail early, before building a possibly large file, if name is taken. */
static int check_absent(struct ndshm_env *e, const char *name)
{
    MDB_txn *txn;
    int rc = ndshm__catalog_read_begin(&e->cat, &txn);
    if (rc != 0)
        return rc;
    rc = name_free(&e->cat, txn, name);
    mdb_txn_abort(txn);
    return rc;
}

struct publish {
    const char *name;
    ndshm_dtype dtype;
    int ndim;
    const int64_t *shape;
    struct ndshm_newfile *file;
};

/* Inside the catalog write: give the file an id, link it, name it. */
static int publish_txn(struct ndshm_catalog *c, MDB_txn *txn, void *ctx)
{
    struct publish *p = ctx;
    int rc = name_free(c, txn, p->name);
    if (rc != 0)
        return rc;
    uint64_t id;
    /* An id whose file exists was left by a create that crashed after
     * linking: skip it, fsck reports the leftover. */
    do {
        if ((rc = ndshm__catalog_take_id(c, txn, &id)) != 0)
            return rc;
        rc = ndshm__newfile_link(p->file, id);
    } while (rc == NDSHM_EEXIST);
    if (rc != 0)
        return rc;

    struct ndshm_file f = {
        .id = id, .dtype = p->dtype, .ndim = p->ndim, .refs = 1};
    if (p->ndim > 0)
        memcpy(f.shape, p->shape, (size_t)p->ndim * sizeof *p->shape);
    strcpy(f.owner, p->name);
    struct ndshm_record rec;
    memset(&rec, 0, sizeof rec);
    rec.kind = NDSHM_KIND_ARRAY;
    rec.id = id;
    rec.dtype = p->dtype;
    ndshm__window_contiguous(&rec.win, p->ndim, p->shape,
                             ndshm_dtype_size(p->dtype), NDSHM_DATA_OFFSET);
    if ((rc = ndshm__catalog_put_file(c, txn, &f)) != 0)
        return rc;
    return ndshm__catalog_put(c, txn, p->name, &rec);
}

static void publish_undo(void *ctx)
{
    struct publish *p = ctx;
    ndshm__newfile_unlink(p->file);
}

int ndshm__create_array(ndshm_store *st, const char *name, ndshm_dtype dtype,
                        int ndim, const int64_t *shape, ndshm_init_fn init,
                        void *ctx)
{
    if (st == NULL)
        return ndshm__err(NDSHM_EINVAL, "NULL store");
    int rc = check_new_array(name, dtype, ndim, shape);
    if (rc == 0)
        rc = check_absent(st->env, name);
    if (rc != 0)
        return rc;
    struct ndshm_newfile file;
    rc = ndshm__newfile_build(st->env, dtype, ndim, shape, init, ctx, &file);
    if (rc != 0)
        return rc;
    struct publish p = {name, dtype, ndim, shape, &file};
    rc = ndshm__catalog_write(&st->env->cat, publish_txn, publish_undo, &p);
    ndshm__newfile_close(&file);
    return rc;
}

/* What a new array's elements are made from. */
struct init_ctx {
    const void *src; /* the one fill value, or the elements to copy */
    ndshm_dtype dtype;
    int ndim;
    const int64_t *shape;
    const int64_t *strides; /* for copies: src's layout (NULL: C order) */
};

static int fill_init(void *data, void *ctx)
{
    struct init_ctx *f = ctx;
    size_t size = ndshm_dtype_size(f->dtype);
    int64_t strides[NDSHM_MAXDIMS];
    ndshm__contiguous_strides(f->ndim, f->shape, size, strides);
    ndshm__strided_fill(f->ndim, f->shape, data, strides, f->src, size);
    return 0;
}

static int copy_init(void *data, void *ctx)
{
    struct init_ctx *f = ctx;
    size_t size = ndshm_dtype_size(f->dtype);
    int64_t strides[NDSHM_MAXDIMS];
    ndshm__contiguous_strides(f->ndim, f->shape, size, strides);
    ndshm__strided_copy(f->ndim, f->shape, data, strides, f->src,
                        f->strides ? f->strides : strides, size);
    return 0;
}

int ndshm_array_create(ndshm_store *st, const char *name, ndshm_dtype dtype,
                       int ndim, const int64_t *shape, const void *fill,
                       unsigned flags)
{
    if (flags != 0)
        return ndshm__err(NDSHM_EINVAL, "unknown flags 0x%x", flags);
    struct init_ctx f = {fill, dtype, ndim, shape, NULL};
    return ndshm__create_array(st, name, dtype, ndim, shape,
                               fill ? fill_init : NULL, &f);
}

int ndshm_array_create_from_buffer(ndshm_store *st, const char *name,
                                   ndshm_dtype dtype, int ndim,
                                   const int64_t *shape, const void *data,
                                   const int64_t *strides, unsigned flags)
{
    if (flags != 0)
        return ndshm__err(NDSHM_EINVAL, "unknown flags 0x%x", flags);
    int64_t n;
    if (data == NULL && (ndim == 0 || shape != NULL) && ndim >= 0 &&
        ndim <= NDSHM_MAXDIMS && ndshm__shape_size(ndim, shape, &n) && n > 0)
        return ndshm__err(NDSHM_EINVAL, "NULL data for a non-empty array");
    struct init_ctx f = {data, dtype, ndim, shape, strides};
    return ndshm__create_array(st, name, dtype, ndim, shape,
                               data ? copy_init : NULL, &f);
}

/* ---- resolving expressions ---------------------------------------------- */

/*
 * Every element a record's window reaches must lie inside its data file.
 * An empty window reaches none, wherever its offset points (NumPy allows
 * e[1] of an empty (2, 0) array; its data pointer is never read).
 */
static int check_window(const struct ndshm_window *w, ndshm_dtype dtype,
                        const struct ndshm_file *f, const char *name)
{
    struct ndshm_layout lay;
    int64_t lo, hi;
    if (ndshm__layout(f->dtype, f->ndim, f->shape, &lay) != 0 ||
        dtype != f->dtype ||
        !ndshm__window_extent(w, ndshm_dtype_size(dtype), &lo, &hi) ||
        (lo != hi &&
         (lo < NDSHM_DATA_OFFSET || hi > NDSHM_DATA_OFFSET + lay.nbytes)))
        return ndshm__err(NDSHM_ECORRUPT,
                          "the catalog record of '%s' lies "
                          "outside its data file",
                          name);
    return 0;
}

struct resolved {
    struct ndshm_record rec; /* with the expression's ops applied */
    struct ndshm_file file;
    bool indexed;
};

/* Look up expr's name in txn and apply its indexing. */
static int resolve(struct ndshm_catalog *c, MDB_txn *txn,
                   const struct ndshm_expr *e, struct resolved *out)
{
    int rc = ndshm__catalog_get(c, txn, e->name, &out->rec);
    if (rc != 0)
        return rc;
    if ((rc = ndshm__catalog_get_file(c, txn, out->rec.id, &out->file)) != 0 ||
        (rc = check_window(&out->rec.win, out->rec.dtype, &out->file,
                           e->name)) != 0)
        return rc;
    out->indexed = e->nops > 0;
    return ndshm__window_apply(&out->rec.win, e);
}

/* ---- views -------------------------------------------------------------- */

struct view_ctx {
    const char *name;
    struct ndshm_expr *expr;
    unsigned flags;
};

static int view_txn(struct ndshm_catalog *c, MDB_txn *txn, void *ctx)
{
    struct view_ctx *v = ctx;
    struct resolved r;
    int rc = resolve(c, txn, v->expr, &r);
    if (rc != 0)
        return rc;
    r.rec.kind = NDSHM_KIND_VIEW;
    r.rec.flags |= v->flags & NDSHM_READONLY;
    r.file.refs++;
    if ((rc = ndshm__catalog_put(c, txn, v->name, &r.rec)) != 0)
        return rc;
    return ndshm__catalog_put_file(c, txn, &r.file);
}

int ndshm_view_create(ndshm_store *st, const char *name, const char *expr,
                      unsigned flags)
{
    if (st == NULL)
        return ndshm__err(NDSHM_EINVAL, "NULL store");
    if (flags & ~NDSHM_READONLY)
        return ndshm__err(NDSHM_EINVAL, "unknown flags 0x%x", flags);
    int rc = ndshm__name_check(name);
    if (rc != 0)
        return rc;
    struct ndshm_expr e;
    if ((rc = ndshm__expr_parse(expr, &e)) != 0)
        return rc;
    struct view_ctx v = {name, &e, flags};
    rc = ndshm__catalog_write(&st->env->cat, view_txn, NULL, &v);
    ndshm__expr_free(&e);
    return rc;
}

/* ---- copies ------------------------------------------------------------- */

int ndshm_copy(ndshm_store *st, const char *name, const char *expr,
               unsigned flags)
{
    if (flags != 0)
        return ndshm__err(NDSHM_EINVAL, "unknown flags 0x%x", flags);
    ndshm_array *src;
    int rc = ndshm_array_open(&src, st, expr, NDSHM_READONLY);
    if (rc != 0)
        return rc;
    struct init_ctx f = {ndshm_array_data(src), src->dtype, src->win.ndim,
                         src->win.shape, src->win.strides};
    rc = ndshm__create_array(st, name, src->dtype, src->win.ndim,
                             src->win.shape, copy_init, &f);
    ndshm_array_close(src);
    return rc;
}

/* ---- removing ----------------------------------------------------------- */

struct remove_ctx {
    const char *name;
    bool unlink_file;
    uint64_t id;
};

static int remove_txn(struct ndshm_catalog *c, MDB_txn *txn, void *ctx)
{
    struct remove_ctx *r = ctx;
    struct ndshm_record rec;
    struct ndshm_file f;
    int rc = ndshm__catalog_get(c, txn, r->name, &rec);
    if (rc != 0)
        return rc;
    if ((rc = ndshm__catalog_del(c, txn, r->name)) != 0 ||
        (rc = ndshm__catalog_get_file(c, txn, rec.id, &f)) != 0)
        return rc;
    r->id = rec.id;
    r->unlink_file = f.refs <= 1;
    if (r->unlink_file)
        return ndshm__catalog_del_file(c, txn, rec.id);
    f.refs--;
    if (rec.kind == NDSHM_KIND_ARRAY && strcmp(f.owner, r->name) == 0)
        f.owner[0] = '\0'; /* views keep the data; the name is gone */
    return ndshm__catalog_put_file(c, txn, &f);
}

int ndshm_remove(ndshm_store *st, const char *name)
{
    if (st == NULL)
        return ndshm__err(NDSHM_EINVAL, "NULL store");
    int rc = ndshm__name_check(name);
    if (rc != 0)
        return rc;
    struct remove_ctx r = {name, false, 0};
    rc = ndshm__catalog_write(&st->env->cat, remove_txn, NULL, &r);
    if (rc == 0 && r.unlink_file) {
        /* After the commit: a crash here leaves a file fsck reports, never
         * a name without its file.  Mappings elsewhere stay valid. */
        char fname[NDSHM_FILE_NAME_MAX];
        ndshm__file_name(r.id, fname);
        if (unlinkat(st->env->data_fd, fname, 0) != 0 && errno != ENOENT)
            return ndshm__err_sys(errno,
                                  "'%s' removed, but its data file "
                                  "%s/data/%s stays",
                                  name, st->env->path, fname);
    }
    return rc;
}

/* ---- listing ------------------------------------------------------------ */

int ndshm_list(ndshm_store *st, ndshm_list_fn fn, void *ctx)
{
    if (st == NULL || fn == NULL)
        return ndshm__err(NDSHM_EINVAL, "NULL argument");
    MDB_txn *txn;
    int rc = ndshm__catalog_read_begin(&st->env->cat, &txn);
    if (rc != 0)
        return rc;
    rc = ndshm__catalog_walk(&st->env->cat, txn, fn, ctx);
    mdb_txn_abort(txn);
    return rc;
}

/* ---- open handles ------------------------------------------------------- */

static int open_once(ndshm_array *a, struct ndshm_env *env,
                     const struct ndshm_expr *e, unsigned flags)
{
    MDB_txn *txn;
    int rc = ndshm__catalog_read_begin(&env->cat, &txn);
    if (rc != 0)
        return rc;
    struct resolved r;
    rc = resolve(&env->cat, txn, e, &r);
    mdb_txn_abort(txn);
    if (rc != 0)
        return rc;
    struct ndshm_layout lay;
    if ((rc = ndshm__layout(r.file.dtype, r.file.ndim, r.file.shape, &lay)) !=
        0)
        return rc;
    a->readonly = (r.rec.flags & NDSHM_READONLY) || (flags & NDSHM_READONLY);
    rc = ndshm__mapping_get(env, r.rec.id, !a->readonly, &lay, &a->map);
    if (rc != 0)
        return rc;
    a->dtype = r.rec.dtype;
    a->id = r.rec.id;
    a->win = r.rec.win;
    a->is_view = r.rec.kind == NDSHM_KIND_VIEW || r.indexed;
    a->has_base = a->is_view && r.file.owner[0] != '\0';
    strcpy(a->base, r.file.owner);
    return 0;
}

int ndshm_array_open(ndshm_array **out, ndshm_store *st, const char *expr,
                     unsigned flags)
{
    *out = NULL;
    if (st == NULL)
        return ndshm__err(NDSHM_EINVAL, "NULL store");
    if (flags & ~NDSHM_READONLY)
        return ndshm__err(NDSHM_EINVAL, "unknown flags 0x%x", flags);
    struct ndshm_expr e;
    int rc = ndshm__expr_parse(expr, &e);
    if (rc != 0)
        return rc;
    ndshm_array *a = calloc(1, sizeof *a);
    if (a == NULL) {
        ndshm__expr_free(&e);
        return ndshm__err(NDSHM_ENOMEM, "out of memory");
    }
    /* A remove may commit between our read and our open of the file: then
     * the file is gone and the catalog has moved on; look again. */
    for (int tries = 0; tries < 8; tries++) {
        rc = open_once(a, st->env, &e, flags);
        if (rc != NDSHM_ENOTFOUND || a->map != NULL)
            break;
        struct ndshm_record rec;
        MDB_txn *txn;
        if (ndshm__catalog_read_begin(&st->env->cat, &txn) != 0)
            break;
        int gone = ndshm__catalog_get(&st->env->cat, txn, e.name, &rec);
        mdb_txn_abort(txn);
        if (gone != 0) {
            rc = ndshm__err(NDSHM_ENOTFOUND, "no such array '%s'", e.name);
            break;
        }
    }
    if (rc == 0) {
        strcpy(a->name, e.name);
        a->env = st->env;
        ndshm__env_ref(a->env);
        a->path = ndshm__file_path(a->env, a->id);
        if (a->path == NULL)
            rc = ndshm__err(NDSHM_ENOMEM, "out of memory");
    }
    ndshm__expr_free(&e);
    if (rc != 0) {
        ndshm_array_close(a);
        return rc;
    }
    *out = a;
    return 0;
}

void ndshm_array_close(ndshm_array *a)
{
    if (a == NULL)
        return;
    ndshm__mapping_put(a->map);
    ndshm__env_unref(a->env);
    free(a->path);
    free(a);
}

void *ndshm_array_data(const ndshm_array *a)
{
    return a->map->base + a->win.offset;
}

ndshm_dtype ndshm_array_dtype(const ndshm_array *a)
{
    return a->dtype;
}

int ndshm_array_ndim(const ndshm_array *a)
{
    return a->win.ndim;
}

const int64_t *ndshm_array_shape(const ndshm_array *a)
{
    return a->win.shape;
}

const int64_t *ndshm_array_strides(const ndshm_array *a)
{
    return a->win.strides;
}

int64_t ndshm_array_size(const ndshm_array *a)
{
    int64_t n = 0;
    ndshm__shape_size(a->win.ndim, a->win.shape, &n);
    return n;
}

int ndshm_array_readonly(const ndshm_array *a)
{
    return a->readonly;
}

int ndshm_array_is_view(const ndshm_array *a)
{
    return a->is_view;
}

const char *ndshm_array_name(const ndshm_array *a)
{
    return a->name;
}

const char *ndshm_array_base(const ndshm_array *a)
{
    return a->has_base ? a->base : NULL;
}

const char *ndshm_array_path(const ndshm_array *a)
{
    return a->path;
}

int64_t ndshm_array_offset(const ndshm_array *a)
{
    return a->win.offset;
}

uint64_t ndshm_array_id(const ndshm_array *a)
{
    return a->id;
}

/* ---- bulk access -------------------------------------------------------- */

static int writable(const ndshm_array *a)
{
    if (a->readonly)
        return ndshm__err(NDSHM_EREADONLY, "'%s' is read-only", a->name);
    return 0;
}

int ndshm_array_read(const ndshm_array *a, void *dst,
                     const int64_t *dst_strides)
{
    if (a == NULL || (dst == NULL && ndshm_array_size(a) > 0))
        return ndshm__err(NDSHM_EINVAL, "NULL argument");
    size_t size = ndshm_dtype_size(a->dtype);
    int64_t strides[NDSHM_MAXDIMS];
    if (dst_strides == NULL) {
        ndshm__contiguous_strides(a->win.ndim, a->win.shape, size, strides);
        dst_strides = strides;
    }
    ndshm__strided_copy(a->win.ndim, a->win.shape, dst, dst_strides,
                        ndshm_array_data(a), a->win.strides, size);
    return 0;
}

int ndshm_array_write(ndshm_array *a, const void *src,
                      const int64_t *src_strides)
{
    if (a == NULL || (src == NULL && ndshm_array_size(a) > 0))
        return ndshm__err(NDSHM_EINVAL, "NULL argument");
    int rc = writable(a);
    if (rc != 0)
        return rc;
    size_t size = ndshm_dtype_size(a->dtype);
    int64_t strides[NDSHM_MAXDIMS];
    if (src_strides == NULL) {
        ndshm__contiguous_strides(a->win.ndim, a->win.shape, size, strides);
        src_strides = strides;
    }
    ndshm__strided_copy(a->win.ndim, a->win.shape, ndshm_array_data(a),
                        a->win.strides, src, src_strides, size);
    ndshm_array_notify(a);
    return 0;
}

int ndshm_array_fill(ndshm_array *a, const void *value)
{
    if (a == NULL || value == NULL)
        return ndshm__err(NDSHM_EINVAL, "NULL argument");
    int rc = writable(a);
    if (rc != 0)
        return rc;
    ndshm__strided_fill(a->win.ndim, a->win.shape, ndshm_array_data(a),
                        a->win.strides, value, ndshm_dtype_size(a->dtype));
    ndshm_array_notify(a);
    return 0;
}

uint64_t ndshm_array_version(const ndshm_array *a)
{
    return __atomic_load_n(ndshm__mapping_version(a->map), __ATOMIC_ACQUIRE);
}

void ndshm_array_notify(ndshm_array *a)
{
    if (a->readonly) /* a read-only mapping cannot be written, nor need be */
        return;
    __atomic_add_fetch(ndshm__mapping_version(a->map), 1, __ATOMIC_RELEASE);
}
