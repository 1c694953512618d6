#ifndef MES_SYSTEM_SHIM_H
#define MES_SYSTEM_SHIM_H

/// Makes the process non-dumpable and sets the core size limit to zero, so that
/// no key or health data can end up in a core dump. Returns 0 on success.
int mes_disable_core_dumps(void);

/// Reports whether the process is currently dumpable (1), not (0), or -1 on error.
int mes_is_dumpable(void);

/// Reads the size of the terminal on `fd`. Returns 0 on success.
int mes_terminal_size(int fd, int *rows, int *columns);

#endif
