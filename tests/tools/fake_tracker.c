/*
 * fake_tracker: a tiny HTTP tracker on 127.0.0.1 that misbehaves on demand,
 * for the integration tests.  The first component of the request path picks
 * the behaviour, so one process serves every case:
 *
 *	/garbage/...	200 with a body that is not bencode
 *	/failure/...	200 with a bencoded "failure reason"
 *	/redirect/...	302 to the very same URL, for ever
 *	/empty/...	200 with an empty peer list (interval 1800 s)
 *	/timeout/...	reads the request and never answers
 *	/peers/LIST/...	200 with exactly the peers of LIST (interval 1800 s),
 *			LIST being 127.0.0.1:P1,127.0.0.2:P2,... (at most
 *			FT_PEERS_MAX, loopback only: the benchmarks put relays
 *			there); a bad LIST gets a bencoded failure reason
 *	anything else	404
 *
 * Each request is logged on stdout, "fake_tracker: MODE GET /path...", so a
 * test can count how often a client came back.  Runs until killed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"

#define FT_MAX_CLIENTS	64
#define FT_REQ_MAX	8192		/* request line and headers */
#define FT_PATH_MAX	2048
#define FT_PEERS_MAX	64		/* addresses in a /peers/ list */
#define FT_BODY_MAX	(128 + FT_PEERS_MAX * 6)

struct ft_client {
	int		fd;		/* -1: free slot */
	struct bbuf	req;
	int		held;		/* timeout mode: never answered */
};

struct fake_tracker {
	int		 port;
	int		 listen_fd;
	struct ft_client clients[FT_MAX_CLIENTS];
};

static const char FT_FAILURE[] =
    "d14:failure reason33:fake_tracker refuses this torrente";
static const char FT_EMPTY[] =
    "d8:completei0e10:incompletei0e8:intervali1800e5:peers0:e";
static const char FT_BAD_PEERS[] =
    "d14:failure reason54:fake_tracker: /peers/ wants 127.x.y.z:PORT,... "
    "(<= 64)e";
static const char FT_GARBAGE[] =
    "<html><body>502 Bad Gateway: this is not bencode</body></html>\n";

static void
send_text(int fd, const char *s, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = send(fd, s, n, MSG_NOSIGNAL)) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

/* A body of len bytes (binary in the /peers/ case). */
static void
reply_bytes(int fd, const char *status, const char *extra, const char *body,
    size_t len)
{
	char	head[512];
	int	n;

	n = snprintf(head, sizeof(head), "HTTP/1.0 %s\r\n%s"
	    "Content-Type: text/plain\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n", status, extra, len);
	if (n > 0 && (size_t)n < sizeof(head))
		send_text(fd, head, (size_t)n);
	send_text(fd, body, len);
}

static void
reply(int fd, const char *status, const char *extra, const char *body)
{
	reply_bytes(fd, status, extra, body, strlen(body));
}

/* 1 when the blank line that ends the headers has arrived. */
static int
headers_done(const struct bbuf *req)
{
	struct bbuf	v;
	size_t		at;
	uint8_t		c;

	bbuf_view(&v, bbuf_ptr(req), bbuf_len(req));
	while (bbuf_find(&v, '\n', &at) == BT_OK) {
		if (at == 0 || (at == 1 && bbuf_peek_u8(&v, 0, &c) == BT_OK &&
		    c == '\r'))
			return 1;
		(void)bbuf_consume(&v, at + 1);
	}
	return 0;
}

/*
 * The path of a complete request ("GET /x HTTP/1.1\r\n...\r\n\r\n") into
 * path.  BT_OK, BT_ERR_INCOMPLETE until the blank line has arrived, or
 * BT_ERR_FORMAT.
 */
static int
request_path(const struct bbuf *req, char *path, size_t len)
{
	struct bbuf	v;
	size_t		sp;

	if (!headers_done(req))
		return BT_ERR_INCOMPLETE;
	bbuf_view(&v, bbuf_ptr(req), bbuf_len(req));
	if (bbuf_find(&v, ' ', &sp) != BT_OK || bbuf_consume(&v, sp + 1) !=
	    BT_OK || bbuf_find(&v, ' ', &sp) != BT_OK || sp == 0 ||
	    sp >= len || bbuf_get_bytes(&v, path, sp) != BT_OK)
		return BT_ERR_FORMAT;
	path[sp] = '\0';
	return BT_OK;
}

