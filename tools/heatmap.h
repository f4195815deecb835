/*
 * heatmap.h -- what `ndshm show` draws with: the colour map (shared by the
 * terminal and the PNG, so that a colour means the same value in both),
 * the value range it is scaled to, block means for shrinking a picture,
 * and an atomic PNG writer.  Nothing here knows about stores or arrays.
 */
#ifndef NDSHM_HEATMAP_H
#define NDSHM_HEATMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct heatmap_rgb {
    unsigned char r, g, b;
};

/* The colour of NaN: mid grey, outside the colour map. */
extern const struct heatmap_rgb heatmap_nan_rgb;

/*
 * The colour at t in [0, 1] (clamped; NaN gives heatmap_nan_rgb): viridis'
 * five key colours at t = 0, .25, .5, .75, 1, interpolated linearly in
 * 8-bit sRGB.  heatmap.c defines the rounding exactly.
 */
struct heatmap_rgb heatmap_colour(double t);

/* The finite values' range a picture is scaled to. */
struct heatmap_range {
    double min, max; /* of the finite values; meaningless if finite == 0 */
    int64_t finite;  /* how many finite values were seen */
    int64_t nan;     /* how many NaN (the legend mentions grey only then) */
};

void heatmap_range_init(struct heatmap_range *r);
void heatmap_range_add(struct heatmap_range *r, const double *v, size_t n);

/*
 * v's position on the range: (v - min) / (max - min) clamped to [0, 1];
 * +inf is 1 and -inf 0; NaN stays NaN; every finite value is 0.5 when
 * the range is one value (or there is no finite value at all).
 */
double heatmap_t(const struct heatmap_range *r, double v);

/* heatmap_colour(heatmap_t(r, v)). */
struct heatmap_rgb heatmap_value_rgb(const struct heatmap_range *r, double v);

/*
 * The mean of a block of values, for drawing a picture smaller than the
 * window: the mean of the block's finite values.  A block with none is
 * +inf or -inf when it holds infinities of that one sign only (a block of
 * +inf is drawn as the top of the scale, as each +inf is), else NaN.
 * Zero-initialise, add, read.
 */
struct heatmap_block {
    double sum;    /* of the finite values */
    double scaled; /* of the finite values times 2^-64 (heatmap.c: why) */
    int64_t n;     /* how many finite values */
    bool pos_inf, neg_inf;
};

void heatmap_block_add(struct heatmap_block *b, double v);
double heatmap_block_mean(const struct heatmap_block *b);

/*
 * Produce row `row` (0-based) of the picture: cols pixels, 3 bytes each
 * (R, G, B), into rgb.  Returns 0, or -1 with a one-line reason in err.
 */
typedef int (*heatmap_row_fn)(void *ctx, int64_t row, unsigned char *rgb,
                              char *err, size_t errlen);

/* Whether this build writes PNG files (configure found libpng). */
bool heatmap_png_supported(void);

/*
 * 0 when a rows x cols picture at scale pixels an element can be written
 * (PNG's limit of 2^31 - 1 pixels a side, and rows of at most 256 MiB);
 * else -1 with the reason in err.
 */
int heatmap_png_fits(int64_t rows, int64_t cols, int scale, char *err,
                     size_t errlen);

/*
 * Write a rows x cols picture as an 8-bit RGB PNG at path, each element
 * drawn as a scale x scale square, asking row_fn for each row once.  The
 * file is written beside path under a temporary name and renamed over it,
 * so path holds the old file or the whole new one, never a part; on any
 * failure the temporary file is removed.  Returns 0, or -1 with a one-line
 * reason (not naming path) in err: heatmap_png_fits' reasons too.
 */
int heatmap_write_png(const char *path, int64_t rows, int64_t cols, int scale,
                      heatmap_row_fn row_fn, void *ctx, char *err,
                      size_t errlen);

#endif
