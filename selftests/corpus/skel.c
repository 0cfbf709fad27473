// SPDX-License-Identifier: GPL-2.0
/*
 * The sockfilter corpus object loaded by generated code, built twice:
 *
 * skel: an unmodified libbpf skeleton application (bpftool gen skeleton)
 * embedding the *unsigned* sockfilter object. It knows nothing of bpfsig:
 * run under `bpfsig exec --sigs sockfilter.signed.o`, its loads get the
 * signatures of the signed copy (same instructions).
 *
 * lskel (-DLIGHT_SKELETON): a light skeleton (bpftool gen skeleton -L): a
 * BPF_PROG_TYPE_SYSCALL loader program that loads the object's programs
 * from inside the kernel; under bpfsig enforcing, the loader program is
 * unsigned.
 *
 * Prints the load's result as "err=N".
 */
#include <errno.h>	/* skel_internal.h needs it */
#include <stdio.h>
#ifdef LIGHT_SKELETON
#include "sockfilter.lskel.h"
#else
#include "sockfilter.skel.h"
#endif

int main(void)
{
	struct sockfilter *skel = sockfilter__open();
	int err;

	if (!skel) {
		printf("err=open\n");
		return 1;
	}
	err = sockfilter__load(skel);
	printf("err=%d\n", err);
	sockfilter__destroy(skel);
	return err ? 1 : 0;
}