static const char *
mode_of(const char *path)
{
	static const char *const modes[] = {
		"garbage", "failure", "redirect", "empty", "timeout", "peers",
	};
	size_t	i, n;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		n = strlen(modes[i]);
		if (path[0] == '/' && strncmp(path + 1, modes[i], n) == 0 &&
		    path[n + 1] == '/')
			return modes[i];
	}
	return "unknown";
}

/*
 * One "127.x.y.z:PORT" of a /peers/ list, len bytes at s, as 6 compact
 * bytes (BEP 23) into out.  BT_OK, BT_ERR_FORMAT, or BT_ERR_RANGE (not
 * loopback, port 0).
 */
static int
peer_parse(const char *s, size_t len, uint8_t out[6])
{
	char		 buf[32];
	const char	*colon;
	char		*end;
	struct in_addr	 a;
	unsigned long	 port;

	if (len == 0 || len >= sizeof(buf))
		return BT_ERR_FORMAT;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if ((colon = strchr(buf, ':')) == NULL)
		return BT_ERR_FORMAT;
	buf[colon - buf] = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1 || colon[1] < '0' ||
	    colon[1] > '9')
		return BT_ERR_FORMAT;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0')
		return BT_ERR_FORMAT;
	/* loopback only: whoever reads this list dials it */
	if ((ntohl(a.s_addr) >> 24) != 127 || port == 0 || port > 65535)
		return BT_ERR_RANGE;
	memcpy(out, &a.s_addr, 4);
	out[4] = (uint8_t)(port >> 8);
	out[5] = (uint8_t)port;
	return BT_OK;
}

/*
 * The bencoded reply to "/peers/LIST/...": every peer of LIST, compact,
 * into body (cap bytes); its length into *len_out.  BT_OK, or what
 * peer_parse returned, or BT_ERR_LIMIT (too many peers).
 */
static int
peers_body(const char *path, char *body, size_t cap, size_t *len_out)
{
	uint8_t		 peers[FT_PEERS_MAX * 6];
	const char	*s = path + strlen("/peers/"), *end, *comma;
	size_t		 n = 0;
	int		 r, hdr;

	*len_out = 0;
	end = s + strcspn(s, "/?");
	while (s < end) {
		if ((comma = memchr(s, ',', (size_t)(end - s))) == NULL)
			comma = end;
		if (n == FT_PEERS_MAX)
			return BT_ERR_LIMIT;
		if ((r = peer_parse(s, (size_t)(comma - s), peers + n * 6)) !=
		    BT_OK)
			return r;
		n++;
		s = comma < end ? comma + 1 : end;
	}
	if (n == 0)
		return BT_ERR_FORMAT;
	hdr = snprintf(body, cap, "d8:completei%zue10:incompletei0e"
	    "8:intervali1800e5:peers%zu:", n, n * 6);
	if (hdr < 0 || (size_t)hdr + n * 6 + 1 > cap)
		return BT_ERR_LIMIT;
	memcpy(body + hdr, peers, n * 6);
	body[hdr + n * 6] = 'e';
	*len_out = (size_t)hdr + n * 6 + 1;
	return BT_OK;
}

/* Answers one complete request; 1 when the connection stays open. */
static int
answer(struct fake_tracker *ft, int fd, const char *path)
{
	const char	*mode = mode_of(path);
	char		 loc[FT_PATH_MAX + 64], body[FT_BODY_MAX];
	size_t		 len;

	printf("fake_tracker: %s GET %s\n", mode, path);
	fflush(stdout);
	if (strcmp(mode, "timeout") == 0)
		return 1;
	if (strcmp(mode, "garbage") == 0)
		reply(fd, "200 OK", "", FT_GARBAGE);
	else if (strcmp(mode, "failure") == 0)
		reply(fd, "200 OK", "", FT_FAILURE);
	else if (strcmp(mode, "empty") == 0)
		reply(fd, "200 OK", "", FT_EMPTY);
	else if (strcmp(mode, "peers") == 0) {
		if (peers_body(path, body, sizeof(body), &len) == BT_OK)
			reply_bytes(fd, "200 OK", "", body, len);
		else
			reply(fd, "200 OK", "", FT_BAD_PEERS);
	}
	else if (strcmp(mode, "redirect") == 0) {
		/* the announce path without its query: the same URL again */
		snprintf(loc, sizeof(loc), "Location: http://127.0.0.1:%d"
		    "/redirect/announce\r\n", ft->port);
		reply(fd, "302 Found", loc, "");
	} else
		reply(fd, "404 Not Found", "", "no such tracker\n");
	return 0;
}

