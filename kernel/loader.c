// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

/*
 * bpfsig - trusted loaders: executables allowed to load unsigned programs
 * of the types listed for them (Documentation/design.md, "Trusted loaders").
 *
 * A loader is identified by what it is: the SHA-256 of the file its
 * process executes (current->mm->exe_file), computed here. Shared
 * libraries and the interpreter are not covered. fs-verity is not used:
 * the file's own content is hashed, whatever the filesystem.
 *
 * Digests are cached per file: device, inode, size, mtime, ctime and,
 * where the filesystem keeps one (SB_I_VERSION), the inode's change
 * counter. Any change to the file changes one of them, and the next load
 * hashes the file again. The attributes are read before and after hashing:
 * a file that changes meanwhile is not trusted (and not cached).
 *
 * Only an unsigned load (no appended region, -ENODATA) is ever allowed
 * here; a load that carries a region is judged by its signature alone.
 * And only for a caller with CAP_BPF or CAP_SYS_ADMIN: anyone may run a
 * trusted executable (with LD_PRELOAD, under ptrace), but only those who
 * could load programs anyway gain by it.
 *
 * Entries: the line "bpfsig-loader-v1 sha256=HEX types=N[,N...]
 * [attach=N[,N...]] [path=PATH]", written to loader_add. Before the lock,
 * CAP_SYS_ADMIN suffices; once locked, the line must be followed by a
 * detached CMS signature over it (its bytes up to and including the
 * newline) from a key the programs' signatures are checked against.
 * Removing an entry only narrows the policy: allowed, locked or not.
 */
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iversion.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/stat.h>
#include <linux/string.h>
#include <crypto/hash.h>
#include <crypto/sha2.h>
#include "bpfsig.h"

#define LOADER_MAGIC "bpfsig-loader-v1 "
#define MAX_ENTRIES 64
#define MAX_EXE_SIZE (256 << 20)	/* larger executables are not hashed */
#define CACHE_SLOTS 16
#define READ_CHUNK 65536

struct entry {
	struct list_head list;
	u8 digest[SHA256_DIGEST_SIZE];
	u64 types;		/* bit per program type */
	u64 attach;		/* bit per expected attach type; 0: any */
	bool signed_;
	char path[BPFSIG_LOADER_PATH_MAX];	/* informational ("" if none) */
};

static LIST_HEAD(entries);
static unsigned int nr_entries;
static DEFINE_MUTEX(entries_lock);

/* What identifies one version of a file's content, short of hashing it. */
struct file_id {
	dev_t dev;
	u64 ino;
	loff_t size;
	struct timespec64 mtime, ctime;
	u64 iversion;
	bool has_iversion;
};

struct cache_slot {
	struct file_id id;
	u8 digest[SHA256_DIGEST_SIZE];
	bool used;
};

static struct cache_slot cache[CACHE_SLOTS];
static unsigned int cache_next;
static DEFINE_SPINLOCK(cache_lock);

static int file_id_get(struct file *file, struct file_id *id)
{
	struct inode *inode = file_inode(file);
	struct kstat st;
	int err;

	err = vfs_getattr_nosec(&file->f_path, &st, STATX_BASIC_STATS,
				AT_STATX_SYNC_AS_STAT);
	if (err)
		return err;
	memset(id, 0, sizeof(*id));
	id->dev = st.dev;
	id->ino = st.ino;
	id->size = st.size;
	id->mtime = st.mtime;
	id->ctime = st.ctime;
	id->has_iversion = IS_I_VERSION(inode);
	if (id->has_iversion)
		id->iversion = inode_query_iversion(inode);
	return 0;
}

static bool file_id_eq(const struct file_id *a, const struct file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       timespec64_equal(&a->mtime, &b->mtime) &&
	       timespec64_equal(&a->ctime, &b->ctime) &&
	       a->has_iversion == b->has_iversion &&
	       a->iversion == b->iversion;
}

static bool cache_lookup(const struct file_id *id, u8 *digest)
{
	bool found = false;
	int i;

	spin_lock(&cache_lock);
	for (i = 0; i < CACHE_SLOTS && !found; i++) {
		if (cache[i].used && file_id_eq(&cache[i].id, id)) {
			memcpy(digest, cache[i].digest, SHA256_DIGEST_SIZE);
			found = true;
		}
	}
	spin_unlock(&cache_lock);
	return found;
}

