/* check_fsck.c -- placeholder suite, being written. */
#include "suites.h"

Suite *fsck_suite(void)
{
    return suite_create("fsck");
}
