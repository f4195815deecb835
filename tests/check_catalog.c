/* check_catalog.c -- placeholder suite, being written. */
#include "suites.h"

Suite *catalog_suite(void)
{
    return suite_create("catalog");
}
