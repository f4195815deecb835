/* suites.h -- one check suite per module; the runners add them all. */
#ifndef NDSHM_TEST_SUITES_H
#define NDSHM_TEST_SUITES_H

#include <check.h>

/* lib/ (tests/check_lib.c) */
Suite *array_suite(void);
Suite *catalog_suite(void);
Suite *convert_suite(void);
Suite *datafile_suite(void);
Suite *dtype_suite(void);
Suite *error_suite(void);
Suite *fsck_suite(void);
Suite *index_suite(void);
Suite *mapping_suite(void);
Suite *npy_suite(void);
Suite *npyio_suite(void);
Suite *progress_suite(void);
Suite *store_suite(void);
Suite *strided_suite(void);

/* tools/ (tests/check_cli.c) */
Suite *floatfmt_suite(void);
Suite *format_suite(void);
Suite *literal_suite(void);

#endif
