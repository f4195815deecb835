/* check_datafile.c -- placeholder suite, being written. */
#include "suites.h"

Suite *datafile_suite(void)
{
    return suite_create("datafile");
}
