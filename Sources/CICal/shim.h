#ifndef MES_CICAL_H
#define MES_CICAL_H
#include <libical/ical.h>
#endif
