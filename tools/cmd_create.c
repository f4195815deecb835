/*
 * cmd_create.c -- the commands that make names: create, view, copy.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "literal.h"
#include "meter.h"

/* "3,4", "(3, 4)", "[3,4]", "5", "()": the dimensions of --shape. */
static int parse_shape(const char *text, int *ndim, int64_t *shape, char *err,
                       size_t errlen)
{
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    char close = *p == '(' ? ')' : *p == '[' ? ']' : '\0';
    if (close)
        p++;
    /* An empty --shape (an unset shell variable, say) is not a scalar:
     * that is spelled (), as docs/ndshm.1 says.  Found by
     * tests/bad_input.py. */
    if (!close && *p == '\0') {
        snprintf(err, errlen, "no dimensions: give () for a scalar");
        return -1;
    }
    *ndim = 0;
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (*p == close || (*p == '\0' && !close))
            break;
        if (*ndim == NDSHM_MAXDIMS) {
            snprintf(err, errlen, "more than %d dimensions", NDSHM_MAXDIMS);
            return -1;
        }
        if (*p == '-') {
            snprintf(err, errlen, "negative dimensions are not allowed");
            return -1;
        }
        if (!isdigit((unsigned char)*p)) {
            snprintf(err, errlen, "expected a dimension at '%s'", p);
            return -1;
        }
        errno = 0;
        char *end;
        unsigned long long v = strtoull(p, &end, 10);
        if (errno == ERANGE || v > INT64_MAX) {
            snprintf(err, errlen, "dimension too large");
            return -1;
        }
        shape[(*ndim)++] = (int64_t)v;
        p = end;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == ',' || *p == 'x')
            p++;
        else if (*p != close && !(*p == '\0' && !close)) {
            snprintf(err, errlen, "expected ',' at '%s'", p);
            return -1;
        }
    }
    if (close && *p == close)
        p++;
    while (isspace((unsigned char)*p))
        p++;
    if (*p != '\0') {
        snprintf(err, errlen, "unexpected '%s'", p);
        return -1;
    }
    return 0;
}

static int create_from_literal(struct cli *cli, const char *name,
                               const char *text, const char *dtype_text,
                               ndshm_dtype dtype)
{
    char what[320];
    snprintf(what, sizeof what, "cannot create '%s'", name);
    struct literal lit;
    if (cli_value(cli, text, &lit) != 0)
        return EXIT_ERROR;
    int status =
        cli_convert_value(cli, &lit, dtype_text ? dtype : lit.dtype, what);
    if (status == 0) {
        ndshm_store *st = cli_store(cli);
        if (st == NULL)
            status = EXIT_ERROR;
        else if (ndshm_array_create_from_buffer(st, name, lit.dtype, lit.ndim,
                                                lit.shape, lit.data, NULL,
                                                0) != 0)
            status = cli_lib_error(cli, "%s", what);
    }
    literal_free(&lit);
    return status;
}

static int create_shaped(struct cli *cli, const char *name, int ndim,
                         const int64_t *shape, ndshm_dtype dtype,
                         const char *fill)
{
    char what[320];
    snprintf(what, sizeof what, "cannot create '%s'", name);
    ndshm_store *st = cli_store(cli);
    if (st == NULL)
        return EXIT_ERROR;
    if (fill == NULL) {
        if (ndshm_array_create(st, name, dtype, ndim, shape, NULL, 0) != 0)
            return cli_lib_error(cli, "%s", what);
        return EXIT_OK;
    }
    struct literal lit;
    if (cli_value(cli, fill, &lit) != 0)
        return EXIT_ERROR;
    int status = cli_convert_value(cli, &lit, dtype, what);
    int64_t strides[NDSHM_MAXDIMS];
    char err[900];
    if (status == 0 && lit.ndim == 0) {
        if (ndshm_array_create(st, name, dtype, ndim, shape, lit.data, 0) != 0)
            status = cli_lib_error(cli, "%s", what);
    } else if (status == 0 &&
               literal_broadcast(&lit, ndshm_dtype_size(dtype), ndim, shape,
                                 strides, err, sizeof err) != 0) {
        status = cli_error(cli, "%s: --fill %s", what, err);
    } else if (status == 0 &&
               ndshm_array_create_from_buffer(st, name, dtype, ndim, shape,
                                              lit.data, strides, 0) != 0) {
        status = cli_lib_error(cli, "%s", what);
    }
    literal_free(&lit);
    return status;
}

