/*
 * check_floatfmt.c -- tools/floatfmt.c: ff_format against NumPy's
 * dragon4_positional/dragon4_scientific (unique digits, fractional
 * cutoff) for float16/32/64, every trim mode, precision cutoffs that round
 * ties to even, carries (9.999 -> 10.), min_digits padding, signs and
 * padding; ff_repr against str() of NumPy scalars; ff_round_to; buffer
 * limits.  Every expected string was printed by NumPy 1.24.
 */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "floatfmt.h"
#include "suites.h"

/* Short names for the trim modes, to keep the table rows on one line. */
#define K FF_TRIM_KEEP
#define P FF_TRIM_POINT
#define Z FF_TRIM_ONE_ZERO
#define D FF_TRIM_DPT_ZEROS

struct fmt_case {
    double v; /* exactly a value of the float type of bits */
    int bits;
    bool scientific;
    int precision, min_digits;
    enum ff_trim trim;
    int sign, pad_left, pad_right, exp_digits;
    const char *want; /* NumPy's dragon4_positional/_scientific */
};

/*
 * value, bits, scientific, precision, min_digits, trim, sign, pad_left,
 * pad_right, exp_digits, NumPy's output (unique=True, fractional=True)
 */
static const struct fmt_case fmt_cases[] = {
    /* 0.1 */
    {0x1.999999999999ap-4, 64, false, -1, -1, K, 0, -1, -1, -1, "0.1"},
    /* 0.1 */
    {0x1.99999a0000000p-4, 32, false, -1, -1, K, 0, -1, -1, -1, "0.1"},
    /* 0.1 */
    {0x1.9980000000000p-4, 16, false, -1, -1, K, 0, -1, -1, -1, "0.1"},
    /* 0.3333333333333333 */
    {0x1.5555555555555p-2, 64, false, -1, -1, K, 0, -1, -1, -1,
     "0.3333333333333333"},
    /* 0.33333334 */
    {0x1.5555560000000p-2, 32, false, -1, -1, K, 0, -1, -1, -1, "0.33333334"},
    /* 0.3333 */
    {0x1.5540000000000p-2, 16, false, -1, -1, K, 0, -1, -1, -1, "0.3333"},
    /* 3.141592653589793 */
    {0x1.921fb54442d18p+1, 64, false, -1, -1, P, 0, -1, -1, -1,
     "3.141592653589793"},
    /* 3.1415927 */
    {0x1.921fb60000000p+1, 32, false, -1, -1, P, 0, -1, -1, -1, "3.1415927"},
    /* 3.14 */
    {0x1.9200000000000p+1, 16, false, -1, -1, P, 0, -1, -1, -1, "3.14"},
    /* 6e-08 */
    {0x1.0000000000000p-24, 16, false, -1, -1, P, 0, -1, -1, -1, "0.00000006"},
    /* 65500.0 */
    {0x1.ffc0000000000p+15, 16, false, -1, -1, P, 0, -1, -1, -1, "65500."},
    /* 3.4028235e+38 */
    {0x1.fffffe0000000p+127, 32, false, -1, -1, P, 0, -1, -1, -1,
     "340282350000000000000000000000000000000."},
    /* 5e-324 */
    {0x0.0000000000001p-1022, 64, false, -1, -1, P, 0, -1, -1, -1,
     "0.00000000000000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000"
     "000005"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, false, -1, -1, K, 0, -1, -1, -1, "1."},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, false, -1, -1, P, 0, -1, -1, -1, "1."},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, false, -1, -1, Z, 0, -1, -1, -1, "1.0"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, false, -1, -1, D, 0, -1, -1, -1, "1"},
    /* 0.0 */
    {0.0, 64, false, -1, -1, Z, 0, -1, -1, -1, "0.0"},
    /* -0.0 */
    {-0.0, 64, false, -1, -1, P, 0, -1, -1, -1, "-0."},
    /* -0.0 */
    {-0.0, 64, false, -1, -1, D, 0, -1, -1, -1, "-0"},
    /* 100.0 */
    {0x1.9000000000000p+6, 64, false, -1, -1, D, 0, -1, -1, -1, "100"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, true, -1, -1, K, 0, -1, -1, -1, "1.e+00"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, true, -1, -1, P, 0, -1, -1, -1, "1.e+00"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, true, -1, -1, Z, 0, -1, -1, -1, "1.0e+00"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, true, -1, -1, D, 0, -1, -1, -1, "1e+00"},
    /* 0.0 */
    {0.0, 64, true, -1, -1, P, 0, -1, -1, -1, "0.e+00"},
    /* -0.0 */
    {-0.0, 64, true, -1, -1, D, 0, -1, -1, -1, "-0e+00"},
    /* 1e-05 */
    {0x1.4f8b588e368f1p-17, 64, true, -1, -1, D, 0, -1, -1, -1, "1e-05"},
    /* 1e+16 */
    {0x1.1c37937e08000p+53, 64, true, -1, -1, D, 0, -1, -1, -1, "1e+16"},
    /* 0.001953125 */
    {0x1.0000000000000p-9, 64, false, 8, -1, P, 0, -1, -1, -1, "0.00195312"},
    /* 0.005859375 */
    {0x1.8000000000000p-8, 64, false, 8, -1, P, 0, -1, -1, -1, "0.00585938"},
    /* 0.125 */
    {0x1.0000000000000p-3, 64, false, 2, -1, P, 0, -1, -1, -1, "0.12"},
    /* 0.375 */
    {0x1.8000000000000p-2, 64, false, 2, -1, P, 0, -1, -1, -1, "0.38"},
    /* 2.5 */
    {0x1.4000000000000p+1, 64, false, 0, -1, P, 0, -1, -1, -1, "2."},
    /* 3.5 */
    {0x1.c000000000000p+1, 64, false, 0, -1, P, 0, -1, -1, -1, "4."},
    /* 0.5 */
    {0x1.0000000000000p-1, 64, false, 0, -1, P, 0, -1, -1, -1, "0."},
    /* 1.5 */
    {0x1.8000000000000p+0, 64, false, 0, -1, P, 0, -1, -1, -1, "2."},
    /* 9.999 */
    {0x1.3ff7ced916873p+3, 64, false, 2, -1, P, 0, -1, -1, -1, "10."},
    /* 9.999 */
    {0x1.3ff7ced916873p+3, 64, false, 2, 0, P, 0, -1, -1, -1, "10."},
    /* 99.96 */
    {0x1.8fd70a3d70a3dp+6, 64, false, 1, -1, P, 0, -1, -1, -1, "100."},
    /* 0.99999999 */
    {0x1.ffffffaa19c47p-1, 64, false, 7, -1, P, 0, -1, -1, -1, "1."},
    /* 2.4996e-06 */
    {0x1.4f7d9a1e49a33p-19, 64, false, 8, -1, P, 0, -1, -1, -1, "0.0000025"},
    /* 0.3333333333333333 */
    {0x1.5555555555555p-2, 64, false, 8, -1, P, 0, -1, -1, -1, "0.33333333"},
    /* 0.6666667 */
    {0x1.5555560000000p-1, 32, false, 8, -1, P, 0, -1, -1, -1, "0.6666667"},
    /* 123456789.123 */
    {0x1.d6f34547df3b6p+26, 64, false, 8, -1, P, 0, -1, -1, -1,
     "123456789.123"},
    /* 1e-09 */
    {0x1.12e0be826d695p-30, 64, false, 8, -1, P, 0, -1, -1, -1, "0."},
    /* 1e-09 */
    {0x1.12e0be826d695p-30, 64, false, 8, 0, P, 0, -1, -1, -1, "0."},
    /* 9.999 */
    {0x1.3ff7ced916873p+3, 64, true, 2, -1, P, 0, -1, -1, -1, "1.e+01"},
    /* 0.001953125 */
    {0x1.0000000000000p-9, 64, true, 2, -1, P, 0, -1, -1, -1, "1.95e-03"},
    /* 123456.0 */
    {0x1.e240000000000p+16, 64, true, 2, -1, P, 0, -1, -1, -1, "1.23e+05"},
    /* 1e-300 */
    {0x1.56e1fc2f8f359p-997, 64, true, 8, -1, P, 0, -1, -1, -1, "1.e-300"},
    /* 1.5e+300 */
    {0x1.1eb2d66005835p+997, 64, true, 3, 3, K, 0, -1, -1, -1, "1.500e+300"},
    /* 2.5 */
    {0x1.4000000000000p+1, 64, true, 0, -1, P, 0, -1, -1, -1, "2.e+00"},
    /* 9.5 */
    {0x1.3000000000000p+3, 64, true, 0, -1, P, 0, -1, -1, -1, "1.e+01"},
    /* 1.5 */
    {0x1.8000000000000p+0, 64, false, 8, 0, P, 0, -1, -1, -1, "1.5"},
    /* 1.5 */
    {0x1.8000000000000p+0, 64, false, -1, 3, K, 0, -1, -1, -1, "1.500"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, false, 4, 4, K, 0, -1, -1, -1, "1.0000"},
    /* 0.1 */
    {0x1.999999999999ap-4, 64, false, -1, 20, K, 0, -1, -1, -1,
     "0.10000000000000000555"},
    /* 0.1 */
    {0x1.99999a0000000p-4, 32, false, -1, 12, K, 0, -1, -1, -1,
     "0.100000001490"},
    /* 8220.0 */
    {0x1.0100000000000p+13, 16, false, -1, -1, P, 0, -1, -1, -1, "8220."},
    /* 8220.0 */
    {0x1.0100000000000p+13, 16, false, 8, 0, P, 0, -1, -1, -1, "8224."},
    /* 8220.0 */
    {0x1.0100000000000p+13, 16, false, 8, -1, P, 0, -1, -1, -1, "8220."},
    /* 2048.0 */
    {0x1.0000000000000p+11, 16, false, -1, -1, P, 0, -1, -1, -1, "2048."},
    /* 2048.0 */
    {0x1.0000000000000p+11, 16, false, 8, 0, P, 0, -1, -1, -1, "2048."},
    /* 8220.0 */
    {0x1.0100000000000p+13, 16, true, -1, -1, P, 0, -1, -1, -1, "8.22e+03"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, true, 3, 3, K, 0, -1, -1, -1, "1.000e+00"},
    /* 1.25e-10 */
    {0x1.12e0be826d695p-33, 64, true, 4, 4, K, 0, -1, -1, -1, "1.2500e-10"},
    /* 0.1 */
    {0x1.999999999999ap-4, 64, true, -1, 20, K, 0, -1, -1, -1,
     "1.00000000000000005551e-01"},
    /* 1.5 */
    {0x1.8000000000000p+0, 64, false, 8, -1, P, 1, -1, -1, -1, "+1.5"},
    /* -1.5 */
    {-0x1.8000000000000p+0, 64, false, 8, -1, P, 1, -1, -1, -1, "-1.5"},
    /* 0.0 */
    {0.0, 64, false, 8, -1, P, 1, -1, -1, -1, "+0."},
    /* -0.0 */
    {-0.0, 64, false, 8, -1, P, 1, -1, -1, -1, "-0."},
    /* 1.5 */
    {0x1.8000000000000p+0, 64, false, 8, 0, P, 0, 5, 3, -1, "    1.5  "},
    /* -12.25 */
    {-0x1.8800000000000p+3, 64, false, 8, 0, P, 0, 5, 3, -1, "  -12.25 "},
    /* 100.0 */
    {0x1.9000000000000p+6, 64, false, 8, 0, P, 0, 4, 2, -1, " 100.  "},
    /* 1.5 */
    {0x1.8000000000000p+0, 64, true, 8, -1, P, 1, -1, -1, -1, "+1.5e+00"},
    /* -1.5 */
    {-0x1.8000000000000p+0, 64, true, 3, 3, K, 0, 3, -1, -1, " -1.500e+00"},
    /* 1.5 */
    {0x1.8000000000000p+0, 64, true, 3, 3, K, 0, 1, -1, -1, "1.500e+00"},
    /* 1e+100 */
    {0x1.249ad2594c37dp+332, 64, true, -1, -1, P, 0, -1, -1, 3, "1.e+100"},
    /* 1e-05 */
    {0x1.4f8b588e368f1p-17, 64, true, -1, -1, P, 0, -1, -1, 1, "1.e-5"},
    /* 100000.0 */
    {0x1.86a0000000000p+16, 64, true, -1, -1, P, 0, -1, -1, 4, "1.e+0005"},
    /* inf */
    {INFINITY, 64, false, -1, -1, K, 0, -1, -1, -1, "inf"},
    /* -inf */
    {-INFINITY, 64, false, -1, -1, K, 0, -1, -1, -1, "-inf"},
    /* nan */
    {NAN, 64, false, -1, -1, K, 0, -1, -1, -1, "nan"},
    /* inf */
    {INFINITY, 64, false, -1, -1, K, 1, -1, -1, -1, "+inf"},
    /* -inf */
    {-INFINITY, 32, false, 8, -1, P, 1, -1, -1, -1, "-inf"},
    /* inf */
    {INFINITY, 16, true, -1, -1, K, 0, -1, -1, -1, "inf"},
    /* nan */
    {NAN, 32, true, 8, -1, P, 0, -1, -1, -1, "nan"},
};

