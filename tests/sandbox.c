/* Scratch directories for the unit tests; see sandbox.h. */
#include "sandbox.h"

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
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
