// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

/*
 * bpfsig - the securityfs interface, /sys/kernel/security/bpfsig/.
 *
 *   mode     read: "off", "permissive" or "enforce"; write one of them
 *   trust    read: "bpfsig" or "bpfsig+system"; write one of them
 *   lock     read: "0" or "1"; write "1" to lock until reboot
 *   stats    read: "name value" lines, one counter per verdict and timing
 *   revoke   read: revoked statement digests; write a SHA-256 hex digest
 *   key_add  write a DER certificate into .bpfsig; read: the key's serial
 *   key_remove  write a key serial to unlink it from .bpfsig
 *   loader_add  write a trusted loader entry (loader.c); once locked, a
 *               signed one
 *   loader_remove  write "sha256=HEX" to remove that loader's entry
 *   loaders  read: the trusted loader entries
 *
 * Only stats is readable by everyone; the others are root's (0600, and
 * 0200 for key_remove, loader_add and loader_remove, which have nothing to
 * read). Writes
 * need an opener with CAP_SYS_ADMIN (-EPERM) and are checked in this
 * order: capability, size, content. Changes are logged and audited; an
 * unchanged value is neither. An open file holds a reference on the module,
 * so the module cannot be unloaded under it.
 */
#include <linux/capability.h>
#include <linux/dcache.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "bpfsig.h"

/* Longest write accepted: a hex SHA-256 digest and a newline. */
#define MAX_WRITE 80

static struct dentry *dir;
static struct dentry *files[10];

/*
 * The files exist before the hooks are registered, and if that fails the
 * module is freed whatever references its files hold: until the module is
 * fully loaded, opening one fails (-EAGAIN), so no file can be open then.
 */
static bool ready;

static int check_ready(void)
{
	return READ_ONCE(ready) ? 0 : -EAGAIN;
}

/*
 * The file operations have no .owner: the VFS would take the reference
 * itself, and warn when an open races an unload (fops_get() fails in
 * do_dentry_open() once the module is going). An open takes it here
 * instead, and fails with -ENODEV while the module goes; the release
 * drops it. bpfsig_fs_exit() waits until no one uses a file, so that the
 * VFS is done with this code and these operations before they go.
 */
static int sfs_get(void)
{
	int err = check_ready();

	if (err)
		return err;
	return try_module_get(THIS_MODULE) ? 0 : -ENODEV;
}

static int sfs_open(struct inode *inode, struct file *file)
{
	return sfs_get();
}

static int sfs_release(struct inode *inode, struct file *file)
{
	module_put(THIS_MODULE);
	return 0;
}

/*
 * The opener's capability decides, not the writer's (as for IPE and
 * LoadPin): a privileged process writing into a descriptor it was handed
 * cannot be made to change the policy for an unprivileged opener.
 */