static void cache_store(const struct file_id *id, const u8 *digest)
{
	struct cache_slot *s;
	int i;

	spin_lock(&cache_lock);
	/* One slot per file: a new version replaces the old one. */
	for (i = 0; i < CACHE_SLOTS; i++)
		if (cache[i].used && cache[i].id.dev == id->dev &&
		    cache[i].id.ino == id->ino)
			break;
	if (i == CACHE_SLOTS) {
		i = cache_next;
		cache_next = (cache_next + 1) % CACHE_SLOTS;
	}
	s = &cache[i];
	s->id = *id;
	memcpy(s->digest, digest, SHA256_DIGEST_SIZE);
	s->used = true;
	spin_unlock(&cache_lock);
}

static int hash_file(struct file *file, loff_t size, u8 *digest)
{
	struct crypto_shash *tfm;
	loff_t pos = 0;
	void *buf;
	int err;

	tfm = crypto_alloc_shash("sha256", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	buf = kmalloc(READ_CHUNK, GFP_KERNEL);
	if (!buf) {
		crypto_free_shash(tfm);
		return -ENOMEM;
	}
	{
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		err = crypto_shash_init(desc);
		while (!err && pos < size) {
			ssize_t n = kernel_read(file, buf,
						min_t(loff_t, READ_CHUNK,
						      size - pos), &pos);

			if (n <= 0)
				err = n ? n : -EIO;
			else
				err = crypto_shash_update(desc, buf, n);
			cond_resched();
		}
		if (!err)
			err = crypto_shash_final(desc, digest);
		shash_desc_zero(desc);
	}
	kfree(buf);
	crypto_free_shash(tfm);
	return err;
}

/*
 * The digest of @file's content now: from the cache, or hashed (and then
 * cached if the file did not change while it was read).
 *
 * Return: 0, -EFBIG (larger than MAX_EXE_SIZE), -ESTALE (changed while
 * hashed), or an error of reading or hashing it.
 */
static int exe_digest(struct file *file, u8 *digest)
{
	struct file_id before, after;
	int err;

	err = file_id_get(file, &before);
	if (err)
		return err;
	if (cache_lookup(&before, digest))
		return 0;
	if (before.size > MAX_EXE_SIZE)
		return -EFBIG;
	err = hash_file(file, before.size, digest);
	if (err)
		return err;
	err = file_id_get(file, &after);
	if (err)
		return err;
	if (!file_id_eq(&before, &after))
		return -ESTALE;
	cache_store(&before, digest);
	return 0;
}

/* The executable of the current process, or NULL (a kernel thread). */
static struct file *current_exe(void)
{
	struct mm_struct *mm = get_task_mm(current);
	struct file *exe;

	if (!mm)
		return NULL;
	rcu_read_lock();
	exe = bpfsig_get_exe_file(mm);
	rcu_read_unlock();
	mmput(mm);
	return exe;
}

static struct entry *find_digest(const u8 *digest)
{
	struct entry *e;

	list_for_each_entry(e, &entries, list)
		if (!memcmp(e->digest, digest, SHA256_DIGEST_SIZE))
			return e;
	return NULL;
}

static struct entry *find_path(const char *path)
{
	struct entry *e;

	list_for_each_entry(e, &entries, list)
		if (e->path[0] && !strcmp(e->path, path))
			return e;
	return NULL;
}

static bool bit_set(u64 mask, u32 n)
{
	return n < 64 && (mask & BIT_ULL(n));
}

/**
 * bpfsig_loader_check() - is an unsigned load made by a trusted loader?
 * @d: the decision of an unsigned load; its loader fields are filled in
 *	(bpfsig_loader_done() releases them)
 * @prog_type: the load's program type
 * @attach_type: its expected attach type
 *
 * Sets @d->loader to BPFSIG_LOADER_NONE (no entry concerns the caller's
 * executable, or the caller lacks CAP_BPF and CAP_SYS_ADMIN),
 * BPFSIG_LOADER_TRUSTED (its digest has an entry that lists @prog_type
 * and, if the entry lists attach types, @attach_type),
 * BPFSIG_LOADER_TYPE (an entry, without this type) or
 * BPFSIG_LOADER_CHANGED (no entry for its digest, but one for its path:
 * the file changed since the entry was made, or could not be hashed).
 *
 * Return: 0 (trusted), -EPROTOTYPE (type not allowed for this loader) or
 * -ENODATA (unsigned, as before).
 */
int bpfsig_loader_check(struct bpfsig_decision *d, u32 prog_type,
			u32 attach_type)
{
	struct entry *e;
	struct file *exe;
	char *p;
	int err;

	d->loader = BPFSIG_LOADER_NONE;
	/* Trusted for privileged callers only (see the top of this file). */
	if (!READ_ONCE(nr_entries) || d->unprivileged)
		return -ENODATA;
	exe = current_exe();
	if (!exe)
		return -ENODATA;
	d->loader_path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!d->loader_path) {
		fput(exe);
		return -ENODATA;
	}
	p = file_path(exe, d->loader_path, PATH_MAX);
	if (IS_ERR(p))
		strscpy(d->loader_path, "?", PATH_MAX);
	else
		memmove(d->loader_path, p, strlen(p) + 1);
	err = exe_digest(exe, d->loader_digest);
	fput(exe);

	mutex_lock(&entries_lock);
	e = err ? NULL : find_digest(d->loader_digest);
	if (e && bit_set(e->types, prog_type) &&
	    (!e->attach || bit_set(e->attach, attach_type)))
		d->loader = BPFSIG_LOADER_TRUSTED;
	else if (e)
		d->loader = BPFSIG_LOADER_TYPE;
	else if (find_path(d->loader_path))
		d->loader = BPFSIG_LOADER_CHANGED;
	mutex_unlock(&entries_lock);
	if (err) {
		/* The log line of the decision says which file. */
		memset(d->loader_digest, 0, sizeof(d->loader_digest));
		pr_notice_ratelimited("loader %s: cannot hash it (%d): not trusted\n",
				      d->loader_path, err);
	}
	switch (d->loader) {
	case BPFSIG_LOADER_TRUSTED:
		return 0;
	case BPFSIG_LOADER_TYPE:
		return -EPROTOTYPE;
	default:
		return -ENODATA;
	}
}

