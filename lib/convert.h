/* convert.h -- element conversions between dtypes (internal helpers). */
#ifndef NDSHM_CONVERT_H
#define NDSHM_CONVERT_H

#include <stdint.h>

/* IEEE binary16 <-> binary64, round to nearest even. */
double ndshm__half_to_double(uint16_t h);
uint16_t ndshm__double_to_half(double d);

#endif
