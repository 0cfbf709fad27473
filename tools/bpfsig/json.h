/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Minimal streaming JSON writer (bpftool json_writer API subset). */
#ifndef __BPFSIG_JSON_H
#define __BPFSIG_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct json_writer json_writer_t;

json_writer_t *jsonw_new(FILE *f);
void jsonw_destroy(json_writer_t **self_p);
void jsonw_pretty(json_writer_t *self, bool on);
void jsonw_name(json_writer_t *self, const char *name);
void jsonw_string(json_writer_t *self, const char *value);
void jsonw_uint(json_writer_t *self, uint64_t value);
void jsonw_int(json_writer_t *self, int64_t value);
void jsonw_bool(json_writer_t *self, bool value);
void jsonw_null(json_writer_t *self);
void jsonw_start_object(json_writer_t *self);
void jsonw_end_object(json_writer_t *self);
void jsonw_start_array(json_writer_t *self);
void jsonw_end_array(json_writer_t *self);

static inline void jsonw_string_field(json_writer_t *w, const char *n,
				      const char *v)
{
	jsonw_name(w, n);
	jsonw_string(w, v);
}

static inline void jsonw_uint_field(json_writer_t *w, const char *n,
				    uint64_t v)
{
	jsonw_name(w, n);
	jsonw_uint(w, v);
}

static inline void jsonw_int_field(json_writer_t *w, const char *n, int64_t v)
{
	jsonw_name(w, n);
	jsonw_int(w, v);
}

static inline void jsonw_bool_field(json_writer_t *w, const char *n, bool v)
{
	jsonw_name(w, n);
	jsonw_bool(w, v);
}

#endif
