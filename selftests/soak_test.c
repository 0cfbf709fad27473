// SPDX-License-Identifier: GPL-2.0
/*
 * bpfsig selftests: soak. For a bounded time, threads load signed, unsigned
 * and malformed programs while others switch the mode (off, permissive,
 * enforce; never lock), enroll and remove a key, revoke statements, read
 * every securityfs file, and unload and reload the module. Run as root in
 * the VM with bpfsig.ko NOT loaded (selftests/soak.sh); the module is
 * loaded, reloaded and finally unloaded by the test.
 *
 *   soak_test [--ko PATH] [--duration S] [--loaders N] [--seed S]
 *             [--reader-closes]
 *
 * --reader-closes: the securityfs reader never holds a file open across
 * an unload (the unloader waits for it). Without it, the reader keeps its
 * files open for a few milliseconds while the module may go away, which a
 * module without owned file operations does not survive.
 *
 * The oracle, sound under races. Writers change the state in operations:
 * an operation increments `active` and `seq` before its change and `seq`
 * again (then decrements `active`) after it, and updates the recorded state
 * in between. Mode writes and unload/reload are also "enforcement"
 * operations (`active_enf`, `enf_seq`). A loader reads the counters, then
 * the recorded state, loads, and reads the sequence numbers again:
 *  - stable: no operation was active when it started and `seq` did not
 *    move. Then the recorded state held for the whole load (an operation
 *    that started after the first read began its change after the load
 *    returned; one that started before had finished, state recorded, when
 *    `active` was read). The answer is predicted exactly: module loaded or
 *    not, mode, keys enrolled, statements revoked -> success or one errno,
 *    and one counter (or none, mode off or module unloaded).
 *  - enforcing: no enforcement operation active at the start, `enf_seq`
 *    unchanged, and the recorded state says loaded and enforce. Keys and
 *    revocations may have changed during the load, the gate did not:
 *    unsigned, malformed and untrusted loads get exactly their errno, a
 *    load signed by the key that is never removed succeeds, one signed by
 *    the key being added and removed succeeds or gets ENOKEY, a revocable
 *    statement succeeds or gets EKEYREVOKED (EKEYREVOKED only, if it was
 *    already revoked when the load started).
 *  - otherwise: the answer must be one that some state could give for
 *    that kind of program (e.g. a malformed program never loads), or the
 *    kernel's own answer for that very buffer, its appended region not
 *    stripped (measured at setup, before the module is loaded: usually
 *    EINVAL, but the bytes of a signature, which differ with the test
 *    keys, can make the verifier say something else, such as EPROTO for
 *    what reads as a kfunc call).
 * Any other answer is a wrong verdict.
 *
 * Counters: a checkpoint thread stops everything every second or two (a
 * rwlock every operation holds for reading) and reads `stats`. Between
 * two checkpoints of the same module instance (no reload in between),
 * each counter must have moved by at least what the stable loads say and
 * at most that plus the unstable loads that could have moved it. The
 * module's reference count must be 0 at every checkpoint (nothing in
 * flight), and the final unload must succeed.
 *
 * Leaks: kmemleak exists only on the debug kernel; soak.sh scans it there.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include "common.h"
#include "audit_status.h"

#define NR_REVOCABLE	48
#define MAX_LOADERS	8

enum kind {
	K_STABLE,	/* rsa2048: enrolled at every module load, never removed */
	K_CHURN,	/* spare: enrolled and removed by the key thread */
	K_REVOCABLE,	/* rsa2048, statements the revoker revokes */
	K_UNSIGNED,
	K_MALFORMED,	/* trailer version 2: EBADMSG */
	K_NOPKG,	/* statement hash_algo 9: ENOPKG */
	K_UNTRUSTED,	/* untrusted: never enrolled */
	K_NR,
};

static const char *const kind_names[K_NR] = {
	"stable_key", "churn_key", "revocable", "unsigned", "malformed",
	"nopkg", "untrusted",
};

enum smode { M_OFF, M_PERMISSIVE, M_ENFORCE };
static const char *const mode_names[] = { "off", "permissive", "enforce" };

/* The recorded state, as the writers left it. */
struct state {
	bool loaded;
	enum smode mode;
	bool stable_in, churn_in;
	unsigned long gen;		/* module instance */
	uint64_t revoked;		/* revocable statements, this instance */
	int nr_revoked;
	key_serial_t keyring, churn_id;
};

static struct state state;
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_ulong seq, enf_seq;
static atomic_int active, active_enf;
static atomic_bool stop;

