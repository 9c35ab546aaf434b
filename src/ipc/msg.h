/*
 * msg: the typed payloads that travel inside PACKET frames between the
 * engine (child) and the front (parent).  Each payload has a C struct, an
 * encoder that appends it to a bbuf field by field in big-endian order, and a
 * decoder that checks every length and count before it trusts it.  Structs
 * are fixed-size (bounded arrays, bounded strings) so a decoded snapshot
 * never allocates and a frame always stays small: lists longer than a
 * payload can hold are sent in several frames (first/n/total).
 *
 * Strings are NUL-terminated in the structs; on the wire they are a u16
 * length and the bytes (no NUL), longer than the field -> BT_ERR_FORMAT.
 *
 * Version 2: one engine is a session of many torrents.  REGISTER describes
 * the session; every per-torrent snapshot and command starts with the id
 * of its torrent, MSG_TORRENTS lists them and MSG_SESSION sums them up.
 */
#ifndef BT_MSG_H
#define BT_MSG_H

#include <stddef.h>
#include <stdint.h>

struct bbuf;

#define MSG_PROTOCOL_VERSION	6

/* Torrent ids are the engine's, stable while the torrent is in the
 * session; the two highest values are never given out. */
#define MSG_TORRENT_NONE	0xFFFFFFFFu	/* no torrent: session-level */
#define MSG_TORRENT_ALL		0xFFFFFFFEu	/* commands: every torrent */
#define MSG_STREAM_OFF		0xFFFFFFFFu	/* STREAM: no file streamed */
#define MSG_STREAM_ALL		0xFFFFFFFEu	/* STREAM: the whole torrent */

/* Payload types, one enum in numbered groups (engine -> front from 100,
 * front -> engine from 200). */
enum msg_type {
	MSG_REGISTER = 100,
	MSG_HEARTBEAT = 101,
	MSG_STATUS = 102,
	MSG_PEERS = 103,
	MSG_PIECEMAP = 104,
	MSG_PIECE_DETAIL = 105,
	MSG_PEER_DETAIL = 106,
	MSG_TRACKERS = 107,
	MSG_FILES = 108,
	MSG_LOG = 109,
	MSG_TORRENTS = 110,
	MSG_SESSION = 111,

	MSG_CMD_PAUSE = 200,		/* struct msg_torrent_ref (or ALL) */
	MSG_CMD_RESUME = 201,		/* struct msg_torrent_ref (or ALL) */
	MSG_CMD_QUIT = 202,		/* no payload */
	MSG_CMD_REANNOUNCE = 203,	/* struct msg_torrent_ref (or ALL) */
	MSG_CMD_SET_LIMITS = 204,	/* struct msg_limits, session-wide */
	MSG_CMD_INSPECT_PIECE = 205,	/* struct msg_inspect: piece index */
	MSG_CMD_INSPECT_PEER = 206,	/* struct msg_inspect: peer id */
	MSG_CMD_FOCUS = 207,		/* struct msg_torrent_ref (or NONE) */
	MSG_CMD_ADD = 208,		/* struct msg_add */
	MSG_CMD_REMOVE = 209,		/* struct msg_remove */
	MSG_CMD_SET_MAX_ACTIVE = 210,	/* struct msg_count */
	MSG_CMD_STREAM = 211,		/* struct msg_stream */
	MSG_CMD_SET_PRIORITY = 212,	/* struct msg_set_priority */
	MSG_CMD_SET_DIR_PRIORITY = 213,	/* struct msg_set_dir_priority */
	MSG_CMD_SET_TURTLE = 214,	/* struct msg_count: 1 on, 0 off */
};

/* A file's priority (the engine's enum picker_prio has these values). */
enum msg_prio {
	MSG_PRIO_SKIP = 0,		/* not downloaded */
	MSG_PRIO_LOW = 1,
	MSG_PRIO_NORMAL = 2,		/* the default */
	MSG_PRIO_HIGH = 3,
};

