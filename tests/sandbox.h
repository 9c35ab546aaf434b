/*
 * sandbox: a scratch directory per test (Transmission's libtest_sandbox):
 * made with mkdtemp, removed with everything in it, read-only directories
 * included (a test may leave some behind).  A test of a permission error
 * may also act as an ordinary user in it, even when the tests run as root.
 */
#ifndef BT_TEST_SANDBOX_H
#define BT_TEST_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

#define SANDBOX_NOBODY	65534	/* uid and gid of nobody */
#define SANDBOX_GROUPS	64

/* What sandbox_drop_root changed; zero it before use.  Members are
 * private. */
struct sandbox_privs {
	int	dropped;
	gid_t	egid;
	int	ngroups;
	gid_t	groups[SANDBOX_GROUPS];
};

/* Makes /tmp/<name>.XXXXXX and writes its path to buf: 0, or -1. */
int	sandbox_create(char *buf, size_t len, const char *name);
/* rm -rf path. */
void	sandbox_remove(const char *path);

/*
 * Root ignores permission bits, so as root a test of EACCES proves
 * nothing.  As root this gives the tree at path to nobody (65534:65534)
 * and takes on nobody's effective uid, gid and groups: permission bits
 * apply until sandbox_regain_root.  Only the effective ids change (the
 * real ones stay root), so cmocka's assertions keep working in this
 * process and root comes back.  Not root: changes nothing.  0, or -1 with
 * errno.
 */
int	sandbox_drop_root(const char *path, struct sandbox_privs *p);
/* Undoes sandbox_drop_root; nothing when it dropped nothing.  Teardowns
 * call it too, for a test that an assertion ended while dropped. */
void	sandbox_regain_root(struct sandbox_privs *p);

#endif
