import HAProxySink

/// The property names the `server` and `backend` schemas allow (`additionalProperties: false`), taken
/// from the Data Plane API specifications in `shared/reference/dataplaneapi` (client-native v5.1 for v2,
/// v6.4 for v3). The fake rejects anything else, as the real API's validation does.
enum FakeDataPlaneSchema {
    static func serverFields(_ version: DataPlaneAPIVersion) -> Set<String> {
        switch version {
        case .v2: serverFieldsV2
        case .v3: serverFieldsV3
        }
    }

    static func backendFields(_ version: DataPlaneAPIVersion) -> Set<String> {
        switch version {
        case .v2: backendFieldsV2
        case .v3: backendFieldsV3
        }
    }

    static let balanceAlgorithms: Set<String> = [
        "first", "hash", "hdr", "leastconn", "random", "rdp-cookie", "roundrobin", "source", "static-rr", "uri",
        "url_param",
    ]

    static let serverFieldsV2: Set<String> = [
        "address", "agent-addr", "agent-check", "agent-inter", "agent-port", "agent-send", "allow_0rtt", "alpn",
        "backup", "check", "check-send-proxy", "check-sni", "check-ssl", "check_alpn", "check_proto",
        "check_via_socks4", "ciphers", "ciphersuites", "client_sigalgs", "cookie", "crl_file", "curves",
        "downinter", "error_limit", "fall", "fastinter", "force_sslv3", "force_tlsv10", "force_tlsv11",
        "force_tlsv12", "force_tlsv13", "health_check_address", "health_check_port", "id", "init-addr", "inter",
        "log-bufsize", "log_proto", "maintenance", "max_reuse", "maxconn", "maxqueue", "minconn", "name",
        "namespace", "no_sslv3", "no_tlsv10", "no_tlsv11", "no_tlsv12", "no_tlsv13", "no_verifyhost", "npn",
        "observe", "on-error", "on-marked-down", "on-marked-up", "pool_low_conn", "pool_max_conn",
        "pool_purge_delay", "port", "proto", "proxy-v2-options", "redir", "resolve-net", "resolve-prefer",
        "resolve_opts", "resolvers", "rise", "send-proxy", "send-proxy-v2", "send_proxy_v2_ssl",
        "send_proxy_v2_ssl_cn", "set-proxy-v2-tlv-fmt", "shard", "sigalgs", "slowstart", "sni", "socks4", "source",
        "ssl", "ssl_cafile", "ssl_certificate", "ssl_max_ver", "ssl_min_ver", "ssl_reuse", "stick", "tcp_ut",
        "tfo", "tls_tickets", "track", "verify", "verifyhost", "weight", "ws",
    ]

    static let backendFieldsV2: Set<String> = [
        "abortonclose", "accept_invalid_http_response", "adv_check", "allbackups", "balance", "bind_process",
        "check_timeout", "checkcache", "compression", "connect_timeout", "cookie", "default_server", "description",
        "disabled", "dynamic_cookie_key", "email_alert", "enabled", "error_files", "errorfiles_from_http_errors",
        "errorloc302", "errorloc303", "external_check", "external_check_command", "external_check_path",
        "force_persist", "force_persist_list", "forwardfor", "from", "fullconn", "h1_case_adjust_bogus_server",
        "hash_balance_factor", "hash_type", "http-buffer-request", "http-check", "http-keep-alive",
        "http-no-delay", "http-server-close", "http-use-htx", "http_connection_mode", "http_keep_alive_timeout",
        "http_pretend_keepalive", "http_proxy", "http_request_timeout", "http_restrict_req_hdr_names",
        "http_reuse", "http_send_name_header", "httpchk_params", "httpclose", "id", "ignore_persist",
        "ignore_persist_list", "independent_streams", "load_server_state_from_file", "log_health_checks",
        "log_tag", "max_keep_alive_queue", "mode", "mysql_check_params", "name", "nolinger", "originalto",
        "persist", "persist_rule", "pgsql_check_params", "prefer_last_server", "queue_timeout", "redispatch",
        "retries", "retry_on", "server_fin_timeout", "server_state_file_name", "server_timeout", "smtpchk_params",
        "source", "splice_auto", "splice_request", "splice_response", "spop_check", "srvtcpka", "srvtcpka_cnt",
        "srvtcpka_idle", "srvtcpka_intvl", "stats_options", "stick_table", "tarpit_timeout", "tcp_smart_connect",
        "tcpka", "transparent", "tunnel_timeout", "use_fcgi_app",
    ]

