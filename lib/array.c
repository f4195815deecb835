/*
 * array.c -- arrays and views: create, view, copy, remove, list, and open
 * handles onto mapped windows with their bulk read/write/fill.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "array.h"
#include "catalog.h"
#include "datafile.h"
#include "dtype.h"
#include "error.h"
#include "index.h"
#include "mapping.h"
#include "progress.h"
#include "store.h"
#include "strided.h"

struct ndshm_array {
    struct ndshm_env *env;
    struct ndshm_mapping *map;
    pid_t pid; /* the process that opened it */
    char name[NDSHM_NAME_MAX + 1];
    char base[NDSHM_NAME_MAX + 1];
    bool has_base;
    bool is_view;
    bool readonly;
    ndshm_dtype dtype;
    uint64_t id;
    struct ndshm_window rec_win; /* the name's record, for stale checks */
    struct ndshm_window win;     /* with the expression's indexing */
    char *path;
    int lock_fd;   /* an open file description of our own, for OFD locks */
    int lock_mode; /* 0, NDSHM_LOCK_SHARED or NDSHM_LOCK_EXCLUSIVE */
    struct ndshm_array *next_locker; /* in the list of lock_fd holders */
};

static void forget_lock_fd(ndshm_array *a);

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
    ndshm__catalog_read_end(&e->cat, txn);
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
    NDSHM_CRASH_POINT("create:linked");

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

/* The write failed or will run again (a full map grew): keep the file,
 * under a hidden name, for the retry or for ndshm__newfile_close. */
static void publish_undo(void *ctx)
{
    struct publish *p = ctx;
    ndshm__newfile_park(p->file);
}

