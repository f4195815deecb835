/*
 * npyio.c -- .npy files in and out of a store: import converts Fortran
 * order and big-endian data to the store's C-order little-endian layout;
 * export writes what numpy.save writes, atomically (temp file + rename).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array.h"
#include "dtype.h"
#include "error.h"
#include "index.h"
#include "npy.h"
#include "progress.h"
#include "strided.h"

/* ---- import ------------------------------------------------------------- */

struct import_ctx {
    const struct ndshm_npy_header *h;
    const unsigned char *src; /* the file's data, mapped */
};

/* Bytes swapped between two progress reports: a multiple of every
 * element size. */
#define SWAP_SLICE ((size_t)64 << 20)

/* Reverse the bytes of every size-byte word in n bytes at p. */
static void swap_words(unsigned char *p, size_t n, size_t size)
{
    for (size_t off = 0; off + size <= n; off += size)
        for (size_t i = 0, j = size - 1; i < j; i++, j--) {
            unsigned char t = p[off + i];
            p[off + i] = p[off + j];
            p[off + j] = t;
        }
}

static int import_init(void *data, void *ctx)
{
    struct import_ctx *c = ctx;
    const struct ndshm_npy_header *h = c->h;
    size_t size = ndshm_dtype_size(h->dtype);
    int64_t dst[NDSHM_MAXDIMS], src[NDSHM_MAXDIMS];
    ndshm__contiguous_strides(h->ndim, h->shape, size, dst);
    if (h->fortran) {
        /* column-major: the first index varies fastest */
        int64_t s = (int64_t)size;
        for (int i = 0; i < h->ndim; i++) {
            src[i] = s;
            s *= h->shape[i] ? h->shape[i] : 1;
        }
    } else {
        memcpy(src, dst, sizeof dst);
    }
    int64_t count;
    ndshm__shape_size(h->ndim, h->shape, &count); /* checked by import */
    size_t nbytes = (size_t)count * size;
    /* swapping bytes is a second pass over the data: it counts too */
    ndshm__progress_start(h->swap ? 2 * (uint64_t)nbytes : nbytes,
                          NDSHM_PROGRESS_BYTES);
    ndshm__progress_copy(h->ndim, h->shape, data, dst, c->src, src, size);
    if (h->swap) {
        /* a complex number is two floats, each swapped on its own */
        size_t word = ndshm__dtype_kind(h->dtype) == 'c' ? size / 2 : size;
        for (size_t off = 0; off < nbytes; off += SWAP_SLICE) {
            size_t n = nbytes - off < SWAP_SLICE ? nbytes - off : SWAP_SLICE;
            swap_words((unsigned char *)data + off, n, word);
            ndshm__progress_add(n);
        }
    }
    return 0;
}

int ndshm_npy_import(ndshm_store *st, const char *name, const char *path,
                     unsigned flags)
{
    if (flags != 0)
        return ndshm__err(NDSHM_EINVAL, "unknown flags 0x%x", flags);
    if (path == NULL)
        return ndshm__err(NDSHM_EINVAL, "NULL path");
    /* O_NONBLOCK: opening a FIFO (or a device that waits) for reading
     * would block until someone writes to it; it is refused below as not
     * a regular file instead.  Regular files ignore the flag.  (Found by
     * tests/bad_input.py.) */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return ndshm__err_sys(errno, "cannot open %s", path);
    int rc;
    struct stat sb;
    unsigned char *map = MAP_FAILED;
    if (fstat(fd, &sb) != 0) {
        rc = ndshm__err_sys(errno, "cannot stat %s", path);
        goto out;
    }
    if (!S_ISREG(sb.st_mode) || sb.st_size == 0) {
        rc = ndshm__err(NDSHM_EINVAL, "%s: not a .npy file", path);
        goto out;
    }
    map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
        rc = ndshm__err_sys(errno, "cannot map %s", path);
        goto out;
    }
    struct ndshm_npy_header h;
    rc = ndshm__npy_parse(map, (size_t)sb.st_size, &h);
    if (rc != 0) {
        rc = ndshm__err_prefix(rc, "%s", path);
        goto out;
    }
    int64_t count, nbytes;
    if (!ndshm__shape_size(h.ndim, h.shape, &count) ||
        __builtin_mul_overflow(count, (int64_t)ndshm_dtype_size(h.dtype),
                               &nbytes)) {
        rc = ndshm__err(NDSHM_EINVAL, "%s: shape too large", path);
        goto out;
    }
    if ((uint64_t)sb.st_size < h.data_offset ||
        (uint64_t)(sb.st_size - (off_t)h.data_offset) < (uint64_t)nbytes) {
        rc = ndshm__err(NDSHM_EINVAL,
                        "%s is truncated: its header promises "
                        "%lld bytes of data",
                        path, (long long)nbytes);
        goto out;
    }
    struct import_ctx c = {&h, map + h.data_offset};
    rc = ndshm__create_array(st, name, h.dtype, h.ndim, h.shape, import_init,
                             &c);
