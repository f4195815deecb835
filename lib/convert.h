/* convert.h -- element conversions between dtypes (internal helpers). */
#ifndef NDSHM_CONVERT_H
#define NDSHM_CONVERT_H

#include <stdint.h>

#include "ndshm.h"

/* Converts n elements that cannot fail, from stride ss to stride ds. */
typedef void (*ndshm__convert_fn)(char *d, int64_t ds, const char *s,
                                  int64_t ss, int64_t n);

/*
 * A typed loop for a conversion that can never fail (widening integers,
 * integers and float32 into float64, ...), or NULL when the conversion
 * needs ndshm_convert's checks.
 */
ndshm__convert_fn ndshm__fast_converter(ndshm_dtype dst, ndshm_dtype src);

/* IEEE binary16 <-> binary64, round to nearest even. */
double ndshm__half_to_double(uint16_t h);
uint16_t ndshm__double_to_half(double d);

#endif