#define MSG_NAME_MAX		256	/* torrent name, bytes incl. NUL */
#define MSG_ADDR_MAX		64	/* "[v6]:port" */
#define MSG_CLIENT_MAX		48
#define MSG_TEXT_MAX		256	/* log lines, errors */
#define MSG_URL_MAX		256
#define MSG_PATH_MAX		512
#define MSG_MAX_PEERS		100	/* peers in one MSG_PEERS frame */
#define MSG_PIECEMAP_CHUNK	16384	/* piece states in one frame */
#define MSG_MAX_SPANS		16	/* files listed in a piece detail */
#define MSG_MAX_BLOCKS		1024	/* 16 MiB pieces of 16 KiB blocks */
#define MSG_MAX_HAVING		64	/* peer ids listed as having a piece */
#define MSG_MAX_TRACKERS	32
#define MSG_MAX_FILES		32	/* files in one MSG_FILES frame */
#define MSG_BITFIELD_MAX	8192	/* bytes of a peer's bitfield shown */
#define MSG_MAX_REQS		32	/* requests listed each way */
#define MSG_MAX_TORRENT_ROWS	32	/* torrents in one MSG_TORRENTS frame */
#define MSG_MAGNET_MAX		1024	/* a torrent's magnet link, bytes
					 * incl. NUL: trackers that do not
					 * fit are left out */

/* The session: what the torrents share.  Each torrent is described by its
 * MSG_STATUS and its row in MSG_TORRENTS. */
struct msg_register {
	uint32_t	pid;
	uint32_t	version;		/* MSG_PROTOCOL_VERSION */
	uint16_t	port;			/* the listen port */
	char		session_dir[MSG_PATH_MAX];	/* its files and state */
};

struct msg_heartbeat {
	uint64_t	seq;
	uint64_t	uptime_ms;		/* of this engine process */
};

enum msg_state {
	MSG_STATE_STARTING = 0,
	MSG_STATE_CHECKING = 1,		/* hashing data on disk */
	MSG_STATE_DOWNLOADING = 2,
	MSG_STATE_SEEDING = 3,
	MSG_STATE_PAUSED = 4,
	MSG_STATE_ERROR = 5,
	MSG_STATE_STOPPING = 6,
	MSG_STATE_QUEUED = 7,		/* waits for a free active slot */
	MSG_STATE_METADATA = 8,		/* a magnet link: fetching the
					 * metadata from peers (BEP 9) */
};

enum msg_status_flag {
	MSG_STATUS_PRIVATE = 1 << 0,	/* BEP 27: no PEX, no DHT */
};
#define MSG_STATUS_FLAGS_ALL	MSG_STATUS_PRIVATE	/* others: malformed */

struct msg_status {
	uint32_t	torrent_id;
	uint8_t		state;			/* enum msg_state */
	uint64_t	done_bytes;		/* verified */
	uint64_t	total_bytes;
	uint64_t	down_bps, up_bps;
	uint64_t	downloaded, uploaded;	/* payload, this session */
	int64_t		eta_s;			/* -1: unknown */
	uint32_t	peers_connected;
	uint32_t	peers_known;
	uint32_t	seeds_connected;
	uint32_t	pieces_have;
	uint32_t	num_pieces;
	uint32_t	ratio_milli;		/* uploaded/total * 1000 */
	uint64_t	max_down_bps, max_up_bps;	/* 0: unlimited */
	uint32_t	hashfails;
	uint64_t	wasted;
	uint32_t	check_permille;		/* progress of CHECKING */
	uint8_t		info_hash[20];
	uint32_t	piece_length;
	uint32_t	num_files;
	char		name[MSG_NAME_MAX];	/* torrent name */
	char		error[MSG_TEXT_MAX];	/* "" unless state ERROR */
	uint8_t		flags;			/* enum msg_status_flag */
	uint32_t	meta_have;		/* METADATA: pieces of the info
						 * dictionary (BEP 9, 16 KiB)
						 * held, <= meta_pieces */
	uint32_t	meta_pieces;		/* 0: its size is not known */
	char		magnet[MSG_MAGNET_MAX];	/* the torrent's magnet link */
};

