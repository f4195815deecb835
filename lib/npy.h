/* npy.h -- writing and parsing NumPy .npy headers (internal). */
#ifndef NDSHM_NPY_H
#define NDSHM_NPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ndshm.h"

/* Data files put their first element here: page aligned. */
#define NDSHM_DATA_OFFSET 4096

struct ndshm_npy_header {
    ndshm_dtype dtype;
    bool swap;    /* big-endian data */
    bool fortran; /* Fortran (column-major) order */
    int ndim;
    int64_t shape[NDSHM_MAXDIMS];
    size_t data_offset; /* where the data starts in the file */
};

/*
 * Write a version 1.0 header into buf (of cap bytes) and return its length,
 * or 0 if it does not fit.  With pad_to nonzero the header fills exactly
 * pad_to bytes (data files: the data starts at byte 4096); with 0 it is
 * laid out as numpy.save lays it out (64-byte aligned, with numpy's spare
 * room for growing the first axis).
 */
size_t ndshm__npy_write_header(char *buf, size_t cap, ndshm_dtype dtype,
                               int ndim, const int64_t *shape, size_t pad_to);

/*
 * How many bytes of the file the header occupies, given its first 12
 * bytes; 0 when they are not a .npy preamble (the detail is set).
 */
size_t ndshm__npy_header_len(const unsigned char *pre, size_t len);

/* Parse a whole header (as sized by ndshm__npy_header_len). EINVAL. */
int ndshm__npy_parse(const unsigned char *buf, size_t len,
                     struct ndshm_npy_header *out);

#endif