out:
    if (map != MAP_FAILED)
        munmap(map, (size_t)sb.st_size);
    close(fd);
    return rc;
}

/* ---- export ------------------------------------------------------------- */

/* A temporary name beside path, so that rename() is atomic. */
static int open_temp(const char *path, char *tmp, size_t cap)
{
    char *copy = strdup(path);
    if (copy == NULL)
        return ndshm__err(NDSHM_ENOMEM, "out of memory");
    const char *dir = dirname(copy);
    for (int tries = 0; tries < 100; tries++) {
        snprintf(tmp, cap, "%s/.ndshm-export.%ld.%08lx", dir, (long)getpid(),
                 (unsigned long)random());
        int fd = open(tmp, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST) {
            int err = errno;
            free(copy);
            if (fd < 0)
                return ndshm__err_sys(err, "cannot create a file beside %s",
                                      path);
            return fd;
        }
    }
    free(copy);
    return ndshm__err(NDSHM_ESYS, "cannot create a file beside %s", path);
}

int ndshm_npy_export(const ndshm_array *a, const char *path, unsigned flags)
{
    if (a == NULL || path == NULL)
        return ndshm__err(NDSHM_EINVAL, "NULL argument");
    if (flags != 0)
        return ndshm__err(NDSHM_EINVAL, "unknown flags 0x%x", flags);
    ndshm_dtype dtype = ndshm_array_dtype(a);
    int ndim = ndshm_array_ndim(a);
    const int64_t *shape = ndshm_array_shape(a);
    char header[8192];
    size_t hlen =
        ndshm__npy_write_header(header, sizeof header, dtype, ndim, shape, 0);
    if (hlen == 0)
        return ndshm__err(NDSHM_EINVAL, "the .npy header does not fit");
    int64_t nbytes = ndshm_array_size(a) * (int64_t)ndshm_dtype_size(dtype);
    size_t total = hlen + (size_t)nbytes;

    char tmp[4200];
    int fd = open_temp(path, tmp, sizeof tmp);
    if (fd < 0)
        return fd;
    int rc = 0;
    int err = posix_fallocate(fd, 0, (off_t)total);
    if (err != 0) {
        rc = ndshm__err_sys(err, "cannot write %s", path);
        goto fail;
    }
    unsigned char *map =
        mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        rc = ndshm__err_sys(errno, "cannot map %s", tmp);
        goto fail;
    }
    memcpy(map, header, hlen);
    int64_t strides[NDSHM_MAXDIMS];
    ndshm__contiguous_strides(ndim, shape, ndshm_dtype_size(dtype), strides);
    ndshm__progress_start((uint64_t)nbytes, NDSHM_PROGRESS_BYTES);
    ndshm__progress_copy(ndim, shape, map + hlen, strides, ndshm_array_data(a),
                         ndshm_array_strides(a), ndshm_dtype_size(dtype));
    munmap(map, total);
    if (close(fd) != 0) {
        fd = -1;
        rc = ndshm__err_sys(errno, "cannot write %s", path);
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        rc = ndshm__err_sys(errno, "cannot write %s", path);
        goto fail;
    }
    return 0;
fail:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    return rc;
}
