#ifndef MES_CURSES_SHIM_H
#define MES_CURSES_SHIM_H

#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>

/// Wrappers for the curses macros Swift cannot call.
int mes_curses_rows(WINDOW *window);
int mes_curses_columns(WINDOW *window);
int mes_curses_color_pair(int pair);
/// Writes one cell: a grapheme's wide characters (NUL-terminated) with attributes and a colour pair.
int mes_curses_put_cell(WINDOW *window, int row, int column, const wchar_t *text, attr_t attributes, short pair);
/// The libc display width of one wide character (-1 when not printable).
int mes_wcwidth(wchar_t character);

#endif
