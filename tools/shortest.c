/*
 * shortest.c -- shortest round-trip digits by exact 128-bit arithmetic
 * (the method of Ulf Adams' Ryu, written anew here from the paper: "Ryu:
 * fast float-to-string conversion", PLDI 2018).
 *
 * A float is m2 * 2^e2.  The decimals that read back as it lie in an
 * interval [mm, mp] around it (the halfway points to its neighbours,
 * closed when m2 is even: ties round to even).  Scaling the interval by a
 * power of ten (a table of powers of five, 125 significant bits each, and
 * shifts) turns its ends into 64-bit integers vm < vr < vp whose common
 * leading digits are the answer; digits are then removed from the right
 * while vp and vm still differ, rounding the last one away as the exact
 * arithmetic says.  The result is checked against the slow, obviously
 * correct path in floatfmt.c by tests/floatfmt_numpy.py and the unit
 * suite.
 */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "shortest.h"

#include "pow5_table.h"

#define POW5_BITS 125

typedef unsigned __int128 u128;

static int pow5bits(int e)
{
    return (int)(((uint32_t)e * 1217359u) >> 19) + 1; /* ceil(log2(5^e)) */
}

static int log10pow2(int e)
{
    return (int)(((uint32_t)e * 78913u) >> 18); /* floor(e log10(2)) */
}

static int log10pow5(int e)
{
    return (int)(((uint32_t)e * 732923u) >> 20); /* floor(e log10(5)) */
}

static int pow5factor(uint64_t v)
{
    int n = 0;
    while (v % 5 == 0) {
        v /= 5;
        n++;
    }
    return n;
}

static bool multiple_of_pow5(uint64_t v, int p)
{
    return pow5factor(v) >= p;
}

static bool multiple_of_pow2(uint64_t v, int p)
{
    return (v & ((UINT64_C(1) << p) - 1)) == 0;
}

/* (m * mul) >> j for a 125-bit mul, j >= 64. */
static uint64_t mulshift(uint64_t m, const uint64_t mul[2], int j)
{
    u128 lo = (u128)m * mul[0];
    u128 hi = (u128)m * mul[1];
    return (uint64_t)(((lo >> 64) + hi) >> (j - 64));
}

/* The binary parts of a float of the given bits held in a double. */
static void decompose(double v, int bits, uint64_t *m2, int *e2,
                      bool *mm_shift)
{
    int mant_bits = bits == 64 ? 52 : bits == 32 ? 23 : 10;
    int bias = bits == 64 ? 1023 : bits == 32 ? 127 : 15;
    int e;
    double f = frexp(fabs(v), &e); /* |v| = f 2^e, f in [0.5, 1) */
    int exp_field = e - 1 + bias;  /* the biased exponent of the type */
    uint64_t mant;
    if (exp_field <= 0) { /* subnormal in the type */
        mant = (uint64_t)ldexp(fabs(v), mant_bits + bias - 1);
        *m2 = mant;
        *e2 = 1 - bias - mant_bits - 2;
        *mm_shift = true;
        return;
    }
    mant = (uint64_t)ldexp(f, mant_bits + 1) - (UINT64_C(1) << mant_bits);
    *m2 = (UINT64_C(1) << mant_bits) | mant;
    *e2 = exp_field - bias - mant_bits - 2;
    *mm_shift = mant != 0 || exp_field <= 1;
}

void shortest_digits(double v, int bits, uint64_t *digits, int *exp10)
{
    uint64_t m2;
    int e2;
    bool mm_shift;
    decompose(v, bits, &m2, &e2, &mm_shift);
    bool accept_bounds = (m2 & 1) == 0;
    uint64_t mv = 4 * m2;

    uint64_t vr, vp, vm;
    int e10;
    bool vm_trailing_zeros = false, vr_trailing_zeros = false;
    if (e2 >= 0) {
        int q = log10pow2(e2) - (e2 > 3);
        e10 = q;
        int k = POW5_BITS + pow5bits(q) - 1;
        int i = -e2 + q + k;
        vr = mulshift(4 * m2, POW5_INV[q], i);
        vp = mulshift(4 * m2 + 2, POW5_INV[q], i);
        vm = mulshift(4 * m2 - 1 - mm_shift, POW5_INV[q], i);
        if (q <= 21) {
            /* whether the dropped digits are all zeros, exactly */
            if (mv % 5 == 0)
                vr_trailing_zeros = multiple_of_pow5(mv, q);
            else if (accept_bounds)
                vm_trailing_zeros = multiple_of_pow5(mv - 1 - mm_shift, q);
            else
                vp -= multiple_of_pow5(mv + 2, q);
        }
    } else {
        int q = log10pow5(-e2) - (-e2 > 1);
        e10 = q + e2;
        int i = -e2 - q;
        int k = pow5bits(i) - POW5_BITS;
        int j = q - k;
        vr = mulshift(4 * m2, POW5[i], j);
        vp = mulshift(4 * m2 + 2, POW5[i], j);
        vm = mulshift(4 * m2 - 1 - mm_shift, POW5[i], j);
        if (q <= 1) {
            vr_trailing_zeros = true;
            if (accept_bounds)
                vm_trailing_zeros = mm_shift;
            else
                --vp;
        } else if (q < 63) {
            vr_trailing_zeros = multiple_of_pow2(mv, q);
        }
    }

    int removed = 0;
    int last = 0; /* the last digit removed from vr */
    if (vm_trailing_zeros || vr_trailing_zeros) {
        while (vp / 10 > vm / 10) {
            vm_trailing_zeros &= vm % 10 == 0;
            vr_trailing_zeros &= last == 0;
            last = (int)(vr % 10);
            vr /= 10;
            vp /= 10;
            vm /= 10;
            removed++;
        }
        if (vm_trailing_zeros)
            while (vm % 10 == 0) {
                vr_trailing_zeros &= last == 0;
                last = (int)(vr % 10);
                vr /= 10;
                vp /= 10;
                vm /= 10;
                removed++;
            }
        if (vr_trailing_zeros && last == 5 && vr % 2 == 0)
            last = 4; /* exactly halfway: round to even */
        vr +=
            (vr == vm && (!accept_bounds || !vm_trailing_zeros)) || last >= 5;
    } else {
        while (vp / 10 > vm / 10) {
            last = (int)(vr % 10);
            vr /= 10;
            vp /= 10;
            vm /= 10;
            removed++;
        }
        vr += vr == vm || last >= 5;
    }
    /* trailing zeros go into the exponent */
    while (vr % 10 == 0 && vr != 0) {
        vr /= 10;
        removed++;
    }
    *digits = vr;
    *exp10 = e10 + removed;
}