/**
 * bpfsig_loader_done() - release what bpfsig_loader_check() allocated
 * @d: the decision
 */
void bpfsig_loader_done(struct bpfsig_decision *d)
{
	kfree(d->loader_path);
	d->loader_path = NULL;
}

/* "N[,N...]" of numbers below 64, into a bit mask (nonzero). */
static int parse_list(const char *s, u64 *mask)
{
	char num[8];

	*mask = 0;
	while (*s) {
		size_t n = strcspn(s, ",");
		u32 v;

		if (!n || n >= sizeof(num))
			return -EINVAL;
		memcpy(num, s, n);
		num[n] = '\0';
		if (kstrtou32(num, 10, &v) || v >= 64)
			return -EINVAL;
		*mask |= BIT_ULL(v);
		s += n;
		if (*s == ',' && !*++s)
			return -EINVAL;
	}
	return *mask ? 0 : -EINVAL;
}

/*
 * Parse one entry's line (without its newline, NUL-terminated, modified):
 * the magic, then sha256= and types= (required), attach= and path=, each
 * at most once, separated by single spaces.
 */
static int parse_line(char *line, struct entry *e)
{
	bool have_digest = false, have_types = false, have_attach = false;
	bool have_path = false;
	char *tok;

	if (strncmp(line, LOADER_MAGIC, strlen(LOADER_MAGIC)))
		return -EINVAL;
	line += strlen(LOADER_MAGIC);
	while ((tok = strsep(&line, " ")) != NULL) {
		if (str_has_prefix(tok, "sha256=") && !have_digest) {
			tok += strlen("sha256=");
			if (strlen(tok) != 2 * SHA256_DIGEST_SIZE ||
			    hex2bin(e->digest, tok, SHA256_DIGEST_SIZE))
				return -EINVAL;
			have_digest = true;
		} else if (str_has_prefix(tok, "types=") && !have_types) {
			if (parse_list(tok + strlen("types="), &e->types))
				return -EINVAL;
			have_types = true;
		} else if (str_has_prefix(tok, "attach=") && !have_attach) {
			if (parse_list(tok + strlen("attach="), &e->attach))
				return -EINVAL;
			have_attach = true;
		} else if (str_has_prefix(tok, "path=") && !have_path) {
			tok += strlen("path=");
			if (tok[0] != '/' ||
			    strscpy(e->path, tok, sizeof(e->path)) < 0)
				return -EINVAL;
			have_path = true;
		} else {
			return -EINVAL;
		}
	}
	return have_digest && have_types ? 0 : -EINVAL;
}