enum msg_peer_flag {
	MSG_PEER_AM_CHOKING = 1 << 0,
	MSG_PEER_AM_INTERESTED = 1 << 1,
	MSG_PEER_CHOKING = 1 << 2,	/* it chokes us */
	MSG_PEER_INTERESTED = 1 << 3,	/* it is interested in us */
	MSG_PEER_OUTGOING = 1 << 4,	/* we dialled it */
	MSG_PEER_SNUBBED = 1 << 5,
	MSG_PEER_SEED = 1 << 6,
	MSG_PEER_OPTIMISTIC = 1 << 7,	/* our optimistic unchoke */
};

/* Where the engine learnt the peer's address. */
enum msg_peer_src {
	MSG_PEER_SRC_TRACKER = 0,
	MSG_PEER_SRC_PEX = 1,		/* BEP 11, from another peer */
	MSG_PEER_SRC_DHT = 2,
	MSG_PEER_SRC_INCOMING = 3,	/* it dialled us */
	MSG_PEER_SRC_MANUAL = 4,	/* --peer, a magnet link's x.pe */
	MSG_PEER_SRC_WEBSEED = 5,	/* a web seed (BEP 19) of the torrent */
};

/* How a peer's bytes travel (issue 14), uTorrent's P, e and E flags.
 * RC4 implies MSE: the RC4 keys come out of the MSE handshake.  An MSE
 * handshake still running is neither bit. */
enum msg_peer_transport {
	MSG_PEER_T_UTP = 1 << 0,	/* uTP (BEP 29), else TCP */
	MSG_PEER_T_MSE = 1 << 1,	/* MSE/PE handshake done */
	MSG_PEER_T_RC4 = 1 << 2,	/* payload RC4-encrypted */
};
#define MSG_PEER_T_ALL	(MSG_PEER_T_UTP | MSG_PEER_T_MSE | MSG_PEER_T_RC4)

struct msg_peer {
	uint32_t	id;			/* engine's connection id */
	char		addr[MSG_ADDR_MAX];
	char		client[MSG_CLIENT_MAX];
	uint8_t		flags;			/* enum msg_peer_flag */
	uint16_t	progress_permille;	/* of its pieces */
	uint64_t	down_bps, up_bps;
	uint32_t	reqs_out;		/* ours to it */
	uint32_t	reqs_in;		/* its to us */
	uint8_t		src;			/* enum msg_peer_src */
	uint8_t		transport;		/* enum msg_peer_transport */
};

struct msg_peers {
	uint32_t	torrent_id;
	uint32_t	total;			/* connected peers in all */
	uint32_t	first;			/* index of peers[0] in that */
	uint32_t	n;
	struct msg_peer	peers[MSG_MAX_PEERS];
};

enum msg_piece_state {
	MSG_PIECE_MISSING = 0,
	MSG_PIECE_REQUESTED = 1,
	MSG_PIECE_DOWNLOADING = 2,
	MSG_PIECE_HAVE = 3,
	MSG_PIECE_UNAVAILABLE = 4,	/* missing and no connected peer has it */
};

struct msg_piecemap {
	uint32_t	torrent_id;
	uint32_t	num_pieces;		/* of the torrent */
	uint32_t	first;			/* index of states[0] */
	uint32_t	n;
	uint8_t		states[MSG_PIECEMAP_CHUNK];	/* enum msg_piece_state */
};

struct msg_span {
	uint32_t	file;			/* index into the files list */
	uint64_t	file_offset;
	uint64_t	length;
};

enum msg_block_state {
	MSG_BLOCK_MISSING = 0,
	MSG_BLOCK_REQUESTED = 1,
	MSG_BLOCK_HAVE = 2,
};

#define MSG_PEER_NONE	UINT32_MAX	/* no peer (e.g. a piece we have) */

struct msg_block {
	uint8_t		state;			/* enum msg_block_state */
	uint32_t	peer_id;		/* requested from / received from,
						 * or MSG_PEER_NONE */
};

struct msg_piece_detail {
	uint32_t	torrent_id;
	uint32_t	index;
	uint64_t	offset;			/* in the torrent */
	uint32_t	size;
	uint8_t		state;			/* enum msg_piece_state */
	uint32_t	availability;
	uint32_t	hashfails;
	uint32_t	nspans;			/* all spans; spans[] holds the
						 * first MSG_MAX_SPANS */
	struct msg_span	spans[MSG_MAX_SPANS];
	uint32_t	nblocks;
	struct msg_block blocks[MSG_MAX_BLOCKS];
	uint32_t	nhaving;		/* connected peers having it */
	uint32_t	having[MSG_MAX_HAVING];	/* their ids (first ones) */
};

