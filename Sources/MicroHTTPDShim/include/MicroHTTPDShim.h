#ifndef MES_MICROHTTPD_SHIM_H
#define MES_MICROHTTPD_SHIM_H
/* libmicrohttpd's MHD_start_daemon, MHD_get_daemon_info and MHD_get_connection_info are
   variadic: Swift cannot call them. These wrappers take fixed arguments. Types are kept opaque
   (void *) so that this header does not need <microhttpd.h>; the Swift side passes the values
   through. */
#include <stddef.h>
#include <sys/socket.h>

/* MHD_AccessHandlerCallback with opaque types (returns MHD_YES = 1 / MHD_NO = 0). */
typedef int (*mes_mhd_access_handler)(void *cls, void *connection, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **request_context);
/* MHD_RequestCompletedCallback with opaque types. */
typedef void (*mes_mhd_completed_handler)(void *cls, void *connection, void **request_context,
                                          int termination_code);
/* MHD_NotifyConnectionCallback with opaque types: code 0 when a connection starts, 1 when it
   closes (before its socket is closed). */
typedef void (*mes_mhd_connection_handler)(void *cls, void *connection, void **socket_context,
                                           int code);

/* MHD_UnescapeCallback with opaque types: decodes the string in place, returns its new length. */
typedef size_t (*mes_mhd_unescape_handler)(void *cls, void *connection, char *text);

/* Starts a daemon with an internal thread pool; returns NULL on failure. The TLS key and
   certificate (PEM text) are both NULL for plain HTTP. */
void *mes_mhd_start(unsigned int flags, const struct sockaddr *address,
                    unsigned int thread_pool_size, unsigned int connection_limit,
                    unsigned int per_ip_connection_limit, unsigned int timeout_seconds,
                    size_t connection_memory_limit, const char *tls_key_pem,
                    const char *tls_cert_pem, mes_mhd_access_handler handler, void *handler_cls,
                    mes_mhd_completed_handler completed, void *completed_cls,
                    mes_mhd_connection_handler connection_notify, void *connection_cls,
                    mes_mhd_unescape_handler unescape);

/* The port the daemon is bound to (useful after binding port 0); 0 when unknown. */
unsigned short mes_mhd_bound_port(void *daemon);

/* The socket of a connection (during its start notification and after); -1 when unknown. */
int mes_mhd_connection_fd(void *connection);

#endif
