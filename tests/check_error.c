/* check_error.c -- placeholder suite, being written. */
#include "suites.h"

Suite *error_suite(void)
{
    return suite_create("error");
}
