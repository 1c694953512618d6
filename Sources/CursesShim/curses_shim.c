#define _XOPEN_SOURCE 700
#include "CursesShim.h"
#include <wchar.h>

int mes_curses_rows(WINDOW *window) {
    int rows, columns;
    getmaxyx(window, rows, columns);
    (void)columns;
    return rows;
}

int mes_curses_columns(WINDOW *window) {
    int rows, columns;
    getmaxyx(window, rows, columns);
    (void)rows;
    return columns;
}

int mes_curses_color_pair(int pair) {
    return (int)COLOR_PAIR(pair);
}

int mes_curses_put_cell(WINDOW *window, int row, int column, const wchar_t *text, attr_t attributes, short pair) {
    cchar_t cell;
    if (setcchar(&cell, text, attributes, pair, NULL) != OK) {
        return ERR;
    }
    return mvwadd_wch(window, row, column, &cell);
}

int mes_wcwidth(wchar_t character) {
    return wcwidth(character);
}
