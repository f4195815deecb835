/*
 * format.h -- arrays as text: exactly what NumPy's print() shows, and
 * nested JSON lists.
 */
#ifndef NDSHM_FORMAT_H
#define NDSHM_FORMAT_H

#include <stdint.h>
#include <stdio.h>

#include "ndshm.h"

/* A strided window to print; data points at element (0, ..., 0). */
struct fmt_array {
    ndshm_dtype dtype;
    int ndim;
    const int64_t *shape;
    const int64_t *strides;
    const void *data;
};

/*
 * str() of the array as NumPy 1.24 gives it with default print options
 * (precision 8, threshold 1000, edgeitems 3, linewidth 75): what print()
 * shows, without the final newline.  malloc'd; NULL when out of memory.
 */
char *fmt_numpy_str(const struct fmt_array *a);

/*
 * Write the array as JSON: nested lists, numbers as Python's json module
 * writes them (NaN, Infinity, -Infinity for non-finite floats), complex
 * numbers as [real, imag] pairs, and a bare value for ndim 0.  Floats get
 * the shortest digits that read back as the same value of their own type.
 * Returns 0, or -1 when writing failed.
 */
int fmt_json(FILE *out, const struct fmt_array *a);

#endif
