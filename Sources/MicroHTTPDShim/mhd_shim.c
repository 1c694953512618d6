#include "MicroHTTPDShim.h"
#include <microhttpd.h>

void *mes_mhd_start(unsigned int flags, const struct sockaddr *address,
                    unsigned int thread_pool_size, unsigned int connection_limit,
                    unsigned int per_ip_connection_limit, unsigned int timeout_seconds,
                    size_t connection_memory_limit, const char *tls_key_pem,
                    const char *tls_cert_pem, mes_mhd_access_handler handler, void *handler_cls,
                    mes_mhd_completed_handler completed, void *completed_cls,
                    mes_mhd_connection_handler connection_notify, void *connection_cls,
                    mes_mhd_unescape_handler unescape) {
    int tls = tls_key_pem != NULL && tls_cert_pem != NULL;
    /* Without TLS, MHD_OPTION_END stops the list before the key and certificate. */
    return MHD_start_daemon(flags | (tls ? MHD_USE_TLS : 0), 0, NULL, NULL,
                            (MHD_AccessHandlerCallback)handler, handler_cls,
                            MHD_OPTION_SOCK_ADDR, address,
                            MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size,
                            MHD_OPTION_CONNECTION_LIMIT, connection_limit,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip_connection_limit,
                            MHD_OPTION_CONNECTION_TIMEOUT, timeout_seconds,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory_limit,
                            MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)4096,
                            MHD_OPTION_NOTIFY_COMPLETED, (MHD_RequestCompletedCallback)completed, completed_cls,
                            MHD_OPTION_NOTIFY_CONNECTION, (MHD_NotifyConnectionCallback)connection_notify, connection_cls,
                            MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
                            tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, tls_key_pem,
                            MHD_OPTION_HTTPS_MEM_CERT, tls_cert_pem,
                            MHD_OPTION_END);
}

unsigned short mes_mhd_bound_port(void *daemon) {
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info((struct MHD_Daemon *)daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

int mes_mhd_connection_fd(void *connection) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info((struct MHD_Connection *)connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : (int)info->connect_fd;
}
