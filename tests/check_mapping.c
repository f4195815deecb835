/* check_mapping.c -- placeholder suite, being written. */
#include "suites.h"

Suite *mapping_suite(void)
{
    return suite_create("mapping");
}
