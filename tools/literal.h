/*
 * literal.h -- values typed on the command line: a scalar or nested lists,
 * in Python's syntax (and JSON's), turned into an array as np.array()
 * would, and broadcast as NumPy broadcasts on assignment.
 */
#ifndef NDSHM_LITERAL_H
#define NDSHM_LITERAL_H

#include <stddef.h>
#include <stdint.h>

#include "ndshm.h"

struct literal {
    ndshm_dtype dtype; /* as NumPy infers it: bool, int64, uint64, float64,
                          complex128 */
    int ndim;
    int64_t shape[NDSHM_MAXDIMS];
    size_t count;
    void *data;    /* count elements of dtype, C order; malloc'd */
    void *scalars; /* the elements as written, for literal_convert */
};

/*
 * Parse text.  Scalars: integers (decimal, 0x/0o/0b, '_' separators),
 * floats (1.5, 1e-3, inf, nan, Infinity, NaN), complex numbers (2j, 1+2j),
 * True/False/true/false.  Lists in [] or (), nested to equal depths with
 * equal lengths.  On failure returns -1 and writes a one-line reason to
 * err.
 */
int literal_parse(const char *text, struct literal *out, char *err,
                  size_t errlen);
void literal_free(struct literal *lit);

/*
 * Make data hold the elements in dtype, converting each from the value as
 * written (as np.array(values, dtype=) does: 2**64-1 reaches uint64 exactly
 * even beside a 0), with ndshm_convert's checks.  On failure returns -1
 * with "element K: reason" (or just the reason for a scalar) in err, and
 * the literal is unchanged.
 */
int literal_convert(struct literal *lit, ndshm_dtype dtype, char *err,
                    size_t errlen);

/*
 * Strides (bytes, for elements of itemsize) that present lit with shape
 * target (ndim dims) by NumPy's broadcasting rules: leading length-1
 * dimensions of the value may be dropped, and a length-1 dimension repeats
 * with stride 0.  Returns -1 with a reason in err when it does not
 * broadcast.
 */
int literal_broadcast(const struct literal *lit, size_t itemsize, int ndim,
                      const int64_t *target, int64_t *strides, char *err,
                      size_t errlen);

/* "(2, 3)", "(3,)", "()" as Python prints a shape; returns buf. */
char *shape_text(int ndim, const int64_t *shape, char *buf, size_t cap);

#endif
