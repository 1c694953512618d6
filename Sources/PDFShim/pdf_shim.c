#include "pdf_shim.h"
#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

struct mes_pdf {
    cairo_surface_t *surface;
    cairo_t *cairo;
    unsigned char *bytes;
    size_t length;
    size_t capacity;
    int failed;
};

static cairo_status_t write_bytes(void *closure, const unsigned char *data, unsigned int length) {
    struct mes_pdf *pdf = closure;
    if (pdf->length + length > pdf->capacity) {
        size_t capacity = pdf->capacity ? pdf->capacity : 65536;
        while (capacity < pdf->length + length) capacity *= 2;
        unsigned char *grown = realloc(pdf->bytes, capacity);
        if (!grown) {
            pdf->failed = 1;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        pdf->bytes = grown;
        pdf->capacity = capacity;
    }
    memcpy(pdf->bytes + pdf->length, data, length);
    pdf->length += length;
    return CAIRO_STATUS_SUCCESS;
}

mes_pdf *mes_pdf_new(double width, double height, const char *title, const char *author) {
    struct mes_pdf *pdf = calloc(1, sizeof *pdf);
    if (!pdf) return NULL;
    pdf->surface = cairo_pdf_surface_create_for_stream(write_bytes, pdf, width, height);
    if (cairo_surface_status(pdf->surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(pdf->surface);
        free(pdf);
        return NULL;
    }
    cairo_pdf_surface_set_metadata(pdf->surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(pdf->surface, CAIRO_PDF_METADATA_AUTHOR, author);
    cairo_pdf_surface_set_metadata(pdf->surface, CAIRO_PDF_METADATA_CREATOR, "mes");
    pdf->cairo = cairo_create(pdf->surface);
    return pdf;
}

double mes_pdf_text(mes_pdf *pdf, const char *text, const char *font, double x, double y, double width, int draw) {
    PangoLayout *layout = pango_cairo_create_layout(pdf->cairo);
    PangoFontDescription *description = pango_font_description_from_string(font);
    pango_layout_set_font_description(layout, description);
    pango_font_description_free(description);
    pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(layout, text, -1);
    int layout_width = 0, layout_height = 0;
    pango_layout_get_size(layout, &layout_width, &layout_height);
    if (draw) {
        cairo_move_to(pdf->cairo, x, y);
        pango_cairo_show_layout(pdf->cairo, layout);
    }
    g_object_unref(layout);
    return (double)layout_height / PANGO_SCALE;
}

void mes_pdf_colour(mes_pdf *pdf, double red, double green, double blue) {
    cairo_set_source_rgb(pdf->cairo, red, green, blue);
}

void mes_pdf_fill_rectangle(mes_pdf *pdf, double x, double y, double width, double height) {
    cairo_rectangle(pdf->cairo, x, y, width, height);
    cairo_fill(pdf->cairo);
}

void mes_pdf_line(mes_pdf *pdf, double x1, double y1, double x2, double y2, double width) {
    cairo_set_line_width(pdf->cairo, width);
    cairo_move_to(pdf->cairo, x1, y1);
    cairo_line_to(pdf->cairo, x2, y2);
    cairo_stroke(pdf->cairo);
}

void mes_pdf_next_page(mes_pdf *pdf) {
    cairo_show_page(pdf->cairo);
}

int mes_pdf_finish(mes_pdf *pdf, unsigned char **bytes, size_t *length) {
    cairo_show_page(pdf->cairo);
    cairo_destroy(pdf->cairo);
    pdf->cairo = NULL;
    cairo_surface_finish(pdf->surface);
    int failed = pdf->failed || cairo_surface_status(pdf->surface) != CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(pdf->surface);
    pdf->surface = NULL;
    if (failed) return -1;
    *bytes = pdf->bytes;
    *length = pdf->length;
    pdf->bytes = NULL;
    return 0;
}

void mes_pdf_free_bytes(unsigned char *bytes) {
    free(bytes);
}

void mes_pdf_free(mes_pdf *pdf) {
    if (!pdf) return;
    if (pdf->cairo) cairo_destroy(pdf->cairo);
    if (pdf->surface) cairo_surface_destroy(pdf->surface);
    free(pdf->bytes);
    free(pdf);
}