struct msg_req {
	uint32_t	piece, begin, length;
};

struct msg_peer_detail {
	uint32_t	torrent_id;
	struct msg_peer	peer;
	uint64_t	connected_s;		/* seconds since connected */
	uint64_t	downloaded, uploaded;	/* payload bytes */
	uint32_t	hashfails;
	uint32_t	num_pieces;		/* bits in the bitfield */
	uint32_t	bitfield_len;		/* bytes in bitfield[] */
	uint8_t		bitfield[MSG_BITFIELD_MAX];
	uint32_t	nreqs_out;
	struct msg_req	reqs_out[MSG_MAX_REQS];
	uint32_t	nreqs_in;
	struct msg_req	reqs_in[MSG_MAX_REQS];
	/* 1: the peer has left; only peer.id and these two are set then
	 * (the front keeps the last detail it had) */
	uint8_t		gone;			/* 0 or 1 */
	uint64_t	gone_s;			/* seconds since it left */
	char		gone_reason[MSG_TEXT_MAX];	/* "closed by peer" */
};

enum msg_tracker_status {
	MSG_TRACKER_IDLE = 0,
	MSG_TRACKER_ANNOUNCING = 1,
	MSG_TRACKER_OK = 2,
	MSG_TRACKER_ERROR = 3,
};

/* What a row of the Trackers view is: the torrent's peer sources, and
 * the addresses that could not be reached. */
enum msg_tracker_kind {
	MSG_TRACKER_KIND_TRACKER = 0,	/* an announce URL of a tier */
	MSG_TRACKER_KIND_DHT = 1,	/* the DHT (url says what it found) */
	MSG_TRACKER_KIND_PEER = 2,	/* a peer address whose last dial
					 * failed: url the address and where
					 * it came from, error why, last_s
					 * when, next_s the next try; or,
					 * with last_s -1, how many more
					 * did not fit */
};

struct msg_tracker {
	char		url[MSG_URL_MAX];
	uint32_t	tier;
	uint8_t		status;			/* enum msg_tracker_status */
	int64_t		last_s;			/* seconds ago, -1: never */
	int64_t		next_s;			/* seconds from now, -1: none */
	int32_t		seeders, leechers;	/* -1: unknown */
	char		error[MSG_TEXT_MAX];
	uint8_t		kind;			/* enum msg_tracker_kind */
};

struct msg_trackers {
	uint32_t		torrent_id;
	uint32_t		n;
	struct msg_tracker	t[MSG_MAX_TRACKERS];
};

struct msg_file {
	char		path[MSG_PATH_MAX];
	uint64_t	size;
	uint64_t	done;			/* verified bytes in it */
	uint8_t		prio;			/* enum msg_prio */
};

struct msg_files {
	uint32_t	torrent_id;
	uint32_t	total;
	uint32_t	first;
	uint32_t	n;
	struct msg_file	files[MSG_MAX_FILES];
	uint32_t	streamed;		/* index (< total) of the file
						 * streamed in order, or
						 * MSG_STREAM_ALL / _OFF */
};

enum msg_log_level {
	MSG_LOG_INFO = 0,
	MSG_LOG_WARN = 1,
	MSG_LOG_ERROR = 2,
};

struct msg_log {
	uint32_t	torrent_id;		/* MSG_TORRENT_NONE: the session */
	uint8_t		level;			/* enum msg_log_level */
	uint64_t	uptime_ms;		/* engine time of the event */
	char		text[MSG_TEXT_MAX];
};

struct msg_limits {
	uint64_t	max_down_bps;		/* 0: unlimited */
	uint64_t	max_up_bps;
};

struct msg_inspect {
	uint32_t	torrent_id;
	uint32_t	index;			/* piece index or peer id */
};

