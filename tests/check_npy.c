/* check_npy.c -- placeholder suite, being written. */
#include "suites.h"

Suite *npy_suite(void)
{
    return suite_create("npy");
}
