// SPDX-License-Identifier: GPL-2.0
/*
 * lskel: load the sockfilter corpus object as a light skeleton (bpftool gen
 * skeleton -L): a BPF_PROG_TYPE_SYSCALL loader program that loads the
 * object's programs from inside the kernel. Prints the load's result as
 * "err=N"; under bpfsig enforcing, the loader program is unsigned.
 */
#include <errno.h>	/* skel_internal.h needs it */
#include <stdio.h>
#include "sockfilter.lskel.h"

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
