/*
 * complete: Tab completion of paths at the add prompt.
 */
#include "complete.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Splits buf into the directory to read and the prefix to match. */
static void
split(const char *buf, char *dir, size_t dlen, const char **prefix)
{
	const char	*slash = strrchr(buf, '/');

	if (slash == NULL) {
		snprintf(dir, dlen, ".");
		*prefix = buf;
	} else if (slash == buf) {
		snprintf(dir, dlen, "/");
		*prefix = slash + 1;
	} else {
		snprintf(dir, dlen, "%.*s", (int)(slash - buf), buf);
		*prefix = slash + 1;
	}
}

/* Length of the common prefix of a and b. */
static size_t
common(const char *a, const char *b)
{
	size_t	n = 0;

	while (a[n] != '\0' && a[n] == b[n])
		n++;
	return n;
}

int
complete_path(char *buf, size_t cap)
{
	char		 dir[4096], best[256], path[4352];
	const char	*prefix;
	struct dirent	*e;
	struct stat	 st;
	DIR		*d;
	size_t		 plen, keep = 0, at;
	int		 n = 0;

	split(buf, dir, sizeof(dir), &prefix);
	plen = strlen(prefix);
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (strncmp(e->d_name, prefix, plen) != 0 ||
		    (e->d_name[0] == '.' && plen == 0))
			continue;
		if (n++ == 0) {
			snprintf(best, sizeof(best), "%s", e->d_name);
			keep = strlen(best);
		} else
			keep = common(best, e->d_name) < keep ?
			    common(best, e->d_name) : keep;
	}
	closedir(d);
	if (n == 0)
		return 0;
	best[keep] = '\0';
	at = (size_t)(prefix - buf);
	if (at + keep + 2 > cap)
		return n;		/* would not fit: leave it */
	memcpy(buf + at, best, keep + 1);
	if (n == 1) {
		snprintf(path, sizeof(path), "%s/%s", dir, best);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			/* room checked above: at + keep + 2 <= cap */
			buf[at + keep] = '/';
			buf[at + keep + 1] = '\0';
		}
	}
	return n;
}