/* world: every operation reads, checkpoints write. */
static pthread_rwlock_t world;
/* writers of mode, keys, revocations against unload/reload */
static pthread_rwlock_t reload_lock;
/* --reader-closes: open securityfs files against the unload */
static pthread_rwlock_t fs_lock;

static bool reader_closes;
static const char *ko = "bpfsig.ko";
static uint64_t seed;

/* The programs. */
static struct blob progs[K_NR];
static struct blob revocable[NR_REVOCABLE];
/* The kernel's answer for each buffer, nothing stripped (setup()). */
static int bare[K_NR];
static int bare_revocable[NR_REVOCABLE];
static char revocable_hex[NR_REVOCABLE][65];
static char stable_der[8192], churn_der[8192];
static ssize_t stable_der_len, churn_der_len;

/* --- results ------------------------------------------------------------- */

static pthread_mutex_t res_lock = PTHREAD_MUTEX_INITIALIZER;
static long loads[K_NR][3];		/* by kind and level */
static long wrong;			/* wrong verdicts */
static long ops_mode, ops_key_add, ops_key_remove, ops_revoke;
static long ops_unload, ops_load, rmmod_busy, reads, read_errors;
static long read_bad, intervals_checked, intervals_skipped;
static long counters_bad, refcnt_bad;
static atomic_long setup_bad;

/* Counters since the last checkpoint: exact (stable loads), possible. */
static long exact[NR_COUNTERS], possible[NR_COUNTERS];

enum level { L_STABLE, L_ENFORCING, L_RACING };
static const char *const level_names[] = { "stable", "enforcing", "racing" };

#define SAY(...) do { \
	pthread_mutex_lock(&res_lock); \
	printf("# " __VA_ARGS__); \
	fflush(stdout); \
	pthread_mutex_unlock(&res_lock); \
} while (0)

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void sleep_ms(uint64_t *r, int lo, int hi)
{
	int ms = lo + rnd(r) % (hi - lo + 1);

	usleep(ms * 1000);
}

static int counter_index(const char *name)
{
	size_t i;

	for (i = 0; i < NR_COUNTERS; i++)
		if (!strcmp(counter_names[i], name))
			return i;
	return 0;
}

/* --- operations: the writers' protocol -------------------------------------- */

static void op_begin(bool enf)
{
	if (enf) {
		atomic_fetch_add(&active_enf, 1);
		atomic_fetch_add(&enf_seq, 1);
	}
	atomic_fetch_add(&active, 1);
	atomic_fetch_add(&seq, 1);
}

static void op_end(bool enf)
{
	atomic_fetch_add(&seq, 1);
	atomic_fetch_sub(&active, 1);
	if (enf) {
		atomic_fetch_add(&enf_seq, 1);
		atomic_fetch_sub(&active_enf, 1);
	}
}

/*
 * Enroll a DER certificate: through the module's securityfs file key_add
 * where it has one (it then answers with the key's serial), else with
 * add_key() into .bpfsig (@ring). The serial, or -errno.
 */
static key_serial_t enroll_cert(const char *der, ssize_t len, key_serial_t ring)
{
	key_serial_t id;
	char buf[32];
	ssize_t n;
	int fd;

	fd = open(SFS "key_add", O_RDWR);
	if (fd < 0) {
		if (errno != ENOENT)
			return -errno;
		id = add_key("asymmetric", NULL, der, len, ring);
		return id < 0 ? -errno : id;
	}
	n = write(fd, der, len) < 0 ? -errno : read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? n : -EIO;
	buf[n] = 0;
	return atoi(buf);
}

/* Remove it: key_remove where the module has it, else unlink. 0 or -errno. */
static int remove_cert(key_serial_t id, key_serial_t ring)
{
	char buf[32];

	if (access(SFS "key_remove", F_OK))
		return keyctl_unlink(id, ring) ? -errno : 0;
	snprintf(buf, sizeof(buf), "%d", id);
	return sfs_write("key_remove", buf);
}

