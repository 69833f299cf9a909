/* target.c - TARGET strings -> protocol, host, port, SNI, connect address. */
