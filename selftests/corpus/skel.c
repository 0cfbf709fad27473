// SPDX-License-Identifier: GPL-2.0
/*
 * skel: an unmodified libbpf skeleton application (bpftool gen skeleton)
 * embedding the *unsigned* sockfilter object. It knows nothing of bpfsig:
 * run under `bpfsig exec --sigs sockfilter.signed.o`, its loads get the
 * signatures of the signed copy (same instructions). Prints "err=N".
 */
#include <errno.h>
#include <stdio.h>
#include "sockfilter.skel.h"

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