static char *copy_write(struct file *file, const char __user *ubuf,
			size_t count)
{
	if (!file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		return ERR_PTR(-EPERM);
	if (!count || count > MAX_WRITE)
		return ERR_PTR(-EINVAL);
	return memdup_user_nul(ubuf, count);
}

/* As copy_write(), for binary writes of up to @max bytes (no NUL added). */
static void *copy_binary(struct file *file, const char __user *ubuf,
			 size_t count, size_t max)
{
	if (!file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		return ERR_PTR(-EPERM);
	if (!count || count > max)
		return ERR_PTR(-EINVAL);
	return memdup_user(ubuf, count);
}

static ssize_t mode_read(struct file *file, char __user *ubuf, size_t count,
			 loff_t *ppos)
{
	char buf[16];
	int len;

	len = scnprintf(buf, sizeof(buf), "%s\n",
			bpfsig_mode_name(bpfsig_mode_get()));
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

/**
 * mode_write() - change the mode
 * @file: the open "mode" file
 * @ubuf: "off", "permissive" or "enforce", optionally followed by a newline
 * @count: its length
 * @ppos: unused
 *
 * Return: @count, or -EPERM (opener without CAP_SYS_ADMIN; or lowering the
 * mode of a locked policy), -EINVAL (size outside 1..80, unknown mode),
 * -EFAULT, -ENOMEM.
 */
static ssize_t mode_write(struct file *file, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	enum bpfsig_mode old, new;
	char *buf;
	int err;

	buf = copy_write(file, ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	err = bpfsig_mode_parse(buf, &new);
	kfree(buf);
	if (err)
		return err;
	err = bpfsig_mode_set(new, &old);
	if (err)
		return err;
	if (new != old) {
		pr_notice("mode %s -> %s by pid=%d\n", bpfsig_mode_name(old),
			  bpfsig_mode_name(new), task_tgid_nr(current));
		bpfsig_audit_change("mode", bpfsig_mode_name(old),
				    bpfsig_mode_name(new));
	}
	return count;
}

static ssize_t trust_read(struct file *file, char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	char buf[16];
	int len;

	len = scnprintf(buf, sizeof(buf), "%s\n",
			bpfsig_trust_name(bpfsig_trust_get()));
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

/**
 * trust_write() - choose whose keys can sign
 * @file: the open "trust" file
 * @ubuf: "bpfsig" or "bpfsig+system", optionally followed by a newline
 * @count: its length
 * @ppos: unused
 *
 * Return: @count, or -EPERM (opener without CAP_SYS_ADMIN; or widening the
 * trusted set of a locked policy), -EINVAL (size outside 1..80, unknown
 * set), -EFAULT, -ENOMEM.
 */
static ssize_t trust_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	enum bpfsig_trust old, new;
	char *buf;
	int err;

	buf = copy_write(file, ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	err = bpfsig_trust_parse(buf, &new);
	kfree(buf);
	if (err)
		return err;
	err = bpfsig_trust_set(new, &old);
	if (err)
		return err;
	if (new != old) {
		pr_notice("trust %s -> %s by pid=%d\n", bpfsig_trust_name(old),
			  bpfsig_trust_name(new), task_tgid_nr(current));
		bpfsig_audit_change("trust", bpfsig_trust_name(old),
				    bpfsig_trust_name(new));
	}
	return count;
}

static ssize_t lock_read(struct file *file, char __user *ubuf, size_t count,
			 loff_t *ppos)
{
	char buf[3];
	int len;

	len = scnprintf(buf, sizeof(buf), "%d\n", bpfsig_locked());
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

/**
 * lock_write() - lock the policy until reboot
 * @file: the open "lock" file
 * @ubuf: a boolean, as kstrtobool() reads it
 * @count: its length
 * @ppos: unused
 *
 * Return: @count, or -EPERM (opener without CAP_SYS_ADMIN; or "0" once
 * locked), -EINVAL (size outside 1..80, not a boolean), -EFAULT, -ENOMEM.
 */
static ssize_t lock_write(struct file *file, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	bool lock;
	char *buf;
	int err;

	buf = copy_write(file, ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	err = kstrtobool(buf, &lock);
	kfree(buf);
	if (err)
		return err;
	/* The lock is one-way: "0" is accepted only while unlocked. */
	if (!lock)
		return bpfsig_locked() ? -EPERM : count;
	if (bpfsig_lock()) {
		pr_notice("policy locked by pid=%d\n", task_tgid_nr(current));
		bpfsig_audit_change("lock", "0", "1");
	}
	return count;
}

static int stats_show(struct seq_file *m, void *v)
{
	return bpfsig_stats_show(m, bpfsig_early_stage_active());
}

/* A file shown at once by @show (seq_file single_open()). */
static int sfs_single_open(struct file *file,
			   int (*show)(struct seq_file *m, void *v))
{
	int err = sfs_get();

	if (err)
		return err;
	err = single_open(file, show, NULL);
	if (err)
		module_put(THIS_MODULE);
	return err;
}

static int stats_open(struct inode *inode, struct file *file)
{
	return sfs_single_open(file, stats_show);
}

static int stats_release(struct inode *inode, struct file *file)
{
	single_release(inode, file);
	return sfs_release(inode, file);
}

/*
 * "revoke" lists the digests one line at a time, under rcu_read_lock()
 * from start to stop: a read never allocates for the whole list, and
 * never takes the lock that writers take.
 */
static void *revoke_start(struct seq_file *m, loff_t *pos)
	__acquires(RCU)
{
	rcu_read_lock();
	return (void *)bpfsig_revoked_nth(*pos);
}

static void *revoke_next(struct seq_file *m, void *v, loff_t *pos)
{
	return (void *)bpfsig_revoked_nth(++*pos);
}

static void revoke_stop(struct seq_file *m, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

static int revoke_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%32phN\n", v);
	return 0;
}

static const struct seq_operations revoke_seq_ops = {
	.start = revoke_start,
	.next = revoke_next,
	.stop = revoke_stop,
	.show = revoke_show,
};

static int revoke_open(struct inode *inode, struct file *file)
{
	int err = sfs_get();

	if (err)
		return err;
	err = seq_open(file, &revoke_seq_ops);
	if (err)
		module_put(THIS_MODULE);
	return err;
}

static int revoke_release(struct inode *inode, struct file *file)
{
	seq_release(inode, file);
	return sfs_release(inode, file);
}

/*
 * A written SHA-256 digest: @prefix, then 64 hex digits (white space
 * around). 0, -EINVAL, or copy_write()'s error.
 */
static int write_digest(struct file *file, const char __user *ubuf,
			size_t count, const char *prefix, u8 *digest)
{
	size_t plen = strlen(prefix);
	char *buf, *hex;
	int err = -EINVAL;

	buf = copy_write(file, ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	hex = strim(buf);
	if (!strncmp(hex, prefix, plen) && strlen(hex) == plen + 64)
		err = hex2bin(digest, hex + plen, 32) ? -EINVAL : 0;
	kfree(buf);
	return err;
}

/**
 * revoke_write() - refuse a signed statement from now on
 * @file: the open "revoke" file
 * @ubuf: the statement's SHA-256 digest, 64 hex digits (white space around)
 * @count: its length
 * @ppos: unused
 *
 * Return: @count (also for a digest revoked already), or -EPERM (opener
 * without CAP_SYS_ADMIN), -EINVAL (size outside 1..80, not 64 hex digits),
 * -ENOSPC (BPFSIG_MAX_REVOKED digests revoked already), -EFAULT, -ENOMEM.
 */
static ssize_t revoke_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char shown[65];
	u8 digest[32];
	int err;

	err = write_digest(file, ubuf, count, "", digest);
	if (err)
		return err;
	err = bpfsig_revoke_add(digest);
	if (err == -EEXIST)
		return count;
	if (err == -ENOSPC)
		pr_notice_ratelimited("revocation list full (%d statements): remove the signing key instead\n",
				      BPFSIG_MAX_REVOKED);
	if (err)
		return err;
	snprintf(shown, sizeof(shown), "%32phN", digest);
	pr_notice("statement %s revoked by pid=%d\n", shown,
		  task_tgid_nr(current));
	bpfsig_audit_change("revoke", "-", shown);
	return count;
}

/* A certificate: RSA-4096 ones are about 1.4 KiB; leave room. */
#define MAX_CERT 16384
/* A key description, as logged and audited ("CN: key id", cut). */
#define DESC_SIZE 128

/**
 * key_add_write() - add a certificate to .bpfsig
 * @file: the open "key_add" file; reading it afterwards gives the serial
 *	of the key this write added, as keyctl padd prints it
 * @ubuf: one DER X.509 certificate
 * @count: its length
 * @ppos: unused
 *
 * Return: @count, or -EPERM (opener without CAP_SYS_ADMIN), -EINVAL (size
 * outside 1..MAX_CERT), -EFAULT, and the errors of bpfsig_key_add():
 * -EBADMSG, -ENOPKG, -ENOKEY, -EKEYREJECTED, -ENOMEM.
 */
static ssize_t key_add_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	key_serial_t serial;
	char desc[DESC_SIZE];
	void *der;
	int err;

	der = copy_binary(file, ubuf, count, MAX_CERT);
	if (IS_ERR(der))
		return PTR_ERR(der);
	err = bpfsig_key_add(der, count, &serial, desc, sizeof(desc));
	kfree(der);
	if (err)
		return err;
	file->private_data = (void *)(long)serial;
	pr_notice("key %d (%*pE) added by pid=%d\n", serial,
		  (int)strlen(desc), desc, task_tgid_nr(current));
	bpfsig_audit_key("key_add", serial, desc);
	return count;
}

static ssize_t key_add_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	long serial = (long)file->private_data;
	char buf[16];
	int len = 0;

	if (serial)
		len = scnprintf(buf, sizeof(buf), "%ld\n", serial);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

/**
 * key_remove_write() - remove a key from .bpfsig
 * @file: the open "key_remove" file
 * @ubuf: the key's serial, in decimal (white space around)
 * @count: its length
 * @ppos: unused
 *
 * Return: @count, or -EPERM (opener without CAP_SYS_ADMIN), -EINVAL (size
 * outside 1..80, not a positive 32-bit number), -ENOKEY (no such key),
 * -ENOENT (not in .bpfsig), -EFAULT, -ENOMEM.
 */
static ssize_t key_remove_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	char desc[DESC_SIZE], *buf;
	key_serial_t serial;
	int err;

	buf = copy_write(file, ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	err = kstrtos32(strim(buf), 10, &serial);
	kfree(buf);
	if (err)
		return -EINVAL;
	err = bpfsig_key_remove(serial, desc, sizeof(desc));
	if (err)
		return err;
	pr_notice("key %d (%*pE) removed by pid=%d\n", serial,
		  (int)strlen(desc), desc, task_tgid_nr(current));
	bpfsig_audit_key("key_remove", serial, desc);
	return count;
}

/* A loader entry: its line, and a CMS signature over it. */
#define MAX_LOADER_ENTRY 16384
#define LOADER_LINE_SHOWN 160

/**
 * loader_add_write() - add or replace a trusted loader entry
 * @file: the open "loader_add" file
 * @ubuf: the entry's line and a newline, then, optionally, a detached CMS
 *	signature (DER) over both; once the policy is locked, required
 * @count: its length
 * @ppos: unused
 *
 * Return: @count, or -EPERM (opener without CAP_SYS_ADMIN; or an unsigned
 * entry once locked), -EINVAL (size outside 1..MAX_LOADER_ENTRY, malformed
 * line), -EFAULT, and the errors of bpfsig_loader_add(): -EBADMSG,
 * -ENOKEY, -EKEYREJECTED, -EKEYREVOKED, -ENOPKG, -ENOSPC, -ENOMEM.
 */
static ssize_t loader_add_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	char line[LOADER_LINE_SHOWN], shown[72];
	u8 digest[32];
	void *buf;
	int err;

	buf = copy_binary(file, ubuf, count, MAX_LOADER_ENTRY);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	line[0] = '\0';
	err = bpfsig_loader_add(buf, count, line, sizeof(line), digest);
	kfree(buf);
	if (err)
		return err;
	pr_notice("trusted loader added by pid=%d: %s\n",
		  task_tgid_nr(current), line);
	snprintf(shown, sizeof(shown), "sha256=%32phN", digest);
	bpfsig_audit_change("loader_add", "-", shown);
	return count;
}

/**
 * loader_remove_write() - remove a trusted loader entry
 * @file: the open "loader_remove" file
 * @ubuf: "sha256=" and the executable's digest, 64 hex digits (white
 *	space around)
 * @count: its length
 * @ppos: unused
 *
 * Return: @count, or -EPERM (opener without CAP_SYS_ADMIN), -EINVAL (size
 * outside 1..80, not "sha256=" and 64 hex digits), -ENOENT (no such
 * entry), -EFAULT, -ENOMEM.
 */
static ssize_t loader_remove_write(struct file *file,
				   const char __user *ubuf, size_t count,
				   loff_t *ppos)
{
	char shown[72];
	u8 digest[32];
	int err;

	err = write_digest(file, ubuf, count, "sha256=", digest);
	if (err)
		return err;
	err = bpfsig_loader_remove(digest);
	if (err)
		return err;
	snprintf(shown, sizeof(shown), "sha256=%32phN", digest);
	pr_notice("trusted loader %s removed by pid=%d\n", shown,
		  task_tgid_nr(current));
	bpfsig_audit_change("loader_remove", shown, "-");
	return count;
}

static int loaders_show(struct seq_file *m, void *v)
{
	return bpfsig_loader_show(m);
}

static int loaders_open(struct inode *inode, struct file *file)
{
	return sfs_single_open(file, loaders_show);
}

static const struct file_operations mode_fops = {
	.open = sfs_open,
	.read = mode_read,
	.write = mode_write,
	.llseek = generic_file_llseek,
	.release = sfs_release,
};

static const struct file_operations trust_fops = {
	.open = sfs_open,
	.read = trust_read,
	.write = trust_write,
	.llseek = generic_file_llseek,
	.release = sfs_release,
};

static const struct file_operations lock_fops = {
	.open = sfs_open,
	.read = lock_read,
	.write = lock_write,
	.llseek = generic_file_llseek,
	.release = sfs_release,
};

static const struct file_operations stats_fops = {
	.open = stats_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = stats_release,
};

static const struct file_operations revoke_fops = {
	.open = revoke_open,
	.read = seq_read,
	.write = revoke_write,
	.llseek = seq_lseek,
	.release = revoke_release,
};

static const struct file_operations key_add_fops = {
	.open = sfs_open,
	.read = key_add_read,
	.write = key_add_write,
	.llseek = generic_file_llseek,
	.release = sfs_release,
};

static const struct file_operations key_remove_fops = {
	.open = sfs_open,
	.write = key_remove_write,
	.llseek = generic_file_llseek,
	.release = sfs_release,
};

static const struct file_operations loader_add_fops = {
	.open = sfs_open,
	.write = loader_add_write,
	.llseek = generic_file_llseek,
	.release = sfs_release,
};

static const struct file_operations loader_remove_fops = {
	.open = sfs_open,
	.write = loader_remove_write,
	.llseek = generic_file_llseek,
	.release = sfs_release,
};

static const struct file_operations loaders_fops = {
	.open = loaders_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = stats_release,
};

/**
 * bpfsig_fs_init() - create /sys/kernel/security/bpfsig/ and its files
 *
 * Return: 0, or an error of securityfs_create_dir() or
 * securityfs_create_file(): -EEXIST (a "bpfsig" directory exists already),
 * -ENOMEM, -ENODEV (securityfs unavailable).
 */
int bpfsig_fs_init(void)
{
	static const struct {
		const char *name;
		umode_t mode;
		const struct file_operations *fops;
	} table[] = {
		{ "mode", 0600, &mode_fops },
		{ "trust", 0600, &trust_fops },
		{ "lock", 0600, &lock_fops },
		{ "stats", 0444, &stats_fops },
		{ "revoke", 0600, &revoke_fops },
		{ "key_add", 0600, &key_add_fops },
		{ "key_remove", 0200, &key_remove_fops },
		{ "loader_add", 0200, &loader_add_fops },
		{ "loader_remove", 0200, &loader_remove_fops },
		{ "loaders", 0600, &loaders_fops },
	};
	int i;

	BUILD_BUG_ON(ARRAY_SIZE(table) != ARRAY_SIZE(files));
	dir = securityfs_create_dir("bpfsig", NULL);
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	for (i = 0; i < ARRAY_SIZE(table); i++) {
		files[i] = securityfs_create_file(table[i].name, table[i].mode,
						  dir, NULL, table[i].fops);
		if (IS_ERR(files[i])) {
			int err = PTR_ERR(files[i]);

			files[i] = NULL;
			bpfsig_fs_exit();
			return err;
		}
	}
	return 0;
}

/**
 * bpfsig_fs_ready() - let the files be opened: the module is loaded
 */
void bpfsig_fs_ready(void)
{
	WRITE_ONCE(ready, true);
}

/**
 * bpfsig_fs_exit() - remove the files and the directory
 *
 * No file is open (an open file holds a reference on the module), but
 * others may still hold one: an open under way (refused now, see
 * sfs_get()), a close under way (after sfs_release()), a path walk, an
 * O_PATH descriptor. Each file is made unusable without this module
 * (make_bad_inode(): an open gets -EIO from the VFS, also through
 * /proc/PID/fd), removed and unhashed (securityfs on 6.1 and 6.12 does not
 * remove a directory with a hashed file still held, and the next load
 * would fail with -EEXIST), then waited for until no one else holds it:
 * until then an open or a close under way may still be in this module's
 * code. A file held for longer (an O_PATH descriptor) is waited for 10 s
 * at most.
 */
void bpfsig_fs_exit(void)
{
	unsigned long deadline = jiffies + 10 * HZ;
	struct dentry *d;
	int i;

	for (i = ARRAY_SIZE(files) - 1; i >= 0; i--) {
		d = files[i];
		files[i] = NULL;
		if (!d)
			continue;
		dget(d);
		make_bad_inode(d_inode(d));
		securityfs_remove(d);
		d_drop(d);
		while (d_count(d) > 1 && time_before(jiffies, deadline))
			msleep(20);
		if (d_count(d) > 1)
			pr_warn("securityfs file %pd still held after 10 s; unloading anyway\n",
				d);
		dput(d);
	}
	securityfs_remove(dir);
	dir = NULL;
}
