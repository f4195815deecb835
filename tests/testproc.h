/* testproc.h -- child processes for the multi-process tests. */
#ifndef NDSHM_TESTPROC_H
#define NDSHM_TESTPROC_H

#endif
