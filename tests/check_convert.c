/* check_convert.c -- placeholder suite, being written. */
#include "suites.h"

Suite *convert_suite(void)
{
    return suite_create("convert");
}
