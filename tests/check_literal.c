/* check_literal.c -- placeholder suite, being written. */
#include "suites.h"

Suite *literal_suite(void)
{
    return suite_create("literal");
}
