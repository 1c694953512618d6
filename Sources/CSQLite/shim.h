#ifndef MES_CSQLITE_H
#define MES_CSQLITE_H
#include <sqlite3.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

/* SQLite's memory, zeroed when freed. The page cache, rows and statement buffers hold
   decrypted vault pages; when the vault locks its connections close and SQLite frees them, and
   this makes sure the plaintext does not linger in freed heap memory (Docs/security.md). */

static void *mes_sqlite_malloc(int size) { return malloc((size_t)size); }

static void mes_sqlite_free(void *pointer) {
    if (pointer == NULL) return;
    explicit_bzero(pointer, malloc_usable_size(pointer));
    free(pointer);
}

static void *mes_sqlite_realloc(void *pointer, int size) {
    if (pointer == NULL) return malloc((size_t)size);
    size_t old = malloc_usable_size(pointer);
    void *moved = malloc((size_t)size);
    if (moved == NULL) return NULL;
    memcpy(moved, pointer, old < (size_t)size ? old : (size_t)size);
    explicit_bzero(pointer, old);
    free(pointer);
    return moved;
}

static int mes_sqlite_size(void *pointer) { return (int)malloc_usable_size(pointer); }
static int mes_sqlite_roundup(int size) { return (size + 7) & ~7; }
static int mes_sqlite_init(void *unused) { (void)unused; return SQLITE_OK; }
static void mes_sqlite_shutdown(void *unused) { (void)unused; }

/* Installs the zeroing allocator. Only possible before SQLite initialises (the first call of
   almost any sqlite3 function): returns SQLITE_MISUSE after that. */
static inline int mes_sqlite_zero_freed_memory(void) {
    static const sqlite3_mem_methods methods = {
        mes_sqlite_malloc, mes_sqlite_free, mes_sqlite_realloc, mes_sqlite_size,
        mes_sqlite_roundup, mes_sqlite_init, mes_sqlite_shutdown, NULL
    };
    return sqlite3_config(SQLITE_CONFIG_MALLOC, &methods);
}

#endif
