#ifndef MES_PDF_SHIM_H
#define MES_PDF_SHIM_H
#include <stddef.h>

/// A PDF written in memory with cairo, its text laid out by pango. The header uses only plain C
/// types: Swift imports it without pango's and glib's headers (whose pkg-config flags SwiftPM
/// refuses), and nothing is ever written to a file.
typedef struct mes_pdf mes_pdf;

/// A new A4 document (595 x 842 points); NULL on failure.
mes_pdf *mes_pdf_new(double width, double height, const char *title, const char *author);
/// Lays `text` (plain UTF-8, never markup) out in `font` (a pango description such as
/// "DejaVu Sans 10") wrapped to `width` points; draws it at (x, y) when `draw` is non-zero.
/// Returns its height in points.
double mes_pdf_text(mes_pdf *pdf, const char *text, const char *font, double x, double y, double width, int draw);
void mes_pdf_colour(mes_pdf *pdf, double red, double green, double blue);
void mes_pdf_fill_rectangle(mes_pdf *pdf, double x, double y, double width, double height);
void mes_pdf_line(mes_pdf *pdf, double x1, double y1, double x2, double y2, double width);
void mes_pdf_next_page(mes_pdf *pdf);
/// Ends the document; `*bytes` (malloc'd, the caller frees it with `mes_pdf_free_bytes`) and
/// `*length` receive the PDF. Returns 0 on success.
int mes_pdf_finish(mes_pdf *pdf, unsigned char **bytes, size_t *length);
void mes_pdf_free_bytes(unsigned char *bytes);
void mes_pdf_free(mes_pdf *pdf);

#endif
