/* check_index.c -- placeholder suite, being written. */
#include "suites.h"

Suite *index_suite(void)
{
    return suite_create("index");
}