int ndshm__create_array(ndshm_store *st, const char *name, ndshm_dtype dtype,
                        int ndim, const int64_t *shape, ndshm_init_fn init,
                        void *ctx)
{
    if (st == NULL)
        return ndshm__err(NDSHM_EINVAL, "NULL store");
    int rc = ndshm__env_check(st->env);
    if (rc == 0)
        rc = check_new_array(name, dtype, ndim, shape);
    if (rc == 0)
        rc = check_absent(st->env, name);
    if (rc != 0)
        return rc;
    struct ndshm_newfile file;
    rc = ndshm__newfile_build(st->env, dtype, ndim, shape, init, ctx, &file);
    if (rc != 0)
        return rc;
    NDSHM_CRASH_POINT("create:built");
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
    int64_t count;
    ndshm__shape_size(f->ndim, f->shape, &count); /* checked at create */
    ndshm__progress_start((uint64_t)count * size, NDSHM_PROGRESS_BYTES);
    ndshm__progress_copy(f->ndim, f->shape, data, strides, f->src,
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
/* The core of ndshm__check_window, for a file of file_dtype and nbytes. */
static int window_inside(const struct ndshm_window *w, ndshm_dtype dtype,
                         ndshm_dtype file_dtype, int64_t nbytes,
                         const char *name)
{
    int64_t lo, hi;
    if (dtype != file_dtype ||
        !ndshm__window_extent(w, ndshm_dtype_size(dtype), &lo, &hi) ||
        (lo != hi &&
         (lo < NDSHM_DATA_OFFSET || hi > NDSHM_DATA_OFFSET + nbytes)))
        return ndshm__err(NDSHM_ECORRUPT,
                          "the catalog record of '%s' lies outside its data "
                          "file",
                          name);
    return 0;
}

int ndshm__check_window(const struct ndshm_window *w, ndshm_dtype dtype,
                        const struct ndshm_file *f, const char *name)
{
    struct ndshm_layout lay;
    if (ndshm__layout(f->dtype, f->ndim, f->shape, &lay) != 0)
        return ndshm__err(NDSHM_ECORRUPT,
                          "the data file of '%s' has an "
                          "impossible shape",
                          name);
    return window_inside(w, dtype, f->dtype, lay.nbytes, name);
}

struct resolved {
    struct ndshm_record rec;     /* with the expression's ops applied */
    struct ndshm_window rec_win; /* the record's own window */
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
        (rc = ndshm__check_window(&out->rec.win, out->rec.dtype, &out->file,
                                  e->name)) != 0)
        return rc;
    out->indexed = e->nops > 0;
    out->rec_win = out->rec.win;
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
    int rc = ndshm__env_check(st->env);
    if (rc == 0)
        rc = ndshm__name_check(name);
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
    int rc = ndshm__env_check(st->env);
    if (rc == 0)
        rc = ndshm__name_check(name);
    if (rc != 0)
        return rc;
    NDSHM_CRASH_POINT("remove:begin");
    struct remove_ctx r = {name, false, 0};
    rc = ndshm__catalog_write(&st->env->cat, remove_txn, NULL, &r);
    if (rc == 0 && r.unlink_file) {
        NDSHM_CRASH_POINT("remove:committed");
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

/* The names of one snapshot, collected before anyone is called back. */
struct name_list {
    char **v;
    size_t n, cap;
};

static int collect_name(const char *name, void *ctx)
{
    struct name_list *l = ctx;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        char **v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return ndshm__err(NDSHM_ENOMEM, "out of memory listing names");
        l->v = v;
        l->cap = cap;
    }
    if ((l->v[l->n] = strdup(name)) == NULL)
        return ndshm__err(NDSHM_ENOMEM, "out of memory listing names");
    l->n++;
    return 0;
}

int ndshm_list(ndshm_store *st, ndshm_list_fn fn, void *ctx)
{
    if (st == NULL || fn == NULL)
        return ndshm__err(NDSHM_EINVAL, "NULL argument");
    int rc = ndshm__env_check(st->env);
    if (rc != 0)
        return rc;
    /* The walk ends its read transaction before fn runs: fn may write
     * (which a held snapshot would make wait for a map resize), and a long
     * callback must not pin old catalog pages. */
    struct name_list l = {NULL, 0, 0};
    MDB_txn *txn;
    if ((rc = ndshm__catalog_read_begin(&st->env->cat, &txn)) != 0)
        return rc;
    rc = ndshm__catalog_walk(&st->env->cat, txn, collect_name, &l);
    ndshm__catalog_read_end(&st->env->cat, txn);
    for (size_t i = 0; rc == 0 && i < l.n; i++)
        rc = fn(l.v[i], ctx);
    for (size_t i = 0; i < l.n; i++)
        free(l.v[i]);
    free(l.v);
    return rc;
}

/* ---- open handles ------------------------------------------------------- */

/* One attempt; *file_gone when the catalog named a file just removed. */
/*
 * One attempt; *file_gone when the catalog named a file just removed.
 * The hot path (an array already mapped in this process) reads one record:
 * the mapping knows the file's layout, and only a view needs the file's
 * record, for the name of its base.
 */
static int open_once(ndshm_array *a, struct ndshm_env *env,
                     const struct ndshm_expr *e, unsigned flags,
                     bool *file_gone)
{
    *file_gone = false;
    struct ndshm_catalog *c = &env->cat;
    MDB_txn *txn;
    int rc = ndshm__catalog_read_begin(c, &txn);
    if (rc != 0)
        return rc;
    struct ndshm_record rec;
    struct ndshm_file file = {.owner = ""};
    struct ndshm_layout lay;
    ndshm_dtype file_dtype = 0;
    struct ndshm_mapping *m = NULL;
    rc = ndshm__catalog_get(c, txn, e->name, &rec);
    if (rc == 0) {
        a->readonly = (rec.flags & NDSHM_READONLY) || (flags & NDSHM_READONLY);
        a->is_view = rec.kind == NDSHM_KIND_VIEW || e->nops > 0;
        m = ndshm__mapping_find(env, rec.id, !a->readonly);
    }
    if (rc == 0 && (m == NULL || a->is_view)) {
        file.id = rec.id;
        rc = ndshm__catalog_get_file(c, txn, rec.id, &file);
        if (rc == 0)
            rc = ndshm__layout(file.dtype, file.ndim, file.shape, &lay);
        file_dtype = file.dtype;
    } else if (rc == 0) {
        lay = m->layout;
        file_dtype = m->dtype;
    }
    ndshm__catalog_read_end(c, txn);
    if (rc == 0)
        rc = window_inside(&rec.win, rec.dtype, file_dtype, lay.nbytes,
                           e->name);
    if (rc == 0) {
        a->rec_win = rec.win;
        rc = ndshm__window_apply(&rec.win, e);
    }
    if (rc == 0 && m == NULL) {
        rc = ndshm__mapping_get(env, rec.id, !a->readonly, file_dtype, &lay,
                                &m);
        *file_gone = rc == NDSHM_ENOTFOUND;
    }
    if (rc != 0) {
        ndshm__mapping_put(m);
        return rc;
    }
    a->map = m;
    a->dtype = rec.dtype;
    a->id = rec.id;
    a->win = rec.win;
    a->has_base = a->is_view && file.owner[0] != '\0';
    strcpy(a->base, file.owner);
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
    int rc = ndshm__env_check(st->env);
    if (rc != 0)
        return rc;
    struct ndshm_expr e;
    if ((rc = ndshm__expr_parse(expr, &e)) != 0)
        return rc;
    ndshm_array *a = calloc(1, sizeof *a);
    if (a == NULL) {
        ndshm__expr_free(&e);
        return ndshm__err(NDSHM_ENOMEM, "out of memory");
    }
    a->lock_fd = -1;
    /* A remove may commit between our read of the catalog and our open of
     * the file: the file is gone and the catalog has moved on; look again
     * (and then report the name missing, or open what it names now). */
    bool file_gone = false;
    for (int tries = 0; tries < 8; tries++) {
        rc = open_once(a, st->env, &e, flags, &file_gone);
        if (!file_gone)
            break;
    }
    /* Look after look the catalog named a file that is not there: not a
     * race with a remove (that ends with the name gone) but a data file
     * deleted behind the catalog's back.  That is damage (fsck reports
     * it), not a missing name, which callers such as `ndshm list` rightly
     * pass over in silence.  (Found by tests/bad_input.py.) */
    if (file_gone)
        rc = NDSHM_ECORRUPT;
    if (rc == 0) {
        strcpy(a->name, e.name);
        a->pid = ndshm__pid();
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
    if (a->lock_fd >= 0)
        forget_lock_fd(a);
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

int ndshm_array_read_as(const ndshm_array *a, ndshm_dtype dtype, void *dst,
                        const int64_t *dst_strides)
{
    if (a == NULL || !ndshm__dtype_valid(dtype) ||
        (dst == NULL && ndshm_array_size(a) > 0))
        return ndshm__err(NDSHM_EINVAL, "invalid argument");
    int64_t strides[NDSHM_MAXDIMS];
    if (dst_strides == NULL) {
        ndshm__contiguous_strides(a->win.ndim, a->win.shape,
                                  ndshm_dtype_size(dtype), strides);
        dst_strides = strides;
    }
    return ndshm__strided_convert(a->win.ndim, a->win.shape, dst, dst_strides,
                                  dtype, ndshm_array_data(a), a->win.strides,
                                  a->dtype);
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

/* ---- change notification ------------------------------------------------ */

/*
 * The version is a u64 in the shared control block; the futex is its low
 * 32 bits (little-endian: the same address).  Notifiers wake only when the
 * waiter count says someone sleeps; a waiter counts itself before it
 * checks the version, and notifiers bump the version before they look at
 * the count (both sequentially consistent), so no wake-up is lost.
 */
static long futex(uint32_t *addr, int op, uint32_t val,
                  const struct timespec *timeout)
{
    return syscall(SYS_futex, addr, op, val, timeout, NULL, 0);
}

uint64_t ndshm_array_version(const ndshm_array *a)
{
    return __atomic_load_n(ndshm__mapping_version(a->map), __ATOMIC_SEQ_CST);
}

void ndshm_array_notify(ndshm_array *a)
{
    if (a->readonly) /* it cannot have changed anything */
        return;
    uint64_t *v = ndshm__mapping_version(a->map);
    __atomic_add_fetch(v, 1, __ATOMIC_SEQ_CST);
    uint32_t *waiters = ndshm__mapping_waiters(a->map);
    if (waiters != NULL && __atomic_load_n(waiters, __ATOMIC_SEQ_CST) > 0)
        futex((uint32_t *)v, FUTEX_WAKE, INT32_MAX, NULL);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A relative timeout for futex or nanosleep; one over a billion seconds
 * (some 31 years, an infinite one included) is a billion seconds, so that
 * the conversion to time_t stays defined. */
static struct timespec timespec_of(double seconds)
{
    if (!(seconds <= 1e9))
        seconds = 1e9;
    struct timespec ts;
    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
    return ts;
}

/* NaN is neither a time nor "for ever": refused rather than guessed. */
static int check_timeout(double timeout)
{
    if (isnan(timeout))
        return ndshm__err(NDSHM_EINVAL, "timeout is not a number");
    return 0;
}

int ndshm_array_wait(ndshm_array *a, uint64_t seen, double timeout,
                     uint64_t *version)
{
    if (a == NULL)
        return ndshm__err(NDSHM_EINVAL, "NULL array");
    int rc = check_timeout(timeout);
    if (rc != 0)
        return rc;
    uint64_t *v = ndshm__mapping_version(a->map);
    uint32_t *waiters = ndshm__mapping_waiters(a->map);
    double deadline = timeout >= 0 ? now_seconds() + timeout : 0;
    double nap = 0.001; /* polling, where the control block is read-only */
    if (waiters)
        __atomic_add_fetch(waiters, 1, __ATOMIC_SEQ_CST);
    uint64_t now;
    while ((now = __atomic_load_n(v, __ATOMIC_SEQ_CST)) == seen) {
        double left = timeout >= 0 ? deadline - now_seconds() : 1e9;
        if (left <= 0) {
            rc = ndshm__err(NDSHM_ETIMEDOUT, "'%s' did not change within %g s",
                            a->name, timeout);
            break;
        }
        if (waiters) {
            struct timespec ts = timespec_of(left);
            /* returns at once if the low word moved since we read it */
            futex((uint32_t *)v, FUTEX_WAIT, (uint32_t)seen,
                  timeout >= 0 ? &ts : NULL);
        } else {
            struct timespec ts = timespec_of(nap < left ? nap : left);
            nanosleep(&ts, NULL);
            nap = nap < 0.01 ? nap * 2 : 0.01;
        }
    }
    if (waiters)
        __atomic_sub_fetch(waiters, 1, __ATOMIC_SEQ_CST);
    if (version)
        *version = now;
    return rc;
}

/* ---- locks ----------------------------------------------------------------
 */

static int check_owner(const ndshm_array *a)
{
    pid_t me = ndshm__pid();
    if (a->pid == me)
        return 0;
    return ndshm__err(NDSHM_EFORKED,
                      "'%s' was opened by process %ld before it forked "
                      "process %ld: open it again in this process",
                      a->name, (long)a->pid, (long)me);
}

/* The byte range a lock covers: the window's first to last element. */
static bool lock_range(const ndshm_array *a, struct flock *fl, short type)
{
    int64_t lo, hi;
    ndshm__window_extent(&a->win, ndshm_dtype_size(a->dtype), &lo, &hi);
    memset(fl, 0, sizeof *fl);
    fl->l_type = type;
    fl->l_whence = SEEK_SET;
    fl->l_start = (off_t)lo;
    fl->l_len = (off_t)(hi - lo); /* never 0, which would mean "to EOF" */
    return hi > lo;
}

/*
 * Handles that hold a lock descriptor.  An OFD lock lives while any
 * descriptor of its open file description does, and fork() copies them:
 * a child would keep its parent's locks alive after the parent died.  So
 * a fork child closes the lock descriptors it inherited (its handles'
 * locks are the parent's, and lock calls in the child fail with
 * NDSHM_EFORKED anyway).
 */
static pthread_mutex_t lockers_lock = PTHREAD_MUTEX_INITIALIZER;
static ndshm_array *lockers;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void atfork_prepare(void)
{
    pthread_mutex_lock(&lockers_lock);
}

static void atfork_parent(void)
{
    pthread_mutex_unlock(&lockers_lock);
}

static void atfork_child(void)
{
    for (ndshm_array *a = lockers; a != NULL; a = a->next_locker) {
        close(a->lock_fd);
        a->lock_fd = -1;
        a->lock_mode = 0;
    }
    lockers = NULL;
    pthread_mutex_unlock(&lockers_lock);
}

static void register_atfork(void)
{
    pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}

static void forget_lock_fd(ndshm_array *a)
{
    pthread_mutex_lock(&lockers_lock);
    ndshm_array **pp = &lockers;
    while (*pp != NULL && *pp != a)
        pp = &(*pp)->next_locker;
    if (*pp == a)
        *pp = a->next_locker;
    if (a->lock_fd >= 0)
        close(a->lock_fd); /* releases its lock */
    a->lock_fd = -1;
    pthread_mutex_unlock(&lockers_lock);
}

/*
 * A file description of the handle's own, for its OFD lock.  Opened
 * through the mapping's descriptor (/proc/self/fd), which reaches the file
 * even after its name is removed; by path where /proc is missing.
 */
static int open_lock_fd(ndshm_array *a)
{
    int flags = (a->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", a->map->fd);
    pthread_once(&atfork_once, register_atfork);
    int fd = open(proc, flags);
    if (fd < 0 && errno == ENOENT)
        fd = open(a->path, flags | O_NOFOLLOW);
    if (fd < 0)
        return ndshm__err_sys(errno, "cannot lock '%s': cannot open %s",
                              a->name, a->path);
    pthread_mutex_lock(&lockers_lock);
    a->lock_fd = fd;
    a->next_locker = lockers;
    lockers = a;
    pthread_mutex_unlock(&lockers_lock);
    return 0;
}

int ndshm_array_lock(ndshm_array *a, int mode, double timeout)
{
    /* NULL is not a lock mode: say which argument is wrong */
    if (a == NULL)
        return ndshm__err(NDSHM_EINVAL, "NULL array");
    if (mode != NDSHM_LOCK_SHARED && mode != NDSHM_LOCK_EXCLUSIVE)
        return ndshm__err(NDSHM_EINVAL, "invalid lock mode %d", mode);
    int rc = check_timeout(timeout);
    if (rc == 0)
        rc = check_owner(a);
    if (rc != 0)
        return rc;
    if (mode == NDSHM_LOCK_EXCLUSIVE && a->readonly)
        return ndshm__err(NDSHM_EREADONLY,
                          "'%s' is read-only: no exclusive "
                          "lock",
                          a->name);
    struct flock fl;
    if (!lock_range(a, &fl, mode == NDSHM_LOCK_SHARED ? F_RDLCK : F_WRLCK)) {
        a->lock_mode = mode; /* an empty window: nothing to lock */
        return 0;
    }
    if (a->lock_fd < 0 && (rc = open_lock_fd(a)) != 0)
        return rc;
    if (timeout < 0) {
        while ((rc = fcntl(a->lock_fd, F_OFD_SETLKW, &fl)) != 0 &&
               errno == EINTR)
            ;
        if (rc != 0)
            return ndshm__err_sys(errno, "cannot lock '%s'", a->name);
        a->lock_mode = mode;
        return 0;
    }
    /* OFD locks have no timed wait: try, and back off up to 10 ms. */
    double deadline = now_seconds() + timeout, nap = 0.0001;
    for (;;) {
        if (fcntl(a->lock_fd, F_OFD_SETLK, &fl) == 0) {
            a->lock_mode = mode;
            return 0;
        }
        if (errno != EAGAIN && errno != EACCES && errno != EINTR)
            return ndshm__err_sys(errno, "cannot lock '%s'", a->name);
        double left = deadline - now_seconds();
        if (left <= 0)
            return ndshm__err(NDSHM_ETIMEDOUT,
                              "'%s' is locked by another "
                              "holder: not granted within %g s",
                              a->name, timeout);
        struct timespec ts = timespec_of(nap < left ? nap : left);
        nanosleep(&ts, NULL);
        nap = nap < 0.01 ? nap * 2 : 0.01;
    }
}

int ndshm_array_unlock(ndshm_array *a)
{
    if (a == NULL)
        return ndshm__err(NDSHM_EINVAL, "NULL array");
    int rc = check_owner(a);
    if (rc != 0)
        return rc;
    struct flock fl;
    if (a->lock_mode != 0 && a->lock_fd >= 0 && lock_range(a, &fl, F_UNLCK) &&
        fcntl(a->lock_fd, F_OFD_SETLK, &fl) != 0)
        return ndshm__err_sys(errno, "cannot unlock '%s'", a->name);
    a->lock_mode = 0;
    return 0;
}

/* ---- staleness ------------------------------------------------------------
 */

static bool same_window(const struct ndshm_window *x,
                        const struct ndshm_window *y)
{
    if (x->ndim != y->ndim || x->offset != y->offset)
        return false;
    for (int i = 0; i < x->ndim; i++)
        if (x->shape[i] != y->shape[i] || x->strides[i] != y->strides[i])
            return false;
    return true;
}

int ndshm_array_stale(const ndshm_array *a)
{
    int rc = check_owner(a);
    if (rc != 0)
        return rc;
    MDB_txn *txn;
    if ((rc = ndshm__catalog_read_begin(&a->env->cat, &txn)) != 0)
        return rc;
    struct ndshm_record rec;
    rc = ndshm__catalog_get(&a->env->cat, txn, a->name, &rec);
    ndshm__catalog_read_end(&a->env->cat, txn);
    if (rc == NDSHM_ENOTFOUND)
        return 1;
    if (rc != 0)
        return rc;
    return rec.id != a->id || !same_window(&rec.win, &a->rec_win);
}
