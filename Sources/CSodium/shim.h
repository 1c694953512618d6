#ifndef MES_CSODIUM_H
#define MES_CSODIUM_H
#include <sodium.h>
#endif
