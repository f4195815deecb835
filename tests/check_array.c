/* check_array.c -- placeholder suite, being written. */
#include "suites.h"

Suite *array_suite(void)
{
    return suite_create("array");
}
