/* Scratch directories for the unit tests; see sandbox.h. */
#include "sandbox.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
sandbox_create(char *buf, size_t len, const char *name)
{
	if ((size_t)snprintf(buf, len, "/tmp/%s.XXXXXX", name) >= len)
		return -1;
	return mkdtemp(buf) == NULL ? -1 : 0;
}

/* rm -rf name in directory at; directories are made writable first. */
static void
remove_tree(int at, const char *name)
{
	struct dirent	*e;
	DIR		*d;
	int		 fd;

	if (unlinkat(at, name, 0) == 0)
		return;
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return;
	fchmod(fd, 0700);
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			remove_tree(dirfd(d), e->d_name);
	}
	closedir(d);
	unlinkat(at, name, AT_REMOVEDIR);
}

void
sandbox_remove(const char *path)
{
	remove_tree(AT_FDCWD, path);
}

/* chown -hR uid:gid name in directory at. */
static int
chown_tree(int at, const char *name, uid_t uid, gid_t gid)
{
	struct dirent	*e;
	DIR		*d;
	int		 fd, r = 0;

	if (fchownat(at, name, uid, gid, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return errno == ENOTDIR || errno == ELOOP ? 0 : -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while (r == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			r = chown_tree(dirfd(d), e->d_name, uid, gid);
	}
	closedir(d);
	return r;
}

int
sandbox_drop_root(const char *path, struct sandbox_privs *p)
{
	gid_t	nobody = SANDBOX_NOBODY;
	int	saved;

	p->dropped = 0;
	if (geteuid() != 0)
		return 0;
	p->egid = getegid();
	if ((p->ngroups = getgroups(SANDBOX_GROUPS, p->groups)) == -1 ||
	    chown_tree(AT_FDCWD, path, SANDBOX_NOBODY, SANDBOX_NOBODY) == -1)
		return -1;
	/* Groups and gid first: once the euid is not 0 they cannot change. */
	if (setgroups(1, &nobody) == -1)
		return -1;
	if (setegid(SANDBOX_NOBODY) == -1 || seteuid(SANDBOX_NOBODY) == -1) {
		saved = errno;
		setegid(p->egid);
		setgroups((size_t)p->ngroups, p->groups);
		errno = saved;
		return -1;
	}
	p->dropped = 1;
	return 0;
}

void
sandbox_regain_root(struct sandbox_privs *p)
{
	if (!p->dropped)
		return;
	/* The euid first: the rest needs root's capabilities back. */
	if (seteuid(0) == -1 || setegid(p->egid) == -1 ||
	    setgroups((size_t)p->ngroups, p->groups) == -1)
		abort();	/* every later test would run as nobody */
	p->dropped = 0;
}
