/*
 * meter.h -- a progress meter on stderr for the commands that can take
 * long (copy, export, create --from, fsck): shown only when stderr is a
 * terminal and the operation has run for a second, so that scripts and
 * quick commands never see it.
 */
#ifndef NDSHM_METER_H
#define NDSHM_METER_H

#include "cli.h"

/* Report the library's progress for cli's command until cli_meter_end. */
void cli_meter_begin(const struct cli *cli);

/* Stop reporting; ends the meter's line so that what follows (an error
 * message) starts on its own. */
void cli_meter_end(void);

/* Clear the meter's line before printing other output to the terminal
 * (fsck's problems); the next report draws it again. */
void cli_meter_clear(void);

#endif
