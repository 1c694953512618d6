#ifndef MES_CURSES_SHIM_H
#define MES_CURSES_SHIM_H

#define NCURSES_WIDECHAR 1
#include <spawn.h>
#include <stdio.h>
#include <ncursesw/curses.h>

/// Wrappers for the curses macros Swift cannot call.
int mes_curses_rows(WINDOW *window);
int mes_curses_columns(WINDOW *window);
int mes_curses_color_pair(int pair);
/// Writes one cell: a grapheme's wide characters (NUL-terminated) with attributes and a colour pair.
int mes_curses_put_cell(WINDOW *window, int row, int column, const wchar_t *text, attr_t attributes, short pair);
/// The libc display width of one wide character (-1 when not printable).
int mes_wcwidth(wchar_t character);

/// Adopts the user's locale (`setlocale(LC_ALL, "")`) and reports whether its character set
/// is UTF-8 (`nl_langinfo(CODESET)`): 1 if so, else 0.
int mes_locale_init_is_utf8(void);

/// Starts curses on the process's terminal (standard input and output) with `newterm`, and
/// returns the window it created (never touching the `stdscr` global from Swift), or NULL.
WINDOW *mes_curses_open_terminal(SCREEN **screen);
/// Starts curses for terminal type `term` writing to `output` and reading `input` (benchmarks).
WINDOW *mes_curses_open_files(const char *term, FILE *output, FILE *input, SCREEN **screen);
/// Ends curses mode and frees the screen.
void mes_curses_close(SCREEN *screen);

/// Attribute bits for a set of flags: 1 bold, 2 dim, 4 underline, 8 reverse.
attr_t mes_curses_attributes(unsigned flags);
/// How many colour pairs the terminal has.
int mes_curses_color_pair_count(void);
/// The value `wget_wch` returns for a function key (KEY_CODE_YES) and the code of F0.
int mes_curses_key_code_yes(void);
int mes_curses_key_f0(void);

/// Opens a pseudo-terminal pair of the given size; returns 0 and the two descriptors, or -1.
int mes_open_pseudo_terminal(int rows, int columns, int *primary, int *secondary);

/// The file-system type (`statfs`'s f_type, e.g. TMPFS_MAGIC) of the file system holding `path`,
/// or -1 (the external editor's file must be in memory).
long mes_file_system_type(const char *path);

/// Makes a spawned child inherit no descriptor from `lowest` up (the external editor gets the
/// terminal's three only). Returns 0 or an error number.
int mes_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest);

#endif