enum msg_row_flag {
	MSG_ROW_COMPLETED = 1 << 0,	/* this engine downloaded its last
					 * piece (not complete at start) */
};
#define MSG_ROW_FLAGS_ALL	MSG_ROW_COMPLETED	/* others: malformed */

/* One line of the torrent list: what the list view shows of a torrent
 * without its detail snapshots. */
struct msg_torrent_row {
	uint32_t	id;
	uint8_t		info_hash[20];
	char		name[MSG_NAME_MAX];
	uint8_t		state;			/* enum msg_state */
	uint64_t	done_bytes;		/* verified, <= total_bytes */
	uint64_t	total_bytes;
	uint64_t	down_bps, up_bps;
	uint64_t	downloaded, uploaded;	/* payload, this session */
	int64_t		eta_s;			/* -1: unknown */
	uint32_t	ratio_milli;
	uint32_t	peers_connected;
	uint32_t	peers_known;
	uint32_t	seeds_connected;
	uint32_t	queue_pos;		/* 1..: place in the queue;
						 * 0: not queued */
	uint64_t	wasted;			/* bytes of failed pieces */
	uint32_t	hashfails;		/* pieces that failed */
	char		error[MSG_TEXT_MAX];	/* "" unless state ERROR */
	uint32_t	meta_have, meta_pieces;	/* as in msg_status */
	uint8_t		flags;			/* enum msg_row_flag */
};

struct msg_torrents {
	uint32_t		total;		/* torrents in the session */
	uint32_t		first;		/* index of rows[0] in that */
	uint32_t		n;
	struct msg_torrent_row	rows[MSG_MAX_TORRENT_ROWS];
};

/* Session totals: sums over the torrents, and the session's limits. */
struct msg_session {
	uint32_t	num_torrents;
	uint32_t	active;			/* torrents not paused/queued */
	uint32_t	queued;			/* active + queued <= num */
	uint32_t	peers_connected;
	uint64_t	down_bps, up_bps;
	uint64_t	downloaded, uploaded;	/* payload, this session */
	uint64_t	max_down_bps, max_up_bps;	/* 0: unlimited; set,
						 * in force unless turtle */
	uint32_t	max_active;		/* 0: no limit */
	uint16_t	port;			/* the listen port */
	uint8_t		turtle;			/* 0 or 1: turtle mode, the
						 * alt limits in force */
	uint64_t	alt_down_bps, alt_up_bps;	/* 0: unlimited */
};

/* PAUSE, RESUME, REANNOUNCE: a torrent or MSG_TORRENT_ALL.  FOCUS: the
 * torrent the front shows in detail, or MSG_TORRENT_NONE for the list
 * only. */
struct msg_torrent_ref {
	uint32_t	torrent_id;
};

struct msg_add {
	char		path[MSG_PATH_MAX];	/* the .torrent file, not "" */
	char		dir[MSG_PATH_MAX];	/* "": the engine's default */
	uint8_t		paused;			/* 0 or 1: added paused */
};

struct msg_remove {
	uint32_t	torrent_id;
	uint8_t		delete_data;		/* 0 or 1: its files too */
};

/* STREAM: download a file in order, its first and last pieces first, so
 * it can be played while it comes.  file: its index in the torrent's
 * files as MSG_FILES lists them; MSG_STREAM_ALL: the whole torrent;
 * MSG_STREAM_OFF: back to rarest first. */
struct msg_stream {
	uint32_t	torrent_id;
	uint32_t	file;
};

/* SET_PRIORITY: file `file' (as MSG_FILES lists them) of a torrent gets
 * priority prio (enum msg_prio); the session keeps it across restarts. */
struct msg_set_priority {
	uint32_t	torrent_id;
	uint32_t	file;
	uint8_t		prio;
};

/* SET_DIR_PRIORITY: every file of a torrent whose path starts with dir
 * and a '/' (a directory of the Files view's tree, "name/sub", no
 * trailing '/') gets priority prio, in one command however many files
 * that is; the session keeps it as SET_PRIORITY's. */
struct msg_set_dir_priority {
	uint32_t	torrent_id;
	uint8_t		prio;
	char		dir[MSG_PATH_MAX];	/* not "" */
};

/* SET_MAX_ACTIVE: torrents downloading or seeding at once, 0: no limit. */
struct msg_count {
	uint32_t	n;
};

