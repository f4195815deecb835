/*
 * heatmap.c -- the colour map `ndshm show` draws with, the range and block
 * means it scales by, and the PNG writer.  The terminal and the PNG take
 * their colours from here, so that one value has one colour in both, and
 * tests/show.py recomputes every colour from the definitions below.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_PNG
#include <png.h>
#endif

#include "heatmap.h"

const struct heatmap_rgb heatmap_nan_rgb = {128, 128, 128};

/* viridis' key colours, #440154 #3b528b #21918c #5ec962 #fde725, at t = 0,
 * .25, .5, .75 and 1. */
static const struct heatmap_rgb anchors[5] = {
    {0x44, 0x01, 0x54}, {0x3b, 0x52, 0x8b}, {0x21, 0x91, 0x8c},
    {0x5e, 0xc9, 0x62}, {0xfd, 0xe7, 0x25},
};

/*
 * One channel between anchors a and b at fraction f in [0, 1]: the linear
 * mix a + (b - a) * f rounded half up, floor(a + (b - a) * f + 0.5), all in
 * double.  Written out so that a test doing the same double operations in
 * the same order gets the same byte.
 */
static unsigned char mix(unsigned char a, unsigned char b, double f)
{
    double v = floor((double)a + ((double)b - (double)a) * f + 0.5);
    return (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/*
 * Segment k = floor(4t), at most 3 (t = 1 is the end of the last one), and
 * f = 4t - k; both exact in double since 4t only shifts the exponent.
 */
struct heatmap_rgb heatmap_colour(double t)
{
    if (isnan(t))
        return heatmap_nan_rgb;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double x = t * 4;
    int k = (int)floor(x);
    if (k > 3)
        k = 3;
    double f = x - k;
    struct heatmap_rgb a = anchors[k], b = anchors[k + 1];
    return (struct heatmap_rgb){mix(a.r, b.r, f), mix(a.g, b.g, f),
                                mix(a.b, b.b, f)};
}

void heatmap_range_init(struct heatmap_range *r)
{
    r->min = INFINITY;
    r->max = -INFINITY;
    r->finite = 0;
    r->nan = 0;
}

void heatmap_range_add(struct heatmap_range *r, const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (isfinite(v[i])) {
            r->finite++;
            if (v[i] < r->min)
                r->min = v[i];
            if (v[i] > r->max)
                r->max = v[i];
        } else if (isnan(v[i])) {
            r->nan++;
        }
    }
}

double heatmap_t(const struct heatmap_range *r, double v)
{
    if (isnan(v))
        return NAN;
    if (isinf(v))
        return v > 0 ? 1 : 0;
    if (r->finite == 0 || !(r->max > r->min))
        return 0.5;
    double span = r->max - r->min, t;
    if (isfinite(span))
        t = (v - r->min) / span;
    else /* -1e308 to 1e308: the span overflows, its half does not */
        t = (v * 0.5 - r->min * 0.5) / (r->max * 0.5 - r->min * 0.5);
    /* v outside the range (written between the two reads of a frame) or
     * an overflow in v - min lands at an end */
    return t < 0 ? 0 : t > 1 ? 1 : t;
}

struct heatmap_rgb heatmap_value_rgb(const struct heatmap_range *r, double v)
{
    return heatmap_colour(heatmap_t(r, v));
}

/*
 * The plain sum, left to right, is what a reader (and the test) computes;
 * beside it the sum of each value times 2^-64 (exact scaling), which no
 * block of fewer than 2^64 values can overflow, used only when the plain
 * sum did (a block of 1e308s).
 */
void heatmap_block_add(struct heatmap_block *b, double v)
{
    if (isfinite(v)) {
        b->sum += v;
        b->scaled += v * 0x1p-64;
        b->n++;
    } else if (isinf(v)) {
        if (v > 0)
            b->pos_inf = true;
        else
            b->neg_inf = true;
    }
}

double heatmap_block_mean(const struct heatmap_block *b)
{
    if (b->n == 0) {
        if (b->pos_inf != b->neg_inf)
            return b->pos_inf ? INFINITY : -INFINITY;
        return NAN;
    }
    if (isfinite(b->sum))
        return b->sum / (double)b->n;
    return b->scaled / (double)b->n * 0x1p64;
}

/* ---- PNG ---------------------------------------------------------------
 */

/* The most pixels a PNG image has on a side (the PNG specification's). */
#define MAX_SIDE 0x7fffffff
/* The longest PNG row written, in bytes: 256 MiB, some 89 million pixels.
 * libpng holds about five rows of that size at a time (ours, the
 * filtered one, the previous one, its trials), and a row of gigabytes
 * would be allocated happily and then end the process out of memory. */
#define MAX_ROW_BYTES ((uint64_t)256 << 20)

int heatmap_png_fits(int64_t rows, int64_t cols, int scale, char *err,
                     size_t errlen)
{
    if (rows < 1 || cols < 1 || scale < 1) {
        snprintf(err, errlen, "no pixels to write");
        return -1;
    }
    if (cols > MAX_SIDE / scale || rows > MAX_SIDE / scale) {
        snprintf(err, errlen,
                 "%lld x %lld elements at scale %d is too large: PNG allows "
                 "at most %d pixels a side",
                 (long long)rows, (long long)cols, scale, MAX_SIDE);
        return -1;
    }
    /* cols * scale fits 31 bits now, and 3 bytes a pixel 64 */
    uint64_t width = (uint64_t)cols * (uint64_t)scale;
    if (width > MAX_ROW_BYTES / 3 || width > SIZE_MAX / 3) {
        snprintf(err, errlen,
                 "a row of %llu pixels is too wide: rows of at most %llu "
                 "pixels are written",
                 (unsigned long long)width,
                 (unsigned long long)(MAX_ROW_BYTES / 3));
        return -1;
    }
    return 0;
}

#ifndef HAVE_PNG

bool heatmap_png_supported(void)
{
    return false;
}

int heatmap_write_png(const char *path, int64_t rows, int64_t cols, int scale,
                      heatmap_row_fn row_fn, void *ctx, char *err,
                      size_t errlen)
{
    (void)path, (void)rows, (void)cols, (void)scale, (void)row_fn, (void)ctx;
    snprintf(err, errlen, "this ndshm was built without libpng");
    return -1;
}

#else

bool heatmap_png_supported(void)
{
    return true;
}

/* Where libpng's bytes go, and what went wrong. */
struct png_sink {
    FILE *f;
    int err;       /* errno of a failed write, or 0 */
    char msg[256]; /* the reason, once something failed */
};

/* libpng must not return from its error handler: back to encode(). */
static void on_png_error(png_structp png, png_const_charp msg)
{
    struct png_sink *s = png_get_error_ptr(png);
    if (s->err != 0)
        snprintf(s->msg, sizeof s->msg, "%s", strerror(s->err));
    else
        snprintf(s->msg, sizeof s->msg, "libpng: %s", msg);
    png_longjmp(png, 1);
}

/* What we write cannot draw a warning worth a second line of stderr. */
static void on_png_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* Our own writer, so that a failed write reports its errno. */
static void on_png_write(png_structp png, png_bytep data, size_t len)
{
    struct png_sink *s = png_get_io_ptr(png);
    errno = 0;
    if (fwrite(data, 1, len, s->f) != len) {
        s->err = errno != 0 ? errno : EIO;
        png_error(png, "write failed");
    }
}

static void on_png_flush(png_structp png)
{
    (void)png;
}

/*
 * Encode the picture into s->f.  row holds width * 3 bytes: row_fn fills
 * its first cols pixels, which are then widened in place to scale pixels
 * each.  Returns 0, or -1 with the reason in s->msg.
 */
static int encode(struct png_sink *s, int64_t rows, int64_t cols, int scale,
                  heatmap_row_fn row_fn, void *ctx, unsigned char *row)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, s,
                                              on_png_error, on_png_warning);
    if (png == NULL) {
        snprintf(s->msg, sizeof s->msg, "out of memory");
        return -1;
    }
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        snprintf(s->msg, sizeof s->msg, "out of memory");
        return -1;
    }
    /* Nothing set after this point is read after a longjmp back here. */
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return -1;
    }
    png_set_write_fn(png, s, on_png_write, on_png_flush);
