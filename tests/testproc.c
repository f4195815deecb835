/* testproc.c -- child processes for the multi-process tests. */
#include "testproc.h"
