/*
 * floatfmt.h -- printing binary floats as NumPy prints them (its Dragon4
 * with "unique" digits, a precision cutoff, minimum digits, trim modes and
 * padding), for float16, float32 and float64 values.
 */
#ifndef NDSHM_FLOATFMT_H
#define NDSHM_FLOATFMT_H

#include <stdbool.h>
#include <stddef.h>

/* How trailing zeros are trimmed (NumPy's trim argument). */
enum ff_trim {
    FF_TRIM_KEEP,     /* 'k': keep them */
    FF_TRIM_POINT,    /* '.': drop zeros, keep the point: "1." */
    FF_TRIM_ONE_ZERO, /* '0': drop zeros but one: "1.0" */
    FF_TRIM_DPT_ZEROS /* '-': drop zeros and the point: "1" */
};

/* precision and min_digits above 1100 act as 1100: past the last digit of
 * any double (2^-1074 has 1074 digits after the point). */
struct ff_opts {
    bool scientific;
    int precision;  /* most digits after the point; -1 for no limit */
    int min_digits; /* fewest digits after the point; -1 for none */
    enum ff_trim trim;
    bool sign;      /* print '+' for non-negative values */
    int pad_left;   /* width of the part before the point; -1 none */
    int pad_right;  /* width of the part after the point; -1 none */
    int exp_digits; /* fewest exponent digits; -1 means 2 */
};

/* The options NumPy's dragon4_positional/scientific default to. */
struct ff_opts ff_defaults(bool scientific);

/*
 * Format v, a value of a float type of the given bits (16, 32 or 64) held
 * exactly in a double, into buf.  Non-finite values give "nan", "inf",
 * "-inf" (with the sign rules of NumPy).  Returns the length, or 0 if it
 * did not fit in cap.
 */
size_t ff_format(double v, int bits, const struct ff_opts *o, char *buf,
                 size_t cap);

/*
 * str() of a NumPy float scalar (and Python's repr for float64): positional
 * "1.0" for 1e-4 <= |v| < 1e16 or 0, else scientific "1e-05".
 */
size_t ff_repr(double v, int bits, char *buf, size_t cap);

/* Round a double to the nearest value of the float type of bits. */
double ff_round_to(double v, int bits);

#endif