/**
 * bpfsig_loader_add() - add (or replace) a trusted loader entry
 * @buf: the line, its newline, and optionally a detached CMS signature
 *	over both (DER)
 * @len: bytes in @buf
 * @line: set to the entry's line (for the log), cut to @size
 * @size: size of @line
 * @digest: set to the entry's digest (for the audit record)
 *
 * The caller has checked CAP_SYS_ADMIN. An entry for the same digest is
 * replaced. Once the policy is locked, an unsigned line is refused.
 *
 * Return: 0, or -EINVAL (no newline, a malformed line, a control
 * character in it), -EPERM (unsigned, and the policy is locked), the
 * errors of the signature's verification (-EBADMSG, -ENOKEY,
 * -EKEYREJECTED, -EKEYREVOKED, -ENOPKG), -ENOSPC (MAX_ENTRIES already),
 * -ENOMEM.
 */
int bpfsig_loader_add(const u8 *buf, size_t len, char *line, size_t size,
		      u8 *digest)
{
	const u8 *nl = memchr(buf, '\n', len);
	size_t line_len, i;
	struct entry *e, *old;
	char *text;
	int err;

	if (!nl)
		return -EINVAL;
	line_len = nl - buf;
	for (i = 0; i < line_len; i++)
		if (buf[i] < 0x20 || buf[i] > 0x7e)
			return -EINVAL;
	text = kmemdup_nul(buf, line_len, GFP_KERNEL);
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!text || !e) {
		err = -ENOMEM;
		goto out;
	}
	strscpy(line, text, size);
	err = parse_line(text, e);
	if (err)
		goto out;
	memcpy(digest, e->digest, SHA256_DIGEST_SIZE);
	if (len > line_len + 1) {
		err = bpfsig_verify_detached(buf, line_len + 1, nl + 1,
					     len - line_len - 1);
		if (err)
			goto out;
		e->signed_ = true;
	}

	mutex_lock(&entries_lock);
	/*
	 * An add that races with the lock may land just after it, as a key's
	 * enrolment may (keyring.c): it began while the policy was unlocked.
	 */
	if (!e->signed_ && bpfsig_locked()) {
		err = -EPERM;
	} else {
		old = find_digest(e->digest);
		if (old) {
			list_replace(&old->list, &e->list);
			kfree(old);
			e = NULL;
		} else if (nr_entries >= MAX_ENTRIES) {
			err = -ENOSPC;
		} else {
			list_add_tail(&e->list, &entries);
			WRITE_ONCE(nr_entries, nr_entries + 1);
			e = NULL;
		}
	}
	mutex_unlock(&entries_lock);
out:
	kfree(e);
	kfree(text);
	return err;
}

/**
 * bpfsig_loader_remove() - remove the entry of a digest
 * @digest: the executable's SHA-256
 *
 * The caller has checked CAP_SYS_ADMIN. The next load is judged without
 * the entry.
 *
 * Return: 0, or -ENOENT (no entry for @digest).
 */
int bpfsig_loader_remove(const u8 *digest)
{
	struct entry *e;

	mutex_lock(&entries_lock);
	e = find_digest(digest);
	if (e) {
		list_del(&e->list);
		WRITE_ONCE(nr_entries, nr_entries - 1);
	}
	mutex_unlock(&entries_lock);
	if (!e)
		return -ENOENT;
	kfree(e);
	return 0;
}

static void show_list(struct seq_file *m, const char *key, u64 mask)
{
	const char *sep = "=";
	u32 n;

	seq_puts(m, key);
	for (n = 0; n < 64; n++) {
		if (mask & BIT_ULL(n)) {
			seq_printf(m, "%s%u", sep, n);
			sep = ",";
		}
	}
}

/**
 * bpfsig_loader_show() - the entries, one line each, as loader_add takes
 *	them, followed by " signed=0" or " signed=1"
 * @m: the seq_file of securityfs "loaders"
 *
 * Return: 0.
 */
int bpfsig_loader_show(struct seq_file *m)
{
	struct entry *e;

	mutex_lock(&entries_lock);
	list_for_each_entry(e, &entries, list) {
		seq_printf(m, LOADER_MAGIC "sha256=%*phN", SHA256_DIGEST_SIZE,
			   e->digest);
		show_list(m, " types", e->types);
		if (e->attach)
			show_list(m, " attach", e->attach);
		if (e->path[0])
			seq_printf(m, " path=%s", e->path);
		seq_printf(m, " signed=%d\n", e->signed_);
	}
	mutex_unlock(&entries_lock);
	return 0;
}

void bpfsig_loader_exit(void)
{
	struct entry *e, *tmp;

	list_for_each_entry_safe(e, tmp, &entries, list) {
		list_del(&e->list);
		kfree(e);
	}
	nr_entries = 0;
}