int cmd_create(struct cli *cli, int argc, char **argv)
{
    enum { DTYPE, SHAPE, FILL, FROM };
    static const struct cli_opt opts[] = {{"dtype", 'd', true},
                                          {"shape", 's', true},
                                          {"fill", 0, true},
                                          {"from", 0, true},
                                          {NULL, 0, false}};
    const char *v[4], *pos[2];
    int npos = cli_parse(cli, argc, argv, opts, v, pos, 1, 2, "missing NAME");
    if (npos < 0)
        return EXIT_USAGE;
    const char *name = pos[0];
    ndshm_dtype dtype = NDSHM_FLOAT64; /* np.zeros' default */
    if (v[DTYPE] && ndshm_dtype_parse(v[DTYPE], &dtype) != 0)
        return cli_usage_error(cli, "%s", ndshm_errmsg());

    if (v[FROM]) {
        if (npos > 1 || v[SHAPE] || v[FILL] || v[DTYPE])
            return cli_usage_error(cli, "--from takes no VALUES, --shape, "
                                        "--fill or --dtype");
        ndshm_store *st = cli_store(cli);
        if (st == NULL)
            return EXIT_ERROR;
        cli_meter_begin(cli);
        int rc = ndshm_npy_import(st, name, v[FROM], 0);
        cli_meter_end();
        if (rc != 0)
            return cli_lib_error(cli, "cannot create '%s'", name);
        return EXIT_OK;
    }
    if (npos == 2) {
        if (v[SHAPE] || v[FILL])
            return cli_usage_error(cli, "VALUES cannot go with --shape or "
                                        "--fill");
        return create_from_literal(cli, name, pos[1], v[DTYPE], dtype);
    }
    if (v[SHAPE] == NULL)
        return cli_usage_error(cli, "give VALUES, --shape or --from");
    int ndim;
    int64_t shape[NDSHM_MAXDIMS];
    char err[200];
    if (parse_shape(v[SHAPE], &ndim, shape, err, sizeof err) != 0)
        return cli_usage_error(cli, "invalid shape '%s': %s", v[SHAPE], err);
    return create_shaped(cli, name, ndim, shape, dtype, v[FILL]);
}

int cmd_view(struct cli *cli, int argc, char **argv)
{
    static const struct cli_opt opts[] = {{"readonly", 'r', false},
                                          {NULL, 0, false}};
    const char *v[1], *pos[2];
    if (cli_parse(cli, argc, argv, opts, v, pos, 2, 2,
                  "expected NAME and EXPR") < 0)
        return EXIT_USAGE;
    ndshm_store *st = cli_store(cli);
    if (st == NULL)
        return EXIT_ERROR;
    unsigned flags = v[0] ? NDSHM_READONLY : 0;
    if (ndshm_view_create(st, pos[0], pos[1], flags) != 0)
        return cli_lib_error(cli, "cannot create '%s'", pos[0]);
    return EXIT_OK;
}

int cmd_copy(struct cli *cli, int argc, char **argv)
{
    const char *pos[2];
    if (cli_parse(cli, argc, argv, NULL, NULL, pos, 2, 2,
                  "expected NAME and EXPR") < 0)
        return EXIT_USAGE;
    ndshm_store *st = cli_store(cli);
    if (st == NULL)
        return EXIT_ERROR;
    cli_meter_begin(cli);
    int rc = ndshm_copy(st, pos[0], pos[1], 0);
    cli_meter_end();
    if (rc != 0)
        return cli_lib_error(cli, "cannot create '%s'", pos[0]);
    return EXIT_OK;
}
