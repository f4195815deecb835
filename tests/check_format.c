/* check_format.c -- placeholder suite, being written. */
#include "suites.h"

Suite *format_suite(void)
{
    return suite_create("format");
}
