/* check_strided.c -- placeholder suite, being written. */
#include "suites.h"

Suite *strided_suite(void)
{
    return suite_create("strided");
}