static void
client_close(struct ft_client *c)
{
	close(c->fd);
	c->fd = -1;
	bbuf_cleanup(&c->req);
}

static void
client_read(struct fake_tracker *ft, struct ft_client *c)
{
	char		 path[FT_PATH_MAX];
	uint8_t		*dst;
	ssize_t		 n;
	int		 r;

	if (bbuf_avail(&c->req) == 0)
		bbuf_reset(&c->req);	/* held: discard what follows */
	if (bbuf_reserve(&c->req, bbuf_avail(&c->req), &dst) != BT_OK) {
		client_close(c);
		return;
	}
	n = recv(c->fd, dst, bbuf_avail(&c->req), 0);
	if (n <= 0) {
		if (n == 0 || (errno != EINTR && errno != EAGAIN))
			client_close(c);
		return;
	}
	bbuf_commit(&c->req, (size_t)n);
	if (c->held)
		return;
	if ((r = request_path(&c->req, path, sizeof(path))) ==
	    BT_ERR_INCOMPLETE && bbuf_avail(&c->req) > 0)
		return;
	if (r == BT_OK && answer(ft, c->fd, path)) {
		c->held = 1;
		return;
	}
	if (r != BT_OK)
		reply(c->fd, "400 Bad Request", "", "bad request\n");
	client_close(c);
}

static void
accept_one(struct fake_tracker *ft)
{
	int	fd, i;

	if ((fd = accept(ft->listen_fd, NULL, NULL)) < 0)
		return;
	for (i = 0; i < FT_MAX_CLIENTS; i++) {
		if (ft->clients[i].fd >= 0)
			continue;
		ft->clients[i].fd = fd;
		ft->clients[i].held = 0;
		bbuf_init(&ft->clients[i].req, FT_REQ_MAX);
		return;
	}
	close(fd);			/* full: the client sees a reset */
}

static int
listen_on(int port)
{
	struct sockaddr_in	sin;
	int			fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fd, 64) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
run(struct fake_tracker *ft)
{
	struct pollfd	pfd[FT_MAX_CLIENTS + 1];
	int		i;

	for (;;) {
		pfd[0].fd = ft->listen_fd;
		pfd[0].events = POLLIN;
		for (i = 0; i < FT_MAX_CLIENTS; i++) {
			pfd[i + 1].fd = ft->clients[i].fd;
			pfd[i + 1].events = POLLIN;
		}
		if (poll(pfd, FT_MAX_CLIENTS + 1, -1) < 0)
			continue;
		for (i = 0; i < FT_MAX_CLIENTS; i++)
			if (ft->clients[i].fd >= 0 && pfd[i + 1].revents != 0)
				client_read(ft, &ft->clients[i]);
		if (pfd[0].revents & POLLIN)
			accept_one(ft);
	}
}

int
main(int argc, char **argv)
{
	struct fake_tracker	ft;
	char			*end;
	long			port;
	int			i;

	if (argc != 3 || strcmp(argv[1], "--port") != 0) {
		fprintf(stderr, "usage: fake_tracker --port PORT\n"
		    "paths: /garbage/ /failure/ /redirect/ /empty/ "
		    "/timeout/ /peers/127.0.0.1:PORT,.../\n");
		return 1;
	}
	errno = 0;
	port = strtol(argv[2], &end, 10);
	if (errno != 0 || *end != '\0' || port < 1 || port > 65535) {
		fprintf(stderr, "fake_tracker: bad port %s\n", argv[2]);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	memset(&ft, 0, sizeof(ft));
	ft.port = (int)port;
	for (i = 0; i < FT_MAX_CLIENTS; i++)
		ft.clients[i].fd = -1;
	if ((ft.listen_fd = listen_on(ft.port)) < 0) {
		fprintf(stderr, "fake_tracker: cannot listen on 127.0.0.1:%ld: "
		    "%s\n", port, strerror(errno));
		return 2;
	}
	printf("fake_tracker: listening on 127.0.0.1:%d\n", ft.port);
	fflush(stdout);
	run(&ft);
	return 0;
}
