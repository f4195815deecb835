/*
 * mapping.c -- one mmap(MAP_SHARED) per (store, data file, access) in a
 * process, reference counted by the array handles that use it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "mapping.h"

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ndshm_mapping *cache;

/*
 * Open data file name.  A read-only mapping still wants its control block
 * writable (waiters count themselves there), so the file is opened for
 * writing whenever its permissions allow; *rw says whether it was.
 */
static int open_data(struct ndshm_env *e, const char *name, bool writable,
                     bool *rw)
{
    char what[PATH_MAX + 64];
    snprintf(what, sizeof what, "%s/data/%s", e->path, name);
    int fd = openat(e->data_fd, name, O_RDWR | NDSHM__OPEN_FLAGS);
    *rw = fd >= 0;
    if (fd < 0 && !writable &&
        (errno == EACCES || errno == EROFS || errno == EPERM))
        fd = openat(e->data_fd, name, O_RDONLY | NDSHM__OPEN_FLAGS);
    if (fd >= 0) {
        int rc = ndshm__safe_fd(&e->perms, fd, S_IFREG, what, NULL);
        if (rc == 0)
            return fd;
        close(fd);
        return rc;
    }
    if (errno == ENOENT)
        return ndshm__err(NDSHM_ENOTFOUND, "data file %s is gone", what);
    int rc = ndshm__safe_open_failed(what);
    return rc ? rc : ndshm__err_sys(errno, "cannot open %s", what);
}

static int map_file(struct ndshm_env *e, uint64_t id, bool writable,
                    const struct ndshm_layout *lay, struct ndshm_mapping *m)
{
    char name[NDSHM_FILE_NAME_MAX];
    ndshm__file_name(id, name);
    bool rw;
    int fd = open_data(e, name, writable, &rw);
    if (fd < 0)
        return fd;
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int err = errno;
        close(fd);
        return ndshm__err_sys(err, "cannot stat %s/data/%s", e->path, name);
    }
    if (sb.st_size != lay->total) {
        close(fd);
        return ndshm__err(NDSHM_ECORRUPT,
                          "data file %s/data/%s is %lld bytes; the catalog "
                          "says %lld",
                          e->path, name, (long long)sb.st_size,
                          (long long)lay->total);
    }
    int prot = PROT_READ | (rw ? PROT_WRITE : 0);
    unsigned char *base =
        mmap(NULL, (size_t)lay->total, prot, MAP_SHARED, fd, 0);
    int rc = 0;
    if (base == MAP_FAILED) {
        rc = ndshm__err_sys(errno, "cannot map %s/data/%s", e->path, name);
        goto fail;
    }
    /* A read-only handle's header and elements are read-only; the control
     * block after them (page aligned) stays writable when it can be. */
    if (rw && !writable &&
        mprotect(base, (size_t)lay->ctl_offset, PROT_READ) != 0) {
        rc = ndshm__err_sys(errno, "cannot protect %s/data/%s", e->path, name);
        goto fail;
    }
    const unsigned char *ctl = base + lay->ctl_offset;
    uint64_t file_id;
    memcpy(&file_id, ctl + NDSHM_CTL_ID_OFF, 8);
    if (memcmp(ctl + NDSHM_CTL_MAGIC_OFF, NDSHM_CTL_MAGIC, 8) != 0 ||
        file_id != id) {
        rc = ndshm__err(NDSHM_ECORRUPT,
                        "data file %s/data/%s has a bad control block",
                        e->path, name);
        goto fail;
    }
    m->base = base;
    m->fd = fd; /* kept for locks: the file may lose its name meanwhile */
    m->ctl_writable = rw;
    return 0;
fail:
    if (base != MAP_FAILED)
        munmap(base, (size_t)lay->total);
    close(fd);
    return rc;
}

/* The cached mapping with one more reference, or NULL.  Hold cache_lock. */
static struct ndshm_mapping *find_locked(const struct ndshm_env *e,
                                         uint64_t id, bool writable)
{
    struct ndshm_mapping *m = cache;
    while (m && !(m->id == id && m->writable == writable && m->dev == e->dev &&
                  m->ino == e->ino))
        m = m->next;
    if (m)
        m->refs++;
    return m;
}

struct ndshm_mapping *ndshm__mapping_find(const struct ndshm_env *e,
                                          uint64_t id, bool writable)
{
    pthread_mutex_lock(&cache_lock);
    struct ndshm_mapping *m = find_locked(e, id, writable);
    pthread_mutex_unlock(&cache_lock);
    return m;
}

int ndshm__mapping_get(struct ndshm_env *e, uint64_t id, bool writable,
                       ndshm_dtype dtype, const struct ndshm_layout *layout,
                       struct ndshm_mapping **out)
{
    struct ndshm_mapping *m = ndshm__mapping_find(e, id, writable);
    *out = m;
    if (m)
        return 0;
    /* Mapped outside the lock: it is a file open and an mmap. */
    m = calloc(1, sizeof *m);
    if (m == NULL)
        return ndshm__err(NDSHM_ENOMEM, "out of memory");
    int rc = map_file(e, id, writable, layout, m);
    if (rc != 0) {
        free(m);
        return rc;
    }
    m->dev = e->dev;
    m->ino = e->ino;
    m->id = id;
    m->writable = writable;
    m->dtype = dtype;
    m->layout = *layout;
    m->refs = 1;

    pthread_mutex_lock(&cache_lock);
    struct ndshm_mapping *other = find_locked(e, id, writable);
    if (other) { /* another thread mapped it meanwhile: use that one */
        pthread_mutex_unlock(&cache_lock);
        munmap(m->base, (size_t)m->layout.total);
        close(m->fd);
        free(m);
        *out = other;
        return 0;
    }
    m->next = cache;
    cache = m;
    pthread_mutex_unlock(&cache_lock);
    *out = m;
    return 0;
}

void ndshm__mapping_put(struct ndshm_mapping *m)
{
    if (m == NULL)
        return;
    pthread_mutex_lock(&cache_lock);
    bool last = --m->refs == 0;
    if (last) {
        struct ndshm_mapping **pp = &cache;
        while (*pp != m)
            pp = &(*pp)->next;
        *pp = m->next;
    }
    pthread_mutex_unlock(&cache_lock);
    if (last) {
        munmap(m->base, (size_t)m->layout.total);
        close(m->fd);
        free(m);
    }
}

uint64_t *ndshm__mapping_version(const struct ndshm_mapping *m)
{
    return (uint64_t *)(void *)(m->base + m->layout.ctl_offset +
                                NDSHM_CTL_VERSION_OFF);
}

uint32_t *ndshm__mapping_waiters(const struct ndshm_mapping *m)
{
    return m->ctl_writable
               ? (uint32_t *)(void *)(m->base + m->layout.ctl_offset +
                                      NDSHM_CTL_WAITERS_OFF)
               : NULL;
}