/* Load the module and enroll the stable key; one enforcement operation. */
static int module_load(void)
{
	key_serial_t ring = -1;
	int fd, err = 0;

	op_begin(true);
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || syscall(__NR_finit_module, fd, "mode=enforce", 0))
		err = -errno;
	if (fd >= 0)
		close(fd);
	if (!err) {
		ring = bpfsig_keyring_id();
		err = ring < 0 ? -ENOKEY :
		      enroll_cert(stable_der, stable_der_len, ring);
		err = err < 0 ? err : 0;
	}
	pthread_mutex_lock(&state_lock);
	if (!err || ring >= 0) {
		state.loaded = true;
		state.mode = M_ENFORCE;
		state.stable_in = !err;
		state.churn_in = false;
		state.gen++;
		state.revoked = 0;
		state.nr_revoked = 0;
		state.keyring = ring;
	}
	pthread_mutex_unlock(&state_lock);
	op_end(true);
	ops_load++;
	return err;
}

/* Unload, waiting out the loads in flight; one enforcement operation. */
static int module_unload(void)
{
	int err = 0, tries = 0;

	op_begin(true);
	if (reader_closes)
		pthread_rwlock_wrlock(&fs_lock);
	while (syscall(__NR_delete_module, "bpfsig", O_NONBLOCK)) {
		err = -errno;
		if ((err != -EWOULDBLOCK && err != -EBUSY) || ++tries > 20000)
			break;
		rmmod_busy++;
		usleep(500);
		err = 0;
	}
	if (reader_closes)
		pthread_rwlock_unlock(&fs_lock);
	if (!err) {
		pthread_mutex_lock(&state_lock);
		state.loaded = false;
		state.stable_in = state.churn_in = false;
		pthread_mutex_unlock(&state_lock);
		ops_unload++;
	}
	op_end(true);
	return err;
}

static void *reloader(void *arg)
{
	uint64_t r = seed ^ 0x5eed0001;
	int err;

	(void)arg;
	while (!atomic_load(&stop)) {
		sleep_ms(&r, 4000, 8000);
		if (atomic_load(&stop))
			break;
		pthread_rwlock_rdlock(&world);
		pthread_rwlock_wrlock(&reload_lock);
		err = module_unload();
		pthread_rwlock_unlock(&reload_lock);
		pthread_rwlock_unlock(&world);
		if (err) {
			SAY("unload failed: %s\n", strerror(-err));
			setup_bad++;
			continue;
		}
		/* Loads run against no module at all for a moment. */
		sleep_ms(&r, 0, 300);
		pthread_rwlock_rdlock(&world);
		pthread_rwlock_wrlock(&reload_lock);
		err = module_load();
		pthread_rwlock_unlock(&reload_lock);
		pthread_rwlock_unlock(&world);
		if (err) {
			SAY("reload failed: %s%s\n", strerror(-err), err != -EEXIST ? "" :
			    " (securityfs still holds bpfsig/: the last unload left it behind)");
			setup_bad++;
			break;
		}
	}
	return NULL;
}

static void *mode_switcher(void *arg)
{
	uint64_t r = seed ^ 0x5eed0002;
	enum smode m;
	int err;

	(void)arg;
	while (!atomic_load(&stop)) {
		sleep_ms(&r, 40, 250);
		/* enforce half of the time, off now and then */
		m = rnd(&r) % 20;
		m = m < 10 ? M_ENFORCE : m < 17 ? M_PERMISSIVE : M_OFF;
		pthread_rwlock_rdlock(&world);
		pthread_rwlock_rdlock(&reload_lock);
		if (state.loaded) {
			op_begin(true);
			err = sfs_write("mode", mode_names[m]);
			pthread_mutex_lock(&state_lock);
			if (!err)
				state.mode = m;
			pthread_mutex_unlock(&state_lock);
			op_end(true);
			if (err) {
				SAY("mode %s: %s\n", mode_names[m], strerror(-err));
				setup_bad++;
			}
			ops_mode++;
		}
		pthread_rwlock_unlock(&reload_lock);
		pthread_rwlock_unlock(&world);
	}
	return NULL;
}

static void *key_churner(void *arg)
{
	uint64_t r = seed ^ 0x5eed0003;
	key_serial_t id;
	int err;

	(void)arg;
	while (!atomic_load(&stop)) {
		sleep_ms(&r, 50, 300);
		pthread_rwlock_rdlock(&world);
		pthread_rwlock_rdlock(&reload_lock);
		if (state.loaded) {
			op_begin(false);
			if (state.churn_in) {
				err = remove_cert(state.churn_id, state.keyring);
				pthread_mutex_lock(&state_lock);
				state.churn_in = !!err;
				pthread_mutex_unlock(&state_lock);
				ops_key_remove++;
			} else {
				id = enroll_cert(churn_der, churn_der_len,
						 state.keyring);
				err = id < 0 ? id : 0;
				pthread_mutex_lock(&state_lock);
				state.churn_in = !err;
				state.churn_id = id;
				pthread_mutex_unlock(&state_lock);
				ops_key_add++;
			}
			op_end(false);
			if (err) {
				SAY("key churn: %s\n", strerror(-err));
				setup_bad++;
			}
		}
		pthread_rwlock_unlock(&reload_lock);
		pthread_rwlock_unlock(&world);
	}
	return NULL;
}

