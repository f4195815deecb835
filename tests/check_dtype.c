/* check_dtype.c -- placeholder suite, being written. */
#include "suites.h"

Suite *dtype_suite(void)
{
    return suite_create("dtype");
}
