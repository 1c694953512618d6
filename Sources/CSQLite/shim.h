#ifndef MES_CSQLITE_H
#define MES_CSQLITE_H
#include <sqlite3.h>
#endif