static void *revoker(void *arg)
{
	uint64_t r = seed ^ 0x5eed0004;
	int i, err;

	(void)arg;
	while (!atomic_load(&stop)) {
		sleep_ms(&r, 100, 400);
		pthread_rwlock_rdlock(&world);
		pthread_rwlock_rdlock(&reload_lock);
		i = rnd(&r) % NR_REVOCABLE;
		if (state.loaded && !(state.revoked & 1ull << i)) {
			op_begin(false);
			err = sfs_write("revoke", revocable_hex[i]);
			pthread_mutex_lock(&state_lock);
			if (!err) {
				state.revoked |= 1ull << i;
				state.nr_revoked++;
			}
			pthread_mutex_unlock(&state_lock);
			op_end(false);
			if (err) {
				SAY("revoke: %s\n", strerror(-err));
				setup_bad++;
			}
			ops_revoke++;
		}
		pthread_rwlock_unlock(&reload_lock);
		pthread_rwlock_unlock(&world);
	}
	return NULL;
}

/* --- loads and their verdicts ---------------------------------------------- */

static int load(const struct blob *b)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (unsigned long)b->insns;
	attr.insn_cnt = b->cnt;
	attr.license = (unsigned long)"GPL";
	strcpy(attr.prog_name, "bpfsig_soak");
	fd = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
}

/* The counter a load of @k moves in a state where the gate judges it. */
static const char *verdict(const struct state *st, enum kind k, int rev)
{
	switch (k) {
	case K_STABLE:
		return st->stable_in ? "accepted" : "nokey";
	case K_CHURN:
		return st->churn_in ? "accepted" : "nokey";
	case K_REVOCABLE:
		return st->revoked & 1ull << rev ? "revoked" :
		       st->stable_in ? "accepted" : "nokey";
	case K_UNSIGNED:
		return "unsigned";
	case K_MALFORMED:
		return "malformed";
	case K_NOPKG:
		return "nopkg";
	default:
		return "nokey";
	}
}

static int verdict_errno(const char *v)
{
	return !strcmp(v, "accepted") ? 0 : !strcmp(v, "unsigned") ? -EPERM :
	       !strcmp(v, "malformed") ? -EBADMSG : !strcmp(v, "nopkg") ? -ENOPKG :
	       !strcmp(v, "revoked") ? -EKEYREVOKED : -ENOKEY;
}

#define ANY_FAILURE 1	/* the load fails, whatever the errno */

/* Stable state: the answer (0, -errno or ANY_FAILURE) and the counter. */
static int predict(const struct state *st, enum kind k, int rev,
		   const char **counter)
{
	bool has_region = k != K_UNSIGNED;
	bool parses = k != K_MALFORMED && k != K_NOPKG;
	const char *v;

	*counter = NULL;
	if (!st->loaded)	/* nobody strips the region: the verifier refuses */
		return has_region ? ANY_FAILURE : 0;
	if (st->mode == M_OFF)
		return parses ? 0 : ANY_FAILURE;
	v = verdict(st, k, rev);
	*counter = v;
	if (st->mode == M_PERMISSIVE)
		return parses ? 0 : ANY_FAILURE;
	return verdict_errno(v);
}

static bool answer_is(int want, int got)
{
	return want == ANY_FAILURE ? got < 0 : want == got ||
	       (want == 0 && got >= 0);
}

/* Loaded and enforcing throughout; keys and revocations may have moved. */
static bool enforcing_ok(const struct state *st, enum kind k, int rev, int got)
{
	switch (k) {
	case K_STABLE:
		return got >= 0;
	case K_CHURN:
		return got >= 0 || got == -ENOKEY;
	case K_REVOCABLE:
		if (st->revoked & 1ull << rev)
			return got == -EKEYREVOKED;
		return got >= 0 || got == -EKEYREVOKED;
	case K_UNSIGNED:
		return got == -EPERM;
	case K_MALFORMED:
		return got == -EBADMSG;
	case K_NOPKG:
		return got == -ENOPKG;
	default:
		return got == -ENOKEY;
	}
}

