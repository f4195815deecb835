/* check_npyio.c -- placeholder suite, being written. */
#include "suites.h"

Suite *npyio_suite(void)
{
    return suite_create("npyio");
}
