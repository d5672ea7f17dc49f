/* gen_cfg.h — a municipality's configuration as kaa-gen's commands read
 * it: conf_load with its errors as build diagnostics, and the names kaa-gen
 * keeps for itself. Shared by `kaa-gen site` and `kaa-gen letters`. */
#ifndef KAA_GEN_CFG_H
#define KAA_GEN_CFG_H

#include "conf.h"
#include "gen_diag.h"

/* Loads path into *out (free with conf_free). The section [ui] is kaa-gen's
 * own (the layout's words) and refused in a configuration. Returns 0, or
 * -1 with the error added to d as "FILE:LINE: message" (*out NULL). */
int cfg_load(const char *path, struct conf **out, struct diag *d);

#endif