/*
 * Encoders append the payload (not the frame header) to out: BT_OK or a
 * bbuf error (nothing appended on failure).  Decoders read exactly the
 * payload bytes of `in' (all of them: trailing bytes are BT_ERR_FORMAT),
 * zero *out first, and return BT_OK, BT_ERR_INCOMPLETE (short payload, which
 * inside a complete frame means malformed), BT_ERR_FORMAT (a count over its
 * array bound, a string over its field, a bad enum value).
 */
int	msg_put_register(struct bbuf *out, const struct msg_register *m);
int	msg_get_register(struct bbuf *in, struct msg_register *out);
int	msg_put_heartbeat(struct bbuf *out, const struct msg_heartbeat *m);
int	msg_get_heartbeat(struct bbuf *in, struct msg_heartbeat *out);
int	msg_put_status(struct bbuf *out, const struct msg_status *m);
int	msg_get_status(struct bbuf *in, struct msg_status *out);
int	msg_put_peers(struct bbuf *out, const struct msg_peers *m);
int	msg_get_peers(struct bbuf *in, struct msg_peers *out);
int	msg_put_piecemap(struct bbuf *out, const struct msg_piecemap *m);
int	msg_get_piecemap(struct bbuf *in, struct msg_piecemap *out);
int	msg_put_piece_detail(struct bbuf *out,
	    const struct msg_piece_detail *m);
int	msg_get_piece_detail(struct bbuf *in, struct msg_piece_detail *out);
int	msg_put_peer_detail(struct bbuf *out, const struct msg_peer_detail *m);
int	msg_get_peer_detail(struct bbuf *in, struct msg_peer_detail *out);
int	msg_put_trackers(struct bbuf *out, const struct msg_trackers *m);
int	msg_get_trackers(struct bbuf *in, struct msg_trackers *out);
int	msg_put_files(struct bbuf *out, const struct msg_files *m);
int	msg_get_files(struct bbuf *in, struct msg_files *out);
int	msg_put_log(struct bbuf *out, const struct msg_log *m);
int	msg_get_log(struct bbuf *in, struct msg_log *out);
int	msg_put_limits(struct bbuf *out, const struct msg_limits *m);
int	msg_get_limits(struct bbuf *in, struct msg_limits *out);
int	msg_put_inspect(struct bbuf *out, const struct msg_inspect *m);
int	msg_get_inspect(struct bbuf *in, struct msg_inspect *out);
int	msg_put_torrents(struct bbuf *out, const struct msg_torrents *m);
int	msg_get_torrents(struct bbuf *in, struct msg_torrents *out);
int	msg_put_session(struct bbuf *out, const struct msg_session *m);
int	msg_get_session(struct bbuf *in, struct msg_session *out);
/* As PAUSE / RESUME / REANNOUNCE take it (a torrent or ALL); FOCUS, which
 * takes a torrent or NONE, goes through msg_encode / msg_decode. */
int	msg_put_torrent_ref(struct bbuf *out, const struct msg_torrent_ref *m);
int	msg_get_torrent_ref(struct bbuf *in, struct msg_torrent_ref *out);
int	msg_put_add(struct bbuf *out, const struct msg_add *m);
int	msg_get_add(struct bbuf *in, struct msg_add *out);
int	msg_put_remove(struct bbuf *out, const struct msg_remove *m);
int	msg_get_remove(struct bbuf *in, struct msg_remove *out);
int	msg_put_count(struct bbuf *out, const struct msg_count *m);
int	msg_get_count(struct bbuf *in, struct msg_count *out);
int	msg_put_stream(struct bbuf *out, const struct msg_stream *m);
int	msg_get_stream(struct bbuf *in, struct msg_stream *out);
int	msg_put_set_priority(struct bbuf *out,
	    const struct msg_set_priority *m);
int	msg_get_set_priority(struct bbuf *in, struct msg_set_priority *out);
int	msg_put_set_dir_priority(struct bbuf *out,
	    const struct msg_set_dir_priority *m);
int	msg_get_set_dir_priority(struct bbuf *in,
	    struct msg_set_dir_priority *out);

