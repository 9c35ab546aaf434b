/*
 * sandbox: a scratch directory per test (Transmission's libtest_sandbox):
 * made with mkdtemp, removed with everything in it, read-only directories
 * included (a test may leave some behind).
 */
#ifndef BT_TEST_SANDBOX_H
#define BT_TEST_SANDBOX_H

#include <stddef.h>

/* Makes /tmp/<name>.XXXXXX and writes its path to buf: 0, or -1. */
int	sandbox_create(char *buf, size_t len, const char *name);
/* rm -rf path. */
void	sandbox_remove(const char *path);

#endif