    static let serverFieldsV3: Set<String> = [
        "address", "agent-addr", "agent-check", "agent-inter", "agent-port", "agent-send", "allow_0rtt", "alpn",
        "backup", "cc", "check", "check-pool-conn-name", "check-reuse-pool", "check-send-proxy", "check-sni",
        "check-ssl", "check_alpn", "check_proto", "check_sni_auto", "check_via_socks4", "ciphers", "ciphersuites",
        "client_sigalgs", "cookie", "crl_file", "curves", "downinter", "error_limit", "fall", "fastinter",
        "force_sslv3", "force_tlsv10", "force_tlsv11", "force_tlsv12", "force_tlsv13", "guid", "hash_key",
        "health_check_address", "health_check_port", "id", "idle_ping", "init-addr", "init-state", "inter", "ktls",
        "log-bufsize", "log_proto", "maintenance", "max_reuse", "maxconn", "maxqueue", "metadata", "minconn",
        "name", "namespace", "no_sslv3", "no_tlsv10", "no_tlsv11", "no_tlsv12", "no_tlsv13", "no_verifyhost",
        "npn", "observe", "on-error", "on-marked-down", "on-marked-up", "pool_conn_name", "pool_low_conn",
        "pool_max_conn", "pool_purge_delay", "port", "proto", "proxy-v2-options", "quic-cc-algo",
        "quic_cc_algo_max_window", "redir", "renegotiate", "resolve-net", "resolve-prefer", "resolve_opts",
        "resolvers", "rise", "send-proxy", "send-proxy-v2", "send_proxy_v2_ssl", "send_proxy_v2_ssl_cn",
        "set-proxy-v2-tlv-fmt", "shard", "sigalgs", "slowstart", "sni", "sni_auto", "socks4", "source", "ssl",
        "ssl_cafile", "ssl_certificate", "ssl_max_ver", "ssl_min_ver", "ssl_reuse", "sslv3", "stick",
        "strict-maxconn", "tcp_md5sig", "tcp_ut", "tfo", "tls_tickets", "tlsv10", "tlsv11", "tlsv12", "tlsv13",
        "track", "verify", "verifyhost", "weight", "ws",
    ]

    static let backendFieldsV3: Set<String> = [
        "abortonclose", "accept_invalid_http_response", "accept_unsafe_violations_in_http_response", "acl_list",
        "adv_check", "allbackups", "balance", "check_timeout", "checkcache", "compression", "connect_timeout",
        "cookie", "default_server", "description", "disabled", "dynamic_cookie_key", "email_alert", "enabled",
        "error_files", "errorfiles_from_http_errors", "errorloc302", "errorloc303", "external_check",
        "external_check_command", "external_check_path", "filter_list", "filter_sequence_list", "force_persist",
        "force_persist_list", "forwardfor", "from", "fullconn", "guid", "h1_case_adjust_bogus_server",
        "hash_balance_factor", "hash_preserve_affinity", "hash_type", "http-buffer-request",
        "http-drop-request-trailers", "http-no-delay", "http_after_response_rule_list", "http_check_list",
        "http_connection_mode", "http_error_rule_list", "http_keep_alive_timeout", "http_pretend_keepalive",
        "http_request_rule_list", "http_request_timeout", "http_response_rule_list", "http_restrict_req_hdr_names",
        "http_reuse", "http_send_name_header", "httpchk_params", "id", "ignore_persist", "ignore_persist_list",
        "independent_streams", "load_server_state_from_file", "log_health_checks", "log_tag", "log_target_list",
        "max_keep_alive_queue", "metadata", "mode", "mysql_check_params", "name", "nolinger", "originalto",
        "persist", "persist_rule", "pgsql_check_params", "prefer_last_server", "queue_timeout", "redispatch",
        "retries", "retry_on", "server_fin_timeout", "server_state_file_name", "server_switching_rule_list",
        "server_templates", "server_timeout", "servers", "smtpchk_params", "source", "splice_auto",
        "splice_request", "splice_response", "spop_check", "srvtcpka", "srvtcpka_cnt", "srvtcpka_idle",
        "srvtcpka_intvl", "stats_options", "stick_rule_list", "stick_table", "tarpit_timeout",
        "tcp_check_rule_list", "tcp_request_rule_list", "tcp_response_rule_list", "tcp_smart_connect", "tcpka",
        "transparent", "tunnel_timeout", "use_fcgi_app", "use_small_buffers",
    ]

}