/* "status", "peers"... for logs; "unknown" for others. */
const char	*msg_type_name(int type);

/*
 * Additions to the contract above (the IPC layer's needs).
 *
 * Every payload fits in MSG_MAX_PAYLOAD bytes (the largest, a full
 * MSG_TORRENTS, is about 19 KiB; static asserts in msg.c keep every type
 * under it).  An encoder also refuses a struct its decoder would refuse (a
 * count over its bound, a string not NUL-terminated inside its field, a bad
 * enum value): BT_ERR_RANGE, nothing appended.  Strings must not contain
 * NUL bytes on the wire (BT_ERR_FORMAT), so a decoded payload re-encodes to
 * the same bytes.  Checks beyond the per-field ones, each BT_ERR_FORMAT:
 * first + n <= total (peers, files, torrents) or num_pieces (piecemap);
 * done <= total (status, files, torrent rows); pieces_have <= num_pieces;
 * meta_have <= meta_pieces (status, torrent rows); a status' flags only
 * MSG_STATUS_FLAGS_ALL bits, a row's only MSG_ROW_FLAGS_ALL; a tracker's
 * kind at most MSG_TRACKER_KIND_PEER; a peer's src at most
 * MSG_PEER_SRC_WEBSEED;
 * *_permille <= 1000; eta_s, last_s, next_s, seeders, leechers >= -1;
 * bitfield_len <= (num_pieces + 7) / 8; active + queued <= num_torrents;
 * booleans (paused, delete_data, a peer detail's gone) 0 or 1; a
 * priority (a file's, a SET_PRIORITY's, a SET_DIR_PRIORITY's) at most
 * MSG_PRIO_HIGH; an ADD
 * path and a SET_DIR_PRIORITY dir are not ""; a files
 * snapshot's streamed is below total or MSG_STREAM_ALL / _OFF.  Torrent
 * ids: a snapshot's, a row's, an inspect's, a remove's, a stream's and a
 * set priority's (file or directory) are real ids
 * (below MSG_TORRENT_ALL); a log line's may be MSG_TORRENT_NONE; PAUSE,
 * RESUME and REANNOUNCE take MSG_TORRENT_ALL, FOCUS MSG_TORRENT_NONE.
 * msg_get_register returns BT_ERR_PROTO when version is not
 * MSG_PROTOCOL_VERSION.
 */
#define MSG_MAX_PAYLOAD		65536

/* Any payload; msg_encode / msg_decode pick the member by type. */
union msg_any {
	struct msg_register	reg;
	struct msg_heartbeat	heartbeat;
	struct msg_status	status;
	struct msg_peers	peers;
	struct msg_piecemap	piecemap;
	struct msg_piece_detail	piece_detail;
	struct msg_peer_detail	peer_detail;
	struct msg_trackers	trackers;
	struct msg_files	files;
	struct msg_log		log;
	struct msg_limits	limits;
	struct msg_inspect	inspect;
	struct msg_torrents	torrents;
	struct msg_session	session;
	struct msg_torrent_ref	ref;
	struct msg_add		add;
	struct msg_remove	remove;
	struct msg_count	count;
	struct msg_stream	stream;
	struct msg_set_priority	set_priority;
	struct msg_set_dir_priority set_dir_priority;
};

/* 1 for a type of enum msg_type, else 0. */
int	msg_type_known(int type);
/* 1 for engine -> front types (100..199), 0 for commands (200..). */
int	msg_type_from_engine(int type);
/* The smallest and largest encoded payload of a type, so a frame header
 * can be judged before its payload arrives.  BT_OK, or BT_ERR_FORMAT for
 * an unknown type (*min_out = *max_out = 0). */
int	msg_payload_bounds(int type, size_t *min_out, size_t *max_out);
/* msg_put_* / msg_get_* by type.  QUIT has no payload: it encodes nothing
 * and decodes only an empty payload; m may be NULL for it.  Unknown type: BT_ERR_INVALID (encode),
 * BT_ERR_FORMAT (decode). */
int	msg_encode(int type, struct bbuf *out, const union msg_any *m);
int	msg_decode(int type, struct bbuf *in, union msg_any *out);

#endif