/*
 * Any state: what some state could answer for this kind. A module going
 * away in enforce mode may refuse any load with EPERM (fail closed).
 */
static bool racing_ok(enum kind k, int rev, int got)
{
	int unstripped = k == K_REVOCABLE ? bare_revocable[rev] : bare[k];

	if (got == -EPERM || (got < 0 && got == unstripped))
		return true;
	switch (k) {
	case K_STABLE:
	case K_CHURN:
	case K_UNTRUSTED:
		return got >= 0 || got == -ENOKEY || got == -EINVAL;
	case K_REVOCABLE:
		return got >= 0 || got == -ENOKEY || got == -EKEYREVOKED ||
		       got == -EINVAL;
	case K_UNSIGNED:
		return got >= 0;
	case K_MALFORMED:
		return got == -EBADMSG || got == -EINVAL;
	default:
		return got == -ENOPKG || got == -EINVAL;
	}
}

/* The counters an unstable load of @k may have moved (at most one). */
static void add_possible(enum kind k)
{
	static const char *const sets[K_NR][3] = {
		[K_STABLE] = { "accepted", "nokey" },
		[K_CHURN] = { "accepted", "nokey" },
		[K_REVOCABLE] = { "accepted", "nokey", "revoked" },
		[K_UNSIGNED] = { "unsigned" },
		[K_MALFORMED] = { "malformed" },
		[K_NOPKG] = { "nopkg" },
		[K_UNTRUSTED] = { "nokey" },
	};
	int i;

	for (i = 0; i < 3 && sets[k][i]; i++)
		possible[counter_index(sets[k][i])]++;
	/* any of them may have been refused under enforce */
	possible[counter_index("syscall_stage_refusals")]++;
}

static void *loader(void *arg)
{
	uint64_t r = seed ^ (0x1000 + (long)arg);
	unsigned long s0, e0, s1, e1;
	const struct blob *b;
	const char *counter;
	struct state st;
	int a0, ae0, fd, rev, want;
	enum level level;
	enum kind k;
	bool ok;

	while (!atomic_load(&stop)) {
		k = rnd(&r) % K_NR;
		rev = rnd(&r) % NR_REVOCABLE;
		b = k == K_REVOCABLE ? &revocable[rev] : &progs[k];

		pthread_rwlock_rdlock(&world);
		ae0 = atomic_load(&active_enf);
		e0 = atomic_load(&enf_seq);
		a0 = atomic_load(&active);
		s0 = atomic_load(&seq);
		pthread_mutex_lock(&state_lock);
		st = state;
		pthread_mutex_unlock(&state_lock);
		fd = load(b);
		s1 = atomic_load(&seq);
		e1 = atomic_load(&enf_seq);
		if (fd >= 0)
			close(fd);

		want = 0;
		counter = NULL;
		if (!a0 && s0 == s1) {
			level = L_STABLE;
			want = predict(&st, k, rev, &counter);
			ok = answer_is(want, fd);
		} else if (!ae0 && e0 == e1 && st.loaded &&
			   st.mode == M_ENFORCE) {
			level = L_ENFORCING;
			ok = enforcing_ok(&st, k, rev, fd);
		} else {
			level = L_RACING;
			ok = racing_ok(k, rev, fd);
		}

		pthread_mutex_lock(&res_lock);
		loads[k][level]++;
		if (level == L_STABLE) {
			if (counter) {
				exact[counter_index(counter)]++;
				if (st.mode == M_ENFORCE && strcmp(counter, "accepted"))
					exact[counter_index("syscall_stage_refusals")]++;
			}
		} else {
			add_possible(k);
		}
		if (!ok && wrong++ < 10)
			printf("# wrong verdict: %s load (%s), module %s, mode %s: got %s%s%s\n",
			       kind_names[k], level_names[level],
			       st.loaded ? "loaded" : "unloaded",
			       mode_names[st.mode],
			       fd >= 0 ? "success" : strerror(-fd),
			       level == L_STABLE ? ", want " : "",
			       level != L_STABLE ? "" : want == ANY_FAILURE ?
			       "a failure" : want ? strerror(-want) : "success");
		pthread_mutex_unlock(&res_lock);
		pthread_rwlock_unlock(&world);
	}
	return NULL;
}

/* --- securityfs reader ------------------------------------------------------ */

static const char *const files[] = { "mode", "lock", "stats", "revoke" };

