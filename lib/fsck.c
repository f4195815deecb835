/*
 * fsck.c -- checking that the catalog and the data files agree, and
 * repairing what crashes leave behind.
 *
 * The check runs inside a catalog write transaction.  Creators link their
 * files only inside one, so while the check holds it no half-made array
 * exists: a data file without a record is a leftover, never a create in
 * progress.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array.h"
#include "catalog.h"
#include "datafile.h"
#include "error.h"
#include "npy.h"
#include "progress.h"
#include "store.h"

/* What the catalog says of one data file, and what was found. */
struct file_entry {
    struct ndshm_file rec;
    uint32_t counted;               /* names that refer to it */
    char array[NDSHM_NAME_MAX + 1]; /* the array name found for it, or "" */
    bool on_disk;                   /* data/ID.npy exists */
    bool dropped;                   /* the repair deleted its record */
    bool unreadable;                /* its record could not be decoded */
    bool rebuilt;                   /* ... but its .npy header could */
};

/* A name to delete in the repair (its data is gone or its record bad). */
struct doomed {
    char name[NDSHM_NAME_MAX + 1];
};

struct fsck {
    struct ndshm_env *env;
    bool repair;
    ndshm_fsck_fn fn;
    void *ctx;
    int remaining; /* problems found and not repaired */
    struct file_entry *files;
    size_t nfiles, cap_files;
    struct doomed *doomed;
    size_t ndoomed, cap_doomed;
    uint64_t *unlink_after; /* ids whose file goes once the commit is done */
    size_t nunlink;
};

static void report(struct fsck *f, bool repaired, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (!repaired)
        f->remaining++;
    if (f->fn)
        f->fn(line, repaired, f->ctx);
}

static bool grow_array(void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return true;
    size_t c = *cap ? 2 * *cap : 64;
    void *p = realloc(*v, c * size);
    if (p == NULL)
        return false;
    *v = p;
    *cap = c;
    return true;
}

