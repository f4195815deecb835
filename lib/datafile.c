/*
 * datafile.c -- building data files so that the catalog only ever names a
 * complete one: the file is made unnamed (O_TMPFILE), its space reserved
 * with posix_fallocate (a full tmpfs fails here, not with SIGBUS later),
 * written, and only then linked under its id inside the catalog write.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datafile.h"
#include "error.h"

int ndshm__layout(ndshm_dtype dtype, int ndim, const int64_t *shape,
                  struct ndshm_layout *out)
{
    int64_t count, nbytes, ctl, total;
    /* As NumPy: the dimensions other than 0 must fit too, or the strides
     * of an empty array like (0, 2**63-1) would overflow. */
    int64_t span = (int64_t)ndshm_dtype_size(dtype);
    for (int i = 0; i < ndim; i++)
        if (shape[i] > 0 && __builtin_mul_overflow(span, shape[i], &span))
            return ndshm__err(NDSHM_ERANGE, "array too large: its size "
                                            "overflows 64 bits");
    if (!ndshm__shape_size(ndim, shape, &count) ||
        __builtin_mul_overflow(count, (int64_t)ndshm_dtype_size(dtype),
                               &nbytes) ||
        __builtin_add_overflow(nbytes, NDSHM_DATA_OFFSET + NDSHM_PAGE - 1,
                               &ctl) ||
        __builtin_add_overflow(ctl & ~(int64_t)(NDSHM_PAGE - 1), NDSHM_PAGE,
                               &total))
        return ndshm__err(NDSHM_ERANGE, "array too large: its size overflows "
                                        "64 bits");
    out->nbytes = nbytes;
    out->ctl_offset = ctl & ~(int64_t)(NDSHM_PAGE - 1);
    out->total = total;
    return 0;
}

/* The store's file mode, whatever the umask. */
static int set_mode(struct ndshm_env *e, struct ndshm_newfile *f)
{
    char what[PATH_MAX + 64];
    snprintf(what, sizeof what, "a new data file in %s/data", e->path);
    int rc = ndshm__safe_chmod(&e->perms, f->fd, false, what);
    if (rc != 0) {
        close(f->fd);
        f->fd = -1;
        if (f->tmpname[0] != '\0')
            unlinkat(e->data_fd, f->tmpname, 0);
        f->tmpname[0] = '\0';
    }
    return rc;
}

static int open_unnamed(struct ndshm_env *e, struct ndshm_newfile *f)
{
    mode_t mode = e->perms.file_mode;
    f->fd = openat(e->data_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, mode);
    if (f->fd >= 0)
        return set_mode(e, f);
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
        return ndshm__err_sys(errno, "cannot create a data file in %s/data",
                              e->path);
    /* No O_TMPFILE here: a dot-name that fsck recognises as a leftover. */
    for (int tries = 0; tries < 100; tries++) {
        snprintf(f->tmpname, sizeof f->tmpname, ".tmp.%ld.%08lx",
                 (long)getpid(), (unsigned long)random());
        f->fd = openat(e->data_fd, f->tmpname,
                       O_CREAT | O_EXCL | O_RDWR | NDSHM__OPEN_FLAGS, mode);
        if (f->fd >= 0)
            return set_mode(e, f);
        if (errno != EEXIST)
            break;
    }
    int err = errno;
    f->tmpname[0] = '\0';
    return ndshm__err_sys(err, "cannot create a data file in %s/data",
                          e->path);
}

static void write_control(unsigned char *ctl, int64_t nbytes)
{
    memcpy(ctl + NDSHM_CTL_MAGIC_OFF, NDSHM_CTL_MAGIC, 8);
    uint64_t n = (uint64_t)nbytes;
    memcpy(ctl + NDSHM_CTL_NBYTES_OFF, &n, 8);
}

int ndshm__newfile_build(struct ndshm_env *e, ndshm_dtype dtype, int ndim,
                         const int64_t *shape, ndshm_init_fn init, void *ctx,
                         struct ndshm_newfile *out)
{
    memset(out, 0, sizeof *out);
    out->fd = -1;
    out->env = e;
    struct ndshm_layout lay;
    int rc = ndshm__layout(dtype, ndim, shape, &lay);
    if (rc != 0)
        return rc;
    if ((uint64_t)lay.total > (uint64_t)SIZE_MAX)
        return ndshm__err(NDSHM_ERANGE, "array too large for this machine");
    if ((rc = open_unnamed(e, out)) != 0)
        return rc;