/*
 * Corners where ff_format and NumPy's Dragon4 are easy to tell apart:
 *  - NumPy trims after it pads: in unique mode the zeros that min_digits
 *    adds survive only with trim='k' (positional 1.0 with min_digits=1,
 *    trim='-' is "1"; scientific keeps the point: "1.e+00");
 *  - a NaN never gets a '+' (the sign option applies to inf only);
 *  - with trim='-' and pad_right, a space stands in for the dropped point.
 * The array printer never asks for these (format.c pads only with
 * trim='.', uses min_digits only with trim='k' or 0, and prints
 * non-finite values itself), but ff_format promises NumPy's output.
 */
static const struct fmt_case numpy_quirk_cases[] = {
    /* 0.5 */
    {0x1.0000000000000p-1, 64, false, -1, 3, P, 0, -1, -1, -1, "0.5"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, false, 2, 1, D, 0, -1, -1, -1, "1"},
    /* 0.0 */
    {0.0, 16, false, 2, 1, D, 1, -1, -1, -1, "+0"},
    /* 100.0 */
    {0x1.9000000000000p+6, 64, false, -1, 2, Z, 0, -1, -1, -1, "100.0"},
    /* 0.0 */
    {0.0, 64, true, -1, 2, Z, 0, -1, -1, -1, "0.0e+00"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, true, -1, 1, D, 0, -1, -1, -1, "1.e+00"},
    /* 0.25 */
    {0x1.0000000000000p-2, 64, true, 3, 3, P, 0, -1, -1, -1, "2.5e-01"},
    /* 0.1 */
    {0x1.999999999999ap-4, 64, false, -1, 20, P, 0, -1, -1, -1,
     "0.10000000000000000555"},
    /* 0.5 */
    {0x1.0000000000000p-1, 64, false, -1, 3, K, 0, -1, -1, -1, "0.500"},
    /* nan */
    {NAN, 64, false, 8, -1, P, 1, -1, -1, -1, "nan"},
    /* nan */
    {NAN, 32, true, 8, -1, P, 1, -1, -1, -1, "nan"},
    /* nan */
    {NAN, 16, false, -1, -1, D, 1, -1, -1, -1, "nan"},
    /* 7.0 */
    {0x1.c000000000000p+2, 64, false, -1, -1, D, 0, 3, 2, -1, "  7   "},
    /* 100.0 */
    {0x1.9000000000000p+6, 64, false, -1, -1, D, 0, -1, 0, -1, "100 "},
    /* -2.0 */
    {-0x1.0000000000000p+1, 64, false, -1, -1, D, 0, 4, 1, -1, "  -2  "},
    /* 1.5 */
    {0x1.8000000000000p+0, 64, false, -1, -1, D, 0, -1, 3, -1, "1.5  "},
};

