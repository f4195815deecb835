/* check_cli.c -- runs the unit suites of the tool's value parser and printer. */
#include <stdlib.h>

#include "suites.h"

int main(void)
{
    Suite *(*suites[])(void) = {floatfmt_suite, format_suite, literal_suite};
    SRunner *sr = srunner_create(NULL);
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        srunner_add_suite(sr, suites[i]());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