static bool check_mode(const char *s)
{
	return !strcmp(s, "off\n") || !strcmp(s, "permissive\n") ||
	       !strcmp(s, "enforce\n");
}

/* Every counter present, in order, each a number; into @v. */
static bool parse_stats(const char *s, long long v[NR_COUNTERS])
{
	size_t i;

	for (i = 0; i < NR_COUNTERS; i++) {
		const char *p = strstr(s, counter_names[i]);
		char *end;

		if (!p || (p != s && p[-1] != '\n') ||
		    p[strlen(counter_names[i])] != ' ')
			return false;
		v[i] = strtoll(p + strlen(counter_names[i]) + 1, &end, 10);
		if (*end != '\n' || v[i] < 0)
			return false;
	}
	return true;
}

/* Lines of 64 lowercase hex digits; their number. */
static int parse_revoke(const char *s)
{
	int n = 0, i;

	while (*s) {
		for (i = 0; i < 64; i++)
			if (!strchr("0123456789abcdef", s[i]) || !s[i])
				return -1;
		if (s[64] != '\n')
			return -1;
		s += 65;
		n++;
	}
	return n;
}

static void *reader(void *arg)
{
	uint64_t r = seed ^ 0x5eed0005;
	static char buf[4][16384];
	long long v[NR_COUNTERS], last[NR_COUNTERS];
	unsigned long last_gen = 0, s0, s1;
	int fds[4], i, a0, bad;
	ssize_t n[4];
	struct state st;
	size_t c;

	(void)arg;
	while (!atomic_load(&stop)) {
		usleep(1000 + rnd(&r) % 4000);
		pthread_rwlock_rdlock(&world);
		if (reader_closes)
			pthread_rwlock_rdlock(&fs_lock);
		a0 = atomic_load(&active);
		s0 = atomic_load(&seq);
		pthread_mutex_lock(&state_lock);
		st = state;
		pthread_mutex_unlock(&state_lock);
		for (i = 0; i < 4; i++) {
			char path[64];

			snprintf(path, sizeof(path), SFS "%s", files[i]);
			fds[i] = open(path, O_RDONLY);
		}
		/* Without --reader-closes the module may go now. */
		if (!reader_closes)
			usleep(rnd(&r) % 3000);
		for (i = 0; i < 4; i++) {
			n[i] = -1;
			if (fds[i] < 0)
				continue;
			n[i] = read(fds[i], buf[i], sizeof(buf[i]) - 1);
			if (n[i] >= 0)
				buf[i][n[i]] = 0;
			close(fds[i]);
		}
		s1 = atomic_load(&seq);
		if (reader_closes)
			pthread_rwlock_unlock(&fs_lock);

		bad = 0;
		for (i = 0; i < 4; i++) {
			if (n[i] < 0) {
				/* absent or going: only while unloaded or reloading */
				if (!a0 && s0 == s1 && st.loaded)
					bad = 1;
				read_errors++;
				continue;
			}
			if ((i == 0 && !check_mode(buf[0])) ||
			    (i == 1 && strcmp(buf[1], "0\n")) ||
			    (i == 2 && !parse_stats(buf[2], v)) ||
			    (i == 3 && parse_revoke(buf[3]) < 0))
				bad = 1;
		}
		if (!a0 && s0 == s1 && st.loaded && !bad) {
			/* stable: what the writers recorded */
			if (strncmp(buf[0], mode_names[st.mode], strlen(mode_names[st.mode])) ||
			    parse_revoke(buf[3]) != st.nr_revoked)
				bad = 1;
		}
		if (n[2] >= 0 && !bad && parse_stats(buf[2], v)) {
			/* counters only grow within one module instance */
			if (st.loaded && s0 == s1 && !a0 && st.gen == last_gen)
				for (c = 0; c < NR_COUNTERS; c++)
					if (v[c] < last[c])
						bad = 1;
			if (!a0 && s0 == s1 && st.loaded) {
				memcpy(last, v, sizeof(last));
				last_gen = st.gen;
			}
		}
		pthread_mutex_lock(&res_lock);
		reads++;
		if (bad && read_bad++ < 10)
			printf("# securityfs read inconsistent (module %s, mode %s): mode '%.12s' lock '%.4s'\n",
			       st.loaded ? "loaded" : "unloaded", mode_names[st.mode],
			       n[0] >= 0 ? buf[0] : "-", n[1] >= 0 ? buf[1] : "-");
		pthread_mutex_unlock(&res_lock);
		pthread_rwlock_unlock(&world);
	}
	return NULL;
}

