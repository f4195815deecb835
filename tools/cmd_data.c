/*
 * cmd_data.c -- the commands that move element values: set, get, export.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "format.h"
#include "literal.h"
#include "meter.h"

/* Open EXPR; prints the error. */
static ndshm_array *open_expr(struct cli *cli, const char *expr,
                              unsigned flags)
{
    ndshm_store *st = cli_store(cli);
    if (st == NULL)
        return NULL;
    ndshm_array *a;
    if (ndshm_array_open(&a, st, expr, flags) != 0) {
        cli_lib_error(cli, "cannot open '%s'", expr);
        return NULL;
    }
    return a;
}

/* Write the converted value into a's window under its exclusive lock. */
static int write_locked(struct cli *cli, ndshm_array *a,
                        const struct literal *lit, const int64_t *strides,
                        double timeout, const char *what)
{
    int rc = ndshm_array_lock(a, NDSHM_LOCK_EXCLUSIVE, timeout);
    if (rc != 0) {
        cli_lib_error(cli, "%s", what);
        return rc == NDSHM_ETIMEDOUT ? EXIT_TIMEOUT : EXIT_ERROR;
    }
    rc = lit->ndim == 0 ? ndshm_array_fill(a, lit->data)
                        : ndshm_array_write(a, lit->data, strides);
    int status = rc != 0 ? cli_lib_error(cli, "%s", what) : EXIT_OK;
    ndshm_array_unlock(a);
    return status;
}

int cmd_set(struct cli *cli, int argc, char **argv)
{
    static const struct cli_opt opts[] = {{"timeout", 't', true},
                                          {NULL, 0, false}};
    const char *v[1], *pos[2];
    double timeout;
    if (cli_parse(cli, argc, argv, opts, v, pos, 2, 2,
                  "expected EXPR and VALUE") < 0 ||
        cli_timeout(cli, v[0], &timeout) != 0)
        return EXIT_USAGE;
    struct literal lit;
    if (cli_value(cli, pos[1], &lit) != 0)
        return EXIT_ERROR;
    ndshm_array *a = open_expr(cli, pos[0], 0);
    if (a == NULL) {
        literal_free(&lit);
        return EXIT_ERROR;
    }
    char what[600];
    snprintf(what, sizeof what, "cannot set '%s'", pos[0]);
    ndshm_dtype dtype = ndshm_array_dtype(a);
    int64_t strides[NDSHM_MAXDIMS];
    char err[900];
    /* Every value is converted and checked before the first write. */
    int status = cli_convert_value(cli, &lit, dtype, what);
    if (status == EXIT_OK && lit.ndim > 0 &&
        literal_broadcast(&lit, ndshm_dtype_size(dtype), ndshm_array_ndim(a),
                          ndshm_array_shape(a), strides, err, sizeof err) != 0)
        status = cli_error(cli, "%s: %s", what, err);
    if (status == EXIT_OK && ndshm_array_readonly(a))
        status =
            cli_error(cli, "%s: '%s' is read-only", what, ndshm_array_name(a));
    if (status == EXIT_OK)
        status = write_locked(cli, a, &lit, strides, timeout, what);
    ndshm_array_close(a);
    literal_free(&lit);
    return status;
}

int cmd_get(struct cli *cli, int argc, char **argv)
{
    static const struct cli_opt opts[] = {{"json", 'j', false},
                                          {NULL, 0, false}};
    const char *v[1], *pos[1];
    if (cli_parse(cli, argc, argv, opts, v, pos, 1, 1, "expected EXPR") < 0)
        return EXIT_USAGE;
    ndshm_array *a = open_expr(cli, pos[0], NDSHM_READONLY);
    if (a == NULL)
        return EXIT_ERROR;
    struct fmt_array f = {ndshm_array_dtype(a), ndshm_array_ndim(a),
                          ndshm_array_shape(a), ndshm_array_strides(a),
                          ndshm_array_data(a)};
    int status = EXIT_OK;
    if (v[0]) {
        fmt_json(stdout, &f);
        putchar('\n');
    } else {
        char *text = fmt_numpy_str(&f);
        if (text == NULL)
            status =
                cli_error(cli, "cannot print '%s': out of memory", pos[0]);
        else
            puts(text);
        free(text);
    }
    ndshm_array_close(a);
    return status;
}

int cmd_export(struct cli *cli, int argc, char **argv)
{
    const char *pos[2];
    if (cli_parse(cli, argc, argv, NULL, NULL, pos, 2, 2,
                  "expected EXPR and FILE.npy") < 0)
        return EXIT_USAGE;
    ndshm_array *a = open_expr(cli, pos[0], NDSHM_READONLY);
    if (a == NULL)
        return EXIT_ERROR;
    int status = EXIT_OK;
    cli_meter_begin(cli);
    int rc = ndshm_npy_export(a, pos[1], 0);
    cli_meter_end();
    if (rc != 0)
        status = cli_lib_error(cli, "cannot export '%s'", pos[0]);
    ndshm_array_close(a);
    return status;
}