static struct file_entry *find_file(struct fsck *f, uint64_t id)
{
    size_t lo = 0, hi = f->nfiles; /* ids arrive sorted from LMDB */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->files[mid].rec.id == id)
            return &f->files[mid];
        if (f->files[mid].rec.id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int note_file(const struct ndshm_file *rec, int rc, void *ctx)
{
    struct fsck *f = ctx;
    if (!grow_array((void **)&f->files, &f->cap_files, f->nfiles,
                    sizeof *f->files))
        return ndshm__err(NDSHM_ENOMEM, "out of memory checking the store");
    struct file_entry *e = &f->files[f->nfiles++];
    memset(e, 0, sizeof *e);
    e->rec = *rec;
    /* An unreadable record still says its file is in use: nothing that
     * refers to it is removed, and its data file is no leftover. */
    e->unreadable = rc != 0;
    return 0;
}

static int doom(struct fsck *f, const char *name)
{
    if (!grow_array((void **)&f->doomed, &f->cap_doomed, f->ndoomed,
                    sizeof *f->doomed))
        return ndshm__err(NDSHM_ENOMEM, "out of memory checking the store");
    strcpy(f->doomed[f->ndoomed++].name, name);
    return 0;
}

static int check_name(const char *name, const struct ndshm_record *rec, int rc,
                      void *ctx)
{
    struct fsck *f = ctx;
    if (rc != 0) {
        report(f, f->repair, "'%s': unreadable record: %s%s", name,
               ndshm_errmsg(), f->repair ? " (removed)" : "");
        return f->repair ? doom(f, name) : 0;
    }
    struct file_entry *e = find_file(f, rec->id);
    if (e == NULL) {
        report(f, f->repair,
               "'%s' refers to data file %016llx, which the catalog does "
               "not know%s",
               name, (unsigned long long)rec->id,
               f->repair ? " (removed)" : "");
        return f->repair ? doom(f, name) : 0;
    }
    if (!e->unreadable &&
        ndshm__check_window(&rec->win, rec->dtype, &e->rec, name) != 0) {
        report(f, f->repair, "%s%s", ndshm_errmsg(),
               f->repair ? " (removed)" : "");
        return f->repair ? doom(f, name) : 0;
    }
    e->counted++;
    if (rec->kind == NDSHM_KIND_ARRAY)
        strcpy(e->array, name);
    return 0;
}

/* Is the data file whole: the size its record implies, and its own id? */
static bool file_whole(struct fsck *f, const char *fname,
                       const struct file_entry *e, const struct stat *sb)
{
    struct ndshm_layout lay;
    if (!S_ISREG(sb->st_mode) ||
        ndshm__layout(e->rec.dtype, e->rec.ndim, e->rec.shape, &lay) != 0 ||
        sb->st_size != lay.total)
        return false;
    int fd = openat(f->env->data_fd, fname, O_RDONLY | NDSHM__OPEN_FLAGS);
    if (fd < 0)
        return false;
    unsigned char ctl[16];
    bool ok = pread(fd, ctl, sizeof ctl, lay.ctl_offset) == sizeof ctl;
    close(fd);
    uint64_t id;
    memcpy(&id, ctl + NDSHM_CTL_ID_OFF, 8);
    return ok && memcmp(ctl, NDSHM_CTL_MAGIC, 8) == 0 && id == e->rec.id;
}

/*
 * An unreadable file record can be rebuilt: the data file's .npy header
 * holds its dtype and shape, and the names give the rest.
 */
static bool rebuild_record(struct fsck *f, const char *fname,
                           struct file_entry *e)
{
    unsigned char head[NDSHM_DATA_OFFSET];
    int fd = openat(f->env->data_fd, fname, O_RDONLY | NDSHM__OPEN_FLAGS);
    if (fd < 0)
        return false;
    bool ok = pread(fd, head, sizeof head, 0) == (ssize_t)sizeof head;
    close(fd);
    struct ndshm_npy_header h;
    if (!ok || ndshm__npy_parse(head, sizeof head, &h) != 0 || h.swap ||
        h.fortran || h.data_offset != NDSHM_DATA_OFFSET)
        return false;
    e->rec.dtype = h.dtype;
    e->rec.ndim = h.ndim;
    memcpy(e->rec.shape, h.shape, sizeof h.shape);
    return true;
}

/* "000000000000002a.npy" -> 42; false for any other name. */
static bool parse_file_name(const char *name, uint64_t *id)
{
    if (strlen(name) != 20 || strcmp(name + 16, ".npy") != 0)
        return false;
    *id = 0;
    for (int i = 0; i < 16; i++) {
        char c = name[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                       : -1;
        if (d < 0)
            return false;
        *id = *id << 4 | (uint64_t)d;
    }
    return true;
}

/* A file of a create that fell back to a named temporary (".tmp.PID.X"):
 * a leftover once its process is gone. */
static bool tmp_of_dead_process(const char *name)
{
    long pid;
    if (sscanf(name, ".tmp.%ld.", &pid) != 1 || pid <= 0)
        return false;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

static int scan_data_dir(struct fsck *f)
{
    int fd = dup(f->env->data_fd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (d == NULL) {
        if (fd >= 0)
            close(fd);
        return ndshm__err_sys(errno, "cannot read %s/data", f->env->path);
    }
    rewinddir(d);
    ndshm__progress_start(f->nfiles, NDSHM_PROGRESS_FILES);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        uint64_t id;
        if (name[0] == '.' && strncmp(name, ".tmp.", 5) == 0) {
            if (!tmp_of_dead_process(name))
                continue; /* a create in progress */
            bool done = f->repair && unlinkat(f->env->data_fd, name, 0) == 0;
            report(f, done,
                   "leftover temporary file %s of a dead "
                   "process%s",
                   name, done ? " (removed)" : "");
            continue;
        }
        if (!parse_file_name(name, &id)) {
            report(f, false, "unexpected file data/%s", name);
            continue;
        }
        struct file_entry *e = find_file(f, id);
        if (e == NULL) {
            bool done = f->repair && unlinkat(f->env->data_fd, name, 0) == 0;
            report(f, done,
                   "leftover data file %s: no name refers to it (left by a "
                   "crash while creating or removing an array)%s",
                   name, done ? " (removed)" : "");
            continue;
        }
        e->on_disk = true;
        ndshm__progress_add(1);
        if (e->unreadable)
            e->rebuilt = rebuild_record(f, name, e);
        if (e->unreadable && !e->rebuilt)
            continue; /* nothing to measure it against */
        struct stat sb;
        if (fstatat(f->env->data_fd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
            !file_whole(f, name, e, &sb))
            report(f, false,
                   "data file %s is damaged (wrong size or "
                   "control block): not repairable",
                   name);
    }
    closedir(d);
    return 0;
}

/* Names whose data file is missing go, with the file record. */
static int collect_orphans(struct ndshm_catalog *c, MDB_txn *txn,
                           struct fsck *f);

static int check_files(struct ndshm_catalog *c, MDB_txn *txn, struct fsck *f)
{
    uint64_t next, top = 0;
    int rc = ndshm__catalog_next_id(c, txn, &next);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < f->nfiles; i++) {
        struct file_entry *e = &f->files[i];
        char fname[NDSHM_FILE_NAME_MAX];
        ndshm__file_name(e->rec.id, fname);
        top = e->rec.id > top ? e->rec.id : top;
        if (e->unreadable && !e->rebuilt) {
            report(f, false,
                   "data file record %s is unreadable, and so is "
                   "the file's header: not repairable",
                   fname);
            continue; /* its names and data are left as they are */
        }
        if (e->unreadable)
            report(f, f->repair, "data file record %s is unreadable%s", fname,
                   f->repair ? " (rebuilt from the file's .npy header)" : "");
        if (!e->on_disk) {
            report(f, f->repair, "data file %s is missing%s", fname,
                   f->repair ? " (its names removed)" : "");
            e->counted = 0;
        }
        if (e->counted == 0) {
            if (e->on_disk)
                report(f, f->repair, "data file %s: no name refers to it%s",
                       fname, f->repair ? " (removed)" : "");
            if (!f->repair)
                continue;
            if ((rc = ndshm__catalog_del_file(c, txn, e->rec.id)) != 0)
                return rc;
            e->dropped = true;
            if (e->on_disk) {
                void *p = realloc(f->unlink_after,
                                  (f->nunlink + 1) * sizeof *f->unlink_after);
                if (p == NULL)
                    return ndshm__err(NDSHM_ENOMEM, "out of memory");
                f->unlink_after = p;
                f->unlink_after[f->nunlink++] = e->rec.id;
            }
            continue;
        }
        bool fix = e->unreadable; /* a rebuilt record is written anew */
        if (e->rec.refs != e->counted && !e->unreadable) {
            report(f, f->repair,
                   "data file %s: %u names refer to it, the "
                   "catalog counts %u%s",
                   fname, e->counted, e->rec.refs,
                   f->repair ? " (corrected)" : "");
            fix = true;
        }
        e->rec.refs = e->counted;
        /* its owner is the array it was created as, "" once that is gone */
        if (strcmp(e->rec.owner, e->array) != 0 && !e->unreadable) {
            report(f, f->repair,
                   "data file %s: its array is '%s', the catalog says "
                   "'%s'%s",
                   fname, e->array, e->rec.owner,
                   f->repair ? " (corrected)" : "");
            fix = true;
        }
        strcpy(e->rec.owner, e->array);
        if (fix && f->repair &&
            (rc = ndshm__catalog_put_file(c, txn, &e->rec)) != 0)
            return rc;
    }
    if (f->nfiles > 0 && top >= next) {
        report(f, f->repair,
               "the next file id %llu is not above the "
               "largest in use, %llu%s",
               (unsigned long long)next, (unsigned long long)top,
               f->repair ? " (corrected)" : "");
        if (f->repair && (rc = ndshm__catalog_set_next_id(c, txn, top + 1)))
            return rc;
    }
    return collect_orphans(c, txn, f);
}

struct orphan_walk {
    struct fsck *f;
};

static int doom_if_orphan(const char *name, const struct ndshm_record *rec,
                          int rc, void *ctx)
{
    struct fsck *f = ((struct orphan_walk *)ctx)->f;
    if (rc != 0)
        return 0;
    struct file_entry *e = find_file(f, rec->id);
    if (e != NULL && e->dropped)
        return doom(f, name);
    return 0;
}

static int collect_orphans(struct ndshm_catalog *c, MDB_txn *txn,
                           struct fsck *f)
{
    if (!f->repair)
        return 0;
    struct orphan_walk w = {f};
    int rc = ndshm__catalog_walk_records(c, txn, doom_if_orphan, &w);
    for (size_t i = 0; rc == 0 && i < f->ndoomed; i++) {
        rc = ndshm__catalog_del(c, txn, f->doomed[i].name);
        if (rc == NDSHM_ENOTFOUND) /* doomed twice */
            rc = 0;
    }
    return rc;
}

static int fsck_txn(struct ndshm_catalog *c, MDB_txn *txn, void *ctx)
{
    struct fsck *f = ctx;
    /* a write that found the map full runs again from the start: forget
     * what the aborted run found (its buffers are reused) */
    f->remaining = 0;
    f->nfiles = 0;
    f->ndoomed = 0;
    f->nunlink = 0;
    int rc = ndshm__catalog_walk_files(c, txn, note_file, f);
    if (rc == 0)
        rc = ndshm__catalog_walk_records(c, txn, check_name, f);
    if (rc == 0)
        rc = scan_data_dir(f);
    if (rc == 0)
        rc = check_files(c, txn, f);
    return rc;
}

int ndshm_fsck(ndshm_store *st, unsigned flags, ndshm_fsck_fn fn, void *ctx)
{
    if (st == NULL)
        return ndshm__err(NDSHM_EINVAL, "NULL store");
    if (flags & ~NDSHM_FSCK_REPAIR)
        return ndshm__err(NDSHM_EINVAL, "unknown flags 0x%x", flags);
    int rc = ndshm__env_check(st->env);
    if (rc != 0)
        return rc;
    struct fsck f;
    memset(&f, 0, sizeof f);
    f.env = st->env;
    f.repair = flags & NDSHM_FSCK_REPAIR;
    f.fn = fn;
    f.ctx = ctx;
    rc = ndshm__catalog_write(&st->env->cat, fsck_txn, NULL, &f);
    /* As in remove: files go after the commit that stopped naming them. */
    for (size_t i = 0; rc == 0 && i < f.nunlink; i++) {
        char fname[NDSHM_FILE_NAME_MAX];
        ndshm__file_name(f.unlink_after[i], fname);
        unlinkat(st->env->data_fd, fname, 0);
    }
    free(f.files);
    free(f.doomed);
    free(f.unlink_after);
    if (rc != 0)
        return rc;
    ndshm__progress_end(); /* files missing from data/ were never counted */
    if (f.remaining > 0)
        return ndshm__err(NDSHM_ECORRUPT, "%d problem%s remain%s", f.remaining,
                          f.remaining == 1 ? "" : "s",
                          f.remaining == 1 ? "s" : "");
    return 0;
}
