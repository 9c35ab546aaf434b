/* Whole-file writes through a temporary file; see atomicfile.h. */
#include "engine/atomicfile.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/err.h"

static int
write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* fsync()s the directory holding path, so that a new name in it lasts. */
static int
sync_dir(const char *path)
{
	const char	*slash = strrchr(path, '/');
	char		 dir[PATH_MAX];
	int		 fd, r, saved;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	while ((r = fsync(fd)) == -1 && errno == EINTR)
		;
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}

/* CREATE: link() fails when path appeared meanwhile; rename() is the
 * fallback where hard links are not supported. */
static int
publish(const char *tmp, const char *path, enum atomicfile_mode mode)
{
	if (mode == ATOMICFILE_REPLACE)
		return rename(tmp, path);
	if (link(tmp, path) == 0) {
		unlink(tmp);
		return 0;
	}
	if (errno == EEXIST)
		return -1;
	if (access(path, F_OK) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(tmp, path);
}

/* The temporary file's mode: mkstemp's 0600, or what open() would give. */
static int
set_mode(int fd, enum atomicfile_mode mode)
{
	mode_t	mask;

	if (mode == ATOMICFILE_REPLACE)
		return 0;
	mask = umask(0);
	umask(mask);
	return fchmod(fd, 0666 & ~mask);
}

int
atomicfile_write(const char *path, const void *data, size_t len,
    enum atomicfile_mode mode)
{
	char	tmp[PATH_MAX];
	int	fd, r, saved;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return BT_ERR_SYS;
	}
	if ((fd = mkstemp(tmp)) == -1)
		return BT_ERR_SYS;
	r = fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 || set_mode(fd, mode) == -1 ||
	    write_all(fd, data, len) == -1 || fsync(fd) == -1;
	saved = errno;
	if (close(fd) == -1 && r == 0) {
		r = 1;
		saved = errno;
	}
	if (r == 0 && publish(tmp, path, mode) == -1) {
		r = 1;
		saved = errno;
	}
	if (r != 0) {
		unlink(tmp);
		errno = saved;
		return BT_ERR_SYS;
	}
	return sync_dir(path) == -1 ? BT_ERR_SYS : BT_OK;
}
