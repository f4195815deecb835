/* check_floatfmt.c -- placeholder suite, being written. */
#include "suites.h"

Suite *floatfmt_suite(void)
{
    return suite_create("floatfmt");
}
