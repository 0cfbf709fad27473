// SPDX-License-Identifier: GPL-2.0
/*
 * Test module: holds bpf_check() with an IPMODIFY ftrace_ops (as a
 * livepatch or another redirecting module would), so that the selftests
 * can check bpfsig's refusal to load next to it, and the reverse.
 */
#include <linux/ftrace.h>
#include <linux/module.h>
#include <linux/string.h>

static void notrace hold(unsigned long ip, unsigned long parent_ip,
			 struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
}

static struct ftrace_ops ops = {
	.func = hold,
	.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY,
};

static int __init holder_init(void)
{
	unsigned char name[] = "bpf_check";
	int err;

	err = ftrace_set_filter(&ops, name, strlen(name), 0);
	if (err)
		return err;
	err = register_ftrace_function(&ops);
	if (err)
		ftrace_free_filter(&ops);
	return err;
}

static void __exit holder_exit(void)
{
	unregister_ftrace_function(&ops);
	ftrace_free_filter(&ops);
}

module_init(holder_init);
module_exit(holder_exit);
MODULE_DESCRIPTION("bpfsig selftest: an IPMODIFY user of bpf_check()");
MODULE_LICENSE("GPL");
