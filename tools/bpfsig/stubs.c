// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Temporary: commands not implemented yet. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "main.h"
#include "object.h"

#define STUB(fn) int fn(int argc, char **argv) { (void)argc; (void)argv; \
	p_err("%s: not implemented yet", #fn); return 1; }
STUB(do_key)
STUB(do_status)
STUB(do_mode)
STUB(do_lock)
STUB(do_revoke)

