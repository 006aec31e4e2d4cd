#ifndef CGLIB_SHIM_H
#define CGLIB_SHIM_H
#include <glib.h>

/* GLib's TRUE/FALSE are macros Swift does not import. */
static inline gboolean cglib_true(void) { return TRUE; }
static inline gboolean cglib_false(void) { return FALSE; }
#endif
