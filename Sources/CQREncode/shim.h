#ifndef MES_CQRENCODE_H
#define MES_CQRENCODE_H
#include <qrencode.h>
#endif