#ifdef PNG_SET_USER_LIMITS_SUPPORTED
    /* libpng refuses images wider or taller than a million pixels unless
     * told otherwise; PNG itself allows 2^31 - 1. */
    png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
#endif
    png_set_IHDR(png, info, (png_uint_32)(cols * scale),
                 (png_uint_32)(rows * scale), 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int64_t r = 0; r < rows; r++) {
        if (row_fn(ctx, r, row, s->msg, sizeof s->msg) != 0) {
            png_destroy_write_struct(&png, &info);
            return -1;
        }
        /* right to left, so that no pixel is overwritten before it moves */
        for (int64_t c = cols - 1; scale > 1 && c >= 0; c--)
            for (int k = scale - 1; k >= 0; k--)
                memmove(row + (c * scale + k) * 3, row + c * 3, 3);
        for (int k = 0; k < scale; k++)
            png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return 0;
}

/*
 * Create a new file beside path (same directory, so that rename() is
 * atomic); its name goes to *tmp (malloc'd).  Returns the descriptor, or
 * -1 with the reason in err.
 */
static int open_temp(const char *path, char **tmp, char *err, size_t errlen)
{
    static unsigned long serial;
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash == NULL   ? 1
                    : slash == path ? 1
                                    : (size_t)(slash - path);
    const char *dir = slash == NULL ? "." : slash == path ? "/" : path;
    const char *sep = slash == path ? "" : "/"; /* no "//.ndshm-show" */
    size_t cap = dirlen + 64;
    char *name = malloc(cap);
    if (name == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int tries = 0; tries < 100; tries++) {
        snprintf(name, cap, "%.*s%s.ndshm-show.%ld.%lu.tmp", (int)dirlen, dir,
                 sep, (long)getpid(), serial++);
        int fd = open(name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
        if (fd >= 0) {
            *tmp = name;
            return fd;
        }
        if (errno != EEXIST)
            break;
    }
    snprintf(err, errlen, "cannot create a file in '%.*s': %s", (int)dirlen,
             dir, strerror(errno));
    free(name);
    return -1;
}

int heatmap_write_png(const char *path, int64_t rows, int64_t cols, int scale,
                      heatmap_row_fn row_fn, void *ctx, char *err,
                      size_t errlen)
{
    if (heatmap_png_fits(rows, cols, scale, err, errlen) != 0)
        return -1;
    uint64_t width = (uint64_t)cols * (uint64_t)scale;
    unsigned char *row = malloc((size_t)width * 3);
    if (row == NULL) {
        snprintf(err, errlen, "out of memory for a row of %llu pixels",
                 (unsigned long long)width);
        return -1;
    }
    char *tmp = NULL;
    int fd = open_temp(path, &tmp, err, errlen);
    if (fd < 0) {
        free(row);
        return -1;
    }
    struct png_sink s = {fdopen(fd, "wb"), 0, ""};
    int rc = -1;
    if (s.f == NULL) {
        snprintf(err, errlen, "%s", strerror(errno));
        close(fd);
        goto out;
    }
    if (encode(&s, rows, cols, scale, row_fn, ctx, row) != 0) {
        snprintf(err, errlen, "%s", s.msg);
        fclose(s.f);
        goto out;
    }
    /* a full disk may show only when the buffer is flushed */
    errno = 0;
    int flushed = fflush(s.f) == 0 && !ferror(s.f);
    int e = errno;
    if (fclose(s.f) != 0 && flushed) {
        flushed = 0;
        e = errno;
    }
    if (!flushed) {
        snprintf(err, errlen, "%s", strerror(e != 0 ? e : EIO));
        goto out;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    free(row);
    return rc;
}

#endif /* HAVE_PNG */