/* --- checkpoints ------------------------------------------------------------ */

static int refcnt(void)
{
	char b[32];
	int fd = open("/sys/module/bpfsig/refcnt", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, b, sizeof(b) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	b[n] = 0;
	return atoi(b);
}

/* Everything stopped: compare the counters with the loads since last time. */
static void checkpoint(struct counters *prev, unsigned long *prev_gen)
{
	struct counters cur;
	size_t i;
	int rc;

	pthread_rwlock_wrlock(&world);
	if (state.loaded) {
		counters_read(&cur);
		rc = refcnt();
		if (rc != 0 && refcnt_bad++ < 5)
			printf("# module reference count %d with nothing in flight\n", rc);
		if (*prev_gen == state.gen) {
			bool bad = false;

			for (i = 0; i < NR_COUNTERS; i++) {
				long long d = cur.v[i] - prev->v[i];

				if (d < exact[i] || d > exact[i] + possible[i]) {
					bad = true;
					printf("# counter %s moved by %lld, loads say %ld..%ld\n",
					       counter_names[i], d, exact[i],
					       exact[i] + possible[i]);
				}
			}
			counters_bad += bad;
			intervals_checked++;
		} else {
			intervals_skipped++;
		}
		*prev = cur;
		*prev_gen = state.gen;
	} else {
		*prev_gen = 0;
		intervals_skipped++;
	}
	memset(exact, 0, sizeof(exact));
	memset(possible, 0, sizeof(possible));
	pthread_rwlock_unlock(&world);
}

/* --- setup ------------------------------------------------------------------- */

static ssize_t read_der(const char *name, char *buf, size_t size)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s.der", keys_dir(), name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size);
	close(fd);
	return n;
}

static int sign(struct blob *b, const char *key_name)
{
	struct bpfsig_key *key = test_key(key_name);
	int err;

	if (!key)
		return -ENOKEY;
	err = sign_blob(b, key, "sha256", BPF_PROG_TYPE_SOCKET_FILTER, 0);
	bpfsig_key__free(key);
	return err;
}