struct repr_case {
    double v;
    int bits;
    const char *want; /* str(np.float16/32/64(v)) */
};

static const struct repr_case repr_cases[] = {
    /* 0.0 */
    {0.0, 64, "0.0"},
    /* -0.0 */
    {-0.0, 64, "-0.0"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, "1.0"},
    /* 0.1 */
    {0x1.999999999999ap-4, 64, "0.1"},
    /* 0.0001 */
    {0x1.a36e2eb1c432dp-14, 64, "0.0001"},
    /* 9.999999999999999e-05 */
    {0x1.a36e2eb1c432cp-14, 64, "9.999999999999999e-05"},
    /* 1e+16 */
    {0x1.1c37937e08000p+53, 64, "1e+16"},
    /* 9999999999999998.0 */
    {0x1.1c37937e07fffp+53, 64, "9999999999999998.0"},
    /* 1.5e+16 */
    {0x1.aa535d3d0c000p+53, 64, "1.5e+16"},
    /* 1e-05 */
    {0x1.4f8b588e368f1p-17, 64, "1e-05"},
    /* 123456.789 */
    {0x1.e240c9fbe76c9p+16, 64, "123456.789"},
    /* 1e+300 */
    {0x1.7e43c8800759cp+996, 64, "1e+300"},
    /* 5e-324 */
    {0x0.0000000000001p-1022, 64, "5e-324"},
    /* inf */
    {INFINITY, 64, "inf"},
    /* -inf */
    {-INFINITY, 64, "-inf"},
    /* nan */
    {NAN, 64, "nan"},
    /* -2.5 */
    {-0x1.4000000000000p+1, 64, "-2.5"},
    /* 0.3333333333333333 */
    {0x1.5555555555555p-2, 64, "0.3333333333333333"},
    /* 0.1 */
    {0x1.99999a0000000p-4, 32, "0.1"},
    /* 0.33333334 */
    {0x1.5555560000000p-2, 32, "0.33333334"},
    /* 1e-05 */
    {0x1.4f8b580000000p-17, 32, "1e-05"},
    /* 1e+16 */
    {0x1.1c37940000000p+53, 32, "1e+16"},
    /* 3.4028235e+38 */
    {0x1.fffffe0000000p+127, 32, "3.4028235e+38"},
    /* 16777216.0 */
    {0x1.0000000000000p+24, 32, "16777216.0"},
    /* -0.0 */
    {-0.0, 32, "-0.0"},
    /* 0.1 */
    {0x1.9980000000000p-4, 16, "0.1"},
    /* 8220.0 */
    {0x1.0100000000000p+13, 16, "8220.0"},
    /* 65500.0 */
    {0x1.ffc0000000000p+15, 16, "65500.0"},
    /* 6e-08 */
    {0x1.0000000000000p-24, 16, "6e-08"},
    /* 0.0001 */
    {0x1.a380000000000p-14, 16, "0.0001"},
    /* 0.0001221 */
    {0x1.0000000000000p-13, 16, "0.0001221"},
    /* nan */
    {NAN, 16, "nan"},
    /* -inf */
    {-INFINITY, 16, "-inf"},
};

