/*
 * cmd_sync.c -- waiting for other processes: wait.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int cmd_wait(struct cli *cli, int argc, char **argv)
{
    enum { SINCE, TIMEOUT };
    static const struct cli_opt opts[] = {
        {"since", 0, true}, {"timeout", 't', true}, {NULL, 0, false}};
    const char *v[2], *pos[1];
    double timeout;
    if (cli_parse(cli, argc, argv, opts, v, pos, 1, 1, "expected EXPR") < 0 ||
        cli_timeout(cli, v[TIMEOUT], &timeout) != 0)
        return EXIT_USAGE;
    uint64_t since = 0;
    if (v[SINCE]) {
        char *end;
        errno = 0;
        since = strtoull(v[SINCE], &end, 10);
        if (end == v[SINCE] || *end != '\0' || errno == ERANGE ||
            v[SINCE][0] == '-')
            return cli_usage_error(cli, "invalid version '%s'", v[SINCE]);
    }
    ndshm_store *st = cli_store(cli);
    if (st == NULL)
        return EXIT_ERROR;
    ndshm_array *a;
    if (ndshm_array_open(&a, st, pos[0], NDSHM_READONLY) != 0)
        return cli_lib_error(cli, "cannot open '%s'", pos[0]);
    /* Without --since, wait for a change after now; with it, a change
     * made since that version -- even before this command started --
     * returns at once. */
    if (!v[SINCE])
        since = ndshm_array_version(a);
    uint64_t now;
    int rc = ndshm_array_wait(a, since, timeout, &now);
    int status = EXIT_OK;
    if (rc == NDSHM_ETIMEDOUT) {
        cli_error(cli, "%s", ndshm_errmsg());
        status = EXIT_TIMEOUT;
    } else if (rc != 0) {
        status = cli_lib_error(cli, "cannot wait on '%s'", pos[0]);
    } else {
        printf("%" PRIu64 "\n", now);
    }
    ndshm_array_close(a);
    return status;
}
