/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libbpfsig-preload.so: recording the loads of 'bpfsig record' (capture.c)
 * and reporting, at exit, the loads of 'bpfsig exec' that found no
 * signature (report.c).
 */
#ifndef __BPFSIG_PRELOAD_CAPTURE_H
#define __BPFSIG_PRELOAD_CAPTURE_H

#include <stdbool.h>

#include "libbpfsig_internal.h"

union bpf_attr;

/* The command line of this process, its arguments joined by spaces. */
BPFSIG_INTERNAL const char *bpfsig_cmdline(void);

/* $BPFSIG_RECORD set and its file open: record instead of signing */
BPFSIG_INTERNAL bool bpfsig_record_init(void);
BPFSIG_INTERNAL bool bpfsig_recording(void);
/*
 * A bpf(2) call while recording: a BPF_PROG_LOAD of unsigned instructions
 * goes to the kernel unchanged and is appended, with its outcome, to the
 * capture file; the same load repeated right after it failed (libbpf
 * retrying for the verifier log) is not appended again. fd or -errno.
 */
BPFSIG_INTERNAL long bpfsig_record_load(int cmd, void *uattr,
					unsigned int size);

/* A load that found no signature, and what became of it (@ret). */
BPFSIG_INTERNAL void bpfsig_unmatched_add(const union bpf_attr *attr,
					  long ret, bool strict);

#endif
