/*
 * shortest.h -- the shortest decimal digits that read back as a given
 * binary float, fast (a few dozen nanoseconds): what NumPy's unique
 * Dragon4 and Python's repr produce, without big-number arithmetic.
 */
#ifndef NDSHM_SHORTEST_H
#define NDSHM_SHORTEST_H

#include <stdint.h>

/*
 * For a finite, nonzero |v| of a float type of bits (16, 32 or 64, held
 * exactly in a double): the shortest digits d (an integer without
 * trailing zeros) and exponent e with |v| == d * 10^e after rounding to
 * the type; the nearest such decimal, ties to even.
 */
void shortest_digits(double v, int bits, uint64_t *digits, int *exp10);

#endif