    int err = posix_fallocate(out->fd, 0, (off_t)lay.total);
    if (err != 0) {
        rc = ndshm__err_sys(err, "cannot reserve %lld bytes in %s",
                            (long long)lay.total, e->path);
        goto fail;
    }
    unsigned char *map = mmap(NULL, (size_t)lay.total, PROT_READ | PROT_WRITE,
                              MAP_SHARED, out->fd, 0);
    if (map == MAP_FAILED) {
        rc = ndshm__err_sys(errno, "cannot map a new data file");
        goto fail;
    }
    if (ndshm__npy_write_header((char *)map, NDSHM_DATA_OFFSET, dtype, ndim,
                                shape, NDSHM_DATA_OFFSET) == 0)
        rc = ndshm__err(NDSHM_EINVAL, "the .npy header does not fit");
    if (rc == 0) {
        write_control(map + lay.ctl_offset, lay.nbytes);
        if (init)
            rc = init(map + NDSHM_DATA_OFFSET, ctx);
    }
    munmap(map, (size_t)lay.total);
    if (rc != 0)
        goto fail;
    return 0;
fail:
    ndshm__newfile_close(out);
    return rc;
}

int ndshm__newfile_link(struct ndshm_newfile *f, uint64_t id)
{
    char name[NDSHM_FILE_NAME_MAX];
    ndshm__file_name(id, name);
    /* The file records its id so a mapping can be checked against it. */
    uint64_t le = id;
    struct stat sb;
    if (fstat(f->fd, &sb) != 0)
        return ndshm__err_sys(errno, "cannot stat a new data file");
    if (pwrite(f->fd, &le, 8, sb.st_size - NDSHM_PAGE + NDSHM_CTL_ID_OFF) != 8)
        return ndshm__err_sys(errno, "cannot write a new data file");
    /* A named temporary (the fallback, or a parked file) moves to its
     * name, so that a crash leaves at most one name behind. */
    int rc;
    if (f->tmpname[0] != '\0') {
        rc = renameat2(f->env->data_fd, f->tmpname, f->env->data_fd, name,
                       RENAME_NOREPLACE);
        if (rc == 0)
            f->tmpname[0] = '\0';
    } else {
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", f->fd);
        rc = linkat(AT_FDCWD, proc, f->env->data_fd, name, AT_SYMLINK_FOLLOW);
        if (rc != 0 &&
            errno == ENOENT) /* no /proc: needs CAP_DAC_READ_SEARCH */
            rc = linkat(f->fd, "", f->env->data_fd, name, AT_EMPTY_PATH);
    }
    if (rc != 0) {
        if (errno == EEXIST)
            return NDSHM_EEXIST;
        return ndshm__err_sys(errno, "cannot link data file %s/data/%s",
                              f->env->path, name);
    }
    memcpy(f->linked, name, sizeof name);
    return 0;
}

void ndshm__newfile_unlink(struct ndshm_newfile *f)
{
    if (f->linked[0] != '\0')
        unlinkat(f->env->data_fd, f->linked, 0);
    f->linked[0] = '\0';
}

void ndshm__newfile_park(struct ndshm_newfile *f)
{
    if (f->linked[0] == '\0')
        return;
    for (int tries = 0; tries < 100; tries++) {
        snprintf(f->tmpname, sizeof f->tmpname, ".tmp.%ld.%08lx",
                 (long)getpid(), (unsigned long)random());
        if (renameat2(f->env->data_fd, f->linked, f->env->data_fd, f->tmpname,
                      RENAME_NOREPLACE) == 0) {
            f->linked[0] = '\0';
            return;
        }
        if (errno != EEXIST)
            break;
    }
    f->tmpname[0] = '\0';
    ndshm__newfile_unlink(f); /* cannot park: the create cannot run again */
}

void ndshm__newfile_close(struct ndshm_newfile *f)
{
    if (f->tmpname[0] != '\0')
        unlinkat(f->env->data_fd, f->tmpname, 0);
    f->tmpname[0] = '\0';
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
}
