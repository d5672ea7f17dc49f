/* i18n.h — kaa-inbox speaks the coordinator's language: its messages, usage
 * and headings go through GNU gettext (text domain "kaa-inbox", catalogues
 * from po/). The sources are in English; po/sv.po is the Swedish catalogue,
 * chosen by LANG=sv_SE.UTF-8 (or LC_ALL, LC_MESSAGES, LANGUAGE).
 *
 * _() translates a string where it is used; N_() only marks one in a
 * static table for xgettext, and the code that prints it calls _() on it.
 * lib/'s error texts (inbox_strerror, key_strerror, conf_strerror,
 * archive_strerror) are marked with N_() and are in the catalogue too, but
 * lib/ never translates: kaa-fcgi links it and logs in English, and only
 * kaa-inbox, which sets the locale, prints _(inbox_strerror(rc)).
 * Machine formats are never translated: --json, the sealed stream, ack's
 * "removed N of M" (pull reads it). */
#ifndef KAA_I18N_H
#define KAA_I18N_H

#include <libintl.h>

#define _(s)  gettext(s)
#define N_(s) s

#define I18N_DOMAIN "kaa-inbox"

/* Where the catalogues are: the Makefile gives the build tree's locale
 * directory (so build/bin/kaa-inbox finds build/locale), or the installed
 * one. Without it, build/locale relative to the working directory. */
#ifndef LOCALEDIR
#define LOCALEDIR "build/locale"
#endif

#endif
