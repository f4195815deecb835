/* check_store.c -- placeholder suite, being written. */
#include "suites.h"

Suite *store_suite(void)
{
    return suite_create("store");
}
