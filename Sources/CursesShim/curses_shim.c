#define _GNU_SOURCE 1
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE 1
#include "CursesShim.h"
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/vfs.h>
#include <unistd.h>
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

int mes_locale_init_is_utf8(void) {
    setlocale(LC_ALL, "");
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

WINDOW *mes_curses_open_terminal(SCREEN **screen) {
    *screen = newterm(NULL, stdout, stdin);
    if (*screen == NULL) {
        return NULL;
    }
    set_term(*screen);
    return stdscr;
}

WINDOW *mes_curses_open_files(const char *term, FILE *output, FILE *input, SCREEN **screen) {
    *screen = newterm(term, output, input);
    if (*screen == NULL) {
        return NULL;
    }
    set_term(*screen);
    return stdscr;
}

void mes_curses_close(SCREEN *screen) {
    endwin();
    if (screen != NULL) {
        delscreen(screen);
    }
}

attr_t mes_curses_attributes(unsigned flags) {
    attr_t attributes = A_NORMAL;
    if (flags & 1) attributes |= A_BOLD;
    if (flags & 2) attributes |= A_DIM;
    if (flags & 4) attributes |= A_UNDERLINE;
    if (flags & 8) attributes |= A_REVERSE;
    return attributes;
}

int mes_curses_color_pair_count(void) {
    return COLOR_PAIRS;
}

int mes_curses_key_code_yes(void) {
    return KEY_CODE_YES;
}

int mes_curses_key_f0(void) {
    return KEY_F0;
}

int mes_open_pseudo_terminal(int rows, int columns, int *primary, int *secondary) {
    int first = posix_openpt(O_RDWR | O_NOCTTY);
    if (first < 0) return -1;
    if (grantpt(first) != 0 || unlockpt(first) != 0) {
        close(first);
        return -1;
    }
    const char *name = ptsname(first);
    int second = name ? open(name, O_RDWR | O_NOCTTY) : -1;
    if (second < 0) {
        close(first);
        return -1;
    }
    struct winsize size = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)columns };
    ioctl(second, TIOCSWINSZ, &size);
    *primary = first;
    *secondary = second;
    return 0;
}

long mes_file_system_type(const char *path) {
    struct statfs info;
    if (statfs(path, &info) != 0) return -1;
    return (long)info.f_type;
}

int mes_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}
