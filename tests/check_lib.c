/* check_lib.c -- runs the unit suites of every lib/ module. */
#include <stdlib.h>

#include "suites.h"

int main(void)
{
    Suite *(*suites[])(void) = {
        array_suite, catalog_suite, convert_suite, datafile_suite, dtype_suite,
        error_suite, fsck_suite,    index_suite,   mapping_suite,  npy_suite,
        npyio_suite, progress_suite, store_suite, strided_suite,
    };
    SRunner *sr = srunner_create(NULL);
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        srunner_add_suite(sr, suites[i]());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
