/* dtype.h -- the table of element types (internal). */
#ifndef NDSHM_DTYPE_H
#define NDSHM_DTYPE_H

#include <stdbool.h>

#include "ndshm.h"

/* NumPy's kind characters: 'b' bool, 'i' signed, 'u' unsigned, 'f', 'c'. */
char ndshm__dtype_kind(ndshm_dtype dtype);
bool ndshm__dtype_valid(int dtype);

/*
 * Parse a NumPy descr as found in a .npy header ("<f8", ">i4", "|b1").
 * On success *swap is true when the data is big-endian and its bytes must
 * be swapped.  Errors: NDSHM_EINVAL with a message naming the descr.
 */
int ndshm__dtype_from_descr(const char *descr, ndshm_dtype *out, bool *swap);

#endif
