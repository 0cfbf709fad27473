// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Minimal streaming JSON writer: commas, nesting and string escaping. */
#include <stdlib.h>
#include <inttypes.h>

#include "json.h"

#define MAX_DEPTH 32

struct json_writer {
	FILE *out;
	int depth;
	bool pretty;
	bool first[MAX_DEPTH];	/* no element yet at this level */
	bool after_name;
};

json_writer_t *jsonw_new(FILE *f)
{
	json_writer_t *w = calloc(1, sizeof(*w));

	if (w) {
		w->out = f;
		w->first[0] = true;
	}
	return w;
}

void jsonw_destroy(json_writer_t **self_p)
{
	json_writer_t *w = *self_p;

	if (!w)
		return;
	fputc('\n', w->out);
	fflush(w->out);
	free(w);
	*self_p = NULL;
}

void jsonw_pretty(json_writer_t *self, bool on)
{
	self->pretty = on;
}

static void indent(json_writer_t *w)
{
	int i;

	if (!w->pretty)
		return;
	fputc('\n', w->out);
	for (i = 0; i < w->depth; i++)
		fputs("    ", w->out);
}

/* Separator before a new element (a value in an array, or a name). */
static void eol_sep(json_writer_t *w)
{
	if (w->after_name) {
		w->after_name = false;
		return;
	}
	if (!w->first[w->depth])
		fputc(',', w->out);
	if (w->depth)
		indent(w);
	w->first[w->depth] = false;
}

static void put_str(json_writer_t *w, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', w->out);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", w->out);
			break;
		case '\\':
			fputs("\\\\", w->out);
			break;
		case '\n':
			fputs("\\n", w->out);
			break;
		case '\t':
			fputs("\\t", w->out);
			break;
		default:
			if (*p < 0x20)
				fprintf(w->out, "\\u%04x", *p);
			else
				fputc(*p, w->out);
		}
	}
	fputc('"', w->out);
}

void jsonw_name(json_writer_t *self, const char *name)
{
	eol_sep(self);
	put_str(self, name);
	fputc(':', self->out);
	if (self->pretty)
		fputc(' ', self->out);
	self->after_name = true;
}

void jsonw_string(json_writer_t *self, const char *value)
{
	eol_sep(self);
	if (value)
		put_str(self, value);
	else
		fputs("null", self->out);
}

void jsonw_uint(json_writer_t *self, uint64_t value)
{
	eol_sep(self);
	fprintf(self->out, "%" PRIu64, value);
}

void jsonw_int(json_writer_t *self, int64_t value)
{
	eol_sep(self);
	fprintf(self->out, "%" PRId64, value);
}

void jsonw_bool(json_writer_t *self, bool value)
{
	eol_sep(self);
	fputs(value ? "true" : "false", self->out);
}

void jsonw_null(json_writer_t *self)
{
	eol_sep(self);
	fputs("null", self->out);
}

static void start(json_writer_t *w, char c)
{
	eol_sep(w);
	fputc(c, w->out);
	if (w->depth + 1 < MAX_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
}

static void end(json_writer_t *w, char c)
{
	bool empty = w->first[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (!empty)
		indent(w);
	fputc(c, w->out);
}

void jsonw_start_object(json_writer_t *self)
{
	start(self, '{');
}

void jsonw_end_object(json_writer_t *self)
{
	end(self, '}');
}

void jsonw_start_array(json_writer_t *self)
{
	start(self, '[');
}

void jsonw_end_array(json_writer_t *self)
{
	end(self, ']');
}
