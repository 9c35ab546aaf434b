/*
 * Matching rows against a search or a filter.  The match is a plain
 * substring search with ASCII case folding: a needle is at most
 * VIEW_SEARCH_MAX bytes and a row a few hundred, so the naive loop costs
 * less than any table it could build.
 */
#include "search.h"

#include <stdio.h>
#include <string.h>

#include "tui/view.h"

static unsigned char
fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

int
search_match(const char *text, const char *needle)
{
	size_t	i;

	if (needle[0] == '\0')
		return 1;
	for (; *text != '\0'; text++) {
		for (i = 0; needle[i] != '\0' && fold((unsigned char)text[i]) ==
		    fold((unsigned char)needle[i]); i++)
			;
		if (needle[i] == '\0')
			return 1;
	}
	return 0;
}

int
search_list(const struct view_state *vs)
{
	if (vs->help)
		return VIEW_LIST_COUNT;
	if (vs->home)
		return VIEW_LIST_TORRENTS;
	switch (vs->view) {
	case VIEW_PEERS:
		return VIEW_LIST_PEERS;
	case VIEW_FILES:
		return VIEW_LIST_FILES;
	case VIEW_LOG:
		return VIEW_LIST_LOG;
	default:
		return VIEW_LIST_COUNT;
	}
}

int
search_row_visible(const struct view_state *vs, int list, const char *text)
{
	if (list < 0 || list >= VIEW_LIST_COUNT)
		return 1;
	return search_match(text, vs->filter[list]);
}

void
search_peer_text(const struct msg_peer *p, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s %.*s", (int)sizeof(p->addr), p->addr,
	    (int)sizeof(p->client), p->client);
}

void
search_log_text(const struct model_log_line *l, char *buf, size_t len)
{
	view_log_format_line(l, buf, len);
}

void
search_log_sync(struct view_state *vs, const struct model *m)
{
	const struct model_log_line	*l;
	char				 text[MSG_TEXT_MAX + 64];
	size_t				 i, n = model_log_count(m);

	vs->nlog_shown = 0;
	if (vs->filter[VIEW_LIST_LOG][0] == '\0')
		return;
	for (i = 0; i < n && i < MODEL_LOG_LINES; i++) {
		if ((l = model_log_line(m, i)) == NULL)
			break;
		search_log_text(l, text, sizeof(text));
		if (search_match(text, vs->filter[VIEW_LIST_LOG]))
			vs->log_shown[vs->nlog_shown++] = (uint16_t)i;
	}
}

size_t
search_log_count(const struct view_state *vs, const struct model *m)
{
	if (vs->filter[VIEW_LIST_LOG][0] == '\0')
		return model_log_count(m);
	return vs->nlog_shown;
}

size_t
search_log_index(const struct view_state *vs, const struct model *m,
    size_t k)
{
	(void)m;
	if (vs->filter[VIEW_LIST_LOG][0] == '\0' || k >= vs->nlog_shown)
		return k;
	return vs->log_shown[k];
}

/* Files that pass the Files filter: the tree shows them and the
 * directories above them. */
static size_t
files_shown(const struct view_state *vs, const struct model *m)
{
	size_t	i, n = 0;

	for (i = 0; i < m->nfiles; i++)
		if (search_match(m->files[i].path, vs->filter[VIEW_LIST_FILES]))
			n++;
	return n;
}

void
search_filter_counts(const struct view_state *vs, const struct model *m,
    size_t *shown_out, size_t *all_out)
{
	switch (search_list(vs)) {
	case VIEW_LIST_TORRENTS:
		*shown_out = vs->ntorrent_order;
		*all_out = m->ntorrents;
		break;
	case VIEW_LIST_PEERS:
		*shown_out = vs->npeer_order;
		*all_out = m->npeers;
		break;
	case VIEW_LIST_FILES:
		*shown_out = files_shown(vs, m);
		*all_out = m->nfiles;
		break;
	case VIEW_LIST_LOG:
		*all_out = model_log_count(m);
		*shown_out = search_log_count(vs, m);
		break;
	default:
		*shown_out = *all_out = 0;
		break;
	}
}

int
search_filter_label(const struct view_state *vs, const struct model *m,
    char *buf, size_t len)
{
	int	list = search_list(vs);
	size_t	shown, all;

	if (len > 0)
		buf[0] = '\0';
	if (list == VIEW_LIST_COUNT || vs->filter[list][0] == '\0')
		return 0;
	search_filter_counts(vs, m, &shown, &all);
	snprintf(buf, len, "filter \"%s\": %zu of %zu shown", vs->filter[list],
	    shown, all);
	return 1;
}
