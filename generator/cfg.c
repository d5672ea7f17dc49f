/* cfg.c — configuration loading for kaa-gen's commands (see gen_cfg.h). */
#include <string.h>

#include "gen_cfg.h"

int
cfg_load(const char *path, struct conf **out, struct diag *d)
{
	struct conf_errinfo ei;
	size_t n;
	int rc;

	*out = NULL;
	rc = conf_load(path, out, &ei);
	if (rc != CONF_OK) {
		if (ei.key[0] != '\0')
			diag_add(d, -1, path, ei.line, "%s: %s", ei.key,
			    conf_strerror(rc));
		else
			diag_add(d, -1, path, ei.line, "%s",
			    conf_strerror(rc));
		return -1;
	}
	for (n = 0; n < (*out)->nvars; n++)
		if (strncmp((*out)->vars[n].name, "ui.", 3) == 0) {
			diag_add(d, -1, path, 0, "%s: the section [ui] is "
			    "kaa-gen's own (the layout's words)",
			    (*out)->vars[n].name);
			conf_free(*out);
			*out = NULL;
			return -1;
		}
	return 0;
}
