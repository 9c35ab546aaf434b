/*
 * The numbers of a magnet link: so (BEP 53 select-only), file ranges kept
 * sorted, merged and capped at MAGNET_MAX_RANGES, with magnet_selects to
 * look one file up; and xl, the exact length.  Every number is bounded as
 * its digits are read.
 */
#include "magnet.h"

#include <stdlib.h>
#include <string.h>

#include "engine/magnet_impl.h"
#include "ipc/err.h"

/* A decimal number of at most `max'; *i advances past its digits. */
static int
number(const char *s, size_t n, size_t *i, uint64_t max, uint64_t *out)
{
	size_t	start = *i;

	*out = 0;
	while (*i < n && is_digit(s[*i])) {
		if (*out > (max - (uint64_t)(s[*i] - '0')) / 10)
			return BT_ERR_RANGE;
		*out = *out * 10 + (uint64_t)(s[*i] - '0');
		(*i)++;
	}
	return *i > start ? BT_OK : BT_ERR_FORMAT;
}

/* Inserts [a, b] into the sorted, disjoint, non-adjacent ranges. */
static int
range_add(struct parse *p, uint32_t a, uint32_t b)
{
	struct magnet	*m = p->m;
	size_t		 i, j;

	for (i = 0; i < m->nselect && m->select[i].last + 1 < a; i++)
		continue;
	/* ranges i..j-1 touch [a, b]: they merge into one */
	for (j = i; j < m->nselect && m->select[j].first <= b + 1; j++) {
		if (m->select[j].first < a)
			a = m->select[j].first;
		if (m->select[j].last > b)
			b = m->select[j].last;
	}
	if (i == j) {
		if (m->nselect == MAGNET_MAX_RANGES)
			return fail(p, BT_ERR_LIMIT, "magnet link: so selects "
			    "over %d separate ranges of files",
			    MAGNET_MAX_RANGES);
		if (m->select == NULL && (m->select = calloc(MAGNET_MAX_RANGES,
		    sizeof(*m->select))) == NULL)
			return fail(p, BT_ERR_NOMEM, "out of memory");
		memmove(&m->select[i + 1], &m->select[i],
		    (m->nselect - i) * sizeof(*m->select));
		m->nselect++;
		j = i + 1;
	}
	m->select[i] = (struct magnet_range){ a, b };
	memmove(&m->select[i + 1], &m->select[j],
	    (m->nselect - j) * sizeof(*m->select));
	m->nselect -= j - i - 1;
	return BT_OK;
}

/* One so item, "N" or "N-M", from p->v at *i. */
static int
so_item(struct parse *p, size_t *i, uint64_t *a, uint64_t *b)
{
	int	r;

	if ((r = number(p->v, p->vlen, i, MAGNET_MAX_FILE_INDEX, a)) != BT_OK)
		return r;
	*b = *a;
	if (*i < p->vlen && p->v[*i] == '-') {
		(*i)++;
		if ((r = number(p->v, p->vlen, i, MAGNET_MAX_FILE_INDEX,
		    b)) != BT_OK)
			return r;
	}
	return *b >= *a ? BT_OK : BT_ERR_FORMAT;
}

/* so (BEP 53): "0,2,4-6"; several so parameters add up. */
int
magnet_param_so(struct parse *p)
{
	uint64_t	a, b;
	size_t		i = 0;
	char		q[QUOTE_MAX + 8];
	int		r;

	while ((r = so_item(p, &i, &a, &b)) == BT_OK) {
		if ((r = range_add(p, (uint32_t)a, (uint32_t)b)) != BT_OK)
			return r;
		if (i == p->vlen)
			return BT_OK;
		if (p->v[i++] != ',') {
			r = BT_ERR_FORMAT;
			break;
		}
	}
	if (r == BT_ERR_RANGE)
		return fail(p, r, "magnet link: so \"%s\" names a file past "
		    "index %d", quote(p->v, p->vlen, q, sizeof(q)),
		    MAGNET_MAX_FILE_INDEX);
	return fail(p, r, "magnet link: bad so \"%s\" (want file indexes from "
	    "0 like 0,2,4-6)", quote(p->v, p->vlen, q, sizeof(q)));
}

/* xl: the exact length in bytes. */
int
magnet_param_xl(struct parse *p)
{
	size_t	i = 0;
	char	q[QUOTE_MAX + 8];

	if (number(p->v, p->vlen, &i, UINT64_MAX, &p->m->length) != BT_OK ||
	    i != p->vlen)
		return fail(p, BT_ERR_FORMAT, "magnet link: bad xl \"%s\" "
		    "(want a length in bytes)", quote(p->v, p->vlen, q,
		    sizeof(q)));
	return BT_OK;
}

int
magnet_selects(const struct magnet *m, uint32_t index)
{
	size_t	lo = 0, hi = m->nselect, mid;

	if (m->nselect == 0)
		return 1;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (index < m->select[mid].first)
			hi = mid;
		else if (index > m->select[mid].last)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}