struct round_case {
    double v;
    int bits;
    double want; /* float(np.float16/32/64(v)) */
};

static const struct round_case round_cases[] = {
    {0x1.5798ee2308c3ap-27, 16, 0.0},
    {0x1.ffe0000000000p+15, 16, INFINITY},
    {0x1.ffde000000000p+15, 16, 0x1.ffc0000000000p+15},
    {-0x1.01b2b29a4692bp-25, 16, -0x1.0000000000000p-24},
    {0x1.999999999999ap-4, 32, 0x1.99999a0000000p-4},
    {0x1.d6329f1c35ca5p+132, 32, INFINITY},
    {-0x1.244ce242c5561p-153, 32, -0.0},
    {0x1.999999999999ap-4, 64, 0x1.999999999999ap-4},
    {0x1.0020000000000p+11, 16, 0x1.0000000000000p+11},
    {0x1.0060000000000p+11, 16, 0x1.0080000000000p+11},
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *trim_name(enum ff_trim t)
{
    return t == K ? "k" : t == P ? "." : t == Z ? "0" : "-";
}

static void check_fmt_case(const struct fmt_case *c, int row)
{
    struct ff_opts o = ff_defaults(c->scientific);
    o.precision = c->precision;
    o.min_digits = c->min_digits;
    o.trim = c->trim;
    o.sign = c->sign != 0;
    o.pad_left = c->pad_left;
    o.pad_right = c->pad_right;
    o.exp_digits = c->exp_digits;
    char buf[1024];
    size_t n = ff_format(c->v, c->bits, &o, buf, sizeof buf);
    ck_assert_msg(strcmp(buf, c->want) == 0 && n == strlen(c->want),
                  "row %d: ff_format(%a, float%d, %s, precision=%d, "
                  "min_digits=%d, trim='%s', sign=%d, pad_left=%d, "
                  "pad_right=%d, exp_digits=%d) = '%s' (length %zu), "
                  "NumPy gives '%s'",
                  row, c->v, c->bits,
                  c->scientific ? "scientific" : "positional", c->precision,
                  c->min_digits, trim_name(c->trim), c->sign, c->pad_left,
                  c->pad_right, c->exp_digits, buf, n, c->want);
}

START_TEST(test_format_table)
{
    check_fmt_case(&fmt_cases[_i], _i);
}
END_TEST

START_TEST(test_numpy_trim_and_nan_sign)
{
    check_fmt_case(&numpy_quirk_cases[_i], _i);
}
END_TEST

START_TEST(test_repr_table)
{
    const struct repr_case *c = &repr_cases[_i];
    char buf[512];
    size_t n = ff_repr(c->v, c->bits, buf, sizeof buf);
    ck_assert_msg(strcmp(buf, c->want) == 0 && n == strlen(c->want),
                  "row %d: ff_repr(%a, float%d) = '%s', NumPy gives '%s'",
                  _i, c->v, c->bits, buf, c->want);
}
END_TEST

START_TEST(test_round_to_table)
{
    const struct round_case *c = &round_cases[_i];
    double got = ff_round_to(c->v, c->bits);
    ck_assert_msg(got == c->want && signbit(got) == signbit(c->want),
                  "row %d: ff_round_to(%a, %d) = %a, NumPy gives %a", _i,
                  c->v, c->bits, got, c->want);
}
END_TEST

START_TEST(test_round_to_keeps_nan)
{
    ck_assert(isnan(ff_round_to(NAN, 16)));
    ck_assert(isnan(ff_round_to(NAN, 32)));
    ck_assert(isnan(ff_round_to(NAN, 64)));
    ck_assert(ff_round_to(-INFINITY, 16) == -INFINITY);
}
END_TEST

START_TEST(test_defaults)
{
    /* NumPy's dragon4_positional/scientific keyword defaults */
    for (int sci = 0; sci < 2; sci++) {
        struct ff_opts o = ff_defaults(sci);
        ck_assert(o.scientific == (sci != 0));
        ck_assert_int_eq(o.precision, -1);
        ck_assert_int_eq(o.min_digits, -1);
        ck_assert_int_eq(o.trim, FF_TRIM_KEEP);
        ck_assert(!o.sign);
        ck_assert_int_eq(o.pad_left, -1);
        ck_assert_int_eq(o.pad_right, -1);
        ck_assert_int_eq(o.exp_digits, -1);
    }
}
END_TEST

START_TEST(test_buffer_limits)
{
    struct ff_opts o = ff_defaults(false);
    o.trim = FF_TRIM_ONE_ZERO;
    char buf[8];
    /* "1.5" needs 4 bytes with its NUL */
    ck_assert_uint_eq(ff_format(1.5, 64, &o, buf, 4), 3);
    ck_assert_str_eq(buf, "1.5");
    memset(buf, 'x', sizeof buf);
    ck_assert_uint_eq(ff_format(1.5, 64, &o, buf, 3), 0);
    ck_assert_msg(memchr(buf, '\0', 3) != NULL, "not terminated in cap");
    ck_assert_uint_eq(ff_format(-INFINITY, 64, &o, buf, 4), 0);
    ck_assert_uint_eq(ff_format(-INFINITY, 64, &o, buf, 5), 4);
    ck_assert_str_eq(buf, "-inf");
    ck_assert_uint_eq(ff_repr(0.1, 64, buf, 3), 0);
    ck_assert_uint_eq(ff_repr(0.1, 64, buf, 4), 3);
    ck_assert_str_eq(buf, "0.1");
}
END_TEST

START_TEST(test_longest_outputs)
{
    /* the largest double printed positionally: 309 digits and a point */
    struct ff_opts o = ff_defaults(false);
    static char buf[4096];
    ck_assert_uint_eq(ff_format(1.7976931348623157e308, 64, &o, buf,
                                sizeof buf),
                      310);
    ck_assert(strncmp(buf, "17976931348623157", 17) == 0);
    ck_assert(strspn(buf + 17, "0") == 292 && strcmp(buf + 309, ".") == 0);
}
END_TEST

START_TEST(test_exact_expansion)
{
    /*
     * Enough min_digits prints the exact binary value: the smallest
     * double has 1074 fraction digits, ending ...9718265533447265625
     * (NumPy: dragon4_positional(5e-324, min_digits=1074, trim='k')).
     */
    struct ff_opts o = ff_defaults(false);
    o.min_digits = 1074;
    static char buf[4096];
    size_t n = ff_format(0x1p-1074, 64, &o, buf, sizeof buf);
    ck_assert_uint_eq(n, 1076);
    ck_assert_str_eq(buf + 1056, "19718265533447265625");
    ck_assert_uint_eq(strspn(buf, "0."), 2 + 323);
    /* and when that does not fit, 0 */
    ck_assert_uint_eq(ff_format(0x1p-1074, 64, &o, buf, 1076), 0);
}
END_TEST

START_TEST(test_many_padding_zeros)
{
    /* NumPy: "0.5" and 849 zeros; "5." 850 zeros "e-01" */
    struct ff_opts o = ff_defaults(false);
    o.min_digits = 850;
    static char buf[4096];
    size_t n = ff_format(0.5, 64, &o, buf, sizeof buf);
    ck_assert_uint_eq(n, 852);
    ck_assert(strncmp(buf, "0.5", 3) == 0 && strspn(buf + 3, "0") == 849);
    o.scientific = true;
    n = ff_format(0.5, 64, &o, buf, sizeof buf);
    ck_assert_uint_eq(n, 856);
    ck_assert(strncmp(buf, "5.", 2) == 0 && strspn(buf + 2, "0") == 850);
    ck_assert_str_eq(buf + 852, "e-01");
}
END_TEST

Suite *floatfmt_suite(void)
{
    Suite *s = suite_create("floatfmt");
    TCase *tc = tcase_create("numpy");
    tcase_add_loop_test(tc, test_format_table, 0, COUNT(fmt_cases));
    tcase_add_loop_test(tc, test_numpy_trim_and_nan_sign, 0,
                        COUNT(numpy_quirk_cases));
    tcase_add_loop_test(tc, test_repr_table, 0, COUNT(repr_cases));
    tcase_add_loop_test(tc, test_round_to_table, 0, COUNT(round_cases));
    suite_add_tcase(s, tc);
    tc = tcase_create("api");
    tcase_add_test(tc, test_round_to_keeps_nan);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_buffer_limits);
    tcase_add_test(tc, test_longest_outputs);
    tcase_add_test(tc, test_exact_expansion);
    tcase_add_test(tc, test_many_padding_zeros);
    suite_add_tcase(s, tc);
    return s;
}
