/*
 * test_caddr: compact addresses, both families, and their conversions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "ipc/err.h"
#include "engine/caddr.h"

static void
test_table(void **state)
{
	static const struct {
		const char	*text;		/* inet_pton form */
		int		 family;
		uint16_t	 port;
		int		 usable;
		const char	*shown;
	} cases[] = {
		{ "1.2.3.4", AF_INET, 6881, 1, "1.2.3.4:6881" },
		{ "127.0.0.1", AF_INET, 1, 1, "127.0.0.1:1" },
		{ "0.1.2.3", AF_INET, 80, 0, "0.1.2.3:80" },
		{ "224.0.0.1", AF_INET, 80, 0, "224.0.0.1:80" },
		{ "255.255.255.255", AF_INET, 80, 0, "255.255.255.255:80" },
		{ "1.2.3.4", AF_INET, 0, 0, "1.2.3.4:0" },
		{ "::1", AF_INET6, 6881, 1, "[::1]:6881" },
		{ "::", AF_INET6, 6881, 0, "[::]:6881" },
		{ "ff02::1", AF_INET6, 6881, 0, "[ff02::1]:6881" },
		{ "::ffff:10.0.0.1", AF_INET, 5, 1, "10.0.0.1:5" },
	};
	struct sockaddr_storage	ss;
	struct caddr		a, b;
	socklen_t		len;
	uint8_t			ip[16], compact[18];
	char			buf[CADDR_STR_LEN];
	size_t			i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int v6 = strchr(cases[i].text, ':') != NULL;

		assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET,
		    cases[i].text, ip), 1);
		assert_int_equal(caddr_from_bytes(ip, v6 ? 16 : 4,
		    cases[i].port, &a), BT_OK);
		assert_int_equal(a.family, cases[i].family);
		assert_int_equal(caddr_usable(&a), cases[i].usable);
		caddr_format(&a, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].shown);
		/* through a sockaddr and back */
		assert_int_equal(caddr_to_sockaddr(&a, &ss, &len), BT_OK);
		assert_int_equal(caddr_from_sockaddr(&ss, len, &b), BT_OK);
		assert_true(caddr_equal(&a, &b));
		/* compact: 6 or 18 bytes, port last, big-endian */
		n = caddr_compact(&a, compact);
		assert_int_equal(n, a.family == AF_INET ? 6 : 18);
		assert_int_equal(compact[n - 2], cases[i].port >> 8);
		assert_int_equal(compact[n - 1], cases[i].port & 0xff);
		assert_int_equal(caddr_from_bytes(compact, n - 2,
		    cases[i].port, &b), BT_OK);
		assert_true(caddr_equal(&a, &b));
	}
}

static void
test_refused(void **state)
{
	struct sockaddr_storage	ss;
	struct caddr		a;
	socklen_t		len;
	uint8_t			ip[16] = { 1 }, out[18];

	(void)state;
	assert_int_equal(caddr_from_bytes(ip, 5, 1, &a), BT_ERR_INVALID);
	assert_int_equal(a.family, 0);
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNIX;
	assert_int_equal(caddr_from_sockaddr(&ss, sizeof(ss), &a),
	    BT_ERR_INVALID);
	ss.ss_family = AF_INET;
	assert_int_equal(caddr_from_sockaddr(&ss, 2, &a), BT_ERR_INVALID);
	assert_int_equal(caddr_to_sockaddr(&a, &ss, &len), BT_ERR_INVALID);
	assert_int_equal(caddr_compact(&a, out), 0);
	assert_false(caddr_usable(&a));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