/* The answer of a load of @b (0 if it loads). */
static int bare_answer(const struct blob *b)
{
	int fd = load(b);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static int setup(void)
{
	unsigned char d[32];
	int i, j, err;

	stable_der_len = read_der("rsa2048", stable_der, sizeof(stable_der));
	churn_der_len = read_der("spare", churn_der, sizeof(churn_der));
	if (stable_der_len <= 0 || churn_der_len <= 0)
		return -ENOENT;
	for (i = 0; i < K_NR; i++)
		make_prog(&progs[i], 4 + i, 200 + i);
	err = sign(&progs[K_STABLE], "rsa2048");
	err = err ?: sign(&progs[K_CHURN], "spare");
	err = err ?: sign(&progs[K_MALFORMED], "rsa2048");
	err = err ?: sign(&progs[K_NOPKG], "rsa2048");
	err = err ?: sign(&progs[K_UNTRUSTED], "untrusted");
	if (err)
		return err;
	blob_trailer(&progs[K_MALFORMED])->version = 2;
	blob_stmt(&progs[K_NOPKG])->hash_algo = 9;
	for (i = 0; i < NR_REVOCABLE && !err; i++) {
		make_prog(&revocable[i], 4, 1000 + i);
		err = sign(&revocable[i], "rsa2048");
		stmt_digest(&revocable[i], d);
		for (j = 0; j < 32; j++)
			sprintf(revocable_hex[i] + 2 * j, "%02x", d[j]);
	}
	/* Without the module: what the kernel says, nothing stripped. */
	for (i = 0; i < K_NR && !err; i++)
		bare[i] = bare_answer(&progs[i]);
	for (i = 0; i < NR_REVOCABLE && !err; i++)
		bare_revocable[i] = bare_answer(&revocable[i]);
	return err;
}

/* --- main -------------------------------------------------------------------- */

#define tap(ok, name, ...) tap_line("soak", ok, name, __VA_ARGS__)
#define now() mono_now()

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ko", required_argument, NULL, 'k' },
		{ "duration", required_argument, NULL, 'd' },
		{ "loaders", required_argument, NULL, 'l' },
		{ "seed", required_argument, NULL, 's' },
		{ "reader-closes", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	pthread_t th[MAX_LOADERS + 5];
	pthread_rwlockattr_t attr;
	struct counters prev;
	unsigned long prev_gen = 0;
	int duration = 60, nr_loaders = 3, nr_th = 0, c, err, i;
	long total[3] = {}, all = 0;
	uint64_t r;
	double t0, t;
	long wait;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			ko = optarg;
			break;
		case 'd':
			duration = atoi(optarg);
			break;
		case 'l':
			nr_loaders = atoi(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			reader_closes = true;
			break;
		default:
			fprintf(stderr, "usage: %s [--ko PATH] [--duration S] [--loaders N] [--seed S] [--reader-closes]\n",
				argv[0]);
			return 2;
		}
	}
	if (nr_loaders < 1 || nr_loaders > MAX_LOADERS)
		nr_loaders = 3;
	if (!seed)
		seed = (uint64_t)time(NULL) * 2654435761u ^ getpid();
	r = seed;
	printf("# soak: %d s, %d loaders, reader %s files across unloads, seed %llu\n",
	       duration, nr_loaders, reader_closes ? "closes its" : "may hold",
	       (unsigned long long)seed);

	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr,
				      PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&world, &attr);
	pthread_rwlock_init(&reload_lock, &attr);
	pthread_rwlock_init(&fs_lock, &attr);

	if (access(SFS "mode", F_OK) == 0) {
		tap(false, "setup", "bpfsig is loaded: the soak loads it itself");
		return 1;
	}
	err = setup();
	err = err ?: module_load();
	tap(!err, "setup", err ? "%s" : NULL, strerror(-err));
	if (err)
		return 1;

	wait = audit_backlog_wait(0);
	if (wait >= 0)
		printf("# audit backlog wait 0 while the soak runs (was %ld)\n", wait);
	t0 = now();
	for (i = 0; i < nr_loaders; i++)
		pthread_create(&th[nr_th++], NULL, loader, (void *)(long)i);
	pthread_create(&th[nr_th++], NULL, reloader, NULL);
	pthread_create(&th[nr_th++], NULL, mode_switcher, NULL);
	pthread_create(&th[nr_th++], NULL, key_churner, NULL);
	pthread_create(&th[nr_th++], NULL, revoker, NULL);
	pthread_create(&th[nr_th++], NULL, reader, NULL);
	while ((t = now() - t0) < duration && !setup_bad) {
		sleep_ms(&r, 1000, 2000);
		checkpoint(&prev, &prev_gen);
	}
	atomic_store(&stop, true);
	for (i = 0; i < nr_th; i++)
		pthread_join(th[i], NULL);
	t = now() - t0;
	checkpoint(&prev, &prev_gen);
	if (wait >= 0)
		audit_backlog_wait(wait);

	for (i = 0; i < K_NR; i++)
		for (c = 0; c < 3; c++) {
			total[c] += loads[i][c];
			all += loads[i][c];
		}
	tap(!setup_bad, "operations_succeed",
	    "%.0f s: %ld mode writes, %ld key adds, %ld key removals, %ld revocations, %ld unloads, %ld loads of the module (%ld rmmod retries while in use)",
	    t, ops_mode, ops_key_add, ops_key_remove, ops_revoke, ops_unload,
	    ops_load, rmmod_busy);
	tap(!wrong, "no_wrong_verdict",
	    "%ld BPF_PROG_LOADs: %ld stable, %ld enforcing, %ld racing; %ld wrong",
	    all, total[L_STABLE], total[L_ENFORCING], total[L_RACING], wrong);
	tap(!counters_bad && intervals_checked > 0, "counters_consistent",
	    "%ld intervals checked, %ld with a reload skipped, %ld off",
	    intervals_checked, intervals_skipped, counters_bad);
	tap(!read_bad && reads > 0, "securityfs_reads_consistent",
	    "%ld reads of all four files, %ld files absent or going, %ld inconsistent",
	    reads, read_errors, read_bad);
	tap(!refcnt_bad, "module_refcount_zero_when_idle", NULL);
	pthread_rwlock_wrlock(&reload_lock);
	err = state.loaded ? module_unload() : 0;
	pthread_rwlock_unlock(&reload_lock);
	tap(!err && access(SFS "mode", F_OK), "module_unloads_at_end",
	    err ? "%s" : NULL, strerror(-err));

	printf("# loads by kind (stable/enforcing/racing):");
	for (i = 0; i < K_NR; i++)
		printf(" %s %ld/%ld/%ld", kind_names[i], loads[i][0],
		       loads[i][1], loads[i][2]);
	printf("\n");
	return setup_bad || wrong || counters_bad || read_bad || refcnt_bad || err;
}
